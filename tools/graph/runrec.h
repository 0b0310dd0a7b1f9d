/*
 * runrec.h - what a run looked at on disk, kept in the cache directory so
 * that the next run with the same request over unchanged inputs can stop
 * at once, its outputs already being what it would write.
 *
 * A run records every path it asked the file system about - each file it
 * read, each directory it listed, each path it tested for existence,
 * present or not - with what stat(2) said, and, after writing, the same
 * of its outputs.  A later run with the same request (working directory,
 * PATHs, outputs, build id) stats those paths again; if every answer is
 * the same, no watched path was modified within a margin of the first
 * run's start (a change made while it ran), and the outputs are still the
 * files it wrote, the outputs are what a full run would write again: it
 * prints the recorded warnings and exits with the recorded status.
 * Anything else - a missing or damaged record included - is a full run.
 * The format is in docs/formats/graph-cache.md ("Run records").
 */
#ifndef SLUICE_GRAPH_RUNREC_H
#define SLUICE_GRAPH_RUNREC_H

#include <stddef.h>
#include <stdint.h>

typedef struct gr_watch {
    char *path;
    uint64_t dev, ino, size, mode, mtime_ns, ctime_ns; /* all 0 when the path does not exist */
    int exists;      /* stat(2) found it (these fields are its answer) */
    int linked;      /* lstat(2) found an entry of that name (a link to nothing too) */
    int absent;      /* lstat(2) said there is no entry of that name (ENOENT, ENOTDIR) */
    size_t under;    /* in a record: 1 + the index of the watched path this absent one is a
                      * direct child of (its answer follows from that one's), else 0 */
    int keyed;       /* a source file read through the cache: key is its content's */
    uint8_t key[32]; /* the cache key (graphcache.h) of the text read; zeros when not keyed */
} gr_watch;

/* A list that gr_watch_path and gr_watch_lstated add to keeps its
 * entries, and copies of their paths, in memory of its own: from 1 MiB up
 * in whole huge pages (a full run watches 11,100 paths on the crate
 * corpus: 1.4 MB of entries and 0.8 MB of paths, 540 page faults on the
 * merging thread in 4 KiB pages).  gr_watchlist_free frees both.  A list
 * made otherwise (a record read back: its paths lie in the record) has
 * vbytes and room 0 and is freed by its maker. */
typedef struct gr_watchlist {
    gr_watch *v;
    size_t n, cap;
    size_t vbytes;   /* v's size when gr_xtemp made it, else 0 (malloc's) */
    void *room;      /* the newest block the paths are copied into (each starts with the one before) */
    char *room_at;   /* where the next path goes in it */
    size_t room_left;
} gr_watchlist;

/* Records what stat(path) says now (lstat(2) first: one call but for a
 * link); the entry is valid until the next one is added. */
gr_watch *gr_watch_path(gr_watchlist *w, const char *path);
/* Records what lstat(2) answered for path just now (st), as
 * gr_watch_path would, without asking again: the run record's answer for
 * a file or directory discovery walked (a link is asked through stat). */
struct stat;
gr_watch *gr_watch_lstated(gr_watchlist *w, const char *path, const struct stat *st);
/* Sorts by path and keeps one entry a path (the first answer, its key
 * kept if a later one of the same path has it). */
void gr_watchlist_uniq(gr_watchlist *w);
void gr_watchlist_free(gr_watchlist *w);

/* The running program's own build (its GNU build id, or failing that
 * its executable's identity and times): records and snapshots are
 * trusted only by the build that made them. */
const char *gr_program_build_id(void);

/* The record's name for this request: the working directory, the build
 * ids (the extractor's and the program's) and every argument that changes the outputs' bytes or names, hashed
 * (XXH3-128: a name, not a proof - the record's own contents are checked
 * against what is on disk) into key's first GR_RUNREC_NAME bytes, the
 * rest zeros. */
enum { GR_RUNREC_NAME = 16 };
void gr_runrec_request(char **paths, int npaths, const char *db, const char *json, uint8_t key[32]);
/* The name in hex, as the record's file and its snapshot's are named. */
void gr_runrec_name_hex(const uint8_t key[32], char out[2 * GR_RUNREC_NAME + 1]);

/* 1 when the record for key in cache_dir says nothing changed: *status
 * and *warnings (malloc'd: what the run printed as warnings) are set. */
int gr_runrec_unchanged(const char *cache_dir, const uint8_t key[32], int *status, char **warnings);

/* The last run's record for key, for `--update` (graph_update.h): what it
 * watched (sorted by path, with the keys of the sources it read), its
 * outputs as it left them, its start.  0 and nothing set when there is no
 * sound record. */
typedef struct gr_runrec {
    int64_t start_ns;
    gr_watchlist watched, outputs;
    int status;      /* its exit status */
    char *warnings;  /* what it printed as warnings */
    uint8_t snap[16];/* the id of the snapshot (snapshot.h) its database matches; zeros for none */
    void *buf;       /* the record as read: the paths point into it */
} gr_runrec;
int gr_runrec_load(const char *cache_dir, const uint8_t key[32], gr_runrec *out);
/* The snapshot id the record for key names, read from its first bytes
 * alone (nothing checked: the caller compares it with the loaded
 * record's); 0 when there is none. */
int gr_runrec_peek_snap(const char *cache_dir, const uint8_t key[32], uint8_t snap[16]);
void gr_runrec_free(gr_runrec *r);
/* Whether a watched path says the same now as `was` (stat(2)), and was
 * not modified within the racy margin of a run that started at start_ns. */
int gr_watch_unchanged(const gr_watch *was, const gr_watch *now, int64_t start_ns);

/* Writes the record (temporary file, rename); start_ns is the run's
 * start on CLOCK_REALTIME, outputs what stat(2) said of the files it
 * wrote (gr_watch_written, or for a database updated in place, its answer
 * while the update's lock was held), snap the id of the snapshot that
 * describes them (NULL for none). */
void gr_runrec_save(const char *cache_dir, const uint8_t key[32], gr_watchlist *w, int64_t start_ns,
                    const gr_watch *outputs, int noutputs, int status, const char *warnings,
                    const uint8_t snap[16]);
/* The same in two steps: the watched paths' part of the record (w sorted
 * and made unique, as gr_runrec_save does) once w is complete - after the
 * mount, on a thread the resolution leaves a CPU for - and the rest, from
 * it, at the run's end. */
typedef struct gr_runrec_body {
    uint8_t *p;
    size_t n, nwatched;
    size_t cap; /* p's size (gr_xtemp) */
} gr_runrec_body;
void gr_runrec_prepare(gr_watchlist *w, gr_runrec_body *out);
void gr_runrec_save_prepared(const char *cache_dir, const uint8_t key[32], const gr_runrec_body *body,
                             int64_t start_ns, const gr_watch *outputs, int noutputs, int status,
                             const char *warnings, const uint8_t snap[16]);
void gr_runrec_body_free(gr_runrec_body *b);
/* x filled from stat(path) now (x->path a copy of path) if path is still
 * the file this run wrote - dev and ino as its writer had it open (both 0:
 * a device or FIFO, written in place, is what the path says).  0, x left
 * empty, when it is not: another run with the same outputs renamed its own
 * file over it since, and recording that one's stat beside this run's
 * inputs would certify a file this run did not write. */
int gr_watch_written(gr_watch *x, const char *path, uint64_t dev, uint64_t ino);
/* For tests: called with each output's path once this run has written it,
 * before the record takes its stat - where another run may write it too. */
extern void (*gr__test_after_write)(const char *path);
/* x filled from stat(path) now (x->path a copy of path). */
void gr_watch_stat(gr_watch *x, const char *path);
/* now[i] filled from stat(paths[i]), on several threads (now[i].path is
 * left as it was: the caller's). */
void gr_watch_stat_many(gr_watch *now, const char *const *paths, size_t n);
/* now[i] is what was[i]'s path answers now, for a record's list: a path
 * that was absent under a watched parent that answers as it did (not
 * racily) is absent still - a directory's times change with every entry
 * that comes or goes - so it is not asked again; everything else is
 * stat'ed, on several threads (now[i].path = was[i].path). */
void gr_watch_restat(const gr_watch *was, gr_watch *now, size_t n, int64_t start_ns);

#endif
