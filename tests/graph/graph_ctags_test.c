/*
 * graph_ctags_test.c - the peer check: on real crates from Debian's
 * librust-*-dev packages (sources under /usr/share/cargo/registry,
 * installed by scripts/install-deps.sh graph), universal-ctags' Rust
 * definitions must be in our graph: for the kinds both tools know, at
 * least 99% of ctags' (file, line, name, kind) tuples.  Prints the figure.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "check.h"
#include "graph_run.h"

static const char *const crates[] = {"memchr", "itoa", "either", "semver"};

/* ctags kind -> our kinds ("a|b"). */
static const char *map_kind(const char *k)
{
    static const char *const m[][2] = {
        {"function", "function"}, {"method", "function"},     {"implementation", "impl"},
        {"enumerator", "variant"}, {"enum", "enum"},          {"interface", "trait"},
        {"field", "field"},        {"struct", "struct|union"}, {"typedef", "type"},
        {"variable", "static|const"}, {"macro", "macro"},     {"module", "module"},
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (!strcmp(k, m[i][0]))
            return m[i][1];
    return NULL;
}

/* Reads a JSON string at *p (after its opening quote) into out. */
static const char *jstring(const char *p, char *out, size_t cap)
{
    size_t n = 0;
    while (*p && *p != '"') {
        char c = *p++;
        if (c == '\\' && *p)
            c = *p++ == 'n' ? '\n' : p[-1];
        if (n + 1 < cap)
            out[n++] = c;
    }
    out[n] = 0;
    return *p ? p + 1 : p;
}

static void copy(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* Pulls name, path, line and kind from one line of ctags JSON output. */
static int parse_tag(const char *p, char *name, char *path, long *line, char *kind)
{
    name[0] = path[0] = kind[0] = 0;
    *line = 0;
    if (*p++ != '{')
        return 0;
    while (*p && *p != '}') {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p != '"')
            return 0;
        char key[64], val[4096];
        p = jstring(p + 1, key, sizeof key);
        while (*p == ' ' || *p == ':')
            p++;
        if (*p == '"') {
            p = jstring(p + 1, val, sizeof val);
            if (!strcmp(key, "name"))
                copy(name, 1024, val);
            else if (!strcmp(key, "path"))
                copy(path, 4096, val);
            else if (!strcmp(key, "kind"))
                copy(kind, 64, val);
        } else {
            char *end;
            long v = strtol(p, &end, 10);
            if (!strcmp(key, "line"))
                *line = v;
            p = end;
            while (*p && *p != ',' && *p != '}')
                p++;
        }
    }
    return name[0] && path[0] && kind[0] && *line > 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

SL_TEST(graph_covers_ctags_definitions_of_real_crates)
{
    char dirs[8][1024];
    int nd = 0;
    for (size_t i = 0; i < sizeof crates / sizeof crates[0]; i++) {
        char pat[256];
        glob_t g;
        snprintf(pat, sizeof pat, "/usr/share/cargo/registry/%s-[0-9]*", crates[i]);
        if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc > 0)
            snprintf(dirs[nd++], sizeof dirs[0], "%s", g.gl_pathv[g.gl_pathc - 1]);
        else
            fprintf(stderr, "crate %s is not installed: run scripts/install-deps.sh graph\n", crates[i]);
        globfree(&g);
    }
    CHECK_EQ(nd, 4);
    if (nd < 4)
        return;

    char tmp[4096], db[4200];
    scratch_dir(tmp, sizeof tmp);
    snprintf(db, sizeof db, "%s/g.sqlite", tmp);
    int rc = graph_run("-q", "--db", db, dirs[0], dirs[1], dirs[2], dirs[3], NULL);
    CHECK(rc == 0 || rc == 1);

    /* our definitions as "path\tline\tname\tkind" */
    sqlite3 *h;
    CHECK(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *s;
    CHECK(sqlite3_prepare_v2(h, "SELECT f.path, n.line, n.name, n.kind FROM nodes n JOIN files f ON f.id = n.file",
                             -1, &s, NULL) == SQLITE_OK);
    size_t n = 0, cap = 4096;
    char **ours = malloc(cap * sizeof *ours);
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (n == cap)
            ours = realloc(ours, (cap *= 2) * sizeof *ours);
        char buf[8192];
        snprintf(buf, sizeof buf, "%s\t%lld\t%s\t%s", sqlite3_column_text(s, 0),
                 (long long)sqlite3_column_int64(s, 1), sqlite3_column_text(s, 2), sqlite3_column_text(s, 3));
        ours[n++] = strdup(buf);
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
    qsort(ours, n, sizeof *ours, cmp);

    char cmd[8192];
    snprintf(cmd, sizeof cmd, "ctags --languages=Rust --output-format=json --fields=+n -R -f - '%s' '%s' '%s' '%s'",
             dirs[0], dirs[1], dirs[2], dirs[3]);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    if (!p)
        return;
    static char line[1 << 16];
    long total = 0, found = 0, shown = 0;
    while (fgets(line, sizeof line, p)) {
        char name[1024], path[4096], kind[64];
        long ln;
        if (!strstr(line, "\"_type\": \"tag\"") || !parse_tag(line, name, path, &ln, kind))
            continue;
        const char *ours_kinds = map_kind(kind);
        if (!ours_kinds)
            continue;
        total++;
        int hit = 0;
        char kinds[64];
        snprintf(kinds, sizeof kinds, "%s", ours_kinds);
        for (char *k = strtok(kinds, "|"); k && !hit; k = strtok(NULL, "|")) {
            char key[8192];
            const char *kp = key;
            snprintf(key, sizeof key, "%s\t%ld\t%s\t%s", path, ln, name, k);
            hit = bsearch(&kp, ours, n, sizeof *ours, cmp) != NULL;
        }
        found += hit;
        if (!hit && shown++ < 10)
            fprintf(stderr, "  not in graph: %s:%ld %s (%s)\n", path, ln, name, kind);
    }
    CHECK_EQ(pclose(p), 0);
    double pct = total ? 100.0 * (double)found / (double)total : 0;
    printf("ctags cross-check: %ld of %ld ctags definitions are in the graph (%.2f%%) on", found, total, pct);
    for (int i = 0; i < nd; i++)
        printf(" %s", strrchr(dirs[i], '/') + 1);
    printf("\n");
    CHECK(total > 500);
    CHECK(pct >= 99.0);
    for (size_t i = 0; i < n; i++)
        free(ours[i]);
    free(ours);
}
