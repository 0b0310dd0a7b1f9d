/*
 * graph_hostile_test.c - inputs made to hurt (issue 22): nestings deep
 * enough to overflow a parser's counters, special files where module
 * files should be, error recovery that would cost quadratic work.  Each
 * must end in a warning naming the file, with the rest of the graph
 * intact; the ASan build runs them too, so a stray free or read shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "extract.h"
#include "graph_run.h"
#include "tsarena.h"

/* A text of `head`, `unit` repeated n times, and `tail`. */
static char *repeat(const char *head, const char *unit, size_t n, const char *tail, size_t *len)
{
    size_t h = strlen(head), u = strlen(unit), t = strlen(tail);
    char *s = malloc(h + u * n + t + 1);
    memcpy(s, head, h);
    for (size_t i = 0; i < n; i++)
        memcpy(s + h + i * u, unit, u);
    memcpy(s + h + u * n, tail, t + 1);
    *len = h + u * n + t;
    return s;
}

/* Graphs a crate whose lib.rs declares `mod NAME;` for each of the n
 * module texts and ends in `pub fn still_here() {}`; returns the exit
 * status, the database path in db. */
static int graph_modules(const char *const *names, char *const *texts, const size_t *lens, size_t n, char *db,
                         size_t dblen)
{
    char dir[4096], rel[256];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"hostile\"\n", -1);
    size_t cap = 64 + n * 300, len = 0;
    char *lib = malloc(cap);
    for (size_t i = 0; i < n; i++) {
        len += (size_t)snprintf(lib + len, cap - len, "mod %s;\n", names[i]);
        snprintf(rel, sizeof rel, "src/%s.rs", names[i]);
        write_file(dir, rel, texts[i], (long)lens[i]);
    }
    snprintf(lib + len, cap - len, "pub fn still_here() {}\n");
    write_file(dir, "src/lib.rs", lib, -1);
    free(lib);
    snprintf(db, dblen, "%s/g.sqlite", dir);
    return graph_run("-q", "-j2", "--db", db, dir, NULL);
}

static long long count(const char *db, const char *sql, const char *a)
{
    return db_int(db, sql, a, NULL, NULL);
}

/* Both sides of the 16-bit child count Debian's tree-sitter 0.20.7 kept:
 * `type T=` and 32,766 `V<` give an error node of 65,536 children, which
 * wrapped to 0 and freed a pointer 512 KiB into a block. */
SL_TEST(graph_survives_32765_and_32766_unclosed_generics)
{
    const char *names[] = {"g32765", "g32766"};
    char *texts[2];
    size_t lens[2];
    texts[0] = repeat("pub fn before() {}\ntype T=", "V<", 32765, "", &lens[0]);
    texts[1] = repeat("pub fn before() {}\ntype T=", "V<", 32766, "", &lens[1]);
    char db[4200];
    CHECK_EQ(graph_modules(names, texts, lens, 2, db, sizeof db), 1);
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(count(db, "SELECT count(*) FROM warnings WHERE file LIKE '%' || ?1 || '.rs' AND message LIKE "
                           "'%syntax error%'", names[i]), 1);
        char path[64];
        snprintf(path, sizeof path, "crate::%s::before", names[i]);
        CHECK_EQ(count(db, "SELECT count(*) FROM nodes WHERE path = ?1", path), 1);
        free(texts[i]);
    }
    CHECK_EQ(count(db, "SELECT count(*) FROM nodes WHERE path = 'crate::still_here'", NULL), 1);
}

/* Other shapes that leave tens of thousands of symbols on the parser's
 * stack (so an error node with more than 65,535 children), or nest the
 * tree that deep: each is one file with a syntax error; the items before
 * it and every other file survive. */
SL_TEST(graph_survives_deep_unclosed_shapes)
{
    static const struct {
        const char *name, *head, *unit;
        size_t n;
    } shapes[] = {
        {"generics", "type T=", "V<", 40000}, {"parens", "fn f() {", "(", 70000},
        {"brackets", "fn f() {", "[", 70000}, {"braces", "fn f() ", "{", 70000},
        {"borrows", "fn f() {", "&", 70000},  {"assigns", "fn f() {", "a=", 35000},
        {"modules", "", "mod a{", 20000},     {"closed", "type T=", "V<", 20000},
    };
    enum { N = sizeof shapes / sizeof shapes[0] };
    const char *names[N];
    char *texts[N];
    size_t lens[N];
    for (size_t i = 0; i < N; i++) {
        char head[128];
        snprintf(head, sizeof head, "pub fn before() {}\n%s", shapes[i].head);
        names[i] = shapes[i].name;
        texts[i] = repeat(head, shapes[i].unit, shapes[i].n, "\n", &lens[i]);
    }
    char db[4200];
    CHECK_EQ(graph_modules(names, texts, lens, N, db, sizeof db), 1);
    for (size_t i = 0; i < N; i++) {
        CHECK_EQ(count(db, "SELECT count(*) FROM warnings WHERE file LIKE '%/' || ?1 || '.rs'", names[i]), 1);
        char path[64];
        snprintf(path, sizeof path, "crate::%s::before", names[i]);
        CHECK_EQ(count(db, "SELECT count(*) FROM nodes WHERE path = ?1", path), 1);
        free(texts[i]);
    }
    CHECK_EQ(count(db, "SELECT count(*) FROM nodes WHERE path = 'crate::still_here'", NULL), 1);
}

/* About `size` bytes of ordinary Rust: functions with calls and branches. */
static char *ordinary(size_t size, size_t *len)
{
    char *s = malloc(size + 256);
    size_t n = 0;
    for (int i = 0; n < size; i++)
        n += (size_t)sprintf(s + n, "pub fn f%d(x: u32) -> u32 { let y = x + %d; if y > 3 { g(y) } else { y * 2 } }\n",
                             i, i);
    *len = n;
    return s;
}

/* What extracting `src` cost, in bytes asked of tree-sitter's allocator
 * (the measure the budget uses: tsarena.h); *abandoned says whether the
 * parse was given up. */
static size_t work_of(const char *src, size_t len, int *abandoned)
{
    gr_extractor *x = gr_extractor_new();
    fg_file *f = fg_file_new("t.rs", 0);
    gr_extract(x, f, src, len);
    size_t w = gr_tsarena_requested();
    *abandoned = 0;
    for (size_t i = 0; i < f->ndiags; i++)
        *abandoned |= strstr(f->diags[i].msg, "too costly") != NULL;
    fg_file_free(f);
    gr_extractor_free(x);
    return w;
}

/* `'#' * N + "0xf" + '#' * N` made tree-sitter's error recovery wrap a
 * growing error region again for every token: 25 s and gigabytes at
 * 100 KB.  At three sizes the work must stay within a fixed multiple of
 * an ordinary file's of the same size, and grow no faster than the size. */
SL_TEST(graph_bounds_error_recovery_work_on_hash_runs)
{
    /* halved in sanitizer builds, where each parse costs ten times more */
    size_t top = SL_TEST_SANITIZED ? 50000 : 100000;
    size_t sizes[] = {top / 4, top / 2, top}, hostile_work[3];
    for (int k = 0; k < 3; k++) {
        size_t n = sizes[k] / 2, len, olen;
        char *h = repeat("", "#", n, "0xf", &len);
        char *t = repeat(h, "#", n, "", &len);
        char *o = ordinary(sizes[k], &olen);
        int abandoned, o_abandoned;
        hostile_work[k] = work_of(t, len, &abandoned);
        size_t normal = work_of(o, olen, &o_abandoned);
        fprintf(stderr, "%zu bytes: ordinary %zu KiB, '#' run %zu KiB (%.0f x)\n", len, normal >> 10,
                hostile_work[k] >> 10, (double)hostile_work[k] / normal);
        CHECK(!o_abandoned);
        CHECK(abandoned);
        CHECK(hostile_work[k] <= 64 * normal);
        CHECK(hostile_work[k] <= gr_parse_budget(len) + (gr_parse_budget(len) >> 2));
        free(h);
        free(t);
        free(o);
    }
    /* linear, not quadratic: twice the text, at most about twice the work */
    CHECK(hostile_work[2] <= 3 * hostile_work[1] && hostile_work[1] <= 3 * hostile_work[0]);
}

/* The whole tool on such a file: a warning naming it and the line where
 * the parse was given up, every other file of the crate graphed. */
SL_TEST(graph_abandons_costly_file_and_keeps_the_rest)
{
    const char *names[] = {"hashes", "fine"};
    char *texts[2];
    size_t lens[2], len;
    char *h = repeat("pub fn lost() {}\n", "#", 50000, "0xf", &len);
    texts[0] = repeat(h, "#", 50000, "\n", &lens[0]);
    texts[1] = repeat("pub fn kept() {}\n", "", 0, "", &lens[1]);
    char db[4200];
    CHECK_EQ(graph_modules(names, texts, lens, 2, db, sizeof db), 1);
    CHECK_EQ(count(db, "SELECT count(*) FROM warnings WHERE file LIKE '%/hashes.rs' AND line = 2 AND message LIKE "
                       "'%too costly%abandoned%'", NULL), 1);
    CHECK_EQ(count(db, "SELECT count(*) FROM nodes WHERE path = 'crate::fine::kept'", NULL), 1);
    CHECK_EQ(count(db, "SELECT count(*) FROM nodes WHERE path = 'crate::hashes'", NULL), 1);
    CHECK_EQ(count(db, "SELECT count(*) FROM nodes WHERE path = 'crate::still_here'", NULL), 1);
    free(h);
    free(texts[0]);
    free(texts[1]);
}

/* Special files where module files should be - a FIFO (named by the
 * module rule and by #[path]), a directory, /dev/zero, a symlink loop -
 * are each refused at once with a warning naming them: opening a FIFO
 * used to block forever.  alarm() turns a hang into a failure. */
SL_TEST(graph_refuses_special_files_as_modules_without_blocking)
{
    char dir[4096], p[4300], q[4300];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"special\"\n", -1);
    write_file(dir, "src/lib.rs",
               "mod zz;\nmod a_dir;\nmod zero;\nmod looped;\n#[path = \"../pipe\"]\nmod piped;\nmod fine;\n"
               "pub fn still_here() {}\n",
               -1);
    write_file(dir, "src/fine.rs", "pub fn kept() {}\n", -1);
    snprintf(p, sizeof p, "%s/src/zz.rs", dir);
    CHECK(mkfifo(p, 0666) == 0);
    snprintf(p, sizeof p, "%s/pipe", dir);
    CHECK(mkfifo(p, 0666) == 0);
    snprintf(p, sizeof p, "%s/src/a_dir.rs", dir);
    CHECK(mkdir(p, 0777) == 0);
    snprintf(p, sizeof p, "%s/src/zero.rs", dir);
    CHECK(symlink("/dev/zero", p) == 0);
    snprintf(p, sizeof p, "%s/src/looped.rs", dir);
    snprintf(q, sizeof q, "%s/src/loop2.rs", dir);
    CHECK(symlink(q, p) == 0 && symlink(p, q) == 0);
    char db[4300];
    snprintf(db, sizeof db, "%s/g.sqlite", dir);
    alarm(60);
    CHECK_EQ(graph_run("-q", "-j2", "--db", db, dir, NULL), 1);
    alarm(0);
    static const char *const want[][2] = {
        {"%/src/zz.rs", "%is a FIFO%"},
        {"%/pipe", "%is a FIFO%"},
        {"%/src/a_dir.rs", "%is a directory%"},
        {"%/src/zero.rs", "%is a character device%"},
        {"%/src/looped.rs", "%symbolic links%"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        long long n = db_int(db, "SELECT count(*) FROM warnings WHERE file LIKE ?1 AND message LIKE ?2", want[i][0],
                             want[i][1], NULL);
        if (n != 1)
            fprintf(stderr, "no warning on %s saying %s\n", want[i][0], want[i][1]);
        CHECK_EQ(n, 1);
    }
    CHECK_EQ(count(db, "SELECT count(*) FROM nodes WHERE path IN ('crate::still_here', 'crate::fine::kept')", NULL),
             2);
}

/* CPU seconds (all threads) a run of `sluice graph` takes on a crate of
 * one file, src/lib.rs = text (freed here), checking that it holds n
 * nodes of the kind named. */
static double cpu_of_crate(char *text, size_t len, const char *kind, size_t n)
{
    char dir[4096], db[4200], sql[128];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"cost\"\n", -1);
    write_file(dir, "src/lib.rs", text, (long)len);
    free(text);
    snprintf(db, sizeof db, "%s/g.sqlite", dir);
    struct rusage a, b;
    getrusage(RUSAGE_SELF, &a);
    int rc = graph_run("-q", "-j2", "--db", db, dir, NULL);
    getrusage(RUSAGE_SELF, &b);
    CHECK(rc == 0 || rc == 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM nodes WHERE kind = '%s'", kind);
    CHECK_EQ(count(db, sql, NULL), (long long)n);
    return (double)(b.ru_utime.tv_sec - a.ru_utime.tv_sec) + (b.ru_utime.tv_usec - a.ru_utime.tv_usec) / 1e6 +
           (double)(b.ru_stime.tv_sec - a.ru_stime.tv_sec) + (b.ru_stime.tv_usec - a.ru_stime.tv_usec) / 1e6;
}

/* The CPU of a file of n functions: all named x, or x0, x1, ... */
static double cpu_of_functions(size_t n, int same)
{
    char *text = malloc(n * 24 + 1);
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += same ? (size_t)sprintf(text + len, "fn x(){}\n") : (size_t)sprintf(text + len, "fn x%zu(){}\n", i);
    return cpu_of_crate(text, len, "function", n);
}

/* One scope declaring a name 60,000 times (an outside tester: 40,000
 * copies of `fn x(){}` took 2 s of CPU, 100,000 over 20 s): each copy
 * went to the end of the name's chain by walking it. */
SL_TEST(graph_name_declared_many_times_in_one_scope_costs_what_distinct_names_do)
{
    size_t n = 60000;
    double distinct = cpu_of_functions(n, 0), same = cpu_of_functions(n, 1);
    fprintf(stderr, "%zu functions: distinct names %.3f s CPU, one name %.3f s\n", n, distinct, same);
    CHECK(same < 3 * distinct + 0.3);
}

/* The CPU of a file of n `use` lines: form 0 binds a name of its own
 * each (`use m0::x0;`), 1 binds one name again and again (`use m0::c;`,
 * `use m1::c;`, ...), 2 globs a module each (`use m0::*;`). */
static double cpu_of_uses(size_t n, int form)
{
    char *text = malloc(n * 32 + 1);
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += form == 0   ? (size_t)sprintf(text + len, "use m%zu::x%zu;\n", i, i)
               : form == 1 ? (size_t)sprintf(text + len, "use m%zu::c;\n", i)
                           : (size_t)sprintf(text + len, "use m%zu::*;\n", i);
    return cpu_of_crate(text, len, "use", n);
}

/* One module importing one name 60,000 times, or globbing 60,000 modules
 * (an outside tester: 40,000 `use mI::*;` lines took 1.8 s of mount CPU,
 * four times 20,000's): each import went to the end of its (scope, name)
 * chain, all globs of a scope one chain, by walking it. */
SL_TEST(graph_name_imported_many_times_in_one_scope_costs_what_distinct_names_do)
{
    size_t n = 60000;
    double distinct = cpu_of_uses(n, 0), same = cpu_of_uses(n, 1), globs = cpu_of_uses(n, 2);
    fprintf(stderr, "%zu uses: distinct names %.3f s CPU, one name %.3f s, globs %.3f s\n", n, distinct, same, globs);
    CHECK(same < 3 * distinct + 0.3);
    CHECK(globs < 3 * distinct + 0.3);
}
