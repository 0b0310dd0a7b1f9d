/*
 * md_iofloor.c - the file-system floor under `sluice md`: every page read
 * and written back whole (temporary file + rename, as sluice md writes its
 * output), with no rendering, on THREADS threads.  What is left of sluice
 * md's time above this is rendering and scheduling; what is in it, no
 * renderer can avoid while reading and writing files.
 * `md_iofloor LIST ROOT OUTDIR [THREADS] [REPS] [GROW]` writes each page of
 * LIST to OUTDIR/(its path under ROOT), making the directories as sluice
 * md does (first, in the timed pass), and prints the median pass as
 * "pages MB seconds".  GROW (default 1) is how much larger than its page
 * each file written is: HTML runs about 1.3 times its Markdown, and the
 * floor should write the bytes sluice md writes (the page's bytes again
 * fill the rest).  Pass N writes under OUTDIR/N, a new directory, so
 * that no pass pays for deleting what another wrote; the caller removes
 * OUTDIR afterwards.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "median.h"
#include "outfile.h"
#include "sluice/chan.h"

static char **paths;
static size_t npaths;
static const char *root;
static char **outs;
static atomic_size_t next;
static atomic_ullong bytes;
static double grow = 1;

static void *worker(void *arg)
{
    (void)arg;
    char err[512];
    size_t cap = 0;
    char *buf = NULL;
    for (size_t i; (i = atomic_fetch_add(&next, 1)) < npaths;) {
        int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0) {
            perror(paths[i]);
            exit(1);
        }
        size_t want = (size_t)((double)st.st_size * (grow > 1 ? grow : 1)) + 2, len = 0;
        if (want > cap && !(buf = realloc(buf, cap = want)))
            exit(1);
        for (ssize_t r; (r = read(fd, buf + len, (size_t)st.st_size + 1 - len)) > 0;)
            len += (size_t)r;
        close(fd);
        size_t out = grow > 1 ? (size_t)((double)len * grow) : len;
        for (size_t k = len; len && k < out; k++) /* the page again, as far as it takes */
            buf[k] = buf[k - len];
        if (sl_outfile_write_whole(outs[i], buf, out, 0, err, sizeof err) != 0) {
            fprintf(stderr, "md_iofloor: %s\n", err);
            exit(1);
        }
        atomic_fetch_add(&bytes, len);
    }
    free(buf);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        printf("usage: md_iofloor LIST ROOT OUTDIR [THREADS] [REPS] [GROW] (build/bench/md runs it)\n");
        return argc == 1 ? 0 : 2;
    }
    FILE *list = fopen(argv[1], "r");
    if (!list) {
        perror(argv[1]);
        return 1;
    }
    root = argv[2];
    const char *outdir = argv[3];
    int threads = argc > 4 ? atoi(argv[4]) : 1, reps = argc > 5 ? atoi(argv[5]) : 5;
    threads = threads < 1 ? 1 : threads;
    grow = argc > 6 ? atof(argv[6]) : 1;
    reps = reps < 1 ? 1 : reps > 100 ? 100 : reps;
    char line[4096];
    size_t cap = 0;
    while (fgets(line, sizeof line, list)) {
        line[strcspn(line, "\n")] = 0;
        if (npaths == cap && !(paths = realloc(paths, (cap = cap ? 2 * cap : 1024) * sizeof *paths)))
            return 1;
        paths[npaths++] = strdup(line);
    }
    outs = calloc(npaths ? npaths : 1, sizeof *outs);
    size_t rl = strlen(root);
    for (size_t i = 0; i < npaths; i++) {
        const char *rel = strncmp(paths[i], root, rl) ? paths[i] : paths[i] + rl;
        while (*rel == '/')
            rel++;
        if (asprintf(&outs[i], "%s/00/%s.html", outdir, rel) < 0)
            return 1;
    }
    fclose(list);
    double *secs = calloc((size_t)reps, sizeof *secs);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    for (int r = 0; r < reps; r++) {
        for (size_t i = 0; i < npaths; i++) { /* OUTDIR/NN/...: the pass number in place */
            outs[i][strlen(outdir) + 1] = (char)('0' + r / 10 % 10);
            outs[i][strlen(outdir) + 2] = (char)('0' + r % 10);
        }
        atomic_store(&next, 0);
        atomic_store(&bytes, 0);
        int64_t t0 = sl_now();
        for (size_t i = 0; i < npaths; i++) { /* mkdir -p, once per new directory, as sluice md */
            char *slash = strrchr(outs[i], '/');
            size_t dl = (size_t)(slash - outs[i]);
            if (i && !strncmp(outs[i], outs[i - 1], dl + 1) && !strchr(outs[i - 1] + dl + 1, '/'))
                continue; /* the same directory as the page before */
            *slash = 0;
            if (mkdir(outs[i], 0777) != 0)
                for (char *p = strchr(outs[i] + 1, '/');; p = strchr(p + 1, '/')) {
                    if (p)
                        *p = 0;
                    mkdir(outs[i], 0777);
                    if (!p)
                        break;
                    *p = '/';
                }
            *slash = '/';
        }
        for (int t = 0; t < threads; t++)
            pthread_create(&tid[t], NULL, worker, NULL);
        for (int t = 0; t < threads; t++)
            pthread_join(tid[t], NULL);
        secs[r] = (sl_now() - t0) / 1e9;
    }
    printf("%zu %.3f %.4f\n", npaths, (double)atomic_load(&bytes) / 1e6, sl_bench_median(secs, (size_t)reps));
    return 0;
}
