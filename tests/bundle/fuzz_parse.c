/*
 * fuzz_parse.c - libFuzzer target over what makes a module's record:
 * tools/js's parser and scopes, and the record's walk (js_record.c).
 *
 * Any byte string must either parse or fail with a message; never crash,
 * read out of bounds or leak.  The input is parsed twice, with --define
 * on (dead-branch folding), the second time replacing import.meta as
 * for node CommonJS output.  An input
 * long enough to nest deeper than libFuzzer's own thread can hold is
 * parsed on a thread with the stack the parser's nesting limit needs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "js_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct input {
    const uint8_t *data;
    size_t size;
} input;

static void *parse_twice(void *arg)
{
    const uint8_t *data = ((input *)arg)->data;
    size_t size = ((input *)arg)->size;
    char *src = malloc(size + 1);
    memcpy(src, data, size);
    src[size] = 0;
    sl__arena a;
    sl__arena_init(&a);
    const char *parts[] = {"process", "env", "NODE_ENV"};
    js_define d = {parts, 3, "\"production\""};
    js_parse_opts o = {&d, 1, JS_META_KEEP, 1, 0};
    for (int round = 0; round < 2; round++) {
        o.import_meta = round ? JS_META_NODE_CJS : JS_META_KEEP; /* the second parse replaces import.meta */
        o.cjs_out = round; /* and renames exports and module (--format cjs) */
        js_module m = {.path = "fuzz.js", .src = src, .len = size};
        char err[512];
        if (sl__js_record(&m, &o, &a, NULL, err, sizeof err) == 0) {
            for (size_t i = 0; i < m.noccs; i++)
                if (m.occs[i].pos + m.occs[i].len > size || m.occs[i].sym >= m.nsyms)
                    abort();
            for (size_t i = 0; i < m.nstmts; i++)
                if (m.stmts[i].start > m.stmts[i].end || m.stmts[i].end > size)
                    abort();
            for (size_t i = 0; i < m.npatches; i++) /* the printer splices them in order */
                if (m.patches[i].pos > m.patches[i].end || m.patches[i].end > size ||
                    (i && m.patches[i].pos < m.patches[i - 1].end))
                    abort();
            for (size_t i = 0, k = 0; i < m.nrenames; i++) { /* spliced with the patches: none overlaps another */
                const js_rename *r = &m.renames[i];
                if (r->pos >= r->end || r->end > size || (i && r->pos < m.renames[i - 1].end) || !m.cjs_names[r->module])
                    abort();
                while (k < m.npatches && m.patches[k].end <= r->pos)
                    k++;
                if (k < m.npatches && m.patches[k].pos < r->end)
                    abort();
            }
        }
    }
    sl__arena_free(&a);
    free(src);
    return NULL;
}

/* A level of nesting takes at least one token, and no token opens more
 * than two levels: fewer than 1,000 bytes nest under 2,000 levels, under
 * 2 MB of stack even under ASan (tools/js: 4,096 levels in 4 MiB).  Such
 * inputs parse on the calling thread, without the cost of starting one. */
#define SMALL_INPUT 1000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in = {data, size};
    if (size < SMALL_INPUT) {
        parse_twice(&in);
        return 0;
    }
    pthread_t t;
    if (sl__js_thread_start(&t, parse_twice, &in))
        abort();
    pthread_join(t, NULL);
    return 0;
}
