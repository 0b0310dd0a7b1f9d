/*
 * cluster_test.c - the coordinator and `sluice worker` against a real
 * redis-server, with a job kind of the test's own (test.rev/1: the input
 * reversed), so that every result can be checked.  Workers are real
 * processes (this binary, run as `cluster_tests worker URL ...`), so a
 * kill -9 is a real one.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zstd.h>

#include "check.h"
#include "cluster.h"
#include "redis_env.h"
#include "sluice/remote.h"

#define MS 1000000LL

/* ---- the job kind ---- */

static int rev_run(void **state, const void *in, size_t len, sl_cluster_buf *out, char *err, size_t errlen)
{
    (void)state, (void)err, (void)errlen;
    const unsigned char *p = in;
    for (size_t i = len; i-- > 0;)
        sl_cluster_buf_put(out, &p[i], 1);
    return 0;
}

static const sl_cluster_kind rev_kind = {"test.rev/1", rev_run, NULL};

/* ---- the coordinator's side ---- */

#define MAXJOBS 2000

typedef struct run {
    uint64_t njobs;
    int64_t here_delay_ns; /* slows runs here, so that workers get a share */
    atomic_int taken[MAXJOBS];
    char *result[MAXJOBS];
    int add_children; /* jobs < 8 add job 1000 + id from take */
} run;

typedef struct res {
    size_t len;
    char data[];
} res;

static uint64_t empty_every; /* a test's jobs 0, N, 2N, ... have no input at all */

static uint64_t big_every; /* a test's jobs 1, N+1, 2N+1, ... have 64 KiB of input that does not compress */

static void input_of(uint64_t job, sl_cluster_buf *b)
{
    if (empty_every && job % empty_every == 0)
        return;
    if (big_every && job % big_every == 1) {
        uint64_t x = job * 0x9e3779b97f4a7c15ull + 1;
        for (int i = 0; i < 65536; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            char c = (char)('a' + (x >> 33) % 26);
            sl_cluster_buf_put(b, &c, 1);
        }
        return;
    }
    char piece[32];
    int n = snprintf(piece, sizeof piece, "job-%llu;", (unsigned long long)job);
    for (uint64_t i = 0; i <= job % 40; i++)
        sl_cluster_buf_put(b, piece, (size_t)n);
}

static int t_load(void *ctx, uint64_t job, sl_cluster_buf *in)
{
    (void)ctx;
    if (job % 97 == 13)
        return -1; /* "unreadable": must be run here */
    input_of(job, in);
    return 0;
}

static res *make_res(const void *data, size_t len)
{
    res *r = malloc(sizeof *r + len + 1);
    r->len = len;
    if (len) /* an empty input's result is empty: data may be NULL */
        memcpy(r->data, data, len);
    r->data[len] = 0;
    return r;
}

static void *t_run(void *ctx, unsigned thread, uint64_t job, const void *in, size_t len)
{
    run *rr = ctx;
    (void)thread;
    if (rr->here_delay_ns)
        usleep((useconds_t)(rr->here_delay_ns / 1000));
    sl_cluster_buf b = {0}, out = {0};
    if (!in) {
        input_of(job, &b);
        in = b.data;
        len = b.len;
    }
    rev_run(NULL, in, len, &out, NULL, 0);
    res *r = make_res(out.data, out.len);
    sl_cluster_buf_free(&b);
    sl_cluster_buf_free(&out);
    return r;
}

static void *t_decode(void *ctx, uint64_t job, const void *data, size_t len, char *err, size_t errlen)
{
    (void)ctx, (void)job;
    if (len > 100000) {
        snprintf(err, errlen, "too long");
        return NULL;
    }
    return make_res(data, len);
}

static sl_cluster *the_cluster;

static void t_take(void *ctx, uint64_t job, void *result, size_t in_bytes)
{
    run *r = ctx;
    (void)in_bytes;
    CHECK(job < MAXJOBS);
    CHECK_EQ(atomic_fetch_add(&r->taken[job], 1), 0); /* never twice */
    res *x = result;
    r->result[job] = strdup(x->data);
    free(x);
    if (r->add_children && job < 8)
        sl_cluster_add(the_cluster, 1000 + job, 100);
}

static void t_drop(void *ctx, void *result)
{
    (void)ctx;
    free(result);
}

static const sl_cluster_ops ops = {"test.rev/1", t_load, t_run, t_decode, t_take, t_drop};

/* Every job has its one result, and it is right. */
static void check_results(run *r, uint64_t njobs)
{
    for (uint64_t j = 0; j < njobs; j++) {
        CHECK_EQ(atomic_load(&r->taken[j]), 1);
        sl_cluster_buf in = {0}, want = {0};
        input_of(j, &in);
        rev_run(NULL, in.data, in.len, &want, NULL, 0);
        CHECK(r->result[j] && strlen(r->result[j]) == want.len && (!want.len || !memcmp(r->result[j], want.data, want.len)));
        sl_cluster_buf_free(&in);
        sl_cluster_buf_free(&want);
    }
}

static void free_results(run *r)
{
    for (int j = 0; j < MAXJOBS; j++)
        free(r->result[j]);
}

static sl_cluster *new_cluster(run *r, const char *queue, unsigned threads, sl_cluster_config *extra)
{
    sl_cluster_config cfg = extra ? *extra : (sl_cluster_config){0};
    cfg.url = redis_url(queue);
    cfg.threads = threads;
    cfg.tool = "cluster_test";
    if (!cfg.batch_jobs)
        cfg.batch_jobs = 8;
    if (!cfg.lease_ns)
        cfg.lease_ns = 500 * MS;
    char err[512];
    sl_cluster *c = NULL;
    int rc = sl_cluster_new(&c, &ops, r, &cfg, err, sizeof err);
    if (rc)
        fprintf(stderr, "sl_cluster_new: %s\n", err);
    CHECK(rc == 0);
    the_cluster = c;
    return c;
}

static void add_jobs(sl_cluster *c, uint64_t n)
{
    for (uint64_t j = 0; j < n; j++)
        sl_cluster_add(c, j, (j % 40 + 1) * 8);
}

/* ---- workers as processes ---- */

typedef struct proc {
    pid_t pid;
    char log[64];
} proc;

static const char *worker_max_msg; /* the next workers' limit on a result batch */

static void start_worker(proc *p, const char *queue, const char *delay_ms, int threads)
{
    static int n;
    snprintf(p->log, sizeof p->log, "worker-%d-%d.log", (int)getpid(), n++);
    char jarg[16];
    snprintf(jarg, sizeof jarg, "%d", threads);
    char url[512];
    snprintf(url, sizeof url, "%s", redis_url(queue));
    p->pid = fork();
    CHECK(p->pid >= 0);
    if (p->pid == 0) {
        /* dies with the test, however the test ends, and holds none of
         * ctest's pipes: a leftover worker would reconnect forever */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int fd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC, 0644), null = open("/dev/null", O_WRONLY);
        dup2(fd, 2);
        dup2(null, 1);
        if (delay_ms)
            setenv("SLUICE_WORKER_TEST_DELAY_MS", delay_ms, 1);
        if (worker_max_msg)
            setenv("SLUICE_WORKER_TEST_MAX_MSG", worker_max_msg, 1);
        execl("/proc/self/exe", "cluster_tests", "worker", url, "-j", jarg, "--lease", "0.5", "-v", (char *)NULL);
        _exit(127);
    }
}

/* SIGTERM and wait: a worker exits 0 once the jobs in hand are answered. */
static void stop_worker(proc *p)
{
    kill(p->pid, SIGTERM);
    int status;
    CHECK(waitpid(p->pid, &status, 0) == p->pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) { /* show why */
        char cmd[128];
        snprintf(cmd, sizeof cmd, "cat %s >&2", p->log);
        if (system(cmd) != 0)
            fprintf(stderr, "(no log)\n");
    }
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    unlink(p->log);
}

static int log_has(const proc *p, const char *what)
{
    FILE *f = fopen(p->log, "r");
    char line[1024];
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f))
        found = strstr(line, what) != NULL;
    if (f)
        fclose(f);
    return found;
}

typedef struct bg {
    sl_cluster *c;
    pthread_t t;
    atomic_int done;
} bg;

static void *bg_main(void *arg)
{
    bg *b = arg;
    CHECK_EQ(sl_cluster_run(b->c), 0);
    atomic_store(&b->done, 1);
    return NULL;
}

/* A coordinator of n jobs on `queue`, -j0, running on a thread of its own. */
static sl_cluster *run_in_background(bg *b, run *r, const char *queue, uint64_t n)
{
    sl_cluster *c = new_cluster(r, queue, 0, NULL);
    add_jobs(c, n);
    *b = (bg){.c = c};
    pthread_create(&b->t, NULL, bg_main, b);
    return c;
}

/* ---- tests ---- */

SL_TEST(cluster_wire_round_trips_and_refuses_every_truncation)
{
    uint8_t run_id[SL_CLUSTER_RUN] = {1, 2, 3}, h[SL_CLUSTER_HASH];
    sl_cluster_buf b = {0};
    sl_cluster_jobs_begin(&b, "test.rev/1", "0.1.0", run_id);
    sl_cluster_hash("abc", 3, h);
    sl_cluster_jobs_add(&b, 7, h, "abc", 3);
    sl_cluster_jobs_add(&b, 9, h, "", 0);
    CHECK(!b.failed);
    sl_cluster_jobs js;
    char err[256];
    CHECK_EQ(sl_cluster_jobs_decode(b.data, b.len, &js, err, sizeof err), 0);
    CHECK(js.n == 2 && js.jobs[0].seq == 7 && js.jobs[0].len == 3 && !memcmp(js.jobs[0].data, "abc", 3));
    CHECK(!strcmp(js.kind, "test.rev/1") && !strcmp(js.version, "0.1.0") && js.jobs[1].len == 0);
    sl_cluster_jobs_free(&js);
    for (size_t cut = 0; cut < b.len; cut++)
        CHECK_EQ(sl_cluster_jobs_decode(b.data, cut, &js, err, sizeof err), -1);
    sl_cluster_buf_put(&b, "x", 1); /* a byte too many */
    CHECK_EQ(sl_cluster_jobs_decode(b.data, b.len, &js, err, sizeof err), -1);
    sl_cluster_result x = {.seq = 7, .status = SL_CLUSTER_OK, .busy_us = 5, .data = (const unsigned char *)"cba", .len = 3};
    memcpy(x.hash, h, sizeof h);
    sl_cluster_results_begin(&b, run_id, "w1");
    sl_cluster_results_add(&b, &x);
    sl_cluster_results rs;
    CHECK_EQ(sl_cluster_results_decode(b.data, b.len, &rs, err, sizeof err), 0);
    CHECK(rs.n == 1 && rs.results[0].seq == 7 && !strcmp(rs.worker, "w1") && !memcmp(rs.results[0].data, "cba", 3));
    sl_cluster_results_free(&rs);
    for (size_t cut = 0; cut < b.len; cut++)
        CHECK_EQ(sl_cluster_results_decode(b.data, cut, &rs, err, sizeof err), -1);
    sl_cluster_buf_free(&b);
}

SL_TEST(cluster_three_workers_give_every_job_exactly_one_result)
{
    static run r;
    proc w[3];
    for (int i = 0; i < 3; i++)
        start_worker(&w[i], "three", NULL, 1);
    sl_cluster *c = new_cluster(&r, "three", 0, NULL);
    add_jobs(c, 600);
    r.add_children = 1;
    CHECK_EQ(sl_cluster_run(c), 0);
    check_results(&r, 600);
    for (int j = 0; j < 8; j++)
        CHECK_EQ(atomic_load(&r.taken[1000 + j]), 1); /* jobs added from take */
    sl_cluster_stats st;
    sl_cluster_stats_read(c, &st);
    CHECK_EQ(st.jobs, 608);
    CHECK(st.remote >= 600 - 600 / 97 - 1); /* all but the unsendable ones went through the queue */
    CHECK(st.nworkers >= 2);
    CHECK(st.round_trips < st.jobs / 2); /* batched */
    sl_cluster_free(c);
    for (int i = 0; i < 3; i++)
        stop_worker(&w[i]);
    free_results(&r);
}

/* A batch whose results are over the queue's message limit: the worker
 * answers its jobs as failed (they run on the coordinator) and goes on
 * serving; it once sent the reply, was refused, and stopped for good. */
SL_TEST(cluster_results_over_the_message_limit_run_on_the_coordinator)
{
    static run r;
    proc w;
    worker_max_msg = "16384"; /* batches with a 64 KiB job are over it, the others far below */
    start_worker(&w, "toobig", NULL, 1);
    worker_max_msg = NULL;
    big_every = 50;
    sl_cluster *c = new_cluster(&r, "toobig", 0, NULL);
    add_jobs(c, 200);
    CHECK_EQ(sl_cluster_run(c), 0);
    check_results(&r, 200);
    big_every = 0;
    sl_cluster_stats st;
    sl_cluster_stats_read(c, &st);
    CHECK(st.failed_remote > 0);  /* batches of long results came back failed... */
    CHECK(st.remote > 0);         /* ...and those of short ones were taken */
    CHECK(log_has(&w, "over the queue's message limit"));
    sl_cluster_free(c);
    stop_worker(&w); /* exits 0: it served to the end */
    free_results(&r);
}

SL_TEST(cluster_job_with_empty_input_is_sent_and_answered_once)
{
    static run r;
    proc w;
    start_worker(&w, "empty", NULL, 1);
    empty_every = 5;
    bg b;
    sl_cluster *c = run_in_background(&b, &r, "empty", 60);
    /* an empty input once passed for "never sent": its result was stale,
     * the job sent again, forever */
    for (int i = 0; i < 2000 && !atomic_load(&b.done); i++)
        usleep(10000);
    CHECK(atomic_load(&b.done));
    pthread_join(b.t, NULL);
    check_results(&r, 60);
    sl_cluster_stats st;
    sl_cluster_stats_read(c, &st);
    CHECK_EQ(st.remote, 59); /* all but job 13, which cannot be sent */
    CHECK_EQ(st.stale, 0);
    CHECK_EQ(st.resent, 0);
    sl_cluster_free(c);
    stop_worker(&w);
    empty_every = 0;
    free_results(&r);
}

SL_TEST(cluster_jobs_of_a_worker_killed_mid_run_are_reclaimed)
{
    static run r;
    proc slow, fast;
    start_worker(&slow, "kill", "100", 1);
    bg b;
    sl_cluster *c = run_in_background(&b, &r, "kill", 200);
    for (int i = 0; i < 3000 && !log_has(&slow, "took batch"); i++) /* up to 30 s on a loaded machine */
        usleep(10000);
    CHECK(log_has(&slow, "took batch"));
    kill(slow.pid, SIGKILL); /* mid-batch: it sleeps 100 ms per job */
    waitpid(slow.pid, NULL, 0);
    unlink(slow.log);
    start_worker(&fast, "kill", NULL, 2);
    pthread_join(b.t, NULL);
    check_results(&r, 200);
    sl_cluster_stats st;
    sl_cluster_stats_read(c, &st);
    CHECK(st.reclaimed >= 1);
    sl_cluster_free(c);
    stop_worker(&fast);
    free_results(&r);
}

SL_TEST(cluster_worker_stopped_mid_batch_answers_it_before_it_exits)
{
    static run r;
    proc w;
    start_worker(&w, "term", "30", 1); /* 30 ms a job: a batch of 8 takes 240 ms */
    bg b;
    sl_cluster *c = run_in_background(&b, &r, "term", 40);
    for (int i = 0; i < 3000 && !log_has(&w, "took batch"); i++)
        usleep(10000);
    CHECK(log_has(&w, "took batch"));
    stop_worker(&w); /* SIGTERM mid-batch; it must exit 0 having answered */
    sl_cluster_stats st;
    sl_cluster_stats_read(c, &st);
    proc fresh;
    start_worker(&fresh, "term", NULL, 1);
    pthread_join(b.t, NULL);
    check_results(&r, 40);
    sl_cluster_stats_read(c, &st);
    CHECK(st.nworkers == 2 && st.workers[0].jobs > 0); /* the first worker's answers were taken */
    CHECK_EQ(st.reclaimed, 0);                         /* nothing of it was left to reclaim */
    sl_cluster_free(c);
    stop_worker(&fresh);
    free_results(&r);
}

SL_TEST(cluster_worker_stopped_while_its_server_is_gone_exits_at_once)
{
    proc w;
    start_worker(&w, "gone", NULL, 1);
    for (int i = 0; i < 3000 && !log_has(&w, "serving"); i++)
        usleep(10000);
    CHECK(log_has(&w, "serving"));
    redis_stop();
    for (int i = 0; i < 3000 && !log_has(&w, "reconnecting"); i++)
        usleep(10000);
    CHECK(log_has(&w, "reconnecting"));
    /* it used to back off and reconnect forever, deaf to SIGTERM: the
     * thread that ends the serving threads was the one reconnecting */
    kill(w.pid, SIGTERM);
    int status = 0;
    pid_t got = 0;
    int64_t t0 = sl_now();
    while ((got = waitpid(w.pid, &status, WNOHANG)) == 0 && sl_now() - t0 < 2000 * MS)
        usleep(10000);
    if (got == 0) {
        kill(w.pid, SIGKILL);
        waitpid(w.pid, NULL, 0);
    }
    CHECK(got == w.pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    unlink(w.log);
    redis_start();
}

SL_TEST(cluster_run_completes_across_a_server_restart)
{
    static run r;
    proc w[2];
    for (int i = 0; i < 2; i++)
        start_worker(&w[i], "restart", "2", 1);
    bg b;
    sl_cluster *c = run_in_background(&b, &r, "restart", 300);
    usleep(150000);
    CHECK(!atomic_load(&b.done));
    redis_restart();
    pthread_join(b.t, NULL);
    check_results(&r, 300);
    sl_cluster_free(c);
    for (int i = 0; i < 2; i++)
        stop_worker(&w[i]);
    free_results(&r);
}

SL_TEST(cluster_worker_started_after_the_coordinator_takes_the_queued_jobs)
{
    static run r;
    bg b;
    sl_cluster *c = run_in_background(&b, &r, "late", 100);
    usleep(300000);
    CHECK(!atomic_load(&b.done)); /* -j0 and no worker: it waits */
    proc w;
    start_worker(&w, "late", NULL, 2);
    pthread_join(b.t, NULL);
    check_results(&r, 100);
    sl_cluster_free(c);
    stop_worker(&w);
    free_results(&r);
}

SL_TEST(cluster_with_no_worker_finishes_here_and_takes_its_batches_back)
{
    static run r;
    sl_cluster *c = new_cluster(&r, "alone", 2, NULL);
    r.here_delay_ns = 2 * MS; /* so that batches go out before the queue is eaten here */
    add_jobs(c, 300);
    CHECK_EQ(sl_cluster_run(c), 0);
    check_results(&r, 300);
    sl_cluster_stats st;
    sl_cluster_stats_read(c, &st);
    CHECK_EQ(st.here, 300);
    CHECK(st.batches_sent == 0 || st.backups > 0); /* what was sent to nobody was run here too */
    sl_cluster_free(c);
    redisContext *raw = redis_raw();
    CHECK_EQ(redis_int(raw, "XLEN %s", "alone"), 0); /* nothing left for a worker to find */
    redisFree(raw);
    free_results(&r);
}

SL_TEST(cluster_local_threads_and_workers_together_never_take_a_job_twice)
{
    static run r;
    proc w[2];
    for (int i = 0; i < 2; i++)
        start_worker(&w[i], "mixed", "1", 1);
    sl_cluster *c = new_cluster(&r, "mixed", 2, NULL);
    r.here_delay_ns = 3 * MS;
    add_jobs(c, 400);
    CHECK_EQ(sl_cluster_run(c), 0); /* take() fails the test on a second result */
    check_results(&r, 400);
    sl_cluster_stats st;
    sl_cluster_stats_read(c, &st);
    CHECK(st.here > 0 && st.remote > 0);
    sl_cluster_free(c);
    for (int i = 0; i < 2; i++)
        stop_worker(&w[i]);
    free_results(&r);
}

SL_TEST(cluster_wire_compressed_batches_round_trip_every_truncation_refused)
{
    uint8_t run_id[SL_CLUSTER_RUN] = {1, 2, 3}, h[SL_CLUSTER_HASH];
    char text[3000], err[256];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = "fn main() { }\n"[i % 14];
    sl_cluster_hash(text, sizeof text, h);
    sl_cluster_buf b = {0};
    sl_cluster_jobs_begin(&b, "test.rev/1", "0.1.0", run_id);
    sl_cluster_jobs_add(&b, 7, h, text, sizeof text);
    sl_cluster_jobs_add(&b, 9, h, "", 0);
    size_t plain = b.len;
    sl_cluster_jobs_end(&b);
    CHECK(!b.failed && b.data[4] == 2 && b.len < plain / 4); /* version 2, and smaller */
    sl_cluster_jobs js;
    CHECK_EQ(sl_cluster_jobs_decode(b.data, b.len, &js, err, sizeof err), 0);
    CHECK(js.wire == 2 && js.n == 2 && js.jobs[0].len == sizeof text && !memcmp(js.jobs[0].data, text, sizeof text));
    CHECK(js.jobs[1].seq == 9 && js.jobs[1].len == 0);
    sl_cluster_jobs_free(&js);
    for (size_t cut = 0; cut < b.len; cut++)
        CHECK_EQ(sl_cluster_jobs_decode(b.data, cut, &js, err, sizeof err), -1);
    /* results go back in the version the jobs came in */
    sl_cluster_result x = {.seq = 7, .status = SL_CLUSTER_OK, .data = (const unsigned char *)text, .len = sizeof text};
    memcpy(x.hash, h, sizeof h);
    for (uint8_t wire = 1; wire <= 2; wire++) {
        sl_cluster_results_begin(&b, run_id, "w1");
        sl_cluster_results_add(&b, &x);
        sl_cluster_results_end(&b, wire);
        CHECK(!b.failed && b.data[4] == wire);
        sl_cluster_results rs;
        CHECK_EQ(sl_cluster_results_decode(b.data, b.len, &rs, err, sizeof err), 0);
        CHECK(rs.wire == wire && rs.n == 1 && rs.results[0].len == sizeof text);
        CHECK(!memcmp(rs.results[0].data, text, sizeof text));
        sl_cluster_results_free(&rs);
        for (size_t cut = 0; cut < b.len; cut++)
            CHECK_EQ(sl_cluster_results_decode(b.data, cut, &rs, err, sizeof err), -1);
    }
    sl_cluster_buf_free(&b);
}

/* A job batch of version 2 with the body given: the entries' declared
 * size, then `frame`. */
static void forged_v2(sl_cluster_buf *b, uint32_t declared, const void *frame, size_t len)
{
    uint8_t run_id[SL_CLUSTER_RUN] = {9}, h[SL_CLUSTER_HASH] = {0};
    sl_cluster_jobs_begin(b, "test.rev/1", "0.1.0", run_id);
    sl_cluster_jobs_add(b, 1, h, "zz", 2);
    b->len = 8 + strlen("test.rev/1") + strlen("0.1.0") + SL_CLUSTER_RUN + 4; /* the header only */
    b->data[4] = 2;
    sl_cluster_buf_u32(b, declared);
    sl_cluster_buf_put(b, frame, len);
}

/* A zstd frame of `size` zero bytes, its size declared in the frame or not. */
static void *zero_frame(size_t size, int declare, size_t *len)
{
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, declare);
    if (declare)
        ZSTD_CCtx_setPledgedSrcSize(cc, size);
    static const unsigned char zeros[1 << 16];
    size_t cap = ZSTD_compressBound(size) / 64 + 4096, done = 0;
    unsigned char *out = malloc(cap);
    ZSTD_outBuffer o = {out, cap, 0};
    while (done < size) {
        size_t n = size - done < sizeof zeros ? size - done : sizeof zeros;
        ZSTD_inBuffer in = {zeros, n, 0};
        while (in.pos < in.size)
            ZSTD_compressStream2(cc, &o, &in, ZSTD_e_continue);
        done += n;
    }
    ZSTD_inBuffer none = {zeros, 0, 0};
    while (ZSTD_compressStream2(cc, &o, &none, ZSTD_e_end) != 0)
        ;
    ZSTD_freeCCtx(cc);
    *len = o.pos;
    return out;
}

SL_TEST(cluster_wire_refuses_cut_lying_and_oversized_zstd_payloads)
{
    sl_cluster_buf b = {0};
    sl_cluster_jobs js;
    char err[256];
    size_t len;
    unsigned char *small = zero_frame(1000, 1, &len);
    forged_v2(&b, 1000, small, len); /* the honest one decodes */
    CHECK_EQ(sl_cluster_jobs_decode(b.data, b.len, &js, err, sizeof err), -1); /* inflated: 1000 zeros are not 1 job */
    CHECK(strstr(err, "after its last job"));
    forged_v2(&b, 1000, small, len - 1); /* the frame cut short */
    CHECK_EQ(sl_cluster_jobs_decode(b.data, b.len, &js, err, sizeof err), -1);
    CHECK(strstr(err, "cut short"));
    forged_v2(&b, 999, small, len); /* the sizes disagree */
    CHECK_EQ(sl_cluster_jobs_decode(b.data, b.len, &js, err, sizeof err), -1);
    forged_v2(&b, 1000, "\x28\xb5\x2f\xfdjunk", 8); /* a frame of junk */
    CHECK_EQ(sl_cluster_jobs_decode(b.data, b.len, &js, err, sizeof err), -1);
    free(small);
    /* a bomb: a few KB that would inflate past the limit */
    unsigned char *bomb = zero_frame(SL_CLUSTER_MAX_RAW + 1, 1, &len);
    CHECK(len < 64 * 1024);
    forged_v2(&b, SL_CLUSTER_MAX_RAW + 1, bomb, len);
    CHECK_EQ(sl_cluster_jobs_decode(b.data, b.len, &js, err, sizeof err), -1);
    CHECK(strstr(err, "limit"));
    forged_v2(&b, 1000, bomb, len); /* declaring less than its frame */
    CHECK_EQ(sl_cluster_jobs_decode(b.data, b.len, &js, err, sizeof err), -1);
    free(bomb);
    bomb = zero_frame(4 << 20, 0, &len); /* a frame that does not say what it inflates to */
    forged_v2(&b, 1000, bomb, len);
    CHECK_EQ(sl_cluster_jobs_decode(b.data, b.len, &js, err, sizeof err), -1);
    CHECK(strstr(err, "declare"));
    free(bomb);
    b.data[4] = 3; /* a wire version from the future */
    CHECK_EQ(sl_cluster_jobs_decode(b.data, b.len, &js, err, sizeof err), -1);
    CHECK(strstr(err, "wire version 3"));
    sl_cluster_buf_free(&b);
}

SL_TEST(cluster_wrong_password_is_a_clear_error)
{
    run *r = calloc(1, sizeof *r);
    sl_cluster_config cfg = {.url = redis_url_auth(":wrong@", "pw"), .tool = "t"};
    char err[512];
    sl_cluster *c = NULL;
    CHECK_EQ(sl_cluster_new(&c, &ops, r, &cfg, err, sizeof err), -1);
    CHECK(strstr(err, "authentication failed"));
    free(r);
}

/* Junk on the queue, and forged replies on the coordinator's stream. */
static void inject_hostile(const char *queue, sl_cluster *c)
{
    redisContext *raw = redis_raw();
    uint8_t run_id[SL_CLUSTER_RUN] = {9}, h[SL_CLUSTER_HASH] = {0};
    sl_cluster_buf b = {0};
    sl_cluster_jobs_begin(&b, "test.rev/1", "0.1.0", run_id);
    sl_cluster_jobs_add(&b, 1, h, "zz", 2);
    char gather[256];
    snprintf(gather, sizeof gather, "%s:gather:%032d", queue, 0);
    freeReplyObject(redisCommand(raw, "XADD %s * d %b", queue, b.data, b.len));               /* no reply address */
    freeReplyObject(redisCommand(raw, "XADD %s * d junk r %s", queue, gather));               /* not a batch */
    freeReplyObject(redisCommand(raw, "XADD %s * d %b r %s", queue, b.data, b.len - 1, gather)); /* cut short */
    freeReplyObject(redisCommand(raw, "XADD %s * d %b r %s", queue, b.data, b.len, gather)); /* nobody's run */
    sl_cluster_jobs_begin(&b, "no.such/9", "0.1.0", run_id);
    sl_cluster_jobs_add(&b, 1, h, "zz", 2);
    freeReplyObject(redisCommand(raw, "XADD %s * d %b r %s", queue, b.data, b.len, gather)); /* unknown kind */
    size_t len;
    unsigned char *bomb = zero_frame(SL_CLUSTER_MAX_RAW + 1, 1, &len);
    forged_v2(&b, SL_CLUSTER_MAX_RAW + 1, bomb, len); /* a zstd bomb */
    freeReplyObject(redisCommand(raw, "XADD %s * d %b r %s", queue, b.data, b.len, gather));
    forged_v2(&b, 1000, bomb, len); /* one that lies about its size */
    freeReplyObject(redisCommand(raw, "XADD %s * d %b r %s", queue, b.data, b.len, gather));
    free(bomb);
    sl_cluster_jobs_begin(&b, "test.rev/1", "0.1.0", run_id);
    sl_cluster_jobs_add(&b, 1, h, "zz", 2);
    sl_cluster_jobs_end(&b);
    freeReplyObject(redisCommand(raw, "XADD %s * d %b r %s", queue, b.data, b.len - 2, gather)); /* compressed, cut */
    /* the coordinator's own stream: a result of another run, a result
     * naming a job with the wrong hash, and junk */
    sl_cluster_result x = {.seq = 3, .status = SL_CLUSTER_OK, .data = (const unsigned char *)"forged", .len = 6};
    sl_cluster_results_begin(&b, run_id, "mallory");
    sl_cluster_results_add(&b, &x);
    sl_cluster_buf cut = {0}; /* and a compressed result batch cut short */
    sl_cluster_buf_put(&cut, b.data, b.len);
    sl_cluster_results_end(&cut, 2);
    (void)c;
    redisReply *keys = redisCommand(raw, "KEYS %s:gather:*", queue);
    for (size_t i = 0; keys && i < keys->elements; i++) {
        const char *g = keys->element[i]->str;
        freeReplyObject(redisCommand(raw, "XADD %s * d %b", g, b.data, b.len));
        freeReplyObject(redisCommand(raw, "XADD %s * d garbage", g));
        freeReplyObject(redisCommand(raw, "XADD %s * d %b", g, cut.data, cut.len - 1));
    }
    sl_cluster_buf_free(&cut);
    if (keys)
        freeReplyObject(keys);
    sl_cluster_buf_free(&b);
    redisFree(raw);
}

SL_TEST(cluster_hostile_messages_are_refused_and_crash_nothing)
{
    static run r;
    proc w;
    start_worker(&w, "hostile", "1", 1);
    bg b;
    sl_cluster *c = run_in_background(&b, &r, "hostile", 150);
    usleep(50000);
    inject_hostile("hostile", c);
    pthread_join(b.t, NULL);
    check_results(&r, 150); /* forged results never reach take() */
    sl_cluster_stats st;
    sl_cluster_stats_read(c, &st);
    CHECK(st.foreign + st.malformed >= 2);
    for (int i = 0; i < 100 && !log_has(&w, "refused entry"); i++)
        usleep(10000);
    CHECK(log_has(&w, "refused entry"));
    for (int i = 0; i < 100 && !log_has(&w, "is 67108864)"); i++)
        usleep(10000);
    CHECK(log_has(&w, "declaring 67108865 bytes (the limit is 67108864)")); /* the bomb, named */
    CHECK(log_has(&w, "does not declare") || log_has(&w, "does not inflate")); /* the liar */
    CHECK_EQ(kill(w.pid, 0), 0); /* still alive */
    sl_cluster_free(c);
    stop_worker(&w);
    free_results(&r);
}

/* `cluster_tests worker URL ...`: this binary as a worker of test.rev/1;
 * otherwise the test harness. */

__attribute__((constructor)) static void maybe_worker(void)
{
    FILE *f = fopen("/proc/self/cmdline", "r");
    static char buf[4096];
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    char *argv[16];
    int argc = 0;
    for (size_t i = 0; i < n && argc < 15; i += strlen(buf + i) + 1)
        argv[argc++] = buf + i;
    argv[argc] = NULL;
    if (argc >= 2 && !strcmp(argv[1], "worker")) {
        static const sl_cluster_kind *const kinds[] = {&rev_kind};
        exit(sl_cluster_worker_main(argc - 1, argv + 1, kinds, 1));
    }
}
