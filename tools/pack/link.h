/*
 * link.h - two libsluice pipelines in series, joined by a bounded channel.
 *
 * pack needs a second parallel stage after an ordered one: the STREAM
 * chunk an encrypted byte lands in is known only once every earlier frame
 * has been written, so frames are compressed by one pipeline, laid end to
 * end by its ordered sink, and the resulting segments are encrypted by a
 * second pipeline (unpack mirrors it).  The upstream pipeline runs on its
 * own thread; its sink sends into the link and the downstream source
 * receives from it.  The link's capacity bounds the memory between them.
 */
#ifndef SLUICE_PACK_LINK_H
#define SLUICE_PACK_LINK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "sluice/sluice.h"

typedef struct sl_link {
    sl_chan *ch; /* carries void * items */
    sl_pipeline *up;
    int (*finish)(void *ctx); /* runs on the upstream thread after a clean run */
    void *ctx;
    void (*drop)(void *item);
    pthread_t thread;
    atomic_int up_rc;
    int running;
} sl_link;

/* Starts `up` on a new thread.  0, or -1 (no memory / no thread). */
int sl_link_start(sl_link *l, sl_pipeline *up, size_t cap, int (*finish)(void *ctx), void *ctx,
                  void (*drop)(void *item));
/* From the upstream side: SL_OK, or SL_CLOSED once downstream gave up. */
int sl_link_send(sl_link *l, void *item);
/* From the downstream side: 1 with an item, 0 when upstream finished
 * cleanly, or upstream's error code once it failed. */
int sl_link_recv(sl_link *l, void **item);
/* After downstream returns (down_rc: its result): cancels upstream if
 * downstream failed, joins it, frees what is left in the link.  Returns
 * upstream's result. */
int sl_link_finish(sl_link *l, int down_rc);

#endif
