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
