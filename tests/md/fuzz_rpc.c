/*
 * fuzz_rpc.c - libFuzzer target: one input is a stream of request lines.
 * Each line is parsed and its pages rendered (rpc.c), and the whole input
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

static void check_reply(const sl__md_buf *b)
{
    if (!b->len)
        return;
    if (b->data[b->len - 1] != '\n')
        __builtin_trap();
    json_t *j = json_loadb(b->data, b->len - 1, JSON_ALLOW_NUL, NULL);
    if (!json_is_object(j))
        __builtin_trap();
    json_decref(j);
}

static void parse_lines(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *end = s + size;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        sl__md_buf reply = {0};
        sl__md_req *r = sl__md_rpc_parse(s, n, &reply);
        check_reply(&reply);
        sl__md_buf_free(&reply);
        for (size_t i = 0; r && i < r->npages; i++) {
            sl__md_rpc_render_page(r, i, NULL);
            json_t *j = json_loadb(r->pages[i].out.data, r->pages[i].out.len, JSON_ALLOW_NUL, NULL);
            if (!json_is_object(j))
                __builtin_trap();
            json_decref(j);
        }
        sl__md_req_free(r);
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
