/*
 * graph_record_test.c - what a run with `--cache DIR` trusts (issue 20):
 * a run record says "these outputs stand" only for the request it was
 * written for and only of the files that run itself left at the output
 * paths; the cache's own directories are never followed through links;
 * and what discovery could not list is said, not skipped.  Another run
 * writing between this run's write and its record is made to happen at
 * that moment through gr__test_after_write.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "graph_run.h"
#include "graphcache.h"
#include "runrec.h"

static char root[1024], work[1200], cache[1200];

static void put_file(const char *rel, const char *text)
{
    write_file(work, rel, text, -1);
}

/* A crate of two files (lib.rs calls util.rs), its files older than the
 * run record's racy margin by the time the caller's first run starts. */
static void crate(void)
{
    scratch_workspace(root, sizeof root, work, cache, sizeof work);
    put_file("c/Cargo.toml", "[package]\nname = \"c\"\nversion = \"0.1.0\"\n");
    put_file("c/src/lib.rs", "pub mod util;\npub fn a() -> u32 { util::h() }\n");
    put_file("c/src/util.rs", "pub fn h() -> u32 { 1 }\n");
}

static void wait_out_racy_margin(void)
{
    usleep(2100 * 1000); /* sources compared by their stat, not racily clean */
}

/* Runs with the cache and --stats; 1 when it said its outputs stand. */
static int skipped(int *rc, const char *out_flag, const char *out)
{
    char *t;
    *rc = graph_run_stderr(&t, "--stats", "--cache", cache, out_flag, out, work, NULL);
    int s = t && strstr(t, "its outputs stand") != NULL;
    free(t);
    return s;
}

/* The run record of `--json json WORK`, as graph_main names it. */
static void record_of(const char *json, char *path, size_t cap)
{
    uint8_t key[32];
    char *paths[1] = {work}, hex[2 * GR_RUNREC_NAME + 1];
    gr_runrec_request(paths, 1, NULL, json, key);
    gr_runrec_name_hex(key, hex);
    snprintf(path, cap, "%s/" GR_CACHE_SUBDIR "/runs/%s", cache, hex);
}

/* A record copied under another request's name (the same tree, another
 * output) is not that request's record: its outputs are other files, so
 * the stale file at the other output must not be declared current. */
SL_TEST(graph_record_under_another_requests_name_is_not_trusted)
{
    crate();
    char a[1400], b[1400], cold[1400], ra[1500], rb[1500];
    snprintf(a, sizeof a, "%s/a.json", root);
    snprintf(b, sizeof b, "%s/b.json", root);
    snprintf(cold, sizeof cold, "%s/cold.json", root);
    wait_out_racy_margin();
    int rc;
    CHECK(!skipped(&rc, "--json", a));
    CHECK(skipped(&rc, "--json", a)); /* the record itself is sound */
    record_of(a, ra, sizeof ra);
    record_of(b, rb, sizeof rb);
    size_t n;
    char *rec = read_all(ra, &n);
    CHECK(rec != NULL);
    write_file("/", rb + 1, rec, (long)n);
    free(rec);
    write_file("/", b + 1, "{\"stale\":true}\n", -1);
    int skip = skipped(&rc, "--json", b);
    CHECK(!skip);
    CHECK_EQ(graph_run("-q", "--json", cold, work, NULL), rc);
    CHECK(same_bytes(cold, b));
}

/* ---- another run writing the outputs between this run's write and its
 * record ------------------------------------------------------------------- */

static const char *replace_path; /* the output the next write is replaced at */

/* Another run with the same outputs renames its (older) file over the
 * one this run has just written. */
static void rename_stale_over(const char *path)
{
    if (!replace_path || strcmp(path, replace_path))
        return;
    char tmp[4400];
    snprintf(tmp, sizeof tmp, "%s.other", path);
    write_file("/", tmp + 1, "an older run's output", -1);
    CHECK(rename(tmp, path) == 0);
    replace_path = NULL;
}

/* A run whose output another run replaced before its record was written
 * records no stat of that file as its own: the next run does the work
 * again and leaves the cold output - for the JSON and for the database
 * written whole beside it. */
SL_TEST(graph_record_takes_the_output_this_run_wrote)
{
    crate();
    char j[1400], d[1400], j0[1400], d0[1400];
    snprintf(j, sizeof j, "%s/o.json", root);
    snprintf(d, sizeof d, "%s/o.sqlite", root);
    snprintf(j0, sizeof j0, "%s/cold.json", root);
    snprintf(d0, sizeof d0, "%s/cold.sqlite", root);
    int rc0 = graph_run("-q", "--json", j0, "--db", d0, work, NULL);
    wait_out_racy_margin();
    gr__test_after_write = rename_stale_over;
    for (int k = 0; k < 2; k++) {
        snprintf(cache, sizeof cache, "%s/cache%d", root, k); /* no record yet: a full run */
        replace_path = k ? d : j;
        CHECK_EQ(graph_run("-q", "--cache", cache, "--json", j, "--db", d, work, NULL), rc0);
        CHECK(replace_path == NULL); /* it was replaced */
        char *t;
        int rc = graph_run_stderr(&t, "--stats", "--cache", cache, "--json", j, "--db", d, work, NULL);
        int skip = t && strstr(t, "its outputs stand");
        free(t);
        if (skip)
            fprintf(stderr, "%s: replaced by another run, yet the next run says its outputs stand\n", k ? d : j);
        CHECK(!skip);
        CHECK_EQ(rc, rc0);
        CHECK(same_bytes(j0, j));
        CHECK(same_bytes(d0, d));
    }
    gr__test_after_write = NULL;
}

static const char *commit_path; /* the database another run commits to next */

/* Another run's update commits the moment this one's transaction ends. */
static void commit_over(const char *path)
{
    if (!commit_path || strcmp(path, commit_path))
        return;
    sqlite3 *h = NULL;
    CHECK(sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK);
    CHECK(sqlite3_exec(h, "UPDATE nodes SET name = 'forged' WHERE name = 'a'", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(h);
    commit_path = NULL;
}

/* `--update` in place: the database's stat in the record is the one its
 * own transaction left, not one taken after another writer committed -
 * so that writer's rows are not taken for this run's, and the next
 * `--update` leaves the rows of a full run. */
SL_TEST(graph_update_records_the_database_its_transaction_left)
{
    crate();
    char d[1400], d0[1400];
    snprintf(d, sizeof d, "%s/u.sqlite", root);
    snprintf(d0, sizeof d0, "%s/cold.sqlite", root);
    wait_out_racy_margin();
    CHECK_EQ(graph_run("-q", "--cache", cache, "--db", d, "--update", work, NULL), 0);
    put_file("c/src/util.rs", "pub fn h() -> u32 { 2 }\n"); /* a body: updated in place */
    gr__test_after_write = commit_over;
    commit_path = d;
    char *t;
    CHECK_EQ(graph_run_stderr(&t, "--stats", "--cache", cache, "--db", d, "--update", work, NULL), 0);
    CHECK(t && strstr(t, "updated in place"));
    free(t);
    CHECK(commit_path == NULL); /* the other writer committed */
    gr__test_after_write = NULL;
    CHECK_EQ(db_int(d, "SELECT count(*) FROM nodes WHERE name = 'forged'", NULL, NULL, NULL), 1);
    CHECK_EQ(graph_run("-q", "--cache", cache, "--db", d, "--update", work, NULL), 0);
    CHECK_EQ(graph_run("-q", "--db", d0, work, NULL), 0);
    CHECK_EQ(db_int(d, "SELECT count(*) FROM nodes WHERE name = 'forged'", NULL, NULL, NULL), 0);
    CHECK_EQ(db_int(d, "SELECT count(*) FROM nodes WHERE name = 'a'", NULL, NULL, NULL),
             db_int(d0, "SELECT count(*) FROM nodes WHERE name = 'a'", NULL, NULL, NULL));
}

/* ---- the cache's directories ---------------------------------------------- */

/* dir holds `name` alone, with `text` in it still. */
static int alone_in(const char *dir, const char *name, const char *text)
{
    char p[1600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    size_t n, count = 0;
    char *s = read_all(p, &n);
    int same = s && n == strlen(text) && !memcmp(s, text, n);
    free(s);
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        count += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    if (!same || count != 1)
        fprintf(stderr, "%s: %zu entries, %s %s\n", dir, count, name, same ? "kept" : "changed or gone");
    return same && count == 1;
}

/* packs/ or runs/ a link to another directory: the cache is refused with
 * a warning (the outputs are a run's without it) and nothing in the
 * directory linked to is written or removed - not even a file named like
 * a pack or a record, old enough to be evicted.  A lock that cannot be
 * taken is a warning too: without it nothing is removed. */
SL_TEST(graph_cache_refuses_linked_directories_and_says_when_it_cannot_lock)
{
    crate();
    static const char pack_name[] = "0123456789abcdef0123456789abcdef.pack", run_name[] = "0123456789abcdef0123456789abcdef";
    char j[1400], j0[1400], victim[1400], sub[1400], link[1500];
    snprintf(j, sizeof j, "%s/o.json", root);
    snprintf(j0, sizeof j0, "%s/cold.json", root);
    int rc0 = graph_run("-q", "--json", j0, work, NULL);
    for (int k = 0; k < 2; k++) {
        snprintf(cache, sizeof cache, "%s/cache%d", root, k);
        snprintf(victim, sizeof victim, "%s/victim%d", root, k);
        snprintf(sub, sizeof sub, "%s/" GR_CACHE_SUBDIR "/%s", cache, k ? "runs" : "packs");
        write_file(victim, k ? run_name : pack_name, "precious", -1);
        snprintf(link, sizeof link, "%s/" GR_CACHE_SUBDIR, cache);
        write_file(link, "lock", "", 0); /* the layout's directory, with a link for packs/ or runs/ */
        CHECK(symlink(victim, sub) == 0);
        char *t;
        int rc = graph_run_stderr(&t, "--cache", cache, "--cache-max", "1", "--json", j, work, NULL);
        CHECK(t && strstr(t, "symbolic link"));
        if (t)
            fputs(t, stderr);
        free(t);
        CHECK_EQ(rc, rc0);
        CHECK(same_bytes(j0, j));
        CHECK(alone_in(victim, k ? run_name : pack_name, "precious"));
    }
    snprintf(cache, sizeof cache, "%s/cache2", root);
    snprintf(sub, sizeof sub, "%s/" GR_CACHE_SUBDIR, cache);
    write_file(sub, "lock-target", "", 0);
    snprintf(link, sizeof link, "%s/lock", sub);
    CHECK(symlink("lock-target", link) == 0);
    char *t;
    CHECK_EQ(graph_run_stderr(&t, "--cache", cache, "--json", j, work, NULL), rc0);
    CHECK(t && strstr(t, "cannot lock the cache"));
    free(t);
    CHECK(same_bytes(j0, j));
    /* packs/ or runs/ a plain file: said so (it was "File exists"). */
    for (int k = 0; k < 2; k++) {
        snprintf(cache, sizeof cache, "%s/cache%d", root, 3 + k);
        snprintf(sub, sizeof sub, "%s/" GR_CACHE_SUBDIR, cache);
        write_file(sub, k ? "runs" : "packs", "not a directory", -1);
        CHECK_EQ(graph_run_stderr(&t, "--cache", cache, "--json", j, work, NULL), rc0);
        CHECK(t && strstr(t, k ? GR_CACHE_SUBDIR "/runs is not a directory" : GR_CACHE_SUBDIR "/packs is not a directory"));
        if (t && !strstr(t, "is not a directory"))
            fputs(t, stderr);
        free(t);
        CHECK(same_bytes(j0, j));
    }
}

/* ---- discovery -------------------------------------------------------------- */

/* A directory under a package that cannot be listed (search but no read
 * permission): the files only a listing finds are missing, so it is a
 * warning naming the directory, and the exit status says so.  Run as
 * nobody when the tests run as root, whom permissions do not stop. */
SL_TEST(graph_warns_on_a_directory_it_cannot_list)
{
    crate();
    put_file("c/src/m/o.rs", "pub fn orphan() {}\n");
    char out[1400], m[1400];
    snprintf(out, sizeof out, "%s/out", root);
    snprintf(m, sizeof m, "%s/c/src/m", work);
    CHECK(mkdir(out, 0777) == 0 && chmod(out, 0777) == 0 && chmod(root, 0755) == 0);
    for (int k = 0; k < 2; k++) {
        CHECK(chmod(m, k ? 0311 : 0755) == 0);
        char j[1500], log[1500];
        snprintf(j, sizeof j, "%s/o%d.json", out, k);
        snprintf(log, sizeof log, "%s/stderr%d", out, k);
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid == 0) {
            if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
                _exit(100);
            int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
            if (fd < 0 || dup2(fd, 2) < 0)
                _exit(101);
            _exit(graph_run("--json", j, work, NULL));
        }
        int ws = 0;
        CHECK(pid > 0 && waitpid(pid, &ws, 0) == pid && WIFEXITED(ws));
        size_t n;
        char *said = read_all(log, &n), *json = read_all(j, &n);
        CHECK(said && json);
        if (k == 0) {
            CHECK_EQ(WEXITSTATUS(ws), 0); /* the orphan is a note */
            CHECK(json && strstr(json, "\"orphan\""));
            CHECK(said && !strstr(said, "cannot list"));
        } else {
            CHECK_EQ(WEXITSTATUS(ws), 1);
            CHECK(said && strstr(said, "c/src/m: cannot list the directory (Permission denied)"));
            CHECK(json && !strstr(json, "\"orphan\""));
        }
        if (said)
            fputs(said, stderr);
        free(said);
        free(json);
    }
    chmod(m, 0755);
}
