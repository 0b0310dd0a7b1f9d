/*
 * metafile.c - writes the metafile (see metafile.h).
 */
#include "metafile.h"

#include <string.h>
#include <unistd.h>

static const char *rel(const char *path)
{
    static char cwd[4096];
    static size_t n;
    if (!n && getcwd(cwd, sizeof cwd))
        n = strlen(cwd);
    return n && !strncmp(path, cwd, n) && path[n] == '/' ? path + n + 1 : path;
}

static void jstr(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static const char *kind_name(int k)
{
    switch (k) {
    case IR_IMPORT: case IR_EXPORT_FROM: case IR_EXPORT_STAR: return "import-statement";
    case IR_REQUIRE: return "require-call";
    case IR_DYNAMIC: return "dynamic-import";
    default: return "require-call";
    }
}

void sl__metafile_write(FILE *f, sl__graph *g, const uint8_t *kinds, const sl__meta_output *outs, size_t nouts)
{
    fputs("{\n  \"inputs\": {", f);
    for (size_t i = 0; i < g->n; i++) {
        js_module *m = g->mods[i];
        fputs(i ? ",\n    " : "\n    ", f);
        jstr(f, rel(m->path));
        fprintf(f, ": {\n      \"bytes\": %zu,\n      \"imports\": [", m->orig_src ? m->orig_len : m->len);
        int first = 1;
        for (size_t k = 0; k < m->nrecs; k++) {
            js_import_rec *r = &m->recs[k];
            if (r->kind == IR_DEAD && !r->builtin)
                continue;
            fputs(first ? "\n        {\"path\": " : ",\n        {\"path\": ", f);
            first = 0;
            jstr(f, r->path ? rel(r->path) : r->spec);
            fprintf(f, ", \"kind\": \"%s\"", kind_name(r->kind));
            if (!r->path)
                fputs(", \"external\": true", f);
            fputs(", \"original\": ", f);
            jstr(f, r->spec);
            fputs("}", f);
        }
        fputs(first ? "]" : "\n      ]", f);
        if (!(m->flags & MF_JSON))
            fprintf(f, ",\n      \"format\": \"%s\"", kinds[i] == MK_CJS ? "cjs" : "esm");
        fputs("\n    }", f);
    }
    fputs("\n  },\n  \"outputs\": {", f);
    for (size_t o = 0; o < nouts; o++) {
        const sl__meta_output *mo = &outs[o];
        sl__link *L = mo->link;
        fputs(o ? ",\n    " : "\n    ", f);
        jstr(f, rel(mo->file));
        fprintf(f, ": {\n      \"imports\": [");
        for (size_t e = 0; e < L->next; e++) {
            fputs(e ? ", {\"path\": " : "{\"path\": ", f);
            jstr(f, L->ext[e].spec);
            fputs(", \"kind\": \"import-statement\", \"external\": true}", f);
        }
        fputs("],\n      \"exports\": [", f);
        for (size_t e = 0; e < L->nentry_exports; e += 2) {
            if (e)
                fputs(", ", f);
            jstr(f, L->entry_exports[e]);
        }
        fputs("],\n      \"entryPoint\": ", f);
        jstr(f, rel(g->mods[L->entry]->path));
        fputs(",\n      \"inputs\": {", f);
        int first = 1;
        for (size_t i = 0; i < g->n; i++) {
            if (!L->reached[i])
                continue;
            fputs(first ? "\n        " : ",\n        ", f);
            first = 0;
            jstr(f, rel(g->mods[i]->path));
            fprintf(f, ": {\"bytesInOutput\": %zu}", mo->out->module_bytes[i]);
        }
        fprintf(f, "\n      },\n      \"bytes\": %zu\n    }", mo->out->len);
    }
    fputs("\n  }\n}\n", f);
}
