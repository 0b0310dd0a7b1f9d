/*
 * isolate_test.c - `sluice md --isolate`: a page that segfaults, aborts,
 * hangs or allocates without bound in the renderer (tests/md/fault.c)
 * fails alone - in a batch, an error naming the file and exit status 1; in
 * the sidecar, a JSON-RPC error for that file whose data names the cause -
 * and every other page is rendered as it is without --isolate.
 *
 * The worker processes are this test program run again: the constructor
 * below serves them before check.c's main runs.
 */
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "md.h"

int sl_md_main(int argc, char **argv);

__attribute__((constructor)) static void serve_md_workers(void)
{
    const sl_proc_worker *w[] = {&sl_md_render_worker};
    sl_proc_serve(w, 1);
}

static char *tmpdir(void)
{
    char *d = strdup("/tmp/sluice-md-iso-XXXXXX");
    CHECK(mkdtemp(d) != NULL);
    return d;
}

static void put(const char *dir, const char *name, const char *text)
{
    char p[1200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    CHECK(f != NULL);
    fputs(text, f);
    fclose(f);
}

static void rm_rf(const char *d)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    CHECK(system(cmd) == 0);
}

/* sluice md ARGS (NULL-terminated) with stderr into err_path. */
static int run_md(const char *err_path, char **args)
{
    int argc = 0;
    char *argv[32] = {"md"};
    while (args[argc])
        argv[argc + 1] = args[argc], argc++;
    fflush(stderr);
    int saved = dup(2), efd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(efd, 2);
    close(efd);
    int rc = sl_md_main(argc + 1, argv);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    return rc;
}

/* Six ordinary pages, and one that trips `fault` (a KIND of fault.c). */
static void make_site(const char *dir, const char *fault)
{
    char page[200];
    for (int i = 0; i < 6; i++) {
        snprintf(page, sizeof page, "ok%d.md", i);
        char text[300];
        snprintf(text, sizeof text, "---\ntitle: page %d\n---\n# Page %d\n\nSome *text* and a [link](x%d.html).\n\n"
                 "| a | b |\n|---|---|\n| %d | two |\n", i, i, i, i);
        put(dir, page, text);
    }
    snprintf(page, sizeof page, "# Bad\n\n<!-- sluice-fault: %s -->\n", fault);
    put(dir, "bad.md", page);
}

/* Batch: the bad page is named with its cause, has no output, and the
 * others are written exactly as a run without --isolate writes them. */
static void check_batch(const char *fault, const char *cause, const char *timeout_ms)
{
    char *d = tmpdir(), site[600], out[600], ref[600], err[600];
    snprintf(site, sizeof site, "%s/site", d);
    snprintf(out, sizeof out, "%s/out", d);
    snprintf(ref, sizeof ref, "%s/ref", d);
    snprintf(err, sizeof err, "%s/err", d);
    CHECK(mkdir(site, 0755) == 0);
    make_site(site, fault);
    char *args[] = {"--isolate", "-j2", "-q", "--page-timeout", (char *)timeout_ms, "--worker-memory", "32M", "-o",
                    out, site, NULL};
    CHECK_EQ(run_md(err, args), 1);
    char *msg = sl_test_slurp(err);
    if (!msg || !strstr(msg, "bad.md: rendering failed in a worker process") || !strstr(msg, cause))
        fprintf(stderr, "stderr was: %s\n", msg ? msg : "(none)");
    CHECK(msg && strstr(msg, "bad.md: rendering failed in a worker process") && strstr(msg, cause));
    CHECK(strstr(msg, "(2 attempts)") != NULL);
    CHECK(!strstr(msg, "/site/ok")); /* nothing else failed (the good pages are site/ok*.md; the temporary
                                       * directory's random name may hold "ok" itself) */
    free(msg);
    char bad[700];
    snprintf(bad, sizeof bad, "%s/bad.html", out);
    CHECK(access(bad, F_OK) != 0);
    /* The same good pages, in process, as the reference. */
    char badsrc[700];
    snprintf(badsrc, sizeof badsrc, "%s/bad.md", site);
    CHECK(unlink(badsrc) == 0);
    char *ref_args[] = {"-j2", "-q", "-o", ref, site, NULL};
    CHECK_EQ(run_md(err, ref_args), 0);
    for (int i = 0; i < 6; i++) {
        char a[700], b[700];
        snprintf(a, sizeof a, "%s/ok%d.html", out, i);
        snprintf(b, sizeof b, "%s/ok%d.html", ref, i);
        char *x = sl_test_slurp(a), *y = sl_test_slurp(b);
        CHECK(x && y && !strcmp(x, y) && strstr(x, "<table>"));
        free(x);
        free(y);
    }
    rm_rf(d);
    free(d);
}

/* Sidecar: a transform of the bad page is a JSON-RPC error whose data
 * names the cause; with in_batch, also in a batch, where only that page's
 * entry is an error. */
static void check_serve(const char *fault, const char *cause, const char *timeout_ms, int in_batch)
{
    char *d = tmpdir(), in[600], out[600];
    snprintf(in, sizeof in, "%s/in", d);
    snprintf(out, sizeof out, "%s/out", d);
    FILE *f = fopen(in, "w");
    CHECK(f != NULL);
    fprintf(f,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"transform\",\"params\":{\"file\":\"bad.md\","
            "\"content\":\"# Bad\\n<!-- sluice-fault: %s -->\\n\"}}\n",
            fault);
    if (in_batch)
        fprintf(f,
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"transformBatch\",\"params\":{\"files\":["
                "{\"file\":\"a.md\",\"content\":\"# A\"},"
                "{\"file\":\"bad.md\",\"content\":\"<!-- sluice-fault: %s -->\"},"
                "{\"file\":\"c.md\",\"content\":\"*c*\"}]}}\n",
                fault);
    fprintf(f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"transform\",\"params\":{\"file\":\"d.md\","
               "\"content\":\"# D\"}}\n");
    fclose(f);
    sl__md_cli c = {.threads = 2, .max_line = 1 << 20, .queue_bytes = 1 << 20, .isolate = 1,
                    .page_timeout_ns = atoll(timeout_ms) * 1000000LL, .worker_memory = (size_t)32 << 20};
    int ifd = open(in, O_RDONLY), ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK_EQ(sl__md_serve(&c, ifd, ofd), 0);
    close(ifd);
    close(ofd);
    char *text = sl_test_slurp(out);
    CHECK(text != NULL);
    int seen = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        json_t *j = json_loads(line, 0, NULL);
        CHECK(j != NULL);
        if (json_object_get(j, "method")) { /* a batch's progress note */
            json_decref(j);
            continue;
        }
        json_int_t id = json_integer_value(json_object_get(j, "id"));
        if (id == 1) {
            json_t *e = json_object_get(j, "error");
            CHECK_EQ(json_integer_value(json_object_get(e, "code")), -32001);
            json_t *data = json_object_get(e, "data");
            CHECK(strstr(json_string_value(json_object_get(data, "cause")), cause) != NULL);
            CHECK_EQ(json_integer_value(json_object_get(data, "attempts")), 2);
        } else if (id == 2) {
            json_t *res = json_object_get(json_object_get(j, "result"), "results");
            CHECK_EQ(json_array_size(res), 3);
            CHECK(json_object_get(json_array_get(res, 0), "html") != NULL);
            json_t *e = json_object_get(json_array_get(res, 1), "error");
            CHECK_EQ(json_integer_value(json_object_get(e, "code")), -32001);
            CHECK(strstr(json_string_value(json_object_get(json_object_get(e, "data"), "cause")), cause));
            CHECK(!strcmp(json_string_value(json_object_get(json_array_get(res, 2), "html")), "<p><em>c</em></p>\n"));
        } else {
            CHECK_EQ(id, 3);
            json_t *res = json_object_get(j, "result");
            CHECK(!strcmp(json_string_value(json_object_get(res, "html")), "<h1 id=\"d\">D</h1>\n"));
        }
        seen++;
        json_decref(j);
    }
    CHECK_EQ(seen, in_batch ? 3 : 2);
    free(text);
    rm_rf(d);
    free(d);
}

SL_TEST(md_isolate_segfaulting_page_fails_alone)
{
    check_batch("segv", "killed by SIGSEGV", "10000");
    check_serve("segv", "killed by SIGSEGV", "10000", 1);
}

SL_TEST(md_isolate_aborting_page_fails_alone)
{
    check_batch("abort", "killed by SIGABRT", "10000");
    check_serve("abort", "killed by SIGABRT", "10000", 0);
}

SL_TEST(md_isolate_hanging_page_fails_alone)
{
    check_batch("hang", "timed out after 400 ms", "400");
    check_serve("hang", "timed out after 400 ms", "400", 0);
}

SL_TEST(md_isolate_page_allocating_without_bound_fails_alone)
{
    /* A long time limit: the memory limit must be what stops it. */
    check_batch("alloc", "over the memory limit", "60000");
    check_serve("alloc", "over the memory limit", "60000", 0);
}

/* Without faults, --isolate changes nothing in the output: HTML, JSON,
 * front matter and warnings (a page with invalid YAML). */
SL_TEST(md_isolate_output_is_the_same_as_in_process)
{
    char *d = tmpdir(), site[600], a[600], b[600], err[600], erra[600];
    snprintf(site, sizeof site, "%s/site", d);
    snprintf(a, sizeof a, "%s/a.ndjson", d);
    snprintf(b, sizeof b, "%s/b.ndjson", d);
    snprintf(err, sizeof err, "%s/err", d);
    snprintf(erra, sizeof erra, "%s/erra", d);
    CHECK(mkdir(site, 0755) == 0);
    make_site(site, "none");
    put(site, "warn.md", "---\nkey: [unclosed\n---\n# W\n");
    char big[70000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    put(site, "big.md", big); /* larger than a ring slot */
    fflush(stdout);
    int saved = dup(1), fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    close(fd);
    char *iso_args[] = {"--isolate", "--json", "-q", site, NULL};
    int rc1 = run_md(erra, iso_args);
    fflush(stdout);
    fd = open(b, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    close(fd);
    char *ref_args[] = {"--json", "-q", site, NULL};
    int rc2 = run_md(err, ref_args);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    CHECK_EQ(rc1, 0);
    CHECK_EQ(rc2, 0);
    char *x = sl_test_slurp(a), *y = sl_test_slurp(b), *ex = sl_test_slurp(erra), *ey = sl_test_slurp(err);
    CHECK(x && y && strlen(x) > 70000 && !strcmp(x, y));
    CHECK(ex && ey && !strcmp(ex, ey) && strstr(ex, "warn.md:3: warning"));
    free(x);
    free(y);
    free(ex);
    free(ey);
    rm_rf(d);
    free(d);
}

/* sluice md raises its RLIMIT_NOFILE soft limit (up to 65,536) for the
 * walk's directories; its worker processes render under the limit it had
 * before (a hostile page must not hold tens of thousands of descriptors,
 * and select(2) breaks above 1024).  The page reports the limit of the
 * process that renders it (tests/md/fault.c). */
SL_TEST(md_isolate_workers_render_under_the_original_fd_limit)
{
    struct rlimit rl;
    CHECK_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
    CHECK(rl.rlim_max > 300); /* room for sluice md to raise it */
    rl.rlim_cur = 256;
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
    char *d = tmpdir(), site[600], out[600], err[600], limit[600], page[900];
    snprintf(site, sizeof site, "%s/site", d);
    snprintf(out, sizeof out, "%s/out", d);
    snprintf(err, sizeof err, "%s/err", d);
    snprintf(limit, sizeof limit, "%s/limit", d);
    CHECK(mkdir(site, 0755) == 0);
    snprintf(page, sizeof page, "# Limits\n\n<!-- sluice-nofile-to: %s -->\n", limit);
    put(site, "page.md", page);
    char *args[] = {"--isolate", "-j2", "-q", "-o", out, site, NULL};
    CHECK_EQ(run_md(err, args), 0);
    CHECK_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
    CHECK(rl.rlim_cur > 256); /* the parent did raise its own */
    char *got = sl_test_slurp(limit);
    if (!got || strcmp(got, "256"))
        fprintf(stderr, "the worker's soft limit: %s (parent's now %llu)\n", got ? got : "(none)",
                (unsigned long long)rl.rlim_cur);
    CHECK(got && !strcmp(got, "256"));
    free(got);
    rm_rf(d);
    free(d);
}
