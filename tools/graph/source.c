/*
 * source.c - reads an input file whole and checks it is text (no NUL
 * bytes) and valid UTF-8, as the Rust reference requires of source files.
 */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

int gr_source_read(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file");
        close(fd);
        return -1;
    }
    if ((size_t)st.st_size > GR_MAX_FILE_BYTES) {
        snprintf(err, errlen, "%lld bytes is over the %zu MiB limit, skipped",
                 (long long)st.st_size, GR_MAX_FILE_BYTES >> 20);
        close(fd);
        return -1;
    }
    /* room for the size fstat gave, the NUL, and one byte more, so that
     * the read that finds the end needs no bigger buffer (a file that grew
     * since fstat still is read whole) */
    size_t cap = (size_t)st.st_size + 2, n = 0;
    char *b = gr_xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > GR_MAX_FILE_BYTES) {
                snprintf(err, errlen, "grew past the %zu MiB limit while reading", GR_MAX_FILE_BYTES >> 20);
                free(b);
                close(fd);
                return -1;
            }
            cap *= 2;
            b = gr_xrealloc(b, cap);
        }
        ssize_t r = read(fd, b + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "read error: %s", strerror(errno));
            free(b);
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    b[n] = 0;
    *buf = b;
    *len = n;
    return 0;
}

int gr_source_is_binary(const char *buf, size_t len)
{
    size_t n = len < 8192 ? len : 8192;
    return memchr(buf, 0, n) != NULL;
}

/* The 1-based line of byte `at`. */
static uint32_t line_of(const char *buf, size_t at)
{
    uint32_t line = 1;
    for (const char *p = buf, *end = buf + at; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        line++;
    return line;
}

uint32_t gr_source_bad_utf8_line(const char *buf, size_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0;
    while (i < len) {
        /* ASCII eight bytes at a time: almost all of any source file */
        if (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!(w & 0x8080808080808080ull)) {
                i += 8;
                continue;
            }
        }
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF)
            need = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            need = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            need = 3, cp = c & 0x07;
        else
            return line_of(buf, i);
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
                return line_of(buf, i);
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* Overlong forms, surrogates and values past U+10FFFF. */
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return line_of(buf, i);
        i += need + 1;
    }
    return 0;
}
