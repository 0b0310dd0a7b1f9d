/*
 * source.c - reads an input file whole and checks it is text (no NUL
 * bytes) and valid UTF-8, as the Rust reference requires of source files.
 * Files are opened through tools/common/infile.h, so a FIFO, a device, a
 * directory or a symlink loop where a module file should be is refused at
 * once instead of blocking the worker (or reading without end).
 */
#include "source.h"

#include <stdio.h>
#include <string.h>

#include "infile.h"

int gr_source_read(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
    char msg[1024];
    if (!sl_infile_read(path, GR_MAX_FILE_BYTES, buf, len, msg, sizeof msg))
        return 0;
    /* the message names the file; the graph's warnings name it already */
    size_t n = strlen(path);
    const char *why = !strncmp(msg, path, n) && !strncmp(msg + n, ": ", 2) ? msg + n + 2 : msg;
    if (strstr(why, "over the limit"))
        snprintf(err, errlen, "%s (%zu MiB); skipped", why, GR_MAX_FILE_BYTES >> 20);
    else
        snprintf(err, errlen, "%s", why);
    return -1;
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
