/*
 * nesting_test.c - the bundler's nesting limit: every shape of nesting
 * parses up to JS_MAX_NESTING levels (as tools/js counts them) and is
 * refused one repetition past its deepest with "nesting too deep", on a
 * thread with the stack js_record.h promises (run under ASan too, where
 * frames are largest).  Long statement lists are not nesting.
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
    js_parse_opts o = {NULL, 0, JS_META_KEEP};
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

/* The deepest repetition that parses; one more is refused, at the file's
 * first line.  Every repetition here costs 1 to 5 levels, so the deepest
 * is at least a fifth of the limit. */
static size_t deepest(const shape *s)
{
    char err[512];
    size_t lo = 1, hi = JS_MAX_NESTING + 1; /* lo parses, hi does not */
    CHECK(parses(s, lo, err));
    CHECK(!parses(s, hi, err));
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (parses(s, mid, err))
            lo = mid;
        else
            hi = mid;
    }
    CHECK(!parses(s, lo + 1, err));
    CHECK(strstr(err, "deep.js:1:") && strstr(err, ": nesting too deep"));
    CHECK(lo * 5 >= JS_MAX_NESTING - 16);
    return lo;
}

static void at_limit_and_past(const shape *s) { (void)deepest(s); }

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
    CHECK(deepest(&parens) > 4096);
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

/* A long list of statements is not nesting. */
SL_TEST(parse_flat_statement_lists_are_not_nesting)
{
    char err[512];
    static const shape flat = {"", "x;\n", "", "", ""};
    CHECK(parses(&flat, 5 * JS_MAX_NESTING, err));
}
