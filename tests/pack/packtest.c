/*
 * packtest.c - the scratch directory, files, keys and in-process command
 * runs of packtest.h.  The commands are the real entry points, flags and
 * all; only the process around them is shared.  The peers (zstd, age)
 * run as their own processes, or as zstd's library where that is the
 * same decoder.
 */
#include "packtest.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include "ageheader.h"
#include "agekey.h"
#include "check.h"
#include "hkdf.h"
#include "stream.h"

static char dir[256];

void pt_dir_new(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/sluice-packtest-XXXXXX", t && *t ? t : "/tmp");
    CHECK(mkdtemp(dir) != NULL);
    CHECK(sodium_init() >= 0);
}

const char *pt_path(const char *name)
{
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

void pt_dir_free(void)
{
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            unlink(pt_path(e->d_name));
    closedir(d);
    CHECK(rmdir(dir) == 0);
}

void pt_write(const char *name, const void *data, size_t len)
{
    FILE *f = fopen(pt_path(name), "wb");
    CHECK(f != NULL);
    CHECK(len == 0 || fwrite(data, 1, len, f) == len);
    CHECK(fclose(f) == 0);
}

uint8_t *pt_read(const char *name, size_t *len)
{
    FILE *f = fopen(pt_path(name), "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n + 1);
    CHECK(p != NULL);
    CHECK(fread(p, 1, (size_t)n, f) == (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

int pt_exists(const char *name)
{
    return access(pt_path(name), F_OK) == 0;
}

static uint64_t xorshift(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

/* Runs of one byte and slices of a fixed 4 KiB table, in bulk copies
 * (cheap under the sanitizers too): compressible, and never the same
 * twice in a row. */
void pt_fill(uint8_t *p, size_t n, uint64_t seed)
{
    static uint8_t table[4096];
    static int ready;
    uint64_t x = 0x853C49E6748FEA9Bull;
    for (size_t i = 0; !ready && i < sizeof table; i++)
        table[i] = (uint8_t)(xorshift(&x) >> 24);
    ready = 1;
    x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < n;) {
        uint64_t r = xorshift(&x);
        size_t run = 1 + (r >> 20) % 200;
        if (run > n - i)
            run = n - i;
        if (r & 1)
            memset(p + i, (int)(r >> 8 & 0xff), run);
        else
            memcpy(p + i, table + (r >> 40) % (sizeof table - 200), run);
        i += run;
    }
}

/* Half of it overwritten with noise, eight bytes at a time. */
void pt_fill_noisy(uint8_t *p, size_t n, uint64_t seed)
{
    pt_fill(p, n, seed);
    uint64_t x = seed * 0x2545F4914F6CDD1Dull + 3;
    for (size_t i = 0; i < n;) {
        uint64_t r = xorshift(&x);
        size_t run = 8 + (r >> 16) % 300;
        if (run > n - i)
            run = n - i;
        for (size_t k = 0; (r & 1) && k + 8 <= run; k += 8) {
            uint64_t v = xorshift(&x);
            memcpy(p + i + k, &v, 8);
        }
        i += run;
    }
}

void pt_identity(uint8_t pub[32])
{
    uint8_t sk[32];
    char line[SL_AGE_IDENTITY_LEN + 2];
    randombytes_buf(sk, sizeof sk);
    crypto_scalarmult_base(pub, sk);
    sl_agekey_format_identity(line, sk);
    strcat(line, "\n");
    pt_write("id.txt", line, strlen(line));
}

/* The header as the library writes it, with `extra` spliced in after the
 * intro line and the MAC computed again over the result. */
static uint8_t *header_with(const uint8_t fk[16], const uint8_t pub[32], const char *extra, size_t *len)
{
    sl_keylist r = {0};
    sl_keylist_add(&r, pub);
    size_t hlen, xlen = extra ? strlen(extra) : 0, il = strlen(SL_AGE_INTRO);
    uint8_t *h = sl_age_header_write(fk, &r, NULL, 0, 0, &hlen);
    sl_keylist_free(&r);
    CHECK(h != NULL);
    if (!xlen) {
        *len = hlen;
        return h;
    }
    uint8_t *x = malloc(hlen + xlen);
    CHECK(x != NULL);
    memcpy(x, h, il);
    memcpy(x + il, extra, xlen);
    memcpy(x + il + xlen, h + il, hlen - il);
    free(h);
    size_t mac_at = hlen + xlen - 48; /* "--- " + 43 + LF: the MAC covers up to "---" */
    uint8_t key[32], mac[32];
    sl_hkdf_sha256(key, 32, fk, 16, NULL, 0, "header");
    crypto_auth_hmacsha256(mac, x, mac_at + 3, key);
    char b64[64];
    sodium_bin2base64(b64, sizeof b64, mac, 32, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    memcpy(x + mac_at + 4, b64, 43);
    *len = hlen + xlen;
    return x;
}

uint8_t *pt_age_seal_extra(const uint8_t pub[32], const char *extra, const uint8_t *pt, size_t n, size_t *len)
{
    uint8_t fk[16], nonce[16], key[32];
    randombytes_buf(fk, sizeof fk);
    randombytes_buf(nonce, sizeof nonce);
    size_t hlen;
    uint8_t *h = header_with(fk, pub, extra, &hlen);
    size_t chunks = n ? (n + SL_STREAM_CHUNK - 1) / SL_STREAM_CHUNK : 1;
    uint8_t *out = malloc(hlen + 16 + n + chunks * SL_STREAM_TAG);
    CHECK(out != NULL);
    memcpy(out, h, hlen);
    memcpy(out + hlen, nonce, 16);
    free(h);
    sl_age_payload_key(key, fk, nonce);
    *len = hlen + 16 + sl_stream_seal(out + hlen + 16, pt, n, 0, 1, key);
    return out;
}

uint8_t *pt_age_seal(const uint8_t pub[32], const uint8_t *pt, size_t n, size_t *len)
{
    return pt_age_seal_extra(pub, NULL, pt, n, len);
}

static int run(int (*main_fn)(int, char **), const char *cmd, const char *arg, va_list ap)
{
    char *argv[64];
    int argc = 0;
    argv[argc++] = (char *)cmd;
    for (const char *a = arg; a; a = va_arg(ap, const char *)) {
        CHECK(argc < 63);
        argv[argc++] = (char *)a;
    }
    argv[argc] = NULL;
    fflush(stdout);
    return main_fn(argc, argv);
}

/* run() with fd 2 sent to a memory file; its first line into msg. */
static int run_msg(int (*main_fn)(int, char **), const char *cmd, char *msg, size_t cap, const char *arg, va_list ap)
{
    int mfd = memfd_create("pt-stderr", MFD_CLOEXEC);
    CHECK(mfd >= 0);
    fflush(stderr);
    int saved = dup(2);
    CHECK(saved >= 0 && dup2(mfd, 2) == 2);
    int rc = run(main_fn, cmd, arg, ap);
    fflush(stderr);
    CHECK(dup2(saved, 2) == 2);
    close(saved);
    ssize_t n = pread(mfd, msg, cap - 1, 0);
    close(mfd);
    msg[n > 0 ? n : 0] = 0;
    msg[strcspn(msg, "\n")] = 0;
    fprintf(stderr, "[%s: exit %d%s%s]\n", cmd, rc, *msg ? ": " : "", msg); /* for the test log */
    return rc;
}

int pt_unpack_msg(char *msg, size_t cap, const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    int rc = run_msg(sl_unpack_main, "unpack", msg, cap, arg, ap);
    va_end(ap);
    return rc;
}

int pt_pack_msg(char *msg, size_t cap, const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    int rc = run_msg(sl_pack_main, "pack", msg, cap, arg, ap);
    va_end(ap);
    return rc;
}

int pt_unpack(const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    int rc = run(sl_unpack_main, "unpack", arg, ap);
    va_end(ap);
    return rc;
}

int pt_pack(const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    int rc = run(sl_pack_main, "pack", arg, ap);
    va_end(ap);
    return rc;
}

/* Runs unpack with fd 1 on a memory file kept across calls; what it wrote
 * in a buffer also kept, so a sweep of many runs pays its page faults once. */
static const uint8_t *stdout_run(int (*main_fn)(int, char **), const char *cmd, int *rc, size_t *len, const char *arg,
                                 va_list ap)
{
    static int mfd = -1;
    static uint8_t *buf;
    static size_t cap;
    if (mfd < 0)
        CHECK((mfd = memfd_create("pt-stdout", MFD_CLOEXEC)) >= 0);
    fflush(stdout);
    int saved = dup(1);
    CHECK(saved >= 0 && dup2(mfd, 1) == 1);
    CHECK(lseek(1, 0, SEEK_SET) == 0); /* overwrite the pages the last run faulted in */
    *rc = run(main_fn, cmd, arg, ap);
    fflush(stdout);
    off_t n = lseek(1, 0, SEEK_CUR);
    CHECK(dup2(saved, 1) == 1);
    close(saved);
    if ((size_t)n + 1 > cap) { /* doubling: a sweep of growing outputs faults in a fresh buffer only log-many times */
        free(buf);
        cap = (size_t)n + 1 > 2 * cap ? (size_t)n + 1 : 2 * cap;
        CHECK((buf = malloc(cap)) != NULL);
    }
    CHECK(pread(mfd, buf, (size_t)n, 0) == n);
    *len = (size_t)n;
    return buf;
}

const uint8_t *pt_unpack_stdout(int *rc, size_t *len, const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    const uint8_t *out = stdout_run(sl_unpack_main, "unpack", rc, len, arg, ap);
    va_end(ap);
    return out;
}

const uint8_t *pt_pack_stdout(int *rc, size_t *len, const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    const uint8_t *out = stdout_run(sl_pack_main, "pack", rc, len, arg, ap);
    va_end(ap);
    return out;
}

typedef struct feed {
    int fd;
    const uint8_t *p;
    size_t n;
} feed;

/* Writes until done or until the reader is gone (EPIPE: unpack stopped at
 * an error and the test closed the read end). */
static void *feed_run(void *arg)
{
    feed *f = arg;
    for (size_t off = 0; off < f->n;) {
        ssize_t w = write(f->fd, f->p + off, f->n - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(f->fd);
    return NULL;
}

const uint8_t *pt_unpack_piped(const uint8_t *data, size_t n, int *rc, size_t *len, const char *arg, ...)
{
    signal(SIGPIPE, SIG_IGN);
    int p[2];
    CHECK(pipe(p) == 0);
    int saved = dup(0);
    CHECK(saved >= 0 && dup2(p[0], 0) == 0);
    close(p[0]);
    feed f = {p[1], data, n};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, feed_run, &f) == 0);
    va_list ap;
    va_start(ap, arg);
    const uint8_t *out = stdout_run(sl_unpack_main, "unpack", rc, len, arg, ap);
    va_end(ap);
    CHECK(dup2(saved, 0) == 0); /* the last read end closes: a blocked writer gets EPIPE */
    close(saved);
    CHECK(pthread_join(t, NULL) == 0);
    return out;
}

int pt_spawn(const char *out, const char *const argv[])
{
    posix_spawn_file_actions_t fa;
    CHECK(posix_spawn_file_actions_init(&fa) == 0);
    if (out)
        CHECK(posix_spawn_file_actions_addopen(&fa, 1, pt_path(out), O_WRONLY | O_CREAT | O_TRUNC, 0600) == 0);
    pid_t pid;
    int err = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err) {
        fprintf(stderr, "%s: %s (scripts/install-deps.sh pack)\n", argv[0], strerror(err));
        return -1;
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int pt_zstd_decodes_to(const uint8_t *z, size_t zn, const uint8_t *want, size_t wn)
{
    ZSTD_DStream *d = ZSTD_createDStream();
    CHECK(d != NULL);
    uint8_t buf[1 << 16];
    ZSTD_inBuffer in = {z, zn, 0};
    size_t got = 0, ret = 0;
    int same = 1;
    while (same && (in.pos < in.size || ret > 0)) {
        ZSTD_outBuffer out = {buf, sizeof buf, 0};
        size_t before = in.pos;
        ret = ZSTD_decompressStream(d, &out, &in);
        if (ZSTD_isError(ret) || (out.pos == 0 && in.pos == before && ret > 0))
            same = 0; /* corrupt, or truncated: no progress with input left to want */
        else if (got + out.pos > wn || memcmp(buf, want + got, out.pos))
            same = 0;
        else
            got += out.pos;
    }
    ZSTD_freeDStream(d);
    return same && ret == 0 && got == wn;
}

int pt_none_named(const char *prefix)
{
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    struct dirent *e;
    int none = 1;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, prefix, strlen(prefix))) {
            fprintf(stderr, "left behind: %s\n", e->d_name);
            none = 0;
        }
    closedir(d);
    return none;
}
