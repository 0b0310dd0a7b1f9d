/*
 * graph_cache_test.c - `sluice graph --cache DIR` (issue 20): whatever the
 * cache holds - nothing, entries from before any set of edits, entries
 * damaged or from another version, entries another run is writing - the
 * outputs are the bytes a run without a cache writes, for any -j; and
 * `--db FILE --update` leaves the rows a full run writes.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "fg_same.h"
#include "fgcodec.h"
#include "extract.h"
#include "graph_run.h"
#include "graphcache.h"
#include "runrec.h"

static char root[1024], work[1200], cache[1200];

static void setup(void)
{
    scratch_workspace(root, sizeof root, work, cache, sizeof work);
}

static void put_file(const char *rel, const char *text)
{
    write_file(work, rel, text, -1);
}

static void remove_file(const char *rel)
{
    char p[4400];
    snprintf(p, sizeof p, "%s/%s", work, rel);
    CHECK(unlink(p) == 0);
}

/* Runs graph on the workspace without a cache, then with the cache at -j1
 * and -j3: all three outputs (JSON and SQLite) must be the same bytes,
 * and so must the exit statuses. */
static int same_with_cache(const char *step)
{
    char j0[4400], d0[4400], j[4400], d[4400];
    snprintf(j0, sizeof j0, "%s/%s-cold.json", root, step);
    snprintf(d0, sizeof d0, "%s/%s-cold.sqlite", root, step);
    int rc0 = graph_run("-q", "-j2", "--json", j0, "--db", d0, work, NULL), ok = 1;
    for (int k = 0; k < 2; k++) {
        const char *jn = k ? "-j3" : "-j1";
        snprintf(j, sizeof j, "%s/%s%s.json", root, step, jn);
        snprintf(d, sizeof d, "%s/%s%s.sqlite", root, step, jn);
        int rc = graph_run("-q", jn, "--cache", cache, "--json", j, "--db", d, work, NULL);
        if (rc != rc0 || !same_bytes(j0, j) || !same_bytes(d0, d)) {
            fprintf(stderr, "step %s, %s: the cached run differs (exit %d, cold %d)\n", step, jn, rc, rc0);
            ok = 0;
        }
    }
    return ok;
}

static void starting_workspace(void)
{
    put_file("app/Cargo.toml", "[package]\nname = \"app\"\n");
    put_file("app/src/lib.rs", "pub mod util;\nmod net;\npub use util::helper;\n"
                               "pub fn run() -> u32 { helper(1) + net::send() }\n");
    put_file("app/src/util.rs", "pub fn helper(x: u32) -> u32 { x + 1 }\npub(crate) struct Cfg { pub n: u32 }\n"
                                "impl Cfg { pub fn new() -> Self { Cfg { n: 0 } } }\n");
    put_file("app/src/net.rs", "use crate::util::Cfg;\npub fn send() -> u32 { Cfg::new().n }\n");
    put_file("app/src/main.rs", "fn main() { app::run(); }\n");
    put_file("lib2/Cargo.toml", "[package]\nname = \"lib2\"\n");
    put_file("lib2/src/lib.rs", "pub trait Speak { fn speak(&self) -> u8; }\npub struct A;\n"
                                "impl Speak for A { fn speak(&self) -> u8 { 1 } }\n");
}

/* The byte-identity contract over a scripted history of edits, each step
 * checked against a cold run, the cache carried from step to step. */
SL_TEST(graph_cache_output_is_byte_identical_over_a_scripted_history)
{
    setup();
    starting_workspace();
    CHECK(same_with_cache("0-cold-cache"));
    CHECK(same_with_cache("1-warm"));
    put_file("app/src/util.rs", "pub fn helper(x: u32) -> u32 { x * 2 + other() }\nfn other() -> u32 { 7 }\n"
                                "pub(crate) struct Cfg { pub n: u32 }\n"
                                "impl Cfg { pub fn new() -> Self { Cfg { n: 0 } } }\n");
    CHECK(same_with_cache("2-body-edited"));
    put_file("app/src/util.rs", "pub fn helper(x: u32, y: u32) -> u32 { x * y + other() }\nfn other() -> u32 { 7 }\n"
                                "pub(crate) struct Cfg { pub n: u32 }\n"
                                "impl Cfg { pub fn new() -> Self { Cfg { n: 0 } } }\n");
    CHECK(same_with_cache("3-signature-edited"));
    put_file("app/src/net.rs", "use crate::util::Cfg;\nfn send() -> u32 { Cfg::new().n }\n");
    CHECK(same_with_cache("4-pub-removed"));
    put_file("app/src/net.rs", "use crate::util::Cfg;\npub fn send() -> u32 { Cfg::new().n }\n");
    CHECK(same_with_cache("5-pub-added"));
    put_file("app/src/transport.rs", "use crate::util::Cfg;\npub fn send() -> u32 { Cfg::new().n }\n");
    remove_file("app/src/net.rs");
    put_file("app/src/lib.rs", "pub mod util;\nmod transport;\npub use util::helper;\n"
                               "pub fn run() -> u32 { helper(1, 2) + transport::send() }\n");
    CHECK(same_with_cache("6-module-renamed"));
    put_file("new/Cargo.toml", "[package]\nname = \"new\"\n");
    put_file("new/src/lib.rs", "pub fn fresh() { lib2::A; }\n");
    /* the same new text twice in one run: the second from the entry the
     * first left to be written (graphcache.c, deferred entries) */
    put_file("new/src/twin.rs", "pub fn fresh() { lib2::A; }\n");
    CHECK(same_with_cache("7-crate-added"));
    remove_file("app/src/main.rs");
    CHECK(same_with_cache("8-file-deleted"));
    /* two files trade contents: every key is in the cache, under the other name */
    char p[4400], q[4400];
    snprintf(p, sizeof p, "%s/app/src/util.rs", work);
    snprintf(q, sizeof q, "%s/app/src/transport.rs", work);
    size_t np, nq;
    char *a = read_all(p, &np), *b = read_all(q, &nq);
    write_file(work, "app/src/util.rs", b, (long)nq);
    write_file(work, "app/src/transport.rs", a, (long)np);
    free(a);
    free(b);
    CHECK(same_with_cache("9-contents-swapped"));
    put_file("app/src/util.rs", "pub fn broken( {\n");
    CHECK(same_with_cache("10-syntax-error"));
}

/* The files in the cache's sub (packs/, runs/) that are temporary (tmp)
 * or not, counted, and the first max of their paths in out, sorted. */
static size_t cache_files(const char *sub, char out[][4600], size_t max, int tmp)
{
    char top[1400];
    snprintf(top, sizeof top, "%s/" GR_CACHE_SUBDIR "/%s", cache, sub);
    size_t n = 0;
    DIR *d = opendir(top);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.' && (strstr(e->d_name, ".tmp") != NULL) == tmp) {
            if (n < max)
                snprintf(out[n], 4600, "%s/%s", top, e->d_name);
            n++;
        }
    if (d)
        closedir(d);
    qsort(out, n < max ? n : max, sizeof out[0], (int (*)(const void *, const void *))strcmp);
    return n;
}

/* Paths of the cache's packs (not temporary files), sorted. */
static size_t packs(char out[][4600], size_t max)
{
    return cache_files("packs", out, max, 0);
}

/* Temporary files left in packs/ (none, once every run has ended). */
static size_t temporaries(void)
{
    static char none[1][4600];
    return cache_files("packs", none, 0, 1);
}

static unsigned long long le64_at(const unsigned char *p)
{
    unsigned long long v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* A run with the cache (and --cache-max max, or 1G) and its --stats
 * figures: bad entries, misses, entries evicted.  0, or -1 when the run
 * failed, printed no figures or left an entry it meant to write unwritten. */
static int cache_run(const char *json, const char *max, long *bad, long *misses, long *evicted)
{
    char *t;
    int rc = graph_run_stderr(&t, "-q", "--stats", "-j2", "--cache", cache, "--cache-max", max ? max : "1G", "--json",
                              json, work, NULL);
    const char *h = t ? strstr(t, " hits, ") : NULL, *m = t ? strstr(t, " misses, ") : NULL,
               *w = t ? strstr(t, " write errors, ") : NULL;
    int ok = rc <= 1 && h && m && w && strstr(t, " 0 write errors");
    *misses = ok ? atol(h + 7) : -1;
    *bad = ok ? atol(m + 9) : -1;
    *evicted = ok ? atol(w + 15) : -1;
    if (!ok)
        fprintf(stderr, "cache run: %s\n", t ? t : "(no output)");
    free(t);
    return ok ? 0 : -1;
}

static long bad_entries(const char *json)
{
    long bad, misses, evicted;
    return cache_run(json, NULL, &bad, &misses, &evicted) ? -2 : bad;
}

static long misses_of(const char *json)
{
    long bad, misses, evicted;
    return cache_run(json, NULL, &bad, &misses, &evicted) ? -2 : misses;
}

/* The bytes of the one pack the cache holds (its path in path), and
 * where its index starts; NULL (a failed check) when there is not one
 * pack or it is too short to hold a record. */
static unsigned char *the_pack(char path[4600], size_t *len, unsigned long long *ix)
{
    static char e[64][4600];
    size_t n = packs(e, 64);
    CHECK_EQ(n, 1);
    if (n != 1)
        return NULL;
    snprintf(path, 4600, "%s", e[0]);
    unsigned char *b = (unsigned char *)read_all(path, len);
    CHECK(b && *len > 16 + 40 + 48);
    if (!b || *len <= 16 + 40 + 48) {
        free(b);
        return NULL;
    }
    *ix = le64_at(b + *len - 32);
    return b;
}

/* Damage to the one pack the cache holds, each kind in turn: a flipped
 * byte in a record's payload (that record fails its checksum), in the
 * index (the pack fails), a pack cut short, a pack of another format
 * version, a file named like a pack that is none.  Each is found,
 * counted once in --stats, recomputed; the output is the cold one; and
 * the next run finds nothing bad (the damaged pack was rewritten or
 * removed).  A directory or a link where a pack could be is passed over. */
SL_TEST(graph_cache_recomputes_damaged_and_foreign_entries)
{
    setup();
    starting_workspace();
    CHECK(same_with_cache("cold"));
    char cold[4400];
    snprintf(cold, sizeof cold, "%s/cold-cold.json", root);
    static char e[64][4600];
    for (int how = 0; how < 5; how++) {
        size_t len;
        unsigned long long ix;
        unsigned char *b = the_pack(e[0], &len, &ix);
        if (!b)
            return;
        unsigned long long first = le64_at(b + ix + 32), flen = le64_at(b + ix + 40);
        switch (how) {
        case 0: b[first + flen - 1] ^= 0x40; break; /* the last byte of the first record's payload */
        case 1: b[ix + 5] ^= 1; break;               /* a key in the index */
        case 2: len = len * 2 / 3; break;            /* cut short: no trailer */
        case 3: b[8] = 2; break;                     /* format version 2 (fixed-width payloads) */
        case 4: memcpy(b, "not a cache pack", 16); len = 16; break;
        }
        write_file("/", e[0] + 1, (char *)b, (long)len);
        free(b);
        char j[4400];
        snprintf(j, sizeof j, "%s/damaged-%d.json", root, how);
        CHECK_EQ(bad_entries(j), 1);
        CHECK(same_bytes(cold, j));
        /* another output name: the same arguments could find the run
         * record and skip the parse */
        snprintf(j, sizeof j, "%s/again-%d.json", root, how);
        long bad, misses, evicted;
        CHECK_EQ(cache_run(j, NULL, &bad, &misses, &evicted), 0);
        CHECK_EQ(bad, 0);
        CHECK_EQ(misses, 0); /* every entry came back */
        CHECK(same_bytes(cold, j));
    }
    CHECK_EQ(packs(e, 64), 1); /* the one the last run wrote */
    char p[4700], q[4700];
    snprintf(p, sizeof p, "%s/" GR_CACHE_SUBDIR "/packs/0123456789abcdef0123456789abcdef.pack", cache);
    CHECK(mkdir(p, 0777) == 0);
    snprintf(q, sizeof q, "%s/" GR_CACHE_SUBDIR "/packs/fedcba9876543210fedcba9876543210.pack", cache);
    CHECK(symlink(e[0], q) == 0);
    /* a socket named like a pack: open(2) says ENXIO, which is not damage */
    char so[4700];
    snprintf(so, sizeof so, "%s/" GR_CACHE_SUBDIR "/packs/00112233445566778899aabbccddeeff.pack", cache);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
    int bound = -1;
    if (sfd >= 0 && strlen(so) < sizeof sa.sun_path) {
        memcpy(sa.sun_path, so, strlen(so) + 1);
        bound = bind(sfd, (struct sockaddr *)&sa, sizeof sa);
    }
    /* a sound pack this user may not read (a cache shared by users): kept,
     * not counted (root reads it anyway, so only checked for others) */
    char mine[4700];
    snprintf(mine, sizeof mine, "%s/" GR_CACHE_SUBDIR "/packs/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.pack", cache);
    size_t plen;
    char *pb = read_all(e[0], &plen);
    CHECK(pb != NULL);
    if (pb)
        write_file("/", mine + 1, pb, (long)plen);
    free(pb);
    CHECK(chmod(mine, 0) == 0);
    char j[4400];
    for (int round = 0; round < 2; round++) { /* and so on every run */
        snprintf(j, sizeof j, "%s/odd-files-%d.json", root, round);
        CHECK_EQ(bad_entries(j), 0);
        CHECK(same_bytes(cold, j));
    }
    struct stat st;
    CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode));
    CHECK(lstat(mine, &st) == 0);
    if (bound == 0)
        CHECK(lstat(so, &st) == 0 && S_ISSOCK(st.st_mode));
    if (sfd >= 0)
        close(sfd);
}

/* A record that fails its checksum counts as one bad entry however often
 * a run asks for its key (an --update asks twice: from the snapshot,
 * then the slow path); the second time it is a miss. */
SL_TEST(graph_cache_counts_a_bad_record_once)
{
    setup();
    starting_workspace();
    CHECK(same_with_cache("cold"));
    static char path[4600];
    size_t len;
    unsigned long long ix;
    unsigned char *b = the_pack(path, &len, &ix);
    if (!b)
        return;
    unsigned long long first = le64_at(b + ix + 32), flen = le64_at(b + ix + 40);
    uint8_t key[GR_CACHE_KEY];
    memcpy(key, b + ix, GR_CACHE_KEY);
    b[first + flen - 1] ^= 0x40; /* the first record's payload */
    write_file("/", path + 1, (char *)b, (long)len);
    free(b);
    char err[256];
    gr_cache *c = gr_cache_open(cache, (uint64_t)1 << 30, err, sizeof err);
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK(gr_cache_get(c, key, "x.rs", 0) == NULL);
    CHECK(gr_cache_get(c, key, "x.rs", 0) == NULL);
    gr_cache_stats st;
    gr_cache_close(c, &st);
    CHECK_EQ(st.bad, 1);
    CHECK_EQ(st.misses, 1);
    CHECK_EQ(st.hits, 0);
}

/* Two runs at once on one cache, empty at the start: both write entries,
 * both read what the other wrote; both outputs are the cold one. */
SL_TEST(graph_cache_shared_by_two_runs_at_once)
{
    setup();
    starting_workspace();
    char cold[4400];
    snprintf(cold, sizeof cold, "%s/cold.json", root);
    CHECK_EQ(graph_run("-q", "--json", cold, work, NULL), 0);
    for (int round = 0; round < 3; round++) {
        pid_t kids[2];
        for (int k = 0; k < 2; k++) {
            char j[4400];
            snprintf(j, sizeof j, "%s/r%d-%d.json", root, round, k);
            fflush(NULL);
            if ((kids[k] = fork()) == 0) { /* and no entry either meant to write is lost */
                char *said = NULL;
                int rc = graph_run_stderr(&said, "-q", "--stats", k ? "-j3" : "-j1", "--cache", cache, "--json", j,
                                          work, NULL);
                _exit(rc == 0 && said && strstr(said, " 0 write errors") ? 0 : 3);
            }
        }
        for (int k = 0; k < 2; k++) {
            int st = 0;
            waitpid(kids[k], &st, 0);
            CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
            char j[4400];
            snprintf(j, sizeof j, "%s/r%d-%d.json", root, round, k);
            CHECK(same_bytes(cold, j));
        }
        /* both packs whole under their names, nothing half-written left */
        static char e[64][4600];
        CHECK(packs(e, 64) >= 1);
        CHECK_EQ(temporaries(), 0);
        /* the next round starts with an edit: some entries new, some not */
        char text[128];
        snprintf(text, sizeof text, "pub fn helper(x: u32) -> u32 { x + %d }\n", round);
        put_file("app/src/util.rs", text);
        CHECK_EQ(graph_run("-q", "--json", cold, work, NULL), 0);
    }
    char j[4400];
    snprintf(j, sizeof j, "%s/after.json", root);
    CHECK_EQ(bad_entries(j), 0);
    CHECK(same_bytes(cold, j));
}

/* A cache directory that cannot be made (its parent is a file): a warning,
 * and the graph is written as without --cache, same bytes, same status. */
SL_TEST(graph_cache_directory_unusable_is_a_warning_not_an_error)
{
    setup();
    starting_workspace();
    char file[1400], bad[1500], j0[1400], j[1400];
    snprintf(file, sizeof file, "%s/plain-file", root);
    write_file(root, "plain-file", "x", -1);
    snprintf(bad, sizeof bad, "%s/cache", file);
    snprintf(j0, sizeof j0, "%s/cold.json", root);
    snprintf(j, sizeof j, "%s/j.json", root);
    int rc0 = graph_run("-q", "--json", j0, work, NULL);
    CHECK_EQ(graph_run("-q", "--cache", bad, "--json", j, work, NULL), rc0);
    CHECK(same_bytes(j0, j));
    setenv("SLUICE_GRAPH_CACHE", bad, 1); /* the variable names it too */
    CHECK_EQ(graph_run("-q", "--json", j, work, NULL), rc0);
    unsetenv("SLUICE_GRAPH_CACHE");
    CHECK(same_bytes(j0, j));
}

/* Sets path's modification time to `ago` seconds ago. */
static void age(const char *path, long ago)
{
    struct timespec t[2];
    clock_gettime(CLOCK_REALTIME, &t[0]);
    t[0].tv_sec -= ago;
    t[1] = t[0];
    CHECK(utimensat(AT_FDCWD, path, t, 0) == 0);
}

/* The paths of the files in runs/ (run records, snapshots), counted. */
static size_t run_files(char out[][4600], size_t max)
{
    return cache_files("runs", out, max, 0);
}

/* Past --cache-max the least recently used files go: three packs, the two
 * the next run does not read made the oldest, and a limit that none of
 * them fits in (4K: one block).  The two unread go; the one the run
 * reads stays as it is - carrying what was read into the run's own pack
 * would rewrite the cache on every run - and so does the run record
 * this run wrote.  A later run misses
 * nothing; the output is the cold one throughout. */
SL_TEST(graph_cache_evicts_least_recently_used_past_its_size_limit)
{
    setup();
    starting_workspace();
    char j0[4400], j[4400];
    snprintf(j0, sizeof j0, "%s/cold.json", root);
    snprintf(j, sizeof j, "%s/j.json", root);
    CHECK_EQ(graph_run("-q", "--json", j0, work, NULL), 0);
    CHECK_EQ(graph_run("-q", "--cache", cache, "--json", j, work, NULL), 0);
    static char e[64][4600], first[4600];
    CHECK_EQ(packs(e, 64), 1);
    snprintf(first, sizeof first, "%s", e[0]);
    put_file("app/src/orphan1.rs", "pub fn o1() {}\n");
    CHECK_EQ(graph_run("-q", "--cache", cache, "--json", j, work, NULL), 0);
    remove_file("app/src/orphan1.rs");
    put_file("app/src/orphan2.rs", "pub fn o2() {}\n");
    CHECK_EQ(graph_run("-q", "--cache", cache, "--json", j, work, NULL), 0);
    remove_file("app/src/orphan2.rs");
    size_t n = packs(e, 64);
    CHECK_EQ(n, 3);
    for (size_t i = 0; i < n; i++)
        age(e[i], strcmp(e[i], first) ? 2000 + (long)i : 1000);
    static char runs[16][4600];
    size_t nr = run_files(runs, 16);
    CHECK_EQ(nr, 1); /* the record of the runs above (one request: the output's name) */
    for (size_t i = 0; i < nr && i < 16; i++)
        age(runs[i], 3000);
    /* one new text, so that the run writes a pack (and evicts) */
    put_file("app/src/util.rs", "pub fn helper(x: u32) -> u32 { x + 2 }\npub(crate) struct Cfg { pub n: u32 }\n"
                                "impl Cfg { pub fn new() -> Self { Cfg { n: 0 } } }\n");
    CHECK_EQ(graph_run("-q", "--json", j0, work, NULL), 0);
    long bad, misses, evicted;
    CHECK_EQ(cache_run(j, "4K", &bad, &misses, &evicted), 0);
    /* the two orphans' entries */
    CHECK_EQ(evicted, 2);
    CHECK_EQ(misses, 1); /* util.rs's new text */
    CHECK(same_bytes(j0, j));
    static char after[64][4600];
    size_t m = packs(after, 64);
    CHECK_EQ(m, 2); /* the one read, as it was, and the run's own */
    size_t same = 0;
    for (size_t k = 0; k < m; k++)
        same += !strcmp(after[k], first);
    CHECK_EQ(same, 1);
    /* the run record this run rewrote (its request is the one before)
     * stays, though it is the newest file and the cache is past its limit */
    CHECK_EQ(run_files(runs, 16), 1);
    struct stat rs;
    CHECK(stat(runs[0], &rs) == 0 && rs.st_mtime > time(NULL) - 600);
    snprintf(j, sizeof j, "%s/k.json", root);
    CHECK_EQ(misses_of(j), 0);
    CHECK(same_bytes(j0, j));
    /* sizes: digits first, at least 1, at most 2^64 - 1 once scaled */
    const char *no[] = {"12Q", "0", "0K", " 5M", "+5M", "-1", "99999999999999999999", "18446744073709551616",
                        "18446744073709551615K", "", "5M "};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        CHECK_EQ(graph_run("-q", "--cache-max", no[i], work, NULL), 2);
}

/* An empty --cache (what `--cache "$CACHE"` gives with CACHE unset) is a
 * usage error, not "" + "/sluice-graph-2", a cache at the root of the
 * file system; so are an empty --db and --json (adv13 F9).  An empty
 * SLUICE_GRAPH_CACHE still means no cache. */
SL_TEST(graph_empty_cache_db_or_json_name_is_a_usage_error)
{
    setup();
    put_file("p/Cargo.toml", "[package]\nname = \"p\"\n");
    put_file("p/src/lib.rs", "pub fn f() {}\n");
    char *said = NULL, j[1400];
    snprintf(j, sizeof j, "%s/o.json", root);
    struct stat st;
    int root_cache_before = stat("/" GR_CACHE_SUBDIR, &st) == 0;
    const char *opt[] = {"--cache", "--db", "--json"};
    for (size_t i = 0; i < 3; i++) {
        CHECK_EQ(graph_run_stderr(&said, "-q", opt[i], "", "--json", j, work, NULL), 2);
        CHECK(said && strstr(said, "not an empty string") && strstr(said, opt[i]));
        free(said);
        said = NULL;
    }
    CHECK(root_cache_before || stat("/" GR_CACHE_SUBDIR, &st) != 0);
    setenv("SLUICE_GRAPH_CACHE", "", 1);
    CHECK_EQ(graph_run_stderr(&said, "-q", "--stats", "--json", j, work, NULL), 0);
    CHECK(said && !strstr(said, "cache:"));
    unsetenv("SLUICE_GRAPH_CACHE");
    free(said);
}

/* A run whose every text is a hit writes no pack, only its run record
 * (each output path is a request of its own: CI temporary directories,
 * editors): such runs alone took the cache past --cache-max without end,
 * as eviction ran only where a pack was written.  Now the oldest records
 * go; the one this run wrote stays, and the output is the cold one. */
SL_TEST(graph_cache_evicts_after_a_run_that_wrote_only_its_record)
{
    setup();
    starting_workspace();
    char j0[4400], j[4400];
    snprintf(j0, sizeof j0, "%s/cold.json", root);
    CHECK_EQ(graph_run("-q", "--json", j0, work, NULL), 0);
    for (int i = 0; i < 5; i++) {
        snprintf(j, sizeof j, "%s/o%d.json", root, i);
        CHECK_EQ(graph_run("-q", "--cache", cache, "--json", j, work, NULL), 0);
    }
    static char runs[16][4600];
    size_t nr = run_files(runs, 16);
    CHECK_EQ(nr, 5); /* one record per output path */
    for (size_t i = 0; i < nr; i++)
        age(runs[i], 3000);
    snprintf(j, sizeof j, "%s/last.json", root);
    long bad, misses, evicted;
    CHECK_EQ(cache_run(j, "4K", &bad, &misses, &evicted), 0);
    CHECK_EQ(misses, 0);
    CHECK_EQ(evicted, 5);
    CHECK(same_bytes(j0, j));
    CHECK_EQ(run_files(runs, 16), 1); /* the record this run wrote */
    struct stat rs;
    CHECK(stat(runs[0], &rs) == 0 && rs.st_mtime > time(NULL) - 600);
}

/* A run adds one pack; past eight, the smallest are merged into the next
 * run's, so that a lookup searches a handful of indexes - and merging
 * loses nothing and keeps the output the cold one. */
SL_TEST(graph_cache_merges_small_packs)
{
    setup();
    starting_workspace();
    char j0[4400], j[4400];
    snprintf(j0, sizeof j0, "%s/cold.json", root);
    static char e[64][4600];
    for (int round = 0; round < 12; round++) {
        char text[128];
        snprintf(text, sizeof text, "pub fn helper(x: u32) -> u32 { x + %d }\n", round);
        put_file("app/src/util.rs", text);
        snprintf(j, sizeof j, "%s/r%d.json", root, round);
        CHECK_EQ(graph_run("-q", "--cache", cache, "--json", j, work, NULL), 0);
        size_t n = packs(e, 64);
        CHECK(n >= 1 && n <= 8);
        /* the pack written behind the parse is renamed, or removed when
         * merging puts other records into the run's pack */
        CHECK_EQ(temporaries(), 0);
        if (round == 7)
            CHECK_EQ(n, 8); /* one a run until then */
    }
    CHECK_EQ(graph_run("-q", "--json", j0, work, NULL), 0);
    CHECK(same_bytes(j0, j));
    /* every text of the last round in the cache, nothing bad */
    snprintf(j, sizeof j, "%s/last.json", root);
    CHECK_EQ(misses_of(j), 0);
    /* and every older text too: the first round's again is a hit */
    put_file("app/src/util.rs", "pub fn helper(x: u32) -> u32 { x + 0 }\n");
    snprintf(j, sizeof j, "%s/first-again.json", root);
    CHECK_EQ(misses_of(j), 0);
}

/* The entries a run keeps while it parses are compressed behind the
 * parse, and once all are, written as the run's pack to its temporary
 * file, before the run's end - which only renames it, or removes it and
 * writes another when merging carries other packs' records into the
 * run's, or writes it again when the file is gone (a run that found it
 * older than an hour removed it).  Every entry is in the cache and no
 * temporary file is left. */
SL_TEST(graph_cache_writes_its_pack_behind_the_parse)
{
    setup();
    gr_extractor *x = gr_extractor_new();
    char err[256];
    for (int way = 0; way < 3; way++) {
        int merging = way == 1, gone = way == 2;
        snprintf(cache, sizeof cache, "%s/behind-%d", root, way);
        /* eight packs of one entry each (written at once, not deferred):
         * the run's makes nine, and the smallest are merged into it */
        for (int k = 0; merging && k < 8; k++) {
            gr_cache *c = gr_cache_open(cache, (uint64_t)1 << 30, err, sizeof err);
            CHECK(c != NULL);
            if (!c)
                return;
            char src[64];
            snprintf(src, sizeof src, "pub fn old_%d() {}\n", k);
            fg_file *f = fg_file_new("old.rs", 0);
            gr_extract(x, f, src, strlen(src));
            uint8_t key[GR_CACHE_KEY] = {0xee, (uint8_t)k};
            gr_cache_put(c, key, f);
            fg_file_free(f);
            gr_cache_close(c, NULL);
        }
        static char e[16][4600];
        CHECK_EQ(packs(e, 16), merging ? 8 : 0);
        gr_cache *c = gr_cache_open(cache, (uint64_t)1 << 30, err, sizeof err);
        CHECK(c != NULL);
        if (!c)
            return;
        gr_cache_defer(c);
        fg_file *fs[3];
        for (int k = 0; k < 3; k++) {
            char src[64];
            snprintf(src, sizeof src, "pub fn new_%d(x: u32) -> u32 { x }\n", k);
            fs[k] = fg_file_new("new.rs", 0);
            gr_extract(x, fs[k], src, strlen(src));
            uint8_t key[GR_CACHE_KEY] = {0x11, (uint8_t)k};
            gr_cache_put_kept(c, key, fs[k]);
        }
        gr_cache_write_behind(c);
        /* the pack, written behind, waits in its temporary file */
        for (int waited = 0; temporaries() == 0 && waited < 1000; waited++)
            usleep(10000);
        CHECK_EQ(temporaries(), 1);
        static char tmp[1][4600];
        if (gone && cache_files("packs", tmp, 1, 1) == 1)
            CHECK(unlink(tmp[0]) == 0);
        gr_cache_stats st;
        gr_cache_close(c, &st);
        CHECK_EQ(st.written, 3);
        CHECK_EQ(st.write_errors, 0);
        CHECK_EQ(temporaries(), 0);
        CHECK_EQ(packs(e, 16), merging ? 4 : 1); /* the run's and the three largest */
        c = gr_cache_open(cache, (uint64_t)1 << 30, err, sizeof err);
        CHECK(c != NULL);
        if (!c)
            return;
        for (int k = 0; k < 3 + (merging ? 8 : 0); k++) {
            uint8_t key[GR_CACHE_KEY] = {k < 3 ? 0x11 : 0xee, (uint8_t)(k < 3 ? k : k - 3)};
            fg_file *f = gr_cache_get(c, key, "any.rs", 0);
            CHECK(f != NULL);
            if (f && k < 3)
                CHECK(fg_same(f, fs[k]));
            fg_file_free(f);
        }
        gr_cache_close(c, &st);
        CHECK_EQ(st.hits, 3 + (merging ? 8 : 0));
        CHECK_EQ(st.bad, 0);
        for (int k = 0; k < 3; k++)
            fg_file_free(fs[k]);
    }
    gr_extractor_free(x);
}

/* The encoding is exact, and the decoder refuses every prefix of it. */
/* Whether the run record for key in cache says nothing changed. */
static int record_unchanged(const uint8_t key[32])
{
    int st;
    char *warnings = NULL;
    int same = gr_runrec_unchanged(cache, key, &st, &warnings);
    free(warnings);
    return same;
}

/* A run record read back (runrec.h): a path that had no entry, under a
 * directory that answers as it did, is not asked again - yet a link to
 * nothing whose target appears is seen, and a damaged record is no
 * record (a full run), never a crash. */
SL_TEST(graph_run_record_sees_what_changed_and_refuses_damage)
{
    setup();
    char d[1400], p[1500], target[1500], rec[1500];
    snprintf(d, sizeof d, "%s/rr", root);
    snprintf(p, sizeof p, "%s/" GR_CACHE_SUBDIR, cache);
    CHECK(mkdir(d, 0777) == 0 && mkdir(cache, 0777) == 0 && mkdir(p, 0777) == 0);
    snprintf(target, sizeof target, "%s/rr-target", root);
    snprintf(p, sizeof p, "%s/link.rs", d);
    CHECK(symlink(target, p) == 0);
    gr_watchlist w = {0};
    static const char *const rel[] = {"", "/gone", "/gone/mod.rs", "/gone.rs", "/link.rs"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        snprintf(p, sizeof p, "%s%s", d, rel[i]);
        gr_watch_path(&w, p);
    }
    CHECK(w.v[1].absent && w.v[2].absent && !w.v[4].absent && w.v[4].linked && !w.v[4].exists);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t later = ((int64_t)now.tv_sec + 10) * 1000000000; /* nothing is racily clean */
    uint8_t key[32] = {7};
    gr_runrec_save(cache, key, &w, later, NULL, 0, 0, "", NULL);
    gr_watchlist_free(&w);
    CHECK(record_unchanged(key));
    write_file(root, "rr-target", "fn t() {}\n", -1); /* the directory is as it was */
    CHECK(!record_unchanged(key));
    CHECK(unlink(target) == 0);
    CHECK(record_unchanged(key));

    char name[2 * GR_RUNREC_NAME + 1];
    gr_runrec_name_hex(key, name);
    snprintf(rec, sizeof rec, "%s/" GR_CACHE_SUBDIR "/runs/%s", cache, name);
    size_t n;
    char *b = read_all(rec, &n);
    CHECK(b && n > 200);
    b[n / 2] ^= 1;
    write_file("/", rec + 1, b, (long)n);
    CHECK(!record_unchanged(key));
    b[n / 2] ^= 1;
    write_file("/", rec + 1, b, (long)n - 17);
    CHECK(!record_unchanged(key));
    write_file("/", rec + 1, b, (long)n);
    CHECK(record_unchanged(key));
    free(b);
}

/* A run's list of watched paths keeps its entries and copies of their
 * paths in memory of its own (runrec.h): past the size where the entries
 * move into huge pages, with the paths filling several blocks and one
 * longer than a whole block, every entry still holds the path it was
 * given; twins go, their key kept; the record made from the list reads
 * back; and the list is freed whole (the ASan build checks that). */
static void nth_path(char *p, size_t cap, size_t i)
{
    snprintf(p, cap, "/nonexistent-watchlist/%zu/%0*d", i, (int)(i % 97), 0);
}

SL_TEST(graph_watchlist_keeps_its_paths_past_its_first_blocks)
{
    enum { N = 30000, LONG_AT = 100, LONG = 20000 };
    static char p[LONG + 64];
    gr_watchlist w = {0};
    for (size_t i = 0; i < N; i++) {
        if (i == LONG_AT) {
            memset(p, 'a', LONG);
            p[0] = '/';
            p[LONG] = 0;
        } else {
            nth_path(p, sizeof p, i);
        }
        gr_watch_path(&w, p);
    }
    nth_path(p, sizeof p, 7);
    gr_watch *twin = gr_watch_path(&w, p);
    twin->keyed = 1;
    twin->key[0] = 9;
    CHECK_EQ(w.n, (size_t)N + 1);
    size_t bad = 0;
    for (size_t i = 0; i < N; i++) {
        if (i == LONG_AT)
            bad += strlen(w.v[i].path) != LONG || w.v[i].path[LONG - 1] != 'a';
        else
            nth_path(p, sizeof p, i), bad += strcmp(w.v[i].path, p) != 0;
        bad += !w.v[i].absent && i != LONG_AT; /* nothing is there */
    }
    CHECK_EQ(bad, (size_t)0);
    gr_watchlist_uniq(&w);
    CHECK_EQ(w.n, (size_t)N);
    nth_path(p, sizeof p, 7);
    size_t kept = 0;
    for (size_t i = 0; i < w.n; i++)
        if (!strcmp(w.v[i].path, p))
            kept += w.v[i].keyed && w.v[i].key[0] == 9;
    CHECK_EQ(kept, (size_t)1);

    setup();
    char d[1500];
    snprintf(d, sizeof d, "%s/" GR_CACHE_SUBDIR, cache);
    CHECK(mkdir(cache, 0777) == 0 && mkdir(d, 0777) == 0);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    uint8_t key[32] = {8};
    gr_runrec_save(cache, key, &w, ((int64_t)now.tv_sec + 10) * 1000000000, NULL, 0, 0, "", NULL);
    gr_watchlist_free(&w);
    CHECK(w.v == NULL && w.n == 0);
    gr_runrec r;
    CHECK(gr_runrec_load(cache, key, &r));
    CHECK_EQ(r.watched.n, (size_t)N);
    gr_runrec_free(&r);
}

SL_TEST(graph_cache_codec_round_trips_and_refuses_truncations)
{
    const char src[] = "use a::{b as c, d::*};\n#[path = \"x.rs\"]\nmod m;\npub struct S<T> { f: Vec<T> }\n"
                       "impl<T> Tr for S<T> { fn m(&self) { self.n(); x::y(); } }\nfn broken( {\n";
    gr_extractor *x = gr_extractor_new();
    fg_file *f = fg_file_new("src/lib.rs", 3);
    gr_extract(x, f, src, strlen(src));
    uint8_t *p;
    size_t n;
    fg_file_encode(f, &p, &n);
    fg_file *g = fg_file_decode(p, n, "src/lib.rs", 3);
    CHECK(g != NULL);
    if (g) {
        CHECK(fg_same(f, g));
        CHECK(g->arena_len == f->arena_len && !memcmp(g->arena, f->arena, f->arena_len));
        CHECK(g->bytes == f->bytes && g->failed == f->failed);
    }
    int refused = 1;
    for (size_t k = 0; k < n; k++) {
        fg_file *h = fg_file_decode(p, k, "x", 0);
        refused &= h == NULL;
        fg_file_free(h);
    }
    CHECK(refused);
    /* varints: a few bytes a number, not four (an item was 64 bytes) */
    CHECK(n < 4 + f->arena_len + 24 * (f->nitems + f->nrefs + f->nuses) + 8 * 5);
    /* and only in their shortest form: 'failed' (0, one byte after the
     * magic) written as 0x80 0x00 says the same, and is refused, so that
     * one graph has one encoding */
    CHECK(n > 5 && p[4] == 0);
    if (n > 5 && p[4] == 0) {
        uint8_t *q = malloc(n + 1);
        memcpy(q, p, 4);
        q[4] = 0x80;
        q[5] = 0;
        memcpy(q + 6, p + 5, n - 5);
        fg_file *h = fg_file_decode(q, n + 1, "x", 0);
        CHECK(h == NULL);
        fg_file_free(h);
        free(q);
    }
    fg_file_free(g);
    fg_file_free(f);
    free(p);
    gr_extractor_free(x);
    /* keys and checksums: the first MiB a process hashes goes through
     * libsodium, the rest through OpenSSL - the same digests */
    static const uint8_t abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                    0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                    0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    uint8_t d1[32], d2[32];
    gr_sha256("a", 1, "bc", 2, d1);
    CHECK(!memcmp(d1, abc, 32));
    size_t big = 700 << 10;
    char *b = malloc(big);
    CHECK(b != NULL);
    for (size_t i = 0; b && i < big; i++)
        b[i] = (char)(i * 7 + i / 4096);
    gr_sha256(b, big / 2, b + big / 2, big - big / 2, d1); /* under the MiB: libsodium */
    gr_sha256(b, big / 3, b + big / 3, big - big / 3, d2); /* past it: OpenSSL */
    CHECK(!memcmp(d1, d2, 32));
    free(b);
}

/* 1 when a run with --stats said it skipped the work (a run record). */
static int skipped(const char *j, const char *d, int *rc)
{
    char *t;
    *rc = graph_run_stderr(&t, "--stats", "-j2", "--cache", cache, "--json", j, "--db", d, work, NULL);
    int s = t && strstr(t, "its outputs stand") != NULL;
    free(t);
    return s;
}

/* Workspace k of the test below, with its cache and outputs. */
static void use_workspace(int k, char *j, char *d, size_t cap)
{
    snprintf(work, sizeof work, "%s/ws%d", root, k);
    snprintf(cache, sizeof cache, "%s/cache%d", root, k);
    snprintf(j, cap, "%s/out%d.json", root, k);
    snprintf(d, cap, "%s/out%d.sqlite", root, k);
}

/* After a run with the cache, a run over the same unchanged inputs stops
 * at once (its outputs already being those bytes), saying the same
 * warnings with the same exit status; any change it depends on - a file's
 * content (same size), a module file appearing outside every directory
 * the run lists, a new file, an output deleted or edited - makes it a full
 * run again, whose outputs are the cold ones.  Each change gets its own
 * workspace, written two seconds before its first run: a file changed
 * within that margin of a run may have changed in the tick it was read,
 * and a record holding one is never trusted. */
SL_TEST(graph_cache_skips_only_a_run_whose_inputs_did_not_change)
{
    enum { N = 5 };
    static const char *const what[N] = {"same-size edit", "module file appears", "new file", "output deleted",
                                        "output edited"};
    char j[1400], d[1400], j0[1400], d0[1400];
    setup();
    for (int k = 0; k < N; k++) {
        use_workspace(k, j, d, sizeof j);
        starting_workspace();
        char lib[512];
        snprintf(lib, sizeof lib,
                 "pub mod util;\nmod net;\n#[path = \"../../../outside%d/later.rs\"]\nmod later;\n"
                 "pub use util::helper;\npub fn run() -> u32 { helper(1) + net::send() }\n", k);
        put_file("app/src/lib.rs", lib);
    }
    usleep(2100 * 1000);
    for (int k = 0; k < N; k++) {
        use_workspace(k, j, d, sizeof j);
        int rc, rc_cold;
        CHECK(!skipped(j, d, &rc));
        CHECK_EQ(rc, 1); /* `mod later;` has no file yet: a warning */
        CHECK(skipped(j, d, &rc));
        CHECK_EQ(rc, 1);
        char p[1500];
        if (k == 0) {
            snprintf(p, sizeof p, "%s/app/src/util.rs", work);
            size_t n;
            char *s = read_all(p, &n);
            s[n - 2] = s[n - 2] == '}' ? ' ' : '}'; /* same size, other bytes */
            write_file(work, "app/src/util.rs", s, (long)n);
            free(s);
        } else if (k == 1) {
            snprintf(p, sizeof p, "outside%d/later.rs", k);
            write_file(root, p, "pub fn late() {}\n", -1);
        } else if (k == 2) {
            put_file("app/src/extra/more.rs", "fn more() {}\n");
        } else if (k == 3) {
            unlink(d);
        } else {
            write_file("/", d + 1, "not the graph", -1);
        }
        snprintf(j0, sizeof j0, "%s/cold%d.json", root, k);
        snprintf(d0, sizeof d0, "%s/cold%d.sqlite", root, k);
        rc_cold = graph_run("-q", "--json", j0, "--db", d0, work, NULL);
        int skip = skipped(j, d, &rc);
        if (skip)
            fprintf(stderr, "'%s': the run was skipped\n", what[k]);
        CHECK(!skip);
        CHECK_EQ(rc, rc_cold);
        CHECK(same_bytes(j0, j));
        CHECK(same_bytes(d0, d));
    }
}

/* Every row of every table of db, in key order, as one text. */
static char *rows_of(const char *db)
{
    static const char *const q[] = {
        "SELECT key || '|' || value FROM meta ORDER BY key",
        "SELECT id || '|' || path || '|' || bytes || '|' || status || '|' || ifnull(module, '-') FROM files ORDER BY id",
        "SELECT id || '|' || kind || '|' || sub || '|' || name || '|' || path || '|' || ifnull(crate, '-') || '|' || "
        "ifnull(file, '-') || '|' || ifnull(line, '-') || '|' || ifnull(col, '-') || '|' || ifnull(end_line, '-') || "
        "'|' || ifnull(end_col, '-') || '|' || vis || '|' || sig || '|' || macro FROM nodes ORDER BY id",
        "SELECT src || '|' || kind || '|' || dst FROM edges ORDER BY src, kind, dst",
        "SELECT file || '|' || line || '|' || message FROM warnings ORDER BY rowid",
        "PRAGMA integrity_check",
    };
    sqlite3 *d;
    char *text = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&text, &len);
    CHECK(o && sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        sqlite3_stmt *s;
        CHECK(sqlite3_prepare_v2(d, q[i], -1, &s, NULL) == SQLITE_OK);
        while (sqlite3_step(s) == SQLITE_ROW)
            fprintf(o, "%s\n", (const char *)sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
        fputs("--\n", o);
    }
    sqlite3_close(d);
    fclose(o);
    return text;
}

/* How an --update run went, as --stats says it. */
enum { WHOLE, IN_PLACE, FROM_SNAPSHOT };

/* One step of the history below: `--update` on the carried database
 * (saying, under --stats, whether it was written whole, updated in place
 * after a full resolution, or updated from the snapshot), then a cold run:
 * the two databases must hold the same rows, and the exit statuses agree. */
static int update_step(const char *db, const char *step, int way)
{
    static const char *const said_as[] = {"written whole", "updated in place: ", "updated in place from the snapshot"};
    char cold[4400], *said = NULL;
    snprintf(cold, sizeof cold, "%s/%s-cold.sqlite", root, step);
    int rc = graph_run_stderr(&said, "-q", "-j2", "--stats", "--cache", cache, "--db", db, "--update", work, NULL);
    int rc0 = graph_run("-q", "--db", cold, work, NULL);
    int how = said && strstr(said, said_as[way]) != NULL;
    char *a = rows_of(db), *b = rows_of(cold);
    int same = a && b && !strcmp(a, b);
    if (!how || !same || rc != rc0)
        fprintf(stderr, "step %s: %s%s(exit %d, cold %d)\n%s", step, how ? "" : "not the expected way ",
                same ? "" : "rows differ ", rc, rc0, said ? said : "");
    free(said);
    free(a);
    free(b);
    return how && same && rc == rc0;
}

/* The snapshot of the one request this cache has seen, damaged: how 'f'
 * flips a byte of its body, 't' cuts it short, 'v' gives it the format
 * version before this one (5, which kept the hash tables themselves). */
static void damage_snapshot(int how)
{
    char dir[4400], p[4700];
    snprintf(dir, sizeof dir, "%s/" GR_CACHE_SUBDIR "/runs", cache);
    DIR *d = opendir(dir);
    CHECK(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 5, ".snap"))
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        size_t len;
        char *b = read_all(p, &len);
        CHECK(b && len > 256);
        if (how == 'f')
            b[len / 2] ^= 0x10;
        else if (how == 'v')
            b[8] = 5;
        else
            len = len * 2 / 3;
        FILE *o = fopen(p, "wb");
        CHECK(o && fwrite(b, 1, len, o) == len && fclose(o) == 0);
        free(b);
        n++;
    }
    closedir(d);
    CHECK_EQ(n, 1);
}

/* --db FILE --update over a scripted history: an edit inside bodies is an
 * in-place transaction from the last full run's snapshot (positions,
 * signatures, calls; a file whose references are all as they were is not
 * resolved again, even where an answer depends on the order of lookups), or after a full resolution where the snapshot cannot
 * say (a warning's line moved, a snapshot damaged); anything that can
 * change resolution elsewhere - a new unresolved name, a parameter's type,
 * a pub, a module file renamed - or a database changed behind its back is
 * a full write; after every step the database holds, row for row, what a
 * full run writes. */
SL_TEST(graph_update_in_place_keeps_the_rows_of_a_full_run)
{
    setup();
    starting_workspace();
    char db[4400];
    snprintf(db, sizeof db, "%s/graph.sqlite", root);
    usleep(2100 * 1000); /* the manifests older than the racy margin: they are compared by their stat */
    CHECK(update_step(db, "0-first", WHOLE)); /* no record yet */
    put_file("app/src/util.rs", "pub fn helper(x: u32) -> u32 {\n    x + 2\n}\npub(crate) struct Cfg { pub n: u32 }\n"
                                "impl Cfg { pub fn new() -> Self { Cfg { n: 0 } } }\n");
    CHECK(update_step(db, "1-body-lines-moved", FROM_SNAPSHOT));
    put_file("app/src/util.rs", "pub fn helper(x: u32) -> u32 {\n    x + Cfg::new().n\n}\n"
                                "pub(crate) struct Cfg { pub n: u32 }\n"
                                "impl Cfg { pub fn new() -> Self { Cfg { n: 0 } } }\n");
    CHECK(update_step(db, "2-call-added", FROM_SNAPSHOT));
    put_file("app/src/util.rs", "pub fn helper(x: u32) -> u32 {\n    x + Cfg::new().n + crate::net::send()\n}\n"
                                "pub(crate) struct Cfg { pub n: u32 }\n"
                                "impl Cfg { pub fn new() -> Self { Cfg { n: 0 } } }\n");
    CHECK(update_step(db, "2a-call-to-another-file-added", FROM_SNAPSHOT));
    put_file("app/src/util.rs", "pub fn helper(x: u32) -> u32 {\n    x + crate::net::send()\n}\n"
                                "pub(crate) struct Cfg { pub n: u32 }\n"
                                "impl Cfg { pub fn new() -> Self { Cfg { n: 1 } } }\n");
    CHECK(update_step(db, "2b-call-removed-another-body-edited", FROM_SNAPSHOT));
    put_file("app/src/util.rs", "pub fn helper(x: u32) -> u32 {\n    x + nowhere::f()\n}\n"
                                "pub(crate) struct Cfg { pub n: u32 }\n"
                                "impl Cfg { pub fn new() -> Self { Cfg { n: 0 } } }\n");
    CHECK(update_step(db, "3-unresolved-name-added", WHOLE));
    put_file("app/src/util.rs", "pub fn helper(x: u32, c: Cfg) -> u32 {\n    x + nowhere::f()\n}\n"
                                "pub(crate) struct Cfg { pub n: u32 }\n"
                                "impl Cfg { pub fn new() -> Self { Cfg { n: 0 } } }\n");
    CHECK(update_step(db, "4-parameter-type-added", WHOLE));
    put_file("app/src/util.rs", "pub fn helper(x: u32, c: Cfg) -> u32 {\n    x + nowhere::f() + c.n\n}\n"
                                "pub(crate) struct Cfg { pub n: u32 }\n"
                                "impl Cfg { pub fn new() -> Self { Cfg { n: 0 } } }\n");
    CHECK(update_step(db, "4a-body-edited-after-a-signature-edit", FROM_SNAPSHOT));
    put_file("app/src/net.rs", "use crate::util::Cfg;\nfn send() -> u32 { Cfg::new().n }\n");
    CHECK(update_step(db, "5-pub-removed", WHOLE));
    put_file("app/src/net.rs", "use crate::util::Cfg;\nfn send() -> u32 {\n    Cfg::new().n + 1\n}\n");
    CHECK(update_step(db, "6-body-edited-again", FROM_SNAPSHOT));
    /* lib3: a glob cycle gone wrong - looking `x` up in c goes to the
     * root through `use super::*`, back to c (under way: "not found"),
     * then finds it in d - so the answer c's call reads depends on the
     * order of lookups (docs/design/graph-incremental.md).  Added only
     * now: from here on a call added or removed anywhere goes the whole
     * way (it could change the order), and the steps above add some. */
    put_file("lib3/Cargo.toml", "[package]\nname = \"lib3\"\n");
    put_file("lib3/src/lib.rs", "pub use self::c::*;\npub use self::d::*;\nmod c;\nmod d;\n");
    put_file("lib3/src/c.rs", "use super::*;\npub fn h() -> u8 { x() }\n");
    put_file("lib3/src/d.rs", "pub fn x() -> u8 { 1 }\n");
    usleep(2100 * 1000); /* its manifest older than the racy margin */
    CHECK(update_step(db, "6a-a-crate-with-a-glob-cycle-added", WHOLE));
    put_file("app/src/net.rs", "use crate::util::Cfg;\nfn send() -> u32 {\n    Cfg::new().n + 1\n}\n");
    /* and a comment in a file whose call reads the order-dependent answer:
     * the same references as before, so not looked up again */
    put_file("lib3/src/c.rs", "use super::*;\npub fn h() -> u8 {\n    // touched\n    x()\n}\n");
    CHECK(update_step(db, "7-rewritten-unchanged-and-a-glob-cycle-reader-touched", FROM_SNAPSHOT));
    /* a snapshot damaged, cut short or of another version: refused, and
     * the full resolution gives the same rows (and a sound snapshot) */
    static const char damage[] = {'f', 't', 'v'};
    for (int k = 0; k < 3; k++) {
        char step[64];
        damage_snapshot(damage[k]);
        snprintf(step, sizeof step, "7%c-snapshot-damaged-%c", 'a' + k, damage[k]);
        put_file("app/src/net.rs", k % 2 ? "use crate::util::Cfg;\nfn send() -> u32 {\n    Cfg::new().n + 2\n}\n"
                                         : "use crate::util::Cfg;\nfn send() -> u32 {\n    Cfg::new().n + 3\n}\n");
        CHECK(update_step(db, step, IN_PLACE));
    }
    put_file("app/src/net.rs", "use crate::util::Cfg;\nfn send() -> u32 {\n    Cfg::new().n + 5\n}\n");
    CHECK(update_step(db, "7d-body-edited-after-the-snapshot-was-rewritten", FROM_SNAPSHOT));
    put_file("app/src/transport.rs", "use crate::util::Cfg;\nfn send() -> u32 { Cfg::new().n }\n");
    remove_file("app/src/net.rs");
    put_file("app/src/lib.rs", "pub mod util;\nmod transport;\npub use util::helper;\n"
                               "pub fn run() -> u32 { helper(1, 2) + transport::send() }\n");
    CHECK(update_step(db, "8-module-renamed", WHOLE));
    graph_run("-q", "--db", db, work, NULL); /* the same graph, but a file the record did not see written */
    put_file("app/src/transport.rs", "use crate::util::Cfg;\nfn send() -> u32 { Cfg::new().n + 3 }\n");
    CHECK(update_step(db, "9-database-replaced", WHOLE));
    put_file("app/src/transport.rs", "use crate::util::Cfg;\nfn send() -> u32 { Cfg::new().n + 4 }\n");
    CHECK(update_step(db, "10-body-edited-after-a-full-write", FROM_SNAPSHOT));
    put_file("lib2/src/lib.rs", "pub trait Speak { fn speak(&self) -> u8; }\npub struct A;\n"
                                "impl Speak for A { fn speak(&self) -> u8 { 1 } }\nfn broken( {\n");
    CHECK(update_step(db, "11-syntax-error", WHOLE));
    put_file("lib2/src/lib.rs", "pub trait Speak { fn speak(&self) -> u8; }\npub struct A;\n"
                                "impl Speak for A { fn speak(&self) -> u8 {\n    1\n} }\nfn broken( {\n");
    CHECK(update_step(db, "12-its-warning-moved-by-a-body-edit", FROM_SNAPSHOT));
    put_file("lib2/src/lib.rs", "mod gone;\npub trait Speak { fn speak(&self) -> u8; }\npub struct A;\n"
                                "impl Speak for A { fn speak(&self) -> u8 {\n    1\n} }\nfn broken( {\n");
    CHECK(update_step(db, "13-missing-module-declared", WHOLE));
    put_file("lib2/src/lib.rs", "// a line more\nmod gone;\npub trait Speak { fn speak(&self) -> u8; }\npub struct A;\n"
                                "impl Speak for A { fn speak(&self) -> u8 {\n    1\n} }\nfn broken( {\n");
    CHECK(update_step(db, "14-its-warning-moved-by-a-comment", FROM_SNAPSHOT));
}
