/*
 * rpc.h - sidecar requests: parsed from a JSON-RPC line (rpc.c), queued
 * page by page (sched.c), answered by the server (serve.c).
 */
#ifndef SLUICE_TOOLS_MD_RPC_H
#define SLUICE_TOOLS_MD_RPC_H

#include <stdatomic.h>
#include <stdint.h>

#include "md.h"

enum { SL__MD_TRANSFORM, SL__MD_BATCH, SL__MD_CANCEL, SL__MD_SHUTDOWN };

/* JSON-RPC error codes the sidecar uses. */
enum {
    SL__MD_PARSE_ERROR = -32700,
    SL__MD_INVALID_REQUEST = -32600,
    SL__MD_METHOD_NOT_FOUND = -32601,
    SL__MD_INVALID_PARAMS = -32602,
    SL__MD_INTERNAL_ERROR = -32603,
    SL__MD_WORKER_FAILED = -32001, /* --isolate: the page crashed, hung or bloated its worker */
    SL__MD_MDX_SYNTAX = -32002,    /* an MDX page's syntax error: data {line, column, frame} */
    SL__MD_CANCELLED = -32800,
};

typedef struct sl__md_rpc_page {
    char *file;         /* as the client named it, or NULL */
    char *content;      /* the page's text, freed once rendered */
    size_t len;         /* content bytes */
    int bad;            /* params error for this page: err_msg says why */
    char *err_msg;
    sl__md_buf out;     /* the page's result (or error) object, as JSON */
    int code;           /* 0, or the error code `out` carries */
    char *msg;          /* with code: the error message */
    char *data;         /* with code: the error's data as JSON text, or NULL */
    int mdx;            /* "format": "mdx" (or a file named *.mdx): compiled to an ES module */
} sl__md_rpc_page;

struct sl__md_group; /* serve.c: the answers of one JSON-RPC batch array */

typedef struct sl__md_req {
    int kind;
    int has_id;         /* 0 for a notification (no "id" member; "id": null is a request) */
    char *id_json;      /* id as the answer writes it: canonical JSON text ("null" for a null id), or a
                           string id holding \u0000 or a lone surrogate as the request wrote it; NULL for none */
    char *id_key;       /* that id as canonical JSON text where id_json is not (cancel compares it), or NULL */
    struct sl__md_group *group; /* the batch array whose answer this one joins, or NULL */
    sl__md_opts opts;
    sl__md_rpc_page *pages;
    size_t npages;
    size_t *order;      /* page indices, largest first */
    size_t next;        /* scheduler: pages handed out so far */
    char *cancel_id;    /* cancel: the id to cancel, as canonical JSON text */
    uint64_t bytes;     /* content bytes, for backpressure */
    int64_t arrived;    /* sl_now() when it was queued (for --stats) */
    /* Set and read by workers. */
    atomic_size_t completed;
    atomic_size_t remaining;
    atomic_int cancelled;
    _Atomic int64_t last_progress; /* sl_now() of the last progress note */
    struct sl__md_req *next_active; /* the server's list of running requests */
    struct sl__md_req *next_queued; /* the scheduler's queues */
} sl__md_req;

/* The most requests one JSON-RPC batch array may hold: each can cost an
 * answer ~50 times its size (`[1,1,...]`), so the cap bounds memory. */
#define SL__MD_RPC_BATCH_MAX 10000

/* The deepest a request line's arrays and objects may nest (md-rpc.md):
 * deeper is a -32700, answered with the id when it comes first. */
#define SL__MD_RPC_MAX_DEPTH 1000

/* One request line parsed: a request object, or a JSON-RPC batch array of
 * them (`batch`: the answers go out together, as one array). */
typedef struct sl__md_rpc_line {
    int batch;
    sl__md_req **reqs;  /* the requests to run, in line order; a slot set to
                           NULL is taken by the caller */
    size_t nreqs;
    sl__md_buf errors;  /* answers known at once (errors), one line each */
} sl__md_rpc_line;

/* Parses one request line into *l (which sl__md_rpc_line_free releases). */
void sl__md_rpc_parse_line(const char *line, size_t n, sl__md_rpc_line *l);
void sl__md_rpc_line_free(sl__md_rpc_line *l);
void sl__md_req_free(sl__md_req *r);

/* The id of a request from the first n bytes of its line (all that an
 * overlong line keeps): canonical JSON text (malloc'd), or NULL when no
 * top-level "id" with a string or integer value ends within them.  The
 * first "id" found answers: a later duplicate, which would win in a line
 * read whole, lies past what was kept. */
char *sl__md_rpc_prefix_id(const char *p, size_t n);

/* An error response line (with its newline) for id_json ("null" if none);
 * _data adds "data" (JSON text) when it is not NULL. */
void sl__md_rpc_error(sl__md_buf *b, const char *id_json, int code, const char *msg);
void sl__md_rpc_error_data(sl__md_buf *b, const char *id_json, int code, const char *msg, const char *data);

/* Renders page i of r into its `out` (a result or a per-page error); in a
 * worker process when iso is not NULL (--isolate). */
void sl__md_rpc_render_page(sl__md_req *r, size_t i, sl__md_iso *iso);

/* sched.c: the queue of pages waiting for a worker.  Single transforms go
 * first, then the pages of running batches, round robin between batches
 * and largest first within one, so a small request is never stuck behind
 * a big batch. */
typedef struct sl__md_sched sl__md_sched;
sl__md_sched *sl__md_sched_new(void);
void sl__md_sched_free(sl__md_sched *s);
void sl__md_sched_push(sl__md_sched *s, sl__md_req *r);
/* The next page to render: 0 and *r, *page set, or -1 when empty. */
int sl__md_sched_pop(sl__md_sched *s, sl__md_req **r, size_t *page);

#endif
