/*
 * bridge.c - a thread that receives for you and feeds an sl_chan, so that
 * remote messages can be waited on with sl_select beside local channels.
 *
 * The one idea: the bridge never blocks for long anywhere.  It reads in
 * slices of at most a quarter second and hands each message on with a
 * deadline, doing the remote's maintenance (touching what it holds,
 * reclaiming abandoned entries) between tries, so that messages waiting in
 * a full channel are not taken for abandoned by other members.  It reads no
 * more than the channel has room for, so a slow consumer leaves unread
 * entries in the stream for other members rather than hoarding them.
 */
#include <stdlib.h>

#include "remote_int.h"

#define SLICE_NS 250000000LL

/* Hands m to the channel, keeping the remote alive while the channel is
 * full.  SL_OK, or SL_CLOSED (the channel was closed: m is freed). */
static int hand_on(sl_remote *r, sl_remote_msg *m)
{
    for (;;) {
        int rc = sl_chan_send_until(r->chan, &m, sl_now() + SLICE_NS);
        if (rc == SL_OK)
            return SL_OK;
        if (rc != SL_TIMEDOUT) {
            sl_remote_msg_free(m);
            return SL_CLOSED;
        }
        if (sl_now() >= r->next_maint)
            sl__remote_maintain(r, SL_FOREVER); /* a failure here shows on the next read */
    }
}

static void *bridge(void *arg)
{
    sl_remote *r = arg;
    pthread_mutex_lock(&r->rd_lock);
    while (!atomic_load(&r->stop)) {
        size_t len = sl_chan_len(r->chan), cap = sl_chan_cap(r->chan);
        size_t room = len < cap ? cap - len : 1;
        sl_remote_msg *m = NULL;
        int rc = sl__remote_next(r, &m, room, sl_now() + SLICE_NS, SL_FOREVER);
        if (rc == SL_TIMEDOUT)
            continue;
        if (rc != SL_OK) {
            sl__rlog(r, "bridge on %s stopped: %s", r->key, sl_remote_error(r));
            break;
        }
        if (hand_on(r, m) != SL_OK)
            break;
    }
    /* stopped: deliver what was read already, then end the channel */
    while (r->nbuf) {
        sl_remote_msg *m = NULL;
        if (sl__remote_next(r, &m, 1, 0, SL_FOREVER) != SL_OK || hand_on(r, m) != SL_OK)
            break;
    }
    pthread_mutex_unlock(&r->rd_lock);
    sl_chan_close(r->chan);
    return NULL;
}

sl_chan *sl_remote_chan(sl_remote *r)
{
    if (!r)
        return NULL;
    pthread_mutex_lock(&r->cmd_lock); /* any lock will do to start it once */
    if (!r->chan) {
        r->chan = sl_chan_new(sizeof(sl_remote_msg *), r->o.batch);
        if (r->chan && pthread_create(&r->bridge, NULL, bridge, r) != 0) {
            sl_chan_free(r->chan);
            r->chan = NULL;
        } else if (r->chan)
            r->bridge_started = 1;
    }
    sl_chan *c = r->chan;
    pthread_mutex_unlock(&r->cmd_lock);
    return c;
}

void sl_remote_chan_stop(sl_remote *r)
{
    if (r)
        atomic_store(&r->stop, 1);
}

/* For close: stop the bridge, join it, free what the channel still holds
 * (unacknowledged: reclaimed by other members after the lease). */
void sl__remote_bridge_stop_join(sl_remote *r)
{
    if (!r->bridge_started)
        return;
    atomic_store(&r->stop, 1);
    sl_chan_close(r->chan);
    pthread_join(r->bridge, NULL);
    sl_remote_msg *m;
    while (sl_chan_try_recv(r->chan, &m) == SL_OK)
        sl_remote_msg_free(m);
    sl_chan_free(r->chan);
    r->chan = NULL;
    r->bridge_started = 0;
}
