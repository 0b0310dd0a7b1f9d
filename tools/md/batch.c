/*
 * batch.c - `sluice md PATH...`: every page read, rendered and written on
 * the pool, largest first.
 *
 * Each page is one task on the -j threads that reads it, renders it and
 * writes its output, so pages share nothing but counters.  Largest first
 * keeps one big page from starting last and leaving every other core idle
 * while it finishes.  Writing the output on the thread that rendered it
 * costs no hand-off: a separate pool of 16 I/O threads (tried before)
 * spent more CPU on futex wake-ups and context switches than it saved by
 * not blocking, both on tmpfs and on ext4 (bench/md, 2 cores), and it made
 * -j1 use two cores.
 * Output never depends on the thread count: files are written whole
 * (temp file, then rename), and what goes to standard output is collected
 * and written in page-list order once all tasks are done.
 */
#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "md.h"
#include "md_libs.h"
#include "outfile.h"
#include "progress.h"
#include "sluice/metrics.h"
#include "sluice/pool.h"
#include "walk.h"

#define MAX_PAGE ((uint64_t)1 << 30) /* a page larger than 1 GiB is refused */

typedef struct job job;

/* A page waiting to start (run_walking's heap): its size beside it, so
 * that sifting reads one array rather than a job and its page for every
 * comparison (heap_pop was ~0.7% of -j1's CPU on bench/md's tree). */
typedef struct waiter {
    uint64_t size;
    job *j;
} waiter;

/* Directories known to exist, as a set of strings (open addressing). */
typedef struct dir_set {
    char **slot;
    size_t cap, n;
} dir_set;

typedef struct batch {
    const sl__md_cli *cli;
    sl__md_inputs in;
    job **jobs;         /* one per page, in page order; a job never moves */
    size_t jobs_cap;
    int to_stdout; /* outputs collected for standard output */
    sl_metrics *metrics;
    sl_stage *st_read, *st_render, *st_write;
    sl_gauge *g_staged; /* outputs that waited staged (--stats) */
    size_t *order;      /* job indices, largest page first */
    atomic_size_t next; /* the next entry of order to start */
    atomic_size_t left; /* jobs not yet finished */
    pthread_mutex_t lock;
    pthread_cond_t done;   /* finished */
    int finished;
    dir_set made;       /* output directories made or found (main thread only) */
    atomic_int dirs;    /* writing: DIRS_PENDING (directories being made, or the walk
                           still going on), DIRS_MADE (go) or DIRS_FAILED (never) */
    sl_pool *pool;      /* run_walking: pages start as the walk finds them */
    sl_group *group;    /* ... as tasks of this group, when the main thread helps */
    waiter *waiting;    /* ... into this heap, largest page on top (under lock) */
    size_t nwaiting, waiting_cap;
    int lost;           /* run_walking ran out of memory for a page */
    int libs_missing;   /* an MDX page was found and md4c could not be loaded: exit 2 */
    pthread_cond_t dirs_done;
    job *deferred;      /* rendered while the writes must wait, not yet written (under lock) */
    size_t deferred_bytes; /* their outputs' bytes, at most DEFER_MAX */
    atomic_size_t staged;  /* outputs waiting as unnamed files (stage_output) */
    size_t stage_max;      /* ... at most this many at once: descriptors */
    sl__md_iso *iso;    /* --isolate: pages render in worker processes */
} batch;

struct job {
    batch *b;
    sl__md_input *page; /* &own */
    sl__md_input own;   /* the page (its strings are the page list's) */
    char *out_path;  /* NULL when writing to standard output */
    sl__md_buf out;  /* the page's output, until written or printed */
    sl__md_buf warn; /* its warnings, one line each, printed in page order */
    char *err;       /* why the page failed (malloc'd), or NULL; kept out of
                        the job so that a job stays a few words to clear */
    int failed;
    int staged;      /* its output waits written to an unnamed file in its
                        output directory (staged_fd, staged_len bytes) */
    int staged_fd;
    size_t staged_len;
    job *next_deferred; /* batch.deferred's list */
};

#define ERR_MAX 1200 /* an MDX error shows its line */

enum { DIRS_PENDING, DIRS_MADE, DIRS_FAILED };

/* The page failed: why, in a message made like snprintf's. */
static void job_fail(job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void job_fail(job *j, const char *fmt, ...)
{
    char msg[ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    free(j->err);
    j->err = strdup(msg); /* NULL (no memory) still fails the page: see the report loop */
    j->failed = 1;
}

/* -j, or one thread per CPU: sysconf reads /sys/devices/system/cpu/online
 * (an open, a read and a close) at every call, so once per run. */
static size_t run_threads(const sl__md_cli *c)
{
    static size_t cpus;
    if (c->threads)
        return c->threads;
    if (!cpus) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        cpus = n > 0 ? (size_t)n : 1;
    }
    return cpus;
}

/* Loads md4c and md4c-html the first time an MDX page is found (on the
 * main thread, before its render starts): only MDX needs them.  -1, once
 * said on stderr, when they cannot be loaded: the batch writes nothing
 * and exits 2, as a run missing a library always has. */
static int need_libs(batch *b, const sl__md_input *pg)
{
    char err[400];
    if (b->libs_missing)
        return -1;
    if (!b->cli->render.mdx && !sl__md_is_mdx_name(pg->rel))
        return 0;
    if (sl__md_libs_mdx(err, sizeof err) == 0)
        return 0;
    fprintf(stderr, "sluice md: %s\n", err);
    b->libs_missing = 1;
    return -1;
}

static int cl_open(batch *b); /* --workers: at the end of this file */
static int cl_run_all(batch *b, sl_progress_bar *bar);
static void cl_forget(void);

/* Reads standard input whole. */
static int read_stdin(char **data, size_t *len, char *err, size_t errlen)
{
    sl__md_buf b = {0};
    int rc = 0;
    for (;;) {
        if (b.len == b.cap) { /* putc grows the buffer; the byte is dropped again */
            sl__md_buf_putc(&b, 0);
            b.len -= !b.failed;
        }
        if (b.failed || b.len > MAX_PAGE) {
            snprintf(err, errlen, "<stdin>: %s", b.failed ? "out of memory" : "page larger than 1 GiB");
            rc = -1;
            break;
        }
        ssize_t n = read(0, b.data + b.len, b.cap - b.len);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "<stdin>: read error: %s", strerror(errno));
            rc = -1;
            break;
        }
        b.len += (size_t)n;
    }
    if (rc) {
        sl__md_buf_free(&b);
        return -1;
    }
    *data = b.data;
    *len = b.len;
    return 0;
}

/* Reads a page: standard input for "-", else as the walk listed it
 * (walk.h: a regular file opened without ever blocking; a FIFO, a device
 * or a directory is refused with a message naming it). */
static int read_page(const sl__md_input *pg, char **data, size_t *len, char *err, size_t errlen)
{
    if (!strcmp(pg->path, "-"))
        return read_stdin(data, len, err, errlen);
    return sl__md_input_read(pg, MAX_PAGE, data, len, err, errlen);
}

/* The page's output bytes: HTML, or one JSON line. */
static void page_output(const batch *b, const job *j, sl__md_page *p, sl__md_buf *out)
{
    if (b->cli->json) {
        sl__md_page_json(out, strcmp(j->page->path, "-") ? j->page->path : NULL, p);
        sl__md_buf_putc(out, '\n');
    } else { /* the HTML is the output: take it rather than copy it */
        sl__md_buf_free(out);
        *out = (sl__md_buf){p->html, p->html_len, p->html_len + 1, 0};
        p->html = NULL;
        p->html_len = 0;
    }
}

/* The descriptor of the job's staged output, no longer counted staged:
 * the caller publishes or closes it. */
static int take_staged(job *j)
{
    j->staged = 0;
    atomic_fetch_sub(&j->b->staged, 1);
    return j->staged_fd;
}

/* A site build rewrites thousands of pages it can regenerate: like cmark
 * or esbuild, no fsync per page (it cost 2x md4c's whole render time
 * here); the rename still means no page is seen half-written. */
static int write_file(job *j, const sl__md_buf *out)
{
    char err[ERR_MAX];
    const sl__md_dir *d = j->page->dir; /* its output directory held open: written by name there */
    if (j->staged) { /* written already (stage_output): linked now */
        if (sl_outfile_publish_at(take_staged(j), d->out_fd, j->out_path, j->staged_len, 0, err, sizeof err) == 0)
            return 0;
        job_fail(j, "%s", err);
        return -1;
    }
    if ((d && d->out_fd >= 0
             ? sl_outfile_write_whole_at(d->out_fd, j->out_path, out->data, out->len, 0, err, sizeof err)
             : sl_outfile_write_whole(j->out_path, out->data, out->len, 0, err, sizeof err)) == 0)
        return 0;
    job_fail(j, "%s", err);
    return -1;
}

/* A page is done (written, collected, or failed). */
static void finish_job(job *j, size_t in_bytes)
{
    batch *b = j->b;
    sl__md_input_release(j->page); /* its directories close with their last page */
    sl_metrics_progress(b->metrics, 1, in_bytes);
    if (atomic_fetch_sub(&b->left, 1) == 1) {
        pthread_mutex_lock(&b->lock);
        b->finished = 1;
        pthread_cond_broadcast(&b->done);
        pthread_mutex_unlock(&b->lock);
    }
}

/* Waits until the output directories are made (make_dirs, on the main
 * thread while the first pages render); 0, or -1 when that failed. */
static int wait_dirs(batch *b)
{
    int d = atomic_load(&b->dirs);
    if (d == DIRS_PENDING) {
        pthread_mutex_lock(&b->lock);
        while ((d = atomic_load(&b->dirs)) == DIRS_PENDING)
            pthread_cond_wait(&b->dirs_done, &b->lock);
        pthread_mutex_unlock(&b->lock);
    }
    return d == DIRS_MADE ? 0 : -1;
}

/* Output held back while writes must wait (the walk, the output check,
 * the directories): past this, a worker waits as before (wait_dirs), so
 * a slow walk over a large site cannot hold all its HTML in memory. */
#define DEFER_MAX ((size_t)64 << 20)

/* A page's output that must wait (defer_write) is written now to an
 * unnamed file in its output directory (O_TMPFILE), linked once the
 * writes may go on (write_file) and gone with its descriptor if they
 * never may: held in memory instead, a walk's worth of outputs (5-6 MB
 * on bench/md's tree, the largest pages rendering first) grew the heap
 * by as much, every page of it fresh memory to fault in, and were then
 * written in one burst.  As many at once as the descriptors allow
 * (stage_max); the rest are held in memory as before. */
static void stage_output(batch *b, job *j)
{
    const sl__md_dir *d = j->page->dir;
    if (!d || d->out_fd < 0 || !j->out_path)
        return;
    if (atomic_fetch_add(&b->staged, 1) >= b->stage_max) {
        atomic_fetch_sub(&b->staged, 1);
        return;
    }
    int fd = sl_outfile_stage_at(d->out_fd, j->out_path, j->out.data, j->out.len);
    if (fd < 0) {
        atomic_fetch_sub(&b->staged, 1);
        return;
    }
    j->staged = 1;
    sl_gauge_add(b->g_staged, 1);
    j->staged_fd = fd;
    j->staged_len = j->out.len;
    sl__md_buf_free(&j->out);
}

/* While the writes must wait, the page's output is put aside for later
 * (set_dirs starts its write) and the worker goes on to the next page:
 * 1 if so.  Blocking here instead left both -j2 threads idle for most of
 * the walk (bench/md's tree: each rendered one page, then waited ~35 ms
 * of a ~290 ms run for the walk to end). */
static int defer_write(batch *b, job *j)
{
    int deferred = 0;
    size_t max = b->cli->defer_max ? b->cli->defer_max : DEFER_MAX;
    stage_output(b, j);
    pthread_mutex_lock(&b->lock);
    if (atomic_load(&b->dirs) == DIRS_PENDING && (j->staged || b->deferred_bytes + j->out.len <= max)) {
        j->next_deferred = b->deferred;
        b->deferred = j;
        b->deferred_bytes += j->out.len; /* 0 when staged */
        deferred = 1;
        if (b->cli->hold_walk)
            pthread_cond_broadcast(&b->dirs_done); /* the walk waits for one (start_walking) */
    }
    pthread_mutex_unlock(&b->lock);
    return deferred;
}

/* Writes one page's output file, then the page is done.  Where the
 * directories could not be made, nothing is written: the batch ends with
 * that error alone, as before anything was rendered. */
static void commit_output(job *j)
{
    batch *b = j->b;
    if (atomic_load(&b->dirs) == DIRS_PENDING && defer_write(b, j))
        return; /* not done: the batch waits for it (b->left) */
    int64_t t0 = sl_now();
    size_t bytes = j->staged ? j->staged_len : j->out.len;
    if (wait_dirs(b) == 0)
        write_file(j, &j->out);
    else if (j->staged) /* never to be written: the unnamed file goes */
        close(take_staged(j));
    sl_stage_add(b->st_write, 1, bytes);
    sl_stage_busy(b->st_write, sl_now() - t0);
    sl__md_buf_free(&j->out);
    finish_job(j, j->page->size);
}

/* The page's warnings as stderr lines naming the file and line. */
static void note_warnings(job *j, const sl__md_page *p)
{
    const char *name = strcmp(j->page->path, "-") ? j->page->path : "<stdin>";
    for (size_t i = 0; i < p->nwarnings; i++) {
        char line[64];
        sl__md_buf_puts(&j->warn, "sluice md: ");
        sl__md_buf_puts(&j->warn, name);
        snprintf(line, sizeof line, ":%zu: warning: ", p->warnings[i].line);
        sl__md_buf_puts(&j->warn, line);
        sl__md_buf_puts(&j->warn, p->warnings[i].msg);
        sl__md_buf_putc(&j->warn, '\n');
    }
}

/* How much heap this thread has faulted in ahead (warm_heap). */
static _Thread_local size_t heap_warmed;

#define HEAP_ROOM ((size_t)31 << 20) /* under M_MMAP_THRESHOLD (keep_freed_memory) */
#define HUGE_PAGE ((uintptr_t)2 << 20) /* x86-64's and aarch64's (4 KiB granule) transparent huge page */
/* The blocks that keep each thread's renders off the 2 MiB page its heap
 * began in (past_head), in a list through their first word: freed when
 * the batch is over. */
static pthread_mutex_t plugs_lock = PTHREAD_MUTEX_INITIALIZER;
static void *plugs;

/* 1 unless transparent huge pages are off ("[never]"); read once. */
static int thp_allowed(void)
{
    static atomic_int known; /* 0 unread, 1 allowed, 2 off */
    int k = atomic_load_explicit(&known, memory_order_relaxed);
    if (!k) {
        char mode[128] = "";
        int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, mode, sizeof mode - 1) : -1;
        if (fd >= 0)
            close(fd);
        k = n > 0 && !strstr(mode, "[never]") ? 1 : 2;
        atomic_store_explicit(&known, k, memory_order_relaxed);
    }
    return k == 1;
}

/* Moves a thread's reserve block p (warm) to the next 2 MiB boundary.
 * The 2 MiB page p starts in also holds what the heap had before it (a
 * worker arena's header, at the heap's start; the main heap's first
 * lists), so it is in 4 KiB pages already and advice cannot make it huge
 * - and the renders' hottest memory, the first they allocate, would be
 * there.  MADV_COLLAPSE can make it huge, but it first drains every
 * CPU's page lists (lru_add_drain_all) and so waits for a kernel worker
 * on each CPU: on a 2-CPU VM, 0.2-5 ms behind the other thread's render
 * (perf sched, bench/md's tree).  Instead the page's rest goes to a block
 * that is never touched (address space only: its header is in the 4 KiB
 * page before it), kept until the batch is over, and the reserve block
 * starts on the boundary: huge pages from its first byte.  Where the
 * allocator does not hand the freed space back at once (another malloc:
 * the sanitizers'), p is kept as it was. */
static char *past_head(char *p, size_t size)
{
    uintptr_t boundary = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    size_t gap = boundary - (uintptr_t)p;
    if (gap < 4096 || !thp_allowed())
        return p;
    free(p);
    /* glibc: a block's header is 2 words before it, so this block, made
     * where p was, ends at the next one's header, and the next block
     * starts on the boundary.  Whether that worked is read from where
     * the reserve block lands (p itself is not looked at again: compared
     * after free it is indeterminate, and clang drops the test and the
     * plug with it). */
    void *plug = malloc(gap - 2 * sizeof(size_t));
    char *q = malloc(size);
    if (plug && q && ((uintptr_t)q & (HUGE_PAGE - 1)) == 0) {
        pthread_mutex_lock(&plugs_lock);
        *(void **)plug = plugs;
        plugs = plug;
        pthread_mutex_unlock(&plugs_lock);
    } else {
        free(plug);
    }
    return q;
}

static void free_plugs(void)
{
    pthread_mutex_lock(&plugs_lock);
    while (plugs) {
        void *next = *(void **)plugs;
        free(plugs);
        plugs = next;
    }
    pthread_mutex_unlock(&plugs_lock);
}

/* Faults in, with one madvise, the first `want` bytes of the heap this
 * thread allocates next: a first touch of each 4 KiB page is a page fault
 * otherwise, and on this project's VMs a fault costs 18-24 us where
 * MADV_POPULATE_WRITE costs 1.4-2.4 us a page (32 MB: 198 ms of faults,
 * 12 ms populated).  The block is freed at once: keep_freed_memory keeps
 * it in this thread's arena, where the next allocations then land.
 * `reserve` asks for a block of HEAP_ROOM instead, of which only `want`
 * is touched: a worker thread's arena grows its heap (mprotect) by just
 * what each allocation lacks, one 4 KiB call at a time past the first
 * 16 MiB (M_TOP_PAD counts only when a heap is made): ~800 mprotect
 * calls on bench/md's tree at -j1, none once the room is there.  Where the
 * kernel has no MADV_POPULATE_WRITE (before 5.14), the pages fault as
 * before. */
static void warm(size_t want, int reserve)
{
#ifdef MADV_POPULATE_WRITE
    size_t size = reserve && want < HEAP_ROOM ? HEAP_ROOM : want;
    char *p = malloc(size);
#ifdef MADV_HUGEPAGE
    if (p && reserve)
        p = past_head(p, size);
#endif
    if (!p)
        return;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t from = ((uintptr_t)p + page - 1) & ~(page - 1), to = ((uintptr_t)p + want) & ~(page - 1);
#ifdef MADV_HUGEPAGE
    /* The block's whole 2 MiB pages may be transparent huge pages, where
     * the system leaves that to the program (THP "madvise", Debian's
     * default): one fault or populate a 2 MiB page, not 512.  On this
     * project's VMs every fresh 4 KiB page costs 8-13 us of CPU, and a run
     * over bench/md's tree touched ~3,500 of them: -j2 went from 145 to 120
     * us of CPU a page.  Where THP is off the advice does nothing. */
    uintptr_t hfrom = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1), hto = ((uintptr_t)p + size) & ~(HUGE_PAGE - 1);
    if (hto > hfrom)
        (void)madvise((void *)hfrom, hto - hfrom, MADV_HUGEPAGE);
#endif
    if (to > from)
        (void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
    free(p);
#else
    (void)want, (void)reserve;
#endif
}

/* Warms the heap a page of `size` bytes is about to use: a page's read
 * buffer, HTML buffer and the renderers' trees took ~2,800 faults on
 * bench/md's tree corpus at -j2, ~60 ms of CPU.  A page and its work fit
 * in about four times its size and a megabyte (sluice's own renderer:
 * 4.4 MB at most for the tree's largest page, 956 KB, its read buffer and
 * HTML included; massif); past that the heap's huge pages fault in as
 * they are touched, which costs what warming them does.  Pages come
 * largest first among those found, so a thread warms a few times. */
static void warm_heap(uint64_t size)
{
    uint64_t want = 4 * size + (1 << 20);
    if (want > HEAP_ROOM)
        want = HEAP_ROOM; /* bigger blocks are mapped apart */
    if (want <= heap_warmed)
        return;
    warm((size_t)want, !heap_warmed);
    heap_warmed = want;
}

/* Reads, renders and writes one page. */
static void run_job(job *j)
{
    batch *b = j->b;
    warm_heap(j->page->size);
    char *src = NULL, err[ERR_MAX];
    size_t len = 0;
    sl__md_page page;
    int64_t t0 = sl_now();
    if (read_page(j->page, &src, &len, err, sizeof err) != 0) {
        job_fail(j, "%s", err);
        goto fail;
    }
    j->page->size = len; /* what was read, for progress and the summary */
    int64_t t1 = sl_now();
    sl_stage_add(b->st_read, 1, len);
    sl_stage_busy(b->st_read, t1 - t0);
    char rerr[512];
    sl__md_opts o = b->cli->render;
    o.mdx = o.mdx || sl__md_is_mdx_name(j->page->rel);
    o.no_word_count = !b->cli->json; /* only --json shows it */
    if (b->iso) { /* --isolate: the worker process writes the output bytes */
        sl__md_iso_failure f;
        const char *file = strcmp(j->page->path, "-") ? j->page->path : NULL;
        int irc = sl__md_iso_render(b->iso, file, src, len, &o, b->cli->json, &j->out, &page, &f);
        free(src);
        src = NULL;
        if (irc != 0) { /* an MDX syntax error reads "LINE:COL: ..." after the name, as in process */
            unsigned line, col;
            int pos = o.mdx && !f.worker && sscanf(f.msg, "%u:%u: ", &line, &col) == 2;
            job_fail(j, "%s:%s%s", j->page->path, pos ? "" : " ", f.msg);
            goto fail;
        }
        if (b->cli->json)
            sl__md_buf_putc(&j->out, '\n');
    } else {
        int rc = sl__md_render(src, len, &o, &page, rerr, sizeof rerr);
        if (rc != 0) { /* -2: a syntax error, "LINE:COL: ..." after the file name */
            job_fail(j, "%s:%s%s", j->page->path, rc == -2 ? "" : " ", rerr);
            goto fail;
        }
        free(src);
        src = NULL;
        page_output(b, j, &page, &j->out);
    }
    note_warnings(j, &page);
    sl__md_page_free(&page);
    sl_stage_add(b->st_render, 1, len);
    sl_stage_busy(b->st_render, sl_now() - t1);
    if (j->out.failed) {
        job_fail(j, "%s: out of memory", j->page->path);
        sl__md_buf_free(&j->out);
        goto fail;
    }
    if (j->out_path)
        commit_output(j);
    else
        finish_job(j, len);
    return;
fail:
    free(src);
    j->failed = 1; /* one bad page does not stop the others */
    finish_job(j, len);
}

/* OUTDIR/rel with the Markdown extension replaced. */
static char *output_path(const char *outdir, const char *rel, int json, int mdx)
{
    size_t n = strlen(rel);
    const char *dot = strrchr(rel, '.');
    const char *slash = strrchr(rel, '/');
    if (dot && (!slash || dot > slash + 1) && sl__md_is_markdown_name(rel))
        n = (size_t)(dot - rel);
    const char *ext = json ? ".json" : mdx ? ".js" : ".html";
    size_t ol = strlen(outdir), el = strlen(ext);
    char *p = malloc(ol + 1 + n + el + 1);
    if (!p)
        return NULL;
    memcpy(p, outdir, ol);
    p[ol] = '/';
    memcpy(p + ol + 1, rel, n);
    memcpy(p + ol + 1 + n, ext, el + 1);
    return p;
}

/* mkdir -p dir (modified in place while it works): the directory itself
 * first, its parents only when that fails for want of them, so a tree of
 * N new directories costs N mkdir calls rather than one per component of
 * every path. */
static int mkdir_p(char *dir, char *err, size_t errlen)
{
    if (mkdir(dir, 0777) == 0)
        return 0;
    int e = errno;
    struct stat st;
    if (e == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    char *slash = e == ENOENT ? strrchr(dir, '/') : NULL;
    if (slash && slash != dir) {
        *slash = 0;
        int rc = mkdir_p(dir, err, errlen);
        *slash = '/';
        if (rc != 0)
            return rc;
        if (mkdir(dir, 0777) == 0 || (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)))
            return 0;
        e = errno;
    }
    snprintf(err, errlen, "%s: cannot create directory: %s", dir, strerror(e));
    return -1;
}

static size_t dir_hash(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return (size_t)(h ^ h >> 29);
}

/* The slot for s (n bytes): where it is, or the empty one it would take. */
static char **dir_slot(const dir_set *d, const char *s, size_t n)
{
    size_t m = d->cap - 1;
    for (size_t i = dir_hash(s, n) & m;; i = (i + 1) & m)
        if (!d->slot[i] || (!strncmp(d->slot[i], s, n) && !d->slot[i][n])) /* strncmp: stops at a shorter entry's end */
            return &d->slot[i];
}

static int dir_known(const dir_set *d, const char *s, size_t n)
{
    return d->cap && *dir_slot(d, s, n);
}

/* Adds s (n bytes, copied); -1 with no memory (the set is only a cache:
 * a directory left out is made again, which mkdir_p allows). */
static int dir_add(dir_set *d, const char *s, size_t n)
{
    if (2 * (d->n + 1) > d->cap) {
        dir_set g = {calloc(d->cap ? 2 * d->cap : 256, sizeof *g.slot), d->cap ? 2 * d->cap : 256, d->n};
        if (!g.slot)
            return -1;
        for (size_t i = 0; i < d->cap; i++)
            if (d->slot[i])
                *dir_slot(&g, d->slot[i], strlen(d->slot[i])) = d->slot[i];
        free(d->slot);
        *d = g;
    }
    char **at = dir_slot(d, s, n);
    if (*at)
        return 0;
    if (!(*at = strndup(s, n)))
        return -1;
    d->n++;
    return 0;
}

static void dir_set_free(dir_set *d)
{
    for (size_t i = 0; i < d->cap; i++)
        free(d->slot[i]);
    free(d->slot);
    memset(d, 0, sizeof *d);
}

/* One directory whose parent exists: made, or found already there. */
static int mkdir_one(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (mkdir(dir, 0777) == 0 || (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)))
        return 0;
    snprintf(err, errlen, "%s: cannot create directory: %s", dir, strerror(errno));
    return -1;
}

/* mkdir -p for the directory part of path, each directory made (or found)
 * once per batch: the set remembers it and every directory above it, and
 * a new directory is made downwards from the deepest one known, so the
 * output tree costs one mkdir per directory.  Without the set, coming back
 * to a directory after its subdirectories (a/b/x.md, then a/y.md) cost a
 * mkdir failing with EEXIST and a stat, and a directory holding no page
 * (a/b/c/x.md, a/b made for nothing else) a mkdir failing with ENOENT:
 * 94 and 83 of them on bench/md's tree. */
static int make_parents(batch *b, char *path, char *err, size_t errlen)
{
    char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path) : 0, known = 0;
    if (dl == 0 || dir_known(&b->made, path, dl))
        return 0;
    for (size_t n = dl - 1; n > 0 && !known; n--)
        if (path[n] == '/' && dir_known(&b->made, path, n))
            known = n;
    int rc = 0;
    if (known) {
        for (size_t n = known + 1; rc == 0 && n <= dl; n++)
            if (path[n] == '/') {
                path[n] = 0;
                rc = mkdir_one(path, err, errlen);
                path[n] = '/';
            }
    } else { /* the first page: from the bottom up, as far as needed */
        *slash = 0;
        rc = mkdir_p(path, err, errlen);
        *slash = '/';
    }
    for (size_t n = dl; rc == 0 && n > 0; n--) /* it and the directories above it exist */
        if (path[n] == '/' && (dir_known(&b->made, path, n) || dir_add(&b->made, path, n) != 0))
            break;
    return rc;
}

/* mkdir -p by path for path[0..dl) (path[dl] is a '/'), through
 * make_parents and its set. */
static int make_dir_path(batch *b, char *path, size_t dl, char *err, size_t errlen)
{
    char c = path[dl + 1];
    path[dl + 1] = 0;
    int rc = make_parents(b, path, err, errlen);
    path[dl + 1] = c;
    return rc;
}

/* The output directory of the walk's directory d, whose path is
 * path[0..dl) (path[dl] is the '/' before a name below it): made and
 * opened (O_PATH) once, relative to its parent's where that is open, so
 * that its pages are written by name (sl_outfile_write_whole_at).  Its
 * descriptor; -1 when it is not held (over the budget): its pages are
 * written by path, after make_parents; -2 with a message in err when it
 * cannot be made.  Main thread, during the walk (d's parents are alive);
 * set before any page of d is handed to a worker, never changed after. */
static int out_dir(batch *b, sl__md_dir *d, char *path, size_t dl, char *err, size_t errlen)
{
    if (d->out_tried)
        return d->out_fd;
    d->out_tried = 1;
    if (!sl__md_dir_fd_take())
        return -1;
    char *slash = d->parent ? memrchr(path, '/', dl) : NULL;
    int pfd = slash ? out_dir(b, d->parent, path, (size_t)(slash - path), err, errlen) : -1;
    int fd = -1, e = 0;
    if (pfd == -2)
        goto fail;
    char c = path[dl];
    path[dl] = 0;
    if (pfd >= 0) { /* mkdir, or found there; a file in its place: mkdir's EEXIST, as make_parents says */
        int made = mkdirat(pfd, slash + 1, 0777) == 0;
        e = made ? 0 : errno;
        if ((made || e == EEXIST) && (fd = openat(pfd, slash + 1, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
            e = e ? e : errno;
        if (fd < 0)
            snprintf(err, errlen, "%s: cannot create directory: %s", path, strerror(e));
    } else {
        path[dl] = c;
        if (make_dir_path(b, path, dl, err, errlen) == 0) {
            path[dl] = 0;
            if ((fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                snprintf(err, errlen, "%s: cannot create directory: %s", path, strerror(errno));
        }
    }
    path[dl] = c;
    if (fd >= 0)
        return d->out_fd = fd;
fail:
    sl__md_dir_fd_give();
    return -2;
}

/* A job for page `i` of the page list, appended to the jobs (which only
 * the main thread grows); NULL on no memory. */
static job *add_job(batch *b, size_t i)
{
    if (b->in.n > b->jobs_cap) {
        size_t cap = b->jobs_cap ? 2 * b->jobs_cap : 64;
        while (cap < b->in.n)
            cap *= 2;
        job **v = realloc(b->jobs, cap * sizeof *v);
        if (!v)
            return NULL;
        memset(v + b->jobs_cap, 0, (cap - b->jobs_cap) * sizeof *v); /* the cleanup stops at a NULL */
        b->jobs = v;
        b->jobs_cap = cap;
    }
    job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->b = b;
    j->own = b->in.v[i];
    j->page = &j->own;
    b->in.v[i].dir = NULL; /* the job holds the page's directory now */
    b->jobs[i] = j;
    return j;
}

static int cmp_out_path(const void *a, const void *b)
{
    return strcmp((*(job *const *)a)->out_path, (*(job *const *)b)->out_path);
}

/* Starts a task: in the group the main thread helps with, if any. */
static int submit(batch *b, sl_task_fn fn, void *arg)
{
    return b->group ? sl_group_spawn(b->group, fn, arg) : sl_pool_submit(b->pool, fn, arg);
}

/* A pool task: a page's output put aside by defer_write. */
static int write_deferred(void *arg)
{
    commit_output(arg);
    return 0;
}

/* Lets the writers go on, or tells them never to write (wait_dirs); the
 * outputs put aside meanwhile go to the pool to be written (or, when the
 * batch failed, dropped).  Called on the main thread, while the pool
 * (b->pool) runs: no page finishes before its output is dealt with. */
static void set_dirs(batch *b, int state)
{
    pthread_mutex_lock(&b->lock);
    atomic_store(&b->dirs, state);
    job *later = b->deferred;
    b->deferred = NULL;
    b->deferred_bytes = 0;
    pthread_cond_broadcast(&b->dirs_done);
    pthread_mutex_unlock(&b->lock);
    while (later) {
        job *j = later;
        later = j->next_deferred;
        if (!b->pool || submit(b, write_deferred, j) != SL_OK)
            commit_output(j); /* no memory for a task: write it here */
    }
}

/* Makes every output directory, then lets the writers go on (wait_dirs);
 * -1 with a message on stderr when one cannot be made. */
static int make_dirs(batch *b)
{
    char err[600];
    int rc = 0;
    for (size_t i = 0; i < b->in.n && rc == 0; i++)
        if ((rc = make_parents(b, b->jobs[i]->out_path, err, sizeof err)) != 0)
            fprintf(stderr, "sluice md: %s\n", err);
    set_dirs(b, rc == 0 ? DIRS_MADE : DIRS_FAILED);
    return rc;
}

/* The job's output file, OUTDIR/..., or NULL. */
static char *job_output_path(const batch *b, const job *j)
{
    return output_path(b->cli->outdir, j->page->rel, b->cli->json, b->cli->render.mdx || sl__md_is_mdx_name(j->page->rel));
}

/* Refuses two pages writing the same file: -1 with a message naming
 * both pages (a.md and a.markdown, or one page given twice). */
static int check_outputs(batch *b)
{
    job **sorted = malloc((b->in.n + 1) * sizeof *sorted);
    if (!sorted)
        return -1;
    for (size_t i = 0; i < b->in.n; i++) /* not memcpy: jobs is NULL when no page was found */
        sorted[i] = b->jobs[i];
    qsort(sorted, b->in.n, sizeof *sorted, cmp_out_path);
    for (size_t i = 1; i < b->in.n; i++)
        if (!strcmp(sorted[i - 1]->out_path, sorted[i]->out_path)) {
            const job *x = sorted[i - 1], *y = sorted[i];
            if (strcmp(x->page->path, y->page->path) > 0) /* the same message whatever qsort did */
                x = sorted[i], y = sorted[i - 1];
            fprintf(stderr, "sluice md: %s and %s would both write %s\n", x->page->path, y->page->path, x->out_path);
            free(sorted);
            return -1;
        }
    free(sorted);
    return 0;
}

/* Output paths for every page; refuses two pages writing the same file.
 * The directories are made apart (make_dirs). */
static int plan_outputs(batch *b)
{
    for (size_t i = 0; i < b->in.n; i++)
        if (!(b->jobs[i]->out_path = job_output_path(b, b->jobs[i])))
            return -1;
    return check_outputs(b);
}

static const batch *sort_ctx;

static int cmp_size_desc(const void *a, const void *b)
{
    const sl__md_input *x = sort_ctx->jobs[*(const size_t *)a]->page;
    const sl__md_input *y = sort_ctx->jobs[*(const size_t *)b]->page;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* A pool task: the next page in largest-first order.  Tasks carry no page
 * of their own because the pool does not promise to start tasks in
 * submission order; taking the next index when a task starts does. */
static int run_next(void *arg)
{
    batch *b = arg;
    size_t k = atomic_fetch_add(&b->next, 1);
    run_job(b->jobs[b->order[k]]);
    return 0;
}

/* Runs every job on a pool of -j workers.  The caller makes the output
 * directories meanwhile (make_dirs: ~640 mkdir calls on bench/md's tree,
 * 8-15 ms that the first pages used to wait for), then only waits: were
 * it to help (as sl_group_wait does), -j1 would render on two threads. */
static int run_all(batch *b)
{
    size_t n = b->in.n;
    if (n == 0)
        return 0;
    b->order = malloc(n * sizeof *b->order);
    sl_pool *pool = sl_pool_new(b->iso ? sl__md_iso_callers(b->cli) : b->cli->threads);
    if (!b->order || !pool) {
        if (pool)
            sl_pool_free(pool);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        b->order[i] = i;
    sort_ctx = b;
    qsort(b->order, n, sizeof *b->order, cmp_size_desc);
    atomic_store(&b->left, n);
    b->pool = pool; /* for the writes put aside while make_dirs runs */
    for (size_t i = 0; i < n; i++)
        if (sl_pool_submit(pool, run_next, b) != SL_OK)
            run_next(b); /* no memory for a task: run it here */
    if (atomic_load(&b->dirs) == DIRS_PENDING)
        make_dirs(b);
    pthread_mutex_lock(&b->lock);
    while (!b->finished)
        pthread_cond_wait(&b->done, &b->lock);
    pthread_mutex_unlock(&b->lock);
    sl_pool_free(pool);
    b->pool = NULL;
    return 0;
}

/* ---- -o OUTDIR: pages start while the walk still finds them ----
 *
 * On a tree the walk is a system call or more per directory and per page
 * (bench/md's tree: 637 directories, 20-28 ms on these VMs), and the -j
 * threads had nothing to do meanwhile.  Now each page found is pushed on
 * a heap and a pool task submitted for it; a task renders the largest
 * page waiting.  Once the walk is over that is largest first, as before;
 * during it, the largest found so far (a big page found late still
 * starts long before the tail).  The main thread makes each output
 * directory before the page is pushed, so nothing waits for one; writing
 * waits for the end of the walk and the check that no two pages write
 * the same file: a page rendered before then has its output put aside
 * (defer_write) and its thread goes on rendering; the check's end sends
 * those writes to the pool.  A failed check writes nothing, as before. */

static void heap_swap(waiter *x, waiter *y)
{
    waiter t = *x;
    *x = *y;
    *y = t;
}

static void heap_push(batch *b, job *j)
{
    size_t i = b->nwaiting++;
    b->waiting[i] = (waiter){j->page->size, j};
    for (; i > 0 && b->waiting[i].size > b->waiting[(i - 1) / 2].size; i = (i - 1) / 2)
        heap_swap(&b->waiting[i], &b->waiting[(i - 1) / 2]);
}

static job *heap_pop(batch *b)
{
    job *top = b->waiting[0].j;
    waiter *w = b->waiting;
    w[0] = w[--b->nwaiting];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < b->nwaiting && w[l].size > w[m].size)
            m = l;
        if (r < b->nwaiting && w[r].size > w[m].size)
            m = r;
        if (m == i)
            break;
        heap_swap(&w[i], &w[m]);
        i = m;
    }
    return top;
}

/* A pool task: the largest page waiting (one task is submitted per page
 * pushed, so there is always one). */
static int run_largest(void *arg)
{
    batch *b = arg;
    pthread_mutex_lock(&b->lock);
    job *j = heap_pop(b);
    pthread_mutex_unlock(&b->lock);
    run_job(j);
    return 0;
}

/* The walk found page i: its job, its output directory, and a task. */
static int on_found(void *ctx, size_t i)
{
    batch *b = ctx;
    char err[600];
    /* This thread's heap grows by ~650 bytes a page found (its path and
     * output path, its job, the lists), each new 4 KiB of it a page fault
     * (~210 of them on bench/md's tree, ~4 ms): faulted in ahead instead,
     * as much again as the pages found so far each time they double. */
    if (i + 1 >= 64 && ((i + 1) & i) == 0 && (i + 1) * 1024 <= HEAP_ROOM)
        warm((i + 1) * 1024, 0); /* bigger blocks are mapped apart: nothing warmed */
    if (need_libs(b, &b->in.v[i]) != 0) {
        set_dirs(b, DIRS_FAILED);
        return -1;
    }
    job *j = add_job(b, i);
    if (!j || !(j->out_path = job_output_path(b, j))) {
        b->lost = 1;
        return -1;
    }
    if (atomic_load(&b->dirs) != DIRS_FAILED) {
        /* Its output directory, held open beside the page's own where
         * the budget allows (out_dir), else made by path. */
        char *slash = strrchr(j->out_path, '/');
        int ofd = j->own.dir && slash ? out_dir(b, j->own.dir, j->out_path, (size_t)(slash - j->out_path), err,
                                                sizeof err)
                                      : -1;
        if (ofd == -2 || (ofd == -1 && make_parents(b, j->out_path, err, sizeof err) != 0)) {
            fprintf(stderr, "sluice md: %s\n", err);
            set_dirs(b, DIRS_FAILED);
        }
    }
    pthread_mutex_lock(&b->lock);
    if (b->nwaiting == b->waiting_cap) {
        size_t cap = b->waiting_cap ? 2 * b->waiting_cap : 256;
        waiter *v = realloc(b->waiting, cap * sizeof *v);
        if (!v) {
            pthread_mutex_unlock(&b->lock);
            b->lost = 1;
            return -1;
        }
        b->waiting = v;
        b->waiting_cap = cap;
    }
    heap_push(b, j);
    pthread_mutex_unlock(&b->lock);
    atomic_fetch_add(&b->left, 1);
    if (submit(b, run_largest, b) != SL_OK)
        run_largest(b); /* no memory for a task: run it here */
    return 0;
}

/* Walks every argument, pages starting on the pool as they are found;
 * then the output check, which lets the writers go on.  The caller waits
 * (wait_walking).  -1: no pool. */
static int start_walking(batch *b, char **paths, int npaths, size_t *errors)
{
    char err[600];
    /* -j N (N > 1) renders on N - 1 pool threads while this thread walks,
     * and on this one too once the walk is over (wait_walking): N threads
     * on N cores all along, where N workers and the walk were N + 1 (on 2
     * cores the walk, ~10 ms of CPU on bench/md's tree, took turns with
     * the renders).  -j1 keeps its one worker: the walk runs beside it. */
    size_t n = run_threads(b->cli);
    int help = !b->iso && n > 1;
    if (!(b->pool = sl_pool_new(b->iso ? sl__md_iso_callers(b->cli) : help ? n - 1 : n)))
        return -1;
    if (help && !(b->group = sl_group_new(b->pool))) {
        sl_pool_free(b->pool);
        b->pool = NULL;
        return -1;
    }
    atomic_store(&b->left, 1); /* the walk's own: no "all done" before it ends */
    atomic_store(&b->dirs, DIRS_PENDING);
    for (int i = 0; i < npaths && !b->lost && !b->libs_missing; i++)
        if (sl__md_walk_each(paths[i], &b->in, on_found, b, err, sizeof err) != 0 && !b->lost && !b->libs_missing) {
            fprintf(stderr, "sluice md: %s\n", err);
            (*errors)++;
        }
    if (b->cli->hold_walk) { /* tests: a page's output waits first, however slow the renders (ThreadSanitizer) */
        pthread_mutex_lock(&b->lock);
        while (!b->deferred && atomic_load(&b->left) > 1)
            pthread_cond_wait(&b->dirs_done, &b->lock);
        pthread_mutex_unlock(&b->lock);
    }
    if (atomic_load(&b->dirs) != DIRS_FAILED)
        set_dirs(b, !b->lost && check_outputs(b) == 0 ? DIRS_MADE : DIRS_FAILED);
    return 0;
}

static int wait_walking(batch *b)
{
    if (b->group) { /* runs pages here too, until the last one is done */
        sl_group_wait(b->group);
        sl_group_free(b->group);
        b->group = NULL;
    }
    if (atomic_fetch_sub(&b->left, 1) != 1) {
        pthread_mutex_lock(&b->lock);
        while (!b->finished)
            pthread_cond_wait(&b->done, &b->lock);
        pthread_mutex_unlock(&b->lock);
    }
    sl_pool_free(b->pool);
    b->pool = NULL;
    return b->lost ? -1 : 0;
}

static void print_summary(const batch *b, size_t errors, int64_t ns, size_t threads)
{
    uint64_t bytes = 0;
    for (size_t i = 0; i < b->in.n; i++)
        bytes += b->jobs[i]->page->size;
    double s = ns > 0 ? ns / 1e9 : 1e-9;
    fprintf(stderr, "sluice md: %zu page%s, %.1f MB, %.0f pages/s, %zu error%s (%.2f s, %zu thread%s)\n",
            b->in.n, b->in.n == 1 ? "" : "s", bytes / 1e6, b->in.n / s, errors, errors == 1 ? "" : "s", s, threads,
            threads == 1 ? "" : "s");
}

/* Writes what stdout-mode jobs collected, in page order. */
static int flush_stdout(batch *b)
{
    for (size_t i = 0; i < b->in.n; i++) {
        job *j = b->jobs[i];
        if (!j->failed && j->out.len && fwrite(j->out.data, 1, j->out.len, stdout) != j->out.len)
            break;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "sluice md: <stdout>: write error: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

static int collect_inputs(batch *b, char **paths, int npaths, size_t *errors)
{
    char err[600];
    for (int i = 0; i < npaths; i++) {
        if (!strcmp(paths[i], "-")) {
            if (npaths != 1 || b->cli->outdir) {
                fprintf(stderr, "sluice md: '-' (standard input) must be the only input, without -o\n");
                return -1;
            }
            sl__md_input *v = calloc(1, sizeof *v);
            if (!v || !(v->path = strdup("-")) || !(v->rel = strdup("stdin.md")))
                return -1;
            b->in.v = v;
            b->in.n = b->in.cap = 1;
            continue;
        }
        if (sl__md_walk(paths[i], &b->in, err, sizeof err) != 0) {
            fprintf(stderr, "sluice md: %s\n", err);
            (*errors)++;
        }
    }
    return 0;
}

/* Pages come and go by the thousand, each a few buffers of its size:
 * glibc would hand a freed top of heap back to the kernel and map big
 * buffers afresh, so that every page paid page faults (and, in the worker
 * threads' arenas, mprotect calls) for memory the last page had.  A run
 * keeps what it used instead.  And a worker thread's arena grows its heap
 * by only what the allocation at hand needs, one mprotect call each time
 * (~350 calls on 750 pages of 25 KB, -j2); growing it 16 MiB at a time
 * (address space only: pages are faulted in as they are touched; peak
 * RSS 6.1-6.5 MB either way) makes that about a dozen.  The CPU saved
 * was within the noise of a machine at load 9-10 (median of 15
 * interleaved runs: 0.46 s before, 0.47 s after). */
static void keep_freed_memory(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
#endif
}

/* Grows this process's descriptor table now, while it has one thread
 * (dir_budget, once it knows the soft limit).  Linux grows the table in
 * steps (64, 128, 256, ... descriptors) as they are opened, and once the table is shared by threads every step waits
 * for an RCU grace period (expand_files: synchronize_rcu_expedited): on
 * a 2-CPU VM the walk stalled 0.1-2.6 ms at each of 3-4 steps a run on
 * bench/md's tree, whose 641 directories hold ~1,300 descriptors at once
 * (walk.h's budget, the outputs' directories, staged outputs).  4,096
 * (32 KiB of the kernel's memory) cover a tree of ~2,000 directories;
 * past that the table grows as before. */
static void reserve_descriptors(rlim_t limit)
{
    if (limit < 128)
        return;
    int top = limit < 4096 ? (int)limit - 1 : 4095;
    for (int fd = 0; fd < 3; fd++) { /* any open descriptor will do */
        int high = fcntl(fd, F_DUPFD_CLOEXEC, top);
        if (high >= 0) {
            close(high);
            return;
        }
        if (errno != EBADF)
            return;
    }
    /* 0-2 all closed (a daemon's start): one opened for the purpose */
    int fd = open("/", O_PATH | O_CLOEXEC);
    if (fd >= 0) {
        int high = fcntl(fd, F_DUPFD_CLOEXEC, top);
        if (high >= 0)
            close(high);
        close(fd);
    }
}

/* How many descriptors the walk's directories may hold (walk.h): half
 * of what RLIMIT_NOFILE allows, less what each thread opens at once (a
 * page, its output; --isolate's pipes), so that a tree of any number of
 * directories never runs out: past the budget, pages go by path.  The
 * soft limit is raised to the hard one first (at most 65536), as the
 * kernel's default of 1024 for the soft limit is only for select(2),
 * which sluice never calls.  Returns how many outputs may wait staged
 * (stage_output): a quarter of the limit, which leaves the last quarter
 * (with the 4 a thread and 16 the directories leave) for what the threads
 * open and a margin. */
static size_t dir_budget(const sl__md_cli *c)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        sl__md_dir_budget(0);
        return 0;
    }
    rlim_t want = rl.rlim_max < 65536 ? rl.rlim_max : 65536;
    sl__md_iso_worker_nofile(rl.rlim_cur); /* --isolate's workers keep this one */
    if (rl.rlim_cur < want) {
        struct rlimit up = {want, rl.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &up) == 0)
            rl.rlim_cur = want;
    }
    reserve_descriptors(rl.rlim_cur);
    size_t threads = run_threads(c);
    rlim_t cur = rl.rlim_cur > 65536 ? 65536 : rl.rlim_cur;
    long budget = (long)cur / 2 - 4 * (long)threads - 16;
    sl__md_dir_budget(budget > 0 ? (int)budget : 0);
    return (size_t)cur / 4;
}

int sl__md_batch(const sl__md_cli *c, char **paths, int npaths)
{
    batch b = {.cli = c, .lock = PTHREAD_MUTEX_INITIALIZER, .done = PTHREAD_COND_INITIALIZER,
               .dirs_done = PTHREAD_COND_INITIALIZER, .dirs = DIRS_MADE};
    size_t errors = 0;
    int status = 1;
    int64_t start = sl_now();
    keep_freed_memory();
    /* This thread's first 192 KiB of heap (the metrics, the walk's first
     * lists, before on_found warms more), faulted in with one call: page
     * by page it was ~25 faults on bench/md's tree and ~8 on one page, at
     * 30-60 us each on this project's VMs, where populating costs 1-4 us
     * a page. */
    warm((size_t)192 << 10, 0);
    b.stage_max = dir_budget(c);
    if (c->stage_max)
        b.stage_max = c->stage_max - 1;
    /* --isolate: the workers start (an exec each) while the inputs are
     * walked and the outputs planned. */
    if (c->isolate && (!(b.metrics = sl_metrics_new()) || !(b.iso = sl__md_iso_new(c, b.metrics))))
        goto nomem;
    /* -o without --workers: pages start while the walk goes on */
    int walking = c->outdir && !c->workers;
    for (int i = 0; walking && i < npaths; i++)
        if (!strcmp(paths[i], "-")) {
            fprintf(stderr, "sluice md: '-' (standard input) must be the only input, without -o\n");
            goto out;
        }
    if (!b.metrics)
        b.metrics = sl_metrics_new();
    if (!b.metrics)
        goto nomem;
    b.st_read = sl_metrics_stage(b.metrics, "read");
    b.st_render = sl_metrics_stage(b.metrics, "render");
    b.st_write = sl_metrics_stage(b.metrics, "write");
    b.g_staged = sl_metrics_gauge(b.metrics, "staged");
    /* The bar hears of pages from the metrics, which the pages update as
     * soon as they start: when they start during the walk, it is set up
     * first (its total comes when the walk is over). */
    sl_progress_bar *bar = NULL;
    if (walking && (bar = sl_progress_bar_new("md", 0, c->quiet ? 0 : -1)))
        sl_metrics_on_progress(b.metrics, sl_progress_bar_update, bar, 100 * 1000 * 1000);
    if (walking ? start_walking(&b, paths, npaths, &errors) != 0 : collect_inputs(&b, paths, npaths, &errors) != 0) {
        if (bar)
            sl_progress_bar_finish(bar);
        goto out;
    }
    b.to_stdout = !c->outdir;
    if (b.to_stdout && !c->json && b.in.n > 1) {
        fprintf(stderr, "sluice md: %zu pages to render: give -o OUTDIR (or --json for one JSON line per page)\n", b.in.n);
        goto out;
    }
    for (size_t i = 0; !walking && i < b.in.n; i++) {
        if (need_libs(&b, &b.in.v[i]) != 0)
            break;
        if (!add_job(&b, i))
            goto nomem;
    }
    if (!walking && b.libs_missing) { /* said why; nothing rendered or written */
        status = 2;
        goto out;
    }
    if (c->workers && cl_open(&b) != 0) {
        status = 2;
        goto out;
    }
    if (c->outdir && !walking) {
        if (plan_outputs(&b) != 0)
            goto out;
        atomic_store(&b.dirs, DIRS_PENDING); /* made while the first pages render (run_all) */
        if (c->workers && make_dirs(&b) != 0)
            goto out;
    }
    uint64_t total = 0;
    for (size_t i = 0; i < b.in.n; i++)
        total += b.in.v[i].size;
    if (!walking && (bar = sl_progress_bar_new("md", total, c->quiet || b.in.n < 2 ? 0 : -1)))
        sl_metrics_on_progress(b.metrics, sl_progress_bar_update, bar, 100 * 1000 * 1000);
    else if (bar) /* pages are done already: the bar only learns the walk's total */
        sl_progress_bar_set_total_bytes(bar, total);
    sl_metrics_set_total(b.metrics, b.in.n);
    int rc = walking ? wait_walking(&b) : c->workers ? cl_run_all(&b, bar) : run_all(&b);
    sl__md_iso_free(b.iso);
    b.iso = NULL;
    sl_metrics_progress_done(b.metrics);
    if (bar)
        sl_progress_bar_finish(bar);
    if (b.libs_missing) { /* said why; nothing was written */
        status = 2;
        goto out;
    }
    if (rc != 0)
        goto nomem;
    if (atomic_load(&b.dirs) == DIRS_FAILED)
        goto out; /* said why; nothing was written */
    for (size_t i = 0; i < b.in.n; i++) {
        if (b.jobs[i]->warn.len)
            fwrite(b.jobs[i]->warn.data, 1, b.jobs[i]->warn.len, stderr);
        if (b.jobs[i]->failed) {
            fprintf(stderr, "sluice md: %s\n", b.jobs[i]->err ? b.jobs[i]->err : "out of memory");
            errors++;
        }
    }
    if (b.to_stdout && flush_stdout(&b) != 0)
        errors++;
    /* Pages written to standard output are usually piped into something:
     * the summary would only be noise there, unless a person watches
     * (stderr is a terminal) or asked for figures (--stats). */
    if (!c->quiet && (!b.to_stdout || c->stats || isatty(2)))
        print_summary(&b, errors, sl_now() - start, run_threads(c));
    if (c->stats) {
        sl_metrics_write_json(b.metrics, stderr);
        fputc('\n', stderr);
    }
    status = errors ? 1 : 0;
    goto out;
nomem:
    fprintf(stderr, "sluice md: out of memory\n");
out:
    cl_forget();
    for (size_t i = 0; i < b.jobs_cap && i < b.in.n && b.jobs[i]; i++) { /* (no memory may have left pages without a job) */
        sl__md_input_release(&b.jobs[i]->own); /* a page never run */
        free(b.jobs[i]->out_path);
        free(b.jobs[i]->err);
        sl__md_buf_free(&b.jobs[i]->out);
        sl__md_buf_free(&b.jobs[i]->warn);
        free(b.jobs[i]);
    }
    sl__md_iso_free(b.iso); /* when an early error skipped the run */
    free(b.jobs);
    free(b.waiting);
    free(b.order);
    dir_set_free(&b.made);
    if (b.metrics)
        sl_metrics_free(b.metrics);
    sl__md_inputs_free(&b.in);
    free_plugs();
    return status;
}

/* ---- --workers: the same pages, rendered by `sluice worker`s too ----
 *
 * The coordinator (tools/cluster) hands each page's result to cl_take on
 * this thread, exactly once, whether it was rendered here or by a worker;
 * cl_take then does what run_job's end does.  A result is built apart from
 * its job (a backup run here and a worker may both make one), with the
 * same note_warnings and page_output a local run uses, so the output files,
 * standard output and the warnings are the bytes a local run writes. */
#ifdef SLUICE_MD_CLUSTER
#include "cluster.h"

typedef struct cl_result {
    sl__md_buf out, warn;
    int failed;
    char err[512];
} cl_result;

static cl_result *cl_result_new(void)
{
    cl_result *r = calloc(1, sizeof *r);
    if (!r) { /* the coordinator wants a result for every job */
        fprintf(stderr, "sluice md: out of memory\n");
        abort();
    }
    return r;
}

/* A page's warnings and output bytes into r, through a copy of its job. */
static void cl_page_bytes(const batch *b, const job *j, sl__md_page *p, cl_result *r)
{
    job tmp = *j;
    tmp.out = (sl__md_buf){0};
    tmp.warn = (sl__md_buf){0};
    note_warnings(&tmp, p);
    page_output(b, &tmp, p, &tmp.out);
    r->out = tmp.out;
    r->warn = tmp.warn;
    if (r->out.failed || r->warn.failed) {
        r->failed = 1;
        snprintf(r->err, sizeof r->err, "%s: out of memory", j->page->path);
    }
}

static int cl_load(void *ctx, uint64_t id, sl_cluster_buf *in)
{
    batch *b = ctx;
    job *j = b->jobs[id];
    char *src = NULL, err[512];
    size_t len = 0;
    if (b->cli->render.mdx || sl__md_is_mdx_name(j->page->rel)) /* the md.page job has no MDX options */
        return -1;
    if (!strcmp(j->page->path, "-") || read_page(j->page, &src, &len, err, sizeof err) != 0)
        return -1; /* standard input, or a page run_job will report: rendered here */
    j->page->size = len;
    int rc = sl__md_job_input(in, &b->cli->render, b->cli->json, j->page->path, src, len);
    free(src);
    return rc;
}

static void *cl_run(void *ctx, unsigned thread, uint64_t id, const void *in, size_t len)
{
    (void)thread;
    batch *b = ctx;
    job *j = b->jobs[id];
    cl_result *r = cl_result_new();
    char *src = NULL, rerr[256];
    const char *text;
    if (in) { /* the input sent: skip its header (job.c) */
        const unsigned char *p = in;
        size_t skip = 4 + ((size_t)p[2] | (size_t)p[3] << 8);
        text = (const char *)p + skip;
        len -= skip;
    } else if (read_page(j->page, &src, &len, r->err, sizeof r->err) != 0) {
        r->failed = 1;
        return r;
    } else {
        j->page->size = len;
        text = src;
    }
    sl__md_page page;
    if (sl__md_render(text, len, &b->cli->render, &page, rerr, sizeof rerr) != 0) {
        r->failed = 1;
        snprintf(r->err, sizeof r->err, "%s: %s", j->page->path, rerr);
    } else {
        cl_page_bytes(b, j, &page, r);
        sl__md_page_free(&page);
    }
    free(src);
    return r;
}

static void *cl_decode(void *ctx, uint64_t id, const void *data, size_t len, char *err, size_t errlen)
{
    batch *b = ctx;
    sl__md_warning *w = NULL;
    size_t nw = 0, nbytes = 0;
    const unsigned char *bytes = NULL;
    if (sl__md_job_result(data, len, &w, &nw, &bytes, &nbytes) != 0) {
        snprintf(err, errlen, "not an md.page result");
        return NULL;
    }
    cl_result *r = cl_result_new();
    sl__md_page p = {.warnings = w, .nwarnings = nw};
    job tmp = *b->jobs[id];
    tmp.warn = (sl__md_buf){0};
    note_warnings(&tmp, &p);
    r->warn = tmp.warn;
    if (nbytes)
        sl__md_buf_put(&r->out, (const char *)bytes, nbytes);
    else
        sl__md_buf_putc(&r->out, 0), r->out.len = 0; /* an empty page: an empty output, allocated */
    for (size_t i = 0; i < nw; i++)
        free(w[i].msg);
    free(w);
    if (r->out.failed || r->warn.failed) {
        snprintf(err, errlen, "out of memory");
        sl__md_buf_free(&r->out);
        sl__md_buf_free(&r->warn);
        free(r);
        return NULL;
    }
    return r;
}

static void cl_drop(void *ctx, void *result)
{
    (void)ctx;
    cl_result *r = result;
    sl__md_buf_free(&r->out);
    sl__md_buf_free(&r->warn);
    free(r);
}

static sl_cluster *cl_cluster;
static sl_progress_bar *cl_bar;

/* What run_job's end does, with the one result the page gets. */
static void cl_take(void *ctx, uint64_t id, void *result, size_t in_bytes)
{
    (void)in_bytes;
    batch *b = ctx;
    job *j = b->jobs[id];
    cl_result *r = result;
    j->warn = r->warn;
    j->out = r->out;
    if (cl_bar) {
        char note[48];
        sl_cluster_share_note(cl_cluster, note, sizeof note);
        sl_progress_bar_set_note(cl_bar, note);
    }
    if (r->failed) {
        j->failed = 1;
        job_fail(j, "%s", r->err);
        sl__md_buf_free(&j->out);
        finish_job(j, j->page->size);
    } else if (j->out_path)
        commit_output(j);
    else
        finish_job(j, j->page->size);
    free(r);
}

static const sl_cluster_ops cl_ops = {"md.page/1", cl_load, cl_run, cl_decode, cl_take, cl_drop};

/* Connects before anything is written: a wrong password or no server
 * ends the run with nothing made. */
static int cl_open(batch *b)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    sl_cluster_config cfg = {.url = b->cli->workers, .quiet = b->cli->quiet, .tool = "sluice md"};
    cfg.threads = b->cli->workers_only ? 0 : b->cli->threads ? (unsigned)b->cli->threads : (unsigned)(cpus > 0 ? cpus : 1);
    char err[600];
    if (sl_cluster_new(&cl_cluster, &cl_ops, b, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "sluice md: %s\n", err);
        return -1;
    }
    return 0;
}

/* run_all's part, through the coordinator; pages largest first. */
static int cl_run_all(batch *b, sl_progress_bar *bar)
{
    size_t n = b->in.n;
    b->order = malloc((n ? n : 1) * sizeof *b->order);
    if (!b->order)
        return -1;
    for (size_t i = 0; i < n; i++)
        b->order[i] = i;
    sort_ctx = b;
    qsort(b->order, n, sizeof *b->order, cmp_size_desc);
    atomic_store(&b->left, n);
    for (size_t i = 0; i < n; i++)
        sl_cluster_add(cl_cluster, b->order[i], b->jobs[b->order[i]]->page->size);
    cl_bar = bar;
    int rc = sl_cluster_run(cl_cluster);
    cl_bar = NULL;
    if (b->cli->stats)
        sl_cluster_stats_print(cl_cluster, stderr);
    cl_forget();
    return rc;
}

static void cl_forget(void)
{
    sl_cluster_free(cl_cluster);
    cl_cluster = NULL;
}
#else
static int cl_open(batch *b)
{
    (void)b;
    fprintf(stderr, "sluice md: --workers: this sluice was built without hiredis (scripts/install-deps.sh cluster)\n");
    return -1;
}

static int cl_run_all(batch *b, sl_progress_bar *bar)
{
    (void)b, (void)bar;
    return -1;
}

static void cl_forget(void)
{
}
#endif
