/*
 * gfm_limits_test.c - tools/md/gfm's limits on what a page can make its
 * HTML grow to: link references expand to at most the page's size or
 * 100,000 bytes, a table's short rows get at most 0x80000 empty cells
 * (both cmark-gfm's, as GitHub runs it), a page's tables together twice
 * that - and no line of the page is lost where a limit stops a table.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "gfm.h"

typedef struct text {
    char *s;
    size_t n, cap;
} text;

static void put(text *t, const char *s)
{
    size_t n = strlen(s);
    if (t->n + n + 1 > t->cap) {
        t->cap = 2 * (t->n + n + 1);
        t->s = realloc(t->s, t->cap);
        if (!t->s)
            abort();
    }
    memcpy(t->s + t->n, s, n + 1);
    t->n += n;
}

static size_t count(const char *s, size_t n, const char *what)
{
    size_t k = 0, w = strlen(what);
    for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), what, w)); p += w)
        k++;
    return k;
}

/* a table of `cols` columns and `rows` one-cell rows */
static void table(text *t, int cols, int rows)
{
    put(t, "|");
    for (int i = 0; i < cols; i++)
        put(t, "a|");
    put(t, "\n|");
    for (int i = 0; i < cols; i++)
        put(t, "-|");
    put(t, "\n");
    for (int i = 0; i < rows; i++)
        put(t, "x\n");
}

SL_TEST(md_gfm_table_rows_stop_at_cmark_gfms_autocompleted_cell_limit_and_keep_their_lines)
{
    sl_gfm *g = sl_gfm_new();
    text t = {0};
    /* 1,025 columns: each one-cell row adds 1,024 empty cells; after 512
     * rows the table holds exactly 0x80000, which still admits the 513th;
     * the 514th line on is a paragraph */
    table(&t, 1025, 520);
    put(&t, "\nafter\n");
    size_t n;
    const char *h = sl_gfm_render(g, t.s, t.n, SL_GFM_GITHUB, &n);
    CHECK(h != NULL);
    CHECK_EQ(count(h, n, "<tr>"), 1 + 513);
    CHECK(strstr(h, "</table>\n<p>x\nx\nx\nx\nx\nx\nx</p>\n<p>after</p>\n") != NULL);
    /* a table under the limit is whole */
    t.n = 0;
    table(&t, 1025, 400);
    h = sl_gfm_render(g, t.s, t.n, SL_GFM_GITHUB, &n);
    CHECK_EQ(count(h, n, "<tr>"), 1 + 400);
    CHECK(strstr(h, "<p>") == NULL);
    free(t.s);
    sl_gfm_free(g);
}

SL_TEST(md_gfm_tables_of_a_page_together_stop_at_twice_the_limit)
{
    sl_gfm *g = sl_gfm_new();
    text t = {0};
    /* three full tables (513 rows of 1,024 empty cells each): the page
     * passes 2 x 0x80000 with the second's 512th row (525,312 + 512 x
     * 1,024), so its 513th and the third's rows are paragraphs */
    for (int i = 0; i < 3; i++) {
        table(&t, 1025, 513);
        put(&t, "\n");
    }
    size_t n;
    const char *h = sl_gfm_render(g, t.s, t.n, SL_GFM_GITHUB, &n);
    CHECK(h != NULL);
    CHECK_EQ(count(h, n, "<table>"), 3);
    CHECK_EQ(count(h, n, "<tr>"), 3 + 513 + 512);
    CHECK_EQ(count(h, n, "<p>"), 2);
    /* 18 KB of a 3,000-column table made 90 MB of HTML */
    t.n = 0;
    table(&t, 3000, 3000);
    h = sl_gfm_render(g, t.s, t.n, SL_GFM_GITHUB, &n);
    CHECK(h != NULL && n < ((size_t)8 << 20));
    free(t.s);
    sl_gfm_free(g);
}

SL_TEST(md_gfm_references_expand_to_at_most_the_page_or_100_kb)
{
    sl_gfm *g = sl_gfm_new();
    text t = {0};
    char url[1100];
    memcpy(url, "[r]: http://x/", 14);
    memset(url + 14, 'a', 986);
    strcpy(url + 1000, "\n\n"); /* a 986 + 9 = 995-byte URL */
    put(&t, url);
    for (int i = 0; i < 150; i++)
        put(&t, "[r][] ");
    put(&t, "\n");
    size_t n;
    const char *h = sl_gfm_render(g, t.s, t.n, SL_GFM_GITHUB, &n);
    CHECK(h != NULL);
    CHECK_EQ(count(h, n, "<a href"), 100000 / 995); /* a 2 KB page: 100,000 bytes */
    CHECK_EQ(count(h, n, "[r][]"), 150 - 100000 / 995);
    /* a page of 300 KB may expand to 300 KB */
    text big = {0};
    put(&big, t.s);
    for (int i = 0; i < 300; i++)
        put(&big, "[r][] ");
    put(&big, "\n\n");
    while (big.n < 300000)
        put(&big, "filler filler filler filler filler filler filler filler filler filler\n");
    h = sl_gfm_render(g, big.s, big.n, SL_GFM_GITHUB, &n);
    CHECK_EQ(count(h, n, "<a href"), big.n / 995);
    /* 10,000 uses of one 10 KB URL made 100 MB of HTML from 70 KB */
    t.n = 0;
    put(&t, "[r]: http://x/");
    for (int i = 0; i < 10000; i++)
        put(&t, "a");
    put(&t, "\n\n");
    for (int i = 0; i < 10000; i++)
        put(&t, "[r][] ");
    h = sl_gfm_render(g, t.s, t.n, SL_GFM_GITHUB, &n);
    CHECK(h != NULL && n < 300000);
    free(big.s);
    free(t.s);
    sl_gfm_free(g);
}

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

SL_TEST(md_gfm_paragraph_tried_as_a_table_header_again_and_again_takes_linear_time)
{
    sl_gfm *g = sl_gfm_new();
    text t = {0};
    /* every line could be a delimiter row, none matches the paragraph
     * above it as a header: each reread the whole paragraph (40,000
     * lines: 20 s) */
    put(&t, "x\n");
    for (int i = 0; i < 20000; i++)
        put(&t, "-|-\n-|-|-\n");
    size_t n;
    double t0 = cpu_now();
    const char *h = sl_gfm_render(g, t.s, t.n, SL_GFM_GITHUB, &n);
    double took = cpu_now() - t0;
    CHECK(h != NULL);
    fprintf(stderr, "40,000 lines: %.2f s\n", took);
    CHECK(took < (SL_TEST_SANITIZED ? 10.0 : 1.0));
    CHECK(sl_gfm_limit_line(g) > 0);
    /* a page of ordinary tables is under the limit */
    t.n = 0;
    for (int i = 0; i < 2000; i++)
        put(&t, "a | b\n-|-\nc | d\n\n");
    h = sl_gfm_render(g, t.s, t.n, SL_GFM_GITHUB, &n);
    CHECK_EQ(count(h, n, "<table>"), 2000);
    CHECK_EQ(sl_gfm_limit_line(g), 0);
    free(t.s);
    sl_gfm_free(g);
}
