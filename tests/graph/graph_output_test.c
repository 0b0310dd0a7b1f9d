/*
 * graph_output_test.c - the outputs: the same bytes and rows for any -j,
 * SQLite and JSON with the same content, the meta table, and outputs
 * that appear whole or not at all.
 */
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "graph_run.h"

/* A digest of every row of every table, in a fixed order. */
static unsigned long long db_digest(const char *db)
{
    static const char *const q[] = {
        "SELECT * FROM meta ORDER BY key",       "SELECT * FROM files ORDER BY id",
        "SELECT * FROM nodes ORDER BY id",       "SELECT * FROM edges ORDER BY src, kind, dst",
        "SELECT * FROM warnings ORDER BY rowid",
    };
    sqlite3 *h = NULL;
    unsigned long long d = 1469598103934665603ull;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return 0;
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        sqlite3_stmt *s;
        if (sqlite3_prepare_v2(h, q[i], -1, &s, NULL) != SQLITE_OK)
            return 0;
        while (sqlite3_step(s) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(s); c++) {
                const unsigned char *t = sqlite3_column_text(s, c);
                for (const unsigned char *p = t ? t : (const unsigned char *)"\1NULL"; *p; p++)
                    d = (d ^ *p) * 1099511628211ull;
                d = (d ^ 0xff) * 1099511628211ull;
            }
        }
        sqlite3_finalize(s);
    }
    sqlite3_close(h);
    return d;
}

static size_t count(const char *hay, size_t len, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = hay; (p = memmem(p, len - (size_t)(p - hay), needle, k)); p += k)
        n++;
    return n;
}

SL_TEST(graph_output_is_identical_for_any_thread_count)
{
    char dir[4096];
    scratch_dir(dir, sizeof dir);
    const char *threads[] = {"1", "2", "3", "8"};
    char *first = NULL;
    size_t first_len = 0;
    unsigned long long first_digest = 0;
    for (int round = 0; round < 2 * sl_test_stress(); round++) {
        for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
            char json[4200], db[4200];
            snprintf(json, sizeof json, "%s/g%s.json", dir, threads[t]);
            snprintf(db, sizeof db, "%s/g%s.sqlite", dir, threads[t]);
            CHECK_EQ(graph_run("-q", "-j", threads[t], "--json", json, "--db", db, GRAPH_FIXTURES "/resolve",
                               GRAPH_EXAMPLE, NULL), 0);
            size_t len;
            char *got = read_all(json, &len);
            CHECK(got != NULL);
            unsigned long long d = db_digest(db);
            CHECK(d != 0);
            if (!first) {
                first = got;
                first_len = len;
                first_digest = d;
                continue;
            }
            CHECK(len == first_len && !memcmp(got, first, len));
            CHECK(d == first_digest);
            free(got);
        }
    }
    free(first);
}

SL_TEST(graph_sqlite_and_json_hold_the_same_content)
{
    char dir[4096], json[4200], db[4200];
    scratch_dir(dir, sizeof dir);
    snprintf(json, sizeof json, "%s/g.json", dir);
    snprintf(db, sizeof db, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--json", json, "--db", db, GRAPH_FIXTURES "/resolve", NULL), 0);
    size_t len;
    char *j = read_all(json, &len);
    CHECK(j != NULL);
    long long nodes = db_int(db, "SELECT count(*) FROM nodes", NULL, NULL, NULL);
    long long edges = db_int(db, "SELECT count(*) FROM edges", NULL, NULL, NULL);
    long long calls = db_int(db, "SELECT count(*) FROM edges WHERE kind = 'calls'", NULL, NULL, NULL);
    CHECK(nodes > 20);
    long long files = db_int(db, "SELECT count(*) FROM files", NULL, NULL, NULL);
    long long json_nodes = (long long)count(j, len, "{\"id\":") - files;
    long long json_edges = 0;
    static const char *const kinds[] = {",\"contains\",", ",\"impl_of\",", ",\"implements\",",
                                        ",\"uses_type\",", ",\"calls\",", ",\"imports\","};
    for (size_t k = 0; k < 6; k++)
        json_edges += (long long)count(j, len, kinds[k]);
    long long json_calls = (long long)count(j, len, ",\"calls\",");
    CHECK_EQ(json_nodes, nodes);
    CHECK_EQ(json_edges, edges);
    CHECK_EQ(json_calls, calls);
    free(j);
}

/* The database is laid out page by page by sluice itself (sqlfile.c):
 * SQLite must find it sound, and its indexes must give what a scan of the
 * table gives. */
SL_TEST(graph_sqlite_file_passes_integrity_check)
{
    char dir[4096], db[4200];
    scratch_dir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", db, GRAPH_FIXTURES "/resolve", GRAPH_EXAMPLE, NULL), 0);
    CHECK_EQ(db_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'", NULL, NULL, NULL),
             1);
    static const char *const pairs[][2] = {
        {"SELECT count(*) FROM nodes INDEXED BY nodes_name WHERE name = 'new'",
         "SELECT count(*) FROM nodes NOT INDEXED WHERE name = 'new'"},
        {"SELECT count(*) FROM nodes INDEXED BY nodes_path WHERE path > 'crate::shapes'",
         "SELECT count(*) FROM nodes NOT INDEXED WHERE path > 'crate::shapes'"},
        {"SELECT count(*) FROM nodes INDEXED BY nodes_file WHERE file = 3 AND line > 1",
         "SELECT count(*) FROM nodes NOT INDEXED WHERE file = 3 AND line > 1"},
        {"SELECT count(*) FROM edges INDEXED BY edges_dst WHERE dst > 10 AND kind = 'calls'",
         "SELECT count(*) FROM edges NOT INDEXED WHERE dst > 10 AND kind = 'calls'"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        long long a = db_int(db, pairs[i][0], NULL, NULL, NULL), b = db_int(db, pairs[i][1], NULL, NULL, NULL);
        CHECK(b > 0);
        CHECK_EQ(a, b);
    }
}

/* Index keys are sorted eight bytes at a time (emit_sqlite.c): long
 * shared prefixes, names that begin other names, names that differ only
 * past the eighth byte, and repeated names must still come out in
 * SQLite's order, which integrity_check verifies for every index. */
SL_TEST(graph_indexes_keep_sqlite_order_with_long_shared_prefixes)
{
    char dir[4096], src[4200], db[4200];
    scratch_dir(dir, sizeof dir);
    snprintf(src, sizeof src, "%s/big.rs", dir);
    snprintf(db, sizeof db, "%s/g.sqlite", dir);
    FILE *f = fopen(src, "wb");
    CHECK(f != NULL);
    fprintf(f, "pub mod a_rather_long_module_name_shared_by_all { pub mod and_another_long_one {\n");
    for (int i = 0; i < 400; i++) {
        fprintf(f, "pub fn same_prefix_function_%03d() { same_prefix_function_%03d(); }\n", i, (i * 7) % 400);
        if (i % 50 == 0)
            fprintf(f, "pub struct same_prefix_function_%03d_x; pub fn same_prefix_function_%d() {}\n", i, i);
    }
    fprintf(f, "}\n");
    for (int i = 0; i < 100; i++) /* the same names again, one level up */
        fprintf(f, "pub fn same_prefix_function_%03d() {}\n", i);
    fprintf(f, "}\nfn s() {}\nfn same() {}\nfn same_prefix() {}\n");
    fclose(f);
    CHECK_EQ(graph_run("-q", "--db", db, src, NULL), 0);
    CHECK_EQ(db_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'", NULL, NULL, NULL),
             1);
    CHECK(db_int(db, "SELECT count(*) FROM nodes", NULL, NULL, NULL) > 500);
    CHECK_EQ(db_int(db, "SELECT count(*) FROM nodes INDEXED BY nodes_path WHERE path > 'crate::a_rather_long_module_name_shared_by_all::and'", NULL, NULL, NULL),
             db_int(db, "SELECT count(*) FROM nodes NOT INDEXED WHERE path > 'crate::a_rather_long_module_name_shared_by_all::and'", NULL, NULL, NULL));
    CHECK_EQ(db_int(db, "SELECT count(*) FROM nodes INDEXED BY nodes_name WHERE name >= 'same_prefix_function_05'", NULL, NULL, NULL),
             db_int(db, "SELECT count(*) FROM nodes NOT INDEXED WHERE name >= 'same_prefix_function_05'", NULL, NULL, NULL));
}

SL_TEST(graph_meta_table_names_tool_and_input)
{
    char dir[4096], db[4200];
    scratch_dir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", db, GRAPH_FIXTURES "/resolve", NULL), 0);
    CHECK_EQ(db_int(db, "SELECT count(*) FROM meta WHERE key = 'tool' AND value LIKE 'sluice %'", NULL, NULL, NULL), 1);
    CHECK_EQ(db_int(db, "SELECT count(*) FROM meta WHERE key = 'inputs' AND value LIKE '%fixtures/resolve'", NULL, NULL,
                    NULL), 1);
    CHECK_EQ(db_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'edges_dst'", NULL, NULL,
                    NULL), 1);
}

SL_TEST(graph_replaces_output_whole_and_leaves_no_temp_files)
{
    char dir[4096], db[4200];
    scratch_dir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/g.sqlite", dir);
    write_file(dir, "g.sqlite", "not a database", -1);
    CHECK_EQ(graph_run("-q", "--db", db, GRAPH_FIXTURES "/resolve", NULL), 0);
    CHECK(db_int(db, "SELECT count(*) FROM nodes", NULL, NULL, NULL) > 0);
    /* only g.sqlite in the directory: the temporary file was renamed */
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", dir);
    CHECK(system(cmd) == 0);
}

SL_TEST(graph_write_failure_is_an_error)
{
    CHECK_EQ(graph_run("-q", "--json", "/nonexistent-dir/g.json", GRAPH_FIXTURES "/resolve", NULL), 2);
}

/* An output whose writes fail partway - past RLIMIT_FSIZE here, as on a
 * full disk - is reported with the failed write's own cause and the old
 * file kept.  The cause once was a stale errno ("No such file or
 * directory", from a lookup) for --db and none at all for --json:
 * stdio keeps only a flag when a buffered write fails. */
static void write_failure_names_the_cause(const char *flag)
{
    char dir[4096], out[4200];
    scratch_dir(dir, sizeof dir);
    snprintf(out, sizeof out, "%s/old", dir);
    write_file(dir, "old", "old output", -1);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct rlimit small = {4096, 4096}; /* both outputs of the fixture are larger */
        signal(SIGXFSZ, SIG_IGN);           /* the write fails with EFBIG instead */
        if (setrlimit(RLIMIT_FSIZE, &small))
            _exit(3);
        char *text = NULL;
        int rc = graph_run_stderr(&text, "-q", flag, out, GRAPH_FIXTURES "/resolve", NULL);
        int ok = rc == 2 && text && strstr(text, out) && strstr(text, "write error: File too large");
        if (!ok)
            fprintf(stderr, "%s: exit %d, said: %s\n", flag, rc, text ? text : "(nothing)");
        _exit(ok ? 0 : 1);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    size_t len;
    char *got = read_all(out, &len);
    CHECK(got && !strcmp(got, "old output"));
    free(got);
}

SL_TEST(graph_write_failure_names_the_cause)
{
    write_failure_names_the_cause("--db");
    write_failure_names_the_cause("--json");
}

SL_TEST(graph_writes_json_to_stdout_for_dash)
{
    char dir[4096], path[4200];
    scratch_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/stdout.json", dir);
    fflush(stdout);
    int saved = dup(1);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL && saved >= 0);
    dup2(fileno(f), 1);
    int rc = graph_run("-q", "--json", "-", GRAPH_FIXTURES "/resolve", NULL);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    fclose(f);
    CHECK_EQ(rc, 0);
    size_t len;
    char *got = read_all(path, &len);
    CHECK(got && len > 100 && !memcmp(got, "{\"format\":\"sluice-graph\"", 24) && got[len - 2] == '}');
    free(got);
}

SL_TEST(graph_rejects_bad_thread_count)
{
    CHECK_EQ(graph_run("-q", "-j", "0", GRAPH_FIXTURES "/resolve", NULL), 2);
    CHECK_EQ(graph_run("-q", "-j", "two", GRAPH_FIXTURES "/resolve", NULL), 2);
    CHECK_EQ(graph_run("-q", NULL), 2); /* no PATH */
}

/* The thread count a run used, from its --stats line on standard error:
 * -1 when the run failed or printed none. */
static int threads_used(const char *a, const char *b, const char *c, const char *d)
{
    char *text;
    int rc = graph_run_stderr(&text, "-q", "--stats", a, b, c, d, NULL);
    const char *j = text ? strstr(text, ", -j") : NULL;
    int n = rc == 0 && j ? atoi(j + 4) : -1;
    free(text);
    return n;
}

/* getopt's rules, as every sluice tool reads flags: an option's value
 * attached or apart, --long=value, combined short flags, and `--` ending
 * the options so a PATH may start with '-'. */
SL_TEST(graph_reads_flags_the_getopt_way)
{
    const char *fx = GRAPH_FIXTURES "/resolve";
    CHECK_EQ(threads_used("-j1", fx, NULL, NULL), 1);
    CHECK_EQ(threads_used("-j", "3", fx, NULL), 3);
    CHECK_EQ(threads_used("--threads=2", fx, NULL, NULL), 2);
    CHECK_EQ(threads_used("--threads", "4", fx, NULL), 4);
    CHECK_EQ(threads_used("-qj5", fx, NULL, NULL), 5);
    CHECK_EQ(threads_used("-j2", "--", fx, NULL), 2);
    /* a PATH that looks like a flag, after -- */
    char dir[4096], cwd[4096], out[4200];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "-crate/Cargo.toml", "[package]\nname = \"dash\"\n", -1);
    write_file(dir, "-crate/src/lib.rs", "pub fn dashed() {}\n", -1);
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(dir) == 0);
    int rc = graph_run("-q", "-j1", "--db", out, "--", "-crate", NULL);
    int refused = graph_run("-q", "-j1", "--db", out, "-crate", NULL);
    CHECK(chdir(cwd) == 0);
    CHECK_EQ(rc, 0);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE path = 'crate::dashed'", NULL, NULL, NULL), 1);
    CHECK_EQ(refused, 2); /* without --, "-crate" is flags: -c is none of graph's */
}
