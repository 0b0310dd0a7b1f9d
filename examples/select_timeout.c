/* select_timeout.c - wait for a result or give up after 100 ms. */
#define _POSIX_C_SOURCE 200809L /* nanosleep, getline: not in plain C11 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <sluice/chan.h>

static void *slow(void *out)
{
    nanosleep(&(struct timespec){0, 300 * 1000000L}, NULL); /* takes 300 ms */
    int answer = 42;
    sl_chan_send(out, &answer);
    return NULL;
}

int main(void)
{
    sl_chan *result = sl_chan_new(sizeof(int), 1); /* buffered: the late sender never blocks */
    pthread_t t;
    pthread_create(&t, NULL, slow, result);
    int v;
    sl_case cs[] = {{result, SL_RECV, &v, 0}};
    int r = sl_select(cs, 1, sl_deadline_in(100 * 1000000LL)); /* deadline: now + 100 ms */
    if (r == SL_TIMEDOUT)
        printf("timed out\n");
    else
        printf("got %d\n", v);
    pthread_join(t, NULL);
    sl_chan_free(result);
    return r == SL_TIMEDOUT ? 0 : 1;
}
