/*
 * graph_unit_test.c - the small readers on their own: Cargo.toml, paths,
 * UTF-8, and what the extractor records for one item of each kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "extract.h"
#include "fg_same.h"
#include "graph.h"
#include "manifest.h"
#include "skim.h"
#include "source.h"
#include "xalloc.h"

SL_TEST(manifest_reads_targets_and_members)
{
    const char t[] = "# comment\n[package]\nname = \"my-crate\" # trailing\nbuild = \"build/main.rs\"\n"
                     "authors = [\"a <a@b>\", 'b']\n[lib]\npath = \"src/my.rs\"\n"
                     "[[bin]]\nname = \"one\"\n[[bin]]\nname = \"two\"\npath = \"src/two.rs\"\n"
                     "[[test]]\npath = \"test/t.rs\"\nname = \"t\"\n"
                     "[dependencies]\nx = { version = \"1\", features = [\"f\"] }\n"
                     "[workspace]\nmembers = [\"a\", \"b/*\",]\nexclude = ['c']\n"
                     "description = \"\"\"\nmulti\nline\"\"\"\n";
    gr_manifest m;
    char err[128];
    unsigned line;
    CHECK_EQ(gr_manifest_parse(t, strlen(t), &m, err, sizeof err, &line), 0);
    CHECK(m.has_package && m.has_workspace);
    CHECK(m.package_name && !strcmp(m.package_name, "my-crate"));
    CHECK(m.build && !strcmp(m.build, "build/main.rs"));
    CHECK(m.lib_path && !strcmp(m.lib_path, "src/my.rs"));
    CHECK_EQ(m.target_names.n, 3);
    CHECK(!strcmp(m.target_kinds.v[0], "bin") && !strcmp(m.target_kinds.v[2], "test"));
    CHECK(!strcmp(m.target_names.v[1], "two") && !strcmp(m.target_paths.v[1], "src/two.rs") &&
          !m.target_paths.v[0][0]);
    CHECK(!strcmp(m.target_names.v[2], "t") && !strcmp(m.target_paths.v[2], "test/t.rs"));
    CHECK_EQ(m.members.n, 2);
    CHECK(!strcmp(m.members.v[1], "b/*"));
    CHECK_EQ(m.exclude.n, 1);
    gr_manifest_free(&m);
}

/* A target's path and name are its table's own keys: a key of an inline
 * table in an array there is not one, whatever its dotted name ends with
 * (the reader skipped the table's name's length into it: `.abcdef.path`
 * was taken for `example.path`; a shorter one read past its end). */
SL_TEST(manifest_takes_a_targets_path_from_its_own_key_only)
{
    const char t[] = "[[example]]\npath = \"real.rs\"\nx = [{ abcdef.path = \"evil.rs\" }]\ny = [{ p = \"q\" }]\n"
                     "z = { path = \"inline.rs\" }\n";
    gr_manifest m;
    char err[128];
    unsigned line;
    CHECK_EQ(gr_manifest_parse(t, strlen(t), &m, err, sizeof err, &line), 0);
    CHECK_EQ(m.target_paths.n, 1);
    CHECK(!strcmp(m.target_paths.v[0], "real.rs"));
    CHECK(!strcmp(m.target_names.v[0], ""));
    gr_manifest_free(&m);
}

/* The editions: the package's, the [lib] and target tables', a
 * workspace's [workspace.package] one, and the inheritance flag in its
 * three spellings (a workspace member's `edition.workspace = true`). */
SL_TEST(manifest_reads_editions)
{
    const char *inherit[] = {"[package]\nedition.workspace = true\n", "[package]\nedition = { workspace = true }\n",
                             "[package.edition]\nworkspace = true\n"};
    gr_manifest m;
    char err[128];
    unsigned line;
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(gr_manifest_parse(inherit[i], strlen(inherit[i]), &m, err, sizeof err, &line), 0);
        CHECK(m.edition_workspace && !m.edition);
        gr_manifest_free(&m);
    }
    const char t[] = "[package]\nname = \"x\"\nedition = \"2018\"\nworkspace = \"..\"\n"
                     "[lib]\nedition = \"2015\"\n[[bin]]\nname = \"b\"\nedition = \"2021\"\n[[bin]]\nname = \"c\"\n"
                     "[workspace.package]\nedition = \"2024\"\n[features]\nedition = \"1\"\n";
    CHECK_EQ(gr_manifest_parse(t, strlen(t), &m, err, sizeof err, &line), 0);
    CHECK(m.edition && !strcmp(m.edition, "2018") && !m.edition_workspace);
    CHECK(m.lib_edition && !strcmp(m.lib_edition, "2015"));
    CHECK(m.ws_edition && !strcmp(m.ws_edition, "2024"));
    CHECK(m.workspace_path && !strcmp(m.workspace_path, ".."));
    CHECK_EQ(m.target_editions.n, 2);
    CHECK(!strcmp(m.target_editions.v[0], "2021") && !strcmp(m.target_editions.v[1], ""));
    gr_manifest_free(&m);
}

SL_TEST(manifest_reports_line_of_error)
{
    const char t[] = "[package]\nname = \"x\"\nname2 = \"unterminated\n";
    gr_manifest m;
    char err[128];
    unsigned line = 0;
    CHECK_EQ(gr_manifest_parse(t, strlen(t), &m, err, sizeof err, &line), -1);
    CHECK_EQ(line, 3);
    CHECK(strstr(err, "string") != NULL);
}

SL_TEST(path_join_folds_dot_segments)
{
    char *p = gr_path_join("src/a", "../b/./c.rs");
    CHECK(!strcmp(p, "src/b/c.rs"));
    free(p);
    p = gr_path_join("/x", "/abs.rs");
    CHECK(!strcmp(p, "/abs.rs"));
    free(p);
    p = gr_path_join("a", "../../up.rs");
    CHECK(!strcmp(p, "../up.rs"));
    free(p);
}

SL_TEST(utf8_check_finds_line_of_first_bad_byte)
{
    CHECK_EQ(gr_source_bad_utf8_line("ok\n\xc3\xa9\n", 6), 0);
    CHECK_EQ(gr_source_bad_utf8_line("a\nb\n\xe9t\xe9", 7), 3);
    CHECK_EQ(gr_source_bad_utf8_line("\xed\xa0\x80", 3), 1); /* a surrogate */
    CHECK_EQ(gr_source_bad_utf8_line("\xc0\xaf", 2), 1);     /* overlong */
    /* past the first eight bytes, where ASCII is skipped a word at a time */
    const char lng[] = "fn a() {}\n// caf\xc3\xa9 ok\nlet x = 1;\n\xff";
    CHECK_EQ(gr_source_bad_utf8_line(lng, sizeof lng - 2), 0);
    CHECK_EQ(gr_source_bad_utf8_line(lng, sizeof lng - 1), 4);
    const char cut[] = "0123456789abcde\xe2\x82"; /* a 3-byte sequence cut short */
    CHECK_EQ(gr_source_bad_utf8_line(cut, sizeof cut - 1), 1);
    CHECK(gr_source_is_binary("a\0b", 3));
    CHECK(!gr_source_is_binary("abc", 3));
}

static const fg_item *find(const fg_file *f, const char *name, int kind)
{
    for (size_t i = 1; i < f->nitems; i++)
        if (f->items[i].kind == kind && !strcmp(fg_ptr(f, f->items[i].name), name))
            return &f->items[i];
    return NULL;
}

/* #[path] strings as Rust reads them: escapes decoded, raw strings as
 * written; a literal Rust rejects (or one holding a NUL) names no file. */
SL_TEST(extractor_decodes_escapes_and_raw_strings_in_path_attributes)
{
    const char src[] = "#[path = \"a\\x2fb\\u{e9}.rs\"]\nmod esc;\n"
                       "#[path = r\"c\\d.rs\"]\nmod raw;\n"
                       "#[path = r#\"q\"uote.rs\"#]\nmod hashed;\n"
                       "#[path = \"tab\\t\\\"q\\\\.rs\"]\nmod quoted;\n"
                       "#[path = \"long\\\n      name.rs\"]\nmod continued;\n"
                       "#[cfg_attr(unix, path = r\"u\\x.rs\")]\nmod cfg_raw;\n"
                       "#[cfg_attr(unix, path = \"e\\\"s.rs\")]\nmod cfg_esc;\n"
                       "#[path = \"nul\\0.rs\"]\nmod nul;\n"
                       "#[path = \"bad\\q.rs\"]\nmod bad;\n";
    static const char *const want[][2] = {
        {"esc", "a/b\xc3\xa9.rs"}, {"raw", "c\\d.rs"},      {"hashed", "q\"uote.rs"},
        {"quoted", "tab\t\"q\\.rs"}, {"continued", "longname.rs"}, {"cfg_raw", "u\\x.rs"},
        {"cfg_esc", "e\"s.rs"},       {"nul", ""},             {"bad", ""},
    };
    gr_extractor *x = gr_extractor_new();
    fg_file *f = fg_file_new("src/lib.rs", 0);
    gr_extract(x, f, src, strlen(src));
    CHECK_EQ(f->ndiags, 0);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const fg_item *m = find(f, want[i][0], GK_MODULE);
        CHECK(m != NULL);
        if (m && strcmp(fg_ptr(f, m->path_attr), want[i][1])) {
            fprintf(stderr, "mod %s: path '%s', not '%s'\n", want[i][0], fg_ptr(f, m->path_attr), want[i][1]);
            CHECK(0);
        }
    }
    fg_file_free(f);
    gr_extractor_free(x);
}

SL_TEST(extractor_records_items_uses_and_references)
{
    const char src[] = "use a::{b as c, d::*};\n"
                       "#[cfg_attr(unix, path = \"sys/unix.rs\")]\nmod sys;\n"
                       "pub(crate) struct S<T> { f: Vec<T>, g: Other }\n"
                       "impl<T> Tr for S<T> { fn m(&self) -> Self { self.n(); x::y(); q.r(); todo!() } }\n";
    gr_extractor *x = gr_extractor_new();
    CHECK(x != NULL);
    fg_file *f = fg_file_new("src/lib.rs", 0);
    gr_extract(x, f, src, strlen(src));
    const fg_item *s = find(f, "S", GK_STRUCT);
    CHECK(s && !strcmp(fg_ptr(f, s->vis), "pub(crate)") && !strcmp(fg_ptr(f, s->sig), "pub(crate) struct S<T>"));
    const fg_item *m = find(f, "sys", GK_MODULE);
    CHECK(m && m->sub == FS_DECL && !strcmp(fg_ptr(f, m->path_attr), "sys/unix.rs"));
    CHECK(find(f, "m", GK_FUNCTION) && find(f, "m", GK_FUNCTION)->sub == FS_METHOD);
    CHECK(find(f, "S", GK_IMPL) != NULL);
    CHECK_EQ(f->nuses, 2);
    CHECK(!strcmp(fg_ptr(f, f->uses[0].path), "a::b") && !strcmp(fg_ptr(f, f->uses[0].alias), "c"));
    CHECK(!strcmp(fg_ptr(f, f->uses[1].path), "a::d") && f->uses[1].glob);
    int vec = 0, other = 0, t = 0, selfm = 0, xy = 0, expr = 0;
    for (size_t i = 0; i < f->nrefs; i++) {
        const char *txt = fg_ptr(f, f->refs[i].text);
        vec += !strcmp(txt, "Vec");
        other += !strcmp(txt, "Other");
        t += !strcmp(txt, "T"); /* a generic parameter: never a reference */
        selfm += f->refs[i].form == FF_SELF_METHOD && !strcmp(txt, "n");
        xy += f->refs[i].edge == GE_CALLS && !strcmp(txt, "x::y");
        expr += f->refs[i].form == FF_EXPR_METHOD && !strcmp(txt, "r");
    }
    CHECK(vec == 1 && other == 1 && t == 0 && selfm == 1 && xy == 1 && expr == 1);
    CHECK_EQ(f->ndiags, 0);
    fg_file_free(f);
    gr_extractor_free(x);
}

/* An impl for a tuple is named by the tuple as written, as `()` is: never
 * by one of its elements, which would join it to that type's impls. */
SL_TEST(extractor_names_an_impl_for_a_tuple_by_the_tuple)
{
    const char src[] = "pub trait L {}\nimpl L for (u8, u16) { fn f() {} }\nimpl L for () {}\n"
                       "impl L for &(u8, (i8, S)) {}\n";
    gr_extractor *x = gr_extractor_new();
    fg_file *f = fg_file_new("src/lib.rs", 0);
    gr_extract(x, f, src, strlen(src));
    CHECK(find(f, "(u8, u16)", GK_IMPL) != NULL);
    CHECK(find(f, "()", GK_IMPL) != NULL);
    CHECK(find(f, "(u8, (i8, S))", GK_IMPL) != NULL);
    CHECK(find(f, "u16", GK_IMPL) == NULL && find(f, "S", GK_IMPL) == NULL);
    CHECK_EQ(f->ndiags, 0);
    fg_file_free(f);
    gr_extractor_free(x);
}

/* The body walk skips subtrees with no '(' and no item keyword: calls and
 * items deep in expressions, blocks, closures, match arms and consts
 * must all still be found, whatever text surrounds them. */
SL_TEST(extractor_finds_calls_and_items_deep_in_bodies)
{
    const char src[] = "fn outer() -> u8 {\n"
                       "    let v = [1, 2, *r, a.b]; let s = \"fn struct ( \"; // fn (\n"
                       "    { let w = { let z = &k[0]; z }; type Alias = u8; struct Inner; impl Inner { fn m() {} } }\n"
                       "    let c = |x| x + helper(x);\n"
                       "    match v { Some(p) if p > 0 => deep::other(), _ => 0 }\n"
                       "    const K: u8 = konst();\n"
                       "    static ST: u8 = 0; mod inner { fn g() {} } use x::y; extern crate e; union U { a: u8 }\n"
                       "    trait Tr {} enum E { A } macro_rules! mm { () => {} }\n"
                       "    w.method().chain(last)\n"
                       "}\n";
    gr_extractor *x = gr_extractor_new();
    CHECK(x != NULL);
    fg_file *f = fg_file_new("src/lib.rs", 0);
    gr_extract(x, f, src, strlen(src));
    static const struct {
        const char *name;
        int kind;
    } items[] = {{"Alias", GK_TYPE},   {"Inner", GK_STRUCT}, {"Inner", GK_IMPL},  {"m", GK_FUNCTION},
                 {"K", GK_CONST},      {"ST", GK_STATIC},    {"inner", GK_MODULE}, {"g", GK_FUNCTION},
                 {"U", GK_UNION},      {"Tr", GK_TRAIT},     {"E", GK_ENUM},       {"mm", GK_MACRO}};
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
        CHECK(find(f, items[i].name, items[i].kind) != NULL);
    int helper = 0, other = 0, konst = 0, method = 0, chain = 0;
    for (size_t i = 0; i < f->nrefs; i++) {
        const char *txt = fg_ptr(f, f->refs[i].text);
        if (f->refs[i].edge != GE_CALLS)
            continue;
        helper += !strcmp(txt, "helper");
        other += !strcmp(txt, "deep::other");
        konst += !strcmp(txt, "konst");
        method += !strcmp(txt, "method");
        chain += !strcmp(txt, "chain");
    }
    CHECK(helper == 1 && other == 1 && konst == 1 && method == 1 && chain == 1);
    CHECK_EQ(f->nuses, 2); /* use x::y and extern crate e */
    fg_file_free(f);
    gr_extractor_free(x);
}

/* A '(' counts as a possible call only after what can end a callee; a
 * comment can hide that end, and a call's own '(' never makes the walk
 * enter its arguments.  Each call below must still be found. */
SL_TEST(extractor_finds_calls_hidden_by_comments_and_macros)
{
    const char src[] = "fn f() {\n"
                       "    println!(\"{}\", x); assert!(a == (b)); let t = (1, (2, 3));\n"
                       "    after_macro(1);\n"
                       "    spaced /* why */ (2);\n"
                       "    lined // the callee is above\n"
                       "        (3);\n"
                       "    outer(inner(4), (5, leaf_in_tuple(6)));\n"
                       "    let g = Vec::<u8>::new(); x.m()(7); arr[0](8); opt?(9);\n"
                       "}\n";
    gr_extractor *x = gr_extractor_new();
    CHECK(x != NULL);
    fg_file *f = fg_file_new("src/lib.rs", 0);
    gr_extract(x, f, src, strlen(src));
    static const char *const want[] = {"after_macro", "spaced", "lined", "outer", "inner", "leaf_in_tuple",
                                       "Vec::new", "m"};
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
        int found = 0;
        for (size_t i = 0; i < f->nrefs; i++)
            found += f->refs[i].edge == GE_CALLS && !strcmp(fg_ptr(f, f->refs[i].text), want[w]);
        if (found != 1)
            fprintf(stderr, "call %s found %d times\n", want[w], found);
        CHECK_EQ(found, 1);
    }
    fg_file_free(f);
    gr_extractor_free(x);
}

/* A worker's scratch buffers go from file to file: each file keeps an
 * exact copy of what it was filled with, untouched when the next one is
 * filled in the same buffers. */
SL_TEST(file_graphs_filled_in_scratch_keep_their_own_copies)
{
    gr_extractor *x = gr_extractor_new();
    CHECK(x != NULL);
    fg_scratch sc = {0};
    fg_file *a = fg_file_new("a.rs", 0), *b = fg_file_new("b.rs", 1);
    const char sa[] = "fn alpha() { beta(); }\nstruct Gamma { d: Delta }\nuse e::f;\n";
    fg_file_borrow(a, &sc);
    gr_extract(x, a, sa, strlen(sa));
    fg_file_keep(a, &sc);
    char sb[8192];
    size_t n = 0;
    for (int i = 0; i < 200; i++) /* enough to make the scratch grow */
        n += (size_t)snprintf(sb + n, sizeof sb - n, "fn other_%d() { call_%d(); }\n", i, i);
    fg_file_borrow(b, &sc);
    gr_extract(x, b, sb, n);
    fg_file_keep(b, &sc);
    CHECK_EQ(a->items_cap, a->nitems);
    CHECK_EQ(a->refs_cap, a->nrefs);
    CHECK_EQ(a->arena_cap, a->arena_len);
    CHECK(find(a, "alpha", GK_FUNCTION) && find(a, "Gamma", GK_STRUCT) && find(a, "d", GK_FIELD));
    CHECK(!find(a, "other_0", GK_FUNCTION));
    int beta = 0;
    for (size_t i = 0; i < a->nrefs; i++)
        beta += !strcmp(fg_ptr(a, a->refs[i].text), "beta");
    CHECK_EQ(beta, 1);
    CHECK(find(b, "other_199", GK_FUNCTION) != NULL);
    CHECK_EQ(b->nitems, 201); /* the file's own module and 200 functions */
    fg_file_free(a);
    fg_file_free(b);
    fg_scratch_free(&sc);
    gr_extractor_free(x);
}

/* Plain constants are read from their text (const_from_text), the rest
 * through the tree: both must give the same item, visibility, signature
 * and type reference, with the reference on the type's own line. */
static const fg_ref *ref_from(const fg_file *f, uint32_t item, int edge)
{
    for (size_t i = 0; i < f->nrefs; i++)
        if (f->refs[i].from == item && f->refs[i].edge == edge)
            return &f->refs[i];
    return NULL;
}

static uint32_t item_id(const fg_file *f, const char *name, int kind)
{
    for (size_t i = 1; i < f->nitems; i++)
        if (f->items[i].kind == kind && !strcmp(fg_ptr(f, f->items[i].name), name))
            return (uint32_t)i;
    return 0;
}

SL_TEST(extractor_reads_plain_constants_like_the_tree)
{
    const char src[] = "pub const A: u32 = 1;\n"
                       "pub(crate) const B: c_int = 0x10 | A;\n"
                       "const C: ::libc::c_long = -1;\n"
                       "const D:\n    a::Foo = Bar::X;\n"
                       "const E: Vec<u8> = Vec::new();\n"
                       "struct S<T>(T);\n"
                       "impl<T> S<T> { const F: T = X; const G: u8 = f(1); }\n"
                       "const /* c */ H: Hh = 1;\n";
    gr_extractor *x = gr_extractor_new();
    CHECK(x != NULL);
    fg_file *f = fg_file_new("src/lib.rs", 0);
    gr_extract(x, f, src, strlen(src));
    static const struct {
        const char *name, *vis, *sig, *ref;
        uint32_t line, ref_line;
    } want[] = {
        {"A", "pub", "pub const A: u32", NULL, 1, 0},
        {"B", "pub(crate)", "pub(crate) const B: c_int", "c_int", 2, 2},
        {"C", "", "const C: ::libc::c_long", "::libc::c_long", 3, 3},
        {"D", "", "const D: a::Foo", "a::Foo", 4, 5},
        {"E", "", "const E: Vec<u8>", "Vec", 6, 6},
        {"F", "", "const F: T", NULL, 8, 0}, /* a generic parameter */
        {"G", "", "const G: u8", NULL, 8, 0},
        {"H", "", "const /* c */ H: Hh", "Hh", 9, 9},
    };
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
        uint32_t id = item_id(f, want[w].name, GK_CONST);
        CHECK(id != 0);
        const fg_item *it = &f->items[id];
        CHECK_EQ(it->line, want[w].line);
        CHECK(!strcmp(fg_ptr(f, it->vis), want[w].vis));
        CHECK(!strcmp(fg_ptr(f, it->sig), want[w].sig));
        const fg_ref *r = ref_from(f, id, GE_USES_TYPE);
        if (!want[w].ref) {
            CHECK(r == NULL);
            continue;
        }
        CHECK(r != NULL && !strcmp(fg_ptr(f, r->text), want[w].ref) && r->form == FF_PATH);
        CHECK_EQ(r->line, want[w].ref_line);
    }
    /* the two that take the tree's way still find their calls */
    const fg_ref *call = ref_from(f, item_id(f, "G", GK_CONST), GE_CALLS);
    CHECK(call && !strcmp(fg_ptr(f, call->text), "f"));
    call = ref_from(f, item_id(f, "E", GK_CONST), GE_CALLS);
    CHECK(call && !strcmp(fg_ptr(f, call->text), "Vec::new"));
    fg_file_free(f);
    gr_extractor_free(x);
}

/* The scan's two promises on src[0..len): where the full parse finds no
 * syntax error, the skimmed one gives the same graph; where it finds one,
 * so does the skimmed one.  The text is copied to a buffer of exactly its
 * size, so that a sanitizer build sees any read past its end.  Returns
 * the full parse's diagnostics and items in *diags and *items. */
static void skim_agrees(const char *src, size_t len, size_t *diags, size_t *items)
{
    char *t = malloc(len ? len : 1);
    CHECK(t != NULL);
    memcpy(t, src, len);
    gr_extractor *full = gr_extractor_new(), *skimming = gr_extractor_new();
    CHECK(full != NULL && skimming != NULL);
    gr_extractor_skim(full, 0);
    fg_file *a = fg_file_new("src/lib.rs", 0), *b = fg_file_new("src/lib.rs", 0);
    gr_extract(full, a, t, len);
    gr_extract(skimming, b, t, len);
    if (a->ndiags == 0)
        CHECK(fg_same(a, b));
    else
        CHECK(b->ndiags > 0);
    *diags = a->ndiags;
    *items = a->nitems;
    fg_file_free(a);
    fg_file_free(b);
    gr_extractor_free(full);
    gr_extractor_free(skimming);
    free(t);
}

/* For a text that parses cleanly: both parses give the same graph, with
 * items in it; returns how many regions the scan took. */
static size_t skim_and_compare(const char *src, size_t len)
{
    size_t diags, items;
    skim_agrees(src, len, &diags, &items);
    CHECK_EQ(diags, 0);
    CHECK(items > 1);
    gr_skims sk = {0};
    size_t n = gr_skim(src, len, &sk);
    gr_skims_free(&sk);
    return n;
}

SL_TEST(skimmed_parse_gives_the_graph_the_full_parse_gives)
{
    const char src[] =
        "//! crate docs\n"
        "#![allow(dead_code)]\n"
        "pub const A: u32 = 1;\n"                      /* after an attribute: parsed */
        "pub const B: c_int = 0x10 | A; // why\n"      /* skimmed */
        "/// doc\n"
        "pub(crate) const C: ::libc::c_long = -1;\n"   /* skimmed */
        "const D:\n    a::Foo = Bar::X;\n"              /* skimmed, on two lines */
        "#[cfg(unix)]\n"
        "const E: u8 = 2;\n"                           /* after an attribute: parsed */
        "const F: Vec<u8> = Vec::new();\n"             /* not plain: parsed */
        "s! {\n    pub struct S { a: u8 }\n}\n"         /* macro: skipped, its items read */
        "foo::bar!(x, \"}\", '{', r#\"}\"#, b'(');\n"   /* macro with its ';': skipped */
        "cfg_if::cfg_if![ if #[cfg(a)] { mod m; } ];\n" /* skipped */
        "bitflags!\n{ x }\n"                          /* skipped, with a line break */
        "macro_rules! m { () => { const Z: u8 = 1; } }\n"
        "const G: u32 = 'a' as u32;\n"                 /* a literal: parsed */
        "mod inner {\n    pub const H: u32 = 3;\n}\n"    /* not top level: parsed */
        "impl<'a> T<'a> { const I: u32 = 4; fn f(&self) -> char { '}' } }\n"
        "fn g() { let _ = x::<'static>(); bar(1) }\n"
        "pub const J: Type = Y;\n"                     /* skimmed */
        "pub const K: u32 = Y + Z::W;\n"                /* skimmed */
        "/* block /* nested } */ comment */\n"
        "pub const L: i64 = -1 << 3;\n"                /* skimmed */
        "static M: u8 = 5;\n"
        "pub const N: bool = A == B;\n"                /* skimmed */
        "pub const P: u8 = 9;";                        /* skimmed, at the very end */
    CHECK_EQ(skim_and_compare(src, sizeof src - 1), 12);
    /* the same with CRLF line ends */
    char crlf[2 * sizeof src];
    size_t n = 0;
    for (const char *p = src; *p; p++) {
        if (*p == '\n')
            crlf[n++] = '\r';
        crlf[n++] = *p;
    }
    CHECK_EQ(skim_and_compare(crlf, n), 12);
}

/* The item of the given kind and name, and the macro it came from. */
static const char *macro_of(const fg_file *f, const char *name, int kind)
{
    const fg_item *it = find(f, name, kind);
    return it ? fg_ptr(f, it->macro) : "(none)";
}

/* Items written inside cfg_if!, s!-like item lists, bitflags!,
 * lazy_static! and thread_local! are items of the module around the
 * macro, at their own lines, marked with the macro's name; a token tree
 * that is not an item list gives nothing and says nothing. */
SL_TEST(extractor_reads_items_inside_item_macros)
{
    const char src[] =
        "cfg_if::cfg_if! {\n"
        "    if #[cfg(unix)] {\n"
        "        mod imp { pub fn go() {} }\n"
        "        pub fn plat() -> u32 { helper() }\n"
        "    } else {\n"
        "        pub struct Other;\n"
        "    }\n"
        "}\n"
        "s! {\n"
        "    pub struct stat { pub st_dev: u64 }\n"
        "}\n"
        "bitflags! {\n"
        "    /// doc, and a string: \"}\"\n"
        "    #[derive(Debug)]\n"
        "    pub(crate) struct Mode: u32 {\n"
        "        const READ = 0b01;\n"
        "        #[cfg(x)]\n"
        "        const WRITE = Self::READ.bits() << 1;\n"
        "    }\n"
        "}\n"
        "lazy_static! {\n"
        "    pub static ref TABLE: Vec<stat> = make();\n"
        "}\n"
        "thread_local!(static LOCAL: u8 = 1);\n"
        "not_items! { 1 + 2 }\n"
        "broken! { pub fn f() -> }\n"
        "mod inner {\n"
        "    cfg_if! { if #[cfg(x)] { pub fn deep() {} } }\n"
        "}\n";
    gr_extractor *x = gr_extractor_new();
    CHECK(x != NULL);
    for (int skim = 0; skim < 2; skim++) {
        gr_extractor_skim(x, skim);
        fg_file *f = fg_file_new("src/lib.rs", 0);
        gr_extract(x, f, src, sizeof src - 1);
        CHECK_EQ(f->ndiags, 0);
        CHECK(!strcmp(macro_of(f, "imp", GK_MODULE), "cfg_if"));
        CHECK(!strcmp(macro_of(f, "go", GK_FUNCTION), "cfg_if")); /* inside what the macro made */
        CHECK(!strcmp(macro_of(f, "plat", GK_FUNCTION), "cfg_if"));
        CHECK(!strcmp(macro_of(f, "Other", GK_STRUCT), "cfg_if"));
        CHECK(!strcmp(macro_of(f, "stat", GK_STRUCT), "s"));
        CHECK(!strcmp(macro_of(f, "st_dev", GK_FIELD), "s"));
        const fg_item *mode = find(f, "Mode", GK_STRUCT);
        CHECK(mode && !strcmp(fg_ptr(f, mode->macro), "bitflags") && !strcmp(fg_ptr(f, mode->vis), "pub(crate)"));
        CHECK(mode && mode->line == 15 && mode->col == 5 && mode->end_line == 19 && mode->end_col == 6);
        CHECK(mode && !strcmp(fg_ptr(f, mode->sig), "pub(crate) struct Mode: u32"));
        const fg_item *w = find(f, "WRITE", GK_CONST);
        CHECK(w && &f->items[w->parent] == mode && w->line == 18 && w->col == 9 && w->end_col == 46);
        CHECK(!strcmp(macro_of(f, "READ", GK_CONST), "bitflags"));
        const fg_item *t = find(f, "TABLE", GK_STATIC);
        CHECK(t && !strcmp(fg_ptr(f, t->macro), "lazy_static") && t->line == 22 && t->col == 5 &&
              !strcmp(fg_ptr(f, t->vis), "pub"));
        CHECK(!strcmp(macro_of(f, "LOCAL", GK_STATIC), "thread_local"));
        CHECK(find(f, "f", GK_FUNCTION) == NULL); /* broken!: not an item list */
        const fg_item *deep = find(f, "deep", GK_FUNCTION);
        CHECK(deep && !strcmp(fg_ptr(f, deep->macro), "cfg_if") &&
              f->items[deep->parent].kind == GK_MODULE && f->items[deep->parent].line == 27);
        /* calls inside them are found: plat() calls helper(), TABLE make() */
        int helper = 0, make = 0;
        for (size_t i = 0; i < f->nrefs; i++) {
            helper += !strcmp(fg_ptr(f, f->refs[i].text), "helper");
            make += !strcmp(fg_ptr(f, f->refs[i].text), "make");
        }
        CHECK(helper == 1 && make == 1);
        fg_file_free(f);
    }
    gr_extractor_free(x);
    /* and the skimmed parse agrees with the full one, item for item */
    CHECK(skim_and_compare(src, sizeof src - 1) >= 5);
}

/* Item macros inside item macros are read a few levels deep, not more:
 * each level parses its text again. */
SL_TEST(item_macros_nested_deeply_are_read_a_few_levels_deep)
{
    char src[4096] = "";
    for (int k = 0; k < 40; k++)
        strcat(src, "m! { pub fn f() {} ");
    for (int k = 0; k < 40; k++)
        strcat(src, "}\n");
    gr_extractor *x = gr_extractor_new();
    fg_file *f = fg_file_new("src/lib.rs", 0);
    gr_extract(x, f, src, strlen(src));
    CHECK_EQ(f->ndiags, 0);
    CHECK_EQ(f->nitems, 1 + 4); /* the file, then one f per level read */
    fg_file_free(f);
    gr_extractor_free(x);
}

/* How many of the scan's regions in src are of the given kind. */
static size_t skimmed_of_kind(const char *src, int kind)
{
    gr_skims sk = {0};
    gr_skim(src, strlen(src), &sk);
    size_t n = 0;
    for (size_t k = 0; k < sk.n; k++)
        n += sk.v[k].kind == kind;
    gr_skims_free(&sk);
    return n;
}

/* `head` + count copies of `elem` + `tail`, in a buffer the caller frees. */
static char *repeat_text(const char *head, const char *elem, int count, const char *tail)
{
    size_t n = strlen(head) + strlen(elem) * (size_t)count + strlen(tail) + 1;
    char *t = malloc(n);
    CHECK(t != NULL);
    strcpy(t, head);
    for (int k = 0; k < count; k++)
        strcat(t, elem);
    strcat(t, tail);
    return t;
}

SL_TEST(skim_leaves_out_data_tables_and_keeps_the_graph)
{
    /* three tables: at the top, in a module, in a function's body */
    char *top = repeat_text("pub static TABLE: &'static [(char, u32, &str)] = &[\n", "    ('a', 0x1F, \"x\\n\"), (-1, -2.5e3, r#\"q\"#),\n", 20, "];\n");
    char *in_mod = repeat_text("mod m {\n    #[rustfmt::skip]\n    const T: [[u8; 2]; 60] = [", "[1, 2], [b'x', 3u8], ", 30, "];\n}\n");
    char *in_fn = repeat_text("fn f() -> u8 {\n    static S: [Kind; 90] = [", "Kind::A, self::B, /* c */ ", 30, "];\n    g(S[0])\n}\n");
    size_t n = strlen(top) + strlen(in_mod) + strlen(in_fn) + 64;
    char *src = malloc(n);
    CHECK(src != NULL);
    snprintf(src, n, "%s%s%sfn g(_: Kind) -> u8 { 0 }\n", top, in_mod, in_fn);
    CHECK_EQ(skimmed_of_kind(src, GR_SKIM_DATA), 3);
    skim_and_compare(src, strlen(src));
    free(src);
    /* tables the scan leaves to the parser: a call, an item keyword (in a
     * string too), a repeat, a cast, a syntax error, a doc comment */
    static const char *const elem[] = {"Some(1), ", "\"type\", ", "[0; 4], ", "1 as u8, ", "1 2, ",
                                       "/// d\n 1, ", "'\xea\xa2', ", "'\\0\\0', "};
    for (size_t k = 0; k < sizeof elem / sizeof elem[0]; k++) {
        char *t = repeat_text("const T: &[X] = &[", elem[k], 100, "];\n");
        CHECK_EQ(skimmed_of_kind(t, GR_SKIM_DATA), 0);
        free(t);
    }
    free(top);
    free(in_mod);
    free(in_fn);
    /* a macro holding what the grammar's lexer rejects is parsed, so
     * that the error is reported */
    CHECK_EQ(skimmed_of_kind("m! { '\xc3\xa9' }\n", GR_SKIM_MACRO), 1);
    CHECK_EQ(skimmed_of_kind("m! { '\xea\xa2' }\n", GR_SKIM_MACRO), 0);
    CHECK_EQ(skimmed_of_kind("m! { a ` b }\n", GR_SKIM_MACRO), 0);
    CHECK_EQ(skimmed_of_kind("m! { \"\\u{41\" }\n", GR_SKIM_MACRO), 0);
}

SL_TEST(skim_keeps_the_graph_and_the_errors_of_tricky_texts)
{
    /* what a review of the scan found, each once wrong (TEXT: with its
     * length, for the NUL bytes) */
#define TEXT(x) {x, sizeof x - 1}
    static const struct {
        const char *t;
        size_t len;
    } cases[] = {
        TEXT("'\n';\npub const X: u8 = 1;\n"),              /* a line break in a character literal */
        TEXT("fn f(){}m!{}"),                                 /* a region that ends the text */
        TEXT("struct S;const X:u8=1;"),
        TEXT("struct S;const X:u8=1;\nfn g(){}\n"),
        TEXT("m!{}.f();\n"),                                  /* a macro that starts an expression */
        TEXT("m!{}?;\n"),
        TEXT("m!{} + 1;\n"),
        TEXT("m!{} as u8;\n"),
        TEXT("m!{} = 1;\n"),
        TEXT("#!x;const A:u8=1;\n"),                          /* a shebang line */
        TEXT("#!/usr/bin/env run\npub const A: u8 = 1;\nm!{}\n"),
        TEXT("fn!{}\n"),                                      /* keywords and types as macro names */
        TEXT("pub![x];\n"),
        TEXT("u8!{}\n"),
        TEXT("macro_rules!{}\n"),
        TEXT("if::m!{}\n"),
        TEXT("pub const X: u8 = crate;\n"),                   /* operands the grammar rejects */
        TEXT("pub const X: u8 = super;\n"),
        TEXT("pub const X: u8 = true::x;\n"),
        TEXT("pub const X: u8 = 1 as self;\n"),
        TEXT("pub const X: u8 = crate::A + self::B + super::C as Self;\n"),
        TEXT("m!{ '\0' }\n"),                                /* NUL bytes */
        TEXT("m!{ // \0\n }\n"),
        TEXT("x+{}pub const X:u8=1;;\n"),                     /* after a block in an expression */
        TEXT("x+{}m!();;\n"),
        TEXT("--- x --- m!{} pub const X: u8 = 1;;\n"),
        TEXT("pub("),                                         /* the end of the text mid-way */
        TEXT("pub(crate"),
        TEXT("m!{"),
        TEXT("static T: [u8; 300] = ["),
    };
    size_t diags, items;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        skim_agrees(cases[k].t, cases[k].len, &diags, &items);
#undef TEXT
    /* a data table of paths the grammar rejects as operands */
    char *t = repeat_text("static T: [X; 300] = [", "super, ", 100, "];\n");
    skim_agrees(t, strlen(t), &diags, &items);
    CHECK_EQ(skimmed_of_kind(t, GR_SKIM_DATA), 0);
    free(t);
}

SL_TEST(skim_takes_nothing_where_brackets_or_literals_do_not_close)
{
    static const char *const bad[] = {
        "fn f() {\nconst A: u32 = 1;\n",
        "fn f() { ( }\nconst A: u32 = 1;\n",
        "}\nconst A: u32 = 1;\n",
        "const S: &str = \"open;\nconst A: u32 = 1;\n",
        "/* open /* nested */\nconst A: u32 = 1;\n",
        "const S: &str = r##\"open\"#;\nconst A: u32 = 1;\n",
        "const C: char = '\\u{41;\nconst A: u32 = 1;\n",
    };
    gr_skims sk = {0};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        CHECK_EQ(gr_skim(bad[k], strlen(bad[k]), &sk), 0);
    /* a value the grammar may not take whole is left to it */
    const char dangling[] = "const A: u32 = 1 +;\nconst B: u32 = .5;\n";
    CHECK_EQ(gr_skim(dangling, strlen(dangling), &sk), 0);
    const char good[] = "fn f() { ( ) }\nconst A: u32 = 1;\n";
    CHECK_EQ(gr_skim(good, strlen(good), &sk), 1);
    CHECK_EQ(sk.v[0].row, 1);
    CHECK_EQ(sk.v[0].end_col, 17);
    gr_skims_free(&sk);
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

SL_TEST(radix_sort_orders_like_qsort)
{
    /* keys that differ in every 16-bit digit, in some only, and not at all */
    enum { N = 20000 };
    uint64_t *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    uint64_t x = 88172645463325252ull;
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < N; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            a[i] = round == 0 ? x : round == 1 ? (x & 0xFFFF0000FFFFull) : 42;
        }
        memcpy(b, a, N * sizeof *a);
        gr_sort_u64(a, N);
        qsort(b, N, sizeof *b, u64_cmp);
        CHECK(!memcmp(a, b, N * sizeof *a));
    }
    free(a);
    free(b);
}

/* The bulk add is the same as a get and a put-if-absent per pair, in
 * order: the first value of a repeated key stays, and prev tells each
 * later pair which value it found - also over a map that already holds
 * entries and must grow. */
SL_TEST(map_add_many_matches_get_then_put)
{
    enum { N = 30000 };
    uint64_t *keys = malloc(N * sizeof *keys);
    uint32_t *vals = malloc(N * sizeof *vals), *prev = malloc(N * sizeof *prev);
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        keys[i] = gr_key((uint32_t)(x % 500), (uint32_t)((x >> 20) % 40)); /* many repeats */
        vals[i] = (uint32_t)i + 1;
    }
    gr_map bulk = {0}, one = {0};
    for (uint32_t k = 0; k < 300; k++) { /* already there before the add */
        gr_map_put(&bulk, gr_key(k, 7), 100000 + k);
        gr_map_put(&one, gr_key(k, 7), 100000 + k);
    }
    gr_map_add_many(&bulk, N, keys, vals, prev);
    for (size_t i = 0; i < N; i++) {
        uint32_t was = gr_map_get(&one, keys[i]);
        if (!was)
            gr_map_put(&one, keys[i], vals[i]);
        CHECK_EQ(prev[i], was);
    }
    CHECK_EQ(bulk.n, one.n);
    for (size_t i = 0; i < N; i++)
        CHECK_EQ(gr_map_get(&bulk, keys[i]), gr_map_get(&one, keys[i]));
    gr_map_free(&bulk);
    gr_map_free(&one);
    free(keys);
    free(vals);
    free(prev);
}

#if defined(__SANITIZE_ADDRESS__)
#define TEMP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEMP_ASAN 1
#endif
#endif
#ifndef TEMP_ASAN
#define TEMP_ASAN 0
#endif

SL_TEST(temporary_arrays_from_a_mebibyte_are_whole_2_mib_blocks)
{
    /* the SQLite writer's and the snapshot's scratch (xalloc.h): small
     * ones from malloc, from 1 MiB up 2 MiB-aligned mappings rounded up
     * to whole 2 MiB pages, so that THP can back every byte (not under
     * ASan, which checks malloc's bounds) */
    static const size_t sizes[] = {1, 4096, ((size_t)1 << 20) - 1, (size_t)1 << 20, ((size_t)2 << 20) + 1,
                                   (size_t)5 << 20};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t n = sizes[k];
        uint8_t *p = gr_xtemp(n);
        CHECK(p != NULL);
        if (!TEMP_ASAN && n >= ((size_t)1 << 20)) {
            CHECK_EQ((uintptr_t)p % ((uintptr_t)2 << 20), 0);
            p[((n + ((size_t)2 << 20) - 1) & ~(((size_t)2 << 20) - 1)) - 1] = 1; /* the rounded tail is ours */
        }
        for (size_t i = 0; i < n; i++)
            p[i] = (uint8_t)(i * 7 + k);
        size_t bad = 0;
        for (size_t i = 0; i < n; i++)
            bad += p[i] != (uint8_t)(i * 7 + k);
        CHECK_EQ(bad, 0);
        gr_xtemp_free(p, n);
    }
}

/* x such that x * a == 1 (mod 2^64), a odd (Newton's iteration). */
static uint64_t inverse(uint64_t a)
{
    uint64_t x = a;
    for (int i = 0; i < 6; i++)
        x *= 2 - a * x;
    return x;
}

/* A key whose slot in any table is 0: the map's mixer run backwards from
 * a hash whose low 32 bits are 0. */
static uint64_t colliding_key(uint64_t i)
{
    uint64_t h = (i + 1) << 32;
    h ^= h >> 31 ^ h >> 62;
    h *= inverse(0x94D049BB133111EBull);
    h ^= h >> 27 ^ h >> 54;
    h *= inverse(0xBF58476D1CE4E5B9ull);
    h ^= h >> 30 ^ h >> 60;
    return h;
}

/* A map read back from a snapshot is built again from its entries: keys
 * made to share one slot (the mixer is invertible) would cost a probe
 * past every earlier one; the fill stops and refuses them.  Keys that
 * spread as real ones do go in. */
SL_TEST(graph_map_fill_refuses_keys_made_to_collide)
{
    enum { N = 4096 };
    size_t cap = gr_map_pack_cap(N);
    uint8_t *e = gr_xmalloc(N * 12);
    gr_map_slot *slots = gr_xcalloc(cap, sizeof *slots);
    gr_map m;
    for (uint32_t i = 0; i < N; i++) {
        uint64_t k = (uint64_t)i + 1;
        memcpy(e + 12 * i, &k, 8);
        memcpy(e + 12 * i + 8, &i, 4);
    }
    CHECK_EQ(gr_map_fill(&m, slots, cap, e, N), 0);
    CHECK_EQ(gr_map_get(&m, 77), 76u);
    memset(slots, 0, cap * sizeof *slots);
    for (uint32_t i = 0; i < N; i++) {
        uint64_t k = colliding_key(i);
        memcpy(e + 12 * i, &k, 8);
    }
    CHECK_EQ(gr_map_fill(&m, slots, cap, e, N), -1);
    free(slots);
    free(e);
}
