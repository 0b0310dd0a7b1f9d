/*
 * runrec.c - run records: what a run looked at, to skip a run that would
 * write the same bytes again (see runrec.h).
 *
 * The one idea: a run's outputs are a function of the request and of the
 * answers the file system gave it, so if every answer is the same now the
 * outputs are too.  "The same" is stat(2)'s device, inode, size, mode,
 * mtime and ctime (nanoseconds); a path whose times fall within RACY_NS
 * of the recorded run's start may have changed in the same clock tick as
 * it was read, so it never counts as unchanged (git's "racily clean").
 */
#include "runrec.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "graphcache.h"
#include "outfile.h"
#include "xalloc.h"

#define MAGIC "SLGRUN5\0"
#define RACY_NS ((int64_t)2000000000) /* file times lag the clock by up to a tick; two seconds is generous */
#define MAX_RECORD ((size_t)64 << 20)
#define WATCH_MIN 105 /* bytes a watched path takes in a record at least */

/* x's stat fields from stat(path) now (x->path left as it is).  lstat
 * first: for anything but a link it is stat's answer in one call, and it
 * tells "no entry of that name" - whose answer follows from the parent
 * directory's (gr_watch_restat) - from a link to nothing. */
static void from_stat(gr_watch *x, const struct stat *st)
{
    x->exists = 1;
    x->dev = (uint64_t)st->st_dev;
    x->ino = (uint64_t)st->st_ino;
    x->size = (uint64_t)st->st_size;
    x->mode = (uint64_t)st->st_mode;
    x->mtime_ns = (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec;
    x->ctime_ns = (uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec;
}

static void stat_into(gr_watch *x, const char *path)
{
    struct stat st;
    char *keep = x->path;
    memset(x, 0, sizeof *x);
    x->path = keep;
    if (lstat(path, &st) != 0) {
        x->absent = errno == ENOENT || errno == ENOTDIR;
        return;
    }
    x->linked = 1;
    if (S_ISLNK(st.st_mode) && stat(path, &st) != 0)
        return;
    from_stat(x, &st);
}

static void fill(gr_watch *x, const char *path)
{
    x->path = NULL;
    stat_into(x, path);
    x->path = gr_xstrdup(path);
}

/* ---- stat(2) of many paths at once ----------------------------------------
 * A run record names every path a run asked about (17,000 on the crate
 * corpus); the kernel's path walk is most of a stat, and walks on
 * different CPUs do not contend (RCU lookups), so they are split over
 * threads: each takes the next block of STAT_BLOCK paths from a shared
 * counter. */
enum { STAT_BLOCK = 256, STAT_THREADS = 8 };

typedef struct stat_job {
    gr_watch *now;
    const char *const *paths; /* the paths; or NULL, and was[i].path */
    const gr_watch *was;
    const size_t *which;      /* NULL: 0..n-1; else the n indexes to stat */
    size_t n;
    atomic_size_t next;
} stat_job;

static void *stat_run(void *arg)
{
    stat_job *j = arg;
    for (;;) {
        size_t at = atomic_fetch_add(&j->next, STAT_BLOCK);
        if (at >= j->n)
            return NULL;
        size_t end = j->n - at < STAT_BLOCK ? j->n : at + STAT_BLOCK;
        for (size_t k = at; k < end; k++) {
            size_t i = j->which ? j->which[k] : k;
            stat_into(&j->now[i], j->paths ? j->paths[i] : j->was[i].path);
        }
    }
}

static void stat_jobs(stat_job *j)
{
    size_t n = j->n;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nt = cpus > 1 ? (size_t)cpus : 1;
    if (nt > STAT_THREADS)
        nt = STAT_THREADS;
    if (nt > n / (2 * STAT_BLOCK)) /* a thread's start costs about a block's stats */
        nt = n / (2 * STAT_BLOCK) ? n / (2 * STAT_BLOCK) : 1;
    pthread_t tid[STAT_THREADS];
    size_t started = 0;
    while (started + 1 < nt && pthread_create(&tid[started], NULL, stat_run, j) == 0)
        started++;
    stat_run(j);
    for (size_t i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
}

void gr_watch_stat_many(gr_watch *now, const char *const *paths, size_t n)
{
    stat_job j = {now, paths, NULL, NULL, n, 0};
    stat_jobs(&j);
}

/* Whether was[i] is a path that had no entry, directly under was[i].under
 * - 1, a path that existed or had no entry either (checked: a damaged
 * record cannot make a path be taken for another's child). */
static int implied(const gr_watch *was, size_t i)
{
    const gr_watch *x = &was[i];
    if (!x->absent || x->exists || x->linked || !x->under || x->under > i)
        return 0;
    const gr_watch *d = &was[x->under - 1];
    size_t dl = strlen(d->path);
    const char *sl = strrchr(x->path, '/');
    return (d->exists || d->absent) && dl && sl && (size_t)(sl - x->path) == dl && !strncmp(x->path, d->path, dl) &&
           strcmp(sl + 1, ".") && strcmp(sl + 1, "..") && sl[1];
}

void gr_watch_restat(const gr_watch *was, gr_watch *now, size_t n, int64_t start_ns)
{
    size_t *ask = gr_xmalloc((n ? n : 1) * sizeof *ask), nask = 0;
    for (size_t i = 0; i < n; i++)
        if (!implied(was, i))
            ask[nask++] = i;
    stat_job j = {now, NULL, was, ask, nask, 0};
    stat_jobs(&j);
    free(ask);
    /* parents sort before their children, so each parent's answer now
     * is known when its children come */
    for (size_t i = 0; i < n; i++) {
        if (implied(was, i)) {
            size_t d = was[i].under - 1;
            if (gr_watch_unchanged(&was[d], &now[d], start_ns))
                now[i] = was[i];
            else
                stat_into(&now[i], was[i].path);
        }
        now[i].path = was[i].path;
    }
}

/* From here the entries move into huge pages (gr_xtemp); the paths' blocks
 * after the first are this size too (runrec.h says why). */
enum { WATCH_BIG = 128u << 10, ROOM_FIRST = 16u << 10, ROOM_BIG = 2u << 20 };

static gr_watch *append(gr_watchlist *w)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 256, bytes = cap * sizeof *w->v;
        if (bytes < WATCH_BIG) {
            w->v = gr_xrealloc(w->v, bytes);
        } else {
            /* a whole number of huge pages, all of them used */
            bytes = (bytes + ROOM_BIG - 1) / ROOM_BIG * ROOM_BIG;
            cap = bytes / sizeof *w->v;
            gr_watch *v = gr_xtemp(bytes);
            memcpy(v, w->v, w->n * sizeof *v);
            if (w->vbytes)
                gr_xtemp_free(w->v, w->vbytes);
            else
                free(w->v);
            w->v = v;
            w->vbytes = bytes;
        }
        w->cap = cap;
    }
    return &w->v[w->n++];
}

/* A copy of path in w's blocks, which live as long as w. */
static char *keep_path(gr_watchlist *w, const char *path)
{
    size_t len = strlen(path) + 1;
    if (w->room_left < len) {
        size_t head = sizeof(void *) + sizeof(size_t), size = w->room ? ROOM_BIG : ROOM_FIRST;
        if (size - head < len)
            size = head + len;
        char *b = gr_xtemp(size);
        memcpy(b, &w->room, sizeof(void *));
        memcpy(b + sizeof(void *), &size, sizeof size);
        w->room = b;
        w->room_at = b + head;
        w->room_left = size - head;
    }
    char *p = w->room_at;
    memcpy(p, path, len);
    w->room_at += len;
    w->room_left -= len;
    return p;
}

gr_watch *gr_watch_path(gr_watchlist *w, const char *path)
{
    gr_watch *x = append(w);
    x->path = NULL;
    stat_into(x, path);
    x->path = keep_path(w, path);
    return x;
}

gr_watch *gr_watch_lstated(gr_watchlist *w, const char *path, const struct stat *st)
{
    if (S_ISLNK(st->st_mode))
        return gr_watch_path(w, path); /* stat(2) follows it: asked below */
    gr_watch *x = append(w);
    memset(x, 0, sizeof *x);
    x->linked = 1;
    from_stat(x, st);
    x->path = keep_path(w, path);
    return x;
}

void gr_watchlist_free(gr_watchlist *w)
{
    while (w->room) {
        char *b = w->room;
        size_t size;
        memcpy(&w->room, b, sizeof(void *));
        memcpy(&size, b + sizeof(void *), sizeof size);
        gr_xtemp_free(b, size);
    }
    if (w->vbytes)
        gr_xtemp_free(w->v, w->vbytes);
    else
        free(w->v);
    memset(w, 0, sizeof *w);
}

static int same(const gr_watch *a, const gr_watch *b)
{
    return a->exists == b->exists && a->linked == b->linked && a->absent == b->absent && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mode == b->mode && a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

/* ---- the program's build ------------------------------------------------ */

/* Pack entries are keyed by the extractor's version (gr_cache_build_id):
 * what one file parses to.  A run record and its snapshot hold much more
 * - what mounting, resolution and the writers made of the files, and the
 * record's own rules for what to watch - and any change to that code may
 * change the outputs a record vouches for.  So records and snapshots are
 * bound to the very program that made them: the linker's GNU build id (a
 * hash of the linked program, so a rebuild of other code changes it too,
 * and an upgrade always does), found in the running program's notes.
 * Without one, the executable's identity and times stand in.  A new
 * build's first run does the full work once; the packs stay valid. */
#define NOTE_ALIGN(x) (((x) + 3u) & ~(size_t)3u)

static int find_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    char *out = arg; /* the first object is the program itself */
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr), *end = p + ph->p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)(const void *)p;
            const unsigned char *name = p + sizeof *nh, *desc = name + NOTE_ALIGN(nh->n_namesz);
            if (desc + nh->n_descsz > end)
                break;
            if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && !memcmp(name, "GNU", 4) && nh->n_descsz &&
                nh->n_descsz <= 64) {
                static const char hex[] = "0123456789abcdef";
                memcpy(out, "build-id ", 9);
                for (size_t k = 0; k < nh->n_descsz; k++) {
                    out[9 + 2 * k] = hex[desc[k] >> 4];
                    out[9 + 2 * k + 1] = hex[desc[k] & 15];
                }
                out[9 + 2 * nh->n_descsz] = 0;
                return 1;
            }
            p = desc + NOTE_ALIGN(nh->n_descsz);
        }
    }
    return 1; /* only the program's own notes count, not a library's */
}

static char program_id[160];
static pthread_once_t program_once = PTHREAD_ONCE_INIT;

static void program_id_init(void)
{
    dl_iterate_phdr(find_build_id, program_id);
    struct stat st;
    if (!program_id[0] && stat("/proc/self/exe", &st) == 0)
        snprintf(program_id, sizeof program_id, "exe %llu:%llu size %lld mtime %lld.%09ld",
                 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino, (long long)st.st_size,
                 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

const char *gr_program_build_id(void)
{
    pthread_once(&program_once, program_id_init);
    return program_id;
}

/* ---- the request --------------------------------------------------------- */

void gr_runrec_request(char **paths, int npaths, const char *db, const char *json, uint8_t key[32])
{
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        cwd[0] = 0;
    size_t cap = 8192, n = 0;
    char *s = gr_xmalloc(cap);
    const char *parts[5] = {cwd, gr_cache_build_id(), gr_program_build_id(), db ? db : "", json ? json : ""};
    for (int i = 0; i < 5 + npaths; i++) {
        const char *p = i < 5 ? parts[i] : paths[i - 5];
        size_t len = strlen(p) + 1; /* NUL-separated: no two requests run together */
        if (n + len > cap)
            s = gr_xrealloc(s, cap = (n + len) * 2);
        memcpy(s + n, p, len);
        n += len;
    }
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(s, n));
    memset(key, 0, 32);
    memcpy(key, c.digest, GR_RUNREC_NAME);
    free(s);
}

void gr_runrec_name_hex(const uint8_t key[32], char out[2 * GR_RUNREC_NAME + 1])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < GR_RUNREC_NAME; i++) {
        out[2 * i] = hex[key[i] >> 4];
        out[2 * i + 1] = hex[key[i] & 15];
    }
    out[2 * GR_RUNREC_NAME] = 0;
}

/* The record's checksum: XXH3-128 (canonical byte order) - against
 * damage, which is all a record need fear (a hand that forges one could
 * as well forge its stat fields). */
static void record_sum(const void *p, size_t n, uint8_t out[16])
{
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(p, n));
    memcpy(out, c.digest, 16);
}

static void record_path(const char *cache_dir, const uint8_t key[32], char *out, size_t cap, int dir_only)
{
    char hex[2 * GR_RUNREC_NAME + 1];
    gr_runrec_name_hex(key, hex);
    if (dir_only)
        snprintf(out, cap, "%s/" GR_CACHE_SUBDIR "/runs", cache_dir);
    else
        snprintf(out, cap, "%s/" GR_CACHE_SUBDIR "/runs/%s", cache_dir, hex);
}

/* ---- encoding ------------------------------------------------------------ */

typedef struct buf {
    uint8_t *p;
    size_t n, cap;
    int fixed; /* p is gr_xtemp's, sized exactly: never grown (not realloc's to grow) */
} buf;

static void put(buf *b, const void *v, size_t n)
{
    if (b->n + n > b->cap) {
        if (b->fixed) {
            fprintf(stderr, "sluice graph: internal error: a run record's body outgrew its size\n");
            abort();
        }
        while (b->n + n > b->cap)
            b->cap = b->cap ? b->cap * 2 : 65536;
        b->p = gr_xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, v, n);
    b->n += n;
}

static void put64(buf *b, uint64_t v)
{
    uint8_t x[8];
    for (int i = 0; i < 8; i++)
        x[i] = (uint8_t)(v >> 8 * i);
    put(b, x, 8);
}

static void put_watch(buf *b, const gr_watch *x)
{
    put64(b, strlen(x->path));
    put(b, x->path, strlen(x->path) + 1); /* with its NUL: a reader's paths point into the record */
    put64(b, (uint64_t)x->exists | (uint64_t)x->linked << 1 | (uint64_t)x->absent << 2);
    put64(b, x->dev);
    put64(b, x->ino);
    put64(b, x->size);
    put64(b, x->mode);
    put64(b, x->mtime_ns);
    put64(b, x->ctime_ns);
    put64(b, (uint64_t)x->under);
    put(b, x->key, 32); /* zeros when not keyed */
}

typedef struct rd {
    uint8_t *p;
    size_t n, at;
    int bad;
} rd;

static uint64_t get64(rd *r)
{
    if (r->n - r->at < 8) {
        r->bad = 1;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | r->p[r->at + (size_t)i];
    r->at += 8;
    return v;
}

static void get_snap(rd *r, uint8_t snap[16])
{
    memset(snap, 0, 16);
    if (r->n - r->at < 16) {
        r->bad = 1;
        return;
    }
    memcpy(snap, r->p + r->at, 16);
    r->at += 16;
}

/* The request the record was written for: a record under another
 * request's name (copied, renamed, or a hash that collides) is no record -
 * its outputs are another request's files. */
static void get_request(rd *r, const uint8_t key[32])
{
    if (r->n - r->at < GR_RUNREC_NAME || memcmp(r->p + r->at, key, GR_RUNREC_NAME)) {
        r->bad = 1;
        return;
    }
    r->at += GR_RUNREC_NAME;
}

void gr_watch_stat(gr_watch *x, const char *path)
{
    fill(x, path);
}

void (*gr__test_after_write)(const char *path);

int gr_watch_written(gr_watch *x, const char *path, uint64_t dev, uint64_t ino)
{
    fill(x, path);
    if (!(dev || ino) || (x->exists && x->dev == dev && x->ino == ino))
        return 1;
    free(x->path);
    memset(x, 0, sizeof *x);
    return 0;
}

/* One watched path as recorded (its path pointing into the record). */
static int get_watch(rd *r, gr_watch *was)
{
    uint64_t len = get64(r);
    if (r->bad || len > 65536 || r->n - r->at <= len || r->p[r->at + len]) {
        r->bad = 1;
        return 0;
    }
    memset(was, 0, sizeof *was);
    was->path = (char *)r->p + r->at;
    r->at += len + 1;
    uint64_t found = get64(r);
    was->exists = (int)(found & 1);
    was->linked = (int)(found >> 1 & 1);
    was->absent = (int)(found >> 2 & 1);
    was->dev = get64(r);
    was->ino = get64(r);
    was->size = get64(r);
    was->mode = get64(r);
    was->mtime_ns = get64(r);
    was->ctime_ns = get64(r);
    uint64_t under = get64(r);
    was->under = under <= r->n ? (size_t)under : 0; /* an index, checked where used */
    if (found > 7)
        r->bad = 1;
    if (r->bad || r->n - r->at < 32) {
        r->bad = 1;
        return 0;
    }
    memcpy(was->key, r->p + r->at, 32);
    r->at += 32;
    for (int i = 0; i < 32; i++)
        was->keyed |= was->key[i] != 0;
    return 1;
}

int gr_watch_unchanged(const gr_watch *was, const gr_watch *now, int64_t start_ns)
{
    if (!same(was, now))
        return 0;
    /* changed in the tick the recorded run read it: cannot tell */
    return !(start_ns && now->exists &&
             ((int64_t)now->mtime_ns > start_ns - RACY_NS || (int64_t)now->ctime_ns > start_ns - RACY_NS));
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const gr_watch *)a)->path, ((const gr_watch *)b)->path);
}

void gr_watchlist_uniq(gr_watchlist *w)
{
    /* one entry a path (which twin stays does not matter: a different
     * later answer is a change during the run, which the racy rule
     * catches anyway), with the key any of them carries */
    qsort(w->v, w->n, sizeof *w->v, by_path);
    size_t uniq = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (uniq && !strcmp(w->v[uniq - 1].path, w->v[i].path)) {
            if (w->v[i].keyed && !w->v[uniq - 1].keyed) {
                w->v[uniq - 1].keyed = 1;
                memcpy(w->v[uniq - 1].key, w->v[i].key, 32);
            }
            continue; /* (its path is in w's blocks) */
        }
        w->v[uniq++] = w->v[i];
    }
    w->n = uniq;
}

/* Strict order by the first n bytes of b, then shorter first (strcmp's
 * order between a and the prefix of b of length n). */
static int cmp_prefix(const char *a, const char *b, size_t n)
{
    int c = strncmp(a, b, n);
    return c ? c : a[n] != 0;
}

/* Each path with no entry of its name whose parent directory (the text
 * before its last '/') is watched too, and existed or had no entry
 * either, is linked to it: the next run does not ask for it while the
 * parent answers the same (gr_watch_restat).  The list is sorted, so the
 * parent, a prefix, comes first. */
static void link_absent(gr_watchlist *w)
{
    for (size_t i = 0; i < w->n; i++) {
        gr_watch *x = &w->v[i];
        x->under = 0;
        const char *sl = x->absent ? strrchr(x->path, '/') : NULL;
        if (!sl || sl == x->path)
            continue;
        size_t dl = (size_t)(sl - x->path), lo = 0, hi = i;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (cmp_prefix(w->v[mid].path, x->path, dl) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < i && !cmp_prefix(w->v[lo].path, x->path, dl)) {
            x->under = lo + 1;
            if (!implied(w->v, i))
                x->under = 0;
        }
    }
}

void gr_runrec_prepare(gr_watchlist *w, gr_runrec_body *out)
{
    gr_watchlist_uniq(w);
    link_absent(w);
    /* one allocation of the size it takes (grown by doubling, the copies
     * and fresh pages of a 2.6 MB record were a twentieth of a fast run),
     * from 1 MiB up in huge pages (190 faults of 4 KiB pages on the crate
     * corpus, while references resolve); put_watch writes exactly
     * WATCH_MIN bytes and the path's, so put never grows it */
    size_t need = 0;
    for (size_t i = 0; i < w->n; i++)
        need += strlen(w->v[i].path) + WATCH_MIN;
    need = need ? need : 1;
    buf b = {gr_xtemp(need), 0, need, 1};
    for (size_t i = 0; i < w->n; i++)
        put_watch(&b, &w->v[i]);
    *out = (gr_runrec_body){b.p, b.n, w->n, need};
}

void gr_runrec_body_free(gr_runrec_body *b)
{
    if (b->p)
        gr_xtemp_free(b->p, b->cap);
    memset(b, 0, sizeof *b);
}

void gr_runrec_save_prepared(const char *cache_dir, const uint8_t key[32], const gr_runrec_body *body,
                             int64_t start_ns, const gr_watch *outputs, int noutputs, int status,
                             const char *warnings, const uint8_t snap[16])
{
    static const uint8_t none[16];
    /* what comes before the watched paths, and what after them: the
     * checksum runs over the three as they lie in the file */
    buf head = {gr_xmalloc(128 + GR_RUNREC_NAME + strlen(warnings)), 0, 128 + GR_RUNREC_NAME + strlen(warnings), 0};
    put(&head, MAGIC, 8);
    put64(&head, (uint64_t)start_ns);
    put64(&head, (uint64_t)status);
    put(&head, snap ? snap : none, 16);
    put(&head, key, GR_RUNREC_NAME); /* the request it answers, checked against the name it is read under */
    put64(&head, body->nwatched);
    put64(&head, (uint64_t)noutputs);
    put64(&head, strlen(warnings));
    put(&head, warnings, strlen(warnings));
    size_t need = 16;
    for (int i = 0; i < noutputs; i++)
        need += strlen(outputs[i].path) + WATCH_MIN;
    buf tail = {gr_xmalloc(need), 0, need, 0};
    for (int i = 0; i < noutputs; i++)
        put_watch(&tail, &outputs[i]);
    XXH3_state_t *h = XXH3_createState();
    if (!h) {
        free(head.p);
        free(tail.p);
        return; /* no record: the next run is a full one */
    }
    XXH3_128bits_reset(h);
    XXH3_128bits_update(h, head.p, head.n);
    XXH3_128bits_update(h, body->p, body->n);
    XXH3_128bits_update(h, tail.p, tail.n);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(h));
    XXH3_freeState(h);
    put(&tail, c.digest, 16);
    char dir[4200], path[4300], tmp[4400];
    record_path(cache_dir, key, dir, sizeof dir, 1);
    record_path(cache_dir, key, path, sizeof path, 0);
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    mkdir(dir, 0777);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    int ok = fd >= 0 && !sl_write_all(fd, head.p, head.n) && !sl_write_all(fd, body->p, body->n) &&
             !sl_write_all(fd, tail.p, tail.n);
    if (fd >= 0 && close(fd))
        ok = 0;
    if (!ok || rename(tmp, path))
        unlink(tmp); /* no record: the next run is a full one, which is always right */
    free(head.p);
    free(tail.p);
}

void gr_runrec_save(const char *cache_dir, const uint8_t key[32], gr_watchlist *w, int64_t start_ns,
                    const gr_watch *outputs, int noutputs, int status, const char *warnings, const uint8_t snap[16])
{
    gr_runrec_body b;
    gr_runrec_prepare(w, &b);
    gr_runrec_save_prepared(cache_dir, key, &b, start_ns, outputs, noutputs, status, warnings, snap);
    gr_runrec_body_free(&b);
}

/* The record for key, whole and with its checksum right: a reader over
 * it (past the magic, before the checksum); r->bad when there is none. */
static rd read_record(const char *cache_dir, const uint8_t key[32])
{
    char path[4300];
    record_path(cache_dir, key, path, sizeof path, 0);
    rd none = {NULL, 0, 0, 1};
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return none;
    struct stat st;
    uint8_t *p = NULL;
    size_t n = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size <= MAX_RECORD && st.st_size > 24) {
        p = gr_xmalloc((size_t)st.st_size);
        while (n < (size_t)st.st_size) {
            ssize_t k = read(fd, p + n, (size_t)st.st_size - n);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break;
            n += (size_t)k;
        }
    }
    close(fd);
    uint8_t sum[16];
    int ok = p && n == (size_t)st.st_size && !memcmp(p, MAGIC, 8);
    if (ok) {
        record_sum(p, n - 16, sum);
        ok = !memcmp(sum, p + n - 16, 16);
    }
    rd r = {p, ok ? n - 16 : 0, ok ? 8 : 0, !ok}; /* a bad one: every read past its end fails */
    return r;
}

int gr_runrec_peek_snap(const char *cache_dir, const uint8_t key[32], uint8_t snap[16])
{
    char path[4300];
    record_path(cache_dir, key, path, sizeof path, 0);
    uint8_t h[40];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    int ok = fd >= 0 && pread(fd, h, sizeof h, 0) == (ssize_t)sizeof h && !memcmp(h, MAGIC, 8);
    if (fd >= 0)
        close(fd);
    static const uint8_t none[16];
    ok = ok && memcmp(h + 24, none, 16);
    if (ok)
        memcpy(snap, h + 24, 16); /* after the magic, the start time, the status */
    return ok;
}

int gr_runrec_load(const char *cache_dir, const uint8_t key[32], gr_runrec *out)
{
    memset(out, 0, sizeof *out);
    rd r = read_record(cache_dir, key);
    out->start_ns = (int64_t)get64(&r);
    uint64_t st_code = get64(&r);
    get_snap(&r, out->snap);
    get_request(&r, key);
    uint64_t nwatch = get64(&r), nout = get64(&r), wlen = get64(&r);
    int ok = !r.bad && st_code <= 1 && wlen <= r.n - r.at && nwatch <= (r.n - r.at - wlen) / WATCH_MIN && nout <= 2;
    if (ok) {
        out->status = (int)st_code;
        out->warnings = gr_xmalloc(wlen + 1);
        memcpy(out->warnings, r.p + r.at, wlen);
        out->warnings[wlen] = 0;
        r.at += wlen;
        /* the lists at their size, their paths in the record (11,100
         * copies and lists grown by doubling were a seventh of an
         * --update's run on the crate corpus) */
        out->watched = (gr_watchlist){.v = gr_xmalloc((nwatch ? nwatch : 1) * sizeof(gr_watch)), .cap = nwatch};
        out->outputs = (gr_watchlist){.v = gr_xmalloc((nout ? nout : 1) * sizeof(gr_watch)), .cap = nout};
    }
    for (uint64_t i = 0; ok && i < nwatch + nout; i++) {
        gr_watch w;
        ok = get_watch(&r, &w);
        if (ok)
            *append(i < nwatch ? &out->watched : &out->outputs) = w;
    }
    ok = ok && !r.bad && r.at == r.n;
    out->buf = r.p;
    if (!ok)
        gr_runrec_free(out);
    return ok;
}

void gr_runrec_free(gr_runrec *r)
{
    free(r->warnings);
    free(r->watched.v); /* the paths are in buf */
    free(r->outputs.v);
    free(r->buf);
    memset(r, 0, sizeof *r);
}

int gr_runrec_unchanged(const char *cache_dir, const uint8_t key[32], int *status, char **warnings)
{
    rd r = read_record(cache_dir, key);
    int64_t start = (int64_t)get64(&r);
    uint64_t st_code = get64(&r);
    uint8_t snap[16];
    get_snap(&r, snap);
    get_request(&r, key);
    uint64_t nwatch = get64(&r), nout = get64(&r), wlen = get64(&r);
    int ok = !r.bad && st_code <= 1 && wlen <= r.n - r.at && nwatch <= (r.n - r.at - wlen) / WATCH_MIN &&
             nout <= (r.n - r.at - wlen) / WATCH_MIN - nwatch;
    char *w = NULL;
    if (ok) {
        w = gr_xmalloc(wlen + 1);
        memcpy(w, r.p + r.at, wlen);
        w[wlen] = 0;
        r.at += wlen;
    }
    /* all the record first, then stat its paths at once */
    size_t n = ok ? (size_t)(nwatch + nout) : 0;
    gr_watch *was = gr_xmalloc((n ? n : 1) * sizeof *was), *now = gr_xmalloc((n ? n : 1) * sizeof *now);
    for (size_t i = 0; ok && i < n; i++)
        ok = get_watch(&r, &was[i]);
    ok = ok && !r.bad && r.at == r.n;
    if (ok)
        gr_watch_restat(was, now, n, start);
    for (size_t i = 0; ok && i < n; i++)
        ok = gr_watch_unchanged(&was[i], &now[i], i < nwatch ? start : 0);
    free(was);
    free(now);
    free(r.p);
    if (!ok) {
        free(w);
        return 0;
    }
    *status = (int)st_code;
    *warnings = w;
    return 1;
}
