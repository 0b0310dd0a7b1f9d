/*
 * graphcache.c - the on-disk cache of per-file graphs (see graphcache.h,
 * docs/formats/graph-cache.md).
 *
 * One file per entry, DIR/sluice-graph-1/XX/<64 hex digits of the key>:
 * an 80-byte header (magic, version, key, lengths, checksum) and the
 * payload fgcodec.c writes, compressed with zstd (about a fifth of its
 * size: the cache stays well under the size of the sources it covers).  Writers write a temporary file beside
 * the entry and rename it into place, so concurrent runs never see half
 * an entry; readers check everything before decoding.  A hit sets the
 * entry's mtime, and eviction removes the oldest mtimes first: least
 * recently used.  Listing every entry to learn the directory's size costs
 * a stat per entry, so a ledger (DIR/sluice-graph-1/size) keeps the total
 * the last listing found plus every byte written since: it can only
 * overstate the size, so a run that finds ledger + its writes under the
 * limit has nothing to evict and need not list.
 */
#include "graphcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "dynlib.h"
#include "extract.h"
#include "fgcodec.h"
#include "xalloc.h"

#define MAGIC "SLGRAPH\0"
enum { VERSION = 1, HEADER = 80, SUM = 16, LEVEL = 1 };
#define MAX_ENTRY ((size_t)256 << 20)
#define SUBDIR "sluice-graph-1"

struct gr_cache {
    char *dir; /* DIR/sluice-graph-1 */
    uint64_t max;
    atomic_uint_fast64_t hits, misses, bad, written, write_errors, evicted, tmp_seq;
    atomic_uint_fast64_t written_bytes; /* on disk, in whole 4 KiB blocks: what the ledger adds */
    /* zstd contexts, reused: one made per entry cost more than the
     * compression of a small file's graph itself (its tables are set up
     * and cleared each time) */
    pthread_mutex_t lock;
    ZSTD_CCtx *cfree[8];
    ZSTD_DCtx *dfree[8];
    int ncfree, ndfree;
    /* Deferred entries (gr_cache_defer): what the workers put, encoded,
     * compressed and written later by whoever claims it (pend_next). */
    int deferring;
    struct pending *pend;
    size_t npend, pend_cap;
    size_t *pend_slots, pend_mask; /* index + 1 by key (open addressing), 0 empty */
    atomic_size_t pend_next;
    pthread_t writer;
    int writing;
    int charged; /* the deferred entries are in the ledger already (gr_cache_write_behind) */
};

typedef struct pending {
    uint8_t key[GR_CACHE_KEY];
    uint8_t *plain;
    size_t len;
} pending;

static void ledger_start(const char *subdir);
static void ledger_add(const char *subdir, uint64_t bytes);
static fg_file *pending_get(gr_cache *c, const uint8_t key[GR_CACHE_KEY], const char *path, uint32_t index);

static ZSTD_CCtx *cctx_take(gr_cache *c)
{
    pthread_mutex_lock(&c->lock);
    ZSTD_CCtx *x = c->ncfree ? c->cfree[--c->ncfree] : NULL;
    pthread_mutex_unlock(&c->lock);
    return x ? x : ZSTD_createCCtx();
}

static void cctx_give(gr_cache *c, ZSTD_CCtx *x)
{
    pthread_mutex_lock(&c->lock);
    if (c->ncfree < 8)
        c->cfree[c->ncfree++] = x, x = NULL;
    pthread_mutex_unlock(&c->lock);
    ZSTD_freeCCtx(x);
}

static ZSTD_DCtx *dctx_take(gr_cache *c)
{
    pthread_mutex_lock(&c->lock);
    ZSTD_DCtx *x = c->ndfree ? c->dfree[--c->ndfree] : NULL;
    pthread_mutex_unlock(&c->lock);
    return x ? x : ZSTD_createDCtx();
}

static void dctx_give(gr_cache *c, ZSTD_DCtx *x)
{
    pthread_mutex_lock(&c->lock);
    if (c->ndfree < 8)
        c->dfree[c->ndfree++] = x, x = NULL;
    pthread_mutex_unlock(&c->lock);
    ZSTD_freeDCtx(x);
}

#define STR_(x) #x
#define STR(x) STR_(x)
const char *gr_cache_build_id(void)
{
    return "sluice graph extractor " STR(GR_EXTRACTOR_VERSION) "; tree-sitter-rust " GR_GRAMMAR_VERSION
           "; tree-sitter " GR_RUNTIME_VERSION;
}

/* SHA-256 from OpenSSL's libcrypto (SHA-NI here, about five times
 * libsodium's portable C), loaded with dlopen at the first hash rather
 * than linked: linked, its EVP layer's tables were relocated at every
 * start of every sluice command, graph or not.  Only openssl/evp.h's
 * types come from the build. */
typedef struct ossl_fns {
    __typeof__(EVP_MD_fetch) *EVP_MD_fetch;
    __typeof__(EVP_MD_CTX_new) *EVP_MD_CTX_new;
    __typeof__(EVP_MD_CTX_free) *EVP_MD_CTX_free;
    __typeof__(EVP_DigestInit_ex) *EVP_DigestInit_ex;
    __typeof__(EVP_DigestUpdate) *EVP_DigestUpdate;
    __typeof__(EVP_DigestFinal_ex) *EVP_DigestFinal_ex;
} ossl_fns;
static ossl_fns ossl;
static EVP_MD *ossl_sha256;

#define OSSL_STR_(x) #x
#define OSSL_STR(x) OSSL_STR_(x)

static const char *const ossl_so[] = {"libcrypto.so." OSSL_STR(OPENSSL_VERSION_MAJOR), NULL};
static const sl_dynlib_sym ossl_syms[] = {
    SL_DYNLIB_SYM(ossl_fns, EVP_MD_fetch),      SL_DYNLIB_SYM(ossl_fns, EVP_MD_CTX_new),
    SL_DYNLIB_SYM(ossl_fns, EVP_MD_CTX_free),   SL_DYNLIB_SYM(ossl_fns, EVP_DigestInit_ex),
    SL_DYNLIB_SYM(ossl_fns, EVP_DigestUpdate), SL_DYNLIB_SYM(ossl_fns, EVP_DigestFinal_ex), {NULL, 0}};
static sl_dynlib ossl_lib = SL_DYNLIB("OpenSSL's libcrypto", "libssl3", ossl_so, ossl_syms, &ossl);

static void ossl_load(void)
{
    if (sl_dynlib_load(&ossl_lib) == 0)
        ossl_sha256 = ossl.EVP_MD_fetch(NULL, "SHA256", NULL);
}

void gr_sha256(const void *a, size_t alen, const void *b, size_t blen, uint8_t out[32])
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, ossl_load);
    EVP_MD_CTX *c = ossl_sha256 ? ossl.EVP_MD_CTX_new() : NULL;
    unsigned n = 32;
    if (!c || !ossl.EVP_DigestInit_ex(c, ossl_sha256, NULL) || !ossl.EVP_DigestUpdate(c, a, alen) ||
        (blen && !ossl.EVP_DigestUpdate(c, b, blen)) || !ossl.EVP_DigestFinal_ex(c, out, &n)) {
        const char *why = sl_dynlib_error(&ossl_lib);
        fprintf(stderr, "sluice graph: SHA-256 failed%s%s%s\n", *why ? " (" : "", why, *why ? ")" : "");
        exit(2);
    }
    ossl.EVP_MD_CTX_free(c);
}

void gr_cache_key(const char *src, size_t len, uint8_t key[GR_CACHE_KEY])
{
    const char *id = gr_cache_build_id();
    gr_sha256(id, strlen(id) + 1, src, len, key); /* the NUL ends the id */
}

static int mkdir_p(const char *dir)
{
    char *p = gr_xstrdup(dir);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        if (mkdir(p, 0777) && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0777) && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

gr_cache *gr_cache_open(const char *dir, uint64_t max_bytes, char *err, size_t errlen)
{
    gr_cache *c = gr_xcalloc(1, sizeof *c);
    size_t n = strlen(dir) + sizeof SUBDIR + 2;
    c->dir = gr_xmalloc(n);
    snprintf(c->dir, n, "%s/%s", dir, SUBDIR);
    c->max = max_bytes;
    pthread_mutex_init(&c->lock, NULL);
    struct stat st;
    int fresh = stat(c->dir, &st) != 0;
    if (mkdir_p(c->dir) || stat(c->dir, &st) || !S_ISDIR(st.st_mode) || access(c->dir, R_OK | W_OK | X_OK)) {
        snprintf(err, errlen, "%s: cannot use as a cache directory: %s", dir, strerror(errno ? errno : ENOTDIR));
        pthread_mutex_destroy(&c->lock);
        free(c->dir);
        free(c);
        return NULL;
    }
    if (fresh)
        ledger_start(c->dir);
    return c;
}

static void entry_path(const gr_cache *c, const uint8_t key[GR_CACHE_KEY], char *out, size_t cap, int dir_only)
{
    char hex[2 * GR_CACHE_KEY + 1];
    for (int i = 0; i < GR_CACHE_KEY; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    if (dir_only)
        snprintf(out, cap, "%s/%.2s", c->dir, hex);
    else
        snprintf(out, cap, "%s/%.2s/%s", c->dir, hex, hex);
}

static void le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* The whole of a regular file (not a link) of at most MAX_ENTRY bytes;
 * on success its mtime is set to now (the entry was used). */
static uint8_t *read_entry(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return NULL;
    struct stat st;
    uint8_t *b = NULL;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (size_t)st.st_size > MAX_ENTRY)
        goto out;
    size_t n = (size_t)st.st_size, got = 0;
    b = gr_xmalloc(n ? n : 1);
    while (got < n) {
        ssize_t r = read(fd, b + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    *len = got;
    futimens(fd, NULL); /* least recently used goes first */
out:
    close(fd);
    return b;
}

fg_file *gr_cache_get(gr_cache *c, const uint8_t key[GR_CACHE_KEY], const char *path, uint32_t index)
{
    fg_file *f = pending_get(c, key, path, index);
    if (f) {
        atomic_fetch_add(&c->hits, 1);
        return f;
    }
    char p[4096];
    entry_path(c, key, p, sizeof p, 0);
    size_t n = 0;
    uint8_t *b = read_entry(p, &n);
    if (!b) {
        atomic_fetch_add(&c->misses, 1);
        return NULL;
    }
    uint8_t sum[32];
    if (n >= HEADER && !memcmp(b, MAGIC, 8) && rd64(b + 8) == (VERSION | (uint64_t)HEADER << 32) &&
        !memcmp(b + 16, key, GR_CACHE_KEY) && rd64(b + 48) == n - HEADER && rd64(b + 72) <= MAX_ENTRY * 8) {
        gr_sha256(b + HEADER, n - HEADER, NULL, 0, sum);
        size_t plain = (size_t)rd64(b + 72);
        uint8_t *p = !memcmp(b + 56, sum, SUM) ? gr_xmalloc(plain ? plain : 1) : NULL;
        ZSTD_DCtx *dx = p ? dctx_take(c) : NULL;
        if (dx && ZSTD_decompressDCtx(dx, p, plain, b + HEADER, n - HEADER) == plain)
            f = fg_file_decode(p, plain, path, index);
        if (dx)
            dctx_give(c, dx);
        free(p);
    }
    free(b);
    atomic_fetch_add(f ? &c->hits : &c->bad, 1);
    return f;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* What a file of n bytes takes on disk, at most (4 KiB blocks): an
 * overstatement is safe in the ledger, an understatement is not. */
static uint64_t blocks(uint64_t n)
{
    return (n + 4095) / 4096 * 4096;
}

/* Compresses plain (freed) and writes it as the entry for key; counted:
 * its size is in the ledger already. */
static void store(gr_cache *c, const uint8_t key[GR_CACHE_KEY], uint8_t *plain, size_t plain_len, int counted)
{
    size_t cap = ZSTD_compressBound(plain_len);
    uint8_t *payload = gr_xmalloc(cap);
    ZSTD_CCtx *cx = cctx_take(c);
    size_t n = cx ? ZSTD_compressCCtx(cx, payload, cap, plain, plain_len, LEVEL) : (size_t)-1;
    if (cx)
        cctx_give(c, cx);
    free(plain);
    if (ZSTD_isError(n)) {
        free(payload);
        atomic_fetch_add(&c->write_errors, 1);
        return;
    }
    uint8_t h[HEADER] = {0}, sum[32];
    memcpy(h, MAGIC, 8);
    le64(h + 8, VERSION | (uint64_t)HEADER << 32);
    memcpy(h + 16, key, GR_CACHE_KEY);
    le64(h + 48, n);
    gr_sha256(payload, n, NULL, 0, sum);
    memcpy(h + 56, sum, SUM);
    le64(h + 72, plain_len);
    char dir[4096], p[4096], tmp[4200];
    entry_path(c, key, dir, sizeof dir, 1);
    entry_path(c, key, p, sizeof p, 0);
    /* a name no other writer uses: this process, this cache, a counter */
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld-%llu", p, (long)getpid(),
             (unsigned long long)atomic_fetch_add(&c->tmp_seq, 1));
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    /* the fan-out directory: another run, or another writer of this one,
     * may make it between the open and the mkdir */
    if (fd < 0 && errno == ENOENT && (mkdir(dir, 0777) == 0 || errno == EEXIST))
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    int ok = fd >= 0 && !write_all(fd, h, HEADER) && !write_all(fd, payload, n);
    if (fd >= 0 && close(fd))
        ok = 0;
    /* an empty directory where the entry goes (no reader takes it for
     * one) is replaced, or every run would miss and fail here again */
    if (ok && rename(tmp, p) && !((errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST) && !rmdir(p) &&
                                 !rename(tmp, p)))
        ok = 0;
    if (!ok && fd >= 0)
        unlink(tmp);
    free(payload);
    atomic_fetch_add(ok ? &c->written : &c->write_errors, 1);
    if (ok && !counted)
        atomic_fetch_add(&c->written_bytes, blocks(HEADER + n));
}

static size_t key_hash(const uint8_t key[GR_CACHE_KEY])
{
    size_t h;
    memcpy(&h, key, sizeof h); /* a SHA-256 digest: any bytes of it are a hash */
    return h;
}

/* The slot for key among the deferred entries (under c->lock): one that
 * holds it, or the empty one where it goes. */
static size_t *pending_slot(gr_cache *c, const uint8_t key[GR_CACHE_KEY])
{
    for (size_t i = key_hash(key) & c->pend_mask;; i = (i + 1) & c->pend_mask)
        if (!c->pend_slots[i] || !memcmp(c->pend[c->pend_slots[i] - 1].key, key, GR_CACHE_KEY))
            return &c->pend_slots[i];
}

/* Keeps one more entry (under c->lock), the table at most half full. */
static void pending_add(gr_cache *c, const uint8_t key[GR_CACHE_KEY], uint8_t *plain, size_t len)
{
    if (c->npend == c->pend_cap)
        c->pend = gr_xrealloc(c->pend, (c->pend_cap = c->pend_cap ? 2 * c->pend_cap : 256) * sizeof *c->pend);
    if (2 * (c->npend + 1) > c->pend_mask) {
        free(c->pend_slots);
        c->pend_mask = c->pend_mask ? 2 * c->pend_mask + 1 : 1023;
        c->pend_slots = gr_xcalloc(c->pend_mask + 1, sizeof *c->pend_slots);
        for (size_t i = 0; i < c->npend; i++)
            *pending_slot(c, c->pend[i].key) = i + 1;
    }
    size_t *slot = pending_slot(c, key);
    if (*slot) { /* two files with the same text: one entry */
        free(plain);
        return;
    }
    pending *e = &c->pend[c->npend];
    memcpy(e->key, key, GR_CACHE_KEY);
    e->plain = plain;
    e->len = len;
    *slot = ++c->npend;
}

/* A deferred entry for key, decoded (a file whose text an earlier file
 * of this run had); NULL for none. */
static fg_file *pending_get(gr_cache *c, const uint8_t key[GR_CACHE_KEY], const char *path, uint32_t index)
{
    const uint8_t *plain = NULL;
    size_t len = 0;
    pthread_mutex_lock(&c->lock);
    if (c->deferring && c->npend) {
        size_t at = *pending_slot(c, key);
        if (at) { /* the bytes stay while deferring: only the array moves */
            plain = c->pend[at - 1].plain;
            len = c->pend[at - 1].len;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return plain ? fg_file_decode(plain, len, path, index) : NULL;
}

void gr_cache_put(gr_cache *c, const uint8_t key[GR_CACHE_KEY], const fg_file *f)
{
    uint8_t *plain;
    size_t plain_len;
    fg_file_encode(f, &plain, &plain_len);
    pthread_mutex_lock(&c->lock);
    int later = c->deferring;
    if (later)
        pending_add(c, key, plain, plain_len);
    pthread_mutex_unlock(&c->lock);
    if (!later)
        store(c, key, plain, plain_len, 0);
}

void gr_cache_defer(gr_cache *c)
{
    if (c)
        c->deferring = 1;
}

/* Writes deferred entries until none is left unclaimed.  The queue no
 * longer grows once the writers start (gr_cache_write_behind): each
 * entry is claimed by one index taken from pend_next. */
static void *drain(void *arg)
{
    gr_cache *c = arg;
    for (size_t i; (i = atomic_fetch_add(&c->pend_next, 1)) < c->npend;) {
        store(c, c->pend[i].key, c->pend[i].plain, c->pend[i].len, c->charged);
        c->pend[i].plain = NULL;
    }
    return NULL;
}

static void *drain_idle(void *arg)
{
    /* Only on a CPU nothing else of this run (or anyone's) wants: the
     * mount and resolution leave one idle, and this must not slow them.
     * Whatever is left when the run ends, gr_cache_close writes at full
     * priority. */
    struct sched_param sp = {0};
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
    return drain(arg);
}

void gr_cache_write_behind(gr_cache *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->deferring = 0;
    pthread_mutex_unlock(&c->lock);
    /* into the ledger before they are written, at the most they can
     * take: a run killed while writing leaves no entry it does not count */
    uint64_t most = 0;
    for (size_t i = 0; i < c->npend; i++)
        most += blocks(HEADER + ZSTD_compressBound(c->pend[i].len));
    if (most)
        ledger_add(c->dir, most);
    c->charged = 1;
    c->writing = c->npend && pthread_create(&c->writer, NULL, drain_idle, c) == 0;
}

/* The deferred entries all written: this thread and one more at full
 * priority take what the idle writer has not. */
static void write_pending(gr_cache *c)
{
    pthread_mutex_lock(&c->lock);
    c->deferring = 0;
    pthread_mutex_unlock(&c->lock);
    if (atomic_load(&c->pend_next) < c->npend) {
        pthread_t helper;
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        int helping = cpus > 1 && c->npend - atomic_load(&c->pend_next) > 1 &&
                      pthread_create(&helper, NULL, drain, c) == 0;
        drain(c);
        if (helping)
            pthread_join(helper, NULL);
    }
    if (c->writing)
        pthread_join(c->writer, NULL);
    c->writing = 0;
    free(c->pend);
    free(c->pend_slots);
    c->pend = NULL;
    c->pend_slots = NULL;
    c->npend = c->pend_cap = c->pend_mask = 0;
}

/* ---- eviction ------------------------------------------------------------ */

typedef struct entry {
    struct timespec mtime;
    uint64_t size;
    char *path;
} entry;

static int older(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->path, y->path);
}

/* Every entry under c->dir (temporary files of runs that died, older than
 * an hour, are removed on the way); returns their total size. */
static uint64_t list_entries(gr_cache *c, entry **out, size_t *count)
{
    size_t n = 0, cap = 0;
    entry *v = NULL;
    uint64_t total = 0;
    time_t now = time(NULL);
    DIR *top = opendir(c->dir);
    struct dirent *d;
    while (top && (d = readdir(top))) {
        if (d->d_name[0] == '.')
            continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", c->dir, d->d_name);
        DIR *s = opendir(sub);
        struct dirent *e;
        while (s && (e = readdir(s))) {
            char p[4400];
            struct stat st;
            snprintf(p, sizeof p, "%s/%s", sub, e->d_name);
            if (e->d_name[0] == '.' || lstat(p, &st) || !S_ISREG(st.st_mode))
                continue;
            if (strstr(e->d_name, ".tmp-")) {
                if (now - st.st_mtime > 3600)
                    unlink(p);
                continue;
            }
            if (n == cap)
                v = gr_xrealloc(v, (cap = cap ? cap * 2 : 1024) * sizeof *v);
            v[n++] = (entry){st.st_mtim, (uint64_t)st.st_blocks * 512, gr_xstrdup(p)};
            total += (uint64_t)st.st_blocks * 512;
        }
        if (s)
            closedir(s);
    }
    if (top)
        closedir(top);
    *out = v;
    *count = n;
    return total;
}

static void evict(gr_cache *c, uint64_t *size)
{
    entry *v;
    size_t n;
    uint64_t total = list_entries(c, &v, &n);
    if (total > c->max) {
        /* down to 90% of the limit, so the next run does not evict again */
        qsort(v, n, sizeof *v, older);
        for (size_t i = 0; i < n && total > c->max / 10 * 9; i++)
            if (unlink(v[i].path) == 0) {
                total -= v[i].size;
                atomic_fetch_add(&c->evicted, 1);
            }
    }
    for (size_t i = 0; i < n; i++)
        free(v[i].path);
    free(v);
    *size = total;
}

/* ---- the ledger ----------------------------------------------------------
 * DIR/sluice-graph-1/size: two little-endian u64s, the directory's size as
 * the last listing found it plus every byte written to it since (entries,
 * run records, snapshots; a file replaced counts again, so the figure only
 * errs high), and when that listing was (Unix seconds).  Runs change it
 * under flock(2), so two runs' additions are both counted.  A missing or
 * short ledger is unknown: the next run that writes an entry lists the
 * directory and writes the ledger anew; so does one a day after the last
 * listing (what a writer that keeps no ledger - an older sluice, a hand -
 * added is counted again within a day). */

enum { LEDGER_MAX_AGE = 86400 };

typedef struct ledger {
    uint64_t size, listed; /* size 0: unknown */
} ledger;

static int ledger_open(const char *subdir, int flags)
{
    char p[4300];
    if ((size_t)snprintf(p, sizeof p, "%s/size", subdir) >= sizeof p)
        return -1;
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | flags, 0666);
    if (fd >= 0 && flock(fd, LOCK_EX)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static uint64_t get_le64(const uint8_t *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

static ledger ledger_read(int fd)
{
    uint8_t b[16];
    ledger l = {0, 0};
    if (pread(fd, b, 16, 0) == 16)
        l = (ledger){get_le64(b), get_le64(b + 8)};
    return l;
}

static void ledger_write(int fd, ledger l)
{
    uint8_t b[16];
    le64(b, l.size);
    le64(b + 8, l.listed);
    if (pwrite(fd, b, 16, 0) != 16)
        (void)ftruncate(fd, 0); /* unknown: the next run lists */
}

/* A directory this run made holds nothing yet: its ledger starts at
 * its own block, listed now (unless another run made one first). */
static void ledger_start(const char *subdir)
{
    int fd = ledger_open(subdir, O_EXCL);
    if (fd < 0)
        return;
    ledger_write(fd, (ledger){4096, (uint64_t)time(NULL)});
    close(fd);
}

void gr_cache_note_written(const char *dir, uint64_t bytes)
{
    char sub[4200];
    if ((size_t)snprintf(sub, sizeof sub, "%s/%s", dir, SUBDIR) >= sizeof sub)
        return;
    ledger_add(sub, blocks(bytes));
}

static void ledger_add(const char *subdir, uint64_t bytes)
{
    int fd = ledger_open(subdir, 0);
    if (fd < 0)
        return;
    ledger l = ledger_read(fd);
    if (l.size) { /* unknown: the next run that writes lists anyway */
        l.size += bytes;
        ledger_write(fd, l);
    }
    close(fd);
}

void gr_cache_close(gr_cache *c, gr_cache_stats *st)
{
    if (!c)
        return;
    write_pending(c);
    uint64_t size = 0;
    if (atomic_load(&c->written)) {
        /* under the ledger's lock: a run listing and one adding cannot
         * interleave, so no addition is lost to a listing's figure */
        int fd = ledger_open(c->dir, 0);
        ledger l = fd >= 0 ? ledger_read(fd) : (ledger){0, 0};
        uint64_t now = (uint64_t)time(NULL);
        size = l.size + atomic_load(&c->written_bytes);
        if (!l.size || size > c->max || now - l.listed > LEDGER_MAX_AGE) {
            evict(c, &size);
            l.listed = now;
        }
        if (fd >= 0) {
            ledger_write(fd, (ledger){size ? size : 1, l.listed});
            close(fd);
        }
    } else if (st) { /* what the ledger says: an upper bound (it said 0.0 MB) */
        int fd = ledger_open(c->dir, 0);
        size = fd >= 0 ? ledger_read(fd).size : 0;
        if (fd >= 0)
            close(fd);
    }
    if (st) {
        st->hits = atomic_load(&c->hits);
        st->misses = atomic_load(&c->misses);
        st->bad = atomic_load(&c->bad);
        st->written = atomic_load(&c->written);
        st->write_errors = atomic_load(&c->write_errors);
        st->evicted = atomic_load(&c->evicted);
        st->size = size;
    }
    for (int i = 0; i < c->ncfree; i++)
        ZSTD_freeCCtx(c->cfree[i]);
    for (int i = 0; i < c->ndfree; i++)
        ZSTD_freeDCtx(c->dfree[i]);
    pthread_mutex_destroy(&c->lock);
    free(c->dir);
    free(c);
}
