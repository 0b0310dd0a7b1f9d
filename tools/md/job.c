/*
 * job.c - one page as a cluster job (md.page/1, docs/formats/cluster.md).
 *
 * In: the rendering options, the name the page goes by in --json, and its
 * text.  Out: the page's warnings (line and message, formatted into stderr
 * lines by the coordinator, as a local run formats its own) and exactly
 * the bytes `sluice md` writes for it: its HTML, or its JSON line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "md.h"

enum { JOB_COMMONMARK = 1, JOB_UNSAFE_HTML = 2, JOB_JSON = 4, JOB_NAMED = 8, JOB_NO_FRONTMATTER = 16, JOB_XHTML = 32 };
#define JOB_FLAGS 63

int sl__md_job_input(sl_cluster_buf *b, const sl__md_opts *o, int json, const char *name, const void *text,
                     size_t len)
{
    size_t n = name ? strlen(name) : 0;
    if (n > 65535)
        return -1; /* a name the format cannot hold: the page is rendered here */
    int flags = (o->commonmark ? JOB_COMMONMARK : 0) | (o->unsafe_html ? JOB_UNSAFE_HTML : 0) |
                (json ? JOB_JSON : 0) | (name ? JOB_NAMED : 0) | (o->no_frontmatter ? JOB_NO_FRONTMATTER : 0) |
                (o->xhtml ? JOB_XHTML : 0);
    b->len = 0;
    sl_cluster_buf_u8(b, 1);
    sl_cluster_buf_u8(b, (uint8_t)flags);
    sl_cluster_buf_u16(b, (uint16_t)n);
    sl_cluster_buf_put(b, name, n);
    sl_cluster_buf_put(b, text, len);
    return b->failed ? -1 : 0;
}

/* The page's output bytes, as batch.c's page_output makes them. */
static void page_bytes(const sl__md_page *p, int json, const char *file, sl_cluster_buf *out)
{
    if (!json) {
        sl_cluster_buf_put(out, p->html, p->html_len);
        return;
    }
    sl__md_buf b = {0};
    sl__md_page_json(&b, file, p);
    sl__md_buf_putc(&b, '\n');
    if (b.failed)
        out->failed = 1;
    sl_cluster_buf_put(out, b.data, b.len);
    sl__md_buf_free(&b);
}

static int md_job(void **state, const void *in, size_t len, sl_cluster_buf *out, char *err, size_t errlen)
{
    (void)state;
    sl_cluster_rd r = {in, len, 0};
    uint8_t version = sl_cluster_rd_u8(&r), flags = sl_cluster_rd_u8(&r);
    uint16_t n = sl_cluster_rd_u16(&r);
    const unsigned char *name = sl_cluster_rd_bytes(&r, n);
    if (r.bad || version != 1 || flags > JOB_FLAGS || memchr(name, 0, n)) {
        snprintf(err, errlen, "not an md.page job");
        return -1;
    }
    char *file = NULL;
    if ((flags & JOB_NAMED) && !(file = strndup((const char *)name, n))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sl__md_opts o = {.commonmark = !!(flags & JOB_COMMONMARK), .unsafe_html = !!(flags & JOB_UNSAFE_HTML),
                     .no_frontmatter = !!(flags & JOB_NO_FRONTMATTER), .xhtml = !!(flags & JOB_XHTML)};
    sl__md_page page;
    int rc = sl__md_render((const char *)r.p, r.left, &o, &page, err, errlen);
    if (rc == 0) {
        sl_cluster_buf_u32(out, (uint32_t)page.nwarnings);
        for (size_t i = 0; i < page.nwarnings; i++) {
            size_t m = strlen(page.warnings[i].msg);
            sl_cluster_buf_u32(out, (uint32_t)page.warnings[i].line);
            sl_cluster_buf_u32(out, (uint32_t)m);
            sl_cluster_buf_put(out, page.warnings[i].msg, m);
        }
        page_bytes(&page, flags & JOB_JSON, file, out);
        sl__md_page_free(&page);
        if (out->failed) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    free(file);
    return rc;
}

const sl_cluster_kind sl_md_job_kind = {"md.page/1", md_job, NULL};

int sl__md_job_result(const void *data, size_t len, sl__md_warning **warnings, size_t *nwarnings,
                      const unsigned char **bytes, size_t *nbytes)
{
    sl_cluster_rd r = {data, len, 0};
    uint32_t n = sl_cluster_rd_u32(&r);
    if (r.bad || n > r.left / 8)
        return -1;
    sl__md_warning *w = n ? calloc(n, sizeof *w) : NULL;
    if (n && !w)
        return -1;
    size_t got = 0;
    for (; got < n; got++) {
        uint32_t line = sl_cluster_rd_u32(&r), m = sl_cluster_rd_u32(&r);
        const unsigned char *msg = sl_cluster_rd_bytes(&r, m);
        if (!msg || memchr(msg, 0, m) || !(w[got].msg = strndup((const char *)msg, m)))
            break;
        w[got].line = line;
    }
    if (got < n) {
        for (size_t i = 0; i < got; i++)
            free(w[i].msg);
        free(w);
        return -1;
    }
    *warnings = w;
    *nwarnings = n;
    *bytes = r.p;
    *nbytes = r.left;
    return 0;
}
