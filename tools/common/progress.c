/*
 * progress.c - draws the progress line with \r, and clears it at the end.
 * Callers may update from any thread; a mutex keeps lines whole.
 */
#include "progress.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sluice/chan.h"

struct sl_progress_bar {
    pthread_mutex_t lock;
    char label[32];
    char note[48]; /* shown after the rate: "workers 63%" */
    uint64_t total_bytes;
    int64_t start;
    int enabled;
    int drawn;
};

sl_progress_bar *sl_progress_bar_new(const char *label, uint64_t total_bytes, int enabled)
{
    sl_progress_bar *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    pthread_mutex_init(&b->lock, NULL);
    snprintf(b->label, sizeof b->label, "%s", label ? label : "");
    b->total_bytes = total_bytes;
    b->start = sl_now();
    b->enabled = enabled < 0 ? isatty(STDERR_FILENO) : enabled;
    return b;
}

void sl_progress_bar_set_note(sl_progress_bar *b, const char *note)
{
    if (!b)
        return;
    pthread_mutex_lock(&b->lock);
    snprintf(b->note, sizeof b->note, "%s", note ? note : "");
    pthread_mutex_unlock(&b->lock);
}

void sl_progress_bar_set_total_bytes(sl_progress_bar *b, uint64_t total_bytes)
{
    pthread_mutex_lock(&b->lock);
    b->total_bytes = total_bytes;
    pthread_mutex_unlock(&b->lock);
}

static void human_bytes(char *out, size_t n, double v)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    snprintf(out, n, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

void sl_progress_bar_update(void *arg, uint64_t done, uint64_t total, uint64_t bytes)
{
    sl_progress_bar *b = arg;
    if (!b || !b->enabled)
        return;
    pthread_mutex_lock(&b->lock);
    double secs = (double)(sl_now() - b->start) / 1e9;
    double mbps = secs > 0 ? (double)bytes / 1e6 / secs : 0;
    char done_s[32], line[160];
    human_bytes(done_s, sizeof done_s, (double)bytes);
    int len = snprintf(line, sizeof line, "%s %s", b->label, done_s);
    if (total)
        len += snprintf(line + len, sizeof line - (size_t)len, "  %llu/%llu", (unsigned long long)done,
                        (unsigned long long)total);
    len += snprintf(line + len, sizeof line - (size_t)len, "  %.1f MB/s", mbps);
    if (b->note[0])
        len += snprintf(line + len, sizeof line - (size_t)len, "  %s", b->note);
    if (b->total_bytes && bytes <= b->total_bytes && mbps > 0) {
        double pct = 100.0 * (double)bytes / (double)b->total_bytes;
        double eta = (double)(b->total_bytes - bytes) / 1e6 / mbps;
        snprintf(line + len, sizeof line - (size_t)len, "  %5.1f%%  ETA %02d:%02d", pct, (int)eta / 60,
                 (int)eta % 60);
    }
    fprintf(stderr, "\r%-79s", line);
    fflush(stderr);
    b->drawn = 1;
    pthread_mutex_unlock(&b->lock);
}

void sl_progress_bar_finish(sl_progress_bar *b)
{
    if (!b)
        return;
    if (b->drawn) {
        fprintf(stderr, "\r%79s\r", "");
        fflush(stderr);
    }
    pthread_mutex_destroy(&b->lock);
    free(b);
}
