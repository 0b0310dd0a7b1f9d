/*
 * record_diff.c - differential harness: the module record of each file
 * given, from the bundler's own parser (sl__js_parse) and from tools/js's
 * tree (sl__js_record), compared field by field.  A development tool for
 * the switch to one parser (issue 17), not a test: it prints what
 * differs and exits 1 when anything does.
 *
 *   record_diff [--define a.b=V] [--meta keep|empty|node] FILE...
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infile.h"
#include "js_record.h"

typedef struct job {
    char **files;
    int nfiles;
    js_parse_opts o;
    int differ, same, both_fail, old_only_fail, new_only_fail;
} job;

static int shown;

static void say(const char *path, const char *what, long i, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#include <stdarg.h>
static void say(const char *path, const char *what, long i, const char *fmt, ...)
{
    if (shown++ > 4000)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("%s: %s[%ld]: ", path, what, i);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

static int streq(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

static int cmp_names(const char *path, const char *what, const char **a, size_t na, const char **b, size_t nb)
{
    int d = 0;
    /* both as sets: sort copies */
    const char **x = malloc((na + 1) * sizeof *x), **y = malloc((nb + 1) * sizeof *y);
    memcpy(x, a, na * sizeof *x);
    memcpy(y, b, nb * sizeof *y);
    int cs(const void *p, const void *q);
    qsort(x, na, sizeof *x, cs);
    qsort(y, nb, sizeof *y, cs);
    size_t i = 0, k = 0;
    while (i < na || k < nb) {
        int c = i == na ? 1 : k == nb ? -1 : strcmp(x[i], y[k]);
        if (c == 0) {
            i++, k++;
            continue;
        }
        if ((i > 0 && i < na && !strcmp(x[i], x[i - 1])) || (k > 0 && k < nb && !strcmp(y[k], y[k - 1]))) {
            if (i > 0 && i < na && !strcmp(x[i], x[i - 1]))
                i++; /* a set: repeats do not count */
            else
                k++;
            continue;
        }
        d = 1;
        if (c < 0) {
            say(path, what, (long)i, "old only: %s", x[i]);
            i++;
        } else {
            say(path, what, (long)k, "new only: %s", y[k]);
            k++;
        }
    }
    free(x);
    free(y);
    return d;
}

int cs(const void *p, const void *q) { return strcmp(*(const char *const *)p, *(const char *const *)q); }

static int compare(const char *path, const js_module *a, const js_module *b)
{
    int d = 0;
#define FIELD(cond, what, i, ...)                                                                  \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            d = 1;                                                                                 \
            say(path, what, (long)(i), __VA_ARGS__);                                               \
        }                                                                                          \
    } while (0)
    FIELD(a->flags == b->flags, "flags", 0, "old %#x new %#x", a->flags, b->flags);
    FIELD(a->hashbang_end == b->hashbang_end, "hashbang", 0, "old %u new %u", a->hashbang_end, b->hashbang_end);
    FIELD(a->tla_pos == b->tla_pos, "tla_pos", 0, "old %u new %u", a->tla_pos, b->tla_pos);
    FIELD(a->nstmts == b->nstmts, "nstmts", 0, "old %zu new %zu", a->nstmts, b->nstmts);
    for (size_t i = 0; i < a->nstmts && i < b->nstmts; i++) {
        const js_stmt *x = &a->stmts[i], *y = &b->stmts[i];
        FIELD(x->start == y->start && x->end == y->end && x->body == y->body && x->name_at == y->name_at &&
                  x->default_sym == y->default_sym && x->decl_first == y->decl_first && x->decl_n == y->decl_n &&
                  x->kind == y->kind && x->pure == y->pure && x->has_semi == y->has_semi,
              "stmt", i, "old %u-%u body %u at %u def %d decl %u+%u kind %d pure %d semi %d | new %u-%u body %u at %u def %d decl %u+%u kind %d pure %d semi %d",
              x->start, x->end, x->body, x->name_at, x->default_sym, x->decl_first, x->decl_n, x->kind, x->pure,
              x->has_semi, y->start, y->end, y->body, y->name_at, y->default_sym, y->decl_first, y->decl_n, y->kind,
              y->pure, y->has_semi);
    }
    FIELD(a->nstmt_decls == b->nstmt_decls, "nstmt_decls", 0, "old %zu new %zu", a->nstmt_decls, b->nstmt_decls);
    for (size_t i = 0; i < a->nstmt_decls && i < b->nstmt_decls; i++)
        FIELD(a->stmt_decls[i] == b->stmt_decls[i], "stmt_decls", i, "old %u new %u", a->stmt_decls[i], b->stmt_decls[i]);
    FIELD(a->nsyms == b->nsyms, "nsyms", 0, "old %zu new %zu", a->nsyms, b->nsyms);
    for (size_t i = 0; i < a->nsyms && i < b->nsyms; i++) {
        const js_symbol *x = &a->syms[i], *y = &b->syms[i];
        FIELD(streq(x->name, y->name) && x->kind == y->kind && x->import_idx == y->import_idx && x->stmt == y->stmt,
              "sym", i, "old %s/%d/%d/%d new %s/%d/%d/%d", x->name, x->kind, x->import_idx, x->stmt, y->name, y->kind,
              y->import_idx, y->stmt);
    }
    FIELD(a->noccs == b->noccs, "noccs", 0, "old %zu new %zu", a->noccs, b->noccs);
    for (size_t i = 0, k = 0; i < a->noccs || k < b->noccs;) {
        const js_occ *x = i < a->noccs ? &a->occs[i] : NULL, *y = k < b->noccs ? &b->occs[k] : NULL;
        if (x && y && x->pos == y->pos) {
            FIELD(x->len == y->len && x->sym == y->sym && x->stmt == y->stmt && x->flags == y->flags &&
                      x->mem_start == y->mem_start && x->mem_len == y->mem_len,
                  "occ", x->pos, "old len %u sym %u stmt %u flags %#x mem %u+%u | new len %u sym %u stmt %u flags %#x mem %u+%u",
                  x->len, x->sym, x->stmt, x->flags, x->mem_start, x->mem_len, y->len, y->sym, y->stmt, y->flags,
                  y->mem_start, y->mem_len);
            i++, k++;
        } else if (x && (!y || x->pos < y->pos)) {
            FIELD(0, "occ", x->pos, "old only: %.*s sym %u flags %#x", (int)x->len, a->src + x->pos, x->sym, x->flags);
            i++;
        } else {
            FIELD(0, "occ", y->pos, "new only: %.*s sym %u flags %#x", (int)y->len, b->src + y->pos, y->sym, y->flags);
            k++;
        }
    }
    FIELD(a->nrecs == b->nrecs, "nrecs", 0, "old %zu new %zu", a->nrecs, b->nrecs);
    for (size_t i = 0; i < a->nrecs && i < b->nrecs; i++) {
        const js_import_rec *x = &a->recs[i], *y = &b->recs[i];
        FIELD(streq(x->spec, y->spec) && x->kind == y->kind && x->pos == y->pos && x->end == y->end &&
                  x->stmt == y->stmt && x->spec_pos == y->spec_pos,
              "rec", i, "old %s k%d %u-%u s%d @%u new %s k%d %u-%u s%d @%u", x->spec, x->kind, x->pos, x->end, x->stmt,
              x->spec_pos, y->spec, y->kind, y->pos, y->end, y->stmt, y->spec_pos);
    }
    FIELD(a->nimports == b->nimports, "nimports", 0, "old %zu new %zu", a->nimports, b->nimports);
    for (size_t i = 0; i < a->nimports && i < b->nimports; i++)
        FIELD(a->imports[i].sym == b->imports[i].sym && a->imports[i].rec == b->imports[i].rec &&
                  streq(a->imports[i].imported, b->imports[i].imported),
              "import", i, "old %u/%u/%s new %u/%u/%s", a->imports[i].sym, a->imports[i].rec, a->imports[i].imported,
              b->imports[i].sym, b->imports[i].rec, b->imports[i].imported);
    FIELD(a->nexports == b->nexports, "nexports", 0, "old %zu new %zu", a->nexports, b->nexports);
    for (size_t i = 0; i < a->nexports && i < b->nexports; i++)
        FIELD(streq(a->exports[i].name, b->exports[i].name) && a->exports[i].sym == b->exports[i].sym &&
                  a->exports[i].rec == b->exports[i].rec && streq(a->exports[i].imported, b->exports[i].imported),
              "export", i, "old %s/%d/%d/%s new %s/%d/%d/%s", a->exports[i].name, a->exports[i].sym, a->exports[i].rec,
              a->exports[i].imported, b->exports[i].name, b->exports[i].sym, b->exports[i].rec, b->exports[i].imported);
    FIELD(a->nstars == b->nstars, "nstars", 0, "old %zu new %zu", a->nstars, b->nstars);
    for (size_t i = 0; i < a->nstars && i < b->nstars; i++)
        FIELD(a->stars[i] == b->stars[i], "stars", i, "old %u new %u", a->stars[i], b->stars[i]);
    FIELD(a->npatches == b->npatches, "npatches", 0, "old %zu new %zu", a->npatches, b->npatches);
    for (size_t i = 0; i < a->npatches && i < b->npatches; i++)
        FIELD(a->patches[i].pos == b->patches[i].pos && a->patches[i].end == b->patches[i].end &&
                  streq(a->patches[i].text, b->patches[i].text),
              "patch", i, "old %u-%u %s new %u-%u %s", a->patches[i].pos, a->patches[i].end, a->patches[i].text,
              b->patches[i].pos, b->patches[i].end, b->patches[i].text);
    FIELD(a->nwarnings == b->nwarnings, "nwarnings", 0, "old %zu new %zu", a->nwarnings, b->nwarnings);
    for (size_t i = 0; i < a->nwarnings && i < b->nwarnings; i++)
        FIELD(a->warnings[i].pos == b->warnings[i].pos && streq(a->warnings[i].msg, b->warnings[i].msg), "warning",
              i, "old %u %s new %u %s", a->warnings[i].pos, a->warnings[i].msg, b->warnings[i].pos,
              b->warnings[i].msg);
    d |= cmp_names(path, "free", a->free_names, a->nfree_names, b->free_names, b->nfree_names);
    d |= cmp_names(path, "nested", a->nested_names, a->nnested_names, b->nested_names, b->nnested_names);
    return d;
}

static void *run(void *arg)
{
    job *j = arg;
    js_parse_scratch *s = sl__js_scratch_new();
    for (int i = 0; i < j->nfiles; i++) {
        char *data, msg[1024], e1[2048], e2[2048];
        size_t len;
        if (sl_infile_read(j->files[i], (size_t)1 << 30, &data, &len, msg, sizeof msg)) {
            fprintf(stderr, "%s\n", msg);
            continue;
        }
        sl__arena a;
        sl__arena_init(&a);
        uint32_t flags = 0;
        size_t n = strlen(j->files[i]);
        if (n > 4 && !strcmp(j->files[i] + n - 4, ".mjs"))
            flags |= MF_NODE_MODE;
        js_module m1 = {.path = j->files[i], .src = data, .len = len, .flags = flags};
        js_module m2 = m1;
        int r1 = sl__js_parse(&m1, &j->o, &a, s, e1, sizeof e1);
        int r2 = sl__js_record(&m2, &j->o, &a, NULL, e2, sizeof e2);
        if (r1 && r2)
            j->both_fail++;
        else if (r1)
            j->old_only_fail++, printf("%s: old fails only: %s\n", j->files[i], e1);
        else if (r2)
            j->new_only_fail++, printf("%s: new fails only: %s\n", j->files[i], e2);
        else if (compare(j->files[i], &m1, &m2))
            j->differ++;
        else
            j->same++;
        sl__arena_free(&a);
        free(data);
    }
    sl__js_scratch_free(s);
    return NULL;
}

int main(int argc, char **argv)
{
    job j = {0};
    static js_define def;
    static const char *parts[16];
    int i = 1;
    for (; i < argc && !strncmp(argv[i], "--", 2); i += 2) {
        if (i + 1 >= argc)
            return 2;
        if (!strcmp(argv[i], "--define")) {
            char *eq = strchr(argv[i + 1], '=');
            if (!eq)
                return 2;
            *eq = 0;
            def.value = eq + 1;
            def.parts = parts;
            for (char *p = strtok(argv[i + 1], "."); p && def.nparts < 16; p = strtok(NULL, "."))
                parts[def.nparts++] = p;
            j.o.defines = &def;
            j.o.ndefines = 1;
        } else if (!strcmp(argv[i], "--meta")) {
            j.o.import_meta = !strcmp(argv[i + 1], "empty") ? JS_META_EMPTY
                              : !strcmp(argv[i + 1], "node") ? JS_META_NODE_CJS
                                                              : JS_META_KEEP;
        }
    }
    j.files = argv + i;
    j.nfiles = argc - i;
    pthread_t t;
    if (sl__js_thread_start(&t, run, &j))
        return 2;
    pthread_join(t, NULL);
    printf("same %d, differ %d, both fail %d, old fails only %d, new fails only %d\n", j.same, j.differ, j.both_fail,
           j.old_only_fail, j.new_only_fail);
    return j.differ || j.old_only_fail || j.new_only_fail;
}
