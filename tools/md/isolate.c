/*
 * isolate.c - `sluice md --isolate`: pages rendered in worker processes
 * (libsluice's sl_proc_pool), so that a page which crashes, hangs or
 * bloats the renderer costs an error for that page, never the batch or
 * the sidecar.
 *
 * The one idea: the worker does the whole page - render, then the bytes
 * that go out (the HTML, or the page's JSON object) - so only bytes
 * cross the process boundary.  The task is a small header (the options,
 * the file name) and the page's text; the reply is the output first, so
 * the parent can keep the buffer it received as the output without a
 * copy, then any error text and warnings, then a fixed trailer.  The
 * parent checks the trailer's lengths against what arrived: a worker is
 * not trusted to describe its reply.
 *
 * Callers on many threads (the batch's pool, the sidecar's) each wait for
 * their own page: sl_proc_pool_call hands each result straight to the
 * thread whose page it is.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "md.h"
#include "sluice/proc.h"

#define TASK_MAGIC 0x6d645454u  /* "mdTT" */
#define REPLY_MAGIC 0x6d645252u /* "mdRR" */

typedef struct task_head {
    uint32_t magic;
    uint8_t json, commonmark, unsafe_html, no_frontmatter, xhtml, has_file, mdx, no_heading_ids;
    uint32_t file_len;
    char jsx_import_source[128], provider_import_source[128]; /* MDX's, NUL-terminated */
    uint64_t nofile; /* the RLIMIT_NOFILE soft limit to render under (sl__md_iso_worker_nofile); 0: as inherited */
} task_head;

typedef struct reply_tail {
    uint64_t out_len;
    uint32_t err_len, nwarnings, status; /* status 0: rendered; 1: err says why not */
    uint32_t magic;
} reply_tail;

/* A warning in the reply: its line, its length, then its text. */
typedef struct warn_head {
    uint64_t line;
    uint32_t len, pad;
} warn_head;

/* ---- the worker process ------------------------------------------------- */

/* The bytes that go out for a rendered page. */
static void page_bytes(const task_head *h, const char *file, sl__md_page *pg, sl__md_buf *out)
{
    if (h->json) {
        sl__md_page_json(out, file, pg);
    } else {
        *out = (sl__md_buf){pg->html, pg->html_len, pg->html_len + 1, 0};
        pg->html = NULL;
    }
}

static int reply_with(sl_proc_reply *reply, const sl__md_buf *out, const char *err, const sl__md_page *pg)
{
    size_t elen = err ? strlen(err) : 0, total = out->len + elen + sizeof(reply_tail);
    size_t nw = pg ? pg->nwarnings : 0;
    for (size_t i = 0; i < nw; i++)
        total += sizeof(warn_head) + strlen(pg->warnings[i].msg);
    char *d = sl_proc_reply_alloc(reply, total);
    if (!d)
        return -1;
    reply_tail t = {out->len, (uint32_t)elen, (uint32_t)nw, err != NULL, REPLY_MAGIC};
    if (out->len)
        memcpy(d, out->data, out->len);
    d += out->len;
    if (elen)
        memcpy(d, err, elen);
    d += elen;
    for (size_t i = 0; i < nw; i++) {
        warn_head w = {pg->warnings[i].line, (uint32_t)strlen(pg->warnings[i].msg), 0};
        memcpy(d, &w, sizeof w);
        memcpy(d + sizeof w, pg->warnings[i].msg, w.len);
        d += sizeof w + w.len;
    }
    memcpy(d, &t, sizeof t);
    return 0;
}

/* Lowers this worker's RLIMIT_NOFILE soft limit to `soft`, once: the
 * parent raised its own (to 65,536 for the walk's directories) before it
 * started the workers, which inherit it, but a worker renders one page at
 * a time and needs a handful of descriptors; under the user's limit a
 * hostile page cannot make it hold tens of thousands, and a library
 * that uses select(2) (FD_SETSIZE 1024) stays safe.  Never raises it. */
static void keep_nofile(uint64_t soft)
{
    static uint64_t applied; /* a worker serves its tasks on one thread */
    if (!soft || soft == applied)
        return;
    applied = soft;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > soft) {
        rl.rlim_cur = (rlim_t)soft;
        (void)setrlimit(RLIMIT_NOFILE, &rl); /* refused: the page still renders */
    }
}

static int render_run(void *state, const void *task, size_t len, sl_proc_reply *reply)
{
    (void)state;
    task_head h;
    if (len < sizeof h || (memcpy(&h, task, sizeof h), h.magic != TASK_MAGIC) || h.file_len > len - sizeof h)
        return 2;
    keep_nofile(h.nofile);
    const char *file = h.has_file ? (const char *)task + sizeof h : NULL;
    char *fname = file ? strndup(file, h.file_len) : NULL;
    const char *src = (const char *)task + sizeof h + h.file_len;
    size_t n = len - sizeof h - h.file_len;
    sl__md_opts o = {h.commonmark, h.unsafe_html, h.no_frontmatter, h.xhtml, SL__MD_OWN, h.mdx, h.no_heading_ids,
                     {0}, {0}, !h.json};
    h.jsx_import_source[sizeof h.jsx_import_source - 1] = h.provider_import_source[sizeof h.provider_import_source - 1] = 0;
    memcpy(o.jsx_import_source, h.jsx_import_source, sizeof o.jsx_import_source);
    memcpy(o.provider_import_source, h.provider_import_source, sizeof o.provider_import_source);
    sl__md_page pg;
    sl__md_buf out = {0};
    char err[1200];
    int rc;
    if (sl__md_render(src, n, &o, &pg, err, sizeof err) != 0) {
        rc = reply_with(reply, &out, err, NULL);
    } else {
        page_bytes(&h, fname, &pg, &out);
        rc = out.failed ? reply_with(reply, &(sl__md_buf){0}, "out of memory", NULL)
                        : reply_with(reply, &out, NULL, &pg);
        if (rc != 0) /* the output is over max_message: say so, small */
            rc = reply_with(reply, &(sl__md_buf){0}, "the rendered page is too large to send back", NULL);
        sl__md_page_free(&pg);
    }
    sl__md_buf_free(&out);
    free(fname);
    return rc ? 1 : 0;
}

const sl_proc_worker sl_md_render_worker = {"sluice-md-render", NULL, render_run};

/* ---- the parent ---------------------------------------------------------- */

struct sl__md_iso {
    sl_proc_config cfg;
    sl_proc_pool *pool; /* NULL once the start failed */
    pthread_t starter;
    pthread_mutex_t lock;
    pthread_cond_t started_cv;
    int started; /* 1: starting is over (pool is the pool, or NULL) */
    int start_errno;
    uint64_t nofile; /* the workers' RLIMIT_NOFILE soft limit (task_head) */
};

static atomic_ullong worker_nofile;

void sl__md_iso_worker_nofile(unsigned long long soft)
{
    atomic_store(&worker_nofile, soft);
}

/* Starting the workers costs an exec each (tens of milliseconds for the
 * lot): it happens on a thread of its own while the caller walks the
 * inputs and makes the output directories. */
static void *start(void *arg)
{
    sl__md_iso *iso = arg;
    sl_proc_pool *pool = sl_proc_pool_new(&iso->cfg);
    int e = errno;
    pthread_mutex_lock(&iso->lock);
    iso->pool = pool;
    iso->start_errno = e;
    iso->started = 1;
    pthread_cond_broadcast(&iso->started_cv);
    pthread_mutex_unlock(&iso->lock);
    return NULL;
}

sl__md_iso *sl__md_iso_new(const sl__md_cli *c, sl_metrics *metrics)
{
    sl__md_iso *iso = calloc(1, sizeof *iso);
    if (!iso)
        return NULL;
    iso->nofile = atomic_load(&worker_nofile);
    iso->cfg = (sl_proc_config){
        .worker = &sl_md_render_worker,
        .workers = c->threads,
        .depth = 2, /* a page rendering and the next one waiting */
        .slot_size = 64 << 10, /* most pages, and their HTML, fit a slot */
        .max_message = (size_t)3 << 29, /* a 1 GiB page, and the HTML it may grow into */
        .task_timeout_ns = c->page_timeout_ns,
        .mem_kill = c->worker_memory,
        .mem_limit = c->worker_memory / 2,
        .metrics = metrics,
        /* The sidecar lives long: a warm spare makes a crash's restart a
         * hand-off.  A batch is over before a spare would pay off. */
        .spares = c->serving ? 1 : 0,
    };
    pthread_mutex_init(&iso->lock, NULL);
    pthread_cond_init(&iso->started_cv, NULL);
    if (pthread_create(&iso->starter, NULL, start, iso) != 0) {
        fprintf(stderr, "sluice md: cannot start a thread\n");
        free(iso);
        return NULL;
    }
    return iso;
}

/* The pool, once started (NULL if it could not start). */
static sl_proc_pool *pool_of(sl__md_iso *iso)
{
    pthread_mutex_lock(&iso->lock);
    while (!iso->started)
        pthread_cond_wait(&iso->started_cv, &iso->lock);
    pthread_mutex_unlock(&iso->lock);
    return iso->pool;
}

size_t sl__md_iso_callers(const sl__md_cli *c)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t workers = c->threads ? c->threads : cpus > 0 ? (size_t)cpus : 1;
    return 2 * workers; /* each worker has a page rendering and one waiting */
}

void sl__md_iso_free(sl__md_iso *iso)
{
    if (!iso)
        return;
    pthread_join(iso->starter, NULL);
    sl_proc_pool_free(iso->pool);
    pthread_cond_destroy(&iso->started_cv);
    pthread_mutex_destroy(&iso->lock);
    free(iso);
}

/* The reply's warnings, checked, into pg. */
static int take_warnings(const char *d, size_t n, uint32_t count, sl__md_page *pg)
{
    if (count > n / sizeof(warn_head) || !(pg->warnings = calloc(count ? count : 1, sizeof *pg->warnings)))
        return -1;
    for (uint32_t i = 0; i < count; i++) {
        warn_head w;
        if (n < sizeof w)
            return -1;
        memcpy(&w, d, sizeof w);
        if (w.len > n - sizeof w || !(pg->warnings[i].msg = strndup(d + sizeof w, w.len)))
            return -1;
        pg->warnings[i].line = (size_t)w.line;
        pg->nwarnings++;
        d += sizeof w + w.len;
        n -= sizeof w + w.len;
    }
    return n == 0 ? 0 : -1;
}

/* Splits a reply into output, error and warnings; -1 if it does not add up. */
static int take_reply(sl_proc_result *r, sl__md_buf *out, sl__md_page *pg, char *err, size_t errlen)
{
    reply_tail t;
    if (r->len < sizeof t)
        return -1;
    memcpy(&t, (char *)r->data + r->len - sizeof t, sizeof t);
    size_t body = r->len - sizeof t;
    if (t.magic != REPLY_MAGIC || t.out_len > body || t.err_len > body - t.out_len)
        return -1;
    const char *d = r->data;
    if (take_warnings(d + t.out_len + t.err_len, body - t.out_len - t.err_len, t.nwarnings, pg) != 0)
        return -1;
    if (t.status) {
        snprintf(err, errlen, "%.*s", (int)t.err_len, d + t.out_len);
        return 1;
    }
    /* The output is the front of the reply's buffer: keep it as is. */
    *out = (sl__md_buf){r->data, (size_t)t.out_len, r->len, 0};
    r->data = NULL;
    return 0;
}

static const char *status_word(int status)
{
    switch (status) {
    case SL_PROC_CRASHED: return "crashed";
    case SL_PROC_EXITED: return "exited";
    case SL_TIMEDOUT: return "timedout";
    case SL_PROC_HUNG: return "hung";
    case SL_PROC_OVERMEM: return "overmemory";
    case SL_PROC_BADMSG: return "badmessage";
    case SL_CANCELED: return "canceled";
    default: return "failed";
    }
}

int sl__md_iso_render(sl__md_iso *iso, const char *file, const char *src, size_t n, const sl__md_opts *o,
                      int json, sl__md_buf *out, sl__md_page *pg, sl__md_iso_failure *fail)
{
    memset(pg, 0, sizeof *pg);
    memset(fail, 0, sizeof *fail);
    task_head h = {TASK_MAGIC, (uint8_t)json, (uint8_t)o->commonmark, (uint8_t)o->unsafe_html,
                   (uint8_t)o->no_frontmatter, (uint8_t)o->xhtml, file != NULL, (uint8_t)o->mdx,
                   (uint8_t)o->no_heading_ids, file ? (uint32_t)strlen(file) : 0, {0}, {0}, iso->nofile};
    memcpy(h.jsx_import_source, o->jsx_import_source, sizeof h.jsx_import_source);
    memcpy(h.provider_import_source, o->provider_import_source, sizeof h.provider_import_source);
    struct iovec iov[] = {{&h, sizeof h}, {(void *)file, h.file_len}, {(void *)src, n}};
    sl_proc_pool *pool = pool_of(iso);
    if (!pool) {
        snprintf(fail->msg, sizeof fail->msg, "cannot start worker processes: %s", strerror(iso->start_errno));
        return -1;
    }
    sl_proc_result r = {0};
    int rc = sl_proc_pool_call(pool, iov, 3, &r);
    if (rc != SL_OK) {
        snprintf(fail->msg, sizeof fail->msg, "could not hand the page to a worker process (%d)", rc);
        return -1;
    }
    if (r.status != SL_OK) { /* the page crashed, hung or bloated its worker, twice */
        fail->worker = 1;
        fail->attempts = r.attempts;
        snprintf(fail->status, sizeof fail->status, "%s", status_word(r.status));
        snprintf(fail->cause, sizeof fail->cause, "%s", r.why);
        snprintf(fail->msg, sizeof fail->msg, "rendering failed in a worker process: %s (%d attempt%s)", r.why,
                 r.attempts, r.attempts == 1 ? "" : "s");
        return -1;
    }
    int got = r.code == 0 ? take_reply(&r, out, pg, fail->msg, sizeof fail->msg) : -1;
    free(r.data);
    if (got == 0)
        return 0;
    sl__md_page_free(pg);
    if (got < 0)
        snprintf(fail->msg, sizeof fail->msg, "a worker process sent a malformed page");
    return -1;
}
