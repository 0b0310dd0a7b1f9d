/*
 * main.c - the sluice command: dispatches `sluice TOOL ARGS...` to the
 * tool's entry point.  Each tool is a library under tools/<name>/ that
 * exports `int sl_<cmd>_main(int argc, char **argv)` (argv[0] is the
 * subcommand's name); the build defines SLUICE_TOOL_<NAME> for each tool
 * it links.  A worker process of a tool's --isolate is this program run
 * again: sl_proc_serve, first thing in main, serves it.
 */
#include <stdio.h>
#include <string.h>

#include "sluice/sluice.h"

typedef struct command {
    const char *name;
    const char *summary;
    int (*main)(int argc, char **argv);
} command;

#ifdef SLUICE_TOOL_PACK
int sl_pack_main(int argc, char **argv);
int sl_unpack_main(int argc, char **argv);
int sl_keygen_main(int argc, char **argv);
#endif
#ifdef SLUICE_TOOL_MD
int sl_md_main(int argc, char **argv);
extern const sl_proc_worker sl_md_render_worker; /* md --isolate */
#endif
#ifdef SLUICE_TOOL_GRAPH
int sl_graph_main(int argc, char **argv);
extern const sl_proc_worker sl_graph_parse_worker; /* graph --isolate */
#endif
#ifdef SLUICE_TOOL_BUNDLE
int sl_bundle_main(int argc, char **argv);
#endif
#ifdef SLUICE_TOOL_CLUSTER
int sl_worker_cmd(int argc, char **argv); /* jobs.c */
#endif

static const command commands[] = {
#ifdef SLUICE_TOOL_PACK
    {"pack", "compress and encrypt in parallel (zstd frames inside age)", sl_pack_main},
    {"unpack", "decrypt and decompress what pack, zstd or age wrote", sl_unpack_main},
    {"keygen", "make an X25519 identity in age's format", sl_keygen_main},
#endif
#ifdef SLUICE_TOOL_MD
    {"md", "render Markdown to HTML on every core, or serve JSON-RPC", sl_md_main},
#endif
#ifdef SLUICE_TOOL_GRAPH
    {"graph", "parse a Rust codebase into a code graph (SQLite, JSON)", sl_graph_main},
#endif
#ifdef SLUICE_TOOL_BUNDLE
    {"bundle", "bundle JavaScript modules into one file", sl_bundle_main},
#endif
#ifdef SLUICE_TOOL_CLUSTER
    {"worker", "serve graph and md jobs from a Redis queue (their --workers)", sl_worker_cmd},
#endif
    {NULL, NULL, NULL},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: sluice COMMAND [ARGS...]\n\ncommands:\n");
    for (const command *c = commands; c->name; c++)
        fprintf(out, "  %-8s %s\n", c->name, c->summary);
    fprintf(out, "\n`sluice COMMAND --help` describes a command; `sluice --version` prints %s.\n",
            SLUICE_VERSION);
}

/* The worker functions of the tools' process pools (--isolate): in a
 * worker process, sl_proc_serve runs one of them and never returns. */
static const sl_proc_worker *const workers[] = {
#ifdef SLUICE_TOOL_MD
    &sl_md_render_worker,
#endif
#ifdef SLUICE_TOOL_GRAPH
    &sl_graph_parse_worker,
#endif
    NULL};

int main(int argc, char **argv)
{
    sl_proc_serve(workers, sizeof workers / sizeof *workers - 1);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("sluice %s\n", SLUICE_VERSION);
        return 0;
    }
    for (const command *c = commands; c->name; c++)
        if (!strcmp(argv[1], c->name))
            return c->main(argc - 1, argv + 1);
    fprintf(stderr, "sluice: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
