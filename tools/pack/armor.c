/*
 * armor.c - streaming armor decoding and encoding.
 *
 * Decoding goes line by line: a 64-character line is always exactly 48
 * bytes, so lines decode independently, and only the final (shorter or
 * END-preceding) line may carry '=' padding.  What age accepts, we accept:
 * LF or CRLF line ends, an END line with no line end at all (the file
 * simply stops), and whitespace (space, tab, CR, LF, VT, FF) around the
 * armor: up to 1 KiB before BEGIN, less than 1 KiB after END.
 */
#include "armor.h"

#include <string.h>

#include "base64.h"

#define LINE_MAX_CHARS 64
#define LINE_NONE -2 /* read_line: the input ended */

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int sl_armor_detect(sl_reader *src)
{
    const uint8_t *p;
    size_t m = strlen(SL_ARMOR_BEGIN);
    size_t n = sl_reader_peek(src, SL_ARMOR_MAX_SPACE + m, &p), i = 0;
    while (i < n && i < SL_ARMOR_MAX_SPACE && is_space(p[i]))
        i++;
    return n - i >= m && !memcmp(p + i, SL_ARMOR_BEGIN, m);
}

/* Reads one line without its LF or CRLF (the last line of the input may
 * have neither): its length, -1 if longer than cap, LINE_NONE at the end. */
static long read_line(sl_reader *r, char *line, size_t cap)
{
    long n = sl_reader_line(r, line, cap);
    if (n < 0)
        return -1;
    if (n == 0)
        return LINE_NONE;
    if (line[n - 1] == '\n')
        n--;
    if (n > 0 && line[n - 1] == '\r')
        n--;
    return n;
}

static ssize_t fail(char *err, size_t errlen, sl_reader *r, const char *what)
{
    snprintf(err, errlen, "armor: %s (at offset %llu)", what, (unsigned long long)r->offset);
    return -1;
}

static ssize_t skip_leading(sl_armor_in *a, char *err, size_t errlen)
{
    const uint8_t *p;
    for (size_t k = 0; sl_reader_peek(a->src, 1, &p) == 1 && is_space(p[0]); k++) {
        if (k == SL_ARMOR_MAX_SPACE)
            return fail(err, errlen, a->src, "more than 1 KiB of whitespace before the BEGIN line");
        sl_reader_skip(a->src, 1);
    }
    char line[LINE_MAX_CHARS + 8];
    long n = read_line(a->src, line, sizeof line);
    if (n != (long)strlen(SL_ARMOR_BEGIN) || memcmp(line, SL_ARMOR_BEGIN, (size_t)n))
        return fail(err, errlen, a->src, "missing BEGIN line");
    a->state = 1;
    return 0;
}

static ssize_t check_trailer(sl_armor_in *a, char *err, size_t errlen)
{
    const uint8_t *p;
    size_t n, seen = 0;
    while ((n = sl_reader_peek(a->src, 4096, &p)) > 0) {
        for (size_t i = 0; i < n; i++)
            if (!is_space(p[i])) {
                sl_reader_skip(a->src, i);
                return fail(err, errlen, a->src, "trailing data after END line");
            }
        sl_reader_skip(a->src, n);
        if ((seen += n) >= SL_ARMOR_MAX_SPACE)
            return fail(err, errlen, a->src, "1 KiB or more of whitespace after the END line");
    }
    if (a->src->failed) {
        snprintf(err, errlen, "%s", a->src->err);
        return -1;
    }
    a->state = 3;
    return 0; /* the end */
}

ssize_t sl_armor_fill(void *ctx, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
    sl_armor_in *a = ctx;
    if (a->state == 0 && skip_leading(a, err, errlen) < 0)
        return -1;
    /* The END line ends the data; what follows it is checked on the next
     * call, so the data before it is delivered before any complaint. */
    if (a->state == 4)
        return check_trailer(a, err, errlen);
    size_t out = 0;
    while (a->state != 3 && a->state != 4 && cap - out >= 48) {
        char line[LINE_MAX_CHARS + 8];
        long n = read_line(a->src, line, sizeof line);
        if (n < 0) {
            if (a->src->failed) {
                snprintf(err, errlen, "%s", a->src->err);
                return -1;
            }
            return fail(err, errlen, a->src,
                        n == LINE_NONE ? "the file ends before the END line" : "line longer than 64 columns");
        }
        if ((size_t)n == strlen(SL_ARMOR_END) && !memcmp(line, SL_ARMOR_END, (size_t)n)) {
            a->state = 4;
            break;
        }
        if (a->state == 2)
            return fail(err, errlen, a->src, "data after the final short line");
        if (n == 0 || n > LINE_MAX_CHARS)
            return fail(err, errlen, a->src, n ? "line longer than 64 columns" : "empty line");
        long k = sl_b64_decode(buf + out, line, (size_t)n, 1);
        if (k < 0)
            return fail(err, errlen, a->src, "invalid base64");
        if (n < LINE_MAX_CHARS || line[n - 1] == '=')
            a->state = 2;
        out += (size_t)k;
    }
    return (ssize_t)out;
}

int sl_armor_begin(sl_armor_out *a, FILE *fp)
{
    memset(a, 0, sizeof *a);
    a->fp = fp;
    return fputs(SL_ARMOR_BEGIN "\n", fp) < 0 ? -1 : 0;
}

static int put_group(sl_armor_out *a, const uint8_t *g, size_t n)
{
    char enc[4];
    sl_b64_encode(enc, g, n, 1);
    if (fwrite(enc, 1, 4, a->fp) != 4)
        return -1;
    a->col += 4;
    if (a->col == LINE_MAX_CHARS) {
        a->col = 0;
        if (fputc('\n', a->fp) == EOF)
            return -1;
    }
    return 0;
}

int sl_armor_write(sl_armor_out *a, const uint8_t *p, size_t n)
{
    while (n) {
        a->pend[a->npend++] = *p++;
        n--;
        if (a->npend == 3) {
            a->npend = 0;
            if (put_group(a, a->pend, 3) < 0)
                return -1;
        }
        /* Whole groups straight from the input while aligned. */
        if (a->npend == 0) {
            while (n >= 3) {
                if (put_group(a, p, 3) < 0)
                    return -1;
                p += 3;
                n -= 3;
            }
        }
    }
    return 0;
}

int sl_armor_end(sl_armor_out *a)
{
    if (a->npend && put_group(a, a->pend, (size_t)a->npend) < 0)
        return -1;
    if (a->col && fputc('\n', a->fp) == EOF)
        return -1;
    return fputs(SL_ARMOR_END "\n", a->fp) < 0 ? -1 : 0;
}
