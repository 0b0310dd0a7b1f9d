/*
 * args.c - parsing sizes and counts, reading passphrases, recording the
 * first failure.  Passphrase buffers come from sodium_malloc, which wipes
 * them on free and keeps them out of swap where it can.
 */
#include "args.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PASS_MAX 4096

int sl_args_size(const char *s, uint64_t *out)
{
    char *end;
    if (s[0] < '0' || s[0] > '9') /* strtoull would take spaces, a sign, and wrap "-5" around */
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    int shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift) {
        end++;
        if (*end == 'i' && end[1] == 'B')
            end += 2;
        else if (*end == 'B')
            end++;
    }
    if (*end || v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

int sl_args_range(const char *s, uint64_t *off, uint64_t *len, int *to_end)
{
    const char *colon = strchr(s, ':');
    char head[32];
    if (!colon || colon == s || (size_t)(colon - s) >= sizeof head)
        return -1;
    memcpy(head, s, (size_t)(colon - s));
    head[colon - s] = 0;
    *to_end = colon[1] == 0;
    *len = 0;
    if (sl_args_size(head, off))
        return -1;
    return *to_end ? 0 : sl_args_size(colon + 1, len);
}

int sl_args_uint(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int pass_alloc(sl_pass *pw)
{
    pw->p = sodium_malloc(PASS_MAX + 2); /* one byte past the limit shows a longer line */
    pw->len = 0;
    return pw->p ? 0 : -1;
}

void sl_pass_free(sl_pass *pw)
{
    if (pw->p)
        sodium_free(pw->p);
    pw->p = NULL;
    pw->len = 0;
}

static size_t first_line(const char *p, size_t n)
{
    const char *nl = memchr(p, '\n', n);
    size_t len = nl ? (size_t)(nl - p) : n;
    if (len && p[len - 1] == '\r')
        len--;
    return len;
}

int sl_pass_from_file(sl_pass *pw, const char *path, char *err, size_t errlen)
{
    if (pass_alloc(pw)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        sl_pass_free(pw);
        return -1;
    }
    size_t n = 0;
    ssize_t k = 0;
    while (n <= PASS_MAX && (k = read(fd, pw->p + n, PASS_MAX + 1 - n)) > 0)
        n += (size_t)k;
    int saved = errno;
    close(fd);
    pw->len = first_line(pw->p, n);
    pw->p[pw->len < PASS_MAX ? pw->len : PASS_MAX] = 0;
    const char *why = k < 0 ? strerror(saved) : !pw->len ? "empty passphrase"
                    : pw->len > PASS_MAX ? "the passphrase is longer than 4096 bytes, the limit" : NULL;
    if (why) {
        snprintf(err, errlen, "%s: %s", path, why);
        sl_pass_free(pw);
        return -1;
    }
    return 0;
}

static long prompt(int fd, const char *msg, char *buf)
{
    struct termios old, quiet;
    int have_term = tcgetattr(fd, &old) == 0;
    if (have_term) {
        quiet = old;
        quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    if (write(fd, msg, strlen(msg)) < 0) {
        /* nothing to do: the read below still works */
    }
    size_t n = 0;
    char c;
    ssize_t k;
    while (n < PASS_MAX && (k = read(fd, &c, 1)) == 1 && c != '\n')
        buf[n++] = c;
    if (have_term)
        tcsetattr(fd, TCSAFLUSH, &old);
    if (write(fd, "\n", 1) < 0) {
        /* as above */
    }
    if (n && buf[n - 1] == '\r')
        n--;
    buf[n] = 0;
    return (long)n;
}

int sl_pass_from_tty(sl_pass *pw, int confirm, char *err, size_t errlen)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot read a passphrase: no terminal (/dev/tty: %s); use --passphrase-file",
                 strerror(errno));
        return -1;
    }
    sl_pass again = {0};
    int rc = pass_alloc(pw) || (confirm && pass_alloc(&again)) ? -1 : 0;
    if (rc == 0) {
        pw->len = (size_t)prompt(fd, "Enter passphrase: ", pw->p);
        if (!pw->len) {
            snprintf(err, errlen, "empty passphrase");
            rc = -1;
        } else if (confirm) {
            again.len = (size_t)prompt(fd, "Confirm passphrase: ", again.p);
            if (again.len != pw->len || sodium_memcmp(again.p, pw->p, pw->len)) {
                snprintf(err, errlen, "passphrases do not match");
                rc = -1;
            }
        }
    } else {
        snprintf(err, errlen, "out of memory");
    }
    close(fd);
    sl_pass_free(&again);
    if (rc)
        sl_pass_free(pw);
    return rc;
}

void sl_fail_init(sl_fail *f)
{
    pthread_mutex_init(&f->mu, NULL);
    f->set = 0;
    f->msg[0] = 0;
}

int sl_fail_set(sl_fail *f, const char *fmt, ...)
{
    pthread_mutex_lock(&f->mu);
    if (!f->set) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->msg, sizeof f->msg, fmt, ap);
        va_end(ap);
        f->set = 1;
    }
    pthread_mutex_unlock(&f->mu);
    return -1;
}
