/*
 * js_diag.c - line, column and the quoted line of a byte offset (js_diag.h).
 *
 * The one idea: a column counts characters, not bytes (a UTF-8
 * continuation byte adds none), so an editor's column is the message's.
 */
#include "js_diag.h"

#include <stdio.h>

void sl__js_line_col(const char *src, size_t len, uint32_t pos, uint32_t *line, uint32_t *col)
{
    uint32_t l = 1, c = 1;
    for (size_t i = 0; i < pos && i < len; i++) {
        if (src[i] == '\n')
            l++, c = 1;
        else if (((unsigned char)src[i] & 0xC0) != 0x80)
            c++;
    }
    *line = l;
    *col = c;
}

/* At most this much of the offending line is shown, centred on the column
 * when the line is longer (minified code puts a whole file on one line). */
#define DIAG_WIDTH 160

void sl__js_diag(char *out, size_t outlen, const char *path, const char *src, size_t len, uint32_t pos,
                 const char *msg)
{
    uint32_t line, col;
    sl__js_line_col(src, len, pos, &line, &col);
    size_t at = pos > len ? len : pos;
    size_t ls = at;
    while (ls > 0 && src[ls - 1] != '\n' && src[ls - 1] != '\r')
        ls--;
    size_t le = at;
    while (le < len && src[le] != '\n' && src[le] != '\r')
        le++;
    size_t from = ls;
    if (at - ls > DIAG_WIDTH / 2) { /* start on a character boundary */
        from = at - DIAG_WIDTH / 2;
        while (from < at && ((unsigned char)src[from] & 0xC0) == 0x80)
            from++;
    }
    size_t to = le - from > DIAG_WIDTH ? from + DIAG_WIDTH : le;
    while (to > at && to < le && ((unsigned char)src[to] & 0xC0) == 0x80)
        to--;
    uint32_t caret = 0; /* characters between the window's start and pos */
    for (size_t i = from; i < at; i++)
        caret += ((unsigned char)src[i] & 0xC0) != 0x80;
    snprintf(out, outlen, "%s:%u:%u: %s\n    %s%.*s%s\n    %*s^", path, line, col, msg, from > ls ? "..." : "",
             (int)(to - from), src + from, to < le ? "..." : "", (int)caret + (from > ls ? 3 : 0), "");
}
