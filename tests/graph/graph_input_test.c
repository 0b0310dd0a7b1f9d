/*
 * graph_input_test.c - bad input and odd layouts: every problem is one
 * warning naming the file (and line), the rest of the graph is still
 * built, and the exit status is 1 ("written, with warnings").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "graph_run.h"

static const char lib_rs[] =
    "mod binary;\n"
    "mod latin1;\n"
    "mod huge;\n"
    "mod is_a_dir;\n"
    "mod dangling;\n"
    "mod missing;\n"
    "#[path = \"cycle_a.rs\"]\n"
    "mod cycle_a;\n"
    "mod broken;\n"
    "pub fn still_here() {}\n";

static char bad_dir[4096], bad_db[4200];
static int bad_rc;

/* One crate holding every kind of bad input, graphed once. */
static void bad_crate(void)
{
    if (bad_db[0])
        return;
    scratch_dir(bad_dir, sizeof bad_dir);
    write_file(bad_dir, "Cargo.toml", "[package]\nname = \"bad\"\n", -1);
    write_file(bad_dir, "src/lib.rs", lib_rs, -1);
    write_file(bad_dir, "src/binary.rs", "fn a() {}\0\1\2\3\0garbage", 22);
    write_file(bad_dir, "src/latin1.rs", "// caf\xe9\nfn latin1_fn() {}\n", -1);
    /* 20 MB of generated code: over the per-file limit, skipped */
    size_t big = 20u << 20;
    char *huge = malloc(big);
    const char line[] = "pub fn generated() -> u32 { 42 }\n";
    size_t have = sizeof line - 1;
    memcpy(huge, line, have);
    for (; have < big; have *= 2) /* the lines so far, copied after themselves */
        memcpy(huge + have, huge, have < big - have ? have : big - have);
    write_file(bad_dir, "src/huge.rs", huge, (long)big);
    free(huge);
    char p[4200], q[4200];
    snprintf(p, sizeof p, "%s/src/is_a_dir.rs", bad_dir);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/src/dangling.rs", bad_dir);
    snprintf(q, sizeof q, "%s/src/no-such-target.rs", bad_dir);
    CHECK(symlink(q, p) == 0);
    /* a module cycle through #[path]: cycle_a -> cycle_b -> cycle_a */
    write_file(bad_dir, "src/cycle_a.rs", "#[path = \"cycle_b.rs\"]\nmod cycle_b;\npub fn in_a() {}\n", -1);
    write_file(bad_dir, "src/cycle_b.rs", "#[path = \"cycle_a.rs\"]\nmod back;\npub fn in_b() {}\n", -1);
    write_file(bad_dir, "src/broken.rs", "pub fn before() {}\nfn oops( {\npub struct After;\n", -1);
    snprintf(bad_db, sizeof bad_db, "%s/g.sqlite", bad_dir);
    bad_rc = graph_run("-q", "--db", bad_db, bad_dir, NULL);
}

/* A warning on the file whose path ends in `file`, at `line`, whose text has `words`. */
static int warned(const char *file, long line, const char *words)
{
    char suffix[256], l[32], pat[256];
    snprintf(suffix, sizeof suffix, "%%%s", file);
    snprintf(l, sizeof l, "%ld", line);
    snprintf(pat, sizeof pat, "%%%s%%", words);
    long long n = db_int(bad_db, "SELECT count(*) FROM warnings WHERE file LIKE ?1 AND line = ?2 AND message LIKE ?3",
                         suffix, l, pat);
    if (n <= 0)
        fprintf(stderr, "no warning at %s:%ld with '%s'\n", file, line, words);
    return n > 0;
}

SL_TEST(graph_exit_status_says_warnings_occurred)
{
    bad_crate();
    CHECK_EQ(bad_rc, 1);
    CHECK(db_int(bad_db, "SELECT count(*) FROM nodes WHERE path = 'crate::still_here'", NULL, NULL, NULL) == 1);
}

SL_TEST(graph_warns_on_binary_file)
{
    bad_crate();
    CHECK(warned("src/binary.rs", 0, "binary"));
    CHECK(warned("src/lib.rs", 1, "could not be read"));
}

SL_TEST(graph_warns_on_invalid_utf8_and_keeps_items)
{
    bad_crate();
    CHECK(warned("src/latin1.rs", 1, "invalid UTF-8"));
    CHECK(db_int(bad_db, "SELECT count(*) FROM nodes WHERE path = 'crate::latin1::latin1_fn'", NULL, NULL, NULL) == 1);
}

SL_TEST(graph_skips_huge_generated_file_with_warning)
{
    bad_crate();
    CHECK(warned("src/huge.rs", 0, "limit"));
    CHECK(warned("src/lib.rs", 3, "huge"));
    CHECK(db_int(bad_db, "SELECT count(*) FROM nodes WHERE name = 'generated'", NULL, NULL, NULL) == 0);
}

SL_TEST(graph_warns_on_unreadable_module_file)
{
    /* A directory named x.rs and a dangling link: unreadable even as root,
     * where chmod 000 would not stop a read. */
    bad_crate();
    CHECK(warned("src/is_a_dir.rs", 0, "not a regular file"));
    CHECK(warned("src/lib.rs", 4, "is_a_dir"));
    CHECK(warned("src/dangling.rs", 0, "cannot open"));
    CHECK(warned("src/lib.rs", 5, "dangling"));
}

SL_TEST(graph_warns_on_missing_module_file)
{
    bad_crate();
    CHECK(warned("src/lib.rs", 6, "missing"));
}

SL_TEST(graph_stops_module_cycle_through_path)
{
    bad_crate();
    CHECK(warned("src/cycle_b.rs", 2, "cycle"));
    CHECK(db_int(bad_db, "SELECT count(*) FROM nodes WHERE path = 'crate::cycle_a::in_a'", NULL, NULL, NULL) == 1);
    CHECK(db_int(bad_db, "SELECT count(*) FROM nodes WHERE path = 'crate::cycle_a::cycle_b::in_b'", NULL, NULL,
                 NULL) == 1);
}

SL_TEST(graph_keeps_items_around_syntax_errors)
{
    bad_crate();
    CHECK(warned("src/broken.rs", 2, "syntax error"));
    CHECK(db_int(bad_db, "SELECT count(*) FROM nodes WHERE path = 'crate::broken::before'", NULL, NULL, NULL) == 1);
    CHECK(db_int(bad_db, "SELECT count(*) FROM nodes WHERE name = 'After' AND kind = 'struct'", NULL, NULL, NULL) == 1);
}

SL_TEST(graph_rejects_path_that_is_not_rust)
{
    char dir[4096];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "notes.txt", "hello", -1);
    char p[4200], out[4200];
    snprintf(p, sizeof p, "%s/notes.txt", dir);
    snprintf(out, sizeof out, "%s/g.json", dir);
    CHECK_EQ(graph_run("-q", "--json", out, p, NULL), 2);
    CHECK(access(out, F_OK) != 0); /* nothing written */
}

SL_TEST(graph_reads_workspace_members_with_globs)
{
    char dir[4096];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml",
               "[workspace]\n# members by glob, one excluded\nmembers = [\n  \"crates/*\",\n]\nexclude = [\"crates/old\"]\n",
               -1);
    write_file(dir, "crates/alpha/Cargo.toml", "[package]\nname = \"alpha-lib\"\n[lib]\npath = \"lib/root.rs\"\n", -1);
    write_file(dir, "crates/alpha/lib/root.rs", "pub fn a() {}\n", -1);
    write_file(dir, "crates/beta/Cargo.toml", "[package]\nname = 'beta'\n[[bin]]\nname = \"tool\"\npath = \"tool.rs\"\n", -1);
    write_file(dir, "crates/beta/tool.rs", "fn main() { alpha_lib::a(); }\n", -1);
    write_file(dir, "crates/beta/src/bin/extra.rs", "fn main() {}\n", -1);
    write_file(dir, "crates/old/Cargo.toml", "[package]\nname = \"old\"\n", -1);
    write_file(dir, "crates/old/src/lib.rs", "pub fn old() {}\n", -1);
    char out[4200];
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, dir, NULL), 0);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE kind = 'crate'", NULL, NULL, NULL), 3);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE kind = 'crate' AND name = 'alpha_lib' AND sig = 'lib'", NULL,
                    NULL, NULL), 1);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE name = 'old'", NULL, NULL, NULL), 0);
    CHECK(has_edge(out, "crate::main", "calls", "crate::a"));
}

SL_TEST(graph_takes_declared_test_bench_and_example_paths_as_crate_roots)
{
    /* nix's shape: `[[test]] path = "test/test.rs"` is a crate root, so
     * its `mod common;` is test/common.rs, not test/test/common.rs. */
    char dir[4096];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml",
               "[package]\nname = \"nixish\"\n[[test]]\nname = \"integration\"\npath = \"test/test.rs\"\n"
               "[[example]]\npath = \"ex/demo.rs\"\n[[bench]]\nname = \"speed\"\npath = \"perf/b.rs\"\n"
               "[[test]]\nname = \"plain\"\n[[example]]\nname = \"gone\"\npath = \"examples/gone.rs\"\n",
               -1);
    write_file(dir, "src/lib.rs", "pub fn lib() {}\n", -1);
    write_file(dir, "test/test.rs", "mod common;\nfn t() { common::helper(); }\n", -1);
    write_file(dir, "test/common.rs", "pub fn helper() {}\n", -1);
    write_file(dir, "ex/demo.rs", "mod util;\nfn main() { util::u(); }\n", -1);
    write_file(dir, "ex/util.rs", "pub fn u() {}\n", -1);
    write_file(dir, "perf/b.rs", "fn main() {}\n", -1);
    write_file(dir, "tests/plain.rs", "fn p() {}\n", -1);
    char out[4200];
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, dir, NULL), 0); /* 1 when a warning is written */
    CHECK_EQ(db_int(out, "SELECT count(*) FROM warnings", NULL, NULL, NULL), 0);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE kind = 'crate' AND name = 'integration' AND sig = 'test'",
                    NULL, NULL, NULL),
             1);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE kind = 'crate' AND name = 'demo' AND sig = 'example'",
                    NULL, NULL, NULL),
             1);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE kind = 'crate' AND name = 'speed' AND sig = 'bench'",
                    NULL, NULL, NULL),
             1);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE kind = 'crate' AND name = 'plain' AND sig = 'test'",
                    NULL, NULL, NULL),
             1);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE kind = 'crate'", NULL, NULL, NULL), 5);
    CHECK(has_edge(out, "crate::t", "calls", "crate::common::helper"));
    CHECK(has_edge(out, "crate::main", "calls", "crate::util::u"));
}

SL_TEST(graph_warns_on_malformed_cargo_toml_with_line)
{
    char dir[4096];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"x\"\nversion = [1, 2\n", -1);
    write_file(dir, "src/lib.rs", "pub fn guessed() {}\n", -1);
    char out[4200];
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, dir, NULL), 1);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM warnings WHERE file LIKE '%Cargo.toml' AND line = 4", NULL, NULL, NULL),
             1);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE name = 'guessed'", NULL, NULL, NULL), 1);
}

/* Valid Rust the grammar (tree-sitter-rust 0.23.2) has no rule for: a `~`
 * in a macro's token tree and a unit struct's where clause (an outside
 * tester: unmodified syn 1.0.107 got 6 syntax-error warnings, exit 1).  No
 * warning for those; a `~` beside a stray delimiter or an unknown token,
 * and a where clause cut short, are still syntax errors. */
SL_TEST(graph_takes_tilde_in_token_trees_and_unit_struct_where_clause)
{
    char dir[4096], out[4200];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"gaps\"\n", -1);
    write_file(dir, "src/lib.rs",
               "mod broken;\n"
               "macro_rules! m {\n    (~) => { 1 };\n    ($x:tt ~ $($y:tt)~*) => { 2 };\n}\n"
               "pub fn g() -> i32 { m!(~) + m![a ~ b ~ c] }\n"
               "m! { ~ }\n"
               "macro_rules! outer { () => { macro_rules! inner { [$] => { 3 }; } }; }\n"
               "struct Unit\nwhere\n    u8: Send + Sync;\n"
               "pub struct Gen<T>(T) where T: Copy;\n"
               "pub fn after() {}\n",
               -1);
    write_file(dir, "src/broken.rs",
               "pub fn a() { m!(~ ) ~); }\n"
               "pub fn b() { m!(~ \\ ~); }\n"
               "struct Cut where u8: Send\n"
               "pub fn c() {}\n",
               -1);
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, dir, NULL), 1); /* broken.rs */
    CHECK_EQ(db_int(out, "SELECT count(*) FROM warnings WHERE file LIKE '%/lib.rs'", NULL, NULL, NULL), 0);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM warnings WHERE file LIKE '%/broken.rs' AND line = 1 "
                         "AND message LIKE 'syntax error at column % (3 error regions%'",
                    NULL, NULL, NULL),
             1);
    /* (the cut where clause takes `c` with it) */
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE name IN ('g', 'Unit', 'Gen', 'after', 'a', 'b')", NULL, NULL,
                    NULL),
             6);
}

/* Rust 1.82's raw borrows and negative impls, read as rustc reads them.
 * `&raw const x` / `&raw mut x` are raw borrows; before anything else
 * `raw` is a plain name (`&raw`, `f(&raw, 1)`, `&raw[0]`), which the
 * grammar (tree-sitter-rust 0.23.2) took for the keyword: a syntax error
 * that cost the function its calls.  `impl !Send for T` is an impl of
 * the trait with negative polarity: path `{impl !Send for T}`, sub
 * `negative`, and it gives T none of the trait's items. */
SL_TEST(graph_reads_raw_borrows_and_negative_impls)
{
    char dir[4096], out[4200];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"rawneg\"\n", -1);
    write_file(dir, "src/lib.rs",
               "pub struct T { x: u32 }\n"
               "pub trait Tr { fn provided() {} }\n"
               "impl !Send for T {}\n"
               "impl<U> !Tr for Vec<U> {}\n"
               "impl Tr for u8 {}\n"
               "fn raw() -> u32 { 1 }\n"
               "pub fn g(x: &u32) -> &u32 { x }\n"
               "pub fn borrows(t: &mut T) -> *const u32 {\n"
               "    let raw = 2u32;\n"
               "    let a = &raw;\n"
               "    let b = &raw as *const u32;\n"
               "    let c = &raw const t.x;\n"
               "    let d = &raw mut t.x;\n"
               "    let e = & raw const *g(&raw);\n"
               "    h(&raw, 1);\n"
               "    T::provided();\n"
               "    e\n"
               "}\n"
               "fn h(_: &u32, _: u8) { let _ = &crate::raw(); }\n",
               -1);
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, dir, NULL), 0);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM warnings", NULL, NULL, NULL), 0);
    CHECK_EQ(db_int(out,
                    "SELECT count(*) FROM edges e JOIN nodes a ON a.id = e.src JOIN nodes b ON b.id = e.dst "
                    "WHERE e.kind = 'calls' AND ((a.name = 'borrows' AND b.name IN ('g', 'h')) "
                    "OR (a.name = 'h' AND b.path = 'crate::raw'))",
                    NULL, NULL, NULL),
             3);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE kind = 'impl' AND sub = 'negative' AND path IN "
                         "('crate::{impl !Send for T}', 'crate::{impl !Tr for Vec}')",
                    NULL, NULL, NULL),
             2);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE path = 'crate::{impl Tr for u8}' AND sub = ''", NULL, NULL,
                    NULL),
             1);
    /* T::provided() does not resolve through a negative impl */
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE kind = 'unresolved' AND path = 'T::provided'", NULL, NULL,
                    NULL),
             1);
}

/* Valid Rust the grammar (tree-sitter-rust 0.23.2) misread, from crates
 * of Debian's registry: edition 2015's `try!(e)`, `fn try` and `async` as
 * a name (net2, mio, xml-rs, argparse, ...: 35 files), a left-to-right
 * mark as white space (schannel), `x as T <= y` (mio), `dyn (FnMut(..))`
 * (gtk-rs) and empty bounds (`trait H: where ..`, average; `<T:>`).  Each
 * was a syntax error that could cost a function its calls; now the file
 * has no warning and every call is found, while the keywords still read
 * as keywords (`async fn`, `async move {}`, `async |x|`, `&raw const`). */
SL_TEST(graph_reads_edition_2015_names_and_syntax_rustc_takes)
{
    char dir[4096], out[4200];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"ed2015\"\n", -1);
    write_file(dir, "src/lib.rs",
               "mod modern;\n"
               "pub trait H: where Self: Sized { fn bins(&self); }\n"
               "pub trait E: { fn e(&self); }\n"
               "pub fn gen<T:, U: Clone>(_: T, _: U) {}\n"
               "fn g() -> Result<u8, ()> { Ok(1) }\n"
               "pub fn f() -> Result<u8, ()> { let v = try!(g()); let w = try ! (g()); Ok(v + w) }\n"
               "fn try(x: u8) -> u8 { x }\n"
               "fn async(x: u8) -> u8 { x }\n"
               "pub fn names() { let async = try(1); try(async); self::async(2); }\n"
               "pub fn lrm() -> u8 {\xe2\x80\x8e try(1) +\xe2\x80\x8f async(2) }\n"
               "pub fn cmp(curr: u8, tick: u8) -> bool { if curr as self::T <= tick { return try(1) > 0; } async(3) <= 2 }\n"
               "type T = u8;\n"
               "pub fn cb(_f: Option<&mut dyn (FnMut(u8) -> bool)>, _g: Box<dyn (Send) + Sync>) { try(4); }\n",
               -1);
    /* edition 2018 on: the keywords stay keywords */
    write_file(dir, "src/modern.rs",
               "fn g() -> u8 { 1 }\n"
               "fn asyncs(x: u8) -> u8 { x }\n"
               "pub async fn a1() { let _x = async move { g() }; let _y = async { 1 }; let _z = async |q: u8| q; asyncs(5); }\n"
               "fn h() -> Result<u8, ()> { Ok(1) }\n"
               "pub unsafe fn a2(p: *const u8) -> *const u8 { let r#try = 1; let _ = r#try; let _ = || -> Result<u8, ()> { Ok(r#try!(h())) }; &raw const *p }\n",
               -1);
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, dir, NULL), 0);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM warnings", NULL, NULL, NULL), 0);
    /* calls: f -> g (twice inside try!, read as (e)), names -> try, async; lrm -> try, async; cmp -> try, async; cb -> try;
     * a1 -> g, asyncs */
    CHECK_EQ(db_int(out,
                    "SELECT count(DISTINCT a.name || '>' || b.name) FROM edges e JOIN nodes a ON a.id = e.src "
                    "JOIN nodes b ON b.id = e.dst WHERE e.kind = 'calls' AND b.kind = 'function' AND "
                    "a.name || '>' || b.name IN ('f>g', 'names>try', 'names>async', 'lrm>try', 'lrm>async', "
                    "'cmp>try', 'cmp>async', 'cb>try', 'a1>g', 'a1>asyncs', 'a2>h')",
                    NULL, NULL, NULL),
             11);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE kind = 'function' AND name IN ('bins', 'e') AND "
                         "path IN ('crate::H::bins', 'crate::E::e')",
                    NULL, NULL, NULL),
             2);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE kind = 'function' AND sig IN "
                         "('pub async fn a1()', 'fn try(x: u8) -> u8', 'fn async(x: u8) -> u8', "
                         "'pub fn gen<T:, U: Clone>(_: T, _: U)')",
                    NULL, NULL, NULL),
             4);
}

/* `mod r#type;` loads type.rs (zvariant's lib.rs: "neither src/r#type.rs
 * nor src/r#type/mod.rs exists", and the module's items were lost), and
 * an inline `mod r#async { mod inner; }` owns the directory async/. */
SL_TEST(graph_loads_module_files_of_raw_identifiers)
{
    char dir[4096], out[4200];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"rawmod\"\n", -1);
    write_file(dir, "src/lib.rs",
               "pub mod r#type;\npub mod r#fn;\npub mod r#async { pub mod inner; }\n"
               "pub fn all() { r#type::t(); r#fn::f(); r#async::inner::i(); }\n",
               -1);
    write_file(dir, "src/type.rs", "pub fn t() {}\n", -1);
    write_file(dir, "src/fn/mod.rs", "pub fn f() {}\n", -1);
    write_file(dir, "src/async/inner.rs", "pub fn i() {}\n", -1);
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, dir, NULL), 0);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM warnings", NULL, NULL, NULL), 0);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM files WHERE status = 'ok'", NULL, NULL, NULL), 4);
    CHECK_EQ(db_int(out,
                    "SELECT count(*) FROM edges e JOIN nodes a ON a.id = e.src JOIN nodes b ON b.id = e.dst "
                    "WHERE e.kind = 'calls' AND a.name = 'all' AND b.kind = 'function'",
                    NULL, NULL, NULL),
             3);
}

/* A syntax error's warning names its column as well as its line (a
 * damaged file's `FILE:LINE: syntax error at column C (...)`): the byte
 * column, 1-based, where the first error region starts. */
SL_TEST(graph_names_the_column_of_a_syntax_error)
{
    char dir[4096], out[4200];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"col\"\n", -1);
    write_file(dir, "src/lib.rs", "fn f() {\n    let x = 1 +;\n}\npub fn g() {}\n", -1);
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, dir, NULL), 1);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM warnings WHERE file LIKE '%/src/lib.rs' AND line = 2 AND "
                         "message LIKE 'syntax error at column 16 (1 error region in the file%'",
                    NULL, NULL, NULL),
             1);
}

/* More valid Rust the grammar (tree-sitter-rust 0.23.2) misread, from
 * Debian's registry: a negative literal as a const argument
 * (`f::<_, -1>()`, array-init), a turbofish in a type's path (`->
 * ArrayVec::<u8, 4>`, blake2-rfc; `[MaybeUninit::<WCHAR>; 1024]` inside
 * a turbofish, libloading; `x as T::<A>`, `<Vec::<u8> as Tr>`), a
 * macro or `()` as a where clause's type (async-trait, typenum), an empty
 * where clause (typenum), a struct literal and pattern named like a
 * primitive type (`u128 { hi: 0 }`, ring), a lifetime as the first
 * bound (`impl '_ + Iterator`, os_str_bytes, rkyv), empty generics
 * (`Result<>`, `impl<> T`: tokio's and num-bigint's item macros), and the
 * unstable `auto trait` and `default impl` rustc parses.  Each was a
 * syntax error that could cost a function its calls or an item; now no
 * file has a warning, every call to hit() is found, and what is read as
 * an expression still is (`Vec::<u8>::new()`, `PhantomData::<u8>` as a
 * value and as a field's, `(a, -1)`, `a < -1`, `impl Tr for u8 {`,
 * `x as u64 >= 1 {`). */
SL_TEST(graph_reads_type_turbofish_const_minus_where_macros_and_primitive_structs)
{
    char dir[4096], out[4200];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"gaps\"\n", -1);
    write_file(dir, "src/lib.rs",
               "mod wh;\n"
               "mod unstable;\n"
               "pub struct ArrayVec<T, const N: usize>(T);\n"
               "#[allow(non_camel_case_types)]\n"
               "pub struct u128 { pub hi: u64 }\n"
               "pub struct Mark { pub p: core::marker::PhantomData<u8> }\n"
               "pub trait Tr { fn f() -> u8; }\n"
               "pub fn hit() -> u8 { 1 }\n"
               "pub fn init<T, const N: isize>() -> u8 { hit() }\n"
               "pub fn neg(a: i8) -> u8 { let _t = (a, -1); if a < -1 { return 0; } "
               "init::<_, -1>() + init::<u8, - 2>() + hit() }\n"
               "pub fn sel() -> ArrayVec::<u8, 4> { hit(); loop {} }\n"
               "pub fn cast(x: u8) -> u16 { let _b = init::<[core::mem::MaybeUninit::<u8>; 4], 1>(); "
               "(x as ArrayVec::<u8, 1>).0 as u16 + <Vec::<u8> as Tr>::f() as u16 + hit() as u16 }\n"
               "pub fn exprs() -> Mark { let _v = Vec::<u8>::new(); let _p = core::marker::PhantomData::<u8>; "
               "hit(); Mark { p: core::marker::PhantomData::<u8> } }\n"
               "pub fn prim(x: u128) -> u64 { let y = u128 { hi: 2 }; hit(); match x { u128 { hi, .. } => hi + y.hi } }\n"
               "pub fn b(x: u8) -> bool { if x as u64 >= 1 { return true; } hit() > 0 }\n"
               "impl Tr for u8 { fn f() -> u8 { hit() } }\n"
               "pub fn it(v: &[u8]) -> impl '_ + Iterator<Item = u8> { hit(); v.iter().copied() }\n"
               "pub fn dy() -> Box<dyn 'static + Send> { hit(); Box::new(1) }\n",
               -1);
    write_file(dir, "src/wh.rs",
               "use crate::{hit, Tr};\n"
               "macro_rules! mac { ($t:ty) => { $t } }\n"
               "pub fn wm<T>() -> u8 where mac!(T): Tr, T: Copy + mac!(u8), crate::mac![T]: Tr, (): Tr { hit() }\n"
               "pub fn wm2<T>() -> u8 where\n    T: Copy,\n    mac! {\n        T\n    }: Tr,\n{\n    hit()\n}\n"
               "pub fn ew() -> u8 where { hit() }\n",
               -1);
    write_file(dir, "src/unstable.rs",
               "use crate::{hit, Tr, u128};\n"
               "pub fn empty() -> Result<> { hit(); loop {} }\n"
               "impl<> u128 { pub fn w(&self) -> u8 { hit() } }\n"
               "pub auto trait Au {}\n"
               "default impl<T> Tr for T { fn f() -> u8 { hit() } }\n",
               -1);
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, dir, NULL), 0);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM warnings", NULL, NULL, NULL), 0);
    CHECK_EQ(db_int(out,
                    "SELECT count(DISTINCT a.path) FROM edges e JOIN nodes a ON a.id = e.src JOIN nodes b ON "
                    "b.id = e.dst WHERE e.kind = 'calls' AND b.path = 'crate::hit' AND a.path IN ('crate::b', "
                    "'crate::cast', 'crate::dy', 'crate::exprs', 'crate::init', 'crate::it', 'crate::neg', "
                    "'crate::prim', 'crate::sel', 'crate::u8::f', 'crate::unstable::T::f', "
                    "'crate::unstable::empty', 'crate::unstable::u128::w', 'crate::wh::ew', 'crate::wh::wm', "
                    "'crate::wh::wm2')",
                    NULL, NULL, NULL),
             16);
    /* the expressions kept their calls: init twice in neg, Tr::f and init in cast, Vec::new in exprs */
    CHECK_EQ(db_int(out,
                    "SELECT count(*) FROM edges e JOIN nodes a ON a.id = e.src JOIN nodes b ON b.id = e.dst "
                    "WHERE e.kind = 'calls' AND a.name || '>' || b.path IN ('neg>crate::init', "
                    "'cast>crate::init', 'cast>crate::Tr::f', 'exprs>Vec::new')",
                    NULL, NULL, NULL),
             4);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE path IN ('crate::unstable::Au', "
                         "'crate::unstable::{impl u128}', 'crate::unstable::{impl Tr for T}', 'crate::{impl Tr for u8}')",
                    NULL, NULL, NULL),
             4);
    CHECK_EQ(db_int(out,
                    "SELECT count(*) FROM edges e JOIN nodes a ON a.id = e.src JOIN nodes b ON b.id = e.dst "
                    "WHERE e.kind = 'uses_type' AND a.path = 'crate::sel' AND b.path = 'crate::ArrayVec'",
                    NULL, NULL, NULL),
             1);
}

/* An item macro inside a function body gives its items, as one among a
 * module's items does and as a body's own items do (`thread_local!` in a
 * function is common): cfg_if!, lazy_static!, thread_local!, bitflags!.
 * Other macros' token trees in a body are not items, even when they
 * parse as items (quote!, parse_quote! write code): none of theirs. */
/* `impl !Trait {}`, `impl !! {}`: negative impls without a trait, which
 * rustc parses (and rejects only after #[cfg] expansion: syn's tests hold
 * them under `#[cfg(any())]`).  The grammar read `!` as the never type, a
 * syntax error; now each is an impl of its type, negative, and gives it
 * nothing. */
SL_TEST(graph_reads_negative_impls_without_a_trait)
{
    char dir[4096], out[4200];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"negimpl\"\n", -1);
    write_file(dir, "src/lib.rs",
               "pub trait Tr { fn provided() {} }\n"
               "pub struct T;\n"
               "#[cfg(any())]\n"
               "impl !Tr {}\n"
               "impl !Tr for T {}\n"
               "pub fn body() {\n"
               "    #[cfg(any())]\n"
               "    impl<U> ! Tr<U> where U: Copy { fn m() {} }\n"
               "    #[cfg(any())]\n"
               "    impl !! {}\n"
               "    after();\n"
               "    Tr::m();\n"
               "}\n"
               "fn after() {}\n",
               -1);
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, dir, NULL), 0);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM warnings", NULL, NULL, NULL), 0);
    CHECK_EQ(db_int(out,
                    "SELECT count(*) FROM nodes WHERE kind = 'impl' AND sub = 'negative' AND path IN "
                    "('crate::{impl !Tr}', 'crate::body::{impl !Tr}', 'crate::{impl !Tr for T}', "
                    "'crate::body::{impl !!}')",
                    NULL, NULL, NULL),
             4);
    CHECK_EQ(db_int(out,
                    "SELECT count(*) FROM edges e JOIN nodes a ON a.id = e.src JOIN nodes b ON b.id = e.dst "
                    "WHERE e.kind = 'impl_of' AND a.path = 'crate::body::{impl !Tr}' AND b.path = 'crate::Tr'",
                    NULL, NULL, NULL),
             1);
    CHECK_EQ(db_int(out,
                    "SELECT count(*) FROM edges e JOIN nodes a ON a.id = e.src JOIN nodes b ON b.id = e.dst "
                    "WHERE e.kind = 'calls' AND a.path = 'crate::body' AND b.path = 'crate::after'",
                    NULL, NULL, NULL),
             1);
    /* a negative impl's items are not the type's */
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE kind = 'unresolved' AND path = 'Tr::m'", NULL, NULL, NULL),
             1);
}

/* Edition 2015's `use ::*;` (slog's tests): a glob import of the crate
 * root, which rustc parses and the grammar did not (it wants a path before
 * `::*`): a syntax error.  Now it imports the crate root, and the names it
 * brings resolve; `use ::{a, b}` imports `::a` and `::b`, as `use ::a`
 * does (it gave `a`, `b`). */
SL_TEST(graph_reads_edition_2015_root_glob_imports)
{
    char dir[4096], out[4200];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"rootglob\"\n", -1);
    write_file(dir, "src/lib.rs",
               "pub fn helper() {}\n"
               "pub struct Logger;\n"
               "mod tests {\n"
               "    use ::*;\n"
               "    use ::{alpha, beta};\n"
               "    fn makers(_l: Logger) {\n"
               "        pub use :: * ;\n"
               "        helper();\n"
               "    }\n"
               "}\n",
               -1);
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, dir, NULL), 0);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM warnings", NULL, NULL, NULL), 0);
    CHECK_EQ(db_int(out,
                    "SELECT count(*) FROM edges e JOIN nodes a ON a.id = e.src JOIN nodes b ON b.id = e.dst "
                    "WHERE e.kind = 'imports' AND b.path = 'crate' AND a.path IN "
                    "('crate::tests::{use}', 'crate::tests::makers::{use}')",
                    NULL, NULL, NULL),
             2);
    CHECK_EQ(db_int(out,
                    "SELECT count(*) FROM edges e JOIN nodes a ON a.id = e.src JOIN nodes b ON b.id = e.dst "
                    "WHERE a.path = 'crate::tests::makers' AND ((e.kind = 'calls' AND b.path = 'crate::helper') "
                    "OR (e.kind = 'uses_type' AND b.path = 'crate::Logger'))",
                    NULL, NULL, NULL),
             2);
    CHECK_EQ(db_int(out,
                    "SELECT count(*) FROM edges e JOIN nodes b ON b.id = e.dst "
                    "WHERE e.kind = 'imports' AND b.kind = 'unresolved' AND b.path IN ('::alpha', '::beta')",
                    NULL, NULL, NULL),
             2);
}

/* A turbofish at the end of a struct pattern's path (`let Foo::<T> { a,
 * .. } = x`, also in a function's or closure's parameters, a match arm, an
 * or-pattern, `for`, nested), with attributes on its fields or without:
 * rustc takes it, the grammar only before a later segment or in a struct
 * literal - a syntax error that cost the function its calls.  Struct
 * literals with a turbofish keep their calls.  So does a field named by a
 * tuple index in a pattern (`P { 0: a, .. }`), which the grammar takes in
 * a struct literal only. */
SL_TEST(graph_reads_turbofish_struct_patterns)
{
    char dir[4096], out[4200];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"patfish\"\nedition = \"2021\"\n", -1);
    write_file(dir, "src/lib.rs",
               "pub struct Foo<T> { pub a: T, pub b: u8 }\n"
               "pub fn p1(Foo::<u8> { #[cfg(all())] a, .. }: Foo<u8>) -> u8 { g(a) }\n"
               "pub fn p2(x: Foo<Vec<u8>>) { let Foo::<Vec<u8>> {\n    #[cfg(any())] a,\n    b: _,\n    ..\n} = x; g(1); }\n"
               "pub fn p3(x: Foo<u8>) -> u8 {\n"
               "    match x { Foo::<u8> { b, .. } | Foo::<u8> { a: b, .. } if b > 0 => g(b), _ => g(0) }\n"
               "}\n"
               "pub fn p4(v: Vec<Foo<u8>>) { for Foo::<u8> { a, .. } in v { g(a); } }\n"
               "pub fn p5(x: Option<Foo<u8>>) { if let Some(Foo::<u8> { a, .. }) = x { g(a); } }\n"
               "pub fn p6() { let _c = |Foo::<u8> { a, .. }: Foo<u8>| g(a); }\n"
               "pub fn l1(y: Foo<u8>) -> Foo<u8> { Foo::<u8> { #[cfg(all())] a: g(1), ..y } }\n"
               "pub struct P(pub u8, pub u8);\n"
               "pub fn t1(x: P) { let P { 0: a, .. } = x; g(a); }\n"
               "pub fn t2(P { #[cfg(all())] 1: b, 0: _ }: P) { g(b); }\n"
               "pub fn t3(x: P) -> P { match x { P { 0: 1, .. } => P { 0: g(1), #[cfg(all())] 1: 2 }, y => y } }\n"
               "fn g(a: u8) -> u8 { a }\n",
               -1);
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, dir, NULL), 0);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM warnings", NULL, NULL, NULL), 0);
    CHECK_EQ(db_int(out,
                    "SELECT count(DISTINCT a.name) FROM edges e JOIN nodes a ON a.id = e.src JOIN nodes b ON b.id = e.dst "
                    "WHERE e.kind = 'calls' AND b.path = 'crate::g' AND a.name IN ('p1','p2','p3','p4','p5','p6','l1','t1','t2','t3')",
                    NULL, NULL, NULL),
             10);
}

/* Outer attributes on a struct pattern's fields (proc-macro2's
 * `Literal { #[cfg(x)] inner: l, .. }`): rustc takes them, the grammar
 * only on a struct literal's: a syntax error.  Now the patterns parse and
 * the calls beside them count. */
SL_TEST(graph_reads_attributes_on_struct_pattern_fields)
{
    char dir[4096], out[4200];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"patattr\"\n", -1);
    write_file(dir, "src/lib.rs",
               "pub struct Lit { pub inner: u8, pub other: u8 }\n"
               "pub enum Tok<T> where T: Copy { Literal(Lit), Named { #[cfg(all())] f: T } }\n"
               "pub fn first(t: Tok<u8>) -> u8 {\n"
               "    match t {\n"
               "        Tok::Literal(crate::Lit {\n"
               "            #[cfg(all())]\n"
               "            inner: a,\n"
               "            #[cfg(any())] #[allow(unused)]\n"
               "            inner: a,\n"
               "            ..\n"
               "        }) => g(a),\n"
               "        Tok::Named { #[cfg(all())] f, .. } => h(f),\n"
               "    }\n"
               "}\n"
               "pub fn second(l: Lit) -> u8 { let Lit { #[cfg(all())] ref other, .. } = l; g(*other) }\n"
               "fn g(a: u8) -> u8 { a }\n"
               "fn h(a: u8) -> u8 { a }\n",
               -1);
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, dir, NULL), 0);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM warnings", NULL, NULL, NULL), 0);
    CHECK_EQ(db_int(out,
                    "SELECT count(*) FROM edges e JOIN nodes a ON a.id = e.src JOIN nodes b ON b.id = e.dst "
                    "WHERE e.kind = 'calls' AND ((a.path = 'crate::first' AND b.path IN ('crate::g', 'crate::h')) "
                    "OR (a.path = 'crate::second' AND b.path = 'crate::g'))",
                    NULL, NULL, NULL),
             3);
}

SL_TEST(graph_finds_item_macros_in_function_bodies)
{
    char dir[4096], out[4200];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"bodymac\"\n", -1);
    write_file(dir, "src/lib.rs",
               "pub fn body() -> u8 {\n"
               "    thread_local! { static CACHE: std::cell::Cell<u8> = std::cell::Cell::new(0); }\n"
               "    lazy_static::lazy_static! { static ref TABLE: Vec<u8> = Vec::new(); }\n"
               "    cfg_if::cfg_if! { if #[cfg(unix)] { fn local_unix() -> u8 { 1 } } else { fn local_other() -> u8 { 2 } } }\n"
               "    bitflags! { struct Fl: u8 { const A = 1; } }\n"
               "    let _t = quote! { fn not_an_item() {} };\n"
               "    let _u = parse_quote! { struct NotAType; };\n"
               "    CACHE.with(|c| c.get()) + local_unix()\n"
               "}\n",
               -1);
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, dir, NULL), 0);
    CHECK_EQ(db_int(out,
                    "SELECT count(*) FROM nodes WHERE path || ' ' || kind || ' ' || macro IN ("
                    "'crate::body::CACHE static thread_local', 'crate::body::TABLE static lazy_static', "
                    "'crate::body::local_unix function cfg_if', 'crate::body::local_other function cfg_if', "
                    "'crate::body::Fl struct bitflags', 'crate::body::Fl::A const bitflags')",
                    NULL, NULL, NULL),
             6);
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE name IN ('not_an_item', 'NotAType')", NULL, NULL, NULL),
             0);
    /* the call to the cfg_if! function resolves to it */
    CHECK_EQ(db_int(out,
                    "SELECT count(*) FROM edges e JOIN nodes a ON a.id = e.src JOIN nodes b ON b.id = e.dst "
                    "WHERE e.kind = 'calls' AND a.path = 'crate::body' AND b.path = 'crate::body::local_unix'",
                    NULL, NULL, NULL),
             1);
}

SL_TEST(graph_survives_deep_nesting_and_long_reexport_chains)
{
    char dir[4096];
    scratch_dir(dir, sizeof dir);
    write_file(dir, "Cargo.toml", "[package]\nname = \"deep\"\n", -1);
    /* 3000 modules, each re-exporting the previous one's `x`; 5000 nested
     * inline modules; 20000 nested parentheses in an expression */
    size_t cap = 1 << 22, len = 0;
    char *src = malloc(cap);
    len += (size_t)snprintf(src + len, cap - len, "pub mod m0 { pub fn x() {} }\n");
    for (int i = 1; i < 3000; i++)
        len += (size_t)snprintf(src + len, cap - len, "pub mod m%d { pub use super::m%d::x; }\n", i, i - 1);
    len += (size_t)snprintf(src + len, cap - len, "pub fn near() { m5::x() }\npub fn far() { m2999::x() }\n");
    for (int i = 0; i < 5000; i++)
        len += (size_t)snprintf(src + len, cap - len, "mod n {");
    for (int i = 0; i < 5000; i++)
        src[len++] = '}';
    len += (size_t)snprintf(src + len, cap - len, "\npub fn parens() -> u8 { ");
    for (int i = 0; i < 20000; i++)
        src[len++] = '(';
    src[len++] = '1';
    for (int i = 0; i < 20000; i++)
        src[len++] = ')';
    len += (size_t)snprintf(src + len, cap - len, " }\npub fn after() {}\n");
    write_file(dir, "src/lib.rs", src, (long)len);
    free(src);
    char out[4200];
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, dir, NULL), 1); /* the nesting limit is a warning */
    CHECK_EQ(db_int(out, "SELECT count(*) FROM warnings WHERE message LIKE '%nested deeper%'", NULL, NULL, NULL), 1);
    CHECK(has_edge(out, "crate::near", "calls", "crate::m0::x"));
    CHECK_EQ(db_int(out, "SELECT count(*) FROM nodes WHERE path IN ('crate::far', 'crate::parens', 'crate::after')",
                    NULL, NULL, NULL), 3);
}
