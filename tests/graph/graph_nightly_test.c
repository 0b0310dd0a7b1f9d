/*
 * graph_nightly_test.c - what the extractor makes of the unstable syntax
 * the standard library is written in, which the grammar does not know:
 * `macro` items (declarative macros 2.0) first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "extract.h"
#include "fg_same.h"
#include "macroitems.h"

static const fg_item *find(const fg_file *f, const char *name, int kind)
{
    for (size_t i = 1; i < f->nitems; i++)
        if (f->items[i].kind == kind && !strcmp(fg_ptr(f, f->items[i].name), name))
            return &f->items[i];
    return NULL;
}

static uint32_t index_of(const fg_file *f, const fg_item *it)
{
    return it ? (uint32_t)(it - f->items) : UINT32_MAX;
}

/* src parsed with the skim (skim.h) and without: the same graph either
 * way.  The text is copied to a buffer of exactly its size, so that a
 * sanitizer build sees any read past its end.  Returns the skimmed one. */
static fg_file *extract_both_ways(const char *src)
{
    size_t len = strlen(src);
    char *t = malloc(len ? len : 1);
    CHECK(t != NULL);
    memcpy(t, src, len);
    gr_extractor *x = gr_extractor_new(), *full = gr_extractor_new();
    CHECK(x != NULL && full != NULL);
    gr_extractor_skim(full, 0);
    fg_file *f = fg_file_new("src/lib.rs", 0), *g = fg_file_new("src/lib.rs", 0);
    gr_extract(x, f, t, len);
    gr_extract(full, g, t, len);
    CHECK(fg_same(f, g));
    for (size_t i = 0; i < f->ndiags; i++)
        fprintf(stderr, "line %u: %s\n", f->diags[i].line, f->diags[i].msg);
    fg_file_free(g);
    gr_extractor_free(x);
    gr_extractor_free(full);
    free(t);
    return f;
}

/* A `macro` item whose arm holds a multi-line `extern "C"` block sends
 * tree-sitter's error recovery over every item after it: std's
 * sys/unix/weak.rs lost its structs, their fields and impls.  They are
 * all there, and the macro too, with no syntax error left to report. */
SL_TEST(extractor_keeps_the_items_after_a_macro_2_item)
{
    fg_file *f = extract_both_ways("macro w {\n () => {\n let x = {\n extern \"C\" {\n static x: u8;\n }\n };\n"
                                   " }\n}\npub struct After;\n");
    CHECK(find(f, "After", GK_STRUCT) != NULL);
    CHECK(find(f, "w", GK_MACRO) != NULL);
    CHECK_EQ(f->ndiags, 0);
    fg_file_free(f);

    /* rustc 1.63's library/std/src/sys/unix/weak.rs, lines 31 to 56 */
    f = extract_both_ways("// We can use true weak linkage on ELF targets.\n"
                          "#[cfg(not(any(target_os = \"macos\", target_os = \"ios\")))]\n"
                          "pub(crate) macro weak {\n"
                          "    (fn $name:ident($($t:ty),*) -> $ret:ty) => (\n"
                          "        let ref $name: ExternWeak<unsafe extern \"C\" fn($($t),*) -> $ret> = {\n"
                          "            extern \"C\" {\n"
                          "                #[linkage = \"extern_weak\"]\n"
                          "                static $name: *const libc::c_void;\n"
                          "            }\n"
                          "            #[allow(unused_unsafe)]\n"
                          "            ExternWeak::new(unsafe { $name })\n"
                          "        };\n"
                          "    )\n"
                          "}\n"
                          "\n"
                          "// On non-ELF targets, use the dlsym approximation of weak linkage.\n"
                          "#[cfg(any(target_os = \"macos\", target_os = \"ios\"))]\n"
                          "pub(crate) use self::dlsym as weak;\n"
                          "\n"
                          "pub(crate) struct ExternWeak<F> {\n"
                          "    weak_ptr: *const libc::c_void,\n"
                          "    _marker: PhantomData<F>,\n"
                          "}\n"
                          "\n"
                          "impl<F> ExternWeak<F> {\n"
                          "    #[inline]\n");
    const fg_item *w = find(f, "weak", GK_MACRO), *s = find(f, "ExternWeak", GK_STRUCT);
    CHECK(w && w->line == 3 && w->col == 1 && w->end_line == 14 && w->end_col == 2);
    CHECK(w && !strcmp(fg_ptr(f, w->vis), "pub(crate)") && !strcmp(fg_ptr(f, w->sig), "pub(crate) macro weak"));
    CHECK(s && s->line == 20);
    CHECK(find(f, "weak_ptr", GK_FIELD) && find(f, "_marker", GK_FIELD) && find(f, "ExternWeak", GK_IMPL));
    CHECK(f->nuses == 1);
    CHECK_EQ(f->ndiags, 1); /* the impl the excerpt cuts short */
    fg_file_free(f);
}

/* A `macro` item is a macro node of the module it is written in, at its
 * visibility (its attributes and doc comment before it), in source order
 * among the items around it - skimmed constants included.  One in a
 * function body or in another macro's token tree is no item of a module:
 * it gets no node, and what is around it is read as before. */
SL_TEST(extractor_makes_macro_2_items_nodes_of_their_module)
{
    fg_file *f = extract_both_ways("pub const A: u8 = 1;\n"
                                   "/// doc\n"
                                   "#[rustc_builtin_macro]\n"
                                   "#[allow_internal_unstable(x)]\n"
                                   "pub(crate) macro first { () => { extern \"C\" {\n} } }\n"
                                   "pub const B: u8 = 2;\n"
                                   "pub mod inner {\n"
                                   "    #![allow(x)]\n"
                                   "    fn g() { macro in_body { () => {} } h(); }\n"
                                   "    #[rustc_builtin_macro]\n"
                                   "    pub macro with_args($x:expr) { \"macro in_string {}\" }\n"
                                   "    pub struct S; // macro in_comment {}\n"
                                   "    #[rustc_builtin_macro]\n"
                                   "    pub macro last_in_mod { }\n"
                                   "}\n"
                                   "macro_rules! mr { () => { macro in_macro_rules { } } }\n"
                                   "pub struct T;\n"
                                   "#[rustc_builtin_macro]\n"
                                   "pub macro at_the_end { () => {} }");
    const fg_item *a = find(f, "A", GK_CONST), *first = find(f, "first", GK_MACRO), *b = find(f, "B", GK_CONST);
    const fg_item *inner = find(f, "inner", GK_MODULE), *args = find(f, "with_args", GK_MACRO);
    const fg_item *last = find(f, "last_in_mod", GK_MACRO), *end = find(f, "at_the_end", GK_MACRO);
    CHECK(a && first && b && inner && args && last && end);
    CHECK(index_of(f, a) < index_of(f, first) && index_of(f, first) < index_of(f, b));
    CHECK(first && first->parent == 0 && first->line == 5 && first->col == 1 && first->end_line == 6);
    CHECK(first && !strcmp(fg_ptr(f, first->vis), "pub(crate)") && !strcmp(fg_ptr(f, first->sig), "pub(crate) macro first"));
    CHECK(args && args->parent == index_of(f, inner) && args->line == 12 && args->col == 5);
    CHECK(args && !strcmp(fg_ptr(f, args->sig), "pub macro with_args($x:expr)"));
    CHECK(last && last->parent == index_of(f, inner) && index_of(f, find(f, "S", GK_STRUCT)) < index_of(f, last));
    CHECK(end && end->parent == 0 && end->line == 20 && end->end_col == 34 && index_of(f, find(f, "T", GK_STRUCT)) < index_of(f, end));
    CHECK(!find(f, "in_body", GK_MACRO) && !find(f, "in_string", GK_MACRO) && !find(f, "in_comment", GK_MACRO));
    CHECK(!find(f, "in_macro_rules", GK_MACRO) && find(f, "mr", GK_MACRO));
    int calls_h = 0;
    for (size_t i = 0; i < f->nrefs; i++)
        calls_h += f->refs[i].edge == GE_CALLS && !strcmp(fg_ptr(f, f->refs[i].text), "h");
    CHECK_EQ(calls_h, 1);
    CHECK_EQ(f->ndiags, 0);
    fg_file_free(f);

    /* a syntax error elsewhere is still reported, at its own line */
    f = extract_both_ways("pub macro m { () => {} }\nfn broken( {\npub struct After;\n");
    CHECK(find(f, "m", GK_MACRO) && find(f, "After", GK_STRUCT));
    CHECK(f->ndiags == 1 && f->diags[0].line == 2);
    fg_file_free(f);
}

/* The scan behind it (macroitems.h): `macro` only where an item starts,
 * never in a literal, a comment, a raw identifier or after a macro
 * variable; and it stops where the brackets stop balancing, keeping what
 * it found, so that no text costs it more than a pass. */
SL_TEST(macro_2_scan_takes_items_only_and_stops_at_unbalanced_brackets)
{
    const char src[] = "#![feature(decl_macro)]\n"
                       "/* macro c1 {} */ const S: &str = \"macro s1 {}\"; r#macro;\n"
                       "fn f() { let r#macro = 1; x.y(macro_rules); }\n"
                       "macro_rules! m { ($v:vis) => { $v macro inner {} } }\n"
                       "#[a] pub(in crate::x) macro one(x) {}\n"
                       "pub macro two(x) ; macro three {}\n"
                       "macro unclosed { ( }\n"
                       "macro after_unclosed {}\n";
    gr_macro_defs d = {0};
    CHECK_EQ(gr_macro_defs_scan(src, (uint32_t)strlen(src), &d), 2);
    const char *one = strstr(src, "#[a]"), *three = strstr(src, "macro three");
    CHECK(d.v[0].a == (uint32_t)(one - src) && d.v[0].item_a == (uint32_t)(strstr(src, "pub(in") - src));
    CHECK(d.v[0].vis_end == (uint32_t)(strstr(src, " macro one") - src));
    CHECK(!memcmp(src + d.v[0].name_a, "one", 3) && d.v[0].name_b == d.v[0].name_a + 3);
    CHECK(d.v[1].a == (uint32_t)(three - src) && d.v[1].item_a == d.v[1].a && d.v[1].vis_end == d.v[1].a);
    CHECK(src[d.v[1].end - 1] == '}' && src[d.v[1].body] == '{');

    /* a long unbalanced text: one pass, then nothing more to find */
    size_t n = 200000;
    char *big = malloc(n * 10 + 1);
    CHECK(big != NULL);
    for (size_t i = 0; i < n; i++)
        memcpy(big + i * 10, "macro a { ", 10);
    CHECK_EQ(gr_macro_defs_scan(big, (uint32_t)(n * 10), &d), 0);
    for (size_t i = 0; i < n; i++)
        memcpy(big + i * 10, "macro a( ;", 10);
    CHECK_EQ(gr_macro_defs_scan(big, (uint32_t)(n * 10), &d), 0);
    free(big);
    gr_macro_defs_free(&d);
}

/* The same for a trait alias's brackets: a group that never closes ends
 * the scan, keeping what came before, not scanned again from each `trait`
 * inside it (up to 256 passes of the text). */
SL_TEST(trait_alias_scan_stops_at_unbalanced_brackets)
{
    const char src[] = "trait Before = A;\ntrait Unclosed = B<( ;\ntrait After = C;\n";
    gr_macro_defs d = {0};
    CHECK_EQ(gr_macro_defs_scan(src, (uint32_t)strlen(src), &d), 1);
    CHECK(d.n == 1 && !memcmp(src + d.v[0].name_a, "Before", 6));
    gr_macro_defs_free(&d);
}

/* Trait aliases and extern types are errors to the grammar, and had no
 * node: they have, a trait and a type, read from their text; a trait
 * with a body, and a `type` outside an extern block, are the grammar's
 * as before. */
SL_TEST(extractor_reads_trait_aliases_and_extern_types)
{
    fg_file *f = extract_both_ways("extern \"C\" {\n    pub type Opaque;\n    pub fn g();\n}\n"
                                   "pub trait Thin = Pointee<Metadata = ()>;\n"
                                   "trait Bounded<X: Fn() -> u8> = Clone where X: Copy;\n"
                                   "pub trait Real<T = u8>: Iterator<Item = T> { type Assoc; }\n"
                                   "pub type Alias = u8;\n");
    const fg_item *o = find(f, "Opaque", GK_TYPE), *t = find(f, "Thin", GK_TRAIT), *b = find(f, "Bounded", GK_TRAIT);
    CHECK(o && o->parent == 0 && o->line == 2 && o->col == 5 && !strcmp(fg_ptr(f, o->sig), "pub type Opaque"));
    CHECK(t && t->line == 5 && !strcmp(fg_ptr(f, t->vis), "pub") &&
          !strcmp(fg_ptr(f, t->sig), "pub trait Thin = Pointee<Metadata = ()>"));
    CHECK(b && b->line == 6 && !strcmp(fg_ptr(f, b->sig), "trait Bounded<X: Fn() -> u8> = Clone where X: Copy"));
    CHECK(find(f, "g", GK_FUNCTION) && find(f, "Real", GK_TRAIT) && find(f, "Assoc", GK_TYPE));
    CHECK(find(f, "Alias", GK_TYPE));
    CHECK(index_of(f, o) < index_of(f, find(f, "g", GK_FUNCTION)) && index_of(f, t) < index_of(f, b));
    CHECK_EQ(f->ndiags, 0);
    fg_file_free(f);

    gr_macro_defs d = {0};
    const char src[] = "trait Real { type Assoc; }\nimpl X { type Y; }\nunsafe extern { type Z; }\n";
    CHECK_EQ(gr_macro_defs_scan(src, (uint32_t)strlen(src), &d), 1);
    CHECK(d.v[0].kind == GR_DEF_EXTERN_TYPE && !memcmp(src + d.v[0].name_a, "Z", 1));
    gr_macro_defs_free(&d);
}
