/*
 * emit_json.c - the graph as one JSON document: meta, files, nodes,
 * edges, warnings, one record a line so that diffs stay readable.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "emit.h"
#include "outfile.h"
#include "sluice/sluice.h"

const char *gr_file_status(const gr_file *f)
{
    if (!f->fg || f->fg->failed)
        return "unreadable";
    if (f->orphan)
        return "orphan";
    return f->mounted ? "ok" : "unreached";
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t k = u[0] >= 0xC2 && u[0] <= 0xDF ? 2 : u[0] >= 0xE0 && u[0] <= 0xEF ? 3 : u[0] >= 0xF0 && u[0] <= 0xF4 ? 4 : 0;
    if (!k || k > n)
        return 0;
    for (size_t i = 1; i < k; i++)
        if ((u[i] & 0xC0) != 0x80)
            return 0;
    if ((k == 3 && u[0] == 0xE0 && u[1] < 0xA0) || (k == 3 && u[0] == 0xED && u[1] >= 0xA0) ||
        (k == 4 && u[0] == 0xF0 && u[1] < 0x90) || (k == 4 && u[0] == 0xF4 && u[1] >= 0x90))
        return 0;
    return k;
}

static void jstr(FILE *o, const char *s, size_t n)
{
    fputc('"', o);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(o, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", o);
        else if (c == '\t')
            fputs("\\t", o);
        else if (c < 0x20 || c == 0x7f)
            fprintf(o, "\\u%04x", c);
        else if (c < 0x80)
            fputc(c, o);
        else {
            /* keep valid UTF-8 sequences, replace any other byte */
            size_t k = utf8_len(s + i, n - i);
            if (k) {
                fwrite(s + i, 1, k, o);
                i += k - 1;
            } else {
                fputs("\\ufffd", o);
            }
        }
    }
    fputc('"', o);
}

static void jcstr(FILE *o, const char *s)
{
    jstr(o, s, strlen(s));
}

static void jid(FILE *o, const gr_graph *g, uint32_t id)
{
    jstr(o, gr_str(&g->st, id), gr_strlen(&g->st, id));
}

static void jtext(FILE *o, const gr_graph *g, uint32_t off)
{
    jstr(o, gr_text_str(g, off), gr_text_len(g, off));
}

/* Keeps the cause of a write that failed since the last call (errno is
 * still its own this soon), for the commit's message: stdio keeps only
 * the error flag.  Called once a row. */
static void check_written(FILE *o, sl_outfile *out)
{
    if (!out->error && ferror(o))
        sl_outfile_failed(out, errno);
}

int gr_emit_json(const gr_graph *g, const char *path, gr_written *written, char *err, size_t errlen)
{
    sl_outfile out;
    if (sl_outfile_open(&out, path, 1, err, errlen))
        return -1;
    FILE *o = out.fp;
    fprintf(o, "{\"format\":\"sluice-graph\",\"version\":%d,\"tool\":\"sluice %s\",\"inputs\":[",
            GR_FORMAT_VERSION, SLUICE_VERSION);
    for (size_t i = 0; i < g->inputs.n; i++) {
        fputs(i ? "," : "", o);
        jcstr(o, g->inputs.v[i]);
    }
    fputs("],\n\"files\":[\n", o);
    for (size_t i = 0; i < g->nfiles; i++) {
        const gr_file *f = &g->files[i];
        fprintf(o, "%s{\"id\":%zu,\"path\":", i ? ",\n" : "", i + 1);
        jcstr(o, f->path);
        fprintf(o, ",\"bytes\":%llu,\"status\":\"%s\",\"module\":", (unsigned long long)(f->fg ? f->fg->bytes : 0),
                gr_file_status(f));
        if (f->module)
            fprintf(o, "%u}", f->module);
        else
            fputs("null}", o);
        check_written(o, &out);
    }
    fputs("],\n\"nodes\":[\n", o);
    for (size_t i = 1; i < g->nnodes; i++) {
        const gr_node *n = &g->nodes[i];
        fprintf(o, "%s{\"id\":%zu,\"kind\":\"%s\",\"sub\":\"%s\",\"name\":", i > 1 ? ",\n" : "", i,
                gr_kind_name(n->kind), fg_sub_name(n->sub));
        jid(o, g, n->name);
        fputs(",\"path\":", o);
        jtext(o, g, n->path);
        if (n->crate)
            fprintf(o, ",\"crate\":%u", n->crate);
        else
            fputs(",\"crate\":null", o);
        if (n->file)
            fprintf(o, ",\"file\":%u,\"line\":%u,\"col\":%u,\"end_line\":%u,\"end_col\":%u", n->file, n->line,
                    n->col, n->end_line, n->end_col);
        else
            fputs(",\"file\":null,\"line\":null,\"col\":null,\"end_line\":null,\"end_col\":null", o);
        fputs(",\"vis\":", o);
        jid(o, g, n->vis);
        fputs(",\"sig\":", o);
        jtext(o, g, n->sig);
        fputs(",\"macro\":", o);
        jid(o, g, n->macro);
        fputc('}', o);
        check_written(o, &out);
    }
    fputs("],\n\"edges\":[\n", o);
    for (size_t i = 0; i < g->nedges; i++) {
        fprintf(o, "%s[%u,\"%s\",%u]", i ? ",\n" : "", g->edges[i].src, gr_edge_name(g->edges[i].kind),
                g->edges[i].dst);
        check_written(o, &out);
    }
    fputs("],\n\"warnings\":[\n", o);
    for (size_t i = 0; i < g->nwarnings; i++) {
        fputs(i ? ",\n{\"file\":" : "{\"file\":", o);
        jid(o, g, g->warnings[i].file);
        fprintf(o, ",\"line\":%u,\"message\":", g->warnings[i].line);
        jcstr(o, g->warnings[i].msg);
        fputc('}', o);
        check_written(o, &out);
    }
    fputs("]}\n", o);
    check_written(o, &out);
    /* a write that failed: commit says why and drops the file */
    if (sl_outfile_commit(&out, err, errlen))
        return -1;
    if (written)
        *written = (gr_written){out.dev, out.ino};
    return 0;
}
