/* test_task_chan.c - tasks parked on channels: a long chain, close while
 * parked, select, deadlines, and threads and tasks sharing channels. */
#include <stdatomic.h>
#include <stdlib.h>

#include "check.h"
#include "sluice/task.h"
#include "task_helpers.h"

/* ---- 100,000 tasks in a chain, one token --------------------------------- */

typedef struct {
    sl_chan *in, *out;
} link_arg;

static int relay(void *arg)
{
    link_arg *l = arg;
    long v;
    if (sl_chan_recv(l->in, &v) != SL_OK)
        return 1;
    v++;
    return sl_chan_send(l->out, &v) == SL_OK ? 0 : 2;
}

SL_TEST(task_chain_of_100000_passes_one_token)
{
    size_t n = SL_TASK_MANY(100000);
    sl_pool *p = sl_pool_new(2);
    sl_group *g = sl_group_new(p);
    sl_chan **c = malloc((n + 1) * sizeof *c);
    link_arg *links = malloc(n * sizeof *links);
    for (size_t i = 0; i <= n; i++)
        c[i] = sl_chan_new(sizeof(long), 0);
    for (size_t i = 0; i < n; i++) {
        links[i] = (link_arg){c[i], c[i + 1]};
        CHECK_EQ(sl_group_go(g, relay, &links[i]), SL_OK);
    }
    long v = 0;
    CHECK_EQ(sl_chan_send(c[0], &v), SL_OK); /* a thread starts it */
    CHECK_EQ(sl_chan_recv(c[n], &v), SL_OK);
    CHECK_EQ(v, (long)n);
    CHECK_EQ(sl_group_wait(g), 0);
    for (size_t i = 0; i <= n; i++)
        sl_chan_free(c[i]);
    free(c);
    free(links);
    sl_group_free(g);
    sl_pool_free(p);
}
