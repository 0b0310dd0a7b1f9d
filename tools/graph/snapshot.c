/*
 * snapshot.c - writing a full run's resolved tables to one file and
 * reading them back, checked, as a read-only graph (see snapshot.h and
 * docs/formats/graph-snapshot.md).
 *
 * The file is a 128-byte header and a body of arrays, each padded to 8
 * bytes, in a fixed order, in LZ4 blocks; the reader takes each array
 * where it lies in the decompressed body (no copy) once the checksum matches and every value that
 * the resolver follows has been checked: ids in range, parents before
 * their children, chains pointing forward, imports all resolved.  The
 * hash tables are not in the file: the reader builds them again from the
 * strings and the maps' entries (a key twice in one map is refused).
 */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <lz4.h>

#include "graph.h"
#include "graphcache.h"
#include "runrec.h"
#include "xalloc.h"

#define MAGIC "SLGSNAP\0"
enum { VERSION = 6, HEADER = 128, NMAPS = 9 };
/* The body is compressed in blocks of FRAME bytes (the last one what is
 * left), so that a reader decompresses them on every CPU at once. */
#define FRAME ((size_t)4 << 20)
#define MAX_SNAP ((uint64_t)4 << 30)
/* A block's size with this bit set: its bytes are stored as they are. */
#define STORED 0x80000000u

void gr_resolved_free(gr_resolved *k)
{
    gr_map_free(&k->memo);
    gr_map_free(&k->field_type);
    gr_map_free(&k->libs);
    gr_map_free(&k->crate_pkg);
    free(k->named);
    free(k->holds);
    free(k->first_ref);
    for (size_t i = 0; k->warnings && i < k->nwarnings; i++)
            free(k->warnings[i].msg);
    free(k->warnings);
    memset(k, 0, sizeof *k);
}

void gr_mountlog_free(gr_mountlog *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].map);
    free(m->v);
    memset(m, 0, sizeof *m);
}

/* The build and the layouts this file's arrays are in. */
static void build_tag(uint8_t out[16])
{
    char b[512];
    snprintf(b, sizeof b, "%s; %s; node %zu import %zu slot %zu strent %zu", gr_cache_build_id(),
             gr_program_build_id(), sizeof(gr_node), sizeof(gr_import), sizeof(gr_map_slot), sizeof(struct gr_strent));
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(b, strlen(b)));
    memcpy(out, c.digest, 16);
}

static void snap_path(const char *cache_dir, const uint8_t request[32], char *out, size_t cap)
{
    char h[2 * GR_RUNREC_NAME + 1];
    gr_runrec_name_hex(request, h);
    snprintf(out, cap, "%s/" GR_CACHE_SUBDIR "/runs/%s.snap", cache_dir, h);
}

/* ---- writing ------------------------------------------------------------ */

/* The body goes out through LZ4, a block per FRAME bytes of body, then
 * the blocks' sizes (u32 each): LZ4 decompresses about three times as
 * fast as zstd's level 1 (a body edit's --update waits for the whole
 * body), and the body without positions (put_nodes) still comes to a
 * third of its size, which keeps the cache directory under the size of
 * the sources.  The checksum is over the bytes as they lie in the file. */
typedef struct wr {
    int fd, ok;
    uint64_t at, out; /* body bytes in, bytes written after the header */
    XXH3_state_t *h;
    uint8_t *raw;     /* the frame being filled: at % FRAME bytes */
    char *z;          /* one compressed block */
    uint32_t *sizes;  /* every block's size so far */
    size_t nsizes;
    int slots;        /* put is writing the maps' entries */
    size_t nslots;    /* bytes of the frame being filled that are the maps' entries */
} wr;

static void write_out(wr *w, const void *p, size_t len)
{
    XXH3_128bits_update(w->h, p, len);
    w->out += len;
    const uint8_t *b = p;
    for (size_t at = 0; w->ok && at < len;) {
        ssize_t k = write(w->fd, b + at, len - at);
        if (k < 0 && errno == EINTR)
            continue;
        w->ok = k > 0;
        at += w->ok ? (size_t)k : 0;
    }
}

/* One frame of body, len bytes at p, compressed as one block - or
 * stored as it is when at least three quarters of it are the maps'
 * entries (nslots bytes): keys in the order a hash put them in are what
 * LZ4 does worst with (the crate corpus's 7.8 MB of them would come to
 * 6.7), and the reader copies a stored block faster than it
 * decompresses one. */
static void block(wr *w, const void *p, size_t len, size_t nslots)
{
    if (len && nslots >= len - len / 4) {
        write_out(w, p, len);
        w->sizes = gr_xrealloc(w->sizes, (w->nsizes + 1) * sizeof *w->sizes);
        w->sizes[w->nsizes++] = (uint32_t)len | STORED;
        return;
    }
    int k = LZ4_compress_default(p, w->z, (int)len, LZ4_compressBound((int)FRAME));
    if (k <= 0) {
        w->ok = 0;
        return;
    }
    write_out(w, w->z, (size_t)k);
    w->sizes = gr_xrealloc(w->sizes, (w->nsizes + 1) * sizeof *w->sizes);
    w->sizes[w->nsizes++] = (uint32_t)k;
}

static void put(wr *w, const void *p, size_t len)
{
    const uint8_t *b = p;
    while (len) {
        size_t fill = w->at % FRAME, k = FRAME - fill;
        k = k < len ? k : len;
        if (!fill && k == FRAME) /* a whole frame in place: no copy */
            block(w, b, FRAME, w->slots ? FRAME : 0);
        else {
            memcpy(w->raw + fill, b, k);
            w->nslots += w->slots ? k : 0;
            if (fill + k == FRAME) {
                block(w, w->raw, FRAME, w->nslots);
                w->nslots = 0;
            }
        }
        w->at += k;
        b += k;
        len -= k;
    }
}

static void put_arr(wr *w, const void *p, size_t len)
{
    static const uint8_t zero[8];
    if (len)
        put(w, p, len);
    if (w->at % 8)
        put(w, zero, 8 - w->at % 8);
}

static void put64(wr *w, uint64_t v)
{
    put(w, &v, 8);
}

/* A map as its entries, in the order they lie in the resolver's table:
 * n, then per entry the key (u64) and the value (u32), 12 bytes, then
 * padding.  The reader builds the table again (gr_map_fill); keeping
 * the table itself cost the writer a second table to pack the entries
 * into (the resolver's are mostly empty slots), 20 MB of slots on the
 * crate corpus to write beside the SQLite writer, and that much of the
 * cache's room, for a rebuild that costs the reader less than reading
 * them did.  The entries are put in batches: no copy of the table. */
static void put_map(wr *w, const gr_map *m)
{
    enum { BATCH = 4096 };
    uint8_t b[BATCH * 12];
    size_t k = 0;
    put64(w, m->n);
    w->slots = 1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        memcpy(b + 12 * k, &m->slots[i].key, 8);
        memcpy(b + 12 * k + 8, &m->slots[i].val, 4);
        if (++k == BATCH) {
            put(w, b, sizeof b);
            k = 0;
        }
    }
    put_arr(w, b, 12 * k);
    w->slots = 0;
}

/* The nodes without what only the outputs read: a fast run takes the
 * positions and signatures of the changed files' nodes from their new
 * graphs, and nothing reads the others'.  Those fields are most of what
 * does not compress in the array (line and column numbers), so the body
 * a fast run decompresses shrinks by more than the bytes dropped.  A
 * root keeps its line and column (its patch keeps them; its end moves). */
static void put_nodes(wr *w, const gr_graph *g)
{
    enum { BATCH = 4096 };
    gr_node *b = gr_xmalloc(BATCH * sizeof *b);
    for (size_t at = 0; at < g->nnodes; at += BATCH) {
        size_t n = g->nnodes - at < BATCH ? g->nnodes - at : BATCH;
        memcpy(b, g->nodes + at, n * sizeof *b);
        for (size_t i = 0; i < n; i++) {
            int root = b[i].kind == GK_CRATE || !b[i].parent;
            b[i].path = b[i].sig = 0;
            b[i].end_line = b[i].end_col = 0;
            if (!root)
                b[i].line = b[i].col = 0;
        }
        put(w, b, n * sizeof *b);
    }
    put_arr(w, NULL, 0);
    free(b);
}

int gr_snap_save(const char *cache_dir, const uint8_t request[32], const gr_graph *g, uint8_t id[16])
{
    const gr_resolved *k = g->keep;
    const gr_mountlog *ml = g->mlog;
    if (!k || !ml || k->nfirst != g->nnodes - g->nreal)
        return -1;
    char path[4300], tmp[4400];
    snap_path(cache_dir, request, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    char *dir = gr_path_dirname(path);
    mkdir(dir, 0777); /* runs/: the run record's directory, made here first */
    free(dir);
    wr *w = gr_xcalloc(1, sizeof *w);
    w->fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    w->ok = w->fd >= 0;
    w->h = XXH3_createState();
    if (!w->ok || !w->h) {
        if (w->fd >= 0)
            close(w->fd);
        XXH3_freeState(w->h);
        free(w);
        return -1;
    }
    /* (huge pages: malloc's would be fresh 4 KiB ones, xalloc.c) */
    w->raw = gr_xtemp(FRAME);
    w->z = gr_xtemp((size_t)LZ4_compressBound((int)FRAME));
    XXH3_128bits_reset(w->h);
    uint8_t header[HEADER] = {0};
    w->ok = pwrite(w->fd, header, HEADER, 0) == HEADER && lseek(w->fd, HEADER, SEEK_SET) == HEADER;
    size_t npool = 0, paths_len = 0;
    for (size_t i = 0; i < ml->n; i++)
        npool += ml->v[i].nitems;
    for (size_t i = 0; i < g->nfiles; i++)
        paths_len += strlen(g->files[i].path) + 1;
    size_t msgs_len = 0;
    for (size_t i = 0; i < k->nwarnings; i++)
        msgs_len += strlen(k->warnings[i].msg) + 1;
    uint64_t counts[] = {g->nnodes, g->nreal, g->nfiles, g->st.n,  g->st.len,    g->st.mask, g->nimports, g->nassoc,
                         k->nnamed, k->nfirst, ml->n,    npool,    paths_len,    k->nwarnings, msgs_len, k->orphans};
    put_arr(w, counts, sizeof counts);
    put_nodes(w, g);
    put_arr(w, g->st.ent, g->st.n * sizeof *g->st.ent);
    put_arr(w, g->st.arena, g->st.len);
    put_arr(w, g->imports, g->nimports * sizeof *g->imports);
    const gr_map *maps[NMAPS] = {&g->children, &g->binds, &g->globs,    &g->assoc,   &g->unresolved,
                                 &k->memo,     &k->field_type, &k->libs, &k->crate_pkg};
    for (int i = 0; i < NMAPS; i++)
        put_map(w, maps[i]);
    put_arr(w, g->assoc_next, g->nassoc * 2 * sizeof *g->assoc_next);
    put_arr(w, k->named, k->nnamed);
    put_arr(w, k->holds, g->nreal);
    put_arr(w, k->first_ref, k->nfirst * sizeof *k->first_ref);
    /* a file with a warning whose line comes from no known place in it:
     * a fast run cannot move that line, so it does not try */
    uint8_t *warned = gr_xcalloc(g->nfiles + 1, 1);
    for (size_t i = 0; i < k->nwarnings; i++) {
        uint32_t f = gr_map_get(&g->file_by_path, gr_key(k->warnings[i].file, 0));
        if (f && k->warnings[i].line && !k->warnings[i].ofile)
            warned[f - 1] = 1;
    }
    put_arr(w, warned, g->nfiles);
    free(warned);
    uint32_t off = 0;
    for (size_t i = 0; i < g->nfiles; i++) {
        put(w, &off, 4);
        off += (uint32_t)strlen(g->files[i].path) + 1;
    }
    put_arr(w, &off, 4);
    for (size_t i = 0; i < g->nfiles; i++)
        put(w, g->files[i].path, strlen(g->files[i].path) + 1);
    put_arr(w, NULL, 0);
    uint32_t mapoff = 0;
    for (size_t i = 0; i < ml->n; i++) {
        uint32_t v[5] = {ml->v[i].file, ml->v[i].pending, ml->v[i].nrefs, ml->v[i].nitems, mapoff};
        put(w, v, sizeof v);
        mapoff += ml->v[i].nitems;
    }
    put_arr(w, NULL, 0);
    for (size_t i = 0; i < ml->n; i++)
        put(w, ml->v[i].map, ml->v[i].nitems * sizeof *ml->v[i].map);
    put_arr(w, NULL, 0);
    uint32_t msgoff = 0;
    for (size_t i = 0; i < k->nwarnings; i++) {
        const gr_warning *x = &k->warnings[i];
        uint32_t v[6] = {x->file, x->line, x->ofile, x->okind, x->oindex, msgoff};
        put(w, v, sizeof v);
        msgoff += (uint32_t)strlen(x->msg) + 1;
    }
    put_arr(w, NULL, 0);
    for (size_t i = 0; i < k->nwarnings; i++)
        put(w, k->warnings[i].msg, strlen(k->warnings[i].msg) + 1);
    put_arr(w, NULL, 0);
    /* the key of the text each warning's line was read from: a fast run
     * that finds another key in the record (an earlier fast run changed
     * the file) takes the line from that text, not from here */
    for (size_t i = 0; i < k->nwarnings; i++) {
        uint8_t key[32] = {0};
        uint32_t of = k->warnings[i].ofile;
        const fg_file *fg = of && of <= g->nfiles ? g->files[of - 1].fg : NULL;
        if (fg && fg->keyed)
            memcpy(key, fg->key, 32);
        put(w, key, 32);
    }
    put_arr(w, NULL, 0);
    uint64_t order = k->order_dependent;
    put_arr(w, &order, 8);
    if (w->at % FRAME || !w->at)
        block(w, w->raw, w->at % FRAME, w->nslots);
    write_out(w, w->sizes, w->nsizes * sizeof *w->sizes);
    XXH128_hash_t sum = XXH3_128bits_digest(w->h);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, sum);
    FILE *rnd = fopen("/dev/urandom", "rb");
    int have_id = rnd && fread(id, 1, 16, rnd) == 16;
    if (rnd)
        fclose(rnd);
    memcpy(header, MAGIC, 8);
    uint32_t v32 = VERSION, h32 = HEADER;
    memcpy(header + 8, &v32, 4);
    memcpy(header + 12, &h32, 4);
    memcpy(header + 16, request, 32);
    memcpy(header + 48, id, 16);
    build_tag(header + 64);
    memcpy(header + 80, &w->out, 8);
    memcpy(header + 88, c.digest, 16);
    memcpy(header + 104, &w->at, 8);
    int ok = w->ok && have_id && pwrite(w->fd, header, HEADER, 0) == HEADER;
    /* no fsync: a snapshot cut short by a crash fails its checksum, and
     * the run that meets it goes the full way */
    if (close(w->fd))
        ok = 0;
    if (!ok || rename(tmp, path))
        ok = 0, unlink(tmp);
    XXH3_freeState(w->h);
    gr_xtemp_free(w->raw, FRAME);
    gr_xtemp_free(w->z, (size_t)LZ4_compressBound((int)FRAME));
    free(w->sizes);
    free(w);
    return ok ? 0 : -1;
}

/* ---- reading ------------------------------------------------------------ */

/* The body's blocks, each decompressed to its place by whichever thread
 * claims it (next). */
typedef struct unz {
    uint8_t *raw;
    size_t raw_len;
    const uint8_t **src;
    size_t *src_len, n;
    uint8_t *stored; /* per block: its bytes as they are */
    atomic_size_t next;
    atomic_int bad;
} unz;

static void *unz_run(void *arg)
{
    unz *u = arg;
    for (size_t i; (i = atomic_fetch_add(&u->next, 1)) < u->n;) {
        size_t want = i + 1 < u->n ? FRAME : u->raw_len - i * FRAME;
        gr_xbig_populate(u->raw + i * FRAME, want);
        if (u->stored[i]) { /* its size is want (decompress) */
            memcpy(u->raw + i * FRAME, u->src[i], want);
            continue;
        }
        int got = LZ4_decompress_safe((const char *)u->src[i], (char *)u->raw + i * FRAME, (int)u->src_len[i], (int)want);
        if (got < 0 || (size_t)got != want)
            atomic_store(&u->bad, 1);
    }
    return NULL;
}

/* 0 when the body in[0..n) is exactly the blocks that make raw[0..raw_len)
 * and their sizes (a stored block exactly its part of raw), decompressed
 * on this thread and one more. */
static int decompress(uint8_t *raw, size_t raw_len, const uint8_t *in, size_t n)
{
    size_t nf = raw_len ? (raw_len + FRAME - 1) / FRAME : 1;
    if (n / 4 < nf)
        return 1;
    size_t blocks = n - 4 * nf, at = 0;
    unz u = {raw, raw_len, gr_xmalloc(nf * sizeof *u.src), gr_xmalloc(nf * sizeof *u.src_len), nf,
             gr_xmalloc(nf), 0, 0};
    for (size_t i = 0; i < nf && !u.bad; i++) {
        uint32_t len;
        memcpy(&len, in + blocks + 4 * i, 4);
        size_t want = i + 1 < nf ? FRAME : raw_len - i * FRAME;
        u.stored[i] = (len & STORED) != 0;
        len &= ~STORED;
        if (!len || (u.stored[i] ? len != want : len > (size_t)LZ4_compressBound((int)FRAME)) || len > blocks - at)
            u.bad = 1;
        else
            u.src[i] = in + at, u.src_len[i] = len, at += len;
    }
    if (!u.bad && at == blocks) {
        pthread_t helper;
        int helping = nf > 1 && sysconf(_SC_NPROCESSORS_ONLN) > 1 && pthread_create(&helper, NULL, unz_run, &u) == 0;
        unz_run(&u);
        if (helping)
            pthread_join(helper, NULL);
    }
    int bad = u.bad || at != blocks;
    free(u.src);
    free(u.src_len);
    free(u.stored);
    return bad;
}

typedef struct rd {
    const uint8_t *p;
    size_t n, at;
    int bad;
} rd;

/* count elements of size sz at the reader, 8-aligned after; NULL (bad) when short */
static const void *take(rd *r, uint64_t count, size_t sz)
{
    if (r->bad || count > (r->n - r->at) / (sz ? sz : 1)) {
        r->bad = 1;
        return NULL;
    }
    const void *p = r->p + r->at;
    r->at += count * sz;
    r->at += (8 - r->at % 8) % 8;
    if (r->at > r->n)
        r->bad = 1;
    return p;
}

static uint64_t take64(rd *r)
{
    const uint64_t *p = take(r, 1, 8);
    return p ? *p : 0;
}

/* A map's entries (put_map), whose values are below `below` (nonzero;
 * with taint, the memo's top bit aside): where they lie, and how many.
 * The table is built once every array has been checked (fill_tables). */
typedef struct map_ents {
    const uint8_t *e;
    size_t n;
} map_ents;

static int take_map(rd *r, map_ents *me, uint64_t below, uint32_t taint)
{
    uint64_t n = take64(r);
    if (r->bad || n >= ((uint64_t)1 << 31))
        return 0;
    const uint8_t *e = take(r, n, 12);
    if (!e)
        return 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t v;
        memcpy(&v, e + 12 * i + 8, 4);
        if (!(v & ~taint) || (v & ~taint) >= below)
            return 0;
    }
    *me = (map_ents){e, (size_t)n};
    return 1;
}

static int check_nodes(const gr_graph *g, uint32_t nstr)
{
    for (size_t id = 1; id < g->nnodes; id++) {
        const gr_node *n = &g->nodes[id];
        if (n->kind >= GK__COUNT || n->parent >= id || n->crate >= g->nnodes || n->target >= g->nnodes ||
            (n->next_same && (n->next_same <= id || n->next_same >= g->nnodes)) || n->name >= nstr ||
            n->file > g->nfiles)
            return 0;
    }
    return 1;
}

static int check_strtab(const gr_strtab *t, size_t arena_len)
{
    for (uint32_t i = 0; i < t->n; i++)
        if (t->ent[i].off >= arena_len || t->ent[i].len >= arena_len - t->ent[i].off ||
            t->arena[t->ent[i].off + t->ent[i].len])
            return 0;
    return t->n > 0 && t->ent[0].len == 0;
}

static int check_imports(const gr_graph *g, uint32_t nstr)
{
    for (size_t i = 1; i < g->nimports; i++) {
        const gr_import *im = &g->imports[i];
        if (im->node >= g->nnodes || im->scope >= g->nnodes || im->path >= nstr || im->bind >= nstr ||
            im->state != 2 || im->target >= g->nnodes || (im->next && (im->next <= i || im->next >= g->nimports)))
            return 0;
    }
    return 1;
}

static gr_snap *refuse(gr_snap *s, char *why, size_t whylen, const char *what)
{
    snprintf(why, whylen, "the snapshot %s", what);
    gr_snap_close(s);
    return NULL;
}

typedef struct strtab_job {
    gr_strtab *t;
    uint64_t *slots;
    uint32_t mask;
    int bad; /* gr_strtab_index refused the strings */
} strtab_job;

static void *strtab_run(void *arg)
{
    strtab_job *j = arg;
    j->bad = gr_strtab_index(j->t, j->slots, j->mask) != 0;
    return NULL;
}

static gr_snap *parse(gr_snap *s, const uint8_t request[32], const uint8_t id[16], char *why, size_t whylen)
{
    const uint8_t *p = s->base;
    uint8_t tag[16];
    build_tag(tag);
    uint32_t version, hsize;
    uint64_t body;
    if (s->len < HEADER || memcmp(p, MAGIC, 8))
        return refuse(s, why, whylen, "is not one");
    memcpy(&version, p + 8, 4);
    memcpy(&hsize, p + 12, 4);
    memcpy(&body, p + 80, 8);
    if (version != VERSION || hsize != HEADER || memcmp(p + 64, tag, 16))
        return refuse(s, why, whylen, "is from another version or build");
    if (memcmp(p + 16, request, 32) || (id && memcmp(p + 48, id, 16)))
        return refuse(s, why, whylen, "is not the one the last run's record names");
    uint64_t raw;
    memcpy(&raw, p + 104, 8);
    if (body != s->len - HEADER || raw > MAX_SNAP * 8)
        return refuse(s, why, whylen, "has the wrong length");
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(p + HEADER, body));
    if (memcmp(c.digest, p + 88, 16))
        return refuse(s, why, whylen, "fails its checksum");
    /* in huge pages, each block's made (populated) by the thread that
     * decompresses into it, just before: not one fault at a time as LZ4
     * writes them, nor all at once under the mmap lock (gr_xbig) */
    s->raw_len = raw ? raw : 1;
    s->raw = gr_xbig(s->raw_len);
    if (!s->raw || decompress(s->raw, raw, p + HEADER, body))
        return refuse(s, why, whylen, "does not decompress to its size");
    rd r = {s->raw, raw, 0, 0};
    const uint64_t *cnt = take(&r, 16, 8);
    if (!cnt)
        return refuse(s, why, whylen, "is cut short");
    uint64_t nnodes = cnt[0], nreal = cnt[1], nfiles = cnt[2], nstr = cnt[3], slen = cnt[4], smask = cnt[5],
             nimports = cnt[6], nassoc = cnt[7], nnamed = cnt[8], nfirst = cnt[9], ninst = cnt[10],
             npool = cnt[11], paths_len = cnt[12], nwarn = cnt[13], msgs_len = cnt[14];
    if (!nnodes || nnodes >= UINT32_MAX || nreal > nnodes || !nreal || nfiles >= UINT32_MAX || !nstr ||
        nstr >= UINT32_MAX || slen >= UINT32_MAX || smask >= UINT32_MAX || ((smask + 1) & smask) || smask < nstr ||
        !nimports || nimports >= UINT32_MAX || nassoc >= UINT32_MAX || nnamed > nstr || nfirst != nnodes - nreal ||
        ninst >= UINT32_MAX || npool >= UINT32_MAX || paths_len >= UINT32_MAX || nwarn >= UINT32_MAX ||
        msgs_len >= UINT32_MAX)
        return refuse(s, why, whylen, "has impossible counts");
    /* the slots are not kept but allocated again from smask: it must be
     * what the writer's table had for nstr strings (1024 slots, doubled
     * while more than half full), or a tiny file could ask for gigabytes */
    uint64_t want = 1023;
    while (want < 2 * nstr)
        want = want * 2 + 1;
    if (smask != want)
        return refuse(s, why, whylen, "has a string table of the wrong size");
    gr_graph *g = s->g = gr_xcalloc(1, sizeof *g);
    g->nnodes = nnodes;
    g->nreal = nreal;
    g->nfiles = nfiles;
    g->nimports = nimports;
    g->nodes = (gr_node *)take(&r, nnodes, sizeof(gr_node));
    g->st.ent = (struct gr_strent *)take(&r, nstr, sizeof(struct gr_strent));
    g->st.arena = (char *)take(&r, slen, 1);
    g->st.n = (uint32_t)nstr;
    g->st.len = g->st.cap = slen;
    g->st.ncap = (uint32_t)nstr;
    g->st.mask = (uint32_t)smask;
    g->st.pinned = 1;
    g->imports = (gr_import *)take(&r, nimports, sizeof(gr_import));
    if (r.bad || !check_strtab(&g->st, slen) || !check_nodes(g, (uint32_t)nstr) || !check_imports(g, (uint32_t)nstr))
        return refuse(s, why, whylen, "holds a bad node, string or import");
    gr_map *maps[NMAPS] = {&g->children, &g->binds, &g->globs, &g->assoc, &g->unresolved,
                           &s->k.memo, &s->k.field_type, &s->k.libs, &s->k.crate_pkg};
    map_ents ents[NMAPS];
    /* memo values are node + 1 (never the busy mark); crate_pkg's package + 1 */
    const uint64_t below[NMAPS] = {nnodes, nimports, nimports, nassoc ? nassoc : 1, nnodes,
                                   nnodes + 1, nnodes, nnodes, UINT32_MAX};
    for (int i = 0; i < NMAPS; i++)
        if (!take_map(&r, &ents[i], below[i], maps[i] == &s->k.memo ? 0x80000000u : 0))
            return refuse(s, why, whylen, "holds a bad hash table");
    g->assoc_next = (uint32_t *)take(&r, nassoc * 2, 4);
    g->nassoc = nassoc;
    for (size_t e = 1; g->assoc_next && e < nassoc; e++) {
        uint32_t n = g->assoc_next[2 * e], next = g->assoc_next[2 * e + 1];
        if (n >= nnodes || (next && (next <= e || next >= nassoc)))
            return refuse(s, why, whylen, "holds a bad associated item");
    }
    s->k.named = (uint8_t *)take(&r, nnamed, 1);
    s->k.nnamed = (uint32_t)nnamed;
    s->k.holds = (uint8_t *)take(&r, nreal, 1);
    s->k.first_ref = (uint32_t *)take(&r, nfirst, 4);
    s->k.nfirst = nfirst;
    s->warned = take(&r, nfiles, 1);
    s->path_off = take(&r, nfiles + 1, 4);
    s->paths = take(&r, paths_len, 1);
    const uint32_t *inst = take(&r, ninst * 5, 4);
    const uint32_t *pool = take(&r, npool, 4);
    const uint32_t *warn = take(&r, nwarn * 6, 4);
    const char *msgs = take(&r, msgs_len, 1);
    s->okeys = take(&r, nwarn * 32, 1);
    const uint64_t *order = take(&r, 1, 8);
    if (r.bad || r.at != r.n)
        return refuse(s, why, whylen, "is cut short or too long");
    for (size_t i = 0; i < nfiles; i++)
        if (s->path_off[i] >= paths_len || s->path_off[i + 1] <= s->path_off[i] || s->path_off[i + 1] > paths_len ||
            s->paths[s->path_off[i + 1] - 1])
            return refuse(s, why, whylen, "holds a bad file path");
    for (size_t i = 0; i < npool; i++)
        if (pool[i] >= nnodes)
            return refuse(s, why, whylen, "holds a bad mount");
    s->inst = gr_xcalloc(ninst ? ninst : 1, sizeof *s->inst);
    s->ninst = ninst;
    for (size_t i = 0; i < ninst; i++) {
        const uint32_t *v = inst + 5 * i;
        if (v[0] >= nfiles || !v[3] || v[4] > npool || v[3] > npool - v[4])
            return refuse(s, why, whylen, "holds a bad mount");
        s->inst[i] = (gr_mounted){v[0], v[1], v[2], v[3], (uint32_t *)(pool + v[4])};
    }
    s->k.warnings = gr_xcalloc(nwarn ? nwarn : 1, sizeof *s->k.warnings);
    s->k.nwarnings = nwarn;
    s->k.orphans = cnt[15];
    s->k.order_dependent = *order;
    for (size_t i = 0; i < nwarn; i++) {
        const uint32_t *v = warn + 6 * i;
        if (v[0] >= nstr || v[2] > nfiles || v[3] > GR_WARN_DIAG || v[5] >= msgs_len || !memchr(msgs + v[5], 0, msgs_len - v[5]))
            return refuse(s, why, whylen, "holds a bad warning");
        s->k.warnings[i] = (gr_warning){v[0], v[1], (char *)(msgs + v[5]), v[2], v[4], (uint8_t)v[3]};
    }
    /* the hash tables, built again from the strings and the maps' entries
     * (put_map), in one piece of memory: the strings' on a thread of their
     * own, the maps' on this one */
    size_t cap[NMAPS], len = ((size_t)smask + 1) * sizeof *g->st.slots;
    for (int i = 0; i < NMAPS; i++) {
        cap[i] = gr_map_pack_cap(ents[i].n);
        len += cap[i] * sizeof(gr_map_slot);
    }
    s->tables_len = len;
    uint8_t *t = s->tables = gr_xbig(len);
    if (!t)
        return refuse(s, why, whylen, "has tables too large to build");
    gr_xbig_populate(t, len);
    strtab_job sj = {&g->st, (uint64_t *)t, (uint32_t)smask, 0};
    pthread_t helper;
    int helping = sysconf(_SC_NPROCESSORS_ONLN) > 1 && pthread_create(&helper, NULL, strtab_run, &sj) == 0;
    if (!helping)
        strtab_run(&sj);
    t += ((size_t)smask + 1) * sizeof *g->st.slots;
    int dup = 0;
    for (int i = 0; i < NMAPS; i++) {
        dup |= gr_map_fill(maps[i], (gr_map_slot *)t, cap[i], ents[i].e, ents[i].n);
        t += cap[i] * sizeof(gr_map_slot);
    }
    if (helping)
        pthread_join(helper, NULL);
    if (dup)
        return refuse(s, why, whylen, "holds a hash table with a key twice, or keys made to collide");
    if (sj.bad)
        return refuse(s, why, whylen, "holds a string twice, or strings made to collide");
    return s;
}

gr_snap *gr_snap_open(const char *cache_dir, const uint8_t request[32], const uint8_t id[16], char *why,
                      size_t whylen)
{
    char path[4300];
    snap_path(cache_dir, request, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_SNAP ||
        st.st_size < HEADER) {
        snprintf(why, whylen, "no snapshot of the last full run");
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    /* read, not mapped: the file's pages mapped here would each fault on
     * their first touch (gr_xbig) */
    size_t len = (size_t)st.st_size, at = 0;
    uint8_t *p = gr_xbig(len);
    while (p && at < len) {
        ssize_t k = pread(fd, p + at, len - at, (off_t)at);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        at += (size_t)k;
    }
    close(fd);
    if (!p || at != len) {
        gr_xbig_free(p, len);
        snprintf(why, whylen, "the snapshot could not be read");
        return NULL;
    }
    gr_snap *s = gr_xcalloc(1, sizeof *s);
    s->base = p;
    s->len = (size_t)st.st_size;
    s->mapped = 1;
    return parse(s, request, id, why, whylen);
}

gr_snap *gr_snap_from_bytes(const void *p, size_t n, const uint8_t request[32], const uint8_t id[16], char *why,
                            size_t whylen)
{
    gr_snap *s = gr_xcalloc(1, sizeof *s);
    s->base = gr_xmalloc(n ? n : 1); /* malloc: aligned for every array */
    memcpy(s->base, p, n);
    s->len = n;
    return parse(s, request, id, why, whylen);
}

void *gr_snap_pack(const void *p, size_t n, size_t *out_n)
{
    if (n < HEADER)
        return NULL;
    size_t nf = n > HEADER ? (n - HEADER + FRAME - 1) / FRAME : 1;
    size_t cap = HEADER + nf * ((size_t)LZ4_compressBound((int)FRAME) + 4);
    uint8_t *o = gr_xmalloc(cap);
    uint32_t *sizes = gr_xmalloc(nf * sizeof *sizes);
    memcpy(o, p, HEADER);
    size_t z = 0;
    int store = ((const uint8_t *)p)[112] & 2; /* every block stored (the writer's other form) */
    for (size_t i = 0; i < nf; i++) { /* blocks as the writer makes them */
        size_t at = i * FRAME, k = n - HEADER - at < FRAME ? n - HEADER - at : FRAME;
        if (store && k) {
            memcpy(o + HEADER + z, (const uint8_t *)p + HEADER + at, k);
            sizes[i] = (uint32_t)k | STORED;
            z += k;
            continue;
        }
        int r = LZ4_compress_default((const char *)p + HEADER + at, (char *)o + HEADER + z, (int)k,
                                     (int)(cap - HEADER - z));
        if (r <= 0) {
            free(o);
            free(sizes);
            return NULL;
        }
        sizes[i] = (uint32_t)r;
        z += (size_t)r;
    }
    memcpy(o + HEADER + z, sizes, nf * 4);
    z += nf * 4;
    free(sizes);
    uint64_t body = z, raw = n - HEADER;
    build_tag(o + 64);
    memcpy(o + 80, &body, 8);
    memcpy(o + 104, &raw, 8);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(o + HEADER, z));
    memcpy(o + 88, c.digest, 16);
    *out_n = HEADER + z;
    return o;
}

void gr_snap_seal(void *p, size_t n)
{
    if (n < HEADER)
        return;
    uint8_t *o = p;
    uint64_t body = n - HEADER;
    build_tag(o + 64);
    memcpy(o + 80, &body, 8);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(o + HEADER, body));
    memcpy(o + 88, c.digest, 16);
}

const char *gr_snap_file_path(const gr_snap *s, uint32_t i)
{
    return s->paths + s->path_off[i];
}

void gr_snap_close(gr_snap *s)
{
    if (!s)
        return;
    if (s->mapped)
        gr_xbig_free(s->base, s->len);
    else
        free(s->base);
    gr_xbig_free(s->raw, s->raw_len);
    if (s->tables)
        gr_xbig_free(s->tables, s->tables_len);
    free(s->g);
    free(s->inst);
    free(s->k.warnings); /* their messages are the snapshot's */
    free(s);
}
