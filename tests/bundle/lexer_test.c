/*
 * lexer_test.c - the bundler's tokenizer: the decisions that need context.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "js_lexer.h"

static js_tokens lex(const char *src)
{
    js_tokens t = {0};
    uint32_t pos;
    const char *msg;
    CHECK(sl__js_lex(src, strlen(src), &t, &pos, &msg) == 0);
    return t;
}

static int kinds_are(js_tokens t, const int *kinds, size_t n)
{
    if (t.n != n + 1)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (t.v[i].kind != kinds[i])
            return 0;
    return t.v[n].kind == T_EOF;
}

SL_TEST(lexer_slash_after_operand_divides)
{
    js_tokens t = lex("a / b / c");
    const int k[] = {T_NAME, T_PUNCT, T_NAME, T_PUNCT, T_NAME};
    CHECK(kinds_are(t, k, 5));
    free(t.v);
}

SL_TEST(lexer_slash_after_operator_or_keyword_starts_regex)
{
    js_tokens t = lex("x = /a[/]b/g; return /c/");
    CHECK_EQ(t.v[2].kind, T_REGEX);
    CHECK_EQ(t.v[2].end - t.v[2].start, 8u); /* /a[/]b/g */
    CHECK_EQ(t.v[5].kind, T_REGEX);
    free(t.v);
}

SL_TEST(lexer_nested_template_substitutions)
{
    js_tokens t = lex("`a${`b${c}d`}e`");
    const int k[] = {T_THEAD, T_THEAD, T_NAME, T_TTAIL, T_TTAIL};
    CHECK(kinds_are(t, k, 5));
    CHECK_EQ(t.v[0].match, 4u);
    free(t.v);
}

SL_TEST(lexer_brace_inside_substitution_is_not_template_end)
{
    js_tokens t = lex("`${ {a: 1}.a }x`");
    CHECK_EQ(t.v[0].kind, T_THEAD);
    CHECK_EQ(t.v[t.n - 2].kind, T_TTAIL);
    free(t.v);
}

SL_TEST(lexer_numeric_separators_and_bigint_are_one_token)
{
    js_tokens t = lex("1_000_000 0xFF_FFn 12n .5e-3");
    const int k[] = {T_NUM, T_NUM, T_NUM, T_NUM};
    CHECK(kinds_are(t, k, 4));
    free(t.v);
}

SL_TEST(lexer_private_names_and_hashbang)
{
    js_tokens t = lex("#!/usr/bin/env node\nthis.#x = #y in o;");
    CHECK_EQ(t.v[0].kind, T_NAME);
    CHECK_EQ(t.v[2].kind, T_PRIVATE);
    CHECK_EQ(t.v[4].kind, T_PRIVATE);
    free(t.v);
}

SL_TEST(lexer_optional_chain_is_not_conditional_with_decimal)
{
    js_tokens t = lex("a?.b; c?.5:1");
    CHECK_EQ(t.v[1].op, P_OPTCHAIN);
    CHECK_EQ(t.v[5].op, '?');
    free(t.v);
}

SL_TEST(lexer_brackets_know_their_partner)
{
    js_tokens t = lex("f((a), [b])");
    CHECK_EQ(t.v[1].match, 9u);
    CHECK_EQ(t.v[2].match, 4u);
    free(t.v);
}

SL_TEST(lexer_reports_unterminated_string_position)
{
    js_tokens t = {0};
    uint32_t pos = 0;
    const char *msg = NULL;
    CHECK(sl__js_lex("x = 'abc\n", 9, &t, &pos, &msg) != 0);
    CHECK_EQ(pos, 4u);
    CHECK(msg && strstr(msg, "string"));
    free(t.v);
}

SL_TEST(lexer_slash_after_statement_head_paren_starts_regex)
{
    js_tokens t = lex("if (a) /x/.test(b); (c) / d");
    CHECK_EQ(t.v[4].kind, T_REGEX);
    CHECK_EQ(t.v[t.n - 3].kind, T_PUNCT); /* (c) / d divides */
    CHECK_EQ(t.v[t.n - 3].op, '/');
    free(t.v);
}

SL_TEST(lexer_number_takes_one_dot_and_default_allows_regex)
{
    js_tokens t = lex("1.1.toString(); export default /x/g");
    CHECK_EQ(t.v[0].kind, T_NUM);
    CHECK_EQ(t.v[0].end, 3u);
    CHECK_EQ(t.v[1].op, '.');
    CHECK_EQ(t.v[t.n - 2].kind, T_REGEX);
    free(t.v);
}
