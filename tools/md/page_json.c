/*
 * page_json.c - a rendered page as one line of JSON.
 *
 * The page object is written directly rather than built as a jansson tree
 * and dumped: the HTML string is most of the bytes, and copying it into a
 * tree only to escape it again would double the work on the sidecar's hot
 * path.  Escaping JSON output is simple and total (every UTF-8 input has
 * one correct encoding); parsing JSON input is left to jansson.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"

/* 1 if none of the 8 bytes at p needs escaping (a control character, '"'
 * or '\\'), tested a word at a time: the classic "has a byte less than
 * n" and "has a zero byte" bit tricks, exact as yes/no answers. */
static int plain8(const char *p)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t v, q, bs;
    memcpy(&v, p, 8);
    q = v ^ (ones * '"');
    bs = v ^ (ones * '\\');
    return (((v - ones * 0x20) & ~v) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & highs ? 0 : 1;
}

void sl__md_json_string(sl__md_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    sl__md_buf_putc(b, '"');
    size_t run = 0; /* start of the pending unescaped run */
    for (size_t i = 0; i < n; i++) {
        while (i + 8 <= n && plain8(s + i))
            i += 8;
        if (i >= n)
            break;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        sl__md_buf_put(b, s + run, i - run);
        run = i + 1;
        char esc[6] = {'\\', 0};
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\t': esc[1] = 't'; break;
        case '\r': esc[1] = 'r'; break;
        default:
            sl__md_buf_put(b, "\\u00", 4);
            sl__md_buf_putc(b, hex[c >> 4]);
            sl__md_buf_putc(b, hex[c & 15]);
            continue;
        }
        sl__md_buf_put(b, esc, 2);
    }
    sl__md_buf_put(b, s + run, n - run);
    sl__md_buf_putc(b, '"');
}

void sl__md_json_value(sl__md_buf *b, const json_t *v)
{
    char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    if (!s) {
        sl__md_buf_puts(b, "null");
        return;
    }
    sl__md_buf_puts(b, s);
    free(s);
}

void sl__md_page_json(sl__md_buf *b, const char *file, const sl__md_page *p)
{
    char num[96];
    sl__md_buf_puts(b, "{\"file\":");
    size_t fl = file ? strlen(file) : 0;
    if (!file)
        sl__md_buf_puts(b, "null");
    else if (sl__md_utf8_valid(file, fl))
        sl__md_json_string(b, file, fl);
    else { /* a file name from disk need not be UTF-8 */
        size_t rl;
        char *r = sl__md_utf8_repair(file, fl, &rl);
        if (!r)
            b->failed = 1;
        else
            sl__md_json_string(b, r, rl);
        free(r);
    }
    sl__md_buf_puts(b, p->mdx ? ",\"code\":" : ",\"html\":");
    sl__md_json_string(b, p->html, p->html_len);
    sl__md_buf_puts(b, ",\"frontmatter\":");
    sl__md_json_value(b, p->frontmatter);
    sl__md_buf_puts(b, ",\"headings\":[");
    for (size_t i = 0; i < p->nheadings; i++) {
        const sl__md_heading *h = &p->headings[i];
        snprintf(num, sizeof num, "%s{\"level\":%d,\"text\":", i ? "," : "", h->level);
        sl__md_buf_puts(b, num);
        sl__md_json_string(b, h->text, strlen(h->text));
        sl__md_buf_puts(b, ",\"id\":");
        sl__md_json_string(b, h->id, strlen(h->id));
        sl__md_buf_putc(b, '}');
    }
    snprintf(num, sizeof num, "],\"wordCount\":%" PRIu64 ",\"warnings\":[", p->word_count);
    sl__md_buf_puts(b, num);
    for (size_t i = 0; i < p->nwarnings; i++) {
        snprintf(num, sizeof num, "%s{\"line\":%zu,\"message\":", i ? "," : "", p->warnings[i].line);
        sl__md_buf_puts(b, num);
        sl__md_json_string(b, p->warnings[i].msg, strlen(p->warnings[i].msg));
        sl__md_buf_putc(b, '}');
    }
    sl__md_buf_puts(b, "]}");
}
