/*
 * bundle.c - `sluice bundle`: flags in, bundle out.
 *
 * Runs the phases in order - graph (coordinator + workers: lex, parse,
 * resolve), link (order, names, bindings), print (parallel splicing) -
 * and writes each output through a temporary file, so a failed bundle
 * never leaves a partial file behind.  Errors are reported here, once,
 * as `file:line:column: message` with the offending line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "graph.h"
#include "infile.h"
#include "json.h"
#include "js_front.h"
#include "js_printer.h"
#include "js_record.h"
#include "linker.h"
#include "metafile.h"
#include "outfile.h"
#include "sluice/pool.h"

typedef struct bundle_opts {
    const char **entries;
    size_t nentries;
    const char *outfile, *outdir, *metafile, *global_name;
    char *global_var, *global_assign; /* --global-name: its first name; the text that assigns the bundle */
    int format, platform_node, sourcemap, stats, quiet;
    size_t threads, max_modules;
    const char **externals;
    size_t nexternals;
    js_define *defines;
    size_t ndefines;
    sl__lower_cfg lower; /* --jsx* */
    int minify_ws, minify_syntax, minify_idents;
} bundle_opts;

static void usage(FILE *f)
{
    fputs("usage: sluice bundle ENTRY... [-o FILE | --outdir DIR] [--format esm|iife|cjs]\n"
          "                     [--platform browser|node] [--global-name NAME] [--external SPEC]...\n"
          "                     [--define KEY=VALUE]... [--sourcemap] [--metafile FILE] [-j THREADS]\n"
          "                     [--max-modules N] [--stats] [-q]\n"
          "                     [--jsx classic|automatic] [--jsx-factory F] [--jsx-fragment F]\n"
          "                     [--jsx-import-source S] [--minify] [--minify-whitespace]\n"
          "                     [--minify-syntax] [--minify-identifiers]\n\n"
          "Bundles JavaScript, TypeScript and JSX modules (ESM and CommonJS; .js .mjs .cjs .json .ts .tsx\n"
          ".mts .cts .jsx) into one file per entry.\n"
          "Writes to standard output when neither -o nor --outdir is given.  See docs/bundle.md.\n",
          f);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Is s[0..n) an entity name, a.b.c (IdentifierNames, ASCII)? */
static int is_entity_name(const char *s, size_t n)
{
    for (size_t i = 0, start = 0; i <= n; i++)
        if (i == n || s[i] == '.') {
            if (i == start || !sl__front_is_ident_name(s + start, i - start))
                return 0;
            start = i + 1;
        }
    return 1;
}

/* A --define value as esbuild takes it: an entity name (`undefined` and
 * `process.env.X` included) or a JSON literal (number, "string", true,
 * false, null, object, array).  Anything else pasted as text could leave
 * a bundle that does not parse, or inject statements. */
static int define_value_ok(const char *v)
{
    size_t n = strlen(v);
    if (is_entity_name(v, n))
        return 1;
    sl__arena a;
    sl__arena_init(&a);
    int ok = n && sl__json_parse(&a, v, n) != NULL;
    sl__arena_free(&a);
    return ok;
}

static int add_define(bundle_opts *o, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !is_entity_name(arg, (size_t)(eq - arg)))
        return -1;
    if (!define_value_ok(eq + 1))
        return -2;
    o->defines = realloc(o->defines, (o->ndefines + 1) * sizeof *o->defines);
    js_define *d = &o->defines[o->ndefines++];
    /* pasted as text: a negative number, object or array is parenthesised
     * so that `2-X`, `X.a` or `typeof X` stay what they say */
    const char *v = eq + 1;
    size_t vn = strlen(v);
    char *value = malloc(vn + 3);
    if (strchr("-{[", v[strspn(v, " \t\r\n")]) && v[strspn(v, " \t\r\n")])
        snprintf(value, vn + 3, "(%s)", v);
    else
        memcpy(value, v, vn + 1);
    d->value = value;
    d->nparts = 1;
    for (const char *p = arg; p < eq; p++)
        d->nparts += *p == '.';
    d->parts = calloc(d->nparts, sizeof *d->parts);
    const char *s = arg;
    for (size_t i = 0; i < d->nparts; i++) {
        const char *e = memchr(s, '.', (size_t)(eq - s));
        if (!e)
            e = eq;
        d->parts[i] = strndup(s, (size_t)(e - s));
        if (e == s)
            return -1;
        s = e + 1;
    }
    return 0;
}

/* A browser has no `process`: packages that read process.env.NODE_ENV at
 * load (mobx, react's CommonJS entry) would throw there.  As esbuild does
 * for --platform browser, it is defined to "production" under all three
 * minify flags and to "development" otherwise, unless --define gives
 * `process` or `process.env.NODE_ENV` itself. */
static void browser_node_env(bundle_opts *o)
{
    if (o->platform_node)
        return;
    for (size_t i = 0; i < o->ndefines; i++) {
        const js_define *d = &o->defines[i];
        if ((d->nparts == 1 && !strcmp(d->parts[0], "process")) ||
            (d->nparts == 3 && !strcmp(d->parts[0], "process") && !strcmp(d->parts[1], "env") &&
             !strcmp(d->parts[2], "NODE_ENV")))
            return;
    }
    int production = o->minify_ws && o->minify_syntax && o->minify_idents;
    add_define(o, production ? "process.env.NODE_ENV=\"production\"" : "process.env.NODE_ENV=\"development\"");
}

/* --global-name as esbuild takes it: an identifier (not a reserved word)
 * followed by `.name` or `["key"]` parts.  Sets the variable the output
 * declares and the text before the IIFE: `var a = ` or, for `a.b.c`,
 * `var a = a || {};\na.b = a.b || {};\na.b.c = ` (keeps what is there). */
static int set_global_name(bundle_opts *o, const char *v)
{
    size_t n = strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$0123456789");
    if (!sl__front_is_binding_name(v, n))
        return -1;
    size_t cap = 2 * strlen(v) * (strlen(v) + 8) + 32; /* each of <= len parts: two paths of <= len */
    char *path = calloc(1, strlen(v) + 1), *text = calloc(1, cap);
    memcpy(path, v, n);
    snprintf(text, cap, v[n] ? "var %s = %s || {};\n" : "var %s = ", path, path);
    for (const char *p = v + n; *p;) {
        size_t plen = strlen(path);
        if (*p == '.') {
            size_t k = strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$0123456789");
            if (!sl__front_is_ident_name(p + 1, k)) /* reserved words too: a.class */
                goto bad;
            memcpy(path + plen, p, k + 1);
            p += k + 1;
        } else if (p[0] == '[' && (p[1] == '"' || p[1] == '\'')) {
            const char *q = p + 2;
            while (*q && *q != p[1] && *q != '\\' && (unsigned char)*q >= 0x20)
                q++;
            if (*q != p[1] || q[1] != ']')
                goto bad;
            memcpy(path + plen, p, (size_t)(q + 2 - p));
            p = q + 2;
        } else
            goto bad;
        /* every shorter path becomes an object unless it is one already */
        size_t t = strlen(text);
        snprintf(text + t, cap - t, *p ? "%s = %s || {};\n" : "%s = ", path, path);
    }
    o->global_name = v;
    o->global_var = strndup(v, n);
    o->global_assign = text;
    free(path);
    return 0;
bad:
    free(path);
    free(text);
    return -1;
}

enum { OPT_OUTDIR = 256, OPT_FORMAT, OPT_PLATFORM, OPT_GLOBAL_NAME, OPT_EXTERNAL, OPT_DEFINE, OPT_METAFILE,
       OPT_SOURCEMAP, OPT_STATS, OPT_MAX_MODULES, OPT_JSX, OPT_JSX_FACTORY, OPT_JSX_FRAGMENT,
       OPT_JSX_IMPORT_SOURCE, OPT_MINIFY, OPT_MINIFY_WS, OPT_MINIFY_SYNTAX, OPT_MINIFY_IDENTS };

static int set_format(bundle_opts *o, const char *v)
{
    if (!strcmp(v, "esm"))
        o->format = FMT_ESM;
    else if (!strcmp(v, "cjs"))
        o->format = FMT_CJS;
    else if (!strcmp(v, "iife"))
        o->format = FMT_IIFE;
    else {
        fprintf(stderr, "sluice bundle: unknown format '%s' (esm, iife or cjs)\n", v);
        return -1;
    }
    return 0;
}

static int set_threads(bundle_opts *o, const char *v)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < 1 || n > 1024) {
        fprintf(stderr, "sluice bundle: -j wants a thread count from 1 to 1024, not '%s'\n", v);
        return -1;
    }
    o->threads = (size_t)n;
    return 0;
}

/* One flag (getopt_long's code c, its value v); -1 for a bad one. */
static int take_flag(bundle_opts *o, int c, const char *v)
{
    switch (c) {
    case 'o': o->outfile = v; return 0;
    case OPT_OUTDIR: o->outdir = v; return 0;
    case OPT_FORMAT: return set_format(o, v);
    case OPT_PLATFORM:
        o->platform_node = !strcmp(v, "node"); /* the last --platform wins */
        if (!o->platform_node && strcmp(v, "browser")) {
            fprintf(stderr, "sluice bundle: unknown platform '%s' (browser or node)\n", v);
            return -1;
        }
        return 0;
    case OPT_GLOBAL_NAME:
        free(o->global_var);
        free(o->global_assign);
        o->global_var = o->global_assign = NULL;
        if (set_global_name(o, v)) {
            fprintf(stderr, "sluice bundle: invalid --global-name '%s' (an identifier, then .name or [\"key\"] parts, "
                            "e.g. MyLib or MyLib.sub)\n", v);
            return -1;
        }
        return 0;
    case OPT_EXTERNAL: o->externals[o->nexternals++] = v; return 0;
    case OPT_DEFINE:
        switch (add_define(o, v)) {
        case 0: return 0;
        case -1: fprintf(stderr, "sluice bundle: --define wants KEY=VALUE with KEY like a.b.c, got '%s'\n", v); return -1;
        default:
            fprintf(stderr, "sluice bundle: --define %s: invalid value '%s' (must be an entity name like a.b.c "
                            "or a JS literal: a number, a \"string\", true, false, null, undefined, a JSON object or array)\n",
                    v, strchr(v, '=') + 1);
            return -1;
        }
    case OPT_METAFILE: o->metafile = v; return 0;
    case 'j': return set_threads(o, v);
    case OPT_MAX_MODULES: {
        char *end;
        unsigned long long n = strtoull(v, &end, 10);
        if (!*v || *end || n < 1 || n > 100000000) {
            fprintf(stderr, "sluice bundle: --max-modules wants a count from 1 to 100000000, not '%s'\n", v);
            return -1;
        }
        o->max_modules = (size_t)n;
        return 0;
    }
    case OPT_SOURCEMAP: o->sourcemap = 1; return 0;
    case OPT_JSX:
        if (!strcmp(v, "classic") || !strcmp(v, "transform"))
            o->lower.jsx = SL_JSX_CLASSIC;
        else if (!strcmp(v, "automatic"))
            o->lower.jsx = SL_JSX_AUTOMATIC;
        else {
            fprintf(stderr, "sluice bundle: unknown --jsx '%s' (classic or automatic)\n", v);
            return -1;
        }
        return 0;
    case OPT_JSX_FACTORY:
    case OPT_JSX_FRAGMENT:
        /* Printed into every call the JSX becomes: a value that is no name would be blamed on that text. */
        if (!sl__front_jsx_name_ok(v)) {
            fprintf(stderr, "sluice bundle: --jsx-%s '%s' is not a name or a dotted path of names\n",
                    c == OPT_JSX_FACTORY ? "factory" : "fragment", v);
            return -1;
        }
        *(c == OPT_JSX_FACTORY ? &o->lower.jsx_factory : &o->lower.jsx_fragment) = v;
        return 0;
    case OPT_JSX_IMPORT_SOURCE: o->lower.jsx_import_source = v; return 0;
    case OPT_MINIFY: o->minify_ws = o->minify_syntax = o->minify_idents = 1; return 0;
    case OPT_MINIFY_WS: o->minify_ws = 1; return 0;
    case OPT_MINIFY_SYNTAX: o->minify_syntax = 1; return 0;
    case OPT_MINIFY_IDENTS: o->minify_idents = 1; return 0;
    case OPT_STATS: o->stats = 1; return 0;
    case 'q': o->quiet = 1; return 0;
    default: return -1;
    }
}

/* Long flags, and the short ones' getopt string. */
static const struct option bundle_longs[] = {
    {"outfile", required_argument, NULL, 'o'},         {"outdir", required_argument, NULL, OPT_OUTDIR},
    {"format", required_argument, NULL, OPT_FORMAT},   {"platform", required_argument, NULL, OPT_PLATFORM},
    {"global-name", required_argument, NULL, OPT_GLOBAL_NAME},
    {"external", required_argument, NULL, OPT_EXTERNAL}, {"define", required_argument, NULL, OPT_DEFINE},
    {"metafile", required_argument, NULL, OPT_METAFILE}, {"threads", required_argument, NULL, 'j'},
    {"max-modules", required_argument, NULL, OPT_MAX_MODULES},
    {"sourcemap", no_argument, NULL, OPT_SOURCEMAP},   {"stats", no_argument, NULL, OPT_STATS},
    {"quiet", no_argument, NULL, 'q'},                 {"help", no_argument, NULL, 'h'},
    {"jsx", required_argument, NULL, OPT_JSX},         {"jsx-factory", required_argument, NULL, OPT_JSX_FACTORY},
    {"jsx-fragment", required_argument, NULL, OPT_JSX_FRAGMENT},
    {"jsx-import-source", required_argument, NULL, OPT_JSX_IMPORT_SOURCE},
    {"minify", no_argument, NULL, OPT_MINIFY},         {"minify-whitespace", no_argument, NULL, OPT_MINIFY_WS},
    {"minify-syntax", no_argument, NULL, OPT_MINIFY_SYNTAX},
    {"minify-identifiers", no_argument, NULL, OPT_MINIFY_IDENTS},
    {NULL, 0, NULL, 0},
};
static const char bundle_shorts[] = "o:j:qh";

/* 1 when getopt_long would read the flag NAME (no '=', a name or a
 * unique prefix of one, as getopt accepts) as taking the next argument. */
static int long_takes_next(const char *name)
{
    size_t n = strlen(name);
    int hits = 0, takes = 0;
    for (const struct option *l = bundle_longs; l->name; l++) {
        if (strncmp(l->name, name, n))
            continue;
        if (!l->name[n])
            return l->has_arg == required_argument;
        hits++;
        takes = l->has_arg == required_argument;
    }
    return hits == 1 && takes;
}

/* esbuild spells its list-valued flags with a colon (`--define:K=V`,
 * `--external:M`); sluice has those two.  Each becomes getopt's
 * `--define=K=V` in place before getopt reads the flags.  An argument
 * that is another flag's separate value (`-o --define:x`) or comes after
 * `--` is not a flag, and stays as it is. */
static void colon_flags(int argc, char **argv)
{
    static const char *const listed[] = {"define", "external"};
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (a[0] != '-' || !a[1])
            continue;
        if (!strcmp(a, "--"))
            return;
        if (a[1] != '-') { /* -qj2, -o FILE: the value is the next argument when the flag ends it */
            for (const char *s = a + 1; *s; s++) {
                const char *f = strchr(bundle_shorts, *s);
                if (f && f[1] == ':') {
                    i += !s[1];
                    break;
                }
            }
            continue;
        }
        char *colon = strchr(a + 2, ':');
        if (colon && !memchr(a + 2, '=', (size_t)(colon - a - 2)))
            for (size_t k = 0; k < sizeof listed / sizeof *listed; k++)
                if ((size_t)(colon - a - 2) == strlen(listed[k]) && !strncmp(a + 2, listed[k], strlen(listed[k])))
                    *colon = '=';
        if (!strchr(a, '=') && long_takes_next(a + 2))
            i++;
    }
}

/* getopt_long's rules, as every sluice command reads flags: `-j1` and
 * `-j 1`, `--format=esm` and `--format esm`, `-qj2`, and `--` before an
 * entry whose name starts with a dash.  Entries may come between flags.
 * esbuild's `--define:K=V` and `--external:M` are read too (colon_flags). */
static int parse_args(int argc, char **argv, bundle_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = -1;
    o->lower = (sl__lower_cfg){SL_JSX_UNSET, NULL, NULL, NULL, -1, -1, -1, 0};
    o->entries = calloc((size_t)argc, sizeof *o->entries);
    o->externals = calloc((size_t)argc, sizeof *o->externals);
    int c;
    optind = 1;
    colon_flags(argc, argv);
    while ((c = getopt_long(argc, argv, bundle_shorts, bundle_longs, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            exit(0);
        }
        if (c == '?' || c == ':') { /* getopt has said what was wrong */
            usage(stderr);
            return -1;
        }
        if (take_flag(o, c, optarg))
            return -1;
    }
    for (int i = optind; i < argc; i++)
        o->entries[o->nentries++] = argv[i];
    if (!o->nentries) {
        usage(stderr);
        return -1;
    }
    if (o->outfile && o->outdir) {
        fprintf(stderr, "sluice bundle: give -o or --outdir, not both\n");
        return -1;
    }
    if (o->nentries > 1 && !o->outdir) {
        fprintf(stderr, "sluice bundle: several entries need --outdir\n");
        return -1;
    }
    if (o->sourcemap && !o->outfile && !o->outdir) {
        fprintf(stderr, "sluice bundle: --sourcemap needs -o or --outdir\n");
        return -1;
    }
    /* The map is written beside the bundle, as OUT.map: an output that is
     * not a file (standard output, /dev/fd/1, a FIFO) has no "beside", and
     * finding that out after the bundle was written would leave a bundle
     * that points at a map nobody wrote. */
    if (o->sourcemap && o->outfile && !sl_outfile_is_file_path(o->outfile)) {
        fprintf(stderr, "sluice bundle: --sourcemap writes OUT.map beside the bundle: -o %s is not a file\n",
                o->outfile);
        return -1;
    }
    if (o->format < 0)
        o->format = o->platform_node ? FMT_CJS : FMT_IIFE;
    browser_node_env(o);
    return 0;
}

static void opts_free(bundle_opts *o)
{
    for (size_t i = 0; i < o->ndefines; i++) {
        for (size_t k = 0; k < o->defines[i].nparts; k++)
            free((char *)o->defines[i].parts[k]);
        free(o->defines[i].parts);
        free((char *)o->defines[i].value);
    }
    free(o->defines);
    free(o->global_var);
    free(o->global_assign);
    free(o->entries);
    free(o->externals);
}

static void paths_free(const char **p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((char *)p[i]);
    free(p);
}

static char *out_path(const bundle_opts *o, const char *entry)
{
    if (o->outfile)
        return strdup(o->outfile);
    if (!o->outdir)
        return NULL;
    const char *b = strrchr(entry, '/');
    b = b ? b + 1 : entry;
    const char *dot = strrchr(b, '.');
    size_t n = dot ? (size_t)(dot - b) : strlen(b);
    size_t len = strlen(o->outdir) + n + 8;
    char *p = malloc(len);
    snprintf(p, len, "%s/%.*s.js", o->outdir, (int)n, b);
    return p;
}

/* mkdir -p of path's first n bytes, as esbuild creates the directories
 * of its output; -1 with a message when one cannot be made. */
static int make_dirs(const char *path, size_t n)
{
    char *d = strndup(path, n);
    int rc = 0;
    for (char *s = d + 1; rc == 0; s++) {
        if (*s != '/' && *s)
            continue;
        char c = *s;
        *s = 0;
        if (mkdir(d, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "sluice bundle: cannot create directory %s: %s\n", d, strerror(errno));
            rc = -1;
        }
        *s = c;
        if (!c)
            break;
    }
    free(d);
    return rc;
}

/* make_dirs of the directory that will hold the file `path`. */
static int make_parent_dirs(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL; /* NULL: stdout */
    return slash && slash != path ? make_dirs(path, (size_t)(slash - path)) : 0;
}

static int write_file(const char *path, const char *data, size_t len, int quiet)
{
    sl_outfile of;
    char err[512];
    if (make_parent_dirs(path))
        return -1;
    if (sl_outfile_open(&of, path, 1, err, sizeof err)) {
        fprintf(stderr, "sluice bundle: %s\n", err);
        return -1;
    }
    if (fwrite(data, 1, len, of.fp) != len)
        sl_outfile_failed(&of, errno); /* commit says why ("cannot write" once said nothing) and drops it */
    if (sl_outfile_commit(&of, err, sizeof err)) {
        fprintf(stderr, "sluice bundle: %s\n", err);
        return -1;
    }
    if (!quiet && path && strcmp(path, "-"))
        fprintf(stderr, "  %s  %.1f KiB\n", path, (double)len / 1024.0);
    return 0;
}

static char *dir_of(const char *path)
{
    char *abs = sl__path_absolute(".");
    if (!path)
        return abs;
    const char *s = strrchr(path, '/');
    if (!s) {
        return abs;
    }
    char *d = strndup(path, (size_t)(s - path));
    char *r = sl__path_absolute(d[0] ? d : "/");
    free(d);
    free(abs);
    return r;
}

/* Absolute entry paths, each checked to be a readable regular file (a
 * FIFO or a device is refused, never waited on); NULL after a message. */
static const char **entry_paths(const bundle_opts *o)
{
    const char **abs = calloc(o->nentries, sizeof *abs);
    for (size_t i = 0; i < o->nentries; i++) {
        char msg[1024];
        int fd = sl_infile_open(o->entries[i], msg, sizeof msg);
        if (fd < 0) {
            fprintf(stderr, "sluice bundle: entry %s\n", msg);
            paths_free(abs, i);
            return NULL;
        }
        close(fd);
        abs[i] = sl__path_absolute(o->entries[i]);
    }
    return abs;
}

/* Warnings (never fatal): code the bundle may not run as the source
 * does.  Like esbuild, none for files inside node_modules, which the user
 * does not write; -q silences them all. */
static void print_warning(const bundle_opts *o, const js_module *m, uint32_t pos, int in_orig, const char *what)
{
    if (o->quiet || strstr(m->path, "/node_modules/"))
        return;
    char msg[1024];
    const char *src = m->orig_src;
    size_t len = m->orig_len;
    uint32_t at = in_orig ? pos : sl__module_orig_pos(m, pos, &src, &len);
    sl__js_diag(msg, sizeof msg, m->path, src, len, at, what);
    fprintf(stderr, "%s\n", msg);
}

/* The parser's, once per module, in module order. */
static void print_parse_warnings(const bundle_opts *o, const sl__graph *g)
{
    for (size_t i = 0; i < g->n; i++)
        for (size_t k = 0; k < g->mods[i]->nwarnings; k++)
            print_warning(o, g->mods[i], g->mods[i]->warnings[k].pos, g->mods[i]->warnings[k].in_orig,
                          g->mods[i]->warnings[k].msg);
}

static void print_warnings(const bundle_opts *o, const sl__graph *g, const sl__link *L)
{
    for (size_t i = 0; i < L->nwarnings; i++)
        print_warning(o, g->mods[L->warnings[i].mod], L->warnings[i].pos, 0, L->warnings[i].msg);
}

/* The minified bundle's map: the minifier's segments already point into
 * the original files (through the bundle's map, sl__minify_opts.base). */
static void minified_map(sl__output *out, sl__minified *mn)
{
    free(out->map);
    sl__map_json(mn->segs, mn->nsegs, out->sources, out->contents, out->content_lens, out->nsources, mn->names,
                 mn->nnames, &out->map, &out->map_len);
    free(out->segs);
    out->segs = mn->segs;
    out->nsegs = mn->nsegs;
    mn->segs = NULL;
}

/* Levels the bundle's wrappers (the IIFE, a CommonJS closure, a lazy
 * import() group) add around a module's deepest nesting. */
enum { MINIFY_WRAPPER_DEPTH = 64 };

typedef struct minify_job {
    const char *code;
    size_t len;
    const size_t *cuts;
    size_t ncuts, threads;
    sl__minify_opts *mo;
    sl__minified *mn;
    int rc;
    char err[1024];
} minify_job;

static void *minify_thread(void *arg)
{
    minify_job *j = arg;
    j->rc = sl__front_minify_pieces(j->code, j->len, j->cuts, j->ncuts, j->threads, j->mo, j->mn);
    if (j->rc == 1)
        j->rc = sl__front_minify(j->code, j->len, j->mo, j->mn, j->err, sizeof j->err);
    return NULL;
}

/* --minify-*: the linked bundle through tools/js (parse, rewrite, rename,
 * print), its map composed with the bundle's. */
static int minify_output(const bundle_opts *o, sl__output *out, const char *map_name, size_t nmods, size_t threads)
{
    size_t len = out->len;
    if (map_name) { /* the sourceMappingURL line goes back on after */
        while (len > 0 && out->code[len - 1] != '\n')
            len--;
        while (len > 0 && out->code[len - 1] == '\n')
            len--;
        while (len > 0 && out->code[len - 1] != '\n')
            len--;
    }
    sl__minify_opts mo = {.whitespace = (uint8_t)o->minify_ws, .syntax = (uint8_t)o->minify_syntax,
                          .identifiers = (uint8_t)o->minify_idents, .module = o->format == FMT_ESM, .cjs = o->format == FMT_CJS,
                          .keep = o->format == FMT_IIFE ? o->global_var : NULL, .want_map = map_name != NULL,
                          .base = out->segs, .nbase = out->nsegs,
                          .contents = (const char *const *)out->contents, .content_lens = out->content_lens,
                          .nsources = out->nsources, .max_depth = JS_MAX_NESTING + MINIFY_WRAPPER_DEPTH};
    sl__minified mn;
    minify_job job = {out->code, len, out->cuts, out->ncuts, threads, &mo, &mn, -1, ""};
    /* The bundle nests as deep as its modules (up to JS_MAX_NESTING, a few
     * levels more inside the wrappers), past what a default stack holds:
     * the minifier runs on a thread with the parser's stack, as the
     * modules' parse did, and allows as much nesting. */
    pthread_t t;
    if (sl__js_thread_start(&t, minify_thread, &job) == 0)
        pthread_join(t, NULL);
    else {
        mo.max_depth = 0; /* this thread's stack: tools/js's own limit */
        minify_thread(&job);
    }
    int rc = job.rc;
    if (rc) {
        fprintf(stderr, "sluice bundle: cannot minify the bundle:\n%s\n", job.err);
        return -1;
    }
    /* metafile: each module's share of the output, scaled to the minified size */
    for (size_t i = 0; out->module_bytes && len && i < nmods; i++)
        out->module_bytes[i] = (size_t)((double)out->module_bytes[i] * (double)mn.len / (double)len);
    if (map_name) {
        minified_map(out, &mn);
        size_t n = strlen(map_name) + 32;
        mn.code = realloc(mn.code, mn.len + n);
        mn.len += (size_t)snprintf(mn.code + mn.len, n, "//# sourceMappingURL=%s\n", map_name);
    }
    free(out->code);
    out->code = mn.code;
    out->len = mn.len;
    mn.code = NULL;
    sl__minified_free(&mn);
    return 0;
}

typedef struct timings {
    double graph, link, print, minify, write;
} timings;

/* Links, prints and writes the bundle of entry e. */
static int emit_entry(const bundle_opts *o, const sl__link_opts *lo, sl__graph *g, sl_pool *pool,
                      const char *abs_entry, size_t e, sl__link *L, sl__output *out, sl__meta_output *meta,
                      timings *t)
{
    double a = now_s();
    char *err = NULL;
    int rc = sl__link_build(L, g, (int32_t)e, lo, &err);
    print_warnings(o, g, L);
    if (rc) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return 1;
    }
    double b = now_s();
    char *path = out_path(o, abs_entry);
    char *map_name = NULL, *map_path = NULL, *map_dir = NULL;
    if (o->sourcemap) {
        map_path = malloc(strlen(path) + 5);
        sprintf(map_path, "%s.map", path);
        const char *sl = strrchr(map_path, '/');
        map_name = strdup(sl ? sl + 1 : map_path);
        map_dir = dir_of(path);
    }
    int minify = o->minify_ws || o->minify_syntax || o->minify_idents;
    if (sl__print(L, pool, map_name, map_dir, !minify, out)) {
        fprintf(stderr, "sluice bundle: internal error: a module was left without a name; nothing written\n");
        rc = 1;
    }
    double m = now_s();
    if (!rc && minify &&
        minify_output(o, out, map_name, g->n, sl_pool_size(pool)))
        rc = 1;
    double c = now_s();
    if (rc || write_file(path, out->code, out->len, o->quiet) ||
        (map_path && write_file(map_path, out->map, out->map_len, o->quiet)))
        rc = 1;
    t->write += now_s() - c;
    t->link += b - a;
    t->print += m - b;
    t->minify += c - m;
    *meta = (sl__meta_output){path ? path : "<stdout>", L, out};
    free(map_name);
    free(map_path);
    free(map_dir);
    return rc;
}

static int write_metafile(const bundle_opts *o, sl__graph *g, const sl__link *links,
                          const sl__meta_output *metas)
{
    sl_outfile of;
    char msg[512];
    if (make_parent_dirs(o->metafile))
        return -1;
    if (sl_outfile_open(&of, o->metafile, 1, msg, sizeof msg)) {
        fprintf(stderr, "sluice bundle: %s\n", msg);
        return 1;
    }
    sl__metafile_write(of.fp, g, links[0].kind, metas, o->nentries);
    if (sl_outfile_commit(&of, msg, sizeof msg)) {
        fprintf(stderr, "sluice bundle: %s\n", msg);
        return 1;
    }
    return 0;
}

static void print_stats(const sl__graph *g, const sl__link *links, size_t n, const timings *t)
{
    size_t steps = 0;
    for (size_t e = 0; e < n; e++)
        steps += links[e].steps;
    fprintf(stderr,
            "sluice bundle: %zu modules, %.1f MB source, %zu threads\n"
            "  graph (read+lex+parse+resolve) %.3f s\n  link %.3f s\n  print %.3f s\n  minify %.3f s\n  write %.3f s\n"
            "  parse arenas %.1f MB\n  link steps %zu\n",
            g->n, (double)g->bytes / 1e6, g->nworkers, t->graph, t->link, t->print, t->minify, t->write,
            (double)g->arena_bytes / 1e6, steps);
}

/* Every phase for every entry; 0, or 1 after the messages. */
static int run(const bundle_opts *o, const char **abs, sl_pool *pool)
{
    double t0 = now_s();
    int meta = o->format == FMT_ESM ? JS_META_KEEP
               : o->format == FMT_CJS && o->platform_node ? JS_META_NODE_CJS : JS_META_EMPTY;
    sl__graph_opts go = {.parse = {o->defines, o->ndefines, meta, o->format == FMT_ESM, o->format == FMT_CJS},
                         .resolve = {o->platform_node, o->externals, o->nexternals},
                         .max_modules = o->max_modules,
                         .lower = o->lower};
    sl__graph g;
    char *err = NULL;
    if (sl__graph_build(&g, pool, abs, o->nentries, &go, &err)) {
        fprintf(stderr, "%s\n", err);
        free(err);
        sl__graph_free(&g);
        return 1;
    }
    timings t = {.graph = now_s() - t0};
    print_parse_warnings(o, &g);
    sl__link *links = calloc(o->nentries, sizeof *links);
    sl__output *outs = calloc(o->nentries, sizeof *outs);
    sl__meta_output *metas = calloc(o->nentries, sizeof *metas);
    sl__link_opts lo = {.format = o->format, .platform_node = o->platform_node, .global_name = o->global_name, .global_assign = o->global_assign,
                        .sourcemap = o->sourcemap};
    int rc = 0;
    for (size_t e = 0; e < o->nentries && !rc; e++)
        rc = emit_entry(o, &lo, &g, pool, abs[e], e, &links[e], &outs[e], &metas[e], &t);
    if (!rc && o->metafile)
        rc = write_metafile(o, &g, links, metas);
    if (o->stats)
        print_stats(&g, links, o->nentries, &t);
    for (size_t e = 0; e < o->nentries; e++) {
        if (links[e].g)
            sl__link_free(&links[e]);
        sl__output_free(&outs[e]);
        if (metas[e].file && strcmp(metas[e].file, "<stdout>"))
            free((char *)metas[e].file);
    }
    free(links);
    free(outs);
    free(metas);
    sl__graph_free(&g);
    return rc;
}

int sl_bundle_main(int argc, char **argv)
{
    bundle_opts o;
    if (parse_args(argc, argv, &o)) {
        opts_free(&o);
        return 2;
    }
    const char **abs = entry_paths(&o);
    int rc = 1;
    sl_pool *pool = NULL;
    if (!abs)
        goto out;
    if (o.outdir && make_dirs(o.outdir, strlen(o.outdir)))
        goto out;
    pool = sl_pool_new(o.threads);
    if (!pool) {
        fprintf(stderr, "sluice bundle: cannot start the thread pool\n");
        goto out;
    }
    rc = run(&o, abs, pool);
out:
    if (pool)
        sl_pool_free(pool);
    if (abs)
        paths_free(abs, o.nentries);
    opts_free(&o);
    return rc;
}
