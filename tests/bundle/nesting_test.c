/*
 * nesting_test.c - the bundler's nesting limit: every shape of nesting
 * parses at the deepest repetition JS_MAX_NESTING levels allow (as
 * tools/js counts them) and is refused one repetition past it with
 * "nesting too deep", on a thread with the stack js_record.h promises
 * (run under ASan too, where frames are largest).  Long statement lists
 * are not nesting.
 *
 * Each shape's deepest repetition is a constant worked out from how many
 * levels one repetition costs, so a change in the counting fails here
 * (two parses a shape: the limit and one past it).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "js_record.h"

/* A shape: head, then `open` k times, `mid`, `close` k times, then tail. */
typedef struct shape {
    const char *head, *open, *mid, *close, *tail;
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
    sl__arena a;
    sl__arena_init(&a);
    js_parse_opts o = {NULL, 0, JS_META_KEEP, 1, 0};
    js_module m = {.path = "deep.js", .src = j->src, .len = strlen(j->src)};
    j->rc = sl__js_record(&m, &o, &a, NULL, j->err, sizeof j->err);
    sl__arena_free(&a);
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

static int parses(const shape *s, size_t k, char *err)
{
    char *src = build(s, k);
    int rc = parse_deep(src, err);
    free(src);
    return rc == 0;
}

/* A shape's deepest repetition k parses; k + 1 is refused, at the
 * file's first line. */
static void deepest_is(const shape *s, size_t k)
{
    char err[512];
    CHECK(parses(s, k, err));
    CHECK(!parses(s, k + 1, err));
    CHECK(strstr(err, "deep.js:1:") && strstr(err, ": nesting too deep"));
}

/* One level a repetition, and three for the `x = ...;` around the first
 * (9,997 repetitions). */
#define ONE_LEVEL (JS_MAX_NESTING - 3)

static const shape parens = {"x = ", "(", "x", ")", ";\n"};
static const shape arrays = {"x = ", "[", "x", "]", ";\n"};
static const shape objects = {"x = ", "{a: ", "x", "}", ";\n"};
static const shape calls = {"x = ", "f(", "x", ")", ";\n"};
static const shape computed = {"x = ", "{[", "x", "]: 1}", ";\n"};
static const shape templates = {"x = ", "`${", "x", "}`", ";\n"};
static const shape unary = {"x = ", "!", "x", "", ";\n"};
static const shape arrows = {"x = ", "a => ", "a", "", ";\n"};
static const shape conditionals = {"x = ", "a ? ", "b", " : c", ";\n"};
static const shape classes = {"x = ", "class extends ", "Object", " {}", ";\n"};
static const shape functions = {"x = ", "function () { return ", "1", " }", ";\n"};
static const shape methods = {"x = ", "{ m() { return ", "1", " } }", ";\n"};
static const shape blocks = {"", "{", "", "}", "\n"};
static const shape ifs = {"", "if (x) ", ";", "", "\n"};
static const shape patterns = {"let ", "[", "a", "]", " = x;\n"};

SL_TEST(parse_nesting_parens_brackets_and_calls_limited)
{
    /* one level a parenthesis: the bundler's limit, past tools/js's own 4,096 */
    deepest_is(&parens, ONE_LEVEL);
    deepest_is(&arrays, ONE_LEVEL);
    deepest_is(&objects, ONE_LEVEL);
    deepest_is(&calls, ONE_LEVEL);
    deepest_is(&computed, ONE_LEVEL);
    deepest_is(&templates, ONE_LEVEL);
}

SL_TEST(parse_nesting_operators_and_functions_limited)
{
    deepest_is(&unary, ONE_LEVEL);
    deepest_is(&arrows, ONE_LEVEL);
    deepest_is(&conditionals, ONE_LEVEL);
    deepest_is(&classes, ONE_LEVEL);
    /* two levels a repetition, four around (4,998) */
    deepest_is(&functions, (JS_MAX_NESTING - 4) / 2);
    deepest_is(&methods, (JS_MAX_NESTING - 4) / 2);
}

SL_TEST(parse_nesting_statements_and_patterns_limited)
{
    deepest_is(&blocks, JS_MAX_NESTING);  /* one level a block, none around */
    deepest_is(&ifs, JS_MAX_NESTING - 1); /* one a repetition, one around */
    deepest_is(&patterns, JS_MAX_NESTING - 1);
}

/* A long list of statements is not nesting. */
SL_TEST(parse_flat_statement_lists_are_not_nesting)
{
    char err[512];
    static const shape flat = {"", "x;\n", "", "", ""};
    CHECK(parses(&flat, 5 * JS_MAX_NESTING, err));
}
