/*
 * job.c - one page as a cluster job (md.page/1, docs/formats/cluster.md):
 * the options, the name the page goes by and its text in; exactly the
 * bytes `sluice md` writes for it out (its HTML, or its JSON line).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "md.h"

enum { JOB_COMMONMARK = 1, JOB_UNSAFE_HTML = 2, JOB_JSON = 4, JOB_NAMED = 8 };

void sl__md_job_input(sl_cluster_buf *b, const sl__md_opts *o, int json, const char *name, const void *text,
                      size_t len)
{
    size_t n = name ? strlen(name) : 0;
    if (n > 65535)
        n = 65535; /* a name the format cannot hold: the job runs locally (see batch.c) */
    sl_cluster_buf_u8(b, 1);
    sl_cluster_buf_u8(b, (uint8_t)((o->commonmark ? JOB_COMMONMARK : 0) | (o->unsafe_html ? JOB_UNSAFE_HTML : 0) |
                                   (json ? JOB_JSON : 0) | (name ? JOB_NAMED : 0)));
    sl_cluster_buf_u16(b, (uint16_t)n);
    sl_cluster_buf_put(b, name, n);
    sl_cluster_buf_put(b, text, len);
}

static int md_job(void **state, const void *in, size_t len, sl_cluster_buf *out, char *err, size_t errlen)
{
    (void)state;
    sl_cluster_rd r = {in, len, 0};
    uint8_t version = sl_cluster_rd_u8(&r), flags = sl_cluster_rd_u8(&r);
    uint16_t n = sl_cluster_rd_u16(&r);
    const unsigned char *name = sl_cluster_rd_bytes(&r, n);
    if (r.bad || version != 1 || flags > 15 || memchr(name, 0, n)) {
        snprintf(err, errlen, "not an md.page job");
        return -1;
    }
    char *file = NULL;
    if ((flags & JOB_NAMED) && !(file = strndup((const char *)name, n))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sl__md_opts o = {flags & JOB_COMMONMARK ? 1 : 0, flags & JOB_UNSAFE_HTML ? 1 : 0};
    sl__md_page page;
    int rc = sl__md_render((const char *)r.p, r.left, &o, &page, err, errlen);
    if (rc == 0) {
        if (flags & JOB_JSON) { /* as batch.c's page_output writes it */
            sl__md_buf b = {0};
            sl__md_page_json(&b, file, &page);
            sl__md_buf_putc(&b, '\n');
            rc = b.failed ? -1 : 0;
            sl_cluster_buf_put(out, b.data, b.len);
            sl__md_buf_free(&b);
        } else
            sl_cluster_buf_put(out, page.html, page.html_len);
        sl__md_page_free(&page);
        if (rc)
            snprintf(err, errlen, "out of memory");
    }
    free(file);
    return rc;
}

const sl_cluster_kind sl_md_job_kind = {"md.page/1", md_job, NULL};
