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
#include "js_printer.h"
#include "linker.h"
#include "metafile.h"
#include "outfile.h"
#include "sluice/pool.h"

typedef struct bundle_opts {
    const char **entries;
    size_t nentries;
    const char *outfile, *outdir, *metafile, *global_name;
    int format, platform_node, sourcemap, stats, quiet;
    size_t threads;
    const char **externals;
    size_t nexternals;
    js_define *defines;
    size_t ndefines;
} bundle_opts;

static void usage(FILE *f)
{
    fputs("usage: sluice bundle ENTRY... [-o FILE | --outdir DIR] [--format esm|iife|cjs]\n"
          "                     [--platform browser|node] [--global-name NAME] [--external SPEC]...\n"
          "                     [--define KEY=VALUE]... [--sourcemap] [--metafile FILE] [-j THREADS]\n"
          "                     [--stats] [-q]\n\n"
          "Bundles JavaScript modules (ESM and CommonJS, .js .mjs .cjs .json) into one file per entry.\n"
          "Writes to standard output when neither -o nor --outdir is given.  See docs/bundle.md.\n",
          f);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int add_define(bundle_opts *o, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return -1;
    o->defines = realloc(o->defines, (o->ndefines + 1) * sizeof *o->defines);
    js_define *d = &o->defines[o->ndefines++];
    d->value = eq + 1;
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

enum { OPT_OUTDIR = 256, OPT_FORMAT, OPT_PLATFORM, OPT_GLOBAL_NAME, OPT_EXTERNAL, OPT_DEFINE, OPT_METAFILE,
       OPT_SOURCEMAP, OPT_STATS };

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
    case OPT_GLOBAL_NAME: o->global_name = v; return 0;
    case OPT_EXTERNAL: o->externals[o->nexternals++] = v; return 0;
    case OPT_DEFINE:
        if (add_define(o, v)) {
            fprintf(stderr, "sluice bundle: --define wants KEY=VALUE with KEY like a.b.c, got '%s'\n", v);
            return -1;
        }
        return 0;
    case OPT_METAFILE: o->metafile = v; return 0;
    case 'j': return set_threads(o, v);
    case OPT_SOURCEMAP: o->sourcemap = 1; return 0;
    case OPT_STATS: o->stats = 1; return 0;
    case 'q': o->quiet = 1; return 0;
    default: return -1;
    }
}

/* getopt_long's rules, as every sluice command reads flags: `-j1` and
 * `-j 1`, `--format=esm` and `--format esm`, `-qj2`, and `--` before an
 * entry whose name starts with a dash.  Entries may come between flags. */
static int parse_args(int argc, char **argv, bundle_opts *o)
{
    static const struct option longs[] = {
        {"outfile", required_argument, NULL, 'o'},         {"outdir", required_argument, NULL, OPT_OUTDIR},
        {"format", required_argument, NULL, OPT_FORMAT},   {"platform", required_argument, NULL, OPT_PLATFORM},
        {"global-name", required_argument, NULL, OPT_GLOBAL_NAME},
        {"external", required_argument, NULL, OPT_EXTERNAL}, {"define", required_argument, NULL, OPT_DEFINE},
        {"metafile", required_argument, NULL, OPT_METAFILE}, {"threads", required_argument, NULL, 'j'},
        {"sourcemap", no_argument, NULL, OPT_SOURCEMAP},   {"stats", no_argument, NULL, OPT_STATS},
        {"quiet", no_argument, NULL, 'q'},                 {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->format = -1;
    o->entries = calloc((size_t)argc, sizeof *o->entries);
    o->externals = calloc((size_t)argc, sizeof *o->externals);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:j:qh", longs, NULL)) != -1) {
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
    if (o->format < 0)
        o->format = o->platform_node ? FMT_CJS : FMT_IIFE;
    return 0;
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

static int write_file(const char *path, const char *data, size_t len, int quiet)
{
    sl_outfile of;
    char err[512];
    if (sl_outfile_open(&of, path, 1, err, sizeof err)) {
        fprintf(stderr, "sluice bundle: %s\n", err);
        return -1;
    }
    if (fwrite(data, 1, len, of.fp) != len) {
        sl_outfile_abort(&of);
        fprintf(stderr, "sluice bundle: cannot write %s\n", path);
        return -1;
    }
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

int sl_bundle_main(int argc, char **argv)
{
    bundle_opts o;
    if (parse_args(argc, argv, &o))
        return 2;
    double t0 = now_s();
    const char **abs = calloc(o.nentries, sizeof *abs);
    for (size_t i = 0; i < o.nentries; i++) {
        abs[i] = sl__path_absolute(o.entries[i]);
        char msg[1024];
        int fd = sl_infile_open(o.entries[i], msg, sizeof msg); /* never blocks on a FIFO */
        if (fd < 0) {
            fprintf(stderr, "sluice bundle: entry %s\n", msg);
            return 1;
        }
        close(fd);
    }
    if (o.outdir && mkdir(o.outdir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "sluice bundle: cannot create %s: %s\n", o.outdir, strerror(errno));
        return 1;
    }
    sl_pool *pool = sl_pool_new(o.threads);
    if (!pool) {
        fprintf(stderr, "sluice bundle: cannot start the thread pool\n");
        return 1;
    }
    sl__graph_opts go = {.parse = {o.defines, o.ndefines},
                         .resolve = {o.platform_node, o.externals, o.nexternals}};
    sl__graph g;
    char *err = NULL;
    int rc = 0;
    if (sl__graph_build(&g, pool, abs, o.nentries, &go, &err)) {
        fprintf(stderr, "%s\n", err);
        free(err);
        sl__graph_free(&g);
        sl_pool_free(pool);
        return 1;
    }
    double t1 = now_s();
    sl__link_opts lo = {.format = o.format, .platform_node = o.platform_node, .global_name = o.global_name,
                        .sourcemap = o.sourcemap};
    sl__link *links = calloc(o.nentries, sizeof *links);
    sl__output *outs = calloc(o.nentries, sizeof *outs);
    sl__meta_output *metas = calloc(o.nentries, sizeof *metas);
    double tlink = 0, tprint = 0, twrite = 0;
    for (size_t e = 0; e < o.nentries && !rc; e++) {
        double a = now_s();
        if (sl__link_build(&links[e], &g, (int32_t)e, &lo, &err)) {
            fprintf(stderr, "%s\n", err);
            free(err);
            rc = 1;
            break;
        }
        double b = now_s();
        char *path = out_path(&o, abs[e]);
        char *map_name = NULL, *map_path = NULL, *map_dir = NULL;
        if (o.sourcemap) {
            map_path = malloc(strlen(path) + 5);
            sprintf(map_path, "%s.map", path);
            const char *s = strrchr(map_path, '/');
            map_name = strdup(s ? s + 1 : map_path);
            map_dir = dir_of(path);
        }
        sl__print(&links[e], pool, map_name, map_dir, &outs[e]);
        double c = now_s();
        if (write_file(path, outs[e].code, outs[e].len, o.quiet) ||
            (map_path && write_file(map_path, outs[e].map, outs[e].map_len, o.quiet)))
            rc = 1;
        twrite += now_s() - c;
        tlink += b - a;
        tprint += c - b;
        metas[e] = (sl__meta_output){path ? path : "<stdout>", &links[e], &outs[e]};
        free(map_name);
        free(map_path);
        free(map_dir);
    }
    if (!rc && o.metafile) {
        sl_outfile of;
        char msg[512];
        if (sl_outfile_open(&of, o.metafile, 1, msg, sizeof msg)) {
            fprintf(stderr, "sluice bundle: %s\n", msg);
            rc = 1;
        } else {
            sl__metafile_write(of.fp, &g, links[0].kind, metas, o.nentries);
            if (sl_outfile_commit(&of, msg, sizeof msg)) {
                fprintf(stderr, "sluice bundle: %s\n", msg);
                rc = 1;
            }
        }
    }
    if (o.stats)
        fprintf(stderr,
                "sluice bundle: %zu modules, %.1f MB source, %zu threads\n"
                "  graph (read+lex+parse+resolve) %.3f s\n  link %.3f s\n  print %.3f s\n  write %.3f s\n"
                "  parse arenas %.1f MB\n",
                g.n, (double)g.bytes / 1e6, g.nworkers, t1 - t0, tlink, tprint, twrite,
                (double)g.arena_bytes / 1e6);
    for (size_t e = 0; e < o.nentries; e++) {
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
    sl_pool_free(pool);
    for (size_t i = 0; i < o.nentries; i++)
        free((char *)abs[i]);
    free(abs);
    for (size_t i = 0; i < o.ndefines; i++) {
        for (size_t k = 0; k < o.defines[i].nparts; k++)
            free((char *)o.defines[i].parts[k]);
        free(o.defines[i].parts);
    }
    free(o.defines);
    free(o.entries);
    free(o.externals);
    return rc;
}
