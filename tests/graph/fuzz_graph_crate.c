/*
 * fuzz_graph_crate.c - libFuzzer entry point for whole crates: one input
 * is split into the files of a crate in a scratch directory, and the whole
 * of `sluice graph` runs on it (discover -> parse -> mount -> resolve ->
 * emit), twice: with -j1 and with -j3, whose JSON must be the same bytes.
 *
 * The input format (docs/formats/graph-fuzz-crate.md): the text before the
 * first marker line is src/lib.rs; each line `==> NAME <==` starts the file
 * NAME.  `==> NAME -> TARGET <==` makes NAME a symlink to TARGET (relative,
 * or /dev/zero or /dev/null),
 * `==> NAME |fifo <==` a FIFO, `==> NAME/ <==` a directory.  Names and link
 * targets are relative, without `..`; anything else in a marker makes the
 * marker plain text.  Without a Cargo.toml the crate gets a minimal one.
 * Mutations of such an input change module files, the manifest, #[path]
 * attributes and the layout at once, which single-file fuzzing cannot.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_scratch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int sl_graph_main(int argc, char **argv);

enum { MAX_FILES = 32, MAX_NAME = 120 };

static char root[256]; /* this process's scratch directory */

static void cleanup(void)
{
    fuzz_rm_tree(root);
}

static void make_root(void)
{
    fuzz_scratch_dir("sluice-fuzz-crate", root, sizeof root);
    atexit(cleanup);
}

/* A name the format allows: [A-Za-z0-9_.-/] only, relative, no `..`, no
 * empty component. */
static int safe_name(const char *s, size_t n)
{
    if (!n || n > MAX_NAME || s[0] == '/')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-' || c == '/'))
            return 0;
        if (c == '/' && i + 1 < n && s[i + 1] == '/')
            return 0;
        if (c == '.' && i + 1 < n && s[i + 1] == '.')
            return 0;
    }
    return 1;
}

/* mkdir -p of the directories above rel (inside dir). */
static void parents(const char *dir, const char *rel)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    for (char *s = p + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
        *s = 0;
        mkdir(p, 0777);
        *s = '/';
    }
}

typedef struct marker {
    char name[MAX_NAME + 1], target[MAX_NAME + 1];
    int kind; /* 'f' file, 'l' symlink, 'p' FIFO, 'd' directory */
} marker;

/* Reads a marker from the line line[0..n) ("==> ... <=="); 0 if it is none. */
static int parse_marker(const char *line, size_t n, marker *m)
{
    if (n < 9 || memcmp(line, "==> ", 4) || memcmp(line + n - 4, " <==", 4))
        return 0;
    const char *s = line + 4;
    size_t len = n - 8;
    const char *arrow = memmem(s, len, " -> ", 4);
    m->kind = 'f';
    m->target[0] = 0;
    if (arrow) {
        size_t a = (size_t)(arrow - s), t = len - a - 4;
        int dev = (t == 9 && !memcmp(arrow + 4, "/dev/zero", 9)) || (t == 9 && !memcmp(arrow + 4, "/dev/null", 9));
        if (!dev && !safe_name(arrow + 4, t))
            return 0;
        memcpy(m->target, arrow + 4, t);
        m->target[t] = 0;
        len = a;
        m->kind = 'l';
    } else if (len > 6 && !memcmp(s + len - 6, " |fifo", 6)) {
        len -= 6;
        m->kind = 'p';
    } else if (len > 1 && s[len - 1] == '/') {
        len--;
        m->kind = 'd';
    }
    if (!safe_name(s, len))
        return 0;
    memcpy(m->name, s, len);
    m->name[len] = 0;
    return 1;
}

static void put(const char *dir, const marker *m, const char *text, size_t len)
{
    char p[512];
    parents(dir, m->name);
    snprintf(p, sizeof p, "%s/%s", dir, m->name);
    switch (m->kind) {
    case 'l':
        (void)symlink(m->target, p);
        return;
    case 'p':
        (void)mkfifo(p, 0666);
        return;
    case 'd':
        (void)mkdir(p, 0777);
        return;
    default: {
        FILE *f = fopen(p, "wb"); /* a name given twice: the later text wins */
        if (f) {
            fwrite(text, 1, len, f);
            fclose(f);
        }
    }
    }
}

/* Lays the input out as a crate in dir. */
static void lay_out(const char *dir, const char *s, size_t n)
{
    marker cur = {"src/lib.rs", "", 'f'}, next;
    size_t start = 0, k = 0, files = 0;
    int manifest = 0, first = 1;
    while (files < MAX_FILES) {
        size_t at = n, after = n; /* the next marker line, and the text after it */
        while (k < n) {
            const char *nl = memchr(s + k, '\n', n - k);
            size_t line = k, end = nl ? (size_t)(nl - s) : n;
            k = nl ? end + 1 : n;
            if (parse_marker(s + line, end - line, &next)) {
                at = line;
                after = k;
                break;
            }
        }
        /* the newline before a marker belongs to the marker */
        size_t text_end = at < n && at > start ? at - 1 : at;
        if (!(first && at == 0 && at < n)) { /* no lib.rs when the input opens with a marker */
            put(dir, &cur, s + start, text_end - start);
            manifest |= !strcmp(cur.name, "Cargo.toml");
            files++;
        }
        first = 0;
        if (at == n)
            break;
        cur = next;
        start = after;
    }
    if (!manifest) {
        marker toml = {"Cargo.toml", "", 'f'};
        struct stat st;
        char p[512];
        snprintf(p, sizeof p, "%s/Cargo.toml", dir);
        if (lstat(p, &st) != 0)
            put(dir, &toml, "[package]\nname = \"fz\"\n", 22);
    }
}

static char *slurp(const char *p, size_t *n)
{
    FILE *f = fopen(p, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *b = malloc(cap);
    size_t r;
    while ((r = fread(b + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap)
            b = realloc(b, cap *= 2);
    }
    fclose(f);
    *n = len;
    return b;
}

static int graph(const char *threads, const char *dir, const char *json, const char *db)
{
    char *argv[] = {"graph", "-q", (char *)threads, "--json", (char *)json, "--db", (char *)db, (char *)dir, NULL};
    return sl_graph_main(8, argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!root[0])
        make_root();
    char dir[300], j1[300], j3[300], db[300];
    snprintf(dir, sizeof dir, "%s/crate", root);
    snprintf(j1, sizeof j1, "%s/one.json", root);
    snprintf(j3, sizeof j3, "%s/three.json", root);
    snprintf(db, sizeof db, "%s/g.sqlite", root);
    fuzz_rm_tree(dir);
    mkdir(dir, 0777);
    lay_out(dir, (const char *)data, size);
    int a = graph("-j1", dir, j1, db), b = graph("-j3", dir, j3, db);
    if (a == 2 || b == 2 || a != b)
        abort(); /* a crate directory that exists is never a usage error, and -j changes nothing */
    size_t n1 = 0, n3 = 0;
    char *o1 = slurp(j1, &n1), *o3 = slurp(j3, &n3);
    if (!o1 || !o3 || n1 != n3 || memcmp(o1, o3, n1))
        abort(); /* the output depends on the thread count */
    free(o1);
    free(o3);
    fuzz_rm_tree(dir);
    return 0;
}
