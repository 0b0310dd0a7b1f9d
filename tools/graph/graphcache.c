/*
 * graphcache.c - the on-disk cache of per-file graphs (see graphcache.h,
 * docs/formats/graph-cache.md).
 *
 * Entries live in packs, DIR/sluice-graph-2/packs/<32 hex digits>.pack:
 * a run's new entries go into one pack, written to a temporary name and
 * renamed, with an index sorted by key at its end.  One file per entry
 * (the first layout) cost a create, a rename and a directory entry each:
 * 4,249 on the crate corpus, a tenth of the cold run in system time.  A
 * record is the payload fgcodec.c writes, compressed with LZ4 (half
 * zstd's time at level 1 - the cold run's cost - for a cache a half
 * larger, still under the sources' size), behind its key, sizes and an
 * XXH3-128 checksum; readers check the pack's
 * header, trailer and index when they open it and each record before
 * decoding.  A hit sets its pack's mtime, and eviction removes the
 * packs with the oldest mtimes first (least recently used), never one
 * this run read from.  Runs that add a few
 * entries each (--update) leave small packs: past MAX_PACKS, the
 * smallest are merged into the next run's pack, so a lookup searches a
 * handful of indexes.  Everything that removes packs (merging, eviction,
 * damaged packs) runs under DIR/sluice-graph-2/lock, so two runs never
 * both rewrite one pack; readers take no lock (a pack never changes
 * once it has its name, and a pack removed while a reader holds it open
 * stays readable to that reader).
 */
#include "graphcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <lz4.h>
#include <xxhash.h>

#include "dynlib.h"
#include "outfile.h"
#include "extract.h"
#include "fgcodec.h"
#include "xalloc.h"

#define MAGIC "SLGPACK\0"
#define END_MAGIC "SLGPEND\0"
enum {
    VERSION = 3,
    HEADER = 16,  /* magic, version, header size */
    TRAILER = 40, /* count, index offset, index checksum, END_MAGIC */
    IX = 48,      /* an index entry: key, record offset, record length */
    REC = 64,     /* a record's header: checksum, key, payload size, plain size */
    SUM = 16,
    MAX_PACKS = 8, /* more after a run's pack is added: the smallest are merged */
    KEEP_PACKS = 4 /* the largest kept as they are when merging */
};
enum { USED = 1, FAILED = 2 }; /* pack.used */
#define MAX_ENTRY ((size_t)256 << 20)
/* LZ4's acceleration for a record's payload: it skips ahead faster where
 * it finds no match, and a cold run pays for every byte it searches.  On
 * the crate corpus's 36.7 MB of payloads, 1 (LZ4_compress_default) took
 * 58 ms of the pack thread's CPU for 13.9 MB, 32 takes 25 ms for 26.6 MB
 * (load 11, best of 5); the room comes from the snapshot, which no longer
 * keeps its hash tables (graph-snapshot.md).  A reader is the same for
 * any acceleration: the block format does not change. */
enum { PACK_ACCEL = 32 };
#define MAX_PLAIN ((size_t)LZ4_MAX_INPUT_SIZE) /* a payload decompressed, at most */
#define MAX_PACK ((uint64_t)1 << 40)
#define TMP_MAX_AGE 3600 /* a temporary file older than this was left by a run that died */

typedef struct pack {
    int fd;
    char *name;         /* under packs/ */
    uint64_t size;      /* of the file */
    struct timespec mtime;
    uint8_t *index;     /* count entries of IX bytes, keys ascending */
    size_t count;
    atomic_uchar *used; /* per index entry: USED a hit this run, FAILED failed its checks */
    atomic_int touched; /* its mtime set this run */
    atomic_int damaged; /* a record failed a check: rewritten without it */
} pack;

typedef struct pending {
    uint8_t key[GR_CACHE_KEY];
    const fg_file *f; /* kept (gr_cache_put_kept): encoded when compressed; else NULL */
    uint8_t *plain;   /* else the encoded graph (in the arena) */
    size_t len;
    uint8_t *rec; /* the record, once compressed (in the arena) */
    size_t rec_len;
} pending;

/* The new entries' bytes (encoded by gr_cache_put, and compressed) are kept in blocks
 * of up to ARENA_BLOCK in 2 MiB pages (gr_xbig): 80 MB on the crate corpus,
 * which in malloc's 4 KiB pages cost 20,000 page faults - on this
 * virtual machine, more than the compression itself. */
#define ARENA_BLOCK ((size_t)32 << 20)
typedef struct ablock {
    uint8_t *p;
    size_t cap, used;
    int big; /* from gr_xbig, else gr_xmalloc */
} ablock;

struct gr_cache {
    char *dir; /* DIR/sluice-graph-2 */
    uint64_t max;
    struct timespec opened; /* run records and snapshots changed since: this run's, never evicted */
    atomic_uint_fast64_t hits, misses, bad, written, write_errors, evicted;
    pthread_mutex_t lock;
    /* The packs, opened and their indexes read at the first lookup (a
     * run that finds its record unchanged never reads them), newest
     * first; the names of packs that failed their checks. */
    pthread_mutex_t load_lock;
    atomic_int loaded;
    pack *packs;
    size_t npacks;
    char **broken;
    size_t nbroken;
    /* New entries: what the workers put (while deferring: the graph or
     * its encoding, compressed later by whoever claims it from pend_next) and, after,
     * records compressed at once (late).  All go into one pack at the end. */
    int deferring;
    pending *pend;
    size_t npend, pend_cap;
    size_t *pend_slots, pend_mask; /* index + 1 by key (open addressing), 0 empty */
    atomic_size_t pend_next;
    atomic_size_t pend_done; /* entries compressed (or failed): the one that makes it npend was the last */
    pending *late;
    size_t nlate, late_cap;
    ablock *blocks; /* under lock; the last one is being filled */
    size_t nblocks;
    pthread_t writer;
    int writing;
    struct prewritten *pre; /* the writer's pack of this run's entries, in its temporary file; NULL for none */
    pthread_t preload; /* gr_cache_prepare's */
    int preloading;
};

static fg_file *pending_get(gr_cache *c, const uint8_t key[GR_CACHE_KEY], const char *path, uint32_t index);

/* n bytes of the arena (under c->lock); they stay where they are until
 * gr_cache_close. */
static uint8_t *arena_alloc(gr_cache *c, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    ablock *b = c->nblocks ? &c->blocks[c->nblocks - 1] : NULL;
    if (!b || b->cap - b->used < n) {
        /* 2 MiB first, doubling to ARENA_BLOCK: an --update keeps one
         * entry, and each 2 MiB page is zeroed at its first touch */
        size_t cap = c->nblocks < 4 ? ((size_t)2 << 20) << c->nblocks : ARENA_BLOCK;
        if (cap < n)
            cap = n;
        c->blocks = gr_xrealloc(c->blocks, (c->nblocks + 1) * sizeof *c->blocks);
        b = &c->blocks[c->nblocks++];
        *b = (ablock){gr_xbig(cap), cap, 0, 1};
        if (!b->p)
            *b = (ablock){gr_xmalloc(cap), cap, 0, 0};
    }
    uint8_t *p = b->p + b->used;
    b->used += n;
    return p;
}

/* Gives back the end of p, n bytes from arena_alloc of which only keep
 * were used, when nothing was taken after it (under c->lock): an entry's
 * room is taken at its encoding's bound, several times what it uses. */
static void arena_trim(gr_cache *c, const uint8_t *p, size_t n, size_t keep)
{
    ablock *b = c->nblocks ? &c->blocks[c->nblocks - 1] : NULL;
    n = (n + 15) & ~(size_t)15;
    keep = (keep + 15) & ~(size_t)15;
    if (b && p >= b->p && p + n == b->p + b->used)
        b->used -= n - keep;
}

static uint8_t *arena_take(gr_cache *c, size_t n)
{
    pthread_mutex_lock(&c->lock);
    uint8_t *p = arena_alloc(c, n);
    pthread_mutex_unlock(&c->lock);
    return p;
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
static atomic_int ossl_ready; /* ossl_load has run */

#define OSSL_STR_(x) #x
#define OSSL_STR(x) OSSL_STR_(x)

static const char *const ossl_so[] = {"libcrypto.so." OSSL_STR(OPENSSL_VERSION_MAJOR), NULL};
static const sl_dynlib_sym ossl_syms[] = {
    SL_DYNLIB_SYM(ossl_fns, EVP_MD_fetch),      SL_DYNLIB_SYM(ossl_fns, EVP_MD_CTX_new),
    SL_DYNLIB_SYM(ossl_fns, EVP_MD_CTX_free),   SL_DYNLIB_SYM(ossl_fns, EVP_DigestInit_ex),
    SL_DYNLIB_SYM(ossl_fns, EVP_DigestUpdate), SL_DYNLIB_SYM(ossl_fns, EVP_DigestFinal_ex), {NULL, 0}};
static sl_dynlib ossl_lib = SL_DYNLIB("OpenSSL's libcrypto", "libssl3", ossl_so, ossl_syms, &ossl);

/* Each thread keeps its digest context from file to file: a fresh one a
 * file (EVP_MD_CTX_new, the provider's context, then their cleansing
 * and freeing) cost about as much again as hashing the crate corpus's
 * 4,400 sources did.  Freed when its thread ends. */
static pthread_key_t ossl_ctx_key;
static int ossl_have_key;

static void ossl_ctx_free(void *ctx)
{
    ossl.EVP_MD_CTX_free(ctx);
}

static void ossl_load(void)
{
    if (sl_dynlib_load(&ossl_lib) == 0) {
        ossl_sha256 = ossl.EVP_MD_fetch(NULL, "SHA256", NULL);
        ossl_have_key = pthread_key_create(&ossl_ctx_key, ossl_ctx_free) == 0;
    }
    atomic_store(&ossl_ready, 1);
}

static pthread_once_t ossl_once = PTHREAD_ONCE_INIT;

static void *ossl_preload(void *arg)
{
    (void)arg;
    pthread_once(&ossl_once, ossl_load);
    return NULL;
}

/* The first bytes a process hashes go through libsodium's SHA-256
 * (portable C, in the binary already; the same digests): loading
 * libcrypto costs more than hashing a little slowly - dlopen and
 * EVP_MD_fetch took 15-47 ms at load 15 here, libsodium hashes about
 * 230 MB/s - and a body edit's --update hashes one source (entries are
 * checked with XXH3).  Past SMALL_HASHED bytes in all, OpenSSL's SHA-NI. */
#define SMALL_HASHED ((size_t)1 << 20)

static int sha256_small(const void *a, size_t alen, const void *b, size_t blen, uint8_t out[32])
{
    static atomic_size_t hashed;
    if (atomic_fetch_add(&hashed, alen + blen) + alen + blen > SMALL_HASHED)
        return 0;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, a, alen);
    if (blen)
        crypto_hash_sha256_update(&st, b, blen);
    crypto_hash_sha256_final(&st, out);
    return 1;
}

void gr_sha256(const void *a, size_t alen, const void *b, size_t blen, uint8_t out[32])
{
    if (alen + blen <= SMALL_HASHED && !atomic_load(&ossl_ready) && sha256_small(a, alen, b, blen, out))
        return;
    pthread_once(&ossl_once, ossl_load);
    EVP_MD_CTX *c = ossl_sha256 && ossl_have_key ? pthread_getspecific(ossl_ctx_key) : NULL;
    int kept = c != NULL; /* else freed below unless this thread keeps it now */
    if (!c && ossl_sha256 && (c = ossl.EVP_MD_CTX_new()))
        kept = ossl_have_key && pthread_setspecific(ossl_ctx_key, c) == 0;
    unsigned n = 32;
    if (!c || !ossl.EVP_DigestInit_ex(c, ossl_sha256, NULL) || !ossl.EVP_DigestUpdate(c, a, alen) ||
        (blen && !ossl.EVP_DigestUpdate(c, b, blen)) || !ossl.EVP_DigestFinal_ex(c, out, &n)) {
        const char *why = sl_dynlib_error(&ossl_lib);
        fprintf(stderr, "sluice graph: SHA-256 failed%s%s%s\n", *why ? " (" : "", why, *why ? ")" : "");
        exit(2);
    }
    if (!kept)
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
    size_t n = strlen(dir) + sizeof GR_CACHE_SUBDIR + 2;
    c->dir = gr_xmalloc(n);
    snprintf(c->dir, n, "%s/%s", dir, GR_CACHE_SUBDIR);
    c->max = max_bytes;
    clock_gettime(CLOCK_REALTIME, &c->opened);
    char packs[4200];
    struct stat st;
    errno = 0;
    if ((size_t)snprintf(packs, sizeof packs, "%s/packs", c->dir) >= sizeof packs - 100) {
        errno = ENAMETOOLONG;
        goto fail;
    }
    if (mkdir_p(packs)) /* an existing packs/ of any type is left to the checks below */
        goto fail;
    /* A run writes and removes files in packs/ and runs/ by their paths:
     * were one of them (or the layout's own directory) a link, it would
     * write into the directory the link names and remove files there that
     * look like packs or records - in a cache shared by users, anyone's.
     * Such a cache is refused, not followed. */
    const char *const subs[] = {"", "/packs", "/runs"};
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        char p[4300];
        snprintf(p, sizeof p, "%s%s", c->dir, subs[i]);
        if (lstat(p, &st)) {
            if (errno == ENOENT) /* runs/, made by the first record */
                continue;
            goto fail;
        }
        if (!S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "%s: cannot use as a cache directory: %s%s is %s", dir, GR_CACHE_SUBDIR, subs[i],
                     S_ISLNK(st.st_mode) ? "a symbolic link (not followed)" : "not a directory");
            goto refused;
        }
    }
    errno = 0;
    if (stat(packs, &st) || !S_ISDIR(st.st_mode) || access(packs, R_OK | W_OK | X_OK) ||
        access(c->dir, R_OK | W_OK | X_OK))
        goto fail;
    pthread_mutex_init(&c->lock, NULL);
    pthread_mutex_init(&c->load_lock, NULL);
    return c;
fail:
    snprintf(err, errlen, "%s: cannot use as a cache directory: %s", dir, strerror(errno ? errno : ENOTDIR));
refused:
    free(c->dir);
    free(c);
    return NULL;
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

/* XXH3-128 of p[0..n), canonical (big-endian) bytes: a record's and an
 * index's checksum.  It guards against damage, not forgery: the key a
 * record must carry guards against mix-ups, and whoever can write the
 * cache can write any graph into it. */
static void sum_of(const uint8_t *p, size_t n, uint8_t out[SUM])
{
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(p, n));
    memcpy(out, c.digest, SUM);
}

static int pread_all(int fd, uint8_t *b, size_t n, uint64_t at)
{
    while (n) {
        ssize_t r = pread(fd, b, n, (off_t)at);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        b += r;
        n -= (size_t)r;
        at += (uint64_t)r;
    }
    return 0;
}


/* ---- packs --------------------------------------------------------------- */

/* A pack's name: 32 lower-case hex digits and ".pack", nothing else. */
static int is_pack_name(const char *s)
{
    for (int i = 0; i < 32; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return !strcmp(s + 32, ".pack");
}

/* Opens packs/name and reads its index, checking the header, the trailer,
 * the index's checksum, that its keys ascend and that every record lies
 * between the header and the index.  0: *p is the pack; 1: it is gone
 * (another run merged or evicted it since it was listed), not a regular
 * file (a link, a directory, a socket: never followed, never removed) or
 * not this user's to read (a cache shared by users): passed over and
 * kept; 2: it could not be opened for want of a resource (file
 * descriptors, memory): its entries are misses this run, and it is
 * kept; -1: it was read and is not a sound pack.  Only -1 is damage:
 * a pack is never removed because of what this process may not do. */
static int pack_open(const gr_cache *c, const char *name, pack *p)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/packs/%s", c->dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return errno == EMFILE || errno == ENFILE || errno == ENOMEM ? 2 : 1;
    struct stat st;
    uint8_t h[HEADER], t[TRAILER], sum[SUM];
    uint8_t *ix = NULL;
    if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
        close(fd);
        return 1;
    }
    if (fstat(fd, &st) || (uint64_t)st.st_size < HEADER + TRAILER ||
        (uint64_t)st.st_size > MAX_PACK || pread_all(fd, h, HEADER, 0) ||
        pread_all(fd, t, TRAILER, (uint64_t)st.st_size - TRAILER) || memcmp(h, MAGIC, 8) ||
        rd64(h + 8) != (VERSION | (uint64_t)HEADER << 32) || memcmp(t + 32, END_MAGIC, 8))
        goto bad;
    uint64_t size = (uint64_t)st.st_size, count = rd64(t), at = rd64(t + 8);
    if (at < HEADER || at > size - TRAILER || (size - TRAILER - at) % IX || (size - TRAILER - at) / IX != count)
        goto bad;
    ix = gr_xmalloc(count ? count * IX : 1);
    if (pread_all(fd, ix, count * IX, at))
        goto bad;
    sum_of(ix, count * IX, sum);
    if (memcmp(sum, t + 16, SUM))
        goto bad;
    for (uint64_t i = 0; i < count; i++) {
        const uint8_t *e = ix + i * IX;
        uint64_t off = rd64(e + 32), len = rd64(e + 40);
        if ((i && memcmp(e - IX, e, GR_CACHE_KEY) >= 0) || off < HEADER || off > at || len < REC ||
            len > REC + MAX_ENTRY || len > at - off)
            goto bad;
    }
    *p = (pack){.fd = fd, .name = gr_xstrdup(name), .size = size, .mtime = st.st_mtim, .index = ix,
                .count = (size_t)count, .used = gr_xcalloc(count ? count : 1, sizeof *p->used)};
    return 0;
bad:
    free(ix);
    close(fd);
    return -1;
}

static void pack_close(pack *p)
{
    close(p->fd);
    free(p->name);
    free(p->index);
    free(p->used);
}

/* Most recently used first: a key in two packs is looked for in the one
 * a run read last. */
static int newer(const void *a, const void *b)
{
    const pack *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec > y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec > y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Opens every pack, once, at the first lookup.  A pack that fails its
 * checks counts as one bad entry and is removed at the end of the run;
 * one that cannot be opened is neither (pack_open). */
static void packs_load(gr_cache *c)
{
    if (atomic_load_explicit(&c->loaded, memory_order_acquire))
        return;
    pthread_mutex_lock(&c->load_lock);
    if (!atomic_load_explicit(&c->loaded, memory_order_relaxed)) {
        char d[4300];
        snprintf(d, sizeof d, "%s/packs", c->dir);
        DIR *dp = opendir(d);
        struct dirent *e;
        size_t cap = 0;
        while (dp && (e = readdir(dp))) {
            if (!is_pack_name(e->d_name))
                continue;
            pack p;
            int rc = pack_open(c, e->d_name, &p);
            if (rc == 0) {
                if (c->npacks == cap)
                    c->packs = gr_xrealloc(c->packs, (cap = cap ? 2 * cap : 8) * sizeof *c->packs);
                c->packs[c->npacks++] = p;
            } else if (rc < 0) {
                atomic_fetch_add(&c->bad, 1);
                c->broken = gr_xrealloc(c->broken, (c->nbroken + 1) * sizeof *c->broken);
                c->broken[c->nbroken++] = gr_xstrdup(e->d_name);
            }
        }
        if (dp)
            closedir(dp);
        if (c->npacks)
            qsort(c->packs, c->npacks, sizeof *c->packs, newer);
        atomic_store_explicit(&c->loaded, 1, memory_order_release);
    }
    pthread_mutex_unlock(&c->load_lock);
}

/* The index entry for key in p (its number in *at), or NULL. */
static const uint8_t *ix_find(const pack *p, const uint8_t key[GR_CACHE_KEY], size_t *at)
{
    size_t lo = 0, hi = p->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = memcmp(p->index + mid * IX, key, GR_CACHE_KEY);
        if (!d) {
            *at = mid;
            return p->index + mid * IX;
        }
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Whether r[0..len) is a sound record of key: its checksum, key and
 * sizes agree (the payload is still to be decompressed and decoded). */
static int record_ok(const uint8_t *r, size_t len, const uint8_t key[GR_CACHE_KEY])
{
    uint8_t sum[SUM];
    /* LZ4 makes at most 255 bytes of one: a larger size is a lie, and
     * would have the reader allocate it */
    if (len < REC || memcmp(r + 16, key, GR_CACHE_KEY) || rd64(r + 48) != len - REC || rd64(r + 56) > MAX_PLAIN ||
        rd64(r + 56) > (len - REC) * 255 + 64)
        return 0;
    sum_of(r + SUM, len - SUM, sum);
    return !memcmp(sum, r, SUM);
}

fg_file *gr_cache_get(gr_cache *c, const uint8_t key[GR_CACHE_KEY], const char *path, uint32_t index)
{
    fg_file *f = pending_get(c, key, path, index);
    if (f) {
        atomic_fetch_add(&c->hits, 1);
        return f;
    }
    packs_load(c);
    int bad = 0, counted = 0;
    for (size_t i = 0; i < c->npacks && !f; i++) {
        pack *p = &c->packs[i];
        size_t at;
        const uint8_t *e = ix_find(p, key, &at);
        if (!e)
            continue;
        size_t len = (size_t)rd64(e + 40);
        uint8_t *r = gr_xmalloc(len);
        if (!pread_all(p->fd, r, len, rd64(e + 32)) && record_ok(r, len, key)) {
            size_t plain = (size_t)rd64(r + 56);
            uint8_t *b = gr_xmalloc(plain ? plain : 1);
            if (LZ4_decompress_safe((const char *)r + REC, (char *)b, (int)(len - REC), (int)plain) == (int)plain)
                f = fg_file_decode(b, plain, path, index);
            free(b);
        }
        free(r);
        if (f) {
            atomic_store(&p->used[at], USED);
            if (!atomic_exchange(&p->touched, 1))
                futimens(p->fd, NULL); /* least recently used goes first */
        } else {
            /* a record found bad is counted once, though a run may ask
             * for its key again (an --update tries the snapshot first) */
            bad = 1;
            counted |= atomic_exchange(&p->used[at], FAILED) == FAILED;
            atomic_store(&p->damaged, 1);
        }
    }
    bad = bad && !counted;
    if (bad)
        atomic_fetch_add(&c->bad, 1);
    if (f || !bad)
        atomic_fetch_add(f ? &c->hits : &c->misses, 1);
    return f;
}

/* The record of key for plain[0..plain_len), compressed (through
 * *scratch, a buffer of *scap bytes the caller reuses) into the arena;
 * NULL when it cannot be (counted). */
static uint8_t *make_record(gr_cache *c, const uint8_t key[GR_CACHE_KEY], const uint8_t *plain, size_t plain_len,
                            size_t *rec_len, uint8_t **scratch, size_t *scap)
{
    if (plain_len > MAX_PLAIN) {
        atomic_fetch_add(&c->write_errors, 1);
        return NULL;
    }
    size_t cap = REC + (size_t)LZ4_compressBound((int)plain_len);
    if (*scap < cap) {
        free(*scratch);
        *scratch = gr_xmalloc(*scap = cap);
    }
    uint8_t *r = *scratch;
    int z = LZ4_compress_fast((const char *)plain, (char *)r + REC, (int)plain_len, (int)(cap - REC), PACK_ACCEL);
    if (z <= 0 || (size_t)z > MAX_ENTRY) {
        atomic_fetch_add(&c->write_errors, 1);
        return NULL;
    }
    size_t n = (size_t)z;
    memcpy(r + SUM, key, GR_CACHE_KEY);
    le64(r + 48, n);
    le64(r + 56, plain_len);
    sum_of(r + SUM, REC - SUM + n, r);
    *rec_len = REC + n;
    uint8_t *kept = arena_take(c, REC + n);
    memcpy(kept, r, REC + n);
    return kept;
}

/* ---- new entries ---------------------------------------------------------- */

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

/* Keeps one more entry (under c->lock), the table at most half full:
 * the graph f itself, or its bytes plain[0..len). */
static void pending_add(gr_cache *c, const uint8_t key[GR_CACHE_KEY], const fg_file *f, uint8_t *plain, size_t len)
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
    if (*slot) /* two files with the same text: one entry (the arena's bytes stay unused) */
        return;
    pending *e = &c->pend[c->npend];
    memcpy(e->key, key, GR_CACHE_KEY);
    e->f = f;
    e->plain = plain;
    e->len = len;
    e->rec = NULL;
    e->rec_len = 0;
    *slot = ++c->npend;
}

/* A deferred entry for key, decoded (a file whose text an earlier file
 * of this run had); NULL for none. */
static fg_file *pending_get(gr_cache *c, const uint8_t key[GR_CACHE_KEY], const char *path, uint32_t index)
{
    const uint8_t *plain = NULL;
    const fg_file *kept = NULL;
    size_t len = 0;
    pthread_mutex_lock(&c->lock);
    if (c->deferring && c->npend) {
        size_t at = *pending_slot(c, key);
        if (at) { /* the bytes and graphs stay while deferring: only the array moves */
            kept = c->pend[at - 1].f;
            plain = c->pend[at - 1].plain;
            len = c->pend[at - 1].len;
        }
    }
    pthread_mutex_unlock(&c->lock);
    if (!kept)
        return plain ? fg_file_decode(plain, len, path, index) : NULL;
    /* A copy through the bytes, as a hit from a pack would be (the merger
     * only adds to the original what encoding leaves out) */
    uint8_t *b;
    fg_file_encode(kept, &b, &len);
    fg_file *f = fg_file_decode(b, len, path, index);
    free(b);
    return f;
}

void gr_cache_put(gr_cache *c, const uint8_t key[GR_CACHE_KEY], const fg_file *f)
{
    size_t bound = fg_file_encoded_bound(f);
    pthread_mutex_lock(&c->lock);
    int later = c->deferring;
    uint8_t *plain = later ? arena_alloc(c, bound) : gr_xmalloc(bound);
    pthread_mutex_unlock(&c->lock);
    /* encoded outside the lock, and published (pending_add) only whole */
    size_t plain_len = fg_file_encode_to(f, plain, bound);
    if (later) {
        pthread_mutex_lock(&c->lock);
        arena_trim(c, plain, bound, plain_len);
        /* write_behind may have come in between: it no longer looks */
        if (c->deferring) {
            pending_add(c, key, NULL, plain, plain_len);
            pthread_mutex_unlock(&c->lock);
            return;
        }
        pthread_mutex_unlock(&c->lock);
    }
    /* after the parse: compressed now, into the same pack at the end */
    pending e = {.rec = NULL};
    uint8_t *scratch = NULL;
    size_t scap = 0;
    memcpy(e.key, key, GR_CACHE_KEY);
    e.rec = make_record(c, key, plain, plain_len, &e.rec_len, &scratch, &scap);
    free(scratch);
    if (!later)
        free(plain);
    if (!e.rec)
        return;
    pthread_mutex_lock(&c->lock);
    if (c->nlate == c->late_cap)
        c->late = gr_xrealloc(c->late, (c->late_cap = c->late_cap ? 2 * c->late_cap : 16) * sizeof *c->late);
    c->late[c->nlate++] = e;
    pthread_mutex_unlock(&c->lock);
}

void gr_cache_prepare(gr_cache *c)
{
    /* on one CPU this would only take turns with discovery */
    if (c && !c->preloading && sysconf(_SC_NPROCESSORS_ONLN) > 1)
        c->preloading = pthread_create(&c->preload, NULL, ossl_preload, NULL) == 0;
}

void gr_cache_put_kept(gr_cache *c, const uint8_t key[GR_CACHE_KEY], const fg_file *f)
{
    pthread_mutex_lock(&c->lock);
    if (c->deferring) {
        pending_add(c, key, f, NULL, 0);
        pthread_mutex_unlock(&c->lock);
        return;
    }
    pthread_mutex_unlock(&c->lock);
    gr_cache_put(c, key, f);
}

void gr_cache_defer(gr_cache *c)
{
    if (c)
        c->deferring = 1;
}

/* Compresses deferred entries until none is left unclaimed.  The queue
 * no longer grows once the writers start (gr_cache_write_behind): each
 * entry is claimed by one index taken from pend_next.  1 when this call
 * finished the last entry of all (every other one is done). */
static int drain_some(gr_cache *c)
{
    uint8_t *scratch = NULL, *plain = NULL;
    size_t scap = 0, pcap = 0;
    int last = 0;
    for (size_t i; (i = atomic_fetch_add(&c->pend_next, 1)) < c->npend;) {
        pending *e = &c->pend[i];
        if (e->f) { /* encoded here, into this thread's buffer: no fresh pages for it */
            size_t bound = fg_file_encoded_bound(e->f);
            if (pcap < bound) {
                free(plain);
                plain = gr_xmalloc(pcap = bound + bound / 2);
            }
            e->len = fg_file_encode_to(e->f, plain, bound);
            e->plain = plain;
        }
        e->rec = make_record(c, e->key, e->plain, e->len, &e->rec_len, &scratch, &scap);
        if (e->f)
            e->plain = NULL;
        last |= atomic_fetch_add(&c->pend_done, 1) + 1 == c->npend;
    }
    free(scratch);
    free(plain);
    return last;
}

static void *drain(void *arg)
{
    drain_some(arg);
    return NULL;
}

static void prewrite(gr_cache *c);

static void *write_behind(void *arg)
{
    /* At the run's own priority: the mount leaves a CPU idle, and the
     * entries are compressed there, before resolution and the writers
     * want both CPUs.  As SCHED_IDLE (only on an idle CPU) this thread
     * got part of the mount and ran on into the writers' phase, which
     * it still slowed, and anything else on the machine starved it: what
     * it had not done when the run ended was compressed then, behind the
     * outputs.  Once all are compressed, the pack is written too, to its
     * temporary file (prewrite). */
    gr_cache *c = arg;
    if (drain_some(c))
        prewrite(c);
    return NULL;
}

void gr_cache_write_behind(gr_cache *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->deferring = 0;
    pthread_mutex_unlock(&c->lock);
    c->writing = c->npend && pthread_create(&c->writer, NULL, write_behind, c) == 0;
}

/* The deferred entries all compressed: this thread and one more take
 * what the writer has not (and the writer's pack, if it wrote one, is
 * complete once it is joined). */
static void compress_pending(gr_cache *c)
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
}

/* ---- the end of a run: its pack, merging, eviction ------------------------ */

typedef struct rec_ref {
    const uint8_t *p; /* a whole record: checksum, key, sizes, payload */
    size_t len;
    int fresh; /* made by this run (else carried from another pack) */
} rec_ref;

typedef struct recs {
    rec_ref *v;
    size_t n, cap;
    uint8_t **own; /* buffers the carried records lie in */
    size_t nown;
} recs;

static void recs_add(recs *r, const uint8_t *p, size_t len, int fresh)
{
    if (r->n == r->cap)
        r->v = gr_xrealloc(r->v, (r->cap = r->cap ? 2 * r->cap : 256) * sizeof *r->v);
    r->v[r->n++] = (rec_ref){p, len, fresh};
}

enum fate { KEEP, DROP, CARRY_ALL, CARRY_USED };

/* A file under packs/ or runs/ (run records and snapshots are evicted
 * like packs, oldest first). */
typedef struct listed {
    char *path;
    const char *name; /* in path, after the directory */
    int is_pack;
    uint64_t size; /* allocated blocks */
    struct timespec mtime;
    enum fate fate;
} listed;

typedef struct listing {
    listed *v;
    size_t n, cap;
} listing;

/* What a file of n bytes takes on disk, at most (4 KiB blocks). */
static uint64_t blocks(uint64_t n)
{
    return (n + 4095) / 4096 * 4096;
}

/* Adds the files of c->dir/sub to l (temporary files of runs that died,
 * older than an hour, are removed on the way); returns their size. */
static uint64_t list_dir(gr_cache *c, const char *sub, int packs, listing *l)
{
    char d[4300];
    snprintf(d, sizeof d, "%s/%s", c->dir, sub);
    size_t dl = strlen(d);
    uint64_t total = 0;
    time_t now = time(NULL);
    DIR *dp = opendir(d);
    struct dirent *e;
    while (dp && (e = readdir(dp))) {
        char p[4600];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", d, e->d_name);
        if (e->d_name[0] == '.' || lstat(p, &st) || !S_ISREG(st.st_mode))
            continue;
        if (strstr(e->d_name, ".tmp")) {
            if (now - st.st_mtime > TMP_MAX_AGE)
                unlink(p);
            continue;
        }
        if (packs && !is_pack_name(e->d_name))
            continue;
        if (l->n == l->cap)
            l->v = gr_xrealloc(l->v, (l->cap = l->cap ? 2 * l->cap : 32) * sizeof *l->v);
        listed *f = &l->v[l->n++];
        *f = (listed){.path = gr_xstrdup(p), .is_pack = packs, .size = (uint64_t)st.st_blocks * 512,
                      .mtime = st.st_mtim, .fate = KEEP};
        f->name = f->path + dl + 1;
        total += f->size;
    }
    if (dp)
        closedir(dp);
    return total;
}

static pack *find_loaded(gr_cache *c, const char *name)
{
    for (size_t i = 0; i < c->npacks; i++)
        if (!strcmp(c->packs[i].name, name))
            return &c->packs[i];
    return NULL;
}

/* Adds the sound records of f (all of them, or those this run used) to
 * r; returns how many of its records are not carried, or -1 when the pack
 * cannot be read (it is then kept, or dropped when it is not a pack). */
static long carry(gr_cache *c, listed *f, recs *r)
{
    pack opened, *p = find_loaded(c, f->name);
    if (!p && f->fate == CARRY_USED)
        return 0; /* a pack this run never opened: nothing of it was used */
    if (!p) {
        int rc = pack_open(c, f->name, &opened);
        if (rc) {
            f->fate = rc < 0 ? DROP : KEEP;
            return -1;
        }
        p = &opened;
    }
    uint64_t end = p->size - TRAILER - (uint64_t)p->count * IX;
    uint8_t *all = gr_xmalloc(end ? end : 1);
    long left = -1;
    if (!pread_all(p->fd, all, end, 0)) {
        left = 0;
        for (size_t i = 0; i < p->count; i++) {
            const uint8_t *e = p->index + i * IX;
            uint64_t off = rd64(e + 32), len = rd64(e + 40);
            if ((f->fate == CARRY_ALL || atomic_load(&p->used[i]) == USED) && record_ok(all + off, len, e))
                recs_add(r, all + off, len, 0);
            else
                left++;
        }
        r->own = gr_xrealloc(r->own, (r->nown + 1) * sizeof *r->own);
        r->own[r->nown++] = all;
    } else {
        free(all);
        f->fate = KEEP;
    }
    if (p == &opened)
        pack_close(&opened);
    return left;
}

static int by_key(const void *a, const void *b)
{
    const rec_ref *x = a, *y = b;
    return memcmp(x->p + SUM, y->p + SUM, GR_CACHE_KEY);
}

/* A pack written to its temporary file, not yet renamed. */
typedef struct prewritten {
    char path[4400], tmp[4500];
    uint64_t size;    /* on disk, once renamed */
    size_t nrecs;     /* the records it was made of (recs.n before sorting) */
    uint64_t fresh;   /* of them, made by this run */
} prewritten;

/* Writes r's records (sorted by key, one per key) as a new pack to a
 * temporary file named after a name no other run picks (pw->tmp, and
 * pw->path for the rename).  0, or -1 when it could not be written (no
 * file left). */
static int pack_write_tmp(gr_cache *c, recs *r, prewritten *pw)
{
    uint64_t *fresh = &pw->fresh;
    pw->nrecs = r->n;
    qsort(r->v, r->n, sizeof *r->v, by_key);
    size_t m = 0, at = HEADER;
    for (size_t i = 0; i < r->n; i++)
        if (!m || by_key(&r->v[m - 1], &r->v[i]))
            r->v[m++] = r->v[i], at += r->v[i].len;
        else
            r->v[m - 1].fresh |= r->v[i].fresh;
    r->n = m;
    size_t total = at + m * IX + TRAILER;
    uint8_t h[HEADER], *ix = gr_xmalloc(m * IX + TRAILER);
    memcpy(h, MAGIC, 8);
    le64(h + 8, VERSION | (uint64_t)HEADER << 32);
    *fresh = 0;
    for (size_t i = 0, off = HEADER; i < m; i++) {
        memcpy(ix + i * IX, r->v[i].p + SUM, GR_CACHE_KEY);
        le64(ix + i * IX + 32, off);
        le64(ix + i * IX + 40, r->v[i].len);
        off += r->v[i].len;
        *fresh += (uint64_t)r->v[i].fresh;
    }
    uint8_t *t = ix + m * IX;
    le64(t, m);
    le64(t + 8, at);
    sum_of(ix, m * IX, t + 16);
    memcpy(t + 32, END_MAGIC, 8);
    uint8_t id[16];
    if (getrandom(id, sizeof id, 0) != (ssize_t)sizeof id) { /* no entropy: still unique to this process and time */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t u[3] = {(uint64_t)getpid(), (uint64_t)ts.tv_sec, (uint64_t)ts.tv_nsec};
        XXH128_canonical_t d;
        XXH128_canonicalFromHash(&d, XXH3_128bits(u, sizeof u));
        memcpy(id, d.digest, sizeof id);
    }
    char *path = pw->path, *tmp = pw->tmp;
    int n = snprintf(path, sizeof pw->path, "%s/packs/", c->dir);
    for (int i = 0; i < 16; i++)
        n += snprintf(path + n, sizeof pw->path - (size_t)n, "%02x", id[i]);
    snprintf(path + n, sizeof pw->path - (size_t)n, ".pack");
    snprintf(tmp, sizeof pw->tmp, "%s.tmp", path);
    /* not fsynced: a pack cut short by a crash fails its trailer's checks.
     * The records are written from where they lie, IOV batch at a time. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    int ok = fd >= 0 && !sl_write_all(fd, h, HEADER);
    enum { IOV = 512 };
    struct iovec iov[IOV];
    for (size_t i = 0; ok && i < m;) {
        int k = 0;
        size_t want = 0;
        for (; k < IOV && i < m; k++, i++) {
            iov[k] = (struct iovec){(void *)r->v[i].p, r->v[i].len};
            want += r->v[i].len;
        }
        ssize_t w = writev(fd, iov, k);
        /* a short write (a full disk, a signal): the rest one at a time */
        for (int j = 0; ok && w >= 0 && (size_t)w < want && j < k; j++) {
            size_t len = iov[j].iov_len;
            if ((size_t)w >= len) {
                w -= (ssize_t)len;
                want -= len;
                continue;
            }
            ok = !sl_write_all(fd, (const uint8_t *)iov[j].iov_base + w, len - (size_t)w);
            want -= len;
            w = 0;
        }
        if (w < 0)
            ok = 0;
    }
    ok = ok && !sl_write_all(fd, ix, m * IX + TRAILER);
    if (fd >= 0 && close(fd))
        ok = 0;
    if (!ok && fd >= 0)
        unlink(tmp);
    free(ix);
    pw->size = blocks(total);
    return ok ? 0 : -1;
}

/* Renames a pack written by pack_write_tmp into place: its size on disk,
 * or 0 when that failed (the temporary file removed). */
static uint64_t pack_commit(const prewritten *pw)
{
    if (rename(pw->tmp, pw->path)) {
        unlink(pw->tmp);
        return 0;
    }
    return pw->size;
}

/* Writes r's records as a new pack (pack_write_tmp, then renamed): its
 * size on disk, or 0 when it could not be written. */
static uint64_t pack_write(gr_cache *c, recs *r, uint64_t *fresh)
{
    prewritten pw;
    uint64_t size = pack_write_tmp(c, r, &pw) ? 0 : pack_commit(&pw);
    *fresh = pw.fresh;
    return size;
}

/* The records of every deferred entry, compressed (the first
 * c->npend of gr_cache_close's; late ones follow). */
static void fresh_recs(gr_cache *c, recs *r)
{
    for (size_t i = 0; i < c->npend; i++)
        if (c->pend[i].rec)
            recs_add(r, c->pend[i].rec, c->pend[i].rec_len, 1);
}

/* The writer, once every entry is compressed, still before the run's
 * end: this run's pack as it will most often be - its own entries, no
 * other pack's carried in - written to its temporary file, so that the
 * end of the run only renames it (maintain; otherwise it removes it and
 * writes another).  The 25 MB of a cold run on the crate corpus took
 * 10-40 ms there, on the one thread the run waits for. */
static void prewrite(gr_cache *c)
{
    recs r = {0};
    fresh_recs(c, &r);
    prewritten *pw = gr_xmalloc(sizeof *pw);
    if (r.n && pack_write_tmp(c, &r, pw) == 0)
        c->pre = pw;
    else
        free(pw);
    free(r.v);
}

static int lru(const void *a, const void *b)
{
    const listed *x = *(listed *const *)a, *y = *(listed *const *)b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->path, y->path);
}

static int smaller(const void *a, const void *b)
{
    const listed *x = *(listed *const *)a, *y = *(listed *const *)b;
    return x->size != y->size ? (x->size < y->size ? -1 : 1) : strcmp(x->path, y->path);
}

/* The end of a run that has entries to write or damaged packs to mend,
 * under DIR/sluice-graph-2/lock: decides which packs go (damaged ones,
 * the smallest past MAX_PACKS, the least recently used past the size
 * limit), carries what must stay from them into r, writes r as one pack
 * and then removes them.  Returns the cache's size on disk. */
static uint64_t maintain(gr_cache *c, recs *r)
{
    char lp[4300];
    snprintf(lp, sizeof lp, "%s/lock", c->dir);
    int lk = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0666), lock_err = errno;
    if (lk >= 0 && flock(lk, LOCK_EX)) {
        lock_err = errno;
        close(lk);
        lk = -1;
    }
    /* No lock: the pack is written, nothing is removed - so a damaged
     * pack stays (and is counted again by every run) and --cache-max is
     * not kept; said, since nothing else would show it. */
    if (lk < 0)
        fprintf(stderr, "sluice graph: warning: %s: cannot lock the cache (%s); nothing is removed from it this run\n",
                lp, strerror(lock_err));
    listing l = {0};
    uint64_t total = list_dir(c, "packs", 1, &l) + list_dir(c, "runs", 0, &l);
    listed **order = gr_xmalloc((l.n ? l.n : 1) * sizeof *order);
    size_t kept = 0;
    for (size_t i = 0; lk >= 0 && i < l.n; i++) {
        listed *f = &l.v[i];
        if (!f->is_pack)
            continue;
        for (size_t k = 0; k < c->nbroken; k++)
            if (!strcmp(c->broken[k], f->name))
                f->fate = DROP;
        pack *p = f->fate == KEEP ? find_loaded(c, f->name) : NULL;
        if (p && atomic_load(&p->damaged))
            f->fate = CARRY_ALL; /* rewritten without what failed */
        if (f->fate == KEEP)
            order[kept++] = f;
    }
    /* the smallest packs merged into this run's, so that a lookup
     * searches at most MAX_PACKS indexes */
    if (kept + 1 > MAX_PACKS) {
        qsort(order, kept, sizeof *order, smaller);
        for (size_t i = 0; i < kept + 1 - KEEP_PACKS; i++)
            order[i]->fate = CARRY_ALL;
    }
    /* past the limit, the least recently used go, down to 90% of it so
     * that the next run does not evict again */
    uint64_t mine = HEADER + TRAILER;
    for (size_t i = 0; i < r->n; i++)
        mine += r->v[i].len + IX;
    uint64_t est = total + blocks(mine);
    for (size_t i = 0; i < l.n; i++)
        if (l.v[i].fate == DROP)
            est -= l.v[i].size;
    if (lk >= 0 && est > c->max) {
        /* The run record and snapshot this run wrote (before its end, so
         * changed since it opened the cache; a second's slack for the
         * file system's coarser clock) are never evicted: the next run
         * with these arguments needs them. */
        time_t since = c->opened.tv_sec - 1;
        size_t k = 0;
        for (size_t i = 0; i < l.n; i++)
            if (l.v[i].fate == KEEP && (l.v[i].is_pack || l.v[i].mtime.tv_sec < since))
                order[k++] = &l.v[i];
        qsort(order, k, sizeof *order, lru);
        /* Only what this run did not read goes: run records and snapshots
         * of other requests, packs it took nothing from.  A pack it read
         * from stays whole, even past the limit: carrying what was read
         * into this run's pack rewrites it for little gain (on every
         * --update, the whole cache for a one-file edit), and carrying
         * only that part loses the rest, which the next full run of the
         * same request needs where this run read a snapshot instead. */
        for (size_t i = 0; i < k && est > c->max / 10 * 9; i++) {
            listed *f = order[i];
            if (!f->is_pack) {
                f->fate = DROP;
                est -= f->size;
                continue;
            }
            pack *p = find_loaded(c, f->name);
            int read = 0;
            for (size_t j = 0; p && j < p->count && !read; j++)
                read = atomic_load(&p->used[j]) == USED;
            if (read)
                continue;
            f->fate = CARRY_USED; /* nothing to carry: it goes once this run's pack is written */
            est -= f->size;
        }
    }
    uint64_t evicted = 0;
    for (size_t i = 0; i < l.n; i++) {
        listed *f = &l.v[i];
        if (f->fate == CARRY_ALL || f->fate == CARRY_USED) {
            long left = carry(c, f, r);
            if (left > 0 && f->fate == CARRY_USED)
                evicted += (uint64_t)left;
        } else if (f->fate == DROP && !f->is_pack) {
            evicted++;
        }
    }
    /* The writer's pack holds r's records when nothing was carried or
     * came late (r only grows from them): it needs only its name. */
    uint64_t written = 0, size = 0;
    /* Decided before pack_write, which folds r's repeated keys into one
     * record each: compared after it, a run that made an entry twice (an
     * --update's snapshot attempt, then the full way) could find the
     * folded count equal to the writer's and keep its file (adv16 F1). */
    int use_pre = c->pre && r->n == c->pre->nrecs;
    if (c->pre && !use_pre)
        unlink(c->pre->tmp);
    if (use_pre) {
        size = pack_commit(c->pre);
        written = c->pre->fresh;
        /* its temporary file gone (a run that found it older than an
         * hour - this one stopped that long - removed it): written again */
        if (!size)
            size = pack_write(c, r, &written);
    } else if (r->n) {
        size = pack_write(c, r, &written);
    }
    free(c->pre);
    c->pre = NULL;
    size_t fresh = 0;
    for (size_t i = 0; i < r->n; i++)
        fresh += (size_t)r->v[i].fresh;
    if (r->n && !size) {
        atomic_fetch_add(&c->write_errors, fresh);
        evicted = 0;
    } else {
        atomic_fetch_add(&c->written, written);
    }
    for (size_t i = 0; i < l.n; i++) {
        listed *f = &l.v[i];
        /* a pack whose records were carried goes only once they are
         * written elsewhere */
        int go = f->fate == DROP || (f->fate != KEEP && (size || !r->n));
        if (go && unlink(f->path) == 0)
            continue;
        size += f->size;
    }
    atomic_fetch_add(&c->evicted, evicted);
    for (size_t i = 0; i < l.n; i++)
        free(l.v[i].path);
    free(l.v);
    free(order);
    if (lk >= 0)
        close(lk);
    return size;
}

void gr_cache_close(gr_cache *c, gr_cache_stats *st)
{
    if (!c)
        return;
    if (c->preloading)
        pthread_join(c->preload, NULL);
    compress_pending(c);
    recs r = {0};
    fresh_recs(c, &r);
    for (size_t i = 0; i < c->nlate; i++)
        recs_add(&r, c->late[i].rec, c->late[i].rec_len, 1);
    int damaged = 0;
    for (size_t i = 0; i < c->npacks; i++)
        damaged |= atomic_load(&c->packs[i].damaged);
    uint64_t size = 0;
    if (r.n || c->nbroken || damaged) {
        size = maintain(c, &r);
    } else { /* no entry written: the listing is a few stat calls */
        listing l = {0};
        size = list_dir(c, "packs", 1, &l) + list_dir(c, "runs", 0, &l);
        for (size_t i = 0; i < l.n; i++)
            free(l.v[i].path);
        free(l.v);
        /* A run that wrote only its run record and snapshot (every text a
         * hit, outputs elsewhere) can take the cache past its limit too:
         * that alone is reason to evict. */
        if (size > c->max)
            size = maintain(c, &r);
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
    if (c->pre) { /* not used (maintain takes it when it runs) */
        unlink(c->pre->tmp);
        free(c->pre);
    }
    for (size_t i = 0; i < r.nown; i++)
        free(r.own[i]);
    free(r.own);
    free(r.v);
    for (size_t i = 0; i < c->nblocks; i++)
        if (c->blocks[i].big)
            gr_xbig_free(c->blocks[i].p, c->blocks[i].cap);
        else
            free(c->blocks[i].p);
    free(c->blocks);
    free(c->pend);
    free(c->pend_slots);
    free(c->late);
    for (size_t i = 0; i < c->npacks; i++)
        pack_close(&c->packs[i]);
    free(c->packs);
    for (size_t i = 0; i < c->nbroken; i++)
        free(c->broken[i]);
    free(c->broken);
    pthread_mutex_destroy(&c->lock);
    pthread_mutex_destroy(&c->load_lock);
    free(c->dir);
    free(c);
}
