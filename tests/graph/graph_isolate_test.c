/*
 * graph_isolate_test.c - `sluice graph --isolate`: a file that segfaults,
 * aborts, hangs or allocates without bound in the parser (tests/graph/
 * fault.c) becomes one warning naming it and the cause, exit status 1, and
 * the graph holds everything else - the same graph an in-process run makes
 * when that file cannot be parsed (a binary file of the same size).
 *
 * The worker processes are this test program run again: the constructor
 * below serves them before check.c's main runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "graph_run.h"
#include "parse_all.h"
#include "sluice/proc.h"

__attribute__((constructor)) static void serve_graph_workers(void)
{
    const sl_proc_worker *w[] = {&sl_graph_parse_worker};
    sl_proc_serve(w, 1);
}

/* A crate of six modules that use each other, and bad.rs holding `bad`. */
static void make_crate(const char *dir, const char *bad, long bad_len)
{
    write_file(dir, "Cargo.toml", "[package]\nname = \"iso\"\nversion = \"0.1.0\"\n", -1);
    char lib[400] = "";
    for (int i = 0; i < 6; i++) {
        char text[400], name[32];
        snprintf(text, sizeof text,
                 "use crate::m%d::helper%d;\npub struct T%d;\nimpl T%d { pub fn run(&self) -> u32 { helper%d() } }\n"
                 "pub fn helper%d() -> u32 { %d }\n",
                 (i + 1) % 6, (i + 1) % 6, i, i, (i + 1) % 6, i, i);
        snprintf(name, sizeof name, "src/m%d.rs", i);
        write_file(dir, name, text, -1);
        snprintf(lib + strlen(lib), sizeof lib - strlen(lib), "pub mod m%d;\n", i);
    }
    strcat(lib, "pub mod bad;\n");
    write_file(dir, "src/lib.rs", lib, -1);
    write_file(dir, "src/bad.rs", bad, bad_len);
}

/* Replaces the first `from` in s (malloc'd) by `to`. */
static char *replaced(char *s, const char *from, const char *to)
{
    char *p = strstr(s, from);
    CHECK(p != NULL);
    size_t n = strlen(s) + strlen(to) + 1;
    char *r = malloc(n);
    CHECK(r != NULL);
    snprintf(r, n, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
    free(s);
    return r;
}

static void check_fault(const char *kind, const char *cause, const char *timeout_ms)
{
    char dir[512], crate[600], ref[600], out[700], refout[700];
    scratch_dir(dir, sizeof dir);
    snprintf(crate, sizeof crate, "%s/iso", dir);
    snprintf(ref, sizeof ref, "%s/ref", dir);
    snprintf(out, sizeof out, "%s/iso.json", dir);
    snprintf(refout, sizeof refout, "%s/ref.json", dir);
    char bad[200];
    int n = snprintf(bad, sizeof bad, "// sluice-fault: %s\npub fn never() {}\n", kind);
    make_crate(crate, bad, -1);
    char *said = NULL;
    int rc = graph_run_stderr(&said, "--isolate", "-j2", "--file-timeout", timeout_ms, "--worker-memory", "64M",
                              "--json", out, crate, NULL);
    char want[400];
    snprintf(want, sizeof want, "bad.rs: parsing failed in a worker process: %s", cause);
    if (rc != 1 || !said || !strstr(said, want))
        fprintf(stderr, "rc %d, stderr was: %s\n", rc, said ? said : "(none)");
    CHECK_EQ(rc, 1);
    CHECK(strstr(said, want) != NULL);
    CHECK(strstr(said, "(2 attempts)") != NULL);
    CHECK(!strstr(said, "m0.rs") && !strstr(said, "m5.rs")); /* nothing else failed */
    free(said);
    /* The reference: the same crate in process, bad.rs a binary file of
     * the same size (a file that cannot be parsed either). */
    memset(bad, 0, (size_t)n);
    make_crate(ref, bad, n);
    CHECK_EQ(graph_run("-j2", "-q", "--json", refout, ref, NULL), 1);
    size_t la, lb;
    char *a = read_all(out, &la), *b = read_all(refout, &lb);
    CHECK(a && b);
    /* the warning's message, as far as the JSON string's end */
    char msg[300], *m = strstr(a, "parsing failed in a worker process: ");
    CHECK(m != NULL && strchr(m, '"') != NULL);
    snprintf(msg, sizeof msg, "%.*s", (int)(strchr(m, '"') - m), m);
    CHECK(strstr(msg, cause) && strstr(msg, "(2 attempts)"));
    a = replaced(a, msg, "binary file (NUL bytes), skipped");
    while (strstr(a, crate))
        a = replaced(a, crate, ref);
    CHECK(!strcmp(a, b));
    CHECK(strstr(a, "helper5") && strstr(a, "\"status\":\"unreadable\""));
    free(a);
    free(b);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

SL_TEST(graph_isolate_segfaulting_file_is_a_warning_and_the_rest_is_kept)
{
    check_fault("segv", "killed by SIGSEGV", "20000");
}

SL_TEST(graph_isolate_aborting_file_is_a_warning_and_the_rest_is_kept)
{
    check_fault("abort", "killed by SIGABRT", "20000");
}

SL_TEST(graph_isolate_hanging_file_is_a_warning_and_the_rest_is_kept)
{
    check_fault("hang", "timed out after 400 ms", "400");
}

SL_TEST(graph_isolate_file_allocating_without_bound_is_a_warning_and_the_rest_is_kept)
{
    /* A long time limit: the memory limit must be what stops it. */
    check_fault("alloc", "over the memory limit", "60000");
}

/* Without faults, --isolate changes nothing: the same JSON, SQLite and
 * warnings as in process, on crates with a file larger than a ring slot,
 * invalid UTF-8, a binary file and modules reached through #[path]. */
SL_TEST(graph_isolate_output_is_the_same_as_in_process)
{
    char dir[512], big_dir[600], a[700], b[700], da[700], db[700];
    scratch_dir(dir, sizeof dir);
    snprintf(big_dir, sizeof big_dir, "%s/big", dir);
    write_file(big_dir, "Cargo.toml", "[package]\nname = \"big\"\nversion = \"0.1.0\"\n", -1);
    write_file(big_dir, "src/lib.rs", "pub mod gen;\nmod latin;\nmod blob;\n", -1);
    size_t cap = 200000, len = 0;
    char *gen = malloc(cap);
    CHECK(gen != NULL);
    for (int i = 0; len + 100 < cap; i++)
        len += (size_t)snprintf(gen + len, cap - len, "pub fn f%d(x: u32) -> u32 { f%d(x) + 1 }\n", i, i + 1);
    write_file(big_dir, "src/gen.rs", gen, (long)len);
    free(gen);
    write_file(big_dir, "src/latin.rs", "pub fn caf\xe9() {}\n", -1);
    write_file(big_dir, "src/blob.rs", "\0\1\2", 3);
    snprintf(a, sizeof a, "%s/a.json", dir);
    snprintf(b, sizeof b, "%s/b.json", dir);
    snprintf(da, sizeof da, "%s/a.sqlite", dir);
    snprintf(db, sizeof db, "%s/b.sqlite", dir);
    char *ea = NULL, *eb = NULL;
    int rc1 = graph_run_stderr(&ea, "--isolate", "-j2", "--json", a, "--db", da, big_dir, GRAPH_FIXTURES "/resolve",
                               GRAPH_EXAMPLE, NULL);
    int rc2 = graph_run_stderr(&eb, "-j1", "--json", b, "--db", db, big_dir, GRAPH_FIXTURES "/resolve", GRAPH_EXAMPLE,
                               NULL);
    CHECK_EQ(rc1, 1);
    CHECK_EQ(rc2, 1);
    if (!ea || !eb || strcmp(ea, eb))
        fprintf(stderr, "--isolate said:\n%s\nin process:\n%s\n", ea ? ea : "", eb ? eb : "");
    CHECK(ea && eb && !strcmp(ea, eb) && strstr(ea, "latin.rs:1: invalid UTF-8"));
    size_t la, lb, lda, ldb;
    char *x = read_all(a, &la), *y = read_all(b, &lb), *dx = read_all(da, &lda), *dy = read_all(db, &ldb);
    CHECK(x && y && la == lb && la > 100000 && !memcmp(x, y, la));
    CHECK(dx && dy && lda == ldb && !memcmp(dx, dy, lda));
    free(x);
    free(y);
    free(dx);
    free(dy);
    free(ea);
    free(eb);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

/* A file a worker process failed on is no run's answer - another run,
 * with another limit or less load, parses it - so no run record keeps
 * it: the next run with the cache and the same outputs (the time limit
 * long enough now) parses the file and writes what a run without a cache
 * writes, instead of repeating the failure (adv9 F8). */
SL_TEST(graph_isolate_failure_is_not_repeated_from_the_run_record)
{
    char dir[512], crate[600], cache[600], out[700], ref[700];
    scratch_dir(dir, sizeof dir);
    snprintf(crate, sizeof crate, "%s/c", dir);
    snprintf(cache, sizeof cache, "%s/cache", dir);
    snprintf(out, sizeof out, "%s/out.json", dir);
    snprintf(ref, sizeof ref, "%s/ref.json", dir);
    write_file(crate, "Cargo.toml", "[package]\nname = \"c\"\nversion = \"0.1.0\"\n", -1);
    write_file(crate, "src/lib.rs", "mod big;\npub fn f() {}\n", -1);
    /* far more than a millisecond's parse: 1 MiB optimised; a quarter of
     * that under the sanitizers, which parse it several times slower (it
     * is parsed whole twice after the failure, most of the test's time) */
    size_t cap = (size_t)1 << (SL_TEST_SANITIZED ? 18 : 20), len = 0;
    char *big = malloc(cap);
    CHECK(big != NULL);
    for (int i = 0; len + 100 < cap; i++)
        len += (size_t)snprintf(big + len, cap - len, "pub fn f%d(a: u32) -> u32 { a + %d }\n", i, i);
    write_file(crate, "src/big.rs", big, (long)len);
    free(big);
    usleep(2100 * 1000); /* older than the run record's racy margin: compared by their stat */
    char *said = NULL;
    CHECK_EQ(graph_run_stderr(&said, "--isolate", "-j1", "--file-timeout", "1", "--cache", cache, "--json", out, crate,
                              NULL),
             1);
    CHECK(said && strstr(said, "big.rs: parsing failed in a worker process"));
    free(said);
    int rc = graph_run_stderr(&said, "--isolate", "-j1", "--cache", cache, "--json", out, crate, NULL);
    if (rc != 0)
        fprintf(stderr, "the second run said:\n%s", said ? said : "");
    CHECK_EQ(rc, 0);
    free(said);
    CHECK_EQ(graph_run("-q", "-j1", "--json", ref, crate, NULL), 0);
    size_t la, lb;
    char *a = read_all(out, &la), *b = read_all(ref, &lb);
    CHECK(a && b && la == lb && !memcmp(a, b, la));
    free(a);
    free(b);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

/* The flags' limits, and one past each: a usage error, nothing started. */
SL_TEST(graph_isolate_flags_refused_one_past_their_limits)
{
    char dir[512];
    scratch_dir(dir, sizeof dir);
    make_crate(dir, "pub fn f() {}\n", -1);
    char *said = NULL;
    CHECK_EQ(graph_run_stderr(&said, "--isolate", "--file-timeout", "0", dir, NULL), 2);
    CHECK(said && strstr(said, "--file-timeout wants milliseconds from 1 to 86400000"));
    free(said);
    CHECK_EQ(graph_run_stderr(&said, "--isolate", "--file-timeout", "86400001", dir, NULL), 2);
    free(said);
    CHECK_EQ(graph_run_stderr(&said, "--isolate", "--worker-memory", "16777215", dir, NULL), 2);
    CHECK(said && strstr(said, "--worker-memory wants a size of at least 16M"));
    free(said);
    CHECK_EQ(graph_run_stderr(&said, "-j0", dir, NULL), 2); /* 0 only with --workers */
    CHECK(said && strstr(said, "(0 with --workers)"));
    free(said);
    /* at the limits: a run */
    CHECK_EQ(graph_run("-q", "--isolate", "-j1", "--file-timeout", "86400000", "--worker-memory", "16M", "--json",
                       "/dev/null", dir, NULL),
             0);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}
