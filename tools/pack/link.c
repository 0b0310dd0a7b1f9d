/*
 * link.c - running the upstream pipeline and shutting the pair down.
 *
 * Shutdown order matters.  When upstream ends it records its result and
 * then closes the channel, so a receiver that sees SL_CLOSED reads the
 * final result.  When downstream fails first, the upstream sink may be
 * blocked sending into a full channel: cancelling the pipeline alone
 * cannot wake it, so the channel is closed too, which fails that send
 * and lets the upstream thread finish before it is joined.
 */
#include "link.h"

#include <stdint.h>

static void *run_upstream(void *arg)
{
    sl_link *l = arg;
    int rc = sl_pipeline_run(l->up);
    if (rc == 0 && l->finish)
        rc = l->finish(l->ctx);
    atomic_store(&l->up_rc, rc);
    sl_chan_close(l->ch);
    return NULL;
}

int sl_link_start(sl_link *l, sl_pipeline *up, size_t cap, int (*finish)(void *ctx), void *ctx,
                  void (*drop)(void *item))
{
    l->up = up;
    l->finish = finish;
    l->ctx = ctx;
    l->drop = drop;
    l->running = 0;
    atomic_init(&l->up_rc, 0);
    l->ch = sl_chan_new(sizeof(void *), cap);
    if (!l->ch)
        return -1;
    if (pthread_create(&l->thread, NULL, run_upstream, l) != 0) {
        sl_chan_free(l->ch);
        l->ch = NULL;
        return -1;
    }
    l->running = 1;
    return 0;
}

int sl_link_send(sl_link *l, void *item)
{
    return sl_chan_send(l->ch, &item);
}

int sl_link_recv(sl_link *l, void **item)
{
    if (sl_chan_recv(l->ch, item) == SL_OK)
        return 1;
    int rc = atomic_load(&l->up_rc);
    return rc == 1 ? -1 : rc; /* 1 would read as "an item": never let an error look like one */
}

int sl_link_finish(sl_link *l, int down_rc)
{
    if (!l->running)
        return 0;
    if (down_rc != 0) {
        sl_pipeline_cancel(l->up);
        sl_chan_close(l->ch);
    }
    pthread_join(l->thread, NULL);
    l->running = 0;
    void *item;
    while (sl_chan_try_recv(l->ch, &item) == SL_OK)
        if (l->drop)
            l->drop(item);
    sl_chan_free(l->ch);
    l->ch = NULL;
    return atomic_load(&l->up_rc);
}
