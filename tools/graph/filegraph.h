/*
 * filegraph.h - what a worker learns from one .rs file, in file-local terms.
 *
 * A worker parses one file and knows nothing of the crate around it, so
 * everything here is local: items are numbered by their position in the
 * file (item 0 is the file itself), references are path texts not yet
 * resolved, strings live in the file's own arena.  The merger turns these
 * into global nodes once every file is in; a fg_file is immutable after
 * the worker sends it, which is what lets workers share nothing.
 */
#ifndef SLUICE_GRAPH_FILEGRAPH_H
#define SLUICE_GRAPH_FILEGRAPH_H

#include <stddef.h>
#include <stdint.h>

/* Node kinds, in the order docs/formats/graph.md lists them. */
enum gr_kind {
    GK_CRATE,
    GK_MODULE,
    GK_FUNCTION,
    GK_STRUCT,
    GK_ENUM,
    GK_VARIANT,
    GK_UNION,
    GK_FIELD,
    GK_TRAIT,
    GK_IMPL,
    GK_CONST,
    GK_STATIC,
    GK_TYPE,
    GK_MACRO,
    GK_USE,
    GK_UNRESOLVED,
    GK__COUNT
};

/* Edge kinds, in alphabetical order: edges are sorted by (src, kind, dst)
 * and this makes that the order of the SQLite primary key too, so rows go
 * in at the end of the B-tree. */
enum gr_edge {
    GE_CALLS,
    GE_CONTAINS,
    GE_IMPL_OF,
    GE_IMPLEMENTS,
    GE_IMPORTS,
    GE_USES_TYPE,
    GE__COUNT
};

const char *gr_kind_name(int kind);
const char *gr_edge_name(int edge);

/* A string in the file's arena. */
typedef struct fg_str {
    uint32_t off, len;
} fg_str;

/* Subkinds: how a function, module or crate came to be. */
enum fg_sub {
    FS_NONE,
    FS_FREE,       /* function outside impl/trait */
    FS_METHOD,     /* function with a self parameter */
    FS_ASSOCIATED, /* function in impl/trait without self */
    FS_INLINE,     /* module with a body */
    FS_DECL,       /* `mod foo;` */
    FS_NEGATIVE,   /* impl !Trait for Type: the type does not implement the trait */
    FS__COUNT
};
const char *fg_sub_name(int sub);

typedef struct fg_item {
    uint8_t kind;       /* enum gr_kind */
    uint8_t sub;        /* enum fg_sub */
    uint32_t parent;    /* index of the containing item; item 0 has itself */
    fg_str name, sig, vis;
    fg_str path_attr;   /* #[path = "..."] on a `mod foo;`, else empty */
    fg_str macro;       /* the item macro it was written in (`cfg_if`, `bitflags`, ...), else empty */
    uint32_t line, col, end_line, end_col; /* 1-based, columns in bytes */
} fg_item;

/* How a reference names its target. */
enum fg_form {
    FF_PATH,        /* a::b::c, Self::x, super::y */
    FF_SELF_METHOD, /* self.name(...) inside an impl or trait */
    FF_FIELD_METHOD,/* self.field.name(...): text is "field.name" */
    FF_EXPR_METHOD  /* expr.name(...): the receiver's type is unknown */
};

typedef struct fg_ref {
    uint32_t from;  /* the item making the reference; lookups start there */
    uint8_t edge;   /* GE_IMPL_OF, GE_IMPLEMENTS, GE_USES_TYPE or GE_CALLS */
    uint8_t form;   /* enum fg_form */
    fg_str text;    /* normalised path ("a::b::c") or method name */
    uint32_t line;
} fg_ref;

/* One leaf of a use tree: `use a::{b as c, d::*}` gives two. */
typedef struct fg_use {
    uint32_t item;  /* the use item (or extern crate) */
    fg_str path;    /* full path of the leaf, "a::b" ("a" for `a::{self}`) */
    fg_str alias;   /* `as` name, or empty; "_" imports nothing by name */
    uint8_t glob;   /* path::* */
} fg_use;

typedef struct fg_diag {
    uint32_t line;
    char *msg;
} fg_diag;

typedef struct fg_file {
    char *path;         /* as the merger named it (owned) */
    uint32_t index;     /* the merger's file number */
    int failed;         /* nonzero: unreadable, diags say why, no items */
    int lost;           /* failed in a worker process (--isolate): not what the text alone gives
                         * (another run, other limits, may parse it), so not cached or recorded */
    uint64_t bytes;
    char *arena;
    size_t arena_len, arena_cap;
    fg_item *items;
    size_t nitems, items_cap;
    fg_ref *refs;
    size_t nrefs, refs_cap;
    fg_use *uses;
    size_t nuses, uses_cap;
    fg_diag *diags;
    size_t ndiags, diags_cap;
    /* The global string ids of the file's names, filled by the merger as
     * the file comes in (gr_mount_intern), NULL until then: per item its
     * name and visibility, per reference its text, per use its path and
     * the name it binds. */
    uint32_t *gid_items, *gid_refs, *gid_uses;
    /* With a cache: the cache key of the text it was made from
     * (graphcache.h), which run records keep (runrec.h); not encoded. */
    int keyed;
    uint8_t key[32];
} fg_file;

static inline const char *fg_ptr(const fg_file *f, fg_str s)
{
    return f->arena + s.off;
}

/* Building (the extractor) and freeing. */
fg_file *fg_file_new(const char *path, uint32_t index);
void fg_file_free(fg_file *f);

/* A worker's buffers, reused from file to file: fg_file_borrow lends them
 * to a fresh f while it is filled (they grow there as needed), and
 * fg_file_keep gives f copies of exactly the size it ended up with and
 * takes the buffers back.  Growing each file's arrays by doubling copied
 * them again at every step, and left up to half of each unused. */
typedef struct fg_scratch {
    fg_item *items;
    fg_ref *refs;
    fg_use *uses;
    char *arena;
    size_t items_cap, refs_cap, uses_cap, arena_cap;
} fg_scratch;
void fg_file_borrow(fg_file *f, fg_scratch *s);
void fg_file_keep(fg_file *f, fg_scratch *s);
void fg_scratch_free(fg_scratch *s);
fg_str fg_intern(fg_file *f, const char *s, size_t len);
uint32_t fg_add_item(fg_file *f, const fg_item *it);
void fg_add_ref(fg_file *f, const fg_ref *r);
void fg_add_use(fg_file *f, const fg_use *u);
void fg_diagf(fg_file *f, uint32_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
