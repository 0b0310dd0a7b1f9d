/*
 * serve.c - `sluice md --serve`: the JSON-RPC sidecar's lifetime.
 *
 * One reader (a lightweight task on the pool, sluice/task.h) splits
 * standard input into lines, parses each (rpc.c) and queues its pages
 * (sched.c), one pool task per page.  It waits for input in sl_fd_wait and
 * for room in a channel, so it holds no thread: the workers render, and
 * whichever finishes a request's last page writes its response, so
 * answers leave as they are ready, in any order, by id.
 * Three invariants carry the design:
 *  - Lines never interleave: every write of a whole line holds out_lock.
 *    The answers of a JSON-RPC batch array are gathered (a group) and go
 *    out as one array line when the last of them is in.
 *  - Memory stays bounded: the reader refuses to read on while the queued
 *    page bytes exceed --queue-bytes, and a line longer than --max-line is
 *    skipped as it streams past, never buffered.
 *  - A vanished client stops everything: a failed write (EPIPE; SIGPIPE is
 *    ignored) sets `gone`, queued pages are skipped, and the server exits
 *    once in-flight pages drain.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <poll.h>

#include "rpc.h"
#include "sluice/metrics.h"
#include "sluice/pool.h"
#include "sluice/task.h"

#define PROGRESS_NS (50 * 1000 * 1000) /* at most one progress note per 50 ms */

typedef struct server {
    const sl__md_cli *cli;
    int in_fd, out_fd;
    sl_pool *pool;
    sl__md_sched *sched;
    pthread_mutex_t out_lock; /* one whole line at a time on out_fd */
    atomic_int gone;          /* the client stopped reading */

    pthread_mutex_t lock; /* guards what follows */
    sl_chan *changed;     /* a token: the counts below changed (one waiter) */
    uint64_t queued_bytes;    /* content of pages not yet rendered */
    size_t outstanding;       /* requests not yet answered */
    sl__md_req *active;       /* running requests, for cancel */

    /* --stats: per page, "queued" waits from its request's arrival to a
     * worker taking it, "render" is the work (parse-to-JSON of one page),
     * "answered" from arrival to the page's result being ready. */
    sl_metrics *metrics;
    sl_stage *st_queued, *st_render, *st_answered;
    sl__md_iso *iso; /* --isolate: pages render in worker processes */
} server;

/* Writes iov[0..n) as one unit; on failure marks the client gone. */
static int write_lines(server *s, struct iovec *iov, int n)
{
    int rc = 0;
    pthread_mutex_lock(&s->out_lock);
    while (n > 0 && !atomic_load(&s->gone)) {
        ssize_t w = writev(s->out_fd, iov, n > IOV_MAX ? IOV_MAX : n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            atomic_store(&s->gone, 1);
            break;
        }
        while (n > 0 && (size_t)w >= iov->iov_len) {
            w -= (ssize_t)iov->iov_len;
            iov++, n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + w;
            iov->iov_len -= (size_t)w;
        }
    }
    if (atomic_load(&s->gone))
        rc = -1;
    pthread_mutex_unlock(&s->out_lock);
    if (rc) /* wake the reader so it notices */
        sl_chan_try_send(s->changed, NULL);
    return rc;
}

static void write_buf(server *s, const sl__md_buf *b)
{
    if (b->len) {
        struct iovec v = {b->data, b->len};
        write_lines(s, &v, 1);
    }
}

/* A JSON-RPC batch array's answers, gathered as its requests finish.
 * `pending` counts the answers still to come plus one held by the reader
 * while it starts the array's requests, so the array line cannot be
 * written before the last request has even begun. */
typedef struct sl__md_group {
    pthread_mutex_t lock;
    size_t pending;
    sl__md_buf lines; /* the answers so far, one line each */
} group;

static group *group_new(void)
{
    group *g = calloc(1, sizeof *g);
    if (g) {
        pthread_mutex_init(&g->lock, NULL);
        g->pending = 1; /* the reader's */
    }
    return g;
}

/* Writes the array (nothing if every request was a notification) and
 * frees g: called once, by whoever brought `pending` to zero. */
static void group_flush(server *s, group *g)
{
    sl__md_buf *b = &g->lines;
    if (b->failed) {
        sl__md_buf err = {0};
        sl__md_rpc_error(&err, NULL, SL__MD_INTERNAL_ERROR, "out of memory");
        write_buf(s, &err);
        sl__md_buf_free(&err);
    } else if (b->len) {
        for (size_t i = 0; i < b->len - 1; i++)
            if (b->data[i] == '\n') /* answers hold no raw newline: each ends one */
                b->data[i] = ',';
        struct iovec v[3] = {{(char *)"[", 1}, {b->data, b->len - 1}, {(char *)"]\n", 2}};
        write_lines(s, v, 3);
    }
    sl__md_buf_free(b);
    pthread_mutex_destroy(&g->lock);
    free(g);
}

/* Adds v[0..n) (whole answer lines) to g; `done`: one pending answer is
 * in (or the reader lets go). */
static void group_put(server *s, group *g, const struct iovec *v, int n, int done)
{
    pthread_mutex_lock(&g->lock);
    for (int i = 0; i < n; i++)
        sl__md_buf_put(&g->lines, v[i].iov_base, v[i].iov_len);
    int last = done && --g->pending == 0;
    pthread_mutex_unlock(&g->lock);
    if (last)
        group_flush(s, g);
}

static void group_hold(group *g)
{
    pthread_mutex_lock(&g->lock);
    g->pending++;
    pthread_mutex_unlock(&g->lock);
}

/* r's answer (n = 0: none could be built): on its own line, or into its
 * batch array's. */
static void deliver(server *s, sl__md_req *r, struct iovec *v, int n)
{
    if (r->group)
        group_put(s, r->group, v, n, 1);
    else if (n)
        write_lines(s, v, n);
}

static void deliver_buf(server *s, sl__md_req *r, const sl__md_buf *b)
{
    struct iovec v = {b->data, b->len};
    deliver(s, r, &v, b->len && !b->failed);
}

static void send_progress(server *s, sl__md_req *r, size_t done, size_t page)
{
    int64_t now = sl_now(), last = atomic_load(&r->last_progress);
    if (now - last < PROGRESS_NS || !atomic_compare_exchange_strong(&r->last_progress, &last, now))
        return;
    sl__md_buf b = {0};
    char num[96];
    sl__md_buf_puts(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"progress\",\"params\":{\"batchId\":");
    sl__md_buf_puts(&b, r->id_json ? r->id_json : "null");
    snprintf(num, sizeof num, ",\"completed\":%zu,\"total\":%zu,\"currentFile\":", done, r->npages);
    sl__md_buf_puts(&b, num);
    const char *f = r->pages[page].file;
    if (f)
        sl__md_json_string(&b, f, strlen(f));
    else
        sl__md_buf_puts(&b, "null");
    sl__md_buf_puts(&b, "}}\n");
    if (!b.failed)
        write_buf(s, &b);
    sl__md_buf_free(&b);
}

/* The response to a finished transform or transformBatch. */
static void respond(server *s, sl__md_req *r)
{
    static const char head[] = "{\"jsonrpc\":\"2.0\",\"id\":";
    sl__md_buf b = {0};
    if (!r->has_id)
        return; /* a notification gets no answer */
    if (atomic_load(&r->cancelled)) {
        sl__md_rpc_error(&b, r->id_json, SL__MD_CANCELLED, "request cancelled");
    } else if (r->kind == SL__MD_TRANSFORM && r->pages[0].code) {
        sl__md_rpc_error_data(&b, r->id_json, r->pages[0].code, r->pages[0].msg ? r->pages[0].msg : "error",
                              r->pages[0].data);
    } else {
        /* Head, each page's JSON (joined by commas), tail: written as one
         * writev so the pages' buffers need not be copied into one. */
        size_t n = r->npages * 2 + 3;
        struct iovec *v = malloc(n * sizeof *v);
        if (!v) {
            sl__md_rpc_error(&b, r->id_json, SL__MD_INTERNAL_ERROR, "out of memory");
            deliver_buf(s, r, &b);
            sl__md_buf_free(&b);
            return;
        }
        int k = 0;
        sl__md_buf_puts(&b, head);
        sl__md_buf_puts(&b, r->id_json);
        sl__md_buf_puts(&b, r->kind == SL__MD_BATCH ? ",\"result\":{\"results\":[" : ",\"result\":");
        v[k++] = (struct iovec){b.data, b.len};
        for (size_t i = 0; i < r->npages; i++) {
            if (i)
                v[k++] = (struct iovec){(char *)",", 1};
            v[k++] = (struct iovec){r->pages[i].out.data, r->pages[i].out.len};
        }
        const char *tail = r->kind == SL__MD_BATCH ? "]}}\n" : "}\n";
        v[k++] = (struct iovec){(char *)tail, strlen(tail)};
        deliver(s, r, v, b.failed ? 0 : k);
        free(v);
        sl__md_buf_free(&b);
        return;
    }
    deliver_buf(s, r, &b);
    sl__md_buf_free(&b);
}

static void unlink_active(server *s, sl__md_req *r)
{
    for (sl__md_req **p = &s->active; *p; p = &(*p)->next_active)
        if (*p == r) {
            *p = r->next_active;
            return;
        }
}

static void finish(server *s, sl__md_req *r)
{
    /* Out of the active list first: `cancel` marks a request only while
     * it is there, under the lock, so from here on its answer is settled
     * and a later cancel says `cancelled: false` (it used to find the
     * request between its answer and this, and say true). */
    pthread_mutex_lock(&s->lock);
    unlink_active(s, r);
    pthread_mutex_unlock(&s->lock);
    respond(s, r);
    pthread_mutex_lock(&s->lock);
    s->outstanding--;
    /* Under the lock: once it is dropped with nothing outstanding, the
     * server may return and free the channel. */
    sl_chan_try_send(s->changed, NULL);
    pthread_mutex_unlock(&s->lock);
    sl__md_req_free(r);
}

/* A pool task: render the most urgent queued page. */
static int run_page(void *arg)
{
    server *s = arg;
    sl__md_req *r;
    size_t i;
    if (sl__md_sched_pop(s->sched, &r, &i) != 0)
        return 0;
    sl__md_rpc_page *p = &r->pages[i];
    size_t len = p->len;
    int64_t t0 = sl_now();
    if (atomic_load(&s->gone) || atomic_load(&r->cancelled)) {
        free(p->content); /* skipped: the answer will not be read */
        p->content = NULL;
    } else {
        sl__md_rpc_render_page(r, i, s->iso);
        if (s->metrics) {
            int64_t t1 = sl_now();
            sl_stage_wait(s->st_queued, t0 - r->arrived);
            sl_stage_add(s->st_render, 1, len);
            sl_stage_busy(s->st_render, t1 - t0);
            sl_stage_wait(s->st_render, t1 - t0);
            sl_stage_add(s->st_answered, 1, p->out.len);
            sl_stage_wait(s->st_answered, t1 - r->arrived);
        }
    }
    pthread_mutex_lock(&s->lock);
    s->queued_bytes -= len;
    sl_chan_try_send(s->changed, NULL);
    pthread_mutex_unlock(&s->lock);
    size_t done = atomic_fetch_add(&r->completed, 1) + 1;
    if (r->kind == SL__MD_BATCH && done < r->npages && !atomic_load(&s->gone))
        send_progress(s, r, done, i);
    if (atomic_fetch_sub(&r->remaining, 1) == 1)
        finish(s, r);
    return 0;
}

/* Queues a transform or batch; answers an empty batch at once. */
static void start(server *s, sl__md_req *r)
{
    atomic_store(&r->remaining, r->npages);
    r->arrived = sl_now();
    atomic_store(&r->last_progress, r->arrived);
    pthread_mutex_lock(&s->lock);
    s->outstanding++;
    s->queued_bytes += r->bytes;
    r->next_active = s->active;
    s->active = r;
    pthread_mutex_unlock(&s->lock);
    if (r->npages == 0) {
        finish(s, r);
        return;
    }
    /* Once queued, r belongs to the workers: the last page frees it, maybe
     * before this loop ends, so count from a copy. */
    size_t npages = r->npages;
    sl__md_sched_push(s->sched, r);
    for (size_t i = 0; i < npages; i++)
        while (sl_pool_submit(s->pool, run_page, s) != SL_OK)
            run_page(s); /* no memory for a task: render it here instead */
}

static void cancel(server *s, sl__md_req *r)
{
    int found = 0;
    pthread_mutex_lock(&s->lock);
    for (sl__md_req *a = s->active; a; a = a->next_active)
        if (a->has_id && !strcmp(a->id_key ? a->id_key : a->id_json, r->cancel_id)) {
            atomic_store(&a->cancelled, 1);
            found = 1;
        }
    pthread_mutex_unlock(&s->lock);
    if (r->has_id) {
        sl__md_buf b = {0};
        sl__md_buf_puts(&b, "{\"jsonrpc\":\"2.0\",\"id\":");
        sl__md_buf_puts(&b, r->id_json);
        sl__md_buf_puts(&b, found ? ",\"result\":{\"cancelled\":true}}\n"
                                  : ",\"result\":{\"cancelled\":false}}\n");
        deliver_buf(s, r, &b);
        sl__md_buf_free(&b);
    }
    sl__md_req_free(r);
}

/* Waits while queued work is over the limit (backpressure), or, with
 * `all`, until every request is answered; returns early if the client is
 * gone, unless `gone_too`.  The token channel holds at most one wake-up,
 * and whoever changes the counts sends one after, so a change between our
 * check and our receive is never lost.  In the reader task the receive
 * parks only the task. */
static void wait_for(server *s, int all, int gone_too)
{
    pthread_mutex_lock(&s->lock);
    while ((gone_too || !atomic_load(&s->gone)) &&
           (all ? s->outstanding > 0 : s->queued_bytes >= s->cli->queue_bytes)) {
        pthread_mutex_unlock(&s->lock);
        sl_chan_recv(s->changed, NULL);
        pthread_mutex_lock(&s->lock);
    }
    pthread_mutex_unlock(&s->lock);
}

static void wait_for_room(server *s, int all)
{
    wait_for(s, all, 0);
}

/* Answers a shutdown once every request in flight is answered. */
static void shutdown_req(server *s, sl__md_req *r)
{
    wait_for_room(s, 1);
    if (r->has_id) {
        sl__md_buf b = {0};
        sl__md_buf_puts(&b, "{\"jsonrpc\":\"2.0\",\"id\":");
        sl__md_buf_puts(&b, r->id_json);
        sl__md_buf_puts(&b, ",\"result\":null}\n");
        deliver_buf(s, r, &b);
        sl__md_buf_free(&b);
    }
    sl__md_req_free(r);
}

/* Runs one request of a line (joining group g's array, if any); r is
 * freed or handed on.  Shutdowns are left in *shut for the caller to run
 * last, so that in a batch array the other requests go first. */
static void dispatch(server *s, group *g, sl__md_req *r, sl__md_req **shut)
{
    r->group = g;
    if (g && r->has_id)
        group_hold(g);
    switch (r->kind) {
    case SL__MD_CANCEL:
        cancel(s, r);
        return;
    case SL__MD_SHUTDOWN:
        if (*shut) /* a second one in the same array: answered at once */
            shutdown_req(s, *shut);
        *shut = r;
        return;
    default:
        start(s, r);
        wait_for_room(s, 0);
    }
}

/* Handles one line; returns 1 after shutdown. */
static int handle_line(server *s, const char *line, size_t n)
{
    while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
        n--;
    if (n == 0)
        return 0;
    sl__md_rpc_line l;
    sl__md_rpc_parse_line(line, n, &l);
    group *g = NULL;
    if (l.batch && !(g = group_new())) {
        sl__md_buf_free(&l.errors);
        sl__md_rpc_error(&l.errors, NULL, SL__MD_INTERNAL_ERROR, "out of memory");
        write_buf(s, &l.errors);
        sl__md_rpc_line_free(&l);
        return 0;
    }
    if (g) {
        struct iovec v = {l.errors.data, l.errors.len};
        group_put(s, g, &v, l.errors.len ? 1 : 0, 0);
    } else
        write_buf(s, &l.errors);
    sl__md_req *shut = NULL;
    for (size_t i = 0; i < l.nreqs; i++) {
        sl__md_req *r = l.reqs[i];
        l.reqs[i] = NULL;
        dispatch(s, g, r, &shut);
    }
    if (shut)
        shutdown_req(s, shut);
    if (g)
        group_put(s, g, NULL, 0, 1); /* the reader lets go: the array may go out */
    l.nreqs = 0;
    sl__md_rpc_line_free(&l);
    return shut != NULL;
}

/* The line reader: whole lines to handle_line, overlong ones skipped. */
typedef struct reader {
    char *buf;
    size_t len, cap;
    int skipping;   /* inside a line longer than the limit */
    char *long_id;  /* that line's id, if its first --max-line bytes held it */
} reader;

/* Answers an overlong line, with its id when the part of the line read
 * before the limit held one (JSON.stringify writes "id" before "params"
 * when the client builds the object in that order, as most do). */
static void overlong(server *s, reader *rd)
{
    char msg[128];
    sl__md_buf b = {0};
    snprintf(msg, sizeof msg, "request line longer than %zu bytes (--max-line): skipped",
             s->cli->max_line);
    sl__md_rpc_error(&b, rd->long_id, SL__MD_INVALID_REQUEST, msg);
    write_buf(s, &b);
    sl__md_buf_free(&b);
    free(rd->long_id);
    rd->long_id = NULL;
}

/* The line at rd->buf[from..] is too long: remember its id, if any. */
static void start_skipping(server *s, reader *rd, size_t from)
{
    size_t n = rd->len - from;
    free(rd->long_id);
    rd->long_id = sl__md_rpc_prefix_id(rd->buf + from, n < s->cli->max_line ? n : s->cli->max_line);
}

/* Handles every complete line in rd; returns 1 after shutdown. */
static int drain_lines(server *s, reader *rd)
{
    size_t from = 0;
    for (;;) {
        char *nl = memchr(rd->buf + from, '\n', rd->len - from);
        if (!nl)
            break;
        size_t end = (size_t)(nl - rd->buf);
        if (rd->skipping || end - from > s->cli->max_line) {
            if (!rd->skipping)
                start_skipping(s, rd, from);
            rd->skipping = 0;
            overlong(s, rd);
        } else if (handle_line(s, rd->buf + from, end - from)) {
            return 1;
        }
        from = end + 1;
        if (atomic_load(&s->gone))
            return 1;
    }
    memmove(rd->buf, rd->buf + from, rd->len - from);
    rd->len -= from;
    if (rd->skipping)
        rd->len = 0; /* still inside the overlong line: drop what came */
    else if (rd->len > s->cli->max_line) {
        start_skipping(s, rd, 0);
        rd->skipping = 1;
        rd->len = 0;
    }
    return 0;
}

static int read_loop(server *s)
{
    reader rd = {0};
    int rc = 0;
    for (;;) {
        size_t want = rd.len + 65536;
        if (want > rd.cap) {
            size_t cap = rd.cap ? rd.cap : 65536;
            while (cap < want)
                cap *= 2;
            char *b = realloc(rd.buf, cap);
            if (!b) {
                fprintf(stderr, "sluice md: out of memory reading a request\n");
                rc = 1;
                break;
            }
            rd.buf = b;
            rd.cap = cap;
        }
        /* Parks the reader task until there is input; read() then does
         * not block the worker (a regular file is always ready). */
        sl_fd_wait(s->in_fd, POLLIN, SL_FOREVER);
        ssize_t n = read(s->in_fd, rd.buf + rd.len, rd.cap - rd.len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) { /* end of input: a last line without newline counts */
            if (n < 0)
                fprintf(stderr, "sluice md: reading requests: %s\n", strerror(errno));
            if (rd.len && !rd.skipping)
                handle_line(s, rd.buf, rd.len);
            else if (rd.skipping)
                overlong(s, &rd);
            break;
        }
        rd.len += (size_t)n;
        if (drain_lines(s, &rd))
            break;
        if (rd.cap > (1u << 20) && rd.len < 65536) { /* give a big line's buffer back */
            char *b = realloc(rd.buf, 131072);
            if (b) {
                rd.buf = b;
                rd.cap = 131072;
            }
        }
    }
    free(rd.buf);
    free(rd.long_id);
    return rc;
}

typedef struct reader_run {
    server *s;
    int rc;
    sl_chan *done;
} reader_run;

static int reader_task(void *arg)
{
    reader_run *r = arg;
    r->rc = read_loop(r->s);
    sl_chan_send(r->done, NULL);
    return 0;
}

/* Runs the reader as a task and waits for it on a channel (this thread
 * does not help run tasks meanwhile); where no task can start, it reads
 * on this thread instead. */
static int read_on_a_task(server *s)
{
    reader_run r = {s, 1, sl_chan_new(0, 1)};
    if (!r.done || sl_go(s->pool, reader_task, &r) != SL_OK) {
        sl_chan_free(r.done);
        return read_loop(s);
    }
    sl_chan_recv(r.done, NULL);
    sl_chan_free(r.done);
    return r.rc;
}

int sl__md_serve(const sl__md_cli *c, int in_fd, int out_fd)
{
    server s = {.cli = c, .in_fd = in_fd, .out_fd = out_fd};
    /* A client that closes its end must not kill us with SIGPIPE: writes
     * fail with EPIPE instead, and the server stops cleanly. */
    signal(SIGPIPE, SIG_IGN);
    pthread_mutex_init(&s.out_lock, NULL);
    pthread_mutex_init(&s.lock, NULL);
    s.changed = sl_chan_new(0, 1);
    s.pool = sl_pool_new(c->isolate ? sl__md_iso_callers(c) : c->threads);
    /* The reader task parses each line with cJSON, one recursion per level
     * of nesting: 1,000 levels (SL__MD_RPC_MAX_DEPTH) took more than the
     * default 64 KiB task stack (a line 666 deep overflowed it).  Only the
     * reader runs on such a stack; its untouched pages cost nothing. */
    if (s.pool)
        sl_pool_set_stack_size(s.pool, 1 << 20);
    s.sched = sl__md_sched_new();
    if (c->stats && (s.metrics = sl_metrics_new())) {
        s.st_queued = sl_metrics_stage(s.metrics, "queued");
        s.st_render = sl_metrics_stage(s.metrics, "render");
        s.st_answered = sl_metrics_stage(s.metrics, "answered");
    }
    int rc = 1;
    if (!s.pool || !s.sched || !s.changed || (c->stats && !s.metrics)) {
        fprintf(stderr, "sluice md: cannot start the worker pool\n");
        goto out;
    }
    if (c->isolate && !(s.iso = sl__md_iso_new(c, s.metrics)))
        goto out;
    rc = read_on_a_task(&s);
    /* Cancel what is still running if the client is gone, then let it drain. */
    if (atomic_load(&s.gone)) {
        pthread_mutex_lock(&s.lock);
        for (sl__md_req *a = s.active; a; a = a->next_active)
            atomic_store(&a->cancelled, 1);
        pthread_mutex_unlock(&s.lock);
    }
    wait_for(&s, 1, 1);
    if (atomic_load(&s.gone))
        fprintf(stderr, "sluice md: the client stopped reading responses; stopped\n");
    if (s.metrics) {
        sl_metrics_write_json(s.metrics, stderr);
        fputc('\n', stderr);
    }
out:
    if (s.pool)
        sl_pool_free(s.pool);
    sl__md_iso_free(s.iso); /* after the pool: no page is rendering */
    if (s.metrics)
        sl_metrics_free(s.metrics);
    sl__md_sched_free(s.sched);
    sl_chan_free(s.changed);
    pthread_mutex_destroy(&s.lock);
    pthread_mutex_destroy(&s.out_lock);
    return rc;
}
