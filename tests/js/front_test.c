/*
 * front_test.c - the front end's own behaviour, one rule a test: the
 * parser's reading of ambiguous syntax, the printer's parentheses and
 * token gluing, the scope pass, the renamer, lowering details, errors and
 * the nesting limit.  Each test parses a snippet, runs the passes and
 * compares the printed text (or the message) with what it must be.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "js_lower.h"
#include "js_mangle.h"
#include "js_minify.h"
#include "js_parse_range.h"
#include "js_parser.h"
#include "js_printer.h"
#include "js_scope.h"

enum { MINIFY_WS = 1, MINIFY_IDS = 2, AUTOMATIC = 4, MINIFY_SYNTAX = 8 };

/* Parses src as file `path`, lowers, prints; returns a malloc'd string (or "ERROR: msg"). */
static char *run(const char *path, const char *src, int flags)
{
    js_arena a;
    sl__js_arena_init(&a);
    js_parse_opts po = sl__js_opts_for_path(path);
    js_ast ast;
    char err[2048];
    char *res;
    if (sl__js_parse_program(&ast, path, src, strlen(src), &po, &a, err, sizeof err)) {
        res = malloc(strlen(err) + 8);
        sprintf(res, "ERROR: %s", err);
        sl__js_arena_free(&a);
        return res;
    }
    js_lower_opts lo = sl__js_lower_defaults();
    if (flags & AUTOMATIC)
        lo.jsx = JSX_AUTOMATIC;
    if (sl__js_transform(&ast, po.ts, &lo, err, sizeof err)) {
        res = strdup(err);
        sl__js_arena_free(&a);
        return res;
    }
    if (flags & MINIFY_SYNTAX)
        sl__js_minify_syntax(&ast);
    if (flags & MINIFY_IDS) {
        js_mangle_opts mo = {0};
        sl__js_mangle(&ast, &mo);
    }
    js_print_opts o = {0};
    o.minify_whitespace = (flags & MINIFY_WS) != 0;
    js_buf out = {0};
    sl__js_print(&ast, &o, &out);
    res = strdup(out.v ? out.v : "");
    sl__js_buf_free(&out);
    sl__js_arena_free(&a);
    return res;
}

static int prints(const char *path, const char *src, int flags, const char *want)
{
    char *got = run(path, src, flags);
    int ok = !strcmp(got, want);
    if (!ok)
        fprintf(stderr, "input:  %s\nwant:   %s\ngot:    %s\n", src, want, got);
    free(got);
    return ok;
}

static int fails_with(const char *path, const char *src, const char *want)
{
    char *got = run(path, src, 0);
    int ok = strstr(got, want) != NULL && !strncmp(got, "ERROR: ", 7);
    if (!ok)
        fprintf(stderr, "input: %.200s\nwant error containing: %s\ngot: %.300s\n", src, want, got);
    free(got);
    return ok;
}

SL_TEST(js_slash_is_regex_or_division_by_grammar)
{
    CHECK(prints("a.js", "a = b / c / d; e = /re/g.test(f); if (g) /x/.exec(h); i = j++ / 2;", MINIFY_WS,
                 "a=b/c/d;e=/re/g.test(f);if(g)/x/.exec(h);i=j++/2"));
    CHECK(prints("a.js", "x = {} / 1; function f() {} /y/.test(z);", MINIFY_WS,
                 "x={}/1;function f(){}/y/.test(z)"));
}

SL_TEST(js_identifier_escapes_are_part_of_the_name)
{
    /* \u{...} holds a `{`: the name goes on after it (it stopped there: `\u{62}cd` lexed as `b` then `cd`) */
    CHECK(prints("a.js", "let \\u{62}cd = 1, a\\u{62}c = 2, \\u{1d465}a = 3, \\u0062d = 4; o = { \\u{63}lass: 5 };",
                 MINIFY_WS, "let bcd=1,abc=2,\xf0\x9d\x91\xa5" "a=3,bd=4;o={class:5}"));
}

/* ECMA-262 IdentifierName is ID_Start/ID_Continue (plus $ _ ZWNJ ZWJ), not
 * "any non-ASCII": a snowman or an escaped surrogate made a bundle node
 * refuses (and the surrogate came out as ED A0 80, not UTF-8). */
SL_TEST(js_identifiers_take_unicode_id_start_and_id_continue_only)
{
    CHECK(prints("a.js", "let \xc3\xa9t\xc3\xa9 = 1, \xe5\x90\x8d = 2, a\xe2\x80\x8c = 3, \xf0\x9d\x90\x80 = 4, x\xcc\x81 = 5, "
                 "\xe2\x85\xa0 = 6, \xe2\x84\x98 = 7;",
                 MINIFY_WS,
                 "let \xc3\xa9t\xc3\xa9=1,\xe5\x90\x8d=2,a\xe2\x80\x8c=3,\xf0\x9d\x90\x80=4,x\xcc\x81=5,\xe2\x85\xa0=6,\xe2\x84\x98=7"));
    /* U+30FB KATAKANA MIDDLE DOT continues a name since Unicode 15.1 (node and esbuild take it) */
    CHECK(prints("a.js", "let a\xe3\x83\xbb" "b = 1;", MINIFY_WS, "let a\xe3\x83\xbb" "b=1"));
    CHECK(fails_with("a.js", "var \xe2\x98\x83 = 1;", "a.js:1:5: unexpected character"));
    CHECK(fails_with("a.js", "var a\xe2\x98\x83 = 1;", "a.js:1:6:"));
    CHECK(fails_with("a.js", "var \xcc\x81x = 1;", "a.js:1:5:"));   /* a combining mark continues, never starts */
    CHECK(fails_with("a.js", "var \\u{D800}x = 1;", "a.js:1:5: escape is not an identifier character"));
    CHECK(fails_with("a.js", "var a\\u{DC00} = 1;", "escape is not an identifier character"));
    CHECK(fails_with("a.js", "o = {\\uD800: 1};", "escape is not an identifier character"));
    CHECK(fails_with("a.js", "var \\u2603 = 1;", "escape is not an identifier character"));
}

SL_TEST(js_asi_follows_restricted_productions)
{
    CHECK(prints("a.js", "function f() { return\n1 }\na\n++b\nlet c = 1\n(d)", MINIFY_WS,
                 "function f(){return;1}a;++b;let c=1(d)"));
}

SL_TEST(js_printer_adds_only_needed_parentheses)
{
    CHECK(prints("a.js", "x = (a + b) * c + (d * e) + (f, g); y = (a ** b) ** c; z = a ** (b ** c); w = (-a) ** b;",
                 MINIFY_WS, "x=(a+b)*c+d*e+(f,g);y=(a**b)**c;z=a**b**c;w=(-a)**b"));
    CHECK(prints("a.js", "x = (a ?? b) || c; y = a ?? (b && c); z = (a, b) ? (c = d) : e => f;", MINIFY_WS,
                 "x=(a?" "?b)||c;y=a?" "?(b&&c);z=(a,b)?c=d:e=>f"));
    CHECK(prints("a.js", "new (a())(); new (a.b().c)(); new a.b(); (new a).b; new (a, b)", MINIFY_WS,
                 "new(a());new(a.b()).c;new a.b;new a().b;new(a,b)"));
    /* a for head's "no bare `in`" reaches an arrow's expression body and a yield's operand (advbundle2 G2),
       but not past parentheses or into a block body */
    CHECK(prints("a.js", "for (var f = () => (\"x\" in o), i = 0; i < 1; i++) ; for (g = async x => (\"y\" in o);;) ;"
                         " for (h = () => { return 'z' in o };;) ; for (k = (() => 'w' in o);;) ;"
                         " function* q() { for (var v = yield ('a' in o);;) ; }", MINIFY_WS,
                 "for(var f=()=>(\"x\"in o),i=0;i<1;i++);for(g=async x=>(\"y\"in o);;);"
                 "for(h=()=>{return\"z\"in o};;);for(k=()=>(\"w\"in o);;);"
                 "function*q(){for(var v=yield(\"a\"in o);;);}"));
    /* --minify-syntax turns the block body into an expression body: the same rule */
    CHECK(prints("a.js", "for (var f = () => { return 'x' in o }; !r;) r = f();", MINIFY_WS | MINIFY_SYNTAX,
                 "for(var f=()=>(\"x\"in o);!r;)r=f()"));
}

SL_TEST(js_printer_never_glues_tokens)
{
    CHECK(prints("a.js", "a = b - -c; d = e + +f; g = h - --i; j = k + ++l; m = - -n; o = 1..toString(); p = 1.5.x;",
                 MINIFY_WS, "a=b- -c;d=e+ +f;g=h- --i;j=k+ ++l;m=- -n;o=(1).toString();p=1.5.x"));
    CHECK(prints("a.js", "x = typeof y; z = void 0 in w; v = a instanceof b", MINIFY_WS,
                 "x=typeof y;z=void 0 in w;v=a instanceof b"));
    /* `<!--` and `-->` would start HTML-like comments (Annex B.1.1): a space after `!`, before `>`, as esbuild */
    CHECK(prints("a.js", "x = a < !--b; y = a << !--b + 1; z = a--\n> 1; w = (a--) >= b;", MINIFY_WS,
                 "x=a<! --b;y=a<<! --b+1;z=a-- >1;w=a-- >=b"));
}

SL_TEST(js_statement_start_hazards_are_wrapped)
{
    CHECK(prints("a.js", "({} = x); (function () {})(); (class {}).name; ({}).a.b = 1; (let[0] = 1);", MINIFY_WS,
                 "({}=x);(function(){}());(class{}.name);({}.a.b=1);(let[0]=1)"));
    CHECK(prints("a.js", "f = () => ({}); g = () => ({}).x;", MINIFY_WS, "f=()=>({});g=()=>({}.x)"));
}

SL_TEST(js_optional_chains_keep_their_parentheses)
{
    CHECK(prints("a.js", "x = (a?.b).c; y = (a?.b)(); z = a?.b.c(); w = a?.[0]?.(1);", MINIFY_WS,
                 "x=(a?.b).c;y=(a?.b)();z=a?.b.c();w=a?.[0]?.(1)"));
    /* under new and as a tag too: new a?.b() and a?.b`t` are syntax errors */
    CHECK(prints("a.js", "x = new (a?.b)(); y = (a?.b)`t`;", MINIFY_WS, "x=new(a?.b);y=(a?.b)`t`"));
}

SL_TEST(js_numbers_print_shortest_form)
{
    CHECK(prints("a.js", "x = [0x10, 1e21, 1e-7, 0.000001, 1_000_000, 0b101, 0o17, 017, 1.50, .5];", MINIFY_WS,
                 "x=[16,1e21,1e-7,1e-6,1e6,5,15,15,1.5,.5]"));
    CHECK(prints("a.js", "x = [1e21, 123456789012, 0.1];", 0, "x = [1e+21, 123456789012, 0.1];\n"));
}

SL_TEST(js_strings_are_reescaped)
{
    CHECK(prints("a.js", "x = ['a\\'b', \"c\\\"d\", '\\u00e9\\n\\0', '\\x41', '</script>', 'line\\\ncontinued'];",
                 MINIFY_WS, "x=[\"a'b\",'c\"d',\"\xc3\xa9\\n\\0\",\"A\",\"<\\/script>\",\"linecontinued\"]"));
}

/* LineContinuation is `\` and one LineTerminatorSequence: CR LF (a file
 * with Windows line endings) is one, as are a lone CR and a lone LF. */
SL_TEST(js_string_line_continuation_takes_cr_lf_as_one_terminator)
{
    CHECK(prints("a.js", "x = [\"l1\\\r\nl2\", 'l1\\\r\nl2', 'a\\\rb', 'c\\\nd', '\\\r\n'];\r\n", MINIFY_WS,
                 "x=[\"l1l2\",\"l1l2\",\"ab\",\"cd\",\"\"]"));
    /* only one terminator is continued: a second line break ends the string unterminated */
    CHECK(fails_with("a.js", "x = 'a\\\r\n\r\nb';", "unterminated string"));
    CHECK(fails_with("a.js", "x = 'a\\\r\rb';", "unterminated string"));
}

SL_TEST(js_templates_nest_and_keep_raw_text)
{
    CHECK(prints("a.js", "x = `a${`b${c}\\n`}d`; y = tag`\\unicode ${1}`;", MINIFY_WS,
                 "x=`a${`b${c}\\n`}d`;y=tag`\\unicode ${1}`"));
}

SL_TEST(js_scope_renames_locals_and_keeps_globals_exports_and_eval)
{
    CHECK(prints("a.mjs", "export const keep = 1; const local = 2; function f(param) { return param + local + globalThis.x; } f(keep);",
                 MINIFY_WS | MINIFY_IDS, "export const keep=1;const a=2;function b(c){return c+a+globalThis.x}b(keep)"));
    CHECK(prints("a.mjs", "function f(x) { return eval('x'); } function g(y) { return y; } f(g(1));",
                 MINIFY_WS | MINIFY_IDS, "function f(x){return eval(\"x\")}function g(a){return a}f(g(1))"));
    CHECK(prints("a.js", "var top = 1; function g(long) { with (o) { return long + top; } }", MINIFY_WS | MINIFY_IDS,
                 "var top=1;function g(long){with(o){return long+top}}"));
}

SL_TEST(js_scope_hoists_var_and_functions)
{
    CHECK(prints("a.mjs", "function f() { g(); { var v = 1; } return v; function g() {} } f();", MINIFY_WS | MINIFY_IDS,
                 "function a(){c();{var b=1}return b;function c(){}}a()"));
    /* Annex B.3.3: every sloppy block function of a name writes the one
     * var of its function, so all take that var's name (a var or function
     * of the body's own, or the first of them); a parameter of the name or
     * a let on the way blocks hoisting, and the function keeps its own */
    CHECK(prints("a.js",
                 "function f(p) { var v; { function a() {} } { function a() {} } { function v() {} }"
                 " { function p() {} } { let a; { function a() {} } } return [a, v, p]; }",
                 MINIFY_WS | MINIFY_IDS,
                 "function f(a){var b;{function c(){}}{function c(){}}{function b(){}}{function e(){}}{let d;{function g(){}}}return[c,b,a]}"));
}

SL_TEST(js_renamer_never_captures_an_outer_name)
{
    /* the inner scope's names start after its parents' slots */
    CHECK(prints("a.mjs", "const outer = 1; function f(inner) { return outer + inner; } f(2);", MINIFY_WS | MINIFY_IDS,
                 "const a=1;function b(c){return a+c}b(2)"));
    CHECK(prints("a.mjs", "let x = 1; const o = { x }; const { x: y = x } = o; export { y };", MINIFY_WS | MINIFY_IDS,
                 "let a=1;const b={x:a};const{x:c=a}=b;export{c as y}"));
    /* private names: per class, after the names of the classes around it
     * (a nested class still reads them); the heritage is outside the
     * class's own names; a getter/setter pair shares one; eval keeps them */
    CHECK(prints("a.mjs",
                 "class Q { #props; get #v() { return 1; } set #v(x) {} m(o) { return #props in o && this.#v; }"
                 " n() { return class extends class { #props = 2; } { #own = this.#props; }; } } new Q();",
                 MINIFY_WS | MINIFY_IDS,
                 "class b{#a;get#b(){return 1}set#b(a){}m(a){return#a in a&&this.#b}"
                 "n(){return class extends class{#c=2;}{#c=this.#a;}}}new b"));
    CHECK(prints("a.mjs", "class Q { #props = 1; m() { return eval('this.#props'); } } new Q();", MINIFY_WS | MINIFY_IDS,
                 "class Q{#props=1;m(){return eval(\"this.#props\")}}new Q"));
}

SL_TEST(js_syntax_error_names_file_line_and_column_with_caret)
{
    char *got = run("src/bad.js", "let ok = 1;\nlet x = (2 + ;\n", 0);
    CHECK(!strcmp(got, "ERROR: src/bad.js:2:14: unexpected token\n    let x = (2 + ;\n                 ^"));
    free(got);
    CHECK(fails_with("a.ts", "let x: = 1;", "a.ts:1:8:"));
    CHECK(fails_with("a.jsx", "x = <div></span>;", "expected closing tag `</div>`"));
    CHECK(fails_with("a.tsx", "x = <div>>;", "a.tsx:1:10:"));
    CHECK(fails_with("a.js", "x = 'open", "unterminated string"));
}

/* Nested arrays n deep: "x = [[...1...]];" */
static char *nested(size_t n)
{
    char *s = malloc(2 * n + 16);
    size_t k = 0;
    k += (size_t)sprintf(s, "x = ");
    for (size_t i = 0; i < n; i++)
        s[k++] = '[';
    s[k++] = '1';
    for (size_t i = 0; i < n; i++)
        s[k++] = ']';
    strcpy(s + k, ";");
    return s;
}

static int parses(const char *src)
{
    char *got = run("deep.js", src, MINIFY_WS | MINIFY_IDS);
    int ok = strncmp(got, "ERROR: ", 7) != 0;
    if (!ok && !strstr(got, "nesting too deep"))
        ok = -1;
    free(got);
    return ok;
}

static char *repeat(const char *head, const char *open, size_t n, const char *mid, const char *close, const char *tail);

SL_TEST(js_nesting_limit_is_exact_and_refused_cleanly)
{
    /* find the deepest nesting that parses: it must be close to JS_MAX_DEPTH,
     * every pass must survive it, and one more level must be refused */
    size_t lo = 1, hi = JS_MAX_DEPTH + 10;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        char *s = nested(mid);
        int r = parses(s);
        free(s);
        CHECK(r >= 0);
        if (r == 1)
            lo = mid;
        else
            hi = mid;
    }
    CHECK(lo + 8 >= JS_MAX_DEPTH);
    char *at = nested(lo), *past = nested(lo + 1);
    CHECK(parses(at) == 1);
    CHECK(parses(past) == 0);
    free(at);
    free(past);
    /* a piece parsed in place says its refusal is the depth limit (JS_RANGE_TOO_DEEP), and only
     * then: MDX stops trying longer ranges on it, which made the refusal quadratic (advmdx F19) */
    for (int shape = 0; shape < 3; shape++) {
        static const char *const open[] = {"{a:", "`${", "["}, *const close[] = {"}", "}`", "]"};
        char *s = repeat("", open[shape], JS_MAX_DEPTH + 10, "1", close[shape], "");
        js_arena a;
        sl__js_arena_init(&a);
        js_parse_opts po = {.jsx = 1, .module = 1};
        js_ast ast;
        char err[512];
        uint32_t epos = 0;
        size_t len = strlen(s);
        int rc = sl__js_parse_range(&ast, "", s, len, 0, len, JS_RANGE_EXPRESSION, &po, &a, err, sizeof err, &epos);
        if (rc != JS_RANGE_TOO_DEEP)
            fprintf(stderr, "shape %d: %d: %.200s\n", shape, rc, err);
        CHECK(rc == JS_RANGE_TOO_DEEP);
        CHECK(strstr(err, "nesting too deep") != NULL);
        CHECK(sl__js_parse_range(&ast, "", s, len, 0, 30, JS_RANGE_EXPRESSION, &po, &a, err, sizeof err, &epos) == -1);
        CHECK(sl__js_parse_range(&ast, "", "1 +", 3, 0, 3, JS_RANGE_EXPRESSION, &po, &a, err, sizeof err, &epos) == -1);
        sl__js_arena_free(&a);
        free(s);
    }
}

/* Text made of `open` n times, then `mid`, then `close` n times, between head and tail. */
static char *repeat(const char *head, const char *open, size_t n, const char *mid, const char *close, const char *tail)
{
    size_t len = strlen(head) + n * (strlen(open) + strlen(close)) + strlen(mid) + strlen(tail) + 1;
    char *s = malloc(len), *o = s;
    o = stpcpy(o, head);
    for (size_t i = 0; i < n; i++)
        o = stpcpy(o, open);
    o = stpcpy(o, mid);
    for (size_t i = 0; i < n; i++)
        o = stpcpy(o, close);
    stpcpy(o, tail);
    return s;
}

/* 1: parses and every pass runs; 0: refused with "nesting too deep"; -1: anything else */
static int deep_result(const char *path, const char *src)
{
    char *got = run(path, src, MINIFY_WS | MINIFY_IDS);
    int r = strncmp(got, "ERROR: ", 7) ? 1 : strstr(got, "nesting too deep") ? 0 : -1;
    if (r < 0)
        fprintf(stderr, "%.300s\n", got);
    free(got);
    return r;
}

SL_TEST(js_every_shape_of_nesting_works_at_the_limit_and_is_refused_past_it)
{
    static const struct {
        const char *path, *head, *open, *mid, *close, *tail;
    } shapes[] = {
        {"a.js", "x = ", "(", "1", ")", ";"},
        {"a.js", "x = ", "{a:", "1", "}", ";"},
        {"a.js", "x = ", "a => ", "1", "", ";"},
        {"a.js", "x = a", ".b", "", "", ";"},
        {"a.js", "x = 1", "+1", "", "", ";"},
        {"a.js", "x = ", "a ? b : ", "c", "", ";"},
        {"a.js", "x = ", "!", "c", "", ";"},
        {"a.js", "", "if (a) ", "b;", "", ""},
        {"a.js", "", "function f(){", "", "}", ""},
        {"a.js", "let ", "[", "a", "]", " = x;"},
        {"a.js", "x = ", "`${", "1", "}`", ";"},
        {"a.js", "x = ", "class { m() { return ", "1", "}}", ";"},
        {"a.jsx", "x = ", "<a>", "", "</a>", ";"},
        {"a.ts", "let x: ", "A<", "B", ">", " = 1;"},
        {"a.ts", "", "namespace A {", "export const x = 1;", "}", ""},
        {"a.ts", "enum E { A = ", "(", "1", ")", " }"},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        /* a fifth of the limit (the costliest shape, a class and a method a level, still nests 800
         * deep) goes through every pass; twice the limit is refused, never a stack overflow.  The
         * exact boundary is js_nesting_limit_is_exact_and_refused_cleanly's. */
        size_t ok_n = JS_MAX_DEPTH / 5, bad_n = (size_t)JS_MAX_DEPTH * 2;
        char *ok = repeat(shapes[i].head, shapes[i].open, ok_n, shapes[i].mid, shapes[i].close, shapes[i].tail);
        char *bad = repeat(shapes[i].head, shapes[i].open, bad_n, shapes[i].mid, shapes[i].close, shapes[i].tail);
        int r_ok = deep_result(shapes[i].path, ok), r_bad = deep_result(shapes[i].path, bad);
        if (r_ok != 1 || r_bad != 0)
            fprintf(stderr, "shape %zu: %d at %zu, %d at %zu\n", i, r_ok, ok_n, r_bad, bad_n);
        CHECK(r_ok == 1);
        CHECK(r_bad == 0);
        free(ok);
        free(bad);
    }
}

SL_TEST(ts_types_and_assertions_disappear)
{
    CHECK(prints("a.ts", "let x: Map<string, Array<number>> = new Map<string, number[]>(); let y = <any>x as T satisfies U; let z = y!.w!;",
                 MINIFY_WS, "let x=new Map;let y=x;let z=y.w"));
    CHECK(prints("a.ts", "const f = async <T,>(a: T, b?: number, ...c: T[]): Promise<T> => a; if (a < b) c(d > e);",
                 MINIFY_WS, "const f=async(a,b,...c)=>a;if(a<b)c(d>e)"));
    /* `h < i > (j)` is a call with type arguments in TypeScript, as tsc reads it */
    CHECK(prints("a.ts", "f<T>(x); g<T>`t`; h < i > (j); k<l>; m < n;", MINIFY_WS, "f(x);g`t`;h(j);k;m<n"));
}

SL_TEST(ts_type_arguments_may_open_with_a_generic_function_type)
{
    /* `<<` where type arguments may open is two `<`, as tsc rescans it (ReturnType<<T>() => T>); a shift elsewhere */
    CHECK(prints("a.ts", "type R = ReturnType<<T>() => T>; let a: Array<<U>(x: U) => U> = [x => x]; class C extends B<<T>() => T> {}",
                 MINIFY_WS, "let a=[x=>x];class C extends B{}"));
    CHECK(prints("a.ts", "log(f<<U>(u: U) => U>((u) => u)(3), new G<<T>() => T>(), a << b, c<<d>(e), 8 << 1 >> 1);",
                 MINIFY_WS, "log(f(u=>u)(3),new G,a<<b,c<<d>e,8<<1>>1)"));
}

SL_TEST(tsx_angle_brackets_follow_tsx_rules)
{
    CHECK(prints("a.tsx", "const f = <T,>(x: T) => x; const g = <T extends object>(y: T) => y; const e = <div>t</div>;",
                 MINIFY_WS, "const f=x=>x;const g=y=>y;const e=React.createElement(\"div\",null,\"t\")"));
    /* TypeScript's rule: an identifier then `=`, or `const` first, opens type parameters too */
    CHECK(prints("a.tsx", "f = <T = string>(x: T) => x; k = <const T,>(x: T) => x; m = <const T extends string>(x: T) => x;",
                 MINIFY_WS, "f=x=>x;k=x=>x;m=x=>x"));
    /* `extends` then `=`, `>` or `/` is an attribute named extends */
    CHECK(prints("a.tsx", "a = <T extends>t</T>; b = <T extends/>; c = <T extends=\"x\" />;", MINIFY_WS,
                 "a=React.createElement(T,{extends:true},\"t\");b=React.createElement(T,{extends:true});"
                 "c=React.createElement(T,{extends:\"x\"})"));
}

SL_TEST(ts_unused_imports_are_elided_as_tsc_does)
{
    CHECK(prints("a.ts", "import a, { b, c } from 'm'; import * as d from 'n'; import 'side'; import type { T } from 't'; b();",
                 MINIFY_WS, "import{b}from\"m\";import\"side\";b()"));
}

SL_TEST(jsx_automatic_runtime_imports_what_it_uses)
{
    CHECK(prints("a.jsx", "x = <><a key=\"k\" b>t</a><b {...p} key={1} /></>;", MINIFY_WS | AUTOMATIC,
                 "import{jsx as _jsx,jsxs as _jsxs,Fragment as _Fragment}from\"react/jsx-runtime\";"
                 "import{createElement as _createElement}from\"react\";"
                 "x=_jsxs(_Fragment,{children:[_jsx(\"a\",{b:true,children:\"t\"},\"k\"),_createElement(\"b\",{...p,key:1})]})"));
}

SL_TEST(jsx_text_whitespace_and_entities_follow_esbuild)
{
    CHECK(prints("a.jsx", "x = <p>\n  a &amp; b&nbsp;\n\n  c\t d  \n</p>;", MINIFY_WS,
                 "x=React.createElement(\"p\",null,\"a & b\xc2\xa0 c\\t d\")"));
}

/* ---- source maps ---- */

static int b64val(char c)
{
    const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strchr(t, c);
    return p && c ? (int)(p - t) : -1;
}

typedef struct seg {
    int gl, gc, src, ol, oc, name;
} seg;

/* Decodes a mappings string into absolute segments. */
static size_t decode_mappings(const char *m, seg *out, size_t max)
{
    int gl = 0, gc = 0, src = 0, ol = 0, oc = 0, name = 0;
    size_t n = 0;
    while (*m && n < max) {
        if (*m == ';') {
            gl++, gc = 0, m++;
            continue;
        }
        if (*m == ',') {
            m++;
            continue;
        }
        int f[5] = {0}, k = 0;
        while (*m && *m != ',' && *m != ';' && k < 5) {
            int v = 0, shift = 0, d;
            do {
                d = b64val(*m++);
                v |= (d & 31) << shift;
                shift += 5;
            } while (d & 32);
            f[k++] = v & 1 ? -(v >> 1) : v >> 1;
        }
        gc += f[0];
        if (k >= 4)
            src += f[1], ol += f[2], oc += f[3];
        out[n] = (seg){gl, gc, src, ol, oc, -1};
        if (k == 5)
            name += f[4], out[n].name = name;
        n++;
    }
    return n;
}

SL_TEST(js_sourcemap_maps_minified_names_back_to_their_lines_and_columns)
{
    const char *src = "function add(first, second) {\n  return first + second;\n}\nconsole.log(add(1, 2));\n";
    js_arena a;
    sl__js_arena_init(&a);
    js_parse_opts po = {0, 0, 1, 0};
    js_ast ast;
    char err[512];
    CHECK(sl__js_parse_program(&ast, "add.mjs", src, strlen(src), &po, &a, err, sizeof err) == 0);
    js_lower_opts lo = sl__js_lower_defaults();
    CHECK(sl__js_transform(&ast, 0, &lo, err, sizeof err) == 0);
    js_mangle_opts mo = {0};
    sl__js_mangle(&ast, &mo);
    js_sourcemap sm = {0};
    js_print_opts o = {0};
    o.minify_whitespace = 1;
    o.sourcemap = &sm;
    js_buf out = {0};
    sl__js_print(&ast, &o, &out);
    CHECK(!strcmp(out.v, "function a(b,c){return b+c}console.log(a(1,2))"));
    seg segs[64];
    sm.mappings.v[sm.mappings.n] = 0;
    size_t n = decode_mappings(sm.mappings.v, segs, 64);
    if (getenv("SM_DEBUG"))
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "%d:%d -> %d:%d %d\n", segs[i].gl, segs[i].gc, segs[i].ol, segs[i].oc, segs[i].name);
    /* "b" of `b+c` (generated column 23) is `first` on line 2, column 9 (0-based 1, 9) */
    int found = 0;
    for (size_t i = 0; i < n; i++)
        if (segs[i].gl == 0 && segs[i].gc == 23) {
            found = 1;
            CHECK(segs[i].ol == 1 && segs[i].oc == 9);
            CHECK(segs[i].name >= 0 && !strcmp(sm.names[segs[i].name], "first"));
        }
    CHECK(found);
    /* `console` (generated column 27) is line 4, column 0, and keeps its name: no names entry */
    found = 0;
    for (size_t i = 0; i < n; i++)
        if (segs[i].gl == 0 && segs[i].gc == 27) {
            found = 1;
            CHECK(segs[i].ol == 3 && segs[i].oc == 0 && segs[i].name < 0);
        }
    CHECK(found);
    js_buf json = {0};
    const char *sources[] = {"add.mjs"}, *contents[] = {src};
    sl__js_sourcemap_json(&sm, sources, contents, 1, &json);
    CHECK(strstr(json.v, "\"names\":[\"add\",\"first\",\"second\"]") != NULL);
    sl__js_buf_free(&json);
    sl__js_buf_free(&out);
    sl__js_sourcemap_free(&sm);
    sl__js_arena_free(&a);
    /* the helpers a TypeScript file gets (decorators) map to nothing: every segment is on a line of the user's code */
    const char *ts = "function d(v: any, c: any) {}\n@d class K { @d m() {} }\n";
    sl__js_arena_init(&a);
    js_parse_opts tpo = {.ts = 1, .module = 1};
    CHECK(sl__js_parse_program(&ast, "k.ts", ts, strlen(ts), &tpo, &a, err, sizeof err) == 0);
    CHECK(sl__js_transform(&ast, 1, &lo, err, sizeof err) == 0);
    js_sourcemap tsm = {0};
    js_print_opts to = {0};
    to.sourcemap = &tsm;
    js_buf tout = {0};
    sl__js_print(&ast, &to, &tout);
    int user_line = 0;
    for (const char *c = tout.v; c < strstr(tout.v, "function d("); c++)
        user_line += *c == '\n';
    tsm.mappings.v[tsm.mappings.n] = 0;
    n = decode_mappings(tsm.mappings.v, segs, 64);
    CHECK(n > 0 && user_line > 10);
    for (size_t i = 0; i < n; i++)
        CHECK(segs[i].gl >= user_line);
    sl__js_buf_free(&tout);
    sl__js_sourcemap_free(&tsm);
    sl__js_arena_free(&a);
}

SL_TEST(js_minify_syntax_rewrites_only_equivalent_forms)
{
    int m = MINIFY_WS | MINIFY_SYNTAX;
    CHECK(prints("a.js", "function f() { if (a) { b(); } if (!c) d(); else { e(); f(); } if (g) return; h(); }", m,
                 "function f(){a&&b(),c?(e(),f()):d(),g||h()}"));
    CHECK(prints("a.js", "x = [true, false, undefined, typeof y === 'undefined', typeof z !== 'string', o['k'], o['a-b']];", m,
                 "x=[!0,!1,void 0,typeof y>\"u\",typeof z!=\"string\",o.k,o[\"a-b\"]]"));
    /* a shadowing `undefined` is a variable, not the global */
    CHECK(prints("a.js", "function f(undefined) { return undefined; }", m, "function f(undefined){return undefined}"));
    CHECK(prints("a.js", "var a = 1; var b = 2; let c; let d; const e = () => { return {}; };", m, "var a=1,b=2;let c,d;const e=()=>({})"));
    /* a block that scopes a declaration keeps its braces */
    CHECK(prints("a.js", "if (a) { let x = 1; f(x, x); } if (b) { const y = 2; } while (c) { g(); }", m,
                 "if(a){let x=1;f(x,x)}if(b){let y=2}while(c)g()"));
    CHECK(prints("a.js", "function f() { if (a) return 1; else return 2; return; }", m, "function f(){return a?1:2}"));
    /* neighbours merge: expressions with commas, into return/throw/if/switch/for heads, if-returns into ?: */
    CHECK(prints("a.js", "function f(x) { a(); b(); if (x) return 1; c(); return 2; }", m,
                 "function f(x){return a(),b(),x?1:(c(),2)}"));
    CHECK(prints("a.js", "function f(x) { if (!x) return; g(); if (h(), x > 1) throw 1; throw 2; }", m,
                 "function f(x){if(!x)return;throw g(),h(),x>1?1:2}"));
    CHECK(prints("a.js", "function f(x) { if (x) return 1; else g(); if (a) return; if (b) return; h(); }", m,
                 "function f(x){if(x)return 1;g(),a||b||h()}"));
    CHECK(prints("a.js", "a(); switch (b) { case 1: c(); } var i = 0; for (; i < 2; i++) d(); e(); for (;;) break;", m,
                 "switch(a(),b){case 1:c()}for(var i=0;i<2;i++)d();for(e();;)break"));
    /* an `in` stays out of a for head; directives and declarations never merge */
    CHECK(prints("a.js", "x = 'a' in o; for (;;) break; function f() { 'use strict'; a(); function g() {} b(); }", m,
                 "x=\"a\"in o;for(;;)break;function f(){\"use strict\";a();function g(){}b()}"));
    /* `in`/`of` take a space only where a word would glue; `while (true)` is `for (;;)` */
    CHECK(prints("a.js", "for (const [a, b] of c) d(a in [b], 1 in {}, a instanceof b); while (true) f();", m,
                 "for(let[a,b]of c)d(a in[b],1 in{},a instanceof b);for(;;)f()"));
    /* a nested const nothing writes is a let; a written one, or a top-level one, stays */
    CHECK(prints("a.js", "const t = 1; function f() { const a = 1, { b } = o; let c = a; const d = 2; d++; return a + b + c + d; }", m,
                 "const t=1;function f(){let a=1,{b}=o,c=a;const d=2;return d++,a+b+c+d}"));
    /* c ? a : b as esbuild's MangleIfExpr; a global (g) may be a getter, so no ?. or ?? for it */
    CHECK(prints("a.js", "function f(a, b) { return [a == null ? void 0 : a.b.c(1), a != null ? a : b, null == a ? undefined : a[0],"
                         " g == null ? void 0 : g.x, a == null ? void 0 : (a.b?.c).d, !a ? 1 : 2, a ? b(1, 2) : b(3, 2), a ? a : b];"
                         " }", m,
                 "function f(a,b){return[a?.b.c(1),a??b,a?.[0],g==null?void 0:g.x,a==null?void 0:(a.b?.c).d,a?2:1,b(a?1:3,2),a||b]}"));
    /* unused values reduced; the comma of (0, a.b)() stays; numbers folded as esbuild folds them */
    CHECK(prints("a.js", "function f(a, k) { a != null && a.b(); k ? g() : void 0; k, g(); x = (0, o.m)(); y = [97 - 65, 1 | 2,"
                         " 1 << 30, -1 >>> 0, 300 * 300, 1 < 2, 5 - 7]; }", m,
                 "function f(a,k){a?.b(),k&&g(),g(),x=(0,o.m)(),y=[32,3,1<<30,-1>>>0,300*300,!0,-2]}"));
    /* a let used once moves into the next statement where nothing before its use could see the move */
    CHECK(prints("a.js", "function f(a) { let x = a.b; let y = x.c; return y; } function g(a) { let u = h(); return a + u; }"
                         " function k(a) { let u = h(); return a && u; } function l(a) { let u = a.m; return u(); }"
                         " function n(a) { let u = h(); return () => u; } function p(a) { const t = 1; return a + t; }", m,
                 "function f(a){return a.b.c}function g(a){let u=h();return a+u}function k(a){let u=h();return a&&u}"
                 "function l(a){let u=a.m;return u()}function n(a){let u=h();return()=>u}function p(a){return a+1}"));
    /* jumps alike merge their tests; nested ifs join with &&; ?: of booleans is ! or !!; case"a" */
    CHECK(prints("a.js", "function f(a, b, c) { if (a) return true; if (b) return true; if (a) if (b) g(); if (a) if (b) return 1;"
                         " return c ? false : true; } function g(x) { switch (x) { case 'a': case 1: return x ? (h(), x) : x; } }", m,
                 "function f(a,b,c){return a||b?!0:(a&&b&&g(),a&&b?1:!c)}function g(x){switch(x){case\"a\":case 1:return x&&(h(),x)}}"));
    /* tests read for their truth; a bare return/continue before the rest of a body becomes its test */
    CHECK(prints("a.js", "function f(a, b) { var e; if (!((e = a.x) == null ? void 0 : e.y)) g(); while (!(a == b)) h(); if (!!b && true) g(); }"
                         " function k(a) { for (const x of a) { if (x) continue; g(x); continue; } if (!a) return; for (;;) g(); }", m,
                 "function f(a,b){var e;(e=a.x)!=null&&e.y||g();while(a!=b)h();b&&g()}function k(a){for(let x of a)x||g(x);if(a)for(;;)g()}"));
    /* a sequence as the test of ?: moves out in front of it (that made a
     * node that held itself: a crash in the printer) */
    CHECK(prints("a.js", "console.log((f(), x) ? 1 : 2); function g(a, b) { return !(a(), b) ? c() : d(); }"
                         " let y = b ? (a(), b) ? 1 : 2 : 3; if ((a(), b) ? c() : d()) e(); z = `${(a, b) ? 1 : 2}`;", m,
                 "console.log((f(),x?1:2));function g(a,b){return a(),b?d():c()}let y=b?(a(),b?1:2):3;a(),(b?c():d())&&e(),z=`${a,b?1:2}`"));
}

SL_TEST(ts_standard_decorators_not_lowered_are_reported_with_position)
{
    char *got = run("w.ts", "let a = 1;\nclass W { @d field = 1; }\n", 0);
    CHECK(!strncmp(got, "w.ts:2:11: decorators on class fields", 37)); /* at the member's `@`, not the class */
    free(got);
    got = run("p.ts", "class P {\n  @d #m() {}\n}\n", 0);
    CHECK(!strncmp(got, "p.ts:2:3: decorators on private", 31));
    free(got);
    /* a class decorator sees the source name, which minified identifiers do not change */
    got = run("n.ts", "@d class Named {}\nconst Anon = @d class {};\n", MINIFY_IDS);
    CHECK(strstr(got, "\"Named\")") && strstr(got, "\"Anon\")"));
    free(got);
}
