/*
 * tsconfig.c - reading tsconfig.json files (see tsconfig.h).
 *
 * A config is its `extends` chain merged base first: every field the
 * child sets wins, and a `baseUrl` or `paths` keeps the directory of the
 * file that wrote it (as tsc and esbuild resolve them).  The cache maps
 * a directory to the config that applies there, and a file to its
 * merged config, so a chain shared by many directories is read once.
 */
#include "tsconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "bundle_limits.h"
#include "infile.h"
#include "js_diag.h"
#include "resolver.h"

enum { MAX_EXTENDS = 32 };

typedef struct tc_ent {
    const char *key; /* "d<dir>" or "f<file>" */
    sl__tsconfig *cfg;
    int loading;     /* its `extends` chain is being read: reaching it again is a cycle */
    struct tc_ent *next;
} tc_ent;

struct sl__tsconfigs {
    sl__arena a;
    tc_ent *tab[256];
    const char *chain[MAX_EXTENDS + 1]; /* the files being read, outermost first (by depth) */
};

sl__tsconfigs *sl__tsconfigs_new(void)
{
    sl__tsconfigs *c = sl__xrealloc(NULL, sizeof *c);
    memset(c, 0, sizeof *c);
    sl__arena_init(&c->a);
    return c;
}

void sl__tsconfigs_free(sl__tsconfigs *c)
{
    if (!c)
        return;
    sl__arena_free(&c->a);
    free(c);
}

static size_t hash(const char *s)
{
    size_t h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h & 255;
}

static tc_ent *find(sl__tsconfigs *c, const char *key)
{
    for (tc_ent *e = c->tab[hash(key)]; e; e = e->next)
        if (!strcmp(e->key, key))
            return e;
    return NULL;
}

static tc_ent *put(sl__tsconfigs *c, const char *key, sl__tsconfig *cfg)
{
    tc_ent *e = sl__arena_alloc(&c->a, sizeof *e);
    e->key = sl__arena_strndup(&c->a, key, strlen(key));
    e->cfg = cfg;
    size_t h = hash(key);
    e->next = c->tab[h];
    e->loading = 0;
    c->tab[h] = e;
    return e;
}

static int is_regular(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* JSONC to JSON in place: comments and trailing commas become spaces
 * (newlines stay, so a JSON error's offset is still the file's). */
static void strip_jsonc(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            for (i++; i < n && s[i] != '"'; i++)
                if (s[i] == '\\')
                    i++;
        } else if (s[i] == '/' && i + 1 < n && s[i + 1] == '/') {
            for (; i < n && s[i] != '\n'; i++)
                s[i] = ' ';
        } else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
            size_t j = i + 2;
            while (j + 1 < n && !(s[j] == '*' && s[j + 1] == '/'))
                j++;
            j = j + 1 < n ? j + 2 : n;
            for (; i < j; i++)
                if (s[i] != '\n')
                    s[i] = ' ';
            i--;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            for (i++; i < n && s[i] != '"'; i++)
                if (s[i] == '\\')
                    i++;
        } else if (s[i] == ',') {
            size_t j = i + 1;
            while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r'))
                j++;
            if (j < n && (s[j] == '}' || s[j] == ']'))
                s[i] = ' ';
        }
    }
}

static const char *dir_of(sl__arena *a, const char *file)
{
    const char *s = strrchr(file, '/');
    return s == file ? "/" : sl__arena_strndup(a, file, (size_t)(s - file));
}

static const char *str_opt(const json_value *co, const char *key)
{
    const json_value *v = sl__json_get(co, key);
    return v && v->type == JSON_STR ? v->str : NULL;
}

static void bool_opt(const json_value *co, const char *key, int *out)
{
    const json_value *v = sl__json_get(co, key);
    if (v && v->type == JSON_BOOL)
        *out = v->boolean;
}

/* The file an `extends` value names, or NULL. */
static const char *extends_file(sl__arena *a, const char *dir, const char *spec)
{
    if (spec[0] == '/' || !strncmp(spec, "./", 2) || !strncmp(spec, "../", 3)) {
        const char *p = sl__path_normalize(a, spec[0] == '/' ? spec : sl__arena_printf(a, "%s/%s", dir, spec));
        if (is_regular(p))
            return p;
        p = sl__arena_printf(a, "%s.json", p);
        return is_regular(p) ? p : NULL;
    }
    /* a package: node_modules/<spec>, <spec>.json, <spec>/tsconfig.json, up the tree */
    char *d = sl__arena_strndup(a, dir, strlen(dir));
    for (;;) {
        const char *base = sl__arena_printf(a, "%s/node_modules/%s", d, spec);
        const char *tries[3] = {base, sl__arena_printf(a, "%s.json", base),
                                sl__arena_printf(a, "%s/tsconfig.json", base)};
        for (int i = 0; i < 3; i++)
            if (is_regular(tries[i]))
                return tries[i];
        char *s = strrchr(d, '/');
        if (!s || s == d)
            return NULL;
        *s = 0;
    }
}

static sl__tsconfig *load_file(sl__tsconfigs *c, const char *file, int depth);

/* What a base config sets goes over what cfg has so far (a later entry of
 * an `extends` array wins over an earlier one; the child's own options
 * are applied after all of them). */
static void overlay(sl__tsconfig *cfg, const sl__tsconfig *b)
{
    if (b->error)
        cfg->error = b->error;
    if (b->base_url)
        cfg->base_url = b->base_url;
    if (b->paths)
        cfg->paths = b->paths, cfg->paths_base = b->paths_base;
    const sl__lower_cfg *l = &b->lower;
    sl__lower_cfg *d = &cfg->lower;
    if (l->jsx != SL_JSX_UNSET)
        d->jsx = l->jsx;
    if (l->jsx_factory)
        d->jsx_factory = l->jsx_factory;
    if (l->jsx_fragment)
        d->jsx_fragment = l->jsx_fragment;
    if (l->jsx_import_source)
        d->jsx_import_source = l->jsx_import_source;
    if (l->use_define_for_class_fields >= 0)
        d->use_define_for_class_fields = l->use_define_for_class_fields;
    if (l->experimental_decorators >= 0)
        d->experimental_decorators = l->experimental_decorators;
    if (l->verbatim_module_syntax >= 0)
        d->verbatim_module_syntax = l->verbatim_module_syntax;
}

static void merge_extends(sl__tsconfigs *c, sl__tsconfig *cfg, const char *dir, const char *spec, int depth)
{
    if (cfg->error)
        return;
    const char *f = extends_file(&c->a, dir, spec);
    if (!f) {
        cfg->error = sl__arena_printf(&c->a, "%s: cannot find \"%s\" (extends)", cfg->path, spec);
        return;
    }
    tc_ent *e = find(c, sl__arena_printf(&c->a, "f%s", f));
    if (e && e->loading) {
        /* tsc refuses a cycle ("Circularity detected"), naming the chain; it reads c->chain from f on. */
        int i = depth;
        while (i > 0 && strcmp(c->chain[i], f))
            i--;
        const char *msg = "";
        for (; i <= depth; i++)
            msg = sl__arena_printf(&c->a, "%s%s -> ", msg, c->chain[i]);
        cfg->error = sl__arena_printf(&c->a, "%s: \"extends\" forms a cycle: %s%s", cfg->path, msg, f);
        return;
    }
    if (depth >= MAX_EXTENDS) {
        cfg->error = sl__arena_printf(&c->a, "%s: \"extends\" nested more than %d deep", cfg->path, MAX_EXTENDS);
        return;
    }
    overlay(cfg, load_file(c, f, depth + 1));
}

static void apply_options(sl__tsconfigs *c, sl__tsconfig *cfg, const char *dir, const json_value *co)
{
    const char *s;
    /* "${configDir}" (TypeScript 5.5) is the directory of the config a
     * file uses, not of the one that wrote it: kept as written here, where
     * a base config is read once for every config that extends it, and
     * put in by the resolver (sl__tsconfig_expand). */
    if ((s = str_opt(co, "baseUrl")))
        cfg->base_url = !strncmp(s, SL_TSCONFIG_DIR_VAR, strlen(SL_TSCONFIG_DIR_VAR))
                            ? s
                            : sl__path_normalize(&c->a, s[0] == '/' ? s : sl__arena_printf(&c->a, "%s/%s", dir, s));
    const json_value *paths = sl__json_get(co, "paths");
    if (paths && paths->type == JSON_OBJ) {
        cfg->paths = paths;
        cfg->paths_base = sl__arena_strndup(&c->a, dir, strlen(dir));
        if (str_opt(co, "baseUrl")) /* a baseUrl that is not a string (null, 9) is not one */
            cfg->paths_base = cfg->base_url;
    } else if (cfg->paths && str_opt(co, "baseUrl")) {
        cfg->paths_base = cfg->base_url; /* inherited paths follow a new baseUrl, as in tsc */
    }
    if ((s = str_opt(co, "jsx"))) {
        if (!strcmp(s, "react"))
            cfg->lower.jsx = SL_JSX_CLASSIC;
        else if (!strcmp(s, "react-jsx") || !strcmp(s, "react-jsxdev"))
            cfg->lower.jsx = SL_JSX_AUTOMATIC;
        else if (!strcmp(s, "preserve") || !strcmp(s, "react-native"))
            cfg->lower.jsx = SL_JSX_PRESERVE;
    }
    if ((s = str_opt(co, "jsxFactory")))
        cfg->lower.jsx_factory = s;
    if ((s = str_opt(co, "jsxFragmentFactory")))
        cfg->lower.jsx_fragment = s;
    if ((s = str_opt(co, "jsxImportSource")))
        cfg->lower.jsx_import_source = s;
    /* tsc: class fields use [[Define]] from target ES2022 on, unless said otherwise */
    if ((s = str_opt(co, "target"))) {
        static const char *old[] = {"es3", "es5", "es6", "es2015", "es2016", "es2017", "es2018", "es2019",
                                    "es2020", "es2021", NULL};
        int is_old = 0;
        for (int i = 0; old[i]; i++)
            if (!strcasecmp(s, old[i]))
                is_old = 1;
        cfg->lower.use_define_for_class_fields = !is_old;
    }
    bool_opt(co, "useDefineForClassFields", &cfg->lower.use_define_for_class_fields);
    bool_opt(co, "experimentalDecorators", &cfg->lower.experimental_decorators);
    bool_opt(co, "verbatimModuleSyntax", &cfg->lower.verbatim_module_syntax);
}

/* Where the value of the first `"key":` in text starts (text's length if none). */
static size_t value_pos(const char *text, size_t n, const char *key)
{
    size_t k = strlen(key);
    for (size_t i = 0; i + k + 2 <= n; i++) {
        if (text[i] != '"' || memcmp(text + i + 1, key, k) || text[i + k + 1] != '"')
            continue;
        size_t j = i + k + 2;
        while (j < n && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r'))
            j++;
        if (j >= n || text[j] != ':')
            continue;
        for (j++; j < n && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r');)
            j++;
        return j;
    }
    return n;
}

/* A jsxFactory or jsxFragmentFactory that is no name (`h-x`, `1F`): tsc
 * refuses it, and printed into every call the JSX becomes it would be
 * blamed on that lowered text (or parse as something else).  The message
 * points at the value, in the file as written. */
static void check_jsx_names(sl__tsconfigs *c, sl__tsconfig *cfg, const char *orig, const char *text, size_t n,
                            const json_value *co)
{
    static const char *const keys[] = {"jsxFactory", "jsxFragmentFactory"};
    for (int i = 0; i < 2 && !cfg->error; i++) {
        const char *v = str_opt(co, keys[i]);
        if (!v || sl__front_jsx_name_ok(v))
            continue;
        const char *why = sl__arena_printf(&c->a, "compilerOptions.%s \"%s\" is not a name or a dotted path of names",
                                           keys[i], v);
        size_t cap = strlen(cfg->path) + strlen(why) + 1024;
        char *msg = sl__arena_alloc(&c->a, cap);
        sl__js_diag(msg, cap, cfg->path, orig, n, (uint32_t)value_pos(text, n, keys[i]), why);
        cfg->error = msg;
    }
}

/* Fills cfg (path set, fields unset) from the text of its file; text is
 * changed in place (JSONC blanked to JSON). */
static void from_text(sl__tsconfigs *c, sl__tsconfig *cfg, char *text, size_t n, int depth)
{
    char *orig = malloc(n + 1); /* as written, for the message: the JSONC is blanked below */
    if (orig)
        memcpy(orig, text, n);
    strip_jsonc(text, n);
    size_t at = 0;
    const char *why = "invalid JSON: not an object";
    json_value *root = sl__json_parse_diag(&c->a, text, n, &at, &why);
    if (!root || root->type != JSON_OBJ) {
        /* path:line:col, the line and a caret, as a package.json's error */
        size_t cap = strlen(cfg->path) + strlen(why) + 1024;
        char *msg = sl__arena_alloc(&c->a, cap);
        sl__js_diag(msg, cap, cfg->path, orig ? orig : text, n, (uint32_t)(root ? 0 : at < n ? at : n), why);
        cfg->error = msg;
        free(orig);
        return;
    }
    const char *dir = dir_of(&c->a, cfg->path);
    const json_value *ext = sl__json_get(root, "extends");
    if (ext && ext->type == JSON_STR)
        merge_extends(c, cfg, dir, ext->str, depth);
    for (size_t i = 0; ext && ext->type == JSON_ARR && i < ext->n; i++)
        if (ext->vals[i]->type == JSON_STR)
            merge_extends(c, cfg, dir, ext->vals[i]->str, depth);
    const json_value *co = sl__json_get(root, "compilerOptions");
    if (co && co->type == JSON_OBJ) {
        apply_options(c, cfg, dir, co);
        check_jsx_names(c, cfg, orig ? orig : text, text, n, co);
    }
    free(orig);
}

static sl__tsconfig *new_cfg(sl__tsconfigs *c, const char *file)
{
    sl__tsconfig *cfg = sl__arena_zalloc(&c->a, sizeof *cfg);
    cfg->path = sl__arena_strndup(&c->a, file, strlen(file));
    cfg->lower = (sl__lower_cfg){SL_JSX_UNSET, NULL, NULL, NULL, -1, -1, -1, 0};
    return cfg;
}

static sl__tsconfig *load_file(sl__tsconfigs *c, const char *file, int depth)
{
    const char *key = sl__arena_printf(&c->a, "f%s", file);
    tc_ent *e = find(c, key);
    if (e)
        return e->cfg;
    sl__tsconfig *cfg = new_cfg(c, file);
    e = put(c, key, cfg); /* before extends: a cycle finds this entry, still loading */
    char *buf, msg[512];
    size_t n;
    if (sl_infile_read(file, SL_BUNDLE_MAX_FILE, &buf, &n, msg, sizeof msg)) {
        cfg->error = sl__arena_strndup(&c->a, msg, strlen(msg));
        return cfg;
    }
    char *text = sl__arena_strndup(&c->a, buf, n);
    free(buf);
    e->loading = 1;
    c->chain[depth] = cfg->path;
    from_text(c, cfg, text, n, depth);
    e->loading = 0;
    return cfg;
}

const sl__tsconfig *sl__tsconfig_parse(sl__tsconfigs *c, const char *path, const char *text, size_t n)
{
    sl__tsconfig *cfg = new_cfg(c, path);
    c->chain[0] = cfg->path;
    from_text(c, cfg, sl__arena_strndup(&c->a, text, n), n, 0);
    return cfg;
}

/* A directory right under node_modules (or @scope under it) is a package root. */
static int is_package_root(const char *dir)
{
    const char *s = strrchr(dir, '/');
    if (!s || s == dir)
        return 0;
    size_t plen = (size_t)(s - dir);
    if (plen >= 13 && !strncmp(s - 13, "/node_modules", 13))
        return 1;
    const char *p = s;
    while (p > dir && p[-1] != '/')
        p--;
    return p[0] == '@' && p - dir >= 14 && !strncmp(p - 14, "/node_modules/", 14);
}

const sl__tsconfig *sl__tsconfig_for(sl__tsconfigs *c, const char *dir)
{
    const char *key = sl__arena_printf(&c->a, "d%s", dir);
    tc_ent *e = find(c, key);
    if (e)
        return e->cfg;
    sl__tsconfig *cfg = NULL;
    const char *file = sl__arena_printf(&c->a, "%s/tsconfig.json", strcmp(dir, "/") ? dir : "");
    if (is_regular(file)) {
        cfg = load_file(c, file, 0);
    } else if (strcmp(dir, "/") && !is_package_root(dir) &&
               !(strlen(dir) >= 13 && !strcmp(dir + strlen(dir) - 13, "/node_modules"))) {
        const char *s = strrchr(dir, '/');
        const char *up = s == dir ? "/" : sl__arena_strndup(&c->a, dir, (size_t)(s - dir));
        cfg = (sl__tsconfig *)sl__tsconfig_for(c, up);
    }
    put(c, key, cfg);
    return cfg;
}

const char *sl__tsconfig_expand(const sl__tsconfig *tc, sl__arena *a, const char *p)
{
    size_t n = strlen(SL_TSCONFIG_DIR_VAR);
    if (strncmp(p, SL_TSCONFIG_DIR_VAR, n))
        return p;
    const char *dir = dir_of(a, tc->path);
    return sl__arena_printf(a, "%s%s%s", dir, p[n] && p[n] != '/' ? "/" : "", p + n);
}
