/*
 * task_pipeline.c - 100,000 tasks in a pipeline: each stage is a task
 * that receives a number, adds one and passes it on, so a value sent in
 * at one end comes out 100,000 higher at the other.  The stages are
 * lightweight tasks on a pool of one worker per CPU: each waits on its
 * channel without holding a thread.  Build: build/examples/task_pipeline.
 */
#include <stdio.h>
#include <stdlib.h>

#include <sluice/task.h>

enum { STAGES = 100000, VALUES = 10 };

typedef struct {
    sl_chan *in, *out;
} stage;

static int add_one(void *arg)
{
    stage *s = arg;
    long v;
    while (sl_chan_recv(s->in, &v) == SL_OK) { /* SL_CLOSED: no more */
        v++;
        sl_chan_send(s->out, &v);
    }
    sl_chan_close(s->out); /* tells the next stage */
    return 0;
}

int main(void)
{
    sl_pool *pool = sl_pool_new(0);
    sl_chan **c = malloc((STAGES + 1) * sizeof *c);
    stage *st = malloc(STAGES * sizeof *st);
    if (!pool || !c || !st)
        return 1;
    for (int i = 0; i <= STAGES; i++)
        c[i] = sl_chan_new(sizeof(long), 0);
    for (int i = 0; i < STAGES; i++) {
        st[i] = (stage){c[i], c[i + 1]};
        if (sl_go(pool, add_one, &st[i]) != SL_OK)
            return 1;
    }
    for (long v = 0; v < VALUES; v++) /* this thread feeds the first stage */
        sl_chan_send(c[0], &v);
    sl_chan_close(c[0]);
    long v, n = 0;
    while (sl_chan_recv(c[STAGES], &v) == SL_OK) /* and drains the last */
        printf("%ld%s", v, ++n < VALUES ? " " : "\n"); /* 100000 ... 100009 */
    sl_pool_free(pool); /* every stage has returned */
    for (int i = 0; i <= STAGES; i++)
        sl_chan_free(c[i]);
    free(c);
    free(st);
    return 0;
}
