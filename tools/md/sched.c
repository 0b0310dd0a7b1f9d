/*
 * sched.c - which sidecar page a free worker renders next.
 *
 * The pool runs tasks in submission order, which would queue a one-page
 * `transform` behind every page of a batch sent before it.  So the pool's
 * tasks carry no page: each one asks this queue for the most urgent page
 * when it starts.  Single transforms come first; batches share what is
 * left round robin, each batch's pages largest first (a big page started
 * late would stretch the batch's tail).  One submitted task per queued
 * page keeps the counts equal, so every page is taken exactly once.
 */
#include <pthread.h>
#include <stdlib.h>

#include "rpc.h"

struct sl__md_sched {
    pthread_mutex_t lock;
    sl__md_req *single_head, *single_tail; /* one-page transforms, FIFO */
    sl__md_req *batch_head, *batch_tail;   /* batches with pages left */
};

sl__md_sched *sl__md_sched_new(void)
{
    sl__md_sched *s = calloc(1, sizeof *s);
    if (s)
        pthread_mutex_init(&s->lock, NULL);
    return s;
}

void sl__md_sched_free(sl__md_sched *s)
{
    if (!s)
        return;
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static void append(sl__md_req **head, sl__md_req **tail, sl__md_req *r)
{
    r->next_queued = NULL;
    if (*tail)
        (*tail)->next_queued = r;
    else
        *head = r;
    *tail = r;
}

void sl__md_sched_push(sl__md_sched *s, sl__md_req *r)
{
    if (r->npages == 0)
        return;
    pthread_mutex_lock(&s->lock);
    if (r->kind == SL__MD_TRANSFORM)
        append(&s->single_head, &s->single_tail, r);
    else
        append(&s->batch_head, &s->batch_tail, r);
    pthread_mutex_unlock(&s->lock);
}

int sl__md_sched_pop(sl__md_sched *s, sl__md_req **out, size_t *page)
{
    pthread_mutex_lock(&s->lock);
    sl__md_req *r = s->single_head;
    if (r) {
        if (!(s->single_head = r->next_queued))
            s->single_tail = NULL;
        *out = r;
        *page = 0;
        pthread_mutex_unlock(&s->lock);
        return 0;
    }
    r = s->batch_head;
    if (!r) {
        pthread_mutex_unlock(&s->lock);
        return -1;
    }
    *out = r;
    *page = r->order[r->next++];
    /* Round robin: this batch goes to the back, or leaves when done. */
    if (!(s->batch_head = r->next_queued))
        s->batch_tail = NULL;
    if (r->next < r->npages)
        append(&s->batch_head, &s->batch_tail, r);
    pthread_mutex_unlock(&s->lock);
    return 0;
}
