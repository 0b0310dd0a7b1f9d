/*
 * cluster.h - jobs of any tool, spread over `sluice worker` processes
 * through a Redis stream, with nothing lost and nothing written twice.
 *
 * Three parts, one per file:
 *   wire.c    the job and result messages (docs/formats/cluster.md)
 *   worker.c  `sluice worker URL`: takes job batches, runs them with the
 *             tool's job function, replies, acknowledges
 *   coord.c   the coordinator a tool runs (`--workers URL`): sends its
 *             jobs in batches, works locally too, and hands the tool
 *             exactly one result per job, whoever computed it
 * A tool takes part by exposing a sl_cluster_kind (its worker side) and by
 * driving a sl_cluster with its own callbacks (its coordinator side).
 * Tools never include each other: cli/ puts the kinds in one table.
 */
#ifndef SLUICE_TOOLS_CLUSTER_H
#define SLUICE_TOOLS_CLUSTER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- a growable byte buffer ---- */

typedef struct sl_cluster_buf {
    unsigned char *data;
    size_t len, cap;
    int failed; /* an allocation failed; contents are incomplete */
} sl_cluster_buf;
void sl_cluster_buf_put(sl_cluster_buf *b, const void *p, size_t n);
void sl_cluster_buf_u8(sl_cluster_buf *b, uint8_t v);
void sl_cluster_buf_u16(sl_cluster_buf *b, uint16_t v);
void sl_cluster_buf_u32(sl_cluster_buf *b, uint32_t v);
void sl_cluster_buf_u64(sl_cluster_buf *b, uint64_t v);
void sl_cluster_buf_free(sl_cluster_buf *b);

/* A reader over received bytes: every get fails (and stays failed) past
 * the end, so a decoder checks once at the end. */
typedef struct sl_cluster_rd {
    const unsigned char *p;
    size_t left;
    int bad;
} sl_cluster_rd;
uint8_t sl_cluster_rd_u8(sl_cluster_rd *r);
uint16_t sl_cluster_rd_u16(sl_cluster_rd *r);
uint32_t sl_cluster_rd_u32(sl_cluster_rd *r);
uint64_t sl_cluster_rd_u64(sl_cluster_rd *r);
const unsigned char *sl_cluster_rd_bytes(sl_cluster_rd *r, size_t n);

/* ---- the wire: docs/formats/cluster.md ---- */

#define SL_CLUSTER_HASH 16 /* XXH3-128 of a job's input, big-endian */
#define SL_CLUSTER_RUN 16  /* a coordinator run's random id */
#define SL_CLUSTER_MAX_JOBS 65536
#define SL_CLUSTER_KIND_MAX 64
#define SL_CLUSTER_MAX_RAW (64u << 20) /* a compressed batch's entries inflate to at most this */
#define SL_CLUSTER_MAX_MSG ((size_t)256 << 20) /* the largest message a worker sends or takes (the queue's limit) */

void sl_cluster_hash(const void *data, size_t len, uint8_t out[SL_CLUSTER_HASH]);

typedef struct sl_cluster_job {
    uint64_t seq;
    uint8_t hash[SL_CLUSTER_HASH];
    const unsigned char *data; /* into the message */
    uint32_t len;
} sl_cluster_job;

typedef struct sl_cluster_jobs {
    char kind[SL_CLUSTER_KIND_MAX + 1];
    char version[SL_CLUSTER_KIND_MAX + 1]; /* the coordinator's sluice version */
    uint8_t run[SL_CLUSTER_RUN];
    uint8_t wire; /* the wire version it came in: its results go back in the same */
    uint32_t n;
    sl_cluster_job *jobs;
    unsigned char *raw; /* version 2: the inflated entries, which jobs point into */
} sl_cluster_jobs;

enum { SL_CLUSTER_OK = 0, SL_CLUSTER_FAILED = 1, SL_CLUSTER_UNSUPPORTED = 2 };
enum { SL_CLUSTER_RECLAIMED = 1 }; /* result flags */

typedef struct sl_cluster_result {
    uint64_t seq;
    uint8_t hash[SL_CLUSTER_HASH]; /* of the input the worker computed from */
    uint8_t status, flags;
    uint32_t busy_us;
    const unsigned char *data; /* the result, or an error message */
    uint32_t len;
} sl_cluster_result;

typedef struct sl_cluster_results {
    uint8_t run[SL_CLUSTER_RUN];
    char worker[256];
    uint8_t wire;
    uint32_t n;
    sl_cluster_result *results;
    unsigned char *raw; /* version 2: the inflated entries */
} sl_cluster_results;

/* Encoders: _begin starts a message in b (emptying it), each _add appends
 * one entry and counts it; check b->failed at the end.  The message is
 * wire version 1 (entries plain) until _end compresses it into version 2
 * (results: only when `wire` is 2, the version the jobs came in). */
void sl_cluster_jobs_begin(sl_cluster_buf *b, const char *kind, const char *version, const uint8_t *run);
void sl_cluster_jobs_add(sl_cluster_buf *b, uint64_t seq, const uint8_t *hash, const void *data, uint32_t len);
void sl_cluster_results_begin(sl_cluster_buf *b, const uint8_t *run, const char *worker);
void sl_cluster_results_add(sl_cluster_buf *b, const sl_cluster_result *r);
void sl_cluster_jobs_end(sl_cluster_buf *b);
void sl_cluster_results_end(sl_cluster_buf *b, uint8_t wire);
/* Decoders of either wire version: 0, or -1 with the reason in err.
 * Pointers go into msg (version 1) or into the inflated entries the
 * result owns (version 2); free with the _free functions. */
int sl_cluster_jobs_decode(const void *msg, size_t len, sl_cluster_jobs *out, char *err, size_t errlen);
void sl_cluster_jobs_free(sl_cluster_jobs *j);
int sl_cluster_results_decode(const void *msg, size_t len, sl_cluster_results *out, char *err, size_t errlen);
void sl_cluster_results_free(sl_cluster_results *r);

/* ---- the worker side: what a tool exposes ---- */

typedef struct sl_cluster_kind {
    const char *kind; /* "graph.file/1": the tool, the job, the format's version */
    /* Runs one job: its input (as the tool's coordinator loaded it) to the
     * result bytes appended to out.  *state is this thread's, NULL at
     * first, freed with state_free.  0, or non-zero with a message in err. */
    int (*run)(void **state, const void *in, size_t len, sl_cluster_buf *out, char *err, size_t errlen);
    void (*state_free)(void *state);
} sl_cluster_kind;

/* `sluice worker URL [-j N] ...`: serves the kinds until SIGTERM. */
int sl_cluster_worker_main(int argc, char **argv, const sl_cluster_kind *const *kinds, size_t nkinds);

/* ---- the coordinator side: what a tool drives ---- */

typedef struct sl_cluster sl_cluster;

/* Job numbers (`job`) are the tool's own.  Every callback but take may run
 * on any thread, several at once; `thread` is in [0, threads]. */
typedef struct sl_cluster_ops {
    const char *kind; /* as the worker side names it */
    /* The input a worker needs for the job, into in (emptied first).  0;
     * or non-zero when the job cannot be sent (an unreadable file: it is
     * then run here, with no input). */
    int (*load)(void *ctx, uint64_t job, sl_cluster_buf *in);
    /* Runs the job here: from `in` when given (the loaded input), else from
     * scratch.  Returns its result (opaque, non-NULL). */
    void *(*run)(void *ctx, unsigned thread, uint64_t job, const void *in, size_t len);
    /* A worker's result bytes for the job as a result, or NULL (with why in
     * err) when they do not decode: the job is then run here. */
    void *(*decode)(void *ctx, uint64_t job, const void *data, size_t len, char *err, size_t errlen);
    /* On the caller's thread, exactly once per job, in no fixed order: its
     * result, owned by take from then on.  May call sl_cluster_add. */
    void (*take)(void *ctx, uint64_t job, void *result, size_t in_bytes);
    /* Frees a result that lost the race to another copy of the job. */
    void (*drop)(void *ctx, void *result);
} sl_cluster_ops;

typedef struct sl_cluster_config {
    const char *url;      /* the queue workers serve: redis://.../NAME */
    unsigned threads;     /* jobs run here at once; 0: workers only */
    size_t batch_bytes;   /* a batch carries up to this much input; default 256 KiB */
    size_t batch_jobs;    /* and up to this many jobs; default 64 */
    size_t window;        /* batches on the queue unanswered at once; default 32 */
    int64_t lease_ns;     /* workers' lease (for the gatherer's expiry); default 30 s */
    int64_t resend_ns;    /* a batch unanswered this long is sent again; default 4 leases */
    int64_t note_ns;      /* no worker has answered for this long: say so; default 10 s */
    int quiet;            /* no notes on stderr */
    const char *tool;     /* for notes: "sluice graph" */
    void (*progress)(void *arg, uint64_t done, uint64_t total, uint64_t bytes);
    void *progress_arg;
} sl_cluster_config;

/* Connects (both the queue and a private reply stream).  0, or -1 with a
 * message in err (a bad URL, a refused password, no server). */
int sl_cluster_new(sl_cluster **c, const sl_cluster_ops *ops, void *ctx, const sl_cluster_config *cfg, char *err,
                   size_t errlen);
/* Adds a job (size: its input's bytes, for batching and progress): before
 * sl_cluster_run, in the order they should start, or from take. */
void sl_cluster_add(sl_cluster *c, uint64_t job, uint64_t size);
/* Runs every job to its one result.  0; -1 when out of memory. */
int sl_cluster_run(sl_cluster *c);
void sl_cluster_free(sl_cluster *c);

typedef struct sl_cluster_stats {
    uint64_t jobs, here, remote;                      /* results taken, by origin */
    uint64_t backups;                                 /* sent jobs run here too, at the end */
    uint64_t duplicates, stale, foreign, malformed;   /* results dropped */
    uint64_t failed_remote, resent, reclaimed;        /* jobs a worker could not run; batches sent again */
    uint64_t batches_sent, bytes_sent, batches_in, bytes_in, round_trips;
    int64_t pump_load_ns, pump_send_ns, pump_wait_ns, pump_decode_ns; /* where the pump's time went */
    size_t nworkers;
    struct { char name[256]; uint64_t jobs, busy_us; } workers[32]; /* results taken, per worker */
} sl_cluster_stats;
void sl_cluster_stats_read(sl_cluster *c, sl_cluster_stats *s);
/* Cheap, for a progress bar: results taken so far, done here and by workers. */
void sl_cluster_share(sl_cluster *c, uint64_t *here, uint64_t *remote);
/* "workers 63%" (or "" before any result) into buf, for sl_progress_bar_set_note. */
void sl_cluster_share_note(sl_cluster *c, char *buf, size_t n);
/* One line per worker and the totals, for --stats. */
void sl_cluster_stats_print(sl_cluster *c, FILE *out);

#endif
