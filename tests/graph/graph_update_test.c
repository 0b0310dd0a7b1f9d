/*
 * graph_update_test.c - `sluice graph --db FILE` (--update or not) over
 * histories a single full run never sees: several updates from one
 * snapshot in a row, and a database another writer was killed in the
 * middle of changing.  After each, FILE holds what a fresh run writes,
 * and keeps holding it when SQLite reads it.
 */
#include <dirent.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include "check.h"
#include "dbupdate.h"
#include "graph_run.h"
#include "graphcache.h"
#include "runrec.h"
#include "snapshot.h"
#include "sluice/chan.h"

static char root[1024], work[1200], cache[1200];

static void setup(void)
{
    scratch_workspace(root, sizeof root, work, cache, sizeof work);
}

static void put_file(const char *rel, const char *text)
{
    write_file(work, rel, text, -1);
}

/* The first column of every row of sql on db, one a line. */
static char *rows_of(const char *db, const char *sql)
{
    sqlite3 *d = NULL;
    sqlite3_stmt *s = NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&text, &len);
    CHECK(o && sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(d, sql, -1, &s, NULL) == SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW)
        fprintf(o, "%s\n", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(d);
    fclose(o);
    return text;
}

static const char warnings_sql[] = "SELECT file || '|' || line || '|' || message FROM warnings ORDER BY rowid";

/* A fast `--update` (from the snapshot), then a cold run: the warnings
 * said and stored must be the cold run's. */
static int fast_step(const char *db, const char *step)
{
    char cold[1400], *said = NULL, *said0 = NULL;
    snprintf(cold, sizeof cold, "%s/%s-cold.sqlite", root, step);
    int rc = graph_run_stderr(&said, "--stats", "--cache", cache, "--db", db, "--update", work, NULL);
    int rc0 = graph_run_stderr(&said0, "--db", cold, work, NULL);
    char *a = rows_of(db, warnings_sql), *b = rows_of(cold, warnings_sql);
    /* the warning lines, as the cold run says them, said by this run too */
    int fast = said && strstr(said, "updated in place from the snapshot") != NULL;
    int same = a && b && !strcmp(a, b) && said0 && strstr(said0, "warning:") &&
               !strncmp(said, said0, strlen(said0)) && rc == rc0;
    if (!fast || !same)
        fprintf(stderr, "step %s: %s%s\nupdate said:\n%scold said:\n%swarnings: %s\ncold: %s", step,
                fast ? "" : "not from the snapshot ", same ? "" : "warnings differ", said ? said : "",
                said0 ? said0 : "", a ? a : "", b ? b : "");
    free(said);
    free(said0);
    free(a);
    free(b);
    return fast && same;
}

/* A warning's line moved by one fast update stays where it moved when
 * the next fast update changes another file: both take the lines of
 * every file changed since the snapshot from its text now, not from the
 * snapshot (adv9 F2).  A syntax error and a missing module: the two
 * kinds of origin a warning's line has. */
SL_TEST(graph_update_from_the_snapshot_keeps_warning_lines_an_earlier_update_moved)
{
    static const char *const lib[2] = {"mod b;\npub fn f() { b::g(); }\nfn broken( {\n",
                                       "mod b;\npub fn f() { b::g(); }\nmod nope;\n"};
    for (int k = 0; k < 2; k++) {
        setup();
        char db[1400], text[256];
        snprintf(db, sizeof db, "%s/graph.sqlite", root);
        put_file("p/Cargo.toml", "[package]\nname = \"p\"\n");
        put_file("p/src/lib.rs", lib[k]);
        put_file("p/src/b.rs", "pub fn g() { }\n");
        usleep(2100 * 1000); /* older than the racy margin: compared by their stat */
        CHECK_EQ(graph_run("-q", "--cache", cache, "--db", db, "--update", work, NULL), 1);
        snprintf(text, sizeof text, "// a line more\n%s", lib[k]);
        put_file("p/src/lib.rs", text); /* the warning moves from line 3 to 4 */
        CHECK(fast_step(db, "1-warning-moved"));
        put_file("p/src/b.rs", "pub fn g() { let _x = 1; }\n");
        CHECK(fast_step(db, "2-another-file-edited"));
        put_file("p/src/b.rs", "pub fn g() { let _x = 2; }\n");
        CHECK(fast_step(db, "3-and-again"));
        snprintf(text, sizeof text, "// a line more\n// and another\n%s", lib[k]);
        put_file("p/src/lib.rs", text);
        CHECK(fast_step(db, "4-warning-moved-again"));
        put_file("p/src/b.rs", "pub fn g() { let _x = 3; }\n");
        CHECK(fast_step(db, "5-another-file-edited-again"));
    }
}

/* Another writer of db (a user's sqlite3, an `--update` run) killed in
 * the middle of a transaction: with `wal` 0 its rollback journal is hot
 * and db half-written (the cache spilled its pages), with 1 its commits
 * are in db-wal, not yet in db. */
static void writer_killed(const char *db, int wal)
{
    size_t n0, n1;
    char *before = read_all(db, &n0), side[1500];
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        sqlite3 *d;
        const char *sql = wal ? "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
                                "UPDATE nodes SET sig = sig || ' /* by another */';"
                              : "PRAGMA cache_size=1; BEGIN; UPDATE nodes SET sig = sig || ' /* by another */';"
                                /* more than the cache holds: pages spill into db */
                                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) "
                                "INSERT INTO warnings(file, line, message) SELECT 'f', x, 'by another' FROM c;";
        if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
            sqlite3_exec(d, sql, NULL, NULL, NULL) != SQLITE_OK)
            _exit(3);
        _exit(0); /* as SIGKILL would: no rollback, no checkpoint */
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    snprintf(side, sizeof side, "%s%s", db, wal ? "-wal" : "-journal");
    struct stat sb;
    CHECK(stat(side, &sb) == 0 && sb.st_size > 0);
    char *after = read_all(db, &n1);
    if (!wal) /* the case that matters: db itself changed */
        CHECK(before && after && (n0 != n1 || memcmp(before, after, n0)));
    free(before);
    free(after);
}

/* db read as a reader reads it (read-write: a reader rolls a hot journal
 * back, or reads a log in, and the last one out folds the log into the
 * file): 1 when it passes integrity_check. */
static int read_as_sqlite_does(const char *db)
{
    sqlite3 *d = NULL;
    sqlite3_stmt *s = NULL;
    int ok = sqlite3_open_v2(db, &d, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
             sqlite3_prepare_v2(d, "PRAGMA integrity_check", -1, &s, NULL) == SQLITE_OK;
    if (ok) {
        ok = sqlite3_step(s) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(s, 0), "ok");
        sqlite3_finalize(s);
    }
    sqlite3_close(d);
    return ok;
}

/* The whole write of --db FILE (with --update after a change of the
 * database made it one, or without) over a database another writer was
 * killed in: the rename puts a new file under FILE's name, and FILE's
 * journal or log, left beside it, would be applied by the next reader to
 * the new file (adv9 F3).  So SQLite settles the old file before the
 * rename, and the journal, log and shared-memory file go after it: FILE
 * is then the cold run's bytes, and stays so once read. */
SL_TEST(graph_whole_write_over_a_killed_writers_database_stays_whole_when_read)
{
    setup();
    char lib[16384], *p = lib, db[1400], cold[1400];
    for (int i = 0; i < 8; i++) /* lines that go, one a step: every node moves */
        p += sprintf(p, "// a line that moves the rest\n");
    for (int i = 1; i <= 300; i++)
        p += sprintf(p, "pub fn f%d() { f%d(); }\n", i, i + 1);
    put_file("p/Cargo.toml", "[package]\nname = \"p\"\n");
    snprintf(db, sizeof db, "%s/graph.sqlite", root);
    snprintf(cold, sizeof cold, "%s/cold.sqlite", root);
    const char *text = lib;
    for (int k = 0; k < 4; k++) {
        int wal = k & 1, update = k < 2;
        put_file("p/src/lib.rs", text);
        if (update)
            CHECK_EQ(graph_run("-q", "--cache", cache, "--db", db, "--update", work, NULL), 0);
        else
            CHECK_EQ(graph_run("-q", "--db", db, work, NULL), 0);
        writer_killed(db, wal);
        /* the old file's journal holds its pages, which are not the new one's */
        text = strchr(text, '\n') + 1;
        put_file("p/src/lib.rs", text);
        char *said = NULL;
        if (update) {
            CHECK_EQ(graph_run_stderr(&said, "-q", "--stats", "--cache", cache, "--db", db, "--update", work, NULL),
                     0);
            CHECK(said && strstr(said, "written whole"));
        } else {
            CHECK_EQ(graph_run("-q", "--db", db, work, NULL), 0);
        }
        free(said);
        CHECK_EQ(graph_run("-q", "--db", cold, work, NULL), 0);
        static const char *const sides[] = {"-journal", "-wal", "-shm"};
        int left = 0;
        for (int s = 0; s < 3; s++) {
            char side[1500];
            snprintf(side, sizeof side, "%s%s", db, sides[s]);
            if (access(side, F_OK) == 0)
                fprintf(stderr, "case %d: %s is left beside the new file\n", k, side), left++;
        }
        int read_ok = read_as_sqlite_does(db);
        size_t na, nb;
        char *a = read_all(db, &na), *b = read_all(cold, &nb);
        int same = a && b && na == nb && !memcmp(a, b, na);
        if (!read_ok || !same)
            fprintf(stderr, "case %d (%s, %s): the database read %s\n", k, update ? "--update" : "--db",
                    wal ? "log" : "journal", read_ok ? "is not the cold run's" : "fails integrity_check");
        CHECK(read_ok);
        CHECK(same);
        CHECK(!left);
        free(a);
        free(b);
    }
}

/* Crate `name` at ws/rel. */
static void put_crate(const char *rel, const char *name)
{
    char p[600], text[200];
    snprintf(p, sizeof p, "%s/Cargo.toml", rel);
    snprintf(text, sizeof text, "[package]\nname = \"%s\"\n", name);
    put_file(p, text);
    snprintf(p, sizeof p, "%s/src/lib.rs", rel);
    snprintf(text, sizeof text, "pub fn %s() {}\n", name);
    put_file(p, text);
}

/* A member added where the second wildcard of a workspace's member
 * pattern lists (crates/<any>/sub/<any>: a new crates/a/sub/two changes
 * only crates/a/sub) is a change the run record sees: the next run with
 * the cache is not skipped, and --update does not patch the old graph
 * (adv9 F4). */
SL_TEST(graph_run_record_sees_a_member_a_later_wildcard_of_a_glob_adds)
{
    setup();
    char j[1400], j0[1400], d[1400], d0[1400], u[1400];
    snprintf(j, sizeof j, "%s/warm.json", root);
    snprintf(d, sizeof d, "%s/warm.sqlite", root);
    snprintf(j0, sizeof j0, "%s/cold.json", root);
    snprintf(d0, sizeof d0, "%s/cold.sqlite", root);
    snprintf(u, sizeof u, "%s/update.sqlite", root);
    put_file("Cargo.toml", "[workspace]\nmembers = [\"crates/*/sub/*\"]\n");
    put_crate("crates/a/sub/one", "one");
    usleep(2100 * 1000); /* older than the racy margin: compared by their stat */
    CHECK_EQ(graph_run("-q", "--cache", cache, "--json", j, "--db", d, work, NULL), 0);
    CHECK_EQ(graph_run("-q", "--cache", cache, "--db", u, "--update", work, NULL), 0);
    put_crate("crates/a/sub/two", "two");
    CHECK_EQ(graph_run("-q", "--cache", cache, "--json", j, "--db", d, work, NULL), 0);
    CHECK_EQ(graph_run("-q", "--json", j0, "--db", d0, work, NULL), 0);
    size_t na, nb;
    char *a = read_all(j, &na), *b = read_all(j0, &nb);
    if (!(a && b && na == nb && !memcmp(a, b, na)))
        fprintf(stderr, "the warm run's JSON is not the cold run's: %lld crates, cold %lld\n",
                db_int(d, "SELECT count(*) FROM nodes WHERE kind = 'crate'", NULL, NULL, NULL),
                db_int(d0, "SELECT count(*) FROM nodes WHERE kind = 'crate'", NULL, NULL, NULL));
    CHECK(a && b && na == nb && !memcmp(a, b, na));
    free(a);
    free(b);
    put_file("crates/a/sub/one/src/lib.rs", "pub fn one() { let _x = 1; }\n"); /* a body edit: the fast path's case */
    CHECK_EQ(graph_run("-q", "--cache", cache, "--db", u, "--update", work, NULL), 0);
    CHECK_EQ(graph_run("-q", "--db", d0, work, NULL), 0);
    CHECK_EQ(db_int(u, "SELECT count(*) FROM nodes WHERE kind = 'crate'", NULL, NULL, NULL), 2);
    CHECK_EQ(db_int(u, "SELECT count(*) FROM nodes", NULL, NULL, NULL),
             db_int(d0, "SELECT count(*) FROM nodes", NULL, NULL, NULL));
}

/* adv9 F5's crate: b's call reads a glob cycle (m re-exports c and d, c
 * re-exports m and e), and what it names depends on whether a's lookup
 * of crate::m::foo came first - c::e::foo if it did, d::foo if not. */
static void glob_cycle_crate(int a_calls)
{
    put_file("p/Cargo.toml", "[package]\nname = \"p\"\n");
    put_file("p/src/lib.rs", "pub mod m {\n    pub use self::c::*;\n    pub use self::d::*;\n    pub mod c {\n"
                             "        pub use super::*;\n        pub use self::e::*;\n"
                             "        pub mod e { pub fn foo() {} }\n    }\n    pub mod d { pub fn foo() {} }\n}\n"
                             "pub mod a;\npub mod b;\n");
    put_file("p/src/a.rs", a_calls ? "pub fn fa() { crate::m::foo(); }\n" : "pub fn fa() { }\n");
    put_file("p/src/b.rs", "pub fn fb() { crate::m::c::foo(); }\n");
}

/* A call added to or removed from one file changes the answer of
 * another file's unchanged call through a glob cycle: neither the fast
 * path (the call removed: nothing it looks up now is order-dependent)
 * nor the in-place transaction after a full resolution (the call added:
 * only a's edges rewritten) may keep b's old edge - both go the whole
 * way, and the calls are the cold run's (adv9 F5). */
SL_TEST(graph_update_keeps_no_call_a_glob_cycle_answered_in_another_order)
{
    static const char calls_sql[] =
        "SELECT s.path || ' -> ' || d.path FROM edges e JOIN nodes s ON s.id = e.src JOIN nodes d ON d.id = e.dst "
        "WHERE e.kind = 'calls' ORDER BY 1";
    for (int k = 0; k < 2; k++) {
        setup();
        char db[1400], cold[1400], *said = NULL;
        snprintf(db, sizeof db, "%s/graph.sqlite", root);
        snprintf(cold, sizeof cold, "%s/cold.sqlite", root);
        glob_cycle_crate(k);
        usleep(2100 * 1000); /* older than the racy margin: compared by their stat */
        CHECK_EQ(graph_run("-q", "--cache", cache, "--db", db, "--update", work, NULL), 0);
        put_file("p/src/a.rs", k ? "pub fn fa() { }\n" : "pub fn fa() { crate::m::foo(); }\n");
        CHECK_EQ(graph_run_stderr(&said, "-q", "--stats", "--cache", cache, "--db", db, "--update", work, NULL), 0);
        CHECK_EQ(graph_run("-q", "--db", cold, work, NULL), 0);
        char *a = rows_of(db, calls_sql), *b = rows_of(cold, calls_sql);
        int same = a && b && !strcmp(a, b);
        if (!same)
            fprintf(stderr, "call %s: the calls differ\n--update:\n%scold:\n%s%s", k ? "removed" : "added",
                    a ? a : "", b ? b : "", said ? said : "");
        CHECK(same);
        CHECK(said && strstr(said, "written whole"));
        free(a);
        free(b);
        free(said);
    }
}

/* The run record of `--db db work` in this cache, with its first watched
 * path written twice and its checksum made to match: a record no run
 * writes - every record is in strict path order - but one anybody who can
 * write the cache can make. */
static void record_with_a_path_twice(const char *db)
{
    char *paths[1] = {work}, hex[2 * GR_RUNREC_NAME + 1], p[1700];
    uint8_t key[32];
    gr_runrec_request(paths, 1, db, NULL, key);
    gr_runrec_name_hex(key, hex);
    snprintf(p, sizeof p, "%s/" GR_CACHE_SUBDIR "/runs/%s", cache, hex);
    size_t len;
    uint8_t *b = (uint8_t *)read_all(p, &len);
    /* graph-cache.md: magic, start, status, snapshot id, request hash,
     * then the counts of watched paths and outputs and the warnings'
     * length (u64, little-endian), the warnings, the watched paths (u64
     * length, the path and its NUL, 8 u64 fields, a 32-byte key) */
    CHECK(b && len > 96 && !memcmp(b, "SLGRUN5", 8));
    uint64_t nwatch = 0, wlen = 0, plen = 0;
    memcpy(&nwatch, b + 56, 8);
    memcpy(&wlen, b + 72, 8);
    CHECK(nwatch > 0 && 80 + wlen + 8 < len);
    size_t at = 80 + (size_t)wlen;
    memcpy(&plen, b + at, 8);
    size_t one = 8 + (size_t)plen + 1 + 8 * 8 + 32;
    CHECK(at + one + 16 <= len);
    uint8_t *f = malloc(len + one);
    CHECK(f);
    memcpy(f, b, at + one);
    memcpy(f + at + one, b + at, len - at - 16); /* the entry again, then the rest without the checksum */
    nwatch++;
    memcpy(f + 56, &nwatch, 8);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(f, len + one - 16));
    memcpy(f + len + one - 16, c.digest, 16);
    FILE *o = fopen(p, "wb");
    CHECK(o && fwrite(f, 1, len + one, o) == len + one && fclose(o) == 0);
    free(f);
    free(b);
}

/* A fresh workspace with one crate p whose src/lib.rs is lib, and the
 * paths of a database and of a cold run's database beside it. */
static void crate_p(char db[1400], char cold[1400], const char *lib)
{
    setup();
    snprintf(db, 1400, "%s/graph.sqlite", root);
    snprintf(cold, 1400, "%s/cold.sqlite", root);
    put_file("p/Cargo.toml", "[package]\nname = \"p\"\n");
    put_file("p/src/lib.rs", lib);
}

/* 1 when db and cold hold the same node rows (paths, lines, signatures). */
static int same_node_rows(const char *db, const char *cold)
{
    static const char nodes_sql[] = "SELECT path || '|' || line || '|' || end_line || '|' || sig FROM nodes ORDER BY id";
    char *a = rows_of(db, nodes_sql), *b = rows_of(cold, nodes_sql);
    int same = a && b && !strcmp(a, b);
    free(a);
    free(b);
    return same;
}

/* A fast `--update` takes the new record's paths from the old record
 * without copying them, and the writer of the new record drops repeats:
 * a record with a path twice must be refused, not freed twice - the
 * update goes the full way and writes what a cold run writes. */
SL_TEST(graph_update_refuses_a_record_whose_paths_repeat)
{
    char db[1400], cold[1400], *said = NULL;
    crate_p(db, cold, "mod b;\npub fn f() { b::g(); }\n");
    put_file("p/src/b.rs", "pub fn g() { }\n");
    usleep(2100 * 1000); /* older than the racy margin: compared by their stat */
    CHECK_EQ(graph_run("-q", "--cache", cache, "--db", db, "--update", work, NULL), 0);
    record_with_a_path_twice(db);
    put_file("p/src/b.rs", "pub fn g() { let _x = 1; }\n");
    CHECK_EQ(graph_run_stderr(&said, "-q", "--stats", "--cache", cache, "--db", db, "--update", work, NULL), 0);
    CHECK_EQ(graph_run("-q", "--db", cold, work, NULL), 0);
    if (!said || !strstr(said, "not from the snapshot: the record's paths are not in order"))
        fprintf(stderr, "--update said:\n%s", said ? said : "");
    CHECK(said && strstr(said, "not from the snapshot: the record's paths are not in order"));
    CHECK(same_node_rows(db, cold));
    free(said);
}

/* --update compares with what the cache recorded: without one it cannot
 * update anything, and says so once (a note: the exit status is a full
 * write's), unless -q; the database is written whole, as a cold run
 * writes it. */
/* Temporary files left in the cache's packs/ directory. */
static int pack_temporaries(void)
{
    char packs[1400];
    snprintf(packs, sizeof packs, "%s/sluice-graph-2/packs", cache);
    DIR *d = opendir(packs);
    CHECK(d != NULL);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strstr(e->d_name, ".tmp") != NULL;
    closedir(d);
    return n;
}

/* An --update whose snapshot attempt gives up (a changed file's items
 * changed) parses that file again the full way: the run's pack then has
 * its entry twice before they are folded into one, and the pack the
 * writer had prepared in a temporary file was neither used nor removed
 * - one more file outside --cache-max each such run (adv16 F1). */
SL_TEST(graph_update_after_an_item_edit_leaves_no_temporary_pack)
{
    setup();
    char db[1400];
    snprintf(db, sizeof db, "%s/graph.sqlite", root);
    put_file("p/Cargo.toml", "[package]\nname = \"p\"\n");
    put_file("p/src/lib.rs", "pub mod a;\npub fn top() { a::f(); }\n");
    put_file("p/src/a.rs", "pub fn f() {}\n");
    usleep(2100 * 1000); /* older than the racy margin: compared by their stat */
    char pkg[1300];
    snprintf(pkg, sizeof pkg, "%s/p", work);
    for (int k = 0; k < 2; k++)
        CHECK_EQ(graph_run("-q", "--cache", cache, "--db", db, "--update", pkg, NULL), 0);
    CHECK_EQ(pack_temporaries(), 0);
    for (int k = 1; k <= 2; k++) {
        char text[64];
        snprintf(text, sizeof text, "pub fn f() {}\npub fn new%d() {}\n", k);
        put_file("p/src/a.rs", text);
        usleep(2100 * 1000);
        char *said = NULL;
        CHECK_EQ(graph_run_stderr(&said, "--stats", "--cache", cache, "--db", db, "--update", pkg, NULL), 0);
        CHECK(said && strstr(said, "not from the snapshot"));
        free(said);
        CHECK_EQ(pack_temporaries(), 0);
        CHECK_EQ(db_int(db, "SELECT count(*) FROM nodes WHERE kind = 'function' AND name LIKE 'new%'", NULL, NULL,
                        NULL),
                 1);
    }
}

SL_TEST(graph_update_without_a_cache_says_the_database_is_written_whole)
{
    setup();
    unsetenv("SLUICE_GRAPH_CACHE");
    char db[1400], *said = NULL;
    snprintf(db, sizeof db, "%s/graph.sqlite", root);
    put_file("p/Cargo.toml", "[package]\nname = \"p\"\n");
    put_file("p/src/lib.rs", "pub fn f() { }\n");
    for (int k = 0; k < 2; k++) { /* the database not there yet, then there */
        CHECK_EQ(graph_run_stderr(&said, "--db", db, "--update", work, NULL), 0);
        const char *note = said ? strstr(said, "note: --update without --cache") : NULL;
        int once = note && !strstr(note + 1, "note: --update without --cache");
        if (!once || !strstr(said, "graph.sqlite is written whole"))
            fprintf(stderr, "--update without a cache said:\n%s", said ? said : "");
        CHECK(once && strstr(said, "graph.sqlite is written whole"));
        free(said);
    }
    CHECK_EQ(graph_run_stderr(&said, "-q", "--db", db, "--update", work, NULL), 0);
    CHECK(said && !said[0]);
    free(said);
    CHECK_EQ(graph_run_stderr(&said, "--cache", cache, "--db", db, "--update", work, NULL), 0);
    CHECK(said && !strstr(said, "without --cache"));
    free(said);
    CHECK_EQ(db_int(db, "SELECT count(*) FROM nodes WHERE kind = 'function' AND name = 'f'", NULL, NULL, NULL), 1);
}

/* A module directory that was a symlink (discovery does not list through
 * it: its n.rs is found through `mod n;`, after m.rs) replaced by a real
 * directory holding the same file (listed: n.rs before m.rs), or made
 * unlistable: the same paths, the same texts, another file order.  The
 * directory's times alone change with any entry, but another directory in
 * its place, or another mode, is not an edit of it - --update, from the
 * snapshot (k 0) or after a full resolution (k 1), writes what a cold run
 * writes (adv13 F7, F5). */
SL_TEST(graph_update_sees_a_module_directory_replaced_by_another)
{
    static const char files_sql[] = "SELECT id || '|' || path FROM files ORDER BY id";
    static const char nodes_sql[] = "SELECT id || '|' || path || '|' || ifnull(file, '') FROM nodes ORDER BY id";
    for (int k = 0; k < 2; k++) {
        setup();
        char db[1400], cold[1400], p[1400], q[1400], *said = NULL;
        snprintf(db, sizeof db, "%s/graph.sqlite", root);
        snprintf(cold, sizeof cold, "%s/cold.sqlite", root);
        put_file("c/Cargo.toml", "[package]\nname = \"c\"\n");
        put_file("c/src/lib.rs", "pub mod m;\npub fn x() {}\n");
        put_file("c/src/m.rs", "pub mod n;\npub fn f() {\n    crate::x();\n}\n");
        put_file("ext/m/n.rs", "pub fn g() {\n    crate::x();\n}\n");
        snprintf(p, sizeof p, "%s/c/src/m", work);
        CHECK(symlink("../../ext/m", p) == 0);
        usleep(2100 * 1000); /* older than the racy margin: compared by their stat */
        CHECK_EQ(graph_run("-q", "--cache", cache, "--db", db, "--update", work, NULL), 0);
        CHECK(unlink(p) == 0);
        put_file("c/src/m/n.rs", "pub fn g() {\n    crate::x();\n}\n");
        if (k) { /* no snapshot, and a body edited: the full way's in-place transaction */
            snprintf(q, sizeof q, "%s/" GR_CACHE_SUBDIR "/runs", cache);
            char cmd[1500];
            snprintf(cmd, sizeof cmd, "rm -f %s/*.snap", q);
            CHECK(system(cmd) == 0);
            put_file("c/src/lib.rs", "pub mod m;\npub fn x() {\n    // edited\n}\n");
        }
        usleep(2100 * 1000);
        CHECK_EQ(graph_run_stderr(&said, "-q", "--stats", "--cache", cache, "--db", db, "--update", work, NULL), 0);
        CHECK_EQ(graph_run("-q", "--db", cold, work, NULL), 0);
        char *a = rows_of(db, files_sql), *b = rows_of(cold, files_sql), *c = rows_of(db, nodes_sql),
             *d = rows_of(cold, nodes_sql);
        int same = a && b && c && d && !strcmp(a, b) && !strcmp(c, d);
        if (!same)
            fprintf(stderr, "k %d: rows differ\n--update:\n%scold:\n%s%s", k, a ? a : "", b ? b : "", said ? said : "");
        CHECK(same);
        free(a);
        free(b);
        free(c);
        free(d);
        free(said);
    }
}

/* A reader in a read transaction on the database (a user's sqlite3, an
 * editor's query) keeps --update's COMMIT waiting SQLite's busy timeout
 * (10 s; 3 s here, gr__busy_timeout_ms); the update then writes the
 * database whole (a rename: the reader keeps the old file) - once, not
 * after waiting again in the in-place transaction of the full way (adv13
 * F2: 2 x 10 s). */
SL_TEST(graph_update_waits_out_a_readers_lock_once)
{
    char db[1400], cold[1400], *said = NULL;
    crate_p(db, cold, "pub fn f() { }\n");
    usleep(2100 * 1000); /* older than the racy margin: compared by their stat */
    CHECK_EQ(graph_run("-q", "--cache", cache, "--db", db, "--update", work, NULL), 0);
    sqlite3 *r = NULL;
    CHECK(sqlite3_open_v2(db, &r, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    CHECK(sqlite3_exec(r, "BEGIN; SELECT count(*) FROM nodes;", NULL, NULL, NULL) == SQLITE_OK); /* holds its lock */
    put_file("p/src/lib.rs", "pub fn f() { let _x = 1; }\n");
    gr__busy_timeout_ms = 3000;
    int64_t t0 = sl_now();
    CHECK_EQ(graph_run_stderr(&said, "-q", "--stats", "--cache", cache, "--db", db, "--update", work, NULL), 0);
    double took = (double)(sl_now() - t0) / 1e9;
    gr__busy_timeout_ms = 10000;
    sqlite3_exec(r, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(r);
    if (took < 2.5 || took >= 5.5 || !said || !strstr(said, "written whole"))
        fprintf(stderr, "--update took %.1f s and said:\n%s", took, said ? said : "");
    CHECK(took >= 2.5); /* it waited the timeout out */
    CHECK(took < 5.5);  /* once, not twice (6 s) */
    CHECK(said && strstr(said, "written whole"));
    CHECK_EQ(graph_run("-q", "--db", cold, work, NULL), 0);
    CHECK(same_node_rows(db, cold));
    free(said);
}

/* A seed of fuzz_graph_snapshot of more than min bytes, and the request
 * and id its header names; NULL (a check failed) when there is none. */
static char *read_seed(const char *name, size_t min, size_t *n, uint8_t request[32], uint8_t id[16])
{
    char path[512];
    snprintf(path, sizeof path, GRAPH_FIXTURES "/../fuzz_snapshot_corpus/%s", name);
    char *seed = read_all(path, n);
    CHECK(seed && *n > min);
    if (!seed || *n <= min) {
        free(seed);
        return NULL;
    }
    memcpy(request, seed + 16, 32);
    memcpy(id, seed + 48, 16);
    return seed;
}

/* Every seed of fuzz_graph_snapshot is a snapshot the reader accepts,
 * taken as the fuzzer takes it (a raw body packed, or a file's body
 * sealed): a seed of an older version is refused at its first check, and
 * the fuzzer would then start from nothing that reaches the tables. */
SL_TEST(graph_snapshot_fuzz_seeds_are_accepted)
{
    static const char *const seeds[] = {"seed-1", "seed-2", "seed-3-sealed", "seed-4-stored"};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        size_t n = 0;
        uint8_t request[32], id[16];
        char *seed = read_seed(seeds[i], 128, &n, request, id);
        if (!seed)
            continue;
        size_t nz = n;
        uint8_t *z = NULL;
        if (seed[112] & 1) {
            z = malloc(n);
            if (z) {
                memcpy(z, seed, n);
                gr_snap_seal(z, n);
            }
        } else
            z = gr_snap_pack(seed, n, &nz);
        char why[256] = "";
        gr_snap *s = z ? gr_snap_from_bytes(z, nz, request, id, why, sizeof why) : NULL;
        if (!s)
            fprintf(stderr, "%s refused: %s\n", seeds[i], why);
        CHECK(s != NULL);
        gr_snap_close(s);
        free(z);
        free(seed);
    }
}

/* seed-1 read back with its header's counts and smask as given; why
 * says what a refusal said.  1 when accepted. */
static int seed_read(char *body, size_t n, const uint8_t request[32], const uint8_t id[16], char *why,
                     size_t whylen)
{
    size_t nz = 0;
    uint8_t *z = gr_snap_pack(body, n, &nz);
    gr_snap *s = z ? gr_snap_from_bytes(z, nz, request, id, why, whylen) : NULL;
    int ok = s != NULL;
    gr_snap_close(s);
    free(z);
    return ok;
}

/* 1 if the snapshot of body is refused, for a reason that says `want`. */
static int seed_refused(char *body, size_t n, const uint8_t request[32], const uint8_t id[16], const char *want)
{
    char why[256] = "";
    if (seed_read(body, n, request, id, why, sizeof why))
        return 0;
    if (!strstr(why, want))
        fprintf(stderr, "refused, but for another reason: %s\n", why);
    return strstr(why, want) != NULL;
}

/* The maps' hash tables are built again from their entries when read
 * (version 6): an entry whose key another entry of the same map has is
 * refused, not let to shadow it. */
SL_TEST(graph_snapshot_refuses_a_map_with_a_key_twice)
{
    size_t n = 0;
    uint8_t request[32], id[16];
    char *seed = read_seed("seed-1", 256, &n, request, id);
    if (!seed)
        return;
    /* past the counts, nodes, string entries and bytes, imports
     * (graph-snapshot.md, "Body"), each padded to 8 bytes */
    uint64_t cnt[16];
    memcpy(cnt, seed + 128, sizeof cnt);
    size_t at = 128 + sizeof cnt;
    const size_t sizes[] = {cnt[0] * sizeof(gr_node), cnt[3] * sizeof(struct gr_strent), cnt[4],
                            cnt[6] * sizeof(gr_import)};
    for (size_t i = 0; i < 4; i++)
        at += (sizes[i] + 7) / 8 * 8;
    /* the first map with two entries: its second entry's key made its first's */
    int done = 0;
    for (int m = 0; m < 9 && !done && at + 8 <= n; m++) {
        uint64_t k;
        memcpy(&k, seed + at, 8);
        if (k >= 2 && at + 8 + 24 <= n) {
            memcpy(seed + at + 8 + 12, seed + at + 8, 8);
            done = 1;
        }
        at += 8 + (12 * k + 7) / 8 * 8;
    }
    CHECK(done);
    CHECK(seed_refused(seed, n, request, id, "a key twice"));
    free(seed);
}

/* The string table's slots are allocated again from the header's smask:
 * one the writer could not have made for so few strings (a 7 KB file
 * asking for gigabytes) is refused, before anything is allocated. */
SL_TEST(graph_snapshot_refuses_a_string_table_larger_than_its_strings)
{
    size_t n = 0;
    uint8_t request[32], id[16];
    char *seed = read_seed("seed-1", 256, &n, request, id);
    if (!seed)
        return;
    char why[256] = "";
    CHECK(seed_read(seed, n, request, id, why, sizeof why));
    uint64_t smask;
    memcpy(&smask, seed + 128 + 5 * 8, 8);
    const uint64_t bad[] = {smask * 2 + 1, 0x3ffffff, 0x7fffffff};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memcpy(seed + 128 + 5 * 8, &bad[i], 8);
        CHECK(seed_refused(seed, n, request, id, "string table of the wrong size"));
    }
    free(seed);
}

/* Rebuilding the string table is linear whatever the file holds: 80,000
 * more copies of the empty string (a few KB packed; each insert probed
 * past all earlier ones: seconds) are refused, and fast. */
SL_TEST(graph_snapshot_refuses_a_string_twice)
{
    size_t n = 0;
    uint8_t request[32], id[16];
    char *seed = read_seed("seed-1", 256, &n, request, id);
    if (!seed)
        return;
    uint64_t cnt[16];
    memcpy(cnt, seed + 128, sizeof cnt);
    const size_t more[] = {1, 80000};
    for (size_t i = 0; i < 2; i++) {
        /* k more entries {0, 0} at the end of the string entries */
        size_t k = more[i];
        size_t at = 128 + sizeof cnt + (cnt[0] * sizeof(gr_node) + 7) / 8 * 8 + cnt[3] * sizeof(struct gr_strent);
        size_t add = k * sizeof(struct gr_strent), m = n + add;
        char *b = calloc(1, m);
        CHECK(b != NULL);
        if (!b)
            break;
        memcpy(b, seed, at);
        memcpy(b + at + add, seed + at, n - at);
        uint64_t nstr = cnt[3] + k, mask = 1023;
        while (mask < 2 * nstr)
            mask = mask * 2 + 1;
        memcpy(b + 128 + 3 * 8, &nstr, 8);
        memcpy(b + 128 + 5 * 8, &mask, 8);
        int64_t t0 = sl_now();
        CHECK(seed_refused(b, m, request, id, "a string twice"));
        CHECK(sl_now() - t0 < 1000000000); /* the quadratic rebuild took 2.3 s */
        free(b);
    }
    free(seed);
}

/* A snapshot's blocks may be stored as they are (the writer does that
 * for the maps' entries): the same body in stored blocks reads as the same
 * tables as in LZ4 blocks, and a stored block that is not exactly its
 * part of the body is refused. */
SL_TEST(graph_snapshot_reads_stored_blocks_as_it_reads_compressed_ones)
{
    size_t n = 0;
    uint8_t request[32], id[16];
    char *seed = read_seed("seed-1", 128, &n, request, id);
    if (!seed)
        return;
    size_t nz = 0, ns = 0;
    seed[112] &= ~2;
    uint8_t *z = gr_snap_pack(seed, n, &nz);
    seed[112] |= 2;
    uint8_t *st = gr_snap_pack(seed, n, &ns);
    CHECK(z && st && ns > nz);
    char why[256] = "";
    gr_snap *a = z ? gr_snap_from_bytes(z, nz, request, id, why, sizeof why) : NULL;
    CHECK(a != NULL);
    gr_snap *b = st ? gr_snap_from_bytes(st, ns, request, id, why, sizeof why) : NULL;
    if (!b)
        fprintf(stderr, "stored blocks refused: %s\n", why);
    CHECK(b != NULL);
    if (a && b) {
        CHECK_EQ(a->raw_len, b->raw_len);
        CHECK(!memcmp(a->raw, b->raw, a->raw_len));
        CHECK_EQ(a->g->nnodes, b->g->nnodes);
    }
    gr_snap_close(a);
    gr_snap_close(b);
    /* the stored block one byte short (its size says so, the checksum
     * made to match): refused */
    if (st) {
        uint32_t len;
        memcpy(&len, st + ns - 4, 4);
        len -= 1;
        memcpy(st + ns - 4, &len, 4);
        memmove(st + ns - 5, st + ns - 4, 4);
        gr_snap_seal(st, ns - 1);
        gr_snap *c = gr_snap_from_bytes(st, ns - 1, request, id, why, sizeof why);
        CHECK(c == NULL);
        gr_snap_close(c);
    }
    free(z);
    free(st);
    free(seed);
}
