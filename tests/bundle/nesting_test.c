/*
 * nesting_test.c - the parser's nesting limit: every shape of nesting is
 * accepted at exactly JS_MAX_NESTING levels and refused one level past it
 * with "nesting too deep" at the token that went too deep, on a thread
 * with the stack js_parser.h promises (run under ASan too, where frames
 * are largest).  Flat shapes of any length are not nesting.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "js_parser.h"

/* A shape: head, then `open` k times, `mid`, `close` k times, then tail.
 * `levels` k gives base + per * k counted levels. */
typedef struct shape {
    const char *head, *open, *mid, *close, *tail;
    int base, per;
} shape;

static char *build(const shape *s, size_t k)
{
    size_t n = strlen(s->head) + k * (strlen(s->open) + strlen(s->close)) + strlen(s->mid) + strlen(s->tail) + 1;
    char *b = malloc(n), *o = b;
    o = stpcpy(o, s->head);
    for (size_t i = 0; i < k; i++)
        o = stpcpy(o, s->open);
    o = stpcpy(o, s->mid);
    for (size_t i = 0; i < k; i++)
        o = stpcpy(o, s->close);
    stpcpy(o, s->tail);
    return b;
}

typedef struct job {
    const char *src;
    int rc;
    char err[512];
} job;

static void *parse_thread(void *arg)
{
    job *j = arg;
    js_parse_scratch *s = sl__js_scratch_new();
    sl__arena a;
    sl__arena_init(&a);
    js_parse_opts o = {NULL, 0, JS_META_KEEP};
    js_module m = {.path = "deep.js", .src = j->src, .len = strlen(j->src)};
    j->rc = sl__js_parse(&m, &o, &a, s, j->err, sizeof j->err);
    sl__arena_free(&a);
    sl__js_scratch_free(s);
    return NULL;
}

static int parse_deep(const char *src, char *err)
{
    job j = {.src = src};
    pthread_t t;
    CHECK(sl__js_thread_start(&t, parse_thread, &j) == 0);
    pthread_join(t, NULL);
    strcpy(err, j.err);
    return j.rc;
}

/* k repetitions reach exactly `levels` */
static size_t reps_for(const shape *s, int levels) { return (size_t)((levels - s->base) / s->per); }

static void at_limit_and_past(const shape *s)
{
    char err[512];
    size_t k = reps_for(s, JS_MAX_NESTING);
    CHECK_EQ(s->base + s->per * (long)k, JS_MAX_NESTING);
    char *src = build(s, k);
    int rc = parse_deep(src, err);
    if (rc)
        fprintf(stderr, "at the limit: %s\n", err);
    CHECK_EQ(rc, 0);
    free(src);
    src = build(s, k + 1);
    CHECK_EQ(parse_deep(src, err), -1);
    CHECK(strstr(err, "deep.js:1:") && strstr(err, ": nesting too deep"));
    free(src);
}

static const shape parens = {"x = ", "(", "x", ")", ";\n", 2, 1};
static const shape arrays = {"x = ", "[", "x", "]", ";\n", 2, 1};
static const shape objects = {"x = ", "{a: ", "x", "}", ";\n", 2, 1};
static const shape calls = {"x = ", "f(", "x", ")", ";\n", 2, 1};
static const shape computed = {"x = ", "{[", "x", "]: 1}", ";\n", 2, 1};
static const shape templates = {"x = ", "`${", "x", "}`", ";\n", 2, 1};
static const shape unary = {"x = ", "!", "x", "", ";\n", 2, 1};
static const shape arrows = {"x = ", "a => ", "a", "", ";\n", 2, 1};
static const shape conditionals = {"x = ", "a ? ", "b", " : c", ";\n", 2, 1};
static const shape classes = {"x = ", "class extends ", "Object", " {}", ";\n", 2, 1};
static const shape functions = {"x = ", "function () { return ", "1", " }", ";\n", 2, 2};
static const shape methods = {"x = ", "{ m() { return ", "1", " } }", ";\n", 2, 2};
static const shape blocks = {"", "{", "", "}", "\n", 0, 1};
static const shape ifs = {"", "if (x) ", ";", "", "\n", 1, 1};
static const shape patterns = {"let ", "[", "a", "]", " = x;\n", 2, 1};

SL_TEST(parse_nesting_parens_brackets_and_calls_limited)
{
    at_limit_and_past(&parens);
    at_limit_and_past(&arrays);
    at_limit_and_past(&objects);
    at_limit_and_past(&calls);
    at_limit_and_past(&computed);
    at_limit_and_past(&templates);
}

SL_TEST(parse_nesting_operators_and_functions_limited)
{
    at_limit_and_past(&unary);
    at_limit_and_past(&arrows);
    at_limit_and_past(&conditionals);
    at_limit_and_past(&classes);
    at_limit_and_past(&functions);
    at_limit_and_past(&methods);
}

SL_TEST(parse_nesting_statements_and_patterns_limited)
{
    at_limit_and_past(&blocks);
    at_limit_and_past(&ifs);
    at_limit_and_past(&patterns);
}

/* Long chains that the parser loops over are not nesting. */
SL_TEST(parse_flat_chains_are_not_nesting)
{
    char err[512];
    static const shape flat[] = {
        {"x = ", "a + ", "a", "", ";\n", 0, 1},
        {"x = a", ".b", "", "", ";\n", 0, 1},
        {"x = f", "(1)", "", "", ";\n", 0, 1},
        {"", "x;\n", "", "", "", 0, 1},
    };
    for (size_t i = 0; i < sizeof flat / sizeof flat[0]; i++) {
        char *src = build(&flat[i], 5 * JS_MAX_NESTING);
        CHECK_EQ(parse_deep(src, err), 0);
        free(src);
    }
}
