/*
 * main.c - `sluice md`: flag parsing, then the batch command or the
 * JSON-RPC sidecar (--serve).  See tools/md/README.md.
 */
#include <errno.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"
#include "md_libs.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: sluice md [-j THREADS] [-o OUTDIR] [--gfm | --commonmark] [--unsafe-html]\n"
            "                 [--no-front-matter] [--xhtml] [--json] [-q] [--stats] [--workers URL] PATH...\n"
            "       sluice md --serve [-j THREADS] [--max-line BYTES] [--queue-bytes BYTES] [--stats]\n"
            "       (either one: [--isolate [--page-timeout MS] [--worker-memory BYTES]])\n"
            "\n"
            "Renders Markdown pages (.md/.markdown files; directories are walked) to HTML.\n"
            "  -j, --threads N    worker threads (default: one per CPU)\n"
            "  -o, --output DIR   mirror the input tree under DIR as .html (.json with --json)\n"
            "                     without -o, one page (or '-', standard input) goes to stdout\n"
            "      --gfm          GitHub flavour: tables, strikethrough, task lists, autolinks (default)\n"
            "      --commonmark   plain CommonMark\n"
            "      --unsafe-html  let raw HTML through (default: it is escaped, and javascript:,\n"
            "                     vbscript:, file: and data: link URLs are emptied)\n"
            "      --no-front-matter  a leading --- block is Markdown, not YAML front matter\n"
            "      --xhtml        XHTML-style empty elements: <br />, <hr />, <img ... /> (the default\n"
            "                     renderer always writes them; kept for scripts that pass it)\n"
            "      --json         per page {file, html, frontmatter, headings, wordCount}\n"
            "      --mdx          every page is MDX (.mdx files always are): an ES module (.js)\n"
            "      --jsx-import-source S  MDX: the JSX runtime, S/jsx-runtime (default react)\n"
            "      --provider-import-source S  MDX: components also from S's useMDXComponents()\n"
            "      --no-heading-ids  MDX: headings get no id attribute\n"
            "  -q, --quiet        no summary line, no progress bar\n"
            "      --stats        print libsluice's metrics as JSON on stderr (the sidecar: at exit,\n"
            "                     per page queued/render/answered latency histograms)\n"
            "      --workers URL  render on `sluice worker`s too, through the Redis queue URL\n"
            "                     (redis://[user:password@]host:port/NAME); -j 0: only there\n"
            "      --serve        JSON-RPC 2.0 over NDJSON on stdin/stdout (docs/formats/md-rpc.md)\n"
            "      --max-line N   sidecar: longest request line (default 64 MiB)\n"
            "      --queue-bytes N  sidecar: queued page bytes before it stops reading (default 64 MiB)\n"
            "      --isolate      render in worker processes: a page that crashes, hangs or bloats\n"
            "                     the renderer fails alone (retried once, then reported)\n"
            "      --page-timeout MS  with --isolate: a page's time limit (default 60000)\n"
            "      --worker-memory N  with --isolate: a worker's memory limit (default 4G)\n");
}

/* -j 0 means "render only on the workers", so it needs --workers. */
static int workers_zero_ok(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--workers") || !strncmp(argv[i], "--workers=", 10))
            return 1;
    return 0;
}

/* A size with an optional K/M/G suffix (powers of 1024). */
static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return -1;
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10, end++;
    else if (*end == 'M' || *end == 'm')
        shift = 20, end++;
    else if (*end == 'G' || *end == 'g')
        shift = 30, end++;
    if (*end || v > (SIZE_MAX >> shift))
        return -1;
    *out = (size_t)(v << shift);
    return 0;
}

enum {
    OPT_GFM = 256, OPT_CM, OPT_UNSAFE, OPT_JSON, OPT_STATS, OPT_SERVE, OPT_MAXLINE, OPT_QUEUE,
    OPT_NOFM, OPT_XHTML, OPT_MDX, OPT_JSX_SOURCE, OPT_PROVIDER, OPT_NO_IDS,
    OPT_WORKERS, OPT_ISOLATE, OPT_PAGE_TIMEOUT, OPT_WORKER_MEMORY
};

/* An MDX import source into a fixed field; 0, or -1 (empty or too long). */
static int import_source(char *dst, size_t cap, const char *flag, const char *v)
{
    if (!*v || strlen(v) >= cap) {
        fprintf(stderr, "sluice md: %s wants a module name of 1 to %zu bytes\n", flag, cap - 1);
        return -1;
    }
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

int sl_md_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"threads", required_argument, 0, 'j'}, {"output", required_argument, 0, 'o'},
        {"quiet", no_argument, 0, 'q'},          {"help", no_argument, 0, 'h'},
        {"gfm", no_argument, 0, OPT_GFM},        {"commonmark", no_argument, 0, OPT_CM},
        {"unsafe-html", no_argument, 0, OPT_UNSAFE}, {"json", no_argument, 0, OPT_JSON},
        {"stats", no_argument, 0, OPT_STATS},    {"serve", no_argument, 0, OPT_SERVE},
        {"max-line", required_argument, 0, OPT_MAXLINE},
        {"queue-bytes", required_argument, 0, OPT_QUEUE},
        {"no-front-matter", no_argument, 0, OPT_NOFM}, {"xhtml", no_argument, 0, OPT_XHTML},
        {"mdx", no_argument, 0, OPT_MDX}, {"jsx-import-source", required_argument, 0, OPT_JSX_SOURCE},
        {"provider-import-source", required_argument, 0, OPT_PROVIDER},
        {"no-heading-ids", no_argument, 0, OPT_NO_IDS},
        {"workers", required_argument, 0, OPT_WORKERS},
        {"isolate", no_argument, 0, OPT_ISOLATE}, {"page-timeout", required_argument, 0, OPT_PAGE_TIMEOUT},
        {"worker-memory", required_argument, 0, OPT_WORKER_MEMORY},
        {0, 0, 0, 0}};
    sl__md_cli c = {.max_line = (size_t)64 << 20, .queue_bytes = (size_t)64 << 20,
                    .page_timeout_ns = 60 * 1000000000LL, .worker_memory = (size_t)4 << 30};
    int serve = 0, opt;
    size_t v;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "j:o:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j':
            if (parse_size(optarg, &v) != 0 || v > 1024 || (v == 0 && !workers_zero_ok(argc, argv))) {
                fprintf(stderr, "sluice md: -j wants a thread count from 1 to 1024, not '%s'\n", optarg);
                return 2;
            }
            c.threads = v;
            c.workers_only = v == 0;
            break;
        case 'o': c.outdir = optarg; break;
        case 'q': c.quiet = 1; break;
        case 'h': usage(stdout); return 0;
        case OPT_GFM: c.render.commonmark = 0; break;
        case OPT_CM: c.render.commonmark = 1; break;
        case OPT_UNSAFE: c.render.unsafe_html = 1; break;
        case OPT_NOFM: c.render.no_frontmatter = 1; break;
        case OPT_XHTML: c.render.xhtml = 1; break;
        case OPT_WORKERS: c.workers = optarg; break;
        case OPT_JSON: c.json = 1; break;
        case OPT_MDX: c.render.mdx = 1; break;
        case OPT_NO_IDS: c.render.no_heading_ids = 1; break;
        case OPT_JSX_SOURCE:
            if (import_source(c.render.jsx_import_source, sizeof c.render.jsx_import_source, "--jsx-import-source",
                              optarg) != 0)
                return 2;
            break;
        case OPT_PROVIDER:
            if (import_source(c.render.provider_import_source, sizeof c.render.provider_import_source,
                              "--provider-import-source", optarg) != 0)
                return 2;
            break;
        case OPT_STATS: c.stats = 1; break;
        case OPT_SERVE: serve = c.serving = 1; break;
        case OPT_ISOLATE: c.isolate = 1; break;
        case OPT_PAGE_TIMEOUT:
            if (parse_size(optarg, &v) != 0 || v == 0 || v > 86400000) {
                fprintf(stderr, "sluice md: --page-timeout wants milliseconds from 1 to 86400000, not '%s'\n",
                        optarg);
                return 2;
            }
            c.page_timeout_ns = (int64_t)v * 1000000;
            break;
        case OPT_WORKER_MEMORY:
            if (parse_size(optarg, &v) != 0 || v < ((size_t)16 << 20)) {
                fprintf(stderr, "sluice md: --worker-memory wants a size of at least 16M, not '%s'\n", optarg);
                return 2;
            }
            c.worker_memory = v;
            break;
        case OPT_MAXLINE:
        case OPT_QUEUE:
            if (parse_size(optarg, &v) != 0 || v < 1024) {
                fprintf(stderr, "sluice md: %s wants a size of at least 1K, not '%s'\n",
                        opt == OPT_MAXLINE ? "--max-line" : "--queue-bytes", optarg);
                return 2;
            }
            *(opt == OPT_MAXLINE ? &c.max_line : &c.queue_bytes) = v;
            break;
        default: usage(stderr); return 2;
        }
    }
    /* The libraries a run needs, loaded (or named as missing, exit 2)
     * before any output.  The sidecar loads md4c, md4c-html and cJSON
     * where it starts (any request may be MDX).  A batch loads none:
     * pages that are not MDX render with sluice's own parser, and an MDX
     * page loads md4c and md4c-html when the batch finds it (batch.c);
     * mapping them at every run was ~2 ms of a one-page run's 4.4. */
    if (serve)
        sl__md_libs_need(); /* md4c, md4c-html, cJSON */
    if (serve) {
        if (optind < argc || c.outdir || c.workers) {
            fprintf(stderr, "sluice md: --serve takes no paths, no -o and no --workers\n");
            return 2;
        }
        {
#ifdef __GLIBC__
            /* A long-lived server sees multi-megabyte lines, pages and
             * responses come and go: a fixed mmap threshold hands each
             * block of 1 MiB or more back to the kernel when freed, where
             * glibc's adaptive one would soon serve them from the heap and
             * keep the peak resident for good. */
            mallopt(M_MMAP_THRESHOLD, 1 << 20);
            /* ...but the heap's top is trimmed back to the kernel at every
             * free past 128 KiB, and the next page faults it in again: on
             * 1,000 MDX pages, 45% of the sidecar's CPU (bench/mdx).  Up
             * to 8 MiB stays; the peak is the same (measured, 75 MB). */
            mallopt(M_TRIM_THRESHOLD, 8 << 20);
#endif
            return sl__md_serve(&c, 0, 1);
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    return sl__md_batch(&c, argv + optind, argc - optind);
}
