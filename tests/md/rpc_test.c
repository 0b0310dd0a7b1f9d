/*
 * rpc_test.c - the JSON-RPC sidecar driven over pipes, in process: error
 * codes, batch order, priority of small requests, progress, cancel,
 * backpressure, overlong lines and a client that disappears.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "check.h"
#include "md.h"
#include "rpc.h"
#include "sluice/chan.h"

typedef struct srv {
    sl__md_cli cli;
    int in_fd, out_fd;     /* the server's ends */
    int to_srv, from_srv;  /* the client's ends */
    pthread_t thread;
    int rc;
    atomic_int done;
    char *buf;             /* client-side line buffer */
    size_t len, cap;
} srv;

static void *srv_main(void *arg)
{
    srv *s = arg;
    s->rc = sl__md_serve(&s->cli, s->in_fd, s->out_fd);
    close(s->in_fd);
    close(s->out_fd);
    atomic_store(&s->done, 1);
    return NULL;
}

static srv *srv_start_stats(size_t threads, size_t max_line, size_t queue_bytes, int stats)
{
    srv *s = calloc(1, sizeof *s);
    s->cli.stats = stats;
    int a[2], b[2];
    CHECK(pipe(a) == 0 && pipe(b) == 0);
    s->in_fd = a[0], s->to_srv = a[1], s->from_srv = b[0], s->out_fd = b[1];
    s->cli.threads = threads;
    s->cli.max_line = max_line ? max_line : (size_t)64 << 20;
    s->cli.queue_bytes = queue_bytes ? queue_bytes : (size_t)64 << 20;
    CHECK(pthread_create(&s->thread, NULL, srv_main, s) == 0);
    return s;
}

static srv *srv_start(size_t threads, size_t max_line, size_t queue_bytes)
{
    return srv_start_stats(threads, max_line, queue_bytes, 0);
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        CHECK(w > 0);
        if (w <= 0)
            return;
        p += w, n -= (size_t)w;
    }
}

typedef struct sender {
    int fd;
    sl__md_buf data;
    pthread_t t;
} sender;

static void *send_main(void *arg)
{
    sender *x = arg;
    write_all(x->fd, x->data.data, x->data.len);
    return NULL;
}

/* Sends b's bytes from another thread, so the test can read meanwhile. */
static sender *send_async(srv *s, sl__md_buf b)
{
    sender *x = calloc(1, sizeof *x);
    x->fd = s->to_srv;
    x->data = b;
    pthread_create(&x->t, NULL, send_main, x);
    return x;
}

static void send_join(sender *x)
{
    pthread_join(x->t, NULL);
    sl__md_buf_free(&x->data);
    free(x);
}

static void send_line(srv *s, const char *line)
{
    write_all(s->to_srv, line, strlen(line));
    write_all(s->to_srv, "\n", 1);
}

/* The next line from the server as it was written (malloc'd), or NULL
 * at end of output. */
static char *recv_raw(srv *s)
{
    for (;;) {
        char *nl = s->len ? memchr(s->buf, '\n', s->len) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - s->buf);
            char *line = strndup(s->buf, n);
            memmove(s->buf, nl + 1, s->len - n - 1);
            s->len -= n + 1;
            return line;
        }
        if (s->len == s->cap)
            s->buf = realloc(s->buf, s->cap = s->cap ? s->cap * 2 : 65536);
        ssize_t r = read(s->from_srv, s->buf + s->len, s->cap - s->len);
        if (r <= 0)
            return NULL;
        s->len += (size_t)r;
    }
}

/* The next message from the server, or NULL at end of output. */
static json_t *recv_msg(srv *s)
{
    char *line = recv_raw(s);
    if (!line)
        return NULL;
    json_error_t e;
    json_t *j = json_loadb(line, strlen(line), 0, &e);
    if (!j)
        fprintf(stderr, "bad line from server: %.200s\n", line);
    CHECK(j != NULL);
    free(line);
    return j;
}

/* The next message that is not a progress notification. */
static json_t *recv_reply(srv *s)
{
    for (;;) {
        json_t *j = recv_msg(s);
        if (!j || !json_object_get(j, "method"))
            return j;
        json_decref(j);
    }
}

static int srv_stop(srv *s)
{
    close(s->to_srv);
    json_t *j;
    while ((j = recv_msg(s)))
        json_decref(j);
    pthread_join(s->thread, NULL);
    close(s->from_srv);
    int rc = s->rc;
    free(s->buf);
    free(s);
    return rc;
}

static int error_code(json_t *j)
{
    return (int)json_integer_value(json_object_get(json_object_get(j, "error"), "code"));
}

static const char *id_str(json_t *j)
{
    return json_string_value(json_object_get(j, "id"));
}

/* A transformBatch line with n pages of about `size` bytes each. */
static sl__md_buf batch_line(const char *id, size_t n, size_t size)
{
    sl__md_buf b = {0};
    char head[128];
    snprintf(head, sizeof head,
             "{\"jsonrpc\":\"2.0\",\"id\":\"%s\",\"method\":\"transformBatch\",\"params\":{\"files\":[",
             id);
    sl__md_buf_puts(&b, head);
    for (size_t i = 0; i < n; i++) {
        char f[96]; /* room for two 20-digit numbers */
        snprintf(f, sizeof f, "%s{\"file\":\"p%zu.md\",\"content\":\"# Page %zu\\n\\n", i ? "," : "", i, i);
        sl__md_buf_puts(&b, f);
        size_t want = size / 2 + (i * 7919) % (size + 1);
        for (size_t k = 0; k < want; k += 40)
            sl__md_buf_puts(&b, "Some *text* and a [link](http://x.org).\\n");
        sl__md_buf_puts(&b, "\"}");
    }
    sl__md_buf_puts(&b, "]}}\n");
    return b;
}

SL_TEST(rpc_parse_error_is_answered_and_server_goes_on)
{
    srv *s = srv_start(2, 0, 0);
    send_line(s, "{not json");
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"transform\",\"params\":{\"content\":\"# T\"}}");
    json_t *e = recv_msg(s);
    CHECK_EQ(error_code(e), -32700);
    CHECK(json_is_null(json_object_get(e, "id")));
    json_t *r = recv_msg(s);
    CHECK(!strcmp(id_str(r), "a"));
    json_t *res = json_object_get(r, "result");
    CHECK(!strcmp(json_string_value(json_object_get(res, "html")), "<h1 id=\"t\">T</h1>\n"));
    json_decref(e);
    json_decref(r);
    CHECK_EQ(srv_stop(s), 0);
}

SL_TEST(rpc_parse_error_quoting_invalid_utf8_is_still_json)
{
    srv *s = srv_start(1, 0, 0);
    send_line(s, "{\"a\":\"\\\xef\xbb\xbf\"}");
    send_line(s, "{\"x\xff\xfe");
    for (int i = 0; i < 2; i++) {
        json_t *e = recv_msg(s); /* recv_msg checks each line is JSON */
        CHECK_EQ(error_code(e), -32700);
        json_decref(e);
    }
    CHECK_EQ(srv_stop(s), 0);
}

SL_TEST(rpc_bad_requests_get_their_json_rpc_codes)
{
    srv *s = srv_start(2, 0, 0); /* two workers: a batch array's answers meet from both */
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"frobnicate\"}");
    json_t *j = recv_msg(s);
    CHECK_EQ(error_code(j), -32601);
    CHECK_EQ(json_integer_value(json_object_get(j, "id")), 1);
    json_decref(j);
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"transform\",\"params\":{\"content\":5}}");
    CHECK_EQ(error_code(j = recv_msg(s)), -32602);
    json_decref(j);
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"transform\",\"params\":{\"content\":\"x\",\"options\":{\"dialect\":\"rst\"}}}");
    CHECK_EQ(error_code(j = recv_msg(s)), -32602);
    json_decref(j);
    send_line(s, "{\"id\":4,\"method\":\"transform\"}");
    CHECK_EQ(error_code(j = recv_msg(s)), -32600);
    json_decref(j);
    send_line(s, "[]");
    CHECK_EQ(error_code(j = recv_msg(s)), -32600);
    json_decref(j);
    /* A notification is never answered, not even with an error. */
    send_line(s, "{\"jsonrpc\":\"2.0\",\"method\":\"frobnicate\"}");
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"cancel\",\"params\":{\"id\":99}}");
    j = recv_msg(s);
    CHECK_EQ(json_integer_value(json_object_get(j, "id")), 5);
    CHECK(json_is_false(json_object_get(json_object_get(j, "result"), "cancelled")));
    json_decref(j);
    /* "id": null is a request, not a notification (JSON-RPC 2.0 section 4). */
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"transform\",\"params\":{\"content\":\"n\"}}");
    j = recv_msg(s);
    CHECK(json_is_null(json_object_get(j, "id")) && json_object_get(j, "id"));
    CHECK(!strcmp(json_string_value(json_object_get(json_object_get(j, "result"), "html")), "<p>n</p>\n"));
    json_decref(j);
    /* As JSON.parse reads it: text after the value is a parse error... */
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"transform\",\"params\":{\"content\":\"x\"}} trailing");
    CHECK_EQ(error_code(j = recv_msg(s)), -32700);
    CHECK(json_is_null(json_object_get(j, "id")));
    CHECK(strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
                 "column 72: text after the JSON value near 'trailing'") != NULL);
    json_decref(j);
    /* ...and of duplicate keys the last wins. */
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":7,\"id\":8,\"method\":\"transform\",\"params\":{\"content\":5,\"content\":\"last\"}}");
    j = recv_msg(s);
    CHECK_EQ(json_integer_value(json_object_get(j, "id")), 8);
    CHECK(!strcmp(json_string_value(json_object_get(json_object_get(j, "result"), "html")), "<p>last</p>\n"));
    json_decref(j);
    /* A batch array: one array of answers, none for its notifications. */
    send_line(s, "[{\"jsonrpc\":\"2.0\",\"id\":\"a1\",\"method\":\"transform\",\"params\":{\"content\":\"a\"}},"
                 "{\"jsonrpc\":\"2.0\",\"method\":\"transform\",\"params\":{\"content\":\"note\"}}, 1,"
                 "{\"jsonrpc\":\"2.0\",\"id\":\"a2\",\"method\":\"cancel\",\"params\":{\"id\":\"zz\"}}]");
    j = recv_msg(s);
    CHECK_EQ(json_array_size(j), 3);
    int seen = 0;
    for (size_t i = 0; i < json_array_size(j); i++) {
        json_t *a = json_array_get(j, i);
        const char *id = id_str(a);
        if (!id && error_code(a) == -32600)
            seen |= 1;
        else if (id && !strcmp(id, "a1") && !strcmp(json_string_value(json_object_get(json_object_get(a, "result"), "html")), "<p>a</p>\n"))
            seen |= 2;
        else if (id && !strcmp(id, "a2") && json_is_false(json_object_get(json_object_get(a, "result"), "cancelled")))
            seen |= 4;
    }
    CHECK_EQ(seen, 7);
    json_decref(j);
    /* An array of notifications only is not answered; an oversized one is
     * one -32600. */
    send_line(s, "[{\"jsonrpc\":\"2.0\",\"method\":\"transform\",\"params\":{\"content\":\"n\"}}]");
    sl__md_buf big = {0};
    sl__md_buf_puts(&big, "[1");
    for (int i = 0; i < SL__MD_RPC_BATCH_MAX; i++)
        sl__md_buf_puts(&big, ",1");
    sl__md_buf_puts(&big, "]");
    sl__md_buf_putc(&big, 0);
    send_line(s, big.data);
    sl__md_buf_free(&big);
    j = recv_msg(s);
    CHECK(json_is_object(j) && error_code(j) == -32600 && json_is_null(json_object_get(j, "id")));
    json_decref(j);
    CHECK_EQ(srv_stop(s), 0);
}

/* What the parser accepts beyond strict JSON is closed off: raw NUL and
 * invalid UTF-8 are parse errors naming the column; \u0000 is U+FFFD (so
 * a page is never cut short at it); an id JavaScript cannot hold exactly
 * is refused rather than echoed as another number; cancel matches ids by
 * value, whatever their spelling. */
SL_TEST(rpc_edge_bytes_escapes_and_ids)
{
    srv *s = srv_start(1, 0, 0);
    static const char nul_line[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"transform\",\"params\":{\"content\":\"a\0b\"}}\n";
    write_all(s->to_srv, nul_line, sizeof nul_line - 1);
    json_t *j = recv_msg(s);
    CHECK_EQ(error_code(j), -32700);
    char col[32];
    snprintf(col, sizeof col, "column %d:", (int)((const char *)memchr(nul_line, 0, sizeof nul_line - 1) - nul_line) + 1);
    CHECK(strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")), col) != NULL);
    json_decref(j);
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"transform\",\"params\":{\"content\":\"\xff\"}}");
    CHECK_EQ(error_code(j = recv_msg(s)), -32700);
    CHECK(strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")), "UTF-8") != NULL);
    json_decref(j);
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"transform\",\"params\":{\"content\":\"a\\u0000b \\\\u0000\"}}");
    j = recv_msg(s);
    CHECK_EQ(json_integer_value(json_object_get(j, "id")), 3);
    const char *html = json_string_value(json_object_get(json_object_get(j, "result"), "html"));
    CHECK(html && !strcmp(html, "<p>a\xef\xbf\xbd" "b \\u0000</p>\n")); /* the text after it kept; an escaped backslash is not an escape */
    json_decref(j);
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":12345678901234567890,\"method\":\"shutdown\"}");
    CHECK_EQ(error_code(j = recv_msg(s)), -32600);
    json_decref(j);
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"shutdown\"}"); /* no finite number */
    CHECK_EQ(error_code(j = recv_msg(s)), -32600);
    json_decref(j);
    /* 2^53 + 1 reads as the double 2^53: no id from 2^53 on can be told
     * from its neighbour, so the largest is 2^53 - 1, JavaScript's
     * Number.MAX_SAFE_INTEGER (a 64-bit client would otherwise get its
     * answer under another id). */
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"method\":\"shutdown\"}");
    CHECK_EQ(error_code(j = recv_msg(s)), -32600);
    json_decref(j);
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":-9007199254740992,\"method\":\"shutdown\"}");
    CHECK_EQ(error_code(j = recv_msg(s)), -32600);
    json_decref(j);
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":9007199254740991,\"method\":\"cancel\",\"params\":{\"id\":\"\\u0061\"}}");
    j = recv_msg(s);
    CHECK_EQ(json_integer_value(json_object_get(j, "id")), 9007199254740991LL);
    CHECK(json_is_false(json_object_get(json_object_get(j, "result"), "cancelled")));
    json_decref(j);
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"transform\",\"params\":{\"content\":\"x\"");
    CHECK_EQ(error_code(j = recv_msg(s)), -32700);
    CHECK(strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")), "column 68: invalid JSON near") != NULL);
    json_decref(j);
    /* Nesting: 1,000 levels are read (a line 666 deep used to overflow
     * the reader's stack and kill the sidecar); 1,001 are a -32700 with
     * the id; brackets in strings do not count. */
    for (int depth = 1000; depth <= 1001; depth++) {
        size_t k = (size_t)depth - 2, at = 0;
        char *deep = malloc(2 * k + 200);
        at += (size_t)sprintf(deep, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"transform\",\"params\":{\"content\":\"[[[[\",\"x\":", depth);
        memset(deep + at, '[', k), at += k;
        memset(deep + at, ']', k), at += k;
        strcpy(deep + at, "}}");
        send_line(s, deep);
        free(deep);
        j = recv_msg(s);
        CHECK_EQ(json_integer_value(json_object_get(j, "id")), depth);
        if (depth == 1000)
            CHECK(json_object_get(j, "result") != NULL);
        else
            CHECK(error_code(j) == -32700 &&
                  strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")), "nested deeper than 1000"));
        json_decref(j);
    }
    char many[2 * 3000 + 1];
    memset(many, '[', 3000), memset(many + 3000, ']', 3000), many[6000] = 0;
    send_line(s, many);
    CHECK_EQ(error_code(j = recv_msg(s)), -32700);
    CHECK(json_is_null(json_object_get(j, "id")));
    json_decref(j);
    CHECK_EQ(srv_stop(s), 0);
}

/* --stats: at exit the sidecar prints libsluice's metrics, with one
 * render latency per page rendered. */
SL_TEST(rpc_stats_print_per_page_latency_at_exit)
{
    char path[] = "/tmp/sl-md-stats-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    CHECK(dup2(fd, 2) == 2);
    srv *s = srv_start_stats(2, 0, 0, 1);
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"transformBatch\",\"params\":{\"files\":[{\"content\":\"# a\"},{\"content\":\"b\"},{\"content\":5}]}}");
    json_t *j = recv_msg(s);
    CHECK_EQ(json_array_size(json_object_get(json_object_get(j, "result"), "results")), 3);
    json_decref(j);
    CHECK_EQ(srv_stop(s), 0);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    FILE *f = fopen(path, "r");
    char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    close(fd);
    unlink(path);
    json_t *m = json_loads(strchr(text, '{'), JSON_DISABLE_EOF_CHECK, NULL);
    CHECK(json_is_object(m));
    json_t *st = json_object_get(m, "stages");
    int seen = 0;
    for (size_t i = 0; i < json_array_size(st); i++) {
        json_t *g = json_array_get(st, i);
        if (!strcmp(json_string_value(json_object_get(g, "name")), "render")) {
            CHECK_EQ(json_integer_value(json_object_get(g, "items")), 3); /* the bad page's error too */
            CHECK_EQ(json_integer_value(json_object_get(json_object_get(g, "wait"), "count")), 3);
            seen = 1;
        }
    }
    CHECK(seen);
    json_decref(m);
}

SL_TEST(rpc_batch_results_keep_request_order_and_page_errors)
{
    srv *s = srv_start(3, 0, 0);
    sl__md_buf b = batch_line("b1", 40, 3000);
    /* Make page 7 bad: its content is a number. */
    char *p7 = strstr(b.data, "{\"file\":\"p7.md\"");
    memcpy(strstr(p7, "\"content\":\"") + 10, "1,\"x\":\"", 7);
    sender *x = send_async(s, b);
    json_t *r = recv_reply(s);
    send_join(x);
    CHECK(!strcmp(id_str(r), "b1"));
    json_t *res = json_object_get(json_object_get(r, "result"), "results");
    CHECK_EQ(json_array_size(res), 40);
    for (size_t i = 0; i < 40; i++) {
        json_t *p = json_array_get(res, i);
        char want[32];
        snprintf(want, sizeof want, "p%zu.md", i);
        CHECK(!strcmp(json_string_value(json_object_get(p, "file")), want));
        if (i == 7)
            CHECK_EQ(error_code(p), -32602);
        else
            CHECK(json_object_get(p, "html") != NULL);
    }
    json_decref(r);
    CHECK_EQ(srv_stop(s), 0);
}

SL_TEST(rpc_small_transform_is_not_stuck_behind_a_big_batch)
{
    srv *s = srv_start(1, 0, 0);
    sender *x = send_async(s, batch_line("big", 300, 10000));
    send_join(x);
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":\"small\",\"method\":\"transform\",\"params\":{\"content\":\"hi\"}}");
    json_t *first = recv_reply(s), *second = recv_reply(s);
    CHECK(!strcmp(id_str(first), "small"));
    CHECK(!strcmp(id_str(second), "big"));
    json_decref(first);
    json_decref(second);
    CHECK_EQ(srv_stop(s), 0);
}

SL_TEST(rpc_progress_notes_come_at_most_every_50ms)
{
    /* Any batch that outlasts a few notes pins the rate: 600 pages in
     * release, 76 under the sanitizers (still seconds of rendering there). */
    size_t pages = SL_TEST_SCALE(600);
    srv *s = srv_start(1, 0, 0);
    sender *x = send_async(s, batch_line("p", pages, 10000));
    int notes = 0;
    size_t last_done = 0;
    int64_t start = sl_now(), prev = 0, min_gap = INT64_MAX;
    json_t *j;
    while ((j = recv_msg(s)) && json_object_get(j, "method")) {
        json_t *p = json_object_get(j, "params");
        CHECK(!strcmp(json_string_value(json_object_get(j, "method")), "progress"));
        CHECK(!strcmp(json_string_value(json_object_get(p, "batchId")), "p"));
        CHECK_EQ(json_integer_value(json_object_get(p, "total")), (json_int_t)pages);
        size_t done = (size_t)json_integer_value(json_object_get(p, "completed"));
        CHECK(done > last_done && done < pages);
        CHECK(json_is_string(json_object_get(p, "currentFile")));
        last_done = done;
        int64_t now = sl_now();
        if (notes++ && now - prev < min_gap)
            min_gap = now - prev;
        prev = now;
        json_decref(j);
    }
    int64_t elapsed = sl_now() - start;
    send_join(x);
    CHECK(j && !strcmp(id_str(j), "p"));
    json_decref(j);
    /* Received gaps can shrink by scheduling jitter; the count cannot lie. */
    CHECK(notes >= 1 || elapsed < 100 * 1000 * 1000);
    CHECK(notes <= elapsed / (50 * 1000 * 1000) + 1);
    CHECK_EQ(srv_stop(s), 0);
}

SL_TEST(rpc_cancel_stops_a_running_batch)
{
    srv *s = srv_start(1, 0, 0);
    sender *x = send_async(s, batch_line("c", 1000, 10000));
    send_join(x);
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":\"k\",\"method\":\"cancel\",\"params\":{\"id\":\"c\"}}");
    json_t *a = recv_reply(s), *b = recv_reply(s);
    json_t *cancel_reply = !strcmp(id_str(a), "k") ? a : b, *batch = a == cancel_reply ? b : a;
    CHECK(json_is_true(json_object_get(json_object_get(cancel_reply, "result"), "cancelled")));
    CHECK(!strcmp(id_str(batch), "c"));
    CHECK_EQ(error_code(batch), -32800);
    json_decref(a);
    json_decref(b);
    CHECK_EQ(srv_stop(s), 0);
}

/* `cancel` says `cancelled: true` exactly when the request it names is
 * answered with -32800: a request already answered, or whose answer is
 * being written, is not cancelled.  Each round sends a small transform
 * and, 0-99 us later, a cancel of it, so the cancel lands before, during
 * and after the transform's answer; then cancels the answered one again. */
SL_TEST(rpc_cancel_reports_whether_the_answer_was_cancelled)
{
    srv *s = srv_start(2, 0, 0);
    size_t rounds = SL_TEST_SCALE(2000), agreed = 0, cancelled = 0;
    for (size_t i = 0; i < rounds; i++) {
        char line[256];
        snprintf(line, sizeof line,
                 "{\"jsonrpc\":\"2.0\",\"id\":\"t%zu\",\"method\":\"transform\",\"params\":{\"content\":\"# x\"}}", i);
        send_line(s, line);
        /* 0-99 us later: before, while and after the transform is answered. */
        for (int64_t until = sl_now() + (int64_t)(i % 100) * 1000; sl_now() < until;)
            ;
        snprintf(line, sizeof line, "{\"jsonrpc\":\"2.0\",\"id\":\"k%zu\",\"method\":\"cancel\",\"params\":{\"id\":\"t%zu\"}}",
                 i, i);
        send_line(s, line);
        json_t *a = recv_reply(s), *b = recv_reply(s);
        json_t *k = id_str(a)[0] == 'k' ? a : b, *t = k == a ? b : a;
        int said = json_is_true(json_object_get(json_object_get(k, "result"), "cancelled"));
        int was = error_code(t) == -32800;
        agreed += said == was;
        cancelled += was;
        if (said != was)
            fprintf(stderr, "round %zu: cancel says %d, the transform's answer was%s cancelled\n", i, said,
                    was ? "" : " not");
        json_decref(a);
        json_decref(b);
        snprintf(line, sizeof line, "{\"jsonrpc\":\"2.0\",\"id\":\"a%zu\",\"method\":\"cancel\",\"params\":{\"id\":\"t%zu\"}}", i, i);
        send_line(s, line);
        json_t *again = recv_reply(s);
        CHECK(json_is_false(json_object_get(json_object_get(again, "result"), "cancelled")));
        json_decref(again);
    }
    fprintf(stderr, "%zu rounds: %zu cancelled in time, cancel's answer agreed %zu times\n", rounds, cancelled, agreed);
    CHECK_EQ(agreed, rounds);
    CHECK_EQ(srv_stop(s), 0);
}

SL_TEST(rpc_overlong_line_is_skipped_with_an_error)
{
    srv *s = srv_start(2, 64 * 1024, 0);
    sl__md_buf b = {0};
    sl__md_buf_puts(&b, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"transform\",\"params\":{\"content\":\"");
    while (b.len < (5u << 20))
        sl__md_buf_puts(&b, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    sl__md_buf_puts(&b, "\"}}\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"transform\",\"params\":{\"content\":\"ok\"}}\n");
    sender *x = send_async(s, b);
    json_t *e = recv_msg(s), *r = recv_msg(s);
    send_join(x);
    CHECK_EQ(error_code(e), -32600);
    CHECK(strstr(json_string_value(json_object_get(json_object_get(e, "error"), "message")), "longer than"));
    CHECK_EQ(json_integer_value(json_object_get(e, "id")), 1); /* read from before the limit */
    CHECK_EQ(json_integer_value(json_object_get(r, "id")), 2);
    json_decref(e);
    json_decref(r);
    /* An id that comes after the limit cannot be known: null. */
    b = (sl__md_buf){0};
    sl__md_buf_puts(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"transform\",\"params\":{\"content\":\"");
    while (b.len < (1u << 20))
        sl__md_buf_puts(&b, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    sl__md_buf_puts(&b, "\"},\"id\":\"late\"}\n");
    x = send_async(s, b);
    e = recv_msg(s);
    send_join(x);
    CHECK_EQ(error_code(e), -32600);
    CHECK(json_is_null(json_object_get(e, "id")));
    json_decref(e);
    CHECK_EQ(srv_stop(s), 0);
}

/* A lone surrogate escape is valid JSON (JSON.stringify writes one when a
 * string is cut inside an emoji): it is U+FFFD, and the request is
 * answered under its id; in a batch it touches only its own page.  A
 * real pair stays the character it encodes. */
SL_TEST(rpc_lone_surrogates_are_replacement_characters)
{
    srv *s = srv_start(2, 0, 0);
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"transform\",\"params\":"
                 "{\"content\":\"lone \\ud800 low \\uDC00 pair \\ud83d\\ude00 end \\ud83d\"}}");
    json_t *j = recv_msg(s);
    CHECK_EQ(json_integer_value(json_object_get(j, "id")), 2);
    const char *html = json_string_value(json_object_get(json_object_get(j, "result"), "html"));
    CHECK(html && !strcmp(html, "<p>lone \xef\xbf\xbd low \xef\xbf\xbd pair \xf0\x9f\x98\x80 end \xef\xbf\xbd</p>\n"));
    json_decref(j);
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"transformBatch\",\"params\":{\"files\":["
                 "{\"file\":\"a.md\",\"content\":\"*a*\"},{\"file\":\"b\\ud800.md\",\"content\":\"x\\udbff\"},"
                 "{\"file\":\"c.md\",\"content\":5}]}}");
    j = recv_reply(s);
    CHECK(!strcmp(id_str(j), "b")); /* (an id holding one: rpc_ids_come_back_as_the_request_wrote_them) */
    json_t *res = json_object_get(json_object_get(j, "result"), "results");
    CHECK_EQ(json_array_size(res), 3);
    CHECK(!strcmp(json_string_value(json_object_get(json_array_get(res, 0), "html")), "<p><em>a</em></p>\n"));
    CHECK(!strcmp(json_string_value(json_object_get(json_array_get(res, 1), "file")), "b\xef\xbf\xbd.md"));
    CHECK(!strcmp(json_string_value(json_object_get(json_array_get(res, 1), "html")), "<p>x\xef\xbf\xbd</p>\n"));
    CHECK_EQ(error_code(json_array_get(res, 2)), -32602);
    json_decref(j);
    CHECK_EQ(srv_stop(s), 0);
}

/* 1 if line holds `"id":` followed by want. */
static int id_is(const char *line, const char *want)
{
    char key[128];
    snprintf(key, sizeof key, "\"id\":%s,", want);
    if (!strstr(line, key))
        fprintf(stderr, "no %s in %s\n", key, line);
    return strstr(line, key) != NULL;
}

/* A string id holding \u0000 or a lone surrogate comes back as the
 * request wrote it (it came back with U+FFFD in its place, and a client
 * holding the string JSON.parse gave it matched no call: advmd F6), in a
 * batch array and in the answer to a line nested too deep too; a
 * fractional id comes back as the same number (it was refused: the
 * client's call never settled). */
SL_TEST(rpc_ids_come_back_as_the_request_wrote_them)
{
    srv *s = srv_start(1, 0, 0);
    static const char *const ids[] = {"\"a\\u0000b\"", "\"\\ud800x\"", "\"\\uDC00\\u0000\\ud83d\\ude00\"",
                                      "\"q\\\\u0000\\u0000\"", "1.5", "0.1", "-2.5e-07", "3"};
    for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
        char line[256];
        snprintf(line, sizeof line, "{\"jsonrpc\":\"2.0\",\"id\" : %s,\"method\":\"transform\",\"params\":{\"content\":\"a\"}}",
                 ids[k]);
        send_line(s, line);
        char *got = recv_raw(s);
        CHECK(got && id_is(got, ids[k]) && strstr(got, "\"result\""));
        free(got);
    }
    /* a batch array: each element's own id, the last "id" of each */
    send_line(s, "[{\"jsonrpc\":\"2.0\",\"id\":\"x\\u0000\",\"method\":\"transform\",\"params\":{\"content\":\"a\"}},"
                 "{\"jsonrpc\":\"2.0\",\"id\":\"no\",\"id\":\"y\\udc00\",\"method\":\"transform\",\"params\":{\"id\":\"z\\u0000\",\"content\":\"b\"}},"
                 "{\"jsonrpc\":\"2.0\",\"id\":\"w\\u0000\",\"method\":\"nope\"}]");
    char *got = recv_raw(s);
    CHECK(got && id_is(got, "\"x\\u0000\"") && id_is(got, "\"y\\udc00\"") && id_is(got, "\"w\\u0000\""));
    CHECK(!strstr(got, "\\ufffd") && !strstr(got, "\xef\xbf\xbd") && !strstr(got, "\"no\""));
    free(got);
    /* nested too deep: answered with the id written before the point */
    sl__md_buf deep = {0};
    sl__md_buf_puts(&deep, "{\"jsonrpc\":\"2.0\",\"id\":\"d\\ud800\",\"method\":\"transform\",\"params\":{\"x\":");
    for (int i = 0; i < 1001; i++)
        sl__md_buf_putc(&deep, '[');
    sl__md_buf_putc(&deep, 0);
    send_line(s, deep.data);
    sl__md_buf_free(&deep);
    got = recv_raw(s);
    CHECK(got && id_is(got, "\"d\\ud800\"") && strstr(got, "-32700"));
    free(got);
    /* cancel naming such an id (compared by value, U+FFFD in its place) */
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"cancel\",\"params\":{\"id\":\"a\\u0000b\"}}");
    json_t *j = recv_reply(s);
    CHECK_EQ(json_integer_value(json_object_get(j, "id")), 9);
    CHECK(json_is_false(json_object_get(json_object_get(j, "result"), "cancelled"))); /* (that one has finished) */
    json_decref(j);
    CHECK_EQ(srv_stop(s), 0);
}

typedef struct streamer {
    int fd;
    size_t bytes;
} streamer;

/* Streams one request line of `bytes` bytes, then a good request. */
static void *stream_main(void *arg)
{
    streamer *st = arg;
    static char chunk[1 << 16];
    memset(chunk, 'a', sizeof chunk);
    const char *head = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"transform\",\"params\":{\"content\":\"";
    write_all(st->fd, head, strlen(head));
    for (size_t sent = 0; sent < st->bytes; sent += sizeof chunk)
        write_all(st->fd, chunk, sizeof chunk);
    const char *tail = "\"}}\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"transform\",\"params\":{\"content\":\"ok\"}}\n";
    write_all(st->fd, tail, strlen(tail));
    return NULL;
}

SL_TEST(rpc_gigabyte_line_is_skipped_in_bounded_memory)
{
    srv *s = srv_start(2, 0, 0);
    streamer st = {s->to_srv, (size_t)1 << 30};
    pthread_t t;
    int64_t t0 = sl_now();
    pthread_create(&t, NULL, stream_main, &st);
    json_t *e = recv_msg(s), *r = recv_msg(s);
    pthread_join(t, NULL);
    CHECK_EQ(error_code(e), -32600);
    CHECK_EQ(json_integer_value(json_object_get(r, "id")), 2);
    json_decref(e);
    json_decref(r);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(stderr, "1 GiB line skipped in %.2f s, peak RSS %ld MiB\n", (sl_now() - t0) / 1e9, ru.ru_maxrss / 1024);
    CHECK(ru.ru_maxrss < 300 * 1024); /* KiB: the line is never held whole */
    CHECK_EQ(srv_stop(s), 0);
}

SL_TEST(rpc_client_disconnect_mid_batch_stops_the_server)
{
    srv *s = srv_start(1, 0, 0);
    sender *x = send_async(s, batch_line("gone", 1500, 10000));
    json_t *j = recv_msg(s); /* the first progress note: the batch runs */
    CHECK(j && json_object_get(j, "method"));
    json_decref(j);
    close(s->from_srv); /* the client goes away */
    send_join(x);
    close(s->to_srv);
    int64_t deadline = sl_now() + (int64_t)20e9;
    while (!atomic_load(&s->done) && sl_now() < deadline)
        usleep(1000);
    CHECK(atomic_load(&s->done));
    pthread_join(s->thread, NULL);
    free(s->buf);
    free(s);
}

SL_TEST(rpc_backpressure_stops_reading_while_the_queue_is_full)
{
    srv *s = srv_start(1, 0, 1 << 20);
    sender *x = send_async(s, batch_line("full", 600, 10000)); /* ~6 MB */
    send_join(x);
    /* The reader is now blocked until the queue drains below 1 MiB: what
     * the client can still push is only what the pipe buffers. */
    int fl = fcntl(s->to_srv, F_GETFL);
    fcntl(s->to_srv, F_SETFL, fl | O_NONBLOCK);
    const char *req = "{\"jsonrpc\":\"2.0\",\"method\":\"transform\",\"params\":{\"content\":\"x\"}}\n";
    size_t accepted = 0;
    int64_t until = sl_now() + 10 * 1000 * 1000;
    while (sl_now() < until) {
        ssize_t w = write(s->to_srv, req, strlen(req));
        if (w > 0)
            accepted += (size_t)w;
        else
            usleep(100);
    }
    fcntl(s->to_srv, F_SETFL, fl);
    json_t *r = recv_reply(s);
    CHECK(!strcmp(id_str(r), "full"));
    json_decref(r);
    fprintf(stderr, "accepted %zu bytes while the queue was full\n", accepted);
    CHECK(accepted < (1u << 20));
    CHECK_EQ(srv_stop(s), 0);
}

SL_TEST(rpc_shutdown_answers_after_in_flight_requests)
{
    srv *s = srv_start(2, 0, 0);
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"transform\",\"params\":{\"file\":\"f\",\"content\":\"---\\na: [1, 2]\\n---\\n# X\"}}");
    send_line(s, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"shutdown\"}");
    json_t *a = recv_msg(s), *b = recv_msg(s);
    CHECK_EQ(json_integer_value(json_object_get(a, "id")), 1);
    json_t *fm = json_object_get(json_object_get(a, "result"), "frontmatter");
    CHECK_EQ(json_array_size(json_object_get(fm, "a")), 2);
    CHECK_EQ(json_integer_value(json_object_get(b, "id")), 2);
    CHECK(json_is_null(json_object_get(b, "result")) && json_object_get(b, "result"));
    json_decref(a);
    json_decref(b);
    json_t *end = recv_msg(s);
    CHECK(end == NULL); /* the server closed its output */
    CHECK_EQ(srv_stop(s), 0);
}
