/*
 * fastupdate.h - `--db FILE --update` without the full pipeline: when
 * only function bodies changed since the last run, the changed files are
 * parsed, their calls resolved against the last full run's snapshot
 * (snapshot.h), and the database patched in one transaction - without
 * discovering, reading or decoding the files that did not change.
 *
 * It answers "done" only when it can prove the result is the row-for-row
 * output of a full run: the run record (runrec.h) says which paths
 * changed (stat), each changed directory lists the same sources and
 * subdirectories, each changed source kept its shape (dbupdate.h), no
 * warning names it, every call of its old and new text resolves to a
 * node that already exists - an unresolved one only if it was first
 * referenced before this file - and no lookup depended on the order of
 * lookups.  Anything else is "go the full way", with the reason.
 */
#ifndef SLUICE_GRAPH_FASTUPDATE_H
#define SLUICE_GRAPH_FASTUPDATE_H

#include <stddef.h>
#include <stdint.h>

#include "dbupdate.h"
#include "graphcache.h"

typedef struct gr_fast {
    const char *cache_dir, *db;
    const uint8_t *request; /* the run record's name (runrec.h) */
    gr_cache *cache;
    int64_t start_ns;       /* this run's start, CLOCK_REALTIME */
    /* out */
    int status;             /* the exit status the last full run gave (its warnings stand) */
    char *warnings;         /* malloc'd: what it printed as warnings */
    size_t changed;         /* files whose content changed */
    int64_t wall[4];        /* ns: stat and read what changed; shapes and the snapshot; resolve; transaction */
    int last_order;         /* an answer of the last full run depended on the order of lookups: 1, 0,
                             * or -1 when no snapshot says */
    int busy;               /* the transaction waited out SQLite's busy timeout (another
                             * connection's lock): an in-place update would wait again */
    gr_update_stats st;
} gr_fast;

/* 1: the database is up to date and a new run record written; 0: nothing
 * was changed, why says what needs the full way. */
int gr_fast_update(gr_fast *q, char *why, size_t whylen);

#endif
