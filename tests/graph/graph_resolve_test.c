/*
 * graph_resolve_test.c - name resolution and the module tree, pinned on
 * the hand-written crate in fixtures/resolve: each test is one rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "graph_run.h"

static const char *db(void)
{
    static char path[4200];
    if (!path[0]) {
        char dir[4096];
        scratch_dir(dir, sizeof dir);
        snprintf(path, sizeof path, "%s/g.sqlite", dir);
        int rc = graph_run("-q", "--db", path, GRAPH_FIXTURES "/resolve", NULL);
        CHECK_EQ(rc, 0);
    }
    return path;
}

SL_TEST(graph_resolves_call_through_use_alias)
{
    /* use util::helpers::compute as calc; calc(1) */
    CHECK(has_edge(db(), "crate::entry", "calls", "crate::util::helpers::compute"));
}

SL_TEST(graph_resolves_super_path)
{
    CHECK(has_edge(db(), "crate::util::helpers::compute", "calls", "crate::util::base"));
}

SL_TEST(graph_resolves_glob_import)
{
    /* use shapes::*; area_of(&c) */
    CHECK(has_edge(db(), "crate::entry", "calls", "crate::shapes::area_of"));
}

SL_TEST(graph_resolves_trait_method)
{
    /* Describe::describe(&c) and <Circle as Describe>::kind() */
    CHECK(has_edge(db(), "crate::entry", "calls", "crate::Describe::describe"));
    CHECK(has_edge(db(), "crate::net::place::here", "calls", "crate::Describe::kind"));
    CHECK(has_edge(db(), "crate::shapes::{impl Describe for Circle}", "implements", "crate::Describe"));
}

SL_TEST(graph_resolves_method_on_type_in_another_file)
{
    /* Circle::new through a glob import, and through crate:: from net/http.rs */
    CHECK(has_edge(db(), "crate::entry", "calls", "crate::shapes::Circle::new"));
    CHECK(has_edge(db(), "crate::net::http::get", "calls", "crate::shapes::Circle::new"));
    CHECK(has_edge(db(), "crate::net::http::get", "uses_type", "crate::shapes::Circle"));
}

SL_TEST(graph_resolves_self_method_call)
{
    CHECK(has_edge(db(), "crate::shapes::Circle::area", "calls", "crate::shapes::Circle::scale"));
}

SL_TEST(graph_links_impl_to_its_type)
{
    CHECK(has_edge(db(), "crate::shapes::{impl Circle}", "impl_of", "crate::shapes::Circle"));
    CHECK(has_edge(db(), "crate::shapes::{impl Describe for Circle}", "impl_of", "crate::shapes::Circle"));
}

SL_TEST(graph_resolves_bin_to_its_lib_by_crate_name)
{
    CHECK(has_edge(db(), "crate::main", "calls", "crate::entry"));
}

SL_TEST(graph_records_imports)
{
    CHECK(db_int(db(),
                 "SELECT count(*) FROM edges e JOIN nodes d ON d.id = e.dst WHERE e.kind = 'imports'"
                 " AND d.path = 'crate::util::helpers::compute'",
                 NULL, NULL, NULL) == 1);
}

SL_TEST(graph_keeps_unresolved_reference_with_its_text)
{
    CHECK(has_edge(db(), "crate::entry", "calls", "nowhere::missing"));
    CHECK_EQ(db_int(db(), "SELECT count(*) FROM nodes WHERE kind = 'unresolved' AND path = 'nowhere::missing'",
                    NULL, NULL, NULL), 1);
}

SL_TEST(graph_follows_nested_directory_rule_for_non_mod_rs)
{
    /* `pub mod http;` in src/net.rs loads src/net/http.rs */
    CHECK_EQ(db_int(db(),
                    "SELECT count(*) FROM nodes n JOIN files f ON f.id = n.file WHERE n.path = 'crate::net::http::get'"
                    " AND f.path LIKE '%src/net/http.rs'",
                    NULL, NULL, NULL), 1);
}

SL_TEST(graph_follows_path_attribute)
{
    CHECK_EQ(db_int(db(),
                    "SELECT count(*) FROM nodes n JOIN files f ON f.id = n.file WHERE n.path = 'crate::net::place::here'"
                    " AND f.path LIKE '%src/weird/place.rs'",
                    NULL, NULL, NULL), 1);
}

SL_TEST(graph_reports_orphan_files)
{
    CHECK_EQ(db_int(db(), "SELECT count(*) FROM files WHERE status = 'orphan' AND path LIKE '%src/unused.rs'", NULL,
                    NULL, NULL), 1);
    CHECK_EQ(db_int(db(), "SELECT count(*) FROM nodes WHERE name = 'never_reached'", NULL, NULL, NULL), 1);
}

SL_TEST(graph_gives_each_node_kind_and_span)
{
    CHECK_EQ(db_int(db(), "SELECT line FROM nodes WHERE path = 'crate::shapes::Circle::new'", NULL, NULL, NULL), 8);
    CHECK_EQ(db_int(db(), "SELECT count(*) FROM nodes WHERE path = 'crate::shapes::Circle::new' AND sub = 'associated'"
                    " AND vis = 'pub' AND sig = 'pub fn new(r: f64) -> Self'", NULL, NULL, NULL), 1);
    CHECK_EQ(db_int(db(), "SELECT count(*) FROM nodes WHERE path = 'crate::shapes::Circle::area' AND sub = 'method'",
                    NULL, NULL, NULL), 1);
    CHECK_EQ(db_int(db(), "SELECT count(*) FROM nodes WHERE kind = 'crate'", NULL, NULL, NULL), 2);
}

SL_TEST(graph_loads_path_attribute_outside_the_package)
{
    CHECK(has_edge(db(), "crate::outside", "calls", "crate::common::shared_fn"));
    CHECK(has_edge(db(), "crate::more::more_fn", "calls", "crate::common::shared_fn"));
    CHECK_EQ(db_int(db(), "SELECT count(*) FROM files WHERE path LIKE '%fixtures/shared/more.rs' AND status = 'ok'",
                    NULL, NULL, NULL), 1);
}

SL_TEST(graph_resolves_call_through_generic_trait_bound)
{
    CHECK(has_edge(db(), "crate::kind_of", "calls", "crate::Describe::kind"));
    CHECK(has_edge(db(), "crate::kind_where", "calls", "crate::Describe::kind"));
    /* the parameter T itself is not a type reference */
    CHECK_EQ(db_int(db(), "SELECT count(*) FROM nodes WHERE kind = 'unresolved' AND path = 'T'", NULL, NULL, NULL), 0);
}

SL_TEST(graph_resolves_method_on_field_of_self)
{
    CHECK(has_edge(db(), "crate::Holder::size", "calls", "crate::shapes::Circle::area"));
    CHECK(has_edge(db(), "crate::Holder::inner", "uses_type", "crate::shapes::Circle"));
}

/* Edges of kind from crate `from`'s node at path src to dst (a path in
 * crate `to`, "" for an unresolved node's text). */
static long long edges_between(const char *db, const char *from, const char *src, const char *kind, const char *to,
                               const char *dst)
{
    char sql[800];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM edges e JOIN nodes a ON a.id = e.src JOIN nodes b ON b.id = e.dst "
             "JOIN nodes ca ON ca.id = a.crate LEFT JOIN nodes cb ON cb.id = b.crate "
             "WHERE ca.name = '%s' AND ifnull(cb.name, '') = '%s' AND a.path = ? AND e.kind = ? AND b.path = ?",
             from, to);
    return db_int(db, sql, src, kind, dst);
}

/* The same text in an edition 2015 and an edition 2018 crate: a `use`
 * path starts at the crate root in 2015, in the module it is written in
 * later; `::x` is the root's x in 2015 (or, as the root's `extern crate x`
 * would, the crate x), the crate x later.  The edition is the package's
 * (none: 2015), the [lib] table's, or the workspace's through
 * `edition.workspace = true` - also when the member is graphed alone
 * (the workspace root is then the nearest Cargo.toml above with a
 * [workspace]). */
SL_TEST(graph_resolves_paths_by_each_crates_edition)
{
    static const char lib_rs[] = "extern crate util;\n"
                                 "pub mod shapes { pub fn area() {} }\n"
                                 "pub fn top() {}\n"
                                 "pub mod dep { extern crate dep; pub use self::dep::thing; }\n"
                                 "pub mod inner {\n"
                                 "    pub mod shapes { pub fn area() {} }\n"
                                 "    use shapes::area;\n"
                                 "    pub fn f() { area(); ::top(); ::util::helper(); ::shapes::area(); }\n"
                                 "}\n";
    char dir[4096], ws[4200], out[4200], out2[4200], member[4300];
    scratch_dir(dir, sizeof dir);
    snprintf(ws, sizeof ws, "%s/ws", dir);
    write_file(ws, "Cargo.toml",
               "[workspace]\nmembers = [\"old\", \"new\", \"lib15\", \"util\", \"dep\"]\n"
               "[workspace.package]\nedition = \"2018\"\n",
               -1);
    write_file(ws, "old/Cargo.toml", "[package]\nname = \"old\"\n", -1); /* no edition: 2015 */
    write_file(ws, "old/src/lib.rs", lib_rs, -1);
    write_file(ws, "new/Cargo.toml", "[package]\nname = \"new\"\nedition = { workspace = true }\n", -1);
    write_file(ws, "new/src/lib.rs", lib_rs, -1);
    write_file(ws, "lib15/Cargo.toml", "[package]\nname = \"lib15\"\nedition = \"2021\"\n[lib]\nedition = \"2015\"\n",
               -1);
    write_file(ws, "lib15/src/lib.rs", lib_rs, -1);
    write_file(ws, "util/Cargo.toml", "[package]\nname = \"util\"\nedition.workspace = true\n", -1);
    write_file(ws, "util/src/lib.rs", "pub fn helper() {}\nfn shapes() {}\n", -1);
    write_file(ws, "dep/Cargo.toml", "[package]\nname = \"dep\"\nedition = \"2021\"\n", -1);
    write_file(ws, "dep/src/lib.rs", "pub fn thing() {}\n", -1);
    snprintf(out, sizeof out, "%s/g.sqlite", dir);
    CHECK_EQ(graph_run("-q", "--db", out, ws, NULL), 0);
    for (int c = 0; c < 2; c++) {
        const char *old = c ? "lib15" : "old";
        /* 2015: from the crate root */
        CHECK_EQ(edges_between(out, old, "crate::inner::{use}", "imports", old, "crate::shapes::area"), 1);
        /* area() and ::shapes::area() (one edge), never the inner one */
        CHECK_EQ(edges_between(out, old, "crate::inner::f", "calls", old, "crate::shapes::area"), 1);
        CHECK_EQ(edges_between(out, old, "crate::inner::f", "calls", old, "crate::inner::shapes::area"), 0);
        CHECK_EQ(edges_between(out, old, "crate::inner::f", "calls", old, "crate::top"), 1);
        CHECK_EQ(edges_between(out, old, "crate::inner::f", "calls", "util", "crate::helper"), 1);
        CHECK_EQ(edges_between(out, old, "crate::{use}", "imports", "util", "crate"), 1);
        /* `extern crate dep;` in a module dep names the crate, not the module */
        CHECK_EQ(edges_between(out, old, "crate::dep::{use}", "imports", "dep", "crate"), 1);
        CHECK_EQ(edges_between(out, old, "crate::dep::{use}", "imports", "dep", "crate::thing"), 1);
    }
    /* 2018: from the module; `::x` a crate */
    CHECK_EQ(edges_between(out, "new", "crate::inner::{use}", "imports", "new", "crate::inner::shapes::area"), 1);
    CHECK_EQ(edges_between(out, "new", "crate::inner::f", "calls", "new", "crate::inner::shapes::area"), 1);
    CHECK_EQ(edges_between(out, "new", "crate::inner::f", "calls", "", "::top"), 1);
    CHECK_EQ(edges_between(out, "new", "crate::inner::f", "calls", "util", "crate::helper"), 1);
    CHECK_EQ(edges_between(out, "new", "crate::inner::f", "calls", "", "::shapes::area"), 1);
    CHECK_EQ(edges_between(out, "new", "crate::{use}", "imports", "util", "crate"), 1);
    CHECK_EQ(edges_between(out, "new", "crate::dep::{use}", "imports", "dep", "crate::thing"), 1);
    /* the member alone: its workspace is found above it */
    snprintf(out2, sizeof out2, "%s/g2.sqlite", dir);
    snprintf(member, sizeof member, "%s/new", ws);
    CHECK_EQ(graph_run("-q", "--db", out2, member, NULL), 0);
    CHECK_EQ(edges_between(out2, "new", "crate::inner::{use}", "imports", "new", "crate::inner::shapes::area"), 1);
    CHECK_EQ(edges_between(out2, "new", "crate::inner::f", "calls", "", "::top"), 1);
}
