/* chan_pipeline.c - generate -> square -> print, each stage a thread, linked by unbuffered channels. */
#include <pthread.h>
#include <stdio.h>
#include <sluice/chan.h>

static void *generate(void *out)
{
    for (int i = 1; i <= 5; i++)
        sl_chan_send(out, &i);
    sl_chan_close(out); /* tells the next stage there is no more */
    return NULL;
}

static void *square(void *arg)
{
    sl_chan **io = arg; /* io[0] in, io[1] out */
    int v;
    while (sl_chan_recv(io[0], &v) == SL_OK) {
        v *= v;
        sl_chan_send(io[1], &v);
    }
    sl_chan_close(io[1]);
    return NULL;
}

int main(void)
{
    sl_chan *nums = sl_chan_new(sizeof(int), 0), *squares = sl_chan_new(sizeof(int), 0);
    sl_chan *io[2] = {nums, squares};
    pthread_t g, s;
    pthread_create(&g, NULL, generate, nums);
    pthread_create(&s, NULL, square, io);
    int v;
    while (sl_chan_recv(squares, &v) == SL_OK)
        printf("%d\n", v); /* 1 4 9 16 25 */
    pthread_join(g, NULL);
    pthread_join(s, NULL);
    sl_chan_free(nums);
    sl_chan_free(squares);
    return 0;
}
