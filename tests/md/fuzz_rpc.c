/*
 * fuzz_rpc.c - libFuzzer target: one input is a stream of request lines.
 * Each line is parsed (a request, or a batch array of them) and its pages
 * rendered (rpc.c), and the whole input
 * is also served by the sidecar loop (serve.c) through a pipe, so line
 * splitting, dispatch, cancel and shutdown see the same bytes.  Every
 * reply must be one valid JSON object per line.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "md.h"
#include "rpc.h"

/* A copy of the line s[0..n) with each lone surrogate escape (valid JSON,
 * RFC 8259 8.2, which jansson refuses: an id is echoed as the request
 * wrote it) as \uFFFD. */
static char *surrogates_replaced(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (!c)
        __builtin_trap();
    memcpy(c, s, n);
    for (size_t i = 0; i + 6 <= n; i++) {
        if (c[i] != '\\')
            continue;
        if (c[i + 1] == 'u' && (c[i + 2] | 0x20) == 'd' && strchr("89abAB", c[i + 3]) && i + 12 <= n &&
            c[i + 6] == '\\' && c[i + 7] == 'u' && (c[i + 8] | 0x20) == 'd' && strchr("cdefCDEF", c[i + 9])) {
            i += 11; /* a pair */
            continue;
        }
        if (c[i + 1] == 'u' && (c[i + 2] | 0x20) == 'd' && strchr("89abcdefABCDEF", c[i + 3]))
            memcpy(c + i + 2, "FFFD", 4);
        i++; /* the escaped byte */
    }
    return c;
}

/* Each line of b (every one ending in a newline) is a JSON object. */
static void check_reply(const sl__md_buf *b)
{
    if (b->len && b->data[b->len - 1] != '\n')
        __builtin_trap();
    for (size_t at = 0; at < b->len;) {
        size_t n = (size_t)((const char *)memchr(b->data + at, '\n', b->len - at) - (b->data + at));
        char *line = surrogates_replaced(b->data + at, n);
        json_t *j = json_loadb(line, n, JSON_ALLOW_NUL, NULL);
        free(line);
        if (!json_is_object(j))
            __builtin_trap();
        json_decref(j);
        at += n + 1;
    }
}

static void parse_lines(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *end = s + size;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        sl__md_rpc_line l;
        sl__md_rpc_parse_line(s, n, &l);
        check_reply(&l.errors);
        for (size_t k = 0; k < l.nreqs; k++) {
            sl__md_req *r = l.reqs[k];
            for (size_t i = 0; i < r->npages; i++) {
                sl__md_rpc_render_page(r, i, NULL);
                json_t *j = json_loadb(r->pages[i].out.data, r->pages[i].out.len, JSON_ALLOW_NUL, NULL);
                if (!json_is_object(j))
                    __builtin_trap();
                json_decref(j);
            }
        }
        sl__md_rpc_line_free(&l);
        s += n + 1;
    }
}

static void serve_stream(const uint8_t *data, size_t size)
{
    int p[2];
    if (size > 60000 || pipe(p) != 0)
        return;
    if (write(p[1], data, size) != (ssize_t)size)
        __builtin_trap();
    close(p[1]);
    int out = open("/dev/null", O_WRONLY);
    sl__md_cli c = {.threads = 1, .max_line = 4096, .queue_bytes = 4096};
    sl__md_serve(&c, p[0], out);
    close(p[0]);
    close(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse_lines(data, size);
    serve_stream(data, size);
    return 0;
}
