/*
 * graph_discover_test.c - what discovery passes over is said: crates a
 * workspace excludes or does not list, and directories of .rs files with
 * no Cargo.toml, are not graphed (Cargo builds none of them), and a note
 * names each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "graph_run.h"

static int says(const char *err, const char *dir, const char *rel)
{
    char want[8300];
    snprintf(want, sizeof want, "note: %s/%s: not graphed, in no package read", dir, rel);
    return err && strstr(err, want) != NULL;
}

SL_TEST(graph_says_which_directories_no_package_read_holds)
{
    char root[4096], dir[4200];
    scratch_dir(root, sizeof root);
    snprintf(dir, sizeof dir, "%s/ws", root);
    write_file(dir, "Cargo.toml", "[workspace]\nmembers = [\"mem\"]\nexclude = [\"ex\"]\n", -1);
    write_file(dir, "mem/Cargo.toml", "[package]\nname = \"mem\"\n", -1);
    write_file(dir, "mem/src/lib.rs", "pub fn in_member() {}\n", -1);
    write_file(dir, "mem/fuzz/Cargo.toml", "[package]\nname = \"mem-fuzz\"\n", -1); /* in a member, no member */
    write_file(dir, "mem/fuzz/src/lib.rs", "pub fn in_fuzz() {}\n", -1);
    write_file(dir, "ex/Cargo.toml", "[package]\nname = \"ex\"\n", -1);
    write_file(dir, "ex/src/lib.rs", "pub fn in_excluded() {}\n", -1);
    write_file(dir, "loose/deeper/a.rs", "pub fn in_loose_dir() {}\n", -1);
    write_file(dir, "top.rs", "pub fn at_the_top() {}\n", -1);
    write_file(dir, ".hidden/h.rs", "fn h() {}\n", -1);     /* never searched, as the walk skips it */
    write_file(dir, "target/debug/t.rs", "fn t() {}\n", -1);
    write_file(dir, "docs/readme.md", "no Rust here\n", -1); /* nothing to say */
    char out[4300], *err = NULL;
    snprintf(out, sizeof out, "%s/g.json", root);
    /* a note, not a warning: a workspace's `exclude` is no fault */
    CHECK_EQ(graph_run_stderr(&err, "--stats", "--json", out, dir, NULL), 0);
    CHECK(says(err, dir, "ex") && says(err, dir, "mem/fuzz") && says(err, dir, "loose/deeper"));
    CHECK(err && strstr(err, "note: ") && strstr(err, "  not graphed: 4 directories"));
    char self[4300];
    snprintf(self, sizeof self, "note: %s: not graphed", dir); /* top.rs */
    CHECK(err && strstr(err, self));
    CHECK(err && !strstr(err, ".hidden") && !strstr(err, "target") && !strstr(err, "docs") && !strstr(err, "/mem:"));
    CHECK(err && strstr(err, "/ex: ") < strstr(err, "/loose/deeper: ")); /* sorted */
    free(err);
    size_t jlen;
    char *json = read_all(out, &jlen);
    CHECK(json && strstr(json, "in_member") && !strstr(json, "in_excluded") && !strstr(json, "in_fuzz"));
    free(json);

    /* named, the excluded crate is graphed, and no longer noted */
    char ex[4300];
    snprintf(ex, sizeof ex, "%s/ex", dir);
    err = NULL;
    CHECK_EQ(graph_run_stderr(&err, "--json", out, dir, ex, NULL), 0);
    CHECK(!says(err, dir, "ex") && says(err, dir, "mem/fuzz"));
    free(err);
    json = read_all(out, &jlen);
    CHECK(json && strstr(json, "in_excluded"));
    free(json);

    /* said again by a run that finds nothing changed (from its record) */
    char cache[4300], *again = NULL;
    snprintf(cache, sizeof cache, "%s/cache", root);
    err = NULL;
    CHECK_EQ(graph_run_stderr(&err, "--cache", cache, "--json", out, dir, NULL), 0);
    CHECK_EQ(graph_run_stderr(&again, "--cache", cache, "--json", out, dir, NULL), 0);
    CHECK(err && again && !strcmp(err, again) && says(again, dir, "ex"));
    free(err);
    free(again);

    /* a directory of crates: a few names, then a count */
    char reg[4300], rel[64];
    snprintf(reg, sizeof reg, "%s/registry", root);
    write_file(reg, "real/Cargo.toml", "[package]\nname = \"real\"\n", -1);
    write_file(reg, "real/src/lib.rs", "pub fn r() {}\n", -1);
    for (int i = 0; i < 10; i++) {
        snprintf(rel, sizeof rel, "loose%d/x.rs", i);
        write_file(reg, rel, "fn x() {}\n", -1);
    }
    err = NULL;
    CHECK_EQ(graph_run_stderr(&err, "--json", out, reg, NULL), 0);
    CHECK(says(err, reg, "loose0") && says(err, reg, "loose7") && !says(err, reg, "loose8"));
    CHECK(err && strstr(err, "note: and 2 more such directories"));
    free(err);
}

/* The note's search is not part of what a run depends on: a JS front end
 * beside a virtual workspace (node_modules), or a docs tree, is neither
 * recorded nor read again, so a change in it keeps --update on the
 * snapshot path.  And it stops after so many directories, saying so. */
SL_TEST(graph_note_search_is_not_watched_and_is_bounded)
{
    char root[4096], dir[4200];
    scratch_dir(root, sizeof root);
    snprintf(dir, sizeof dir, "%s/vw", root);
    write_file(dir, "Cargo.toml", "[workspace]\nmembers = [\"app\"]\n", -1);
    write_file(dir, "app/Cargo.toml", "[package]\nname = \"app\"\n", -1);
    write_file(dir, "app/src/lib.rs", "pub fn app() {}\n", -1);
    write_file(dir, "loose/x.rs", "fn x() {}\n", -1);
    char rel[128];
    for (int i = 0; i < 20; i++) {
        snprintf(rel, sizeof rel, "ui/node_modules/pkg%d/lib/deep.rs", i); /* not searched at all */
        write_file(dir, rel, "fn n() {}\n", -1);
        snprintf(rel, sizeof rel, "docs/part%d/page.md", i);
        write_file(dir, rel, "words\n", -1);
    }
    char cache[4300], db[4300], *err = NULL;
    snprintf(cache, sizeof cache, "%s/cache", root);
    snprintf(db, sizeof db, "%s/g.db", root);
    usleep(2100 * 1000); /* older than the run record's racy margin: compared by their stat */
    CHECK_EQ(graph_run_stderr(&err, "--cache", cache, "--db", db, "--update", dir, NULL), 0);
    CHECK(says(err, dir, "loose") && !strstr(err, "node_modules"));
    free(err);
    write_file(dir, "ui/node_modules/pkg7/newdir/f.js", "x\n", -1);
    write_file(dir, "docs/part3/more/page.md", "words\n", -1);
    err = NULL;
    CHECK_EQ(graph_run_stderr(&err, "--stats", "--cache", cache, "--db", db, "--update", dir, NULL), 0);
    CHECK(err && strstr(err, "updated in place from the snapshot (nothing to change)"));
    CHECK(says(err, dir, "loose")); /* said again, from the record */
    free(err);

    /* a directory of crates over a big tree: the search stops, and says so */
    char reg[4300], out[4300];
    snprintf(reg, sizeof reg, "%s/registry", root);
    snprintf(out, sizeof out, "%s/g.json", root);
    write_file(reg, "real/Cargo.toml", "[package]\nname = \"real\"\n", -1);
    write_file(reg, "real/src/lib.rs", "pub fn r() {}\n", -1);
    write_file(reg, "a/x.rs", "fn x() {}\n", -1);
    for (int i = 0; i < 1100; i++) {
        snprintf(rel, sizeof rel, "data/d%04d/v.txt", i);
        write_file(reg, rel, "1\n", -1);
    }
    write_file(reg, "zz/x.rs", "fn x() {}\n", -1);
    err = NULL;
    CHECK_EQ(graph_run_stderr(&err, "--json", out, reg, NULL), 0);
    CHECK(says(err, reg, "a") && !says(err, reg, "zz"));
    CHECK(err && strstr(err, "note: and maybe more such directories"));
    free(err);
}
