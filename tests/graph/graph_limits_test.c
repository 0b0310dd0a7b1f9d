/*
 * graph_limits_test.c - each limit tools/graph/README.md states, fed one
 * past it (and, where that is cheap, exactly at it): what happens is the
 * README's word, a warning naming the file, and the rest of the graph.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "graph_run.h"

static char dir[4096], db[4300];

/* A fresh crate directory with a Cargo.toml; db names its output. */
static void crate(const char *toml)
{
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", toml ? toml : "[package]\nname = \"lim\"\n", -1);
    snprintf(db, sizeof db, "%s/g.sqlite", dir);
}

static long long q(const char *sql, const char *a, const char *b)
{
    return db_int(db, sql, a, b, NULL);
}

static int warned(const char *file_like, const char *words)
{
    long long n = q("SELECT count(*) FROM warnings WHERE file LIKE ?1 AND message LIKE ?2", file_like, words);
    if (n < 1)
        fprintf(stderr, "no warning on %s with %s\n", file_like, words);
    return n >= 1;
}

SL_TEST(graph_skips_a_file_one_byte_over_the_size_limit)
{
    crate(NULL);
    size_t big = (8u << 20) + 1; /* GR_MAX_FILE_BYTES + 1 */
    char *s = malloc(big);
    memset(s, ' ', big);
    memcpy(s, "pub fn lost() {}", 16);
    write_file(dir, "src/big.rs", s, (long)big);
    free(s);
    write_file(dir, "src/lib.rs", "mod big;\npub fn kept() {}\n", -1);
    CHECK_EQ(graph_run("-q", "--db", db, dir, NULL), 1);
    CHECK(warned("%/src/big.rs", "%8388609 bytes is over the limit of 8388608 bytes%skipped%"));
    CHECK_EQ(q("SELECT count(*) FROM nodes WHERE name = 'lost'", NULL, NULL), 0);
    CHECK_EQ(q("SELECT count(*) FROM nodes WHERE path = 'crate::kept'", NULL, NULL), 1);
}

/* Items inside items: 200 levels are kept, the 201st is not. */
SL_TEST(graph_skips_items_one_level_past_the_nesting_limit)
{
    for (int levels = 200; levels <= 201; levels++) {
        crate(NULL);
        size_t cap = (size_t)levels * 16 + 64, n = 0;
        char *s = malloc(cap);
        for (int i = 0; i < levels; i++)
            n += (size_t)snprintf(s + n, cap - n, "mod m%d {", i + 1);
        for (int i = 0; i < levels; i++)
            s[n++] = '}';
        n += (size_t)snprintf(s + n, cap - n, "\npub fn kept() {}\n");
        write_file(dir, "src/lib.rs", s, (long)n);
        free(s);
        CHECK_EQ(graph_run("-q", "--db", db, dir, NULL), (levels == 200 ? 0 : 1));
        char name[16];
        snprintf(name, sizeof name, "m%d", levels);
        CHECK_EQ(q("SELECT count(*) FROM nodes WHERE name = ?1", name, NULL), (levels == 200));
        if (levels == 201)
            CHECK(warned("%/src/lib.rs", "%nested deeper than 200 levels%"));
        CHECK_EQ(q("SELECT count(*) FROM nodes WHERE path = 'crate::kept'", NULL, NULL), 1);
    }
}

/* Module files through module files: the crate root and 127 more are
 * mounted, the 129th is refused at its declaration. */
SL_TEST(graph_refuses_module_files_one_past_the_mount_depth)
{
    crate(NULL);
    write_file(dir, "src/lib.rs", "#[path = \"m1.rs\"]\nmod m1;\n", -1);
    for (int i = 1; i <= 128; i++) {
        char rel[32], text[128];
        snprintf(rel, sizeof rel, "src/m%d.rs", i);
        snprintf(text, sizeof text, "#[path = \"m%d.rs\"]\nmod m%d;\npub fn f%d() {}\n", i + 1, i + 1, i);
        write_file(dir, rel, i == 128 ? "pub fn f128() {}\n" : text, -1);
    }
    CHECK_EQ(graph_run("-q", "--db", db, dir, NULL), 1);
    CHECK(warned("%/src/m127.rs", "%module `m128`%deeper than 128 files%"));
    CHECK_EQ(q("SELECT count(*) FROM nodes WHERE name = 'f127' AND path LIKE 'crate::m1::%'", NULL, NULL), 1);
    CHECK_EQ(q("SELECT count(*) FROM files WHERE path LIKE '%/src/m128.rs' AND status = 'orphan'", NULL, NULL), 1);
}

/* .rs files are searched 32 directories below a package, not 33. */
SL_TEST(graph_warns_on_a_directory_one_past_the_walk_depth)
{
    crate(NULL);
    write_file(dir, "src/lib.rs", "pub fn kept() {}\n", -1);
    char rel[512] = "";
    size_t n = 0;
    for (int i = 1; i <= 33; i++) {
        n += (size_t)snprintf(rel + n, sizeof rel - n, "d/");
        char f[600];
        snprintf(f, sizeof f, "%sat%d.rs", rel, i);
        write_file(dir, f, "fn x() {}\n", -1);
    }
    CHECK_EQ(graph_run("-q", "--db", db, dir, NULL), 1);
    CHECK_EQ(q("SELECT count(*) FROM files WHERE path LIKE '%/at32.rs'", NULL, NULL), 1);
    CHECK_EQ(q("SELECT count(*) FROM files WHERE path LIKE '%/at33.rs'", NULL, NULL), 0);
    CHECK(warned("%/d", "%nested deeper than 32 levels%not searched%"));
    CHECK_EQ(q("SELECT count(*) FROM nodes WHERE path = 'crate::kept'", NULL, NULL), 1);
}

/* A Cargo.toml value nested 33 deep is not understood (32 is): the
 * targets are guessed, with a warning on its line. */
SL_TEST(graph_guesses_targets_past_the_manifest_nesting_limit)
{
    for (int levels = 32; levels <= 33; levels++) {
        char toml[512];
        size_t n = (size_t)snprintf(toml, sizeof toml, "[package]\nname = \"lim\"\nx = ");
        for (int i = 0; i < levels; i++)
            toml[n++] = '[';
        for (int i = 0; i < levels; i++)
            toml[n++] = ']';
        snprintf(toml + n, sizeof toml - n, "\n");
        crate(toml);
        write_file(dir, "src/lib.rs", "pub fn kept() {}\n", -1);
        CHECK_EQ(graph_run("-q", "--db", db, dir, NULL), (levels == 32 ? 0 : 1));
        if (levels == 33)
            CHECK(warned("%/Cargo.toml", "%nested too deeply%"));
        CHECK_EQ(q("SELECT count(*) FROM nodes WHERE path = 'crate::kept'", NULL, NULL), 1);
    }
}

SL_TEST(graph_refuses_a_thread_count_one_past_the_limit)
{
    crate(NULL);
    write_file(dir, "src/lib.rs", "pub fn kept() {}\n", -1);
    CHECK_EQ(graph_run("-q", "-j", "1025", "--db", db, dir, NULL), 2);
}
