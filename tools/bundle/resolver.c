/*
 * resolver.c - module resolution (see resolver.h).
 *
 * Paths are normalised lexically while a resolution probes them; its
 * answer is then made real (real_file), as node and esbuild make it: a
 * package that pnpm or a workspace links into node_modules is one module
 * under its real path, and its own imports are looked up from there.
 * The real path is known per directory (dir_list.real), so a plain tree
 * costs a cached lookup, no system call; only a symlink (or a file
 * system that does not give entry types) is asked of lstat and realpath,
 * once per directory and worker.  A directory's package.json is read at
 * most once per worker; the cache maps a directory to its parsed
 * manifest or to "none".
 */
#include "resolver.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_limits.h"
#include "hex_digit.h"
#include "infile.h"
#include "js_diag.h"
#include "js_ast.h"
#include "json.h"
#include "tsconfig.h"

/* A directory's entries, read once per worker: most candidate paths of a
 * resolution do not exist (`./C1` tries .tsx .ts .jsx before .js), and a name looked up here costs no system call.  type: 'f'
 * anything but a directory, 'd' a directory, '?' a symlink or unknown
 * (asked of stat, which follows it).  Not readable (no permission, a
 * loop): every name is asked of stat. */
typedef struct dir_list {
    char *dir;
    int readable;
    const char **names;
    char *types;
    size_t cap; /* open addressing, a power of two */
    const char *real; /* the directory with every symlink in it resolved; NULL: not asked yet */
    struct dir_list *next;
} dir_list;

enum { DIR_BUCKETS = 1024 };

typedef struct pkg_ent {
    char *dir;
    json_value *json; /* NULL: no (valid) package.json here */
    const char *bad;  /* a package.json that does not parse: where and why (file:line:col) */
    struct pkg_ent *next;
} pkg_ent;

struct sl__resolver {
    sl__resolve_opts o;
    int in_imports; /* resolving through a package's "imports" */
    int req;         /* the resolution in progress is for require() */
    const char *alt; /* its answer took a "module" field: the file "main" gives (sl__resolver_alt) */
    const char *bad_pkg; /* a package.json met since the last sl__resolver_bad_package that does not parse */
    const char *why;     /* the last sl__resolve: an "exports"/"imports" target refused, and why (sl__resolver_why) */
    sl__arena a;
    sl__tsconfigs *tsc;
    pkg_ent **tab;
    size_t cap;
    dir_list *dirs[DIR_BUCKETS];
};

/* In place, not pointed to: no relocations at start-up. */
static const char builtins[][20] = {
    "assert", "assert/strict", "async_hooks", "buffer", "child_process", "cluster", "console", "constants",
    "crypto", "dgram", "diagnostics_channel", "dns", "dns/promises", "domain", "events", "fs", "fs/promises",
    "http", "http2", "https", "inspector", "module", "net", "os", "path", "path/posix", "path/win32",
    "perf_hooks", "process", "punycode", "querystring", "readline", "readline/promises", "repl", "stream",
    "stream/consumers", "stream/promises", "stream/web", "string_decoder", "sys", "timers",
    "timers/promises", "tls", "trace_events", "tty", "url", "util", "util/types", "v8", "vm", "wasi",
    "worker_threads", "zlib"};

sl__resolver *sl__resolver_new(const sl__resolve_opts *o)
{
    sl__resolver *r = sl__xrealloc(NULL, sizeof *r);
    memset(r, 0, sizeof *r);
    r->o = *o;
    sl__arena_init(&r->a);
    r->tsc = sl__tsconfigs_new();
    r->cap = 256;
    r->tab = sl__xrealloc(NULL, r->cap * sizeof *r->tab);
    memset(r->tab, 0, r->cap * sizeof *r->tab);
    return r;
}

void sl__resolver_free(sl__resolver *r)
{
    if (!r)
        return;
    free(r->tab);
    sl__tsconfigs_free(r->tsc);
    sl__arena_free(&r->a);
    free(r);
}

/* Lexical normalisation of an absolute path: // . .. collapse. */
char *sl__path_normalize(sl__arena *a, const char *path)
{
    size_t n = strlen(path);
    char *out = sl__arena_alloc(a, n + 2);
    size_t o = 0;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 1 && p[0] == '.') {
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else {
            out[o++] = '/';
            memcpy(out + o, p, len);
            o += len;
        }
        p += len;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = 0;
    return out;
}

char *sl__path_absolute(const char *path)
{
    char buf[PATH_MAX];
    char *real = realpath(path, buf);
    return strdup(real ? real : path);
}

static size_t hash_str(const char *s);
static size_t hash_mem(const char *s, size_t n);

static void dir_put(sl__resolver *r, dir_list *d, const char *name, char type)
{
    size_t n = strlen(name);
    size_t i = hash_mem(name, n) & (d->cap - 1);
    while (d->names[i])
        i = (i + 1) & (d->cap - 1);
    d->names[i] = sl__arena_strndup(&r->a, name, n);
    d->types[i] = type;
}

static char dirent_type(unsigned char t)
{
    return t == DT_DIR ? 'd' : t == DT_LNK || t == DT_UNKNOWN ? '?' : 'f';
}

/* Reads dir into a new list (its names hashed; twice as many slots as names). */
static dir_list *dir_read(sl__resolver *r, const char *dir)
{
    dir_list *d = sl__arena_alloc(&r->a, sizeof *d);
    memset(d, 0, sizeof *d);
    d->dir = sl__arena_strndup(&r->a, dir, strlen(dir));
    DIR *h = opendir(*dir ? dir : "/");
    if (!h) { /* none there: every name is absent; anything else: ask stat */
        d->readable = errno == ENOENT || errno == ENOTDIR;
        return d;
    }
    size_t n = 0, cap = 64;
    struct { char *name; char type; } *v = sl__xrealloc(NULL, cap * sizeof *v);
    for (struct dirent *e; (e = readdir(h));) {
        if (n == cap)
            v = sl__xrealloc(v, (cap *= 2) * sizeof *v);
        v[n].name = strdup(e->d_name);
        v[n++].type = dirent_type(e->d_type);
    }
    closedir(h);
    d->readable = 1;
    for (d->cap = 16; d->cap < n * 2 + 2;)
        d->cap *= 2;
    d->names = sl__arena_alloc(&r->a, d->cap * sizeof *d->names);
    d->types = sl__arena_alloc(&r->a, d->cap);
    memset(d->names, 0, d->cap * sizeof *d->names);
    for (size_t i = 0; i < n; i++) {
        dir_put(r, d, v[i].name, v[i].type);
        free(v[i].name);
    }
    free(v);
    return d;
}

static dir_list *dir_of_cached(sl__resolver *r, const char *dir)
{
    size_t b = hash_str(dir) & (DIR_BUCKETS - 1);
    for (dir_list *d = r->dirs[b]; d; d = d->next)
        if (!strcmp(d->dir, dir))
            return d;
    dir_list *d = dir_read(r, dir);
    d->next = r->dirs[b];
    r->dirs[b] = d;
    return d;
}

/* What the listing d has under name: as entry_type. */
static char list_type(const dir_list *d, const char *name)
{
    if (!d->readable)
        return '?';
    if (!d->cap)
        return 0;
    for (size_t i = hash_mem(name, strlen(name)) & (d->cap - 1); d->names[i]; i = (i + 1) & (d->cap - 1))
        if (!strcmp(d->names[i], name))
            return d->types[i];
    return 0;
}

/* What is at p: 'f', 'd', 0 (nothing), or '?' (ask stat). */
static char entry_type(sl__resolver *r, const char *p)
{
    const char *slash = strrchr(p, '/');
    if (!slash || !slash[1] || !strcmp(slash + 1, ".") || !strcmp(slash + 1, ".."))
        return '?';
    char buf[PATH_MAX];
    size_t dl = (size_t)(slash - p);
    if (dl >= sizeof buf)
        return '?';
    memcpy(buf, p, dl);
    buf[dl] = 0;
    return list_type(dir_of_cached(r, buf), slash + 1);
}

/* Whether the entry name (of type t in its parent's listing) is a
 * symlink: the listing says so for a plain entry, lstat for '?' (a link,
 * or a file system that gives no types). */
static int is_link(const char *path, char t)
{
    struct stat st;
    return t == '?' && lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

/* The real path of the directory d (normalised, absolute; "" is the
 * root): its parent's, then its own name, or realpath's answer where the
 * name is a symlink.  Cached in d, so each directory is worked out once
 * per worker, and a tree without links costs no system call. */
static const char *real_dir(sl__resolver *r, dir_list *d)
{
    if (d->real)
        return d->real;
    const char *slash = strrchr(d->dir, '/');
    if (!slash) { /* "" (the root) or a relative path, which is left as it is */
        d->real = d->dir;
        return d->real;
    }
    char parent[PATH_MAX];
    size_t pl = (size_t)(slash - d->dir);
    if (pl >= sizeof parent) {
        d->real = d->dir;
        return d->real;
    }
    memcpy(parent, d->dir, pl);
    parent[pl] = 0;
    dir_list *pd = dir_of_cached(r, parent);
    const char *preal = real_dir(r, pd);
    char buf[PATH_MAX];
    if (is_link(d->dir, list_type(pd, slash + 1)) && realpath(d->dir, buf))
        d->real = sl__arena_strndup(&r->a, buf, strlen(buf));
    else if (!strcmp(preal, parent))
        d->real = d->dir;
    else
        d->real = sl__arena_printf(&r->a, "%s%s", preal, slash);
    return d->real;
}

/* The real path of a resolved file, in a: path itself (no allocation)
 * when neither it nor a directory above it is a symlink.  A link to
 * anything but a regular file keeps its name, which the loader's refusal
 * ("is a character device") then shows as the import gave it. */
static const char *real_file(sl__resolver *r, sl__arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    size_t dl = slash ? (size_t)(slash - path) : 0;
    if (!slash || dl >= sizeof dir)
        return path;
    memcpy(dir, path, dl);
    dir[dl] = 0;
    dir_list *d = dir_of_cached(r, dir);
    const char *rd = real_dir(r, d);
    char buf[PATH_MAX];
    struct stat st;
    if (is_link(path, list_type(d, slash + 1)) && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
        realpath(path, buf))
        return sl__arena_strndup(a, buf, strlen(buf));
    return rd == d->dir ? path : sl__arena_printf(a, "%s%s", rd, slash);
}

/* A candidate module file: anything there that is not a directory, as
 * node sees it.  A FIFO, a device or a symlink loop counts, so that the
 * loader (tools/common/infile) refuses it by name instead of the import
 * failing to resolve - and nothing here ever opens it. */
static int is_file(sl__resolver *r, const char *p)
{
    char t = entry_type(r, p);
    if (t != '?')
        return t == 'f';
    struct stat st;
    if (stat(p, &st) != 0)
        return errno == ELOOP;
    return !S_ISDIR(st.st_mode);
}

static int is_dir(sl__resolver *r, const char *p)
{
    char t = entry_type(r, p);
    if (t != '?')
        return t == 'd';
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static size_t hash_str(const char *s)
{
    return hash_mem(s, strlen(s));
}

static size_t hash_mem(const char *s, size_t n)
{
    size_t h = 5381;
    for (size_t i = 0; i < n; i++)
        h = h * 33 + (unsigned char)s[i];
    return h;
}

static json_value *pkg_at(sl__resolver *r, const char *dir)
{
    size_t h = hash_str(dir) & (r->cap - 1);
    for (pkg_ent *e = r->tab[h]; e; e = e->next)
        if (!strcmp(e->dir, dir)) {
            if (e->bad && !r->bad_pkg)
                r->bad_pkg = e->bad;
            return e->json;
        }
    pkg_ent *e = sl__arena_alloc(&r->a, sizeof *e);
    e->dir = sl__arena_strndup(&r->a, dir, strlen(dir));
    e->json = NULL;
    e->bad = NULL;
    char *path = sl__arena_printf(&r->a, "%s/package.json", dir);
    char *buf, msg[256];
    size_t n;
    /* A package.json that is not a readable regular file (a FIFO, a
     * directory) counts as none; it is never waited on.  One that does
     * not parse is an error, as in node and esbuild: read as none, its
     * `exports`, `main` or `browser` would be skipped without a word. */
    if (sl_infile_read(path, SL_BUNDLE_MAX_FILE, &buf, &n, msg, sizeof msg) == 0) {
        size_t at = 0;
        const char *why;
        e->json = sl__json_parse_diag(&r->a, buf, n, &at, &why);
        if (!e->json) {
            char diag[1024];
            sl__js_diag(diag, sizeof diag, path, buf, n, (uint32_t)(at < n ? at : n), why);
            e->bad = sl__arena_strndup(&r->a, diag, strlen(diag));
            if (!r->bad_pkg)
                r->bad_pkg = e->bad;
        }
        free(buf);
    }
    e->next = r->tab[h];
    r->tab[h] = e;
    return e->json;
}

const char *sl__resolver_bad_package(sl__resolver *r)
{
    const char *b = r->bad_pkg;
    r->bad_pkg = NULL;
    return b;
}

/* TypeScript's rule: an import of `./x.js` that does not exist means the
 * `./x.ts` (or `.tsx`) that will compile to it; `.mjs` -> `.mts`, `.cjs` -> `.cts`. */
static const char *try_ts_for_js(sl__resolver *r, sl__arena *a, const char *path)
{
    static const struct { const char *js, *ts[3]; } map[] = {
        {".js", {".ts", ".tsx", NULL}}, {".jsx", {".ts", ".tsx", NULL}},
        {".mjs", {".mts", NULL, NULL}}, {".cjs", {".cts", NULL, NULL}}};
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        size_t el = strlen(map[i].js);
        if (n <= el || strcmp(path + n - el, map[i].js))
            continue;
        for (int k = 0; map[i].ts[k]; k++) {
            char *p = sl__arena_printf(a, "%.*s%s", (int)(n - el), path, map[i].ts[k]);
            if (is_file(r, p))
                return p;
        }
    }
    return NULL;
}

/* The extensions an extensionless path tries, in esbuild's order (its
 * default resolveExtensions): TypeScript first, so a .ts source wins over
 * the .js that tsc wrote beside it; inside node_modules JavaScript first,
 * since a package's .js is what it ships and runs.  Then the ones node's
 * ESM names only in full and esbuild does not try. */
static const char *try_file(sl__resolver *r, sl__arena *a, const char *path)
{
    static const char *src_exts[] = {".tsx", ".ts", ".jsx", ".js", ".json", ".mjs", ".cjs", ".mts", ".cts", NULL};
    static const char *pkg_exts[] = {".jsx", ".js", ".tsx", ".ts", ".json", ".mjs", ".cjs", ".mts", ".cts", NULL};
    if (is_file(r, path))
        return path;
    const char *ts = try_ts_for_js(r, a, path);
    if (ts)
        return ts;
    const char **exts = strstr(path, "/node_modules/") ? pkg_exts : src_exts;
    for (int i = 0; exts[i]; i++) {
        char *p = sl__arena_printf(a, "%s%s", path, exts[i]);
        if (is_file(r, p))
            return p;
    }
    return NULL;
}

static const char *try_index(sl__resolver *r, sl__arena *a, const char *dir)
{
    return try_file(r, a, sl__arena_printf(a, "%s/index", dir));
}

static const char *main_field(sl__resolver *r, json_value *pkg, const char **key)
{
    static const char *node_fields[] = {"main", "module", NULL};
    static const char *browser_fields[] = {"browser", "module", "main", NULL};
    const char **fields = r->o.platform_node ? node_fields : browser_fields;
    for (int i = 0; fields[i]; i++) {
        json_value *v = sl__json_get(pkg, fields[i]);
        if (v && v->type == JSON_STR && v->str[0]) {
            *key = fields[i];
            return v->str;
        }
    }
    return NULL;
}

/* The file a main field's value names: the path, with extensions, or the
 * directory's index. */
static const char *try_main(sl__resolver *r, sl__arena *a, const char *dir, const char *m)
{
    char *p = sl__path_normalize(a, sl__arena_printf(a, "%s/%s", dir, m));
    const char *f = try_file(r, a, p);
    return f ? f : try_index(r, a, p);
}

/* esbuild's rule for a package with both an ES build (`module`) and a
 * CommonJS one (`main`, else its index file): require() gets `main`, an
 * import gets `module` with `main` noted in r->alt, and the graph takes
 * `main` instead once that file is in the bundle anyway.  So a package is
 * bundled once, not twice, when something reaches its CommonJS tree by a
 * path (io-ts's lib/PathReporter.js requires ./index). */
static const char *try_dir(sl__resolver *r, sl__arena *a, const char *dir)
{
    if (!is_dir(r, dir))
        return NULL;
    json_value *pkg = pkg_at(r, dir);
    const char *key = NULL;
    const char *m = pkg ? main_field(r, pkg, &key) : NULL;
    if (m) {
        const char *f = try_main(r, a, dir, m);
        if (f && !strcmp(key, "module")) {
            json_value *mv = sl__json_get(pkg, "main");
            const char *main = mv && mv->type == JSON_STR ? try_main(r, a, dir, mv->str) : try_index(r, a, dir);
            if (main && strcmp(main, f)) {
                if (r->req)
                    return main;
                r->alt = main;
            }
        }
        if (f)
            return f;
    }
    return try_index(r, a, dir);
}

static const char *try_path(sl__resolver *r, sl__arena *a, const char *path)
{
    const char *f = try_file(r, a, path);
    return f ? f : try_dir(r, a, path);
}

/* ---- package.json "exports" ----------------------------------------------- */

/* esbuild's default conditions: `module` (the bundler's condition, an ES
 * build meant to stand in for the CommonJS one; esbuild adds it on every
 * platform when no custom conditions are given, as sluice never has),
 * import or require, node or browser, default. */
static int cond_active(sl__resolver *r, const char *key, int is_require)
{
    if (!strcmp(key, "default") || !strcmp(key, "module"))
        return 1;
    if (!strcmp(key, is_require ? "require" : "import"))
        return 1;
    if (!strcmp(key, r->o.platform_node ? "node" : "browser"))
        return 1;
    return 0;
}

/* Node's invalid segments of a target or of what a `*` matched: `.`,
 * `..` or `node_modules` (any case), written plainly or percent-encoded,
 * between `/` or `\`.  Such a path could leave the package or reach into
 * its dependencies; node refuses it (ERR_INVALID_PACKAGE_TARGET,
 * ERR_INVALID_MODULE_SPECIFIER).  Returns the segment's name, or NULL. */
static const char *bad_segment(const char *s)
{
    static const char nm[] = "node_modules";
    while (*s) {
        char seg[sizeof nm];
        size_t n = 0;
        int fits = 1;
        for (; *s && *s != '/' && *s != '\\'; s++) {
            char c = *s;
            if (c == '%' && sl_hex_digit(s[1]) >= 0 && sl_hex_digit(s[2]) >= 0) {
                c = (char)(sl_hex_digit(s[1]) * 16 + sl_hex_digit(s[2]));
                s += 2;
            }
            if (n + 1 < sizeof seg)
                seg[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
            else
                fits = 0;
        }
        seg[n] = 0;
        if (fits && !strcmp(seg, "."))
            return ".";
        if (fits && !strcmp(seg, ".."))
            return "..";
        if (fits && !strcmp(seg, nm))
            return nm;
        if (*s)
            s++;
    }
    return NULL;
}

/* A target refused: what sl__resolver_why says (node and esbuild name
 * the package.json and the target; a bare "could not resolve" did not). */
static void refuse(sl__resolver *r, sl__arena *a, const char *dir, const char *s, const char *star, const char *key,
                   const char *seg)
{
    const char *field = r->in_imports ? "imports" : "exports";
    if (star && seg)
        r->why = sl__arena_printf(a, "%s/package.json: the part \"%s\" of the specifier that \"%s\" matched is "
                                     "invalid: it contains the segment \"%s\"",
                                  dir, star, key, seg);
    else if (seg)
        r->why = sl__arena_printf(a, "%s/package.json: the \"%s\" target \"%s\" is invalid: it contains the segment "
                                     "\"%s\"",
                                  dir, field, s, seg);
    else
        r->why = sl__arena_printf(a, "%s/package.json: the \"%s\" target \"%s\" is invalid: it does not start with "
                                     "\"./\"%s",
                                  dir, field, s, r->in_imports ? " and is no package name" : "");
}

/* A target string; for "imports" a bare package name is allowed and comes
 * back marked with a leading \1 for sl__resolve to resolve in turn. */
static const char *export_target(sl__resolver *r, sl__arena *a, const char *dir, json_value *t, const char *star,
                                 const char *key, int is_require)
{
    if (!t)
        return NULL;
    if (t->type == JSON_STR) {
        const char *s = t->str;
        int bare = strncmp(s, "./", 2) != 0;
        if (bare && (!r->in_imports || s[0] == '.' || s[0] == '/' || s[0] == '#')) {
            refuse(r, a, dir, s, NULL, key, NULL);
            return NULL;
        }
        const char *seg = NULL;
        if (!bare && (seg = bad_segment(s + 2))) {
            refuse(r, a, dir, s, NULL, key, seg);
            return NULL;
        }
        if (!bare && star && (seg = bad_segment(star))) {
            refuse(r, a, dir, s, star, key, seg);
            return NULL;
        }
        char *out;
        const char *st = star ? strchr(s, '*') : NULL;
        const char *lead = bare ? "\1" : dir;
        const char *sep = bare ? "" : "/";
        if (st)
            out = sl__arena_printf(a, "%s%s%.*s%s%s", lead, sep, (int)(st - s), s, star, st + 1);
        else
            out = sl__arena_printf(a, "%s%s%s", lead, sep, s);
        return bare ? out : sl__path_normalize(a, out);
    }
    if (t->type == JSON_ARR) {
        for (size_t i = 0; i < t->n; i++) {
            const char *f = export_target(r, a, dir, t->vals[i], star, key, is_require);
            if (f)
                return f;
        }
        return NULL;
    }
    if (t->type == JSON_OBJ) {
        for (size_t i = 0; i < t->n; i++)
            if (cond_active(r, t->keys[i], is_require)) {
                const char *f = export_target(r, a, dir, t->vals[i], star, key, is_require);
                if (f)
                    return f;
            }
    }
    return NULL;
}

/* subpath is "." or "./x".  Returns NULL when not exported. */
static const char *exports_resolve(sl__resolver *r, sl__arena *a, const char *dir, json_value *ex, const char *sub,
                                   int is_require)
{
    int has_dot_keys = ex->type == JSON_OBJ && ex->n > 0 && (ex->keys[0][0] == '.' || ex->keys[0][0] == '#');
    if (!has_dot_keys)
        return !strcmp(sub, ".") ? export_target(r, a, dir, ex, NULL, ".", is_require) : NULL;
    json_value *exact = sl__json_get(ex, sub);
    if (exact)
        return export_target(r, a, dir, exact, NULL, sub, is_require);
    size_t best = 0;
    json_value *best_v = NULL;
    const char *best_star = NULL, *best_key = NULL;
    size_t sublen = strlen(sub);
    for (size_t i = 0; i < ex->n; i++) {
        const char *k = ex->keys[i];
        const char *st = strchr(k, '*');
        if (!st)
            continue;
        size_t pre = (size_t)(st - k), suf = strlen(st + 1);
        if (sublen >= pre + suf && !strncmp(sub, k, pre) && !strcmp(sub + sublen - suf, st + 1) && pre > best) {
            best = pre;
            best_v = ex->vals[i];
            best_key = k;
            best_star = sl__arena_strndup(a, sub + pre, sublen - pre - suf);
        }
    }
    return best_v ? export_target(r, a, dir, best_v, best_star, best_key, is_require) : NULL;
}

static const char *resolve_package(sl__resolver *r, sl__arena *a, const char *pkgdir, const char *sub,
                                   int is_require)
{
    json_value *pkg = pkg_at(r, pkgdir);
    json_value *ex = sl__json_get(pkg, "exports");
    if (ex && ex->type != JSON_NULL) {
        const char *f = exports_resolve(r, a, pkgdir, ex, *sub ? sl__arena_printf(a, ".%s", sub) : ".", is_require);
        return f && is_file(r, f) ? f : NULL;
    }
    if (!*sub)
        return try_dir(r, a, pkgdir);
    return try_path(r, a, sl__arena_printf(a, "%s%s", pkgdir, sub));
}


/* ---- package.json "browser" as an object (--platform browser) ----------- */

/* The nearest package.json at or above dir; NULL when there is none. */
static json_value *nearest_pkg(sl__resolver *r, sl__arena *a, const char *dir, const char **pkgdir)
{
    char *d = sl__arena_strndup(a, dir, strlen(dir));
    for (;;) {
        json_value *pkg = pkg_at(r, d);
        if (pkg) {
            *pkgdir = d;
            return pkg;
        }
        char *s = strrchr(d, '/');
        if (!s || s == d)
            return NULL;
        *s = 0;
    }
}

static json_value *browser_map_of(sl__resolver *r, sl__arena *a, const char *dir, const char **pkgdir)
{
    if (r->o.platform_node)
        return NULL;
    json_value *pkg = nearest_pkg(r, a, dir, pkgdir);
    json_value *b = sl__json_get(pkg, "browser");
    return b && b->type == JSON_OBJ ? b : NULL;
}

/* Applies the value of a matched "browser" key: false disables the module
 * (it becomes an empty CommonJS module), a path replaces it. */
static int browser_target(sl__resolver *r, sl__arena *a, const char *pkgdir, json_value *v, const char *what,
                          int is_require, const char **out)
{
    if (v->type == JSON_BOOL && !v->boolean) {
        *out = sl__arena_printf(a, "%s%s", SL_DISABLED_PREFIX, what);
        return RES_FILE;
    }
    if (v->type != JSON_STR)
        return -1;
    if (!strncmp(v->str, "./", 2) || !strncmp(v->str, "../", 3)) {
        *out = try_path(r, a, sl__path_normalize(a, sl__arena_printf(a, "%s/%s", pkgdir, v->str)));
        return *out ? RES_FILE : RES_NOT_FOUND;
    }
    return sl__resolve(r, v->str, sl__arena_printf(a, "%s/package.json", pkgdir), is_require, a, out);
}

/* A resolved file remapped by its own package's "browser" object. */
static int browser_file(sl__resolver *r, sl__arena *a, const char *file, int is_require, const char **out)
{
    const char *slash = strrchr(file, '/');
    const char *pkgdir = NULL;
    json_value *map = browser_map_of(r, a, sl__arena_strndup(a, file, (size_t)(slash - file)), &pkgdir);
    for (size_t i = 0; map && i < map->n; i++) {
        const char *k = map->keys[i];
        if (strncmp(k, "./", 2) && strncmp(k, "../", 3))
            continue;
        const char *kp = sl__path_normalize(a, sl__arena_printf(a, "%s/%s", pkgdir, k));
        const char *kf = try_file(r, a, kp);
        if (!strcmp(kp, file) || (kf && !strcmp(kf, file)))
            return browser_target(r, a, pkgdir, map->vals[i], file, is_require, out);
    }
    *out = file;
    return RES_FILE;
}

static int is_builtin(const char *spec)
{
    if (!strncmp(spec, "node:", 5))
        return 1;
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (!strcmp(spec, builtins[i]))
            return 1;
    return 0;
}

static int is_external(sl__resolver *r, const char *spec)
{
    for (size_t i = 0; i < r->o.nexternals; i++) {
        const char *e = r->o.externals[i];
        size_t n = strlen(e);
        if (n && e[n - 1] == '*') {
            if (!strncmp(spec, e, n - 1))
                return 1;
        } else if (!strcmp(spec, e) || (!strncmp(spec, e, n) && spec[n] == '/')) {
            return 1;
        }
    }
    return 0;
}

/* "#name" through the importer's package.json "imports" (node's
 * subpath imports: exact keys, `*` patterns, conditions, package targets). */
static int resolve_imports(sl__resolver *r, const char *spec, const char *dir, int is_require, sl__arena *a,
                           const char **out)
{
    const char *pkgdir = NULL;
    json_value *pkg = nearest_pkg(r, a, dir, &pkgdir);
    json_value *im = sl__json_get(pkg, "imports");
    if (!im || im->type != JSON_OBJ)
        return RES_NOT_FOUND;
    r->in_imports = 1;
    const char *t = exports_resolve(r, a, pkgdir, im, spec, is_require);
    r->in_imports = 0;
    if (!t)
        return RES_NOT_FOUND;
    if (t[0] == '\1')
        return sl__resolve(r, t + 1, sl__arena_printf(a, "%s/package.json", pkgdir), is_require, a, out);
    *out = t;
    return is_file(r, t) ? RES_FILE : RES_NOT_FOUND;
}

/* A bare specifier through the importer's tsconfig.json: `paths` (an
 * exact key, else the `*` pattern with the longest prefix; its targets in
 * order), then `baseUrl`.  NULL: fall through to node_modules, as esbuild does. */
static const char *tsconfig_resolve(sl__resolver *r, const char *spec, const char *dir, sl__arena *a)
{
    const sl__tsconfig *tc = sl__tsconfig_for(r->tsc, dir);
    if (!tc || tc->error)
        return NULL;
    const json_value *paths = tc->paths, *best = NULL;
    const char *star = NULL;
    size_t best_pre = 0, sl = strlen(spec);
    for (size_t i = 0; paths && i < paths->n; i++) {
        const char *k = paths->keys[i], *st = strchr(k, '*');
        if (!st) {
            if (!strcmp(k, spec)) {
                best = paths->vals[i], star = NULL;
                break;
            }
            continue;
        }
        size_t pre = (size_t)(st - k), suf = strlen(st + 1);
        if (sl >= pre + suf && !strncmp(spec, k, pre) && !strcmp(spec + sl - suf, st + 1) && (!best || pre > best_pre)) {
            best = paths->vals[i], best_pre = pre;
            star = sl__arena_strndup(a, spec + pre, sl - pre - suf);
        }
    }
    for (size_t i = 0; best && best->type == JSON_ARR && i < best->n; i++) {
        const json_value *t = best->vals[i];
        if (t->type != JSON_STR)
            continue;
        const char *st = star ? strchr(t->str, '*') : NULL;
        const char *sub = st ? sl__arena_printf(a, "%.*s%s%s", (int)(st - t->str), t->str, star, st + 1) : t->str;
        sub = sl__tsconfig_expand(tc, a, sub);
        const char *base = sl__tsconfig_expand(tc, a, tc->paths_base);
        const char *f = try_path(r, a, sl__path_normalize(a, sub[0] == '/' ? sub : sl__arena_printf(a, "%s/%s", base, sub)));
        if (f)
            return f;
    }
    if (tc->base_url)
        return try_path(r, a, sl__path_normalize(a, sl__arena_printf(a, "%s/%s", sl__tsconfig_expand(tc, a, tc->base_url), spec)));
    return NULL;
}

const sl__tsconfig *sl__resolver_tsconfig(sl__resolver *r, const char *path)
{
    const char *s = strrchr(path, '/');
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", s && s != path ? (int)(s - path) : 1, s && s != path ? path : "/");
    return sl__tsconfig_for(r->tsc, dir);
}

/* A file found: remapped by its package's "browser" object on that
 * platform, and r->alt (try_dir) with it.  A file the map replaces keeps
 * no alternative of its own (only what resolving the replacement left). */
static int found(sl__resolver *r, sl__arena *a, int is_require, const char **out)
{
    if (r->o.platform_node)
        return RES_FILE;
    const char *alt = r->alt, *file = *out;
    r->alt = NULL;
    int rc = browser_file(r, a, file, is_require, out);
    if (rc != RES_FILE || *out != file || !alt)
        return rc;
    const char *mapped = NULL;
    if (browser_file(r, a, alt, is_require, &mapped) == RES_FILE &&
        strncmp(mapped, SL_DISABLED_PREFIX, strlen(SL_DISABLED_PREFIX)) && strcmp(mapped, file))
        r->alt = mapped;
    else
        r->alt = NULL;
    return rc;
}

const char *sl__resolver_alt(sl__resolver *r)
{
    return r->alt;
}

/* sl__resolve before its answer is made real.  dir: the importer's
 * directory, real (node looks a module's imports up from its real path). */
static int resolve_from(sl__resolver *r, const char *spec, const char *dir, int is_require, sl__arena *a,
                        const char **out)
{
    r->req = is_require;
    r->alt = NULL;
    if (is_external(r, spec))
        return RES_EXTERNAL;
    if (spec[0] == '/' || !strncmp(spec, "./", 2) || !strncmp(spec, "../", 3) || !strcmp(spec, ".") ||
        !strcmp(spec, "..")) {
        char *p = sl__path_normalize(a, spec[0] == '/' ? spec : sl__arena_printf(a, "%s/%s", dir, spec));
        *out = try_path(r, a, p);
        if (!*out)
            return RES_NOT_FOUND;
        return found(r, a, is_require, out);
    }
    if ((*out = tsconfig_resolve(r, spec, dir, a)))
        return found(r, a, is_require, out);
    if (spec[0] == '#')
        return resolve_imports(r, spec, dir, is_require, a, out);
    if (r->o.platform_node && is_builtin(spec))
        return RES_BUILTIN;
    /* The importer's own package.json: its "browser" map, then its name. */
    const char *owndir = NULL;
    json_value *own = nearest_pkg(r, a, dir, &owndir);
    json_value *bmap = r->o.platform_node ? NULL : sl__json_get(own, "browser");
    json_value *bv = bmap && bmap->type == JSON_OBJ ? sl__json_get(bmap, spec) : NULL;
    if (bv) {
        int rc = browser_target(r, a, owndir, bv, spec, is_require, out);
        if (rc >= 0)
            return rc;
    }
    /* bare: name (or @scope/name) and subpath */
    const char *name_end = strchr(spec, '/');
    if (spec[0] == '@' && name_end)
        name_end = strchr(name_end + 1, '/');
    size_t name_len = name_end ? (size_t)(name_end - spec) : strlen(spec);
    const char *sub = spec + name_len;
    /* A package importing itself by its own name (node's
     * PACKAGE_SELF_RESOLVE, esbuild alike): only through its "exports",
     * and an export it does not have fails rather than falling through to
     * node_modules. */
    json_value *own_name = sl__json_get(own, "name"), *own_ex = sl__json_get(own, "exports");
    if (own_name && own_name->type == JSON_STR && strlen(own_name->str) == name_len &&
        !strncmp(own_name->str, spec, name_len) && own_ex && own_ex->type != JSON_NULL) {
        *out = exports_resolve(r, a, owndir, own_ex, *sub ? sl__arena_printf(a, ".%s", sub) : ".", is_require);
        if (!*out || !is_file(r, *out))
            return RES_NOT_FOUND;
        return found(r, a, is_require, out);
    }
    const char *d = dir;
    for (;;) {
        size_t dl = strlen(d);
        if (!(dl >= 13 && !strcmp(d + dl - 13, "/node_modules"))) {
            char *pkgdir = sl__arena_printf(a, "%s/node_modules/%.*s", d, (int)name_len, spec);
            if (is_dir(r, pkgdir)) {
                if ((*out = resolve_package(r, a, pkgdir, sub, is_require)))
                    return found(r, a, is_require, out);
                /* A package's "exports" has the last word; without it, a
                 * package that lacks the file lets the walk go on to the
                 * parent's node_modules, as node's require() and esbuild
                 * go on. */
                json_value *ex = sl__json_get(pkg_at(r, pkgdir), "exports");
                if (ex && ex->type != JSON_NULL)
                    return RES_NOT_FOUND;
            }
        }
        const char *s = strrchr(d, '/');
        if (!s || s == d)
            break;
        d = sl__arena_strndup(a, d, (size_t)(s - d));
    }
    /* The browser platform (node's returned above): no package of that name
     * and nothing in a "browser" map provides it. */
    return is_builtin(spec) ? RES_NODE_ONLY : RES_NOT_FOUND;
}

const char *sl__resolver_why(sl__resolver *r)
{
    return r->why;
}

int sl__resolve(sl__resolver *r, const char *spec, const char *from, int is_require, sl__arena *a,
                const char **out)
{
    r->why = NULL;
    const char *slash = strrchr(from, '/');
    char *dir = sl__arena_strndup(a, from, slash ? (size_t)(slash - from) : 0);
    int rc = resolve_from(r, spec, real_dir(r, dir_of_cached(r, dir)), is_require, a, out);
    if (rc != RES_FILE || !strncmp(*out, SL_DISABLED_PREFIX, strlen(SL_DISABLED_PREFIX)))
        return rc;
    /* Module identity is the real path: a file reached through a link and
     * by its own path is one module, run once. */
    *out = real_file(r, a, *out);
    if (r->alt)
        r->alt = real_file(r, a, r->alt);
    return rc;
}


/* Glob match for "sideEffects" patterns: `**` crosses directories, `*` and
 * `?` do not. */
static int glob_match(const char *pat, const char *s)
{
    for (; *pat; pat++, s++) {
        if (pat[0] == '*' && pat[1] == '*') {
            pat += 2;
            if (*pat == '/')
                pat++;
            for (const char *t = s;; t++) {
                if (glob_match(pat, t))
                    return 1;
                if (!*t)
                    return 0;
            }
        }
        if (*pat == '*') {
            for (const char *t = s;; t++) {
                if (glob_match(pat + 1, t))
                    return 1;
                if (!*t || *t == '/')
                    return 0;
            }
        }
        if (!*s || (*pat != '?' && *pat != *s) || (*pat == '?' && *s == '/'))
            return 0;
    }
    return *s == 0;
}

/* "sideEffects": an array lists the files that have side effects (a
 * pattern without a slash matches a file name anywhere in the package). */
static int listed_side_effects(json_value *list, const char *pkgdir, const char *path)
{
    size_t dl = strlen(pkgdir);
    const char *rel = strncmp(path, pkgdir, dl) || path[dl] != '/' ? path : path + dl + 1;
    for (size_t i = 0; i < list->n; i++) {
        json_value *v = list->vals[i];
        if (v->type != JSON_STR)
            continue;
        const char *pat = v->str;
        if (!strncmp(pat, "./", 2))
            pat += 2;
        if (strchr(pat, '/') ? glob_match(pat, rel) : glob_match(pat, strrchr(path, '/') + 1))
            return 1;
    }
    return 0;
}

unsigned sl__resolver_file_flags(sl__resolver *r, const char *path)
{
    unsigned flags = 0;
    size_t n = strlen(path);
    if (n > 4 && (!strcmp(path + n - 4, ".mjs") || !strcmp(path + n - 4, ".mts")))
        flags |= MF_NODE_MODE;
    if (n > 5 && !strcmp(path + n - 5, ".json"))
        flags |= MF_JSON;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    for (;;) {
        char *s = strrchr(dir, '/');
        if (!s || s == dir)
            break;
        *s = 0;
        json_value *pkg = pkg_at(r, dir);
        if (!pkg)
            continue;
        json_value *type = sl__json_get(pkg, "type");
        if (type && type->type == JSON_STR && !strcmp(type->str, "module") && n > 3 &&
            (!strcmp(path + n - 3, ".js") || !strcmp(path + n - 3, ".ts")))
            flags |= MF_NODE_MODE;
        json_value *se = sl__json_get(pkg, "sideEffects");
        if (se && se->type == JSON_BOOL && !se->boolean)
            flags |= MF_NO_SIDE_EFFECTS;
        if (se && se->type == JSON_ARR && !listed_side_effects(se, dir, path))
            flags |= MF_NO_SIDE_EFFECTS;
        break;
    }
    return flags;
}
