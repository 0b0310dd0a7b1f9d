/*
 * proc_layout.h - what a process pool and its workers share: the pages of
 * shared memory, and the marker that makes a re-executed program a worker.
 *
 * The one idea: each word has one writer.  A worker has two memfds.  The
 * task memfd ("down") is written by the pool only and mapped read-only in
 * the worker, so a worker cannot damage the bytes of a task the pool may
 * have to run again elsewhere.  The reply memfd ("up") is written by both,
 * on separate cache lines: the pool reads the worker's words only to
 * check them, and never reads back its own (it keeps them privately).
 * Every worker also maps the pool's bell: one futex word the supervisor
 * sleeps on.
 *
 *   down memfd: [page: magic, task head][task ring: slots | arena]
 *   up memfd:   [page: magic, worker's line, pool's line][reply ring: slots | arena]
 *   bell memfd: [page: ring (futex)]
 *
 * Waking, both ways, is the same Dekker handshake: the sleeper sets its
 * `sleeping` flag, reads the futex word, checks for work once more and
 * waits on the word; the waker publishes its work (a ring head, seq_cst),
 * then reads the flag, and only if it is set bumps the word and wakes.
 * Either the sleeper sees the work or the waker sees the flag.  A worker
 * rings for a reply only when every earlier reply had been taken (see
 * ring_bell_if_asleep in proc_worker.c).  docs/formats/proc-shm.md has
 * the layout byte for byte.
 */
#ifndef SLUICE_PROC_LAYOUT_H
#define SLUICE_PROC_LAYOUT_H

#include <stdatomic.h>
#include <stdint.h>

#define SL__PROC_MAGIC 0x736c7072u /* "slpr" */
#define SL__PROC_VERSION 1u
/* Set in a worker's environment by the pool; sl_proc_serve reads it. */
#define SL__PROC_ENV "SLUICE_PROC_WORKER"
/* Passed as argv[1], so a program that forgot sl_proc_serve sees an
 * unknown argument rather than running as itself. */
#define SL__PROC_ARG "--sluice-proc-worker"

/* The fds a worker finds its memfds on. */
enum { SL__PROC_FD_BELL = 3, SL__PROC_FD_DOWN = 4, SL__PROC_FD_UP = 5 };

typedef struct sl__proc_bell {
    _Atomic uint32_t ring; /* futex: bumped by whoever wakes the supervisor */
} sl__proc_bell;

typedef struct sl__proc_down {
    uint32_t magic, version;
    _Alignas(64) _Atomic uint64_t task_head; /* the task ring's head */
} sl__proc_down;

typedef struct sl__proc_up {
    uint32_t magic, version;
    /* Written by the worker. */
    _Alignas(64) _Atomic uint64_t task_tail; /* tasks released */
    _Atomic uint64_t reply_head;
    _Atomic uint64_t taken;   /* seq + 1 of the last task begun */
    _Atomic uint64_t beats;   /* bumped while alive and not stuck */
    _Atomic uint32_t ready;   /* the worker's pid, once it serves */
    _Atomic uint32_t sleeping; /* 1 while the worker waits on `wake` */
    /* Written by the pool. */
    _Alignas(64) _Atomic uint64_t reply_tail;
    _Atomic uint32_t wake;         /* futex the worker sleeps on */
    _Atomic uint32_t quit;         /* 1: exit once the current task is answered */
    _Atomic uint32_t sup_sleeping; /* 1 while the supervisor sleeps: ring the bell */
} sl__proc_up;

/* docs/formats/proc-shm.md gives these offsets: keep them true. */
#include <stddef.h>
_Static_assert(offsetof(sl__proc_down, task_head) == 64, "down page layout");
_Static_assert(offsetof(sl__proc_up, task_tail) == 64 && offsetof(sl__proc_up, ready) == 96 &&
                   offsetof(sl__proc_up, reply_tail) == 128 && offsetof(sl__proc_up, sup_sleeping) == 144,
               "up page layout");

/* The marker: "<version> <ppid> <nslots> <slot_size> <arena_size>
 * <beat_ns> <name>" (the name last: it may hold spaces). */
#define SL__PROC_ENV_FMT "%u %d %u %llu %llu %lld "

#endif
