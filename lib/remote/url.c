/*
 * url.c - redis://[user:password@]host[:port]/NAME into its parts.
 *
 * The one idea: refuse anything ambiguous rather than guess.  User and
 * password are percent-decoded (so a password may hold '@' or ':'), the
 * host is a name, an IPv4 address or a bracketed IPv6 one, and NAME, the
 * stream's key, is kept to characters that need no quoting anywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../hex_digit.h"
#include "remote_int.h"

#define NAME_MAX_LEN 200

/* A percent-decoded copy of s[0..n), or NULL (bad escape, NUL, no memory). */
static char *decode(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            *o++ = s[i];
            continue;
        }
        if (i + 2 >= n) { /* '%' needs two hex digits after it */
            free(out);
            return NULL;
        }
        int a = sl_hex_digit((unsigned char)s[i + 1]), b = sl_hex_digit((unsigned char)s[i + 2]);
        if (a < 0 || b < 0 || (a == 0 && b == 0)) {
            free(out);
            return NULL;
        }
        *o++ = (char)(a * 16 + b);
        i += 2;
    }
    *o = 0;
    return out;
}

static int name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > NAME_MAX_LEN)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr("._:-", *s)))
            return 0;
    return 1;
}

static int host_ok(const char *s, size_t n, int bracketed)
{
    if (n == 0 || n > 255)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                 c == '-' || (bracketed && (c == ':' || c == '%'));
        if (!ok)
            return 0;
    }
    return 1;
}

static int fail(sl__rurl *u, char *err, size_t errlen, const char *url, const char *why)
{
    sl__rurl_free(u);
    snprintf(err, errlen, "'%s' is not a Redis URL (redis://[user:password@]host[:port]/NAME): %s", url, why);
    return SL_REMOTE_EURL;
}

/* user:password@ (or password alone, or :password) before the host. */
static int parse_userinfo(sl__rurl *u, const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n);
    if (!colon) { /* redis://password@host, as redis-cli reads it */
        u->pass = decode(s, n);
        return u->pass ? 0 : -1;
    }
    size_t ulen = (size_t)(colon - s);
    if (ulen) {
        u->user = decode(s, ulen);
        if (!u->user)
            return -1;
    }
    u->pass = decode(colon + 1, n - ulen - 1);
    return u->pass ? 0 : -1;
}

static int parse_port(const char *s, size_t n, int *port)
{
    if (n == 0 || n > 5)
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (v < 1 || v > 65535)
        return -1;
    *port = v;
    return 0;
}

int sl__rurl_parse(const char *url, sl__rurl *u, char *err, size_t errlen)
{
    memset(u, 0, sizeof *u);
    u->port = 6379;
    const char *shown = url ? url : "(null)";
    if (!url || strncmp(url, "redis://", 8))
        return fail(u, err, errlen, shown, "it must start with redis://");
    const char *p = url + 8, *slash = strchr(p, '/');
    if (!slash)
        return fail(u, err, errlen, shown, "no /NAME (the stream) after the host");
    const char *at = memchr(p, '@', (size_t)(slash - p));
    if (at) {
        /* the last '@' before the path separates userinfo from the host */
        for (const char *q = at; q < slash; q++)
            if (*q == '@')
                at = q;
        if (parse_userinfo(u, p, (size_t)(at - p)))
            return fail(u, err, errlen, shown, "bad %-escape in user or password");
        p = at + 1;
    }
    const char *host = p, *hend;
    int bracketed = *p == '[';
    if (bracketed) {
        host++;
        hend = memchr(host, ']', (size_t)(slash - host));
        if (!hend)
            return fail(u, err, errlen, shown, "unclosed [ in the host");
        p = hend + 1;
    } else {
        hend = memchr(host, ':', (size_t)(slash - host));
        if (!hend)
            hend = slash;
        p = hend;
    }
    if (!host_ok(host, (size_t)(hend - host), bracketed))
        return fail(u, err, errlen, shown, "bad host");
    if (*p == ':') {
        if (parse_port(p + 1, (size_t)(slash - p - 1), &u->port))
            return fail(u, err, errlen, shown, "the port must be a number from 1 to 65535");
    } else if (p != slash)
        return fail(u, err, errlen, shown, "junk after the host");
    u->host = strndup(host, (size_t)(hend - host));
    u->name = strdup(slash + 1);
    if (!u->host || !u->name)
        return fail(u, err, errlen, shown, "out of memory");
    if (!name_ok(u->name))
        return fail(u, err, errlen, shown,
                    "NAME must be 1 to 200 characters from A-Z a-z 0-9 . _ : -");
    if (!u->pass) {
        const char *env = getenv("REDISCLI_AUTH");
        if (env && *env && !(u->pass = strdup(env)))
            return fail(u, err, errlen, shown, "out of memory");
    }
    return SL_OK;
}

void sl__rurl_free(sl__rurl *u)
{
    free(u->host);
    free(u->user);
    free(u->pass);
    free(u->name);
    memset(u, 0, sizeof *u);
}
