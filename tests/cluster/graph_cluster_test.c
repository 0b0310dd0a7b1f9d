/*
 * graph_cluster_test.c - `sluice graph --workers` keeps only results it
 * can trust: a forger on the coordinator's reply stream sends, for jobs
 * a (slow) real worker holds, a result of another run (foreign), one for
 * another input (stale), one that is not a per-file graph (malformed) and
 * a genuine one twice (the second, and the worker's own later, are
 * duplicates).  Every kind is counted as dropped in --stats, and the
 * graph is the bytes a local -j1 run writes.
 *
 * The coordinator is sl_graph_main on a thread of this program; the
 * worker is the sluice binary (SLUICE_BIN); the forger is the main thread.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cluster.h"
#include "redis_env.h"

extern char **environ;
int sl_graph_main(int argc, char **argv);
extern const sl_cluster_kind sl_graph_job_kind;

/* A crate of n modules that call each other: enough jobs for batches of
 * several. */
static void gen_crate(const char *dir, int n)
{
    char p[700];
    snprintf(p, sizeof p, "mkdir -p '%s/src'", dir);
    CHECK(system(p) == 0);
    snprintf(p, sizeof p, "%s/Cargo.toml", dir);
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    fputs("[package]\nname = \"gen\"\nversion = \"0.1.0\"\n", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/src/lib.rs", dir);
    f = fopen(p, "w");
    CHECK(f != NULL);
    for (int i = 1; i <= n; i++)
        fprintf(f, "pub mod m%d;\n", i);
    fclose(f);
    for (int i = 1; i <= n; i++) {
        snprintf(p, sizeof p, "%s/src/m%d.rs", dir, i);
        f = fopen(p, "w");
        CHECK(f != NULL);
        int next = i % n + 1;
        fprintf(f, "use crate::m%d::f%d;\npub struct S%d { pub v: u32 }\n"
                   "impl S%d { pub fn get(&self) -> u32 { f%d(self.v) } }\npub fn f%d(x: u32) -> u32 { x + %d }\n",
                next, next, i, i, next, i, i);
        fclose(f);
    }
}

typedef struct coord {
    pthread_t t;
    char url[512], json[512], gen[512];
    int rc;
} coord;

static void *coord_main(void *arg)
{
    coord *c = arg;
    char *argv[] = {"graph", "-j0", "-q", "--stats", "--workers", c->url, "--json", c->json,
                    GRAPH_EXAMPLE, GRAPH_FIXTURES "/resolve", c->gen, NULL};
    c->rc = sl_graph_main(11, argv);
    return NULL;
}

/* One result message of run `run` from "mallory" to the reply stream. */
static void forge(redisContext *raw, const char *reply_to, const uint8_t *run, uint64_t seq, const uint8_t *hash,
                  const void *data, size_t len, int copies)
{
    sl_cluster_buf b = {0};
    sl_cluster_results_begin(&b, run, "mallory");
    sl_cluster_result x = {.seq = seq, .status = SL_CLUSTER_OK, .data = data, .len = (uint32_t)len};
    memcpy(x.hash, hash, SL_CLUSTER_HASH);
    for (int i = 0; i < copies; i++)
        sl_cluster_results_add(&b, &x);
    CHECK(!b.failed);
    freeReplyObject(redisCommand(raw, "XADD %s * d %b", reply_to, b.data, b.len));
    sl_cluster_buf_free(&b);
}

/* Forges results for the jobs of the first batch of three jobs or more
 * on the queue; 1 once done. */
static int forge_batch(redisContext *raw, const char *queue)
{
    redisReply *r = redisCommand(raw, "XRANGE %s - +", queue);
    CHECK(r != NULL);
    int done = 0;
    for (size_t e = 0; !done && r->type == REDIS_REPLY_ARRAY && e < r->elements; e++) {
        redisReply *fields = r->element[e]->element[1];
        const char *d = NULL, *reply_to = NULL;
        size_t dlen = 0;
        for (size_t i = 0; i + 1 < fields->elements; i += 2) {
            if (!strcmp(fields->element[i]->str, "d"))
                d = fields->element[i + 1]->str, dlen = fields->element[i + 1]->len;
            else if (!strcmp(fields->element[i]->str, "r"))
                reply_to = fields->element[i + 1]->str;
        }
        sl_cluster_jobs js;
        char err[256];
        CHECK(d && reply_to && sl_cluster_jobs_decode(d, dlen, &js, err, sizeof err) == 0);
        CHECK(!strcmp(js.kind, "graph.file/2"));
        if (js.n < 3) {
            sl_cluster_jobs_free(&js);
            continue;
        }
        const sl_cluster_job *last = &js.jobs[js.n - 1], *prev = &js.jobs[js.n - 2];
        uint8_t other_run[SL_CLUSTER_RUN], wrong[SL_CLUSTER_HASH];
        for (int i = 0; i < SL_CLUSTER_RUN; i++)
            other_run[i] = (uint8_t)~js.run[i];
        memcpy(wrong, last->hash, sizeof wrong);
        wrong[0] ^= 1;
        /* the genuine result of `last`, as a worker computes it */
        void *state = NULL;
        sl_cluster_buf good = {0};
        CHECK_EQ(sl_graph_job_kind.run(&state, last->data, last->len, &good, err, sizeof err), 0);
        sl_graph_job_kind.state_free(state);
        forge(raw, reply_to, other_run, last->seq, last->hash, good.data, good.len, 1); /* foreign */
        forge(raw, reply_to, js.run, last->seq, wrong, good.data, good.len, 1);         /* stale */
        forge(raw, reply_to, js.run, prev->seq, prev->hash, "not a graph", 11, 1);     /* malformed */
        forge(raw, reply_to, js.run, last->seq, last->hash, good.data, good.len, 2);   /* taken, then a duplicate */
        sl_cluster_buf_free(&good);
        sl_cluster_jobs_free(&js);
        done = 1;
    }
    freeReplyObject(r);
    return done;
}

static unsigned long long stat_of(const char *text, const char *what)
{
    const char *p = strstr(text, what);
    CHECK(p != NULL);
    while (p > text && p[-1] == ' ')
        p--;
    while (p > text && p[-1] >= '0' && p[-1] <= '9')
        p--;
    return strtoull(p, NULL, 10);
}

SL_TEST(graph_cluster_drops_forged_stale_duplicate_foreign_and_malformed_results)
{
    char dir[] = "/tmp/sluice-graph-cluster-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char local[600], err[600], queue[64];
    coord c;
    snprintf(queue, sizeof queue, "gq%d", getpid());
    snprintf(c.url, sizeof c.url, "%s", redis_url(queue));
    snprintf(c.json, sizeof c.json, "%s/remote.json", dir);
    snprintf(local, sizeof local, "%s/local.json", dir);
    snprintf(err, sizeof err, "%s/err", dir);
    snprintf(c.gen, sizeof c.gen, "%s/gen", dir);
    gen_crate(c.gen, 300);

    /* a slow worker: it holds the batch while the forger speaks */
    pid_t worker;
    char *wargv[] = {"setpriv", "--pdeathsig", "KILL", SLUICE_BIN, "worker", c.url, "-j1", "-q", NULL};
    setenv("SLUICE_WORKER_TEST_DELAY_MS", "10", 1);
    CHECK_EQ(posix_spawnp(&worker, "setpriv", NULL, NULL, wargv, environ), 0);
    unsetenv("SLUICE_WORKER_TEST_DELAY_MS");

    fflush(stderr);
    int saved = dup(2), efd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(efd, 2);
    close(efd);
    CHECK_EQ(pthread_create(&c.t, NULL, coord_main, &c), 0);
    redisContext *raw = redis_raw();
    int forged = 0;
    for (int i = 0; i < 2000 && !forged; i++) {
        forged = forge_batch(raw, queue);
        if (!forged)
            usleep(2000);
    }
    redisFree(raw);
    pthread_join(c.t, NULL);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    kill(worker, SIGTERM);
    waitpid(worker, NULL, 0);
    char *said = sl_test_slurp(err);
    if (!forged || c.rc != 0)
        fprintf(stderr, "coordinator said:\n%s\n", said ? said : "(nothing)");
    CHECK(forged);
    CHECK_EQ(c.rc, 0);
    CHECK(stat_of(said, " foreign") >= 1);
    CHECK(stat_of(said, " stale") >= 1);
    CHECK(stat_of(said, " malformed") >= 1);
    CHECK(stat_of(said, " duplicate") >= 1);
    CHECK(strstr(said, "worker mallory: 1 jobs") != NULL); /* the genuine result, taken once */

    char *argv[] = {"graph", "-j1", "-q", "--json", local, GRAPH_EXAMPLE, GRAPH_FIXTURES "/resolve", c.gen, NULL};
    CHECK_EQ(sl_graph_main(8, argv), 0);
    char *x = sl_test_slurp(local), *y = sl_test_slurp(c.json);
    CHECK(x && y && strlen(x) > 1000 && !strcmp(x, y));
    free(x);
    free(y);
    free(said);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}
