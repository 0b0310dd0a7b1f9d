/*
 * proc_breaker.c - the process pool's circuit breaker: K failures in a
 * window open it, a cool-down later one probe decides.  See
 * proc_breaker.h for the state machine.
 */
#include "proc_breaker.h"

#include <stdlib.h>

#include "sluice/proc.h"

int sl__breaker_init(sl__breaker *b, unsigned k, int64_t window, int64_t cooldown)
{
    *b = (sl__breaker){.k = k, .window = window, .cooldown = cooldown, .state = SL_BREAKER_CLOSED};
    if (k && !(b->fails = calloc(k, sizeof *b->fails)))
        return SL_NOMEM;
    return SL_OK;
}

void sl__breaker_destroy(sl__breaker *b)
{
    free(b->fails);
    b->fails = NULL;
}

static void open_at(sl__breaker *b, int64_t now)
{
    b->state = SL_BREAKER_OPEN;
    b->open_until = now + b->cooldown;
    b->probe_out = 0;
    b->opens++;
}

int sl__breaker_check(sl__breaker *b, int64_t now, int *probe)
{
    *probe = 0;
    if (b->state == SL_BREAKER_OPEN && now >= b->open_until)
        b->state = SL_BREAKER_HALF_OPEN;
    if (b->state == SL_BREAKER_CLOSED)
        return SL_OK;
    if (b->state == SL_BREAKER_HALF_OPEN && !b->probe_out) {
        *probe = 1;
        return SL_OK;
    }
    return SL_REFUSED;
}

void sl__breaker_take(sl__breaker *b)
{
    b->probe_out = 1;
}

void sl__breaker_forget_probe(sl__breaker *b)
{
    b->probe_out = 0;
}

void sl__breaker_record(sl__breaker *b, int64_t now, int ok, int probe)
{
    if (!b->k)
        return;
    if (probe && b->state == SL_BREAKER_HALF_OPEN) {
        if (ok) {
            b->state = SL_BREAKER_CLOSED;
            b->nfails = 0;
        } else {
            open_at(b, now);
        }
        return;
    }
    if (ok)
        return;
    b->fails[b->next] = now;
    b->next = (b->next + 1) % b->k;
    if (b->nfails < b->k)
        b->nfails++;
    /* The oldest of the last k failures is where `next` now points. */
    if (b->state == SL_BREAKER_CLOSED && b->nfails == b->k && now - b->fails[b->next] <= b->window)
        open_at(b, now);
}
