/*
 * proc_breaker.h - the circuit breaker of a process pool, on its own so
 * that its schedule can be tested with made-up clocks.
 *
 *            K failures within the window
 *   CLOSED ───────────────────────────────▶ OPEN (refuse everything)
 *     ▲                                       │ cool-down over:
 *     │ the probe is answered                 ▼ the next task is the probe
 *     └──────────────────────────────── HALF_OPEN (refuse all but the probe)
 *                                             │ the probe fails
 *                                             └──────────▶ OPEN again
 *
 * Failures are task attempts that ended without an answer (a crash, a
 * timeout, a hang, too much memory, a malformed reply): a task that fails
 * twice counts twice.  Not thread-safe: the pool calls it under its lock.
 */
#ifndef SLUICE_PROC_BREAKER_H
#define SLUICE_PROC_BREAKER_H

#include <stdint.h>

typedef struct sl__breaker {
    unsigned k;      /* 0: never opens */
    int64_t window, cooldown;
    int state;       /* SL_BREAKER_* */
    int64_t *fails;  /* the times of the last k failures, a ring */
    unsigned nfails, next;
    int64_t open_until;
    int probe_out;   /* half-open: the probe is in flight */
    uint64_t opens;
} sl__breaker;

/* SL_OK or SL_NOMEM. */
int sl__breaker_init(sl__breaker *b, unsigned k, int64_t window, int64_t cooldown);
void sl__breaker_destroy(sl__breaker *b);

/* May a new task go in now?  SL_OK, with *probe 1 when it must be taken
 * as the half-open probe (sl__breaker_take), or SL_REFUSED.  Only moves
 * OPEN to HALF_OPEN when the cool-down is over. */
int sl__breaker_check(sl__breaker *b, int64_t now, int *probe);
/* The task that check called a probe has gone in. */
void sl__breaker_take(sl__breaker *b);
/* An attempt of a task ended: answered (ok 1) or failed (ok 0); probe
 * says it was the probe. */
void sl__breaker_record(sl__breaker *b, int64_t now, int ok, int probe);
/* The probe will never end (its task was canceled): let another go. */
void sl__breaker_forget_probe(sl__breaker *b);

#endif
