/*
 * extract.c - walks a tree-sitter syntax tree of one Rust file and records
 * its items, use trees and unresolved references into a fg_file.
 *
 * The one idea: record, never resolve.  A worker sees one file, so every
 * name it meets is kept as path text ("super::a::B", "Self::new") together
 * with the item it appears in; the merger resolves them once all files are
 * in.  Items are visited by explicit recursion over item containers (whose
 * nesting is shallow and bounded by MAX_DEPTH); function bodies, which can
 * nest expressions arbitrarily deep, are walked with a tree cursor instead
 * of the C stack.
 */
#include "extract.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "hex_digit.h"
#include "macroitems.h"
#include "skim.h"
#include "tsarena.h"
#include "xalloc.h"

const TSLanguage *tree_sitter_rust(void);

enum { MAX_DEPTH = 200, MAX_SIG = 300, MAX_GENERICS = 256 };

/* The node types the extractor cares about. */
enum sym {
    S_OTHER,
    S_SOURCE_FILE, S_DECL_LIST, S_FUNCTION, S_FUNCTION_SIG, S_STRUCT, S_ENUM,
    S_ENUM_VARIANT_LIST, S_ENUM_VARIANT, S_UNION, S_TRAIT, S_IMPL, S_CONST,
    S_STATIC, S_TYPE_ITEM, S_ASSOC_TYPE, S_MACRO_DEF, S_USE, S_MOD,
    S_FOREIGN_MOD, S_EXTERN_CRATE, S_ATTRIBUTE_ITEM, S_ATTRIBUTE,
    S_FIELD_DECL_LIST, S_ORDERED_FIELD_LIST, S_FIELD_DECL, S_VISIBILITY,
    S_IDENTIFIER, S_TYPE_IDENTIFIER, S_SCOPED_IDENTIFIER, S_SCOPED_TYPE_IDENTIFIER,
    S_GENERIC_TYPE, S_GENERIC_FUNCTION, S_FIELD_EXPRESSION, S_CALL, S_SELF,
    S_SUPER, S_CRATE, S_USE_AS, S_USE_LIST, S_SCOPED_USE_LIST, S_USE_WILDCARD,
    S_TYPE_PARAMETERS, S_CONSTRAINED_TP, S_OPTIONAL_TP, S_CONST_PARAMETER,
    S_TYPE_BINDING, S_PRIMITIVE, S_LIFETIME, S_SELF_PARAMETER, S_PARAMETERS,
    S_PARAMETER, S_MACRO_INVOCATION, S_STRING_LITERAL, S_STRING_CONTENT,
    S_BLOCK, S_METAVARIABLE, S_BRACKETED_TYPE, S_QUALIFIED_TYPE, S_WHERE_CLAUSE,
    S_WHERE_PREDICATE, S_TRAIT_BOUNDS, S_ERROR, S_LINE_COMMENT, S_BLOCK_COMMENT,
    S_FIELD_IDENTIFIER, S_REFERENCE_TYPE, S_POINTER_TYPE, S_ARRAY_TYPE, S_DYNAMIC_TYPE,
    S_ABSTRACT_TYPE, S_TUPLE_TYPE, S_RAW_STRING_LITERAL, S_EXPR_STATEMENT, S__COUNT
};

/* The names are held in place, not pointed to: pointers in a PIE are
 * relocated at every start of the sluice binary.  "" where none. */
static const char sym_names[S__COUNT][32] = {
    [S_SOURCE_FILE] = "source_file", [S_DECL_LIST] = "declaration_list",
    [S_FUNCTION] = "function_item", [S_FUNCTION_SIG] = "function_signature_item",
    [S_STRUCT] = "struct_item", [S_ENUM] = "enum_item",
    [S_ENUM_VARIANT_LIST] = "enum_variant_list", [S_ENUM_VARIANT] = "enum_variant",
    [S_UNION] = "union_item", [S_TRAIT] = "trait_item", [S_IMPL] = "impl_item",
    [S_CONST] = "const_item", [S_STATIC] = "static_item", [S_TYPE_ITEM] = "type_item",
    [S_ASSOC_TYPE] = "associated_type", [S_MACRO_DEF] = "macro_definition",
    [S_USE] = "use_declaration", [S_MOD] = "mod_item", [S_FOREIGN_MOD] = "foreign_mod_item",
    [S_EXTERN_CRATE] = "extern_crate_declaration", [S_ATTRIBUTE_ITEM] = "attribute_item",
    [S_ATTRIBUTE] = "attribute", [S_FIELD_DECL_LIST] = "field_declaration_list",
    [S_ORDERED_FIELD_LIST] = "ordered_field_declaration_list",
    [S_FIELD_DECL] = "field_declaration", [S_VISIBILITY] = "visibility_modifier",
    [S_IDENTIFIER] = "identifier", [S_TYPE_IDENTIFIER] = "type_identifier",
    [S_SCOPED_IDENTIFIER] = "scoped_identifier",
    [S_SCOPED_TYPE_IDENTIFIER] = "scoped_type_identifier", [S_GENERIC_TYPE] = "generic_type",
    [S_GENERIC_FUNCTION] = "generic_function", [S_FIELD_EXPRESSION] = "field_expression",
    [S_CALL] = "call_expression", [S_SELF] = "self", [S_SUPER] = "super", [S_CRATE] = "crate",
    [S_USE_AS] = "use_as_clause", [S_USE_LIST] = "use_list",
    [S_SCOPED_USE_LIST] = "scoped_use_list", [S_USE_WILDCARD] = "use_wildcard",
    [S_TYPE_PARAMETERS] = "type_parameters", [S_CONSTRAINED_TP] = "constrained_type_parameter",
    [S_OPTIONAL_TP] = "optional_type_parameter", [S_CONST_PARAMETER] = "const_parameter",
    [S_TYPE_BINDING] = "type_binding", [S_PRIMITIVE] = "primitive_type",
    [S_LIFETIME] = "lifetime", [S_SELF_PARAMETER] = "self_parameter",
    [S_PARAMETERS] = "parameters", [S_PARAMETER] = "parameter",
    [S_MACRO_INVOCATION] = "macro_invocation", [S_STRING_LITERAL] = "string_literal",
    [S_STRING_CONTENT] = "string_content", [S_BLOCK] = "block",
    [S_METAVARIABLE] = "metavariable", [S_BRACKETED_TYPE] = "bracketed_type",
    [S_QUALIFIED_TYPE] = "qualified_type", [S_WHERE_CLAUSE] = "where_clause",
    [S_WHERE_PREDICATE] = "where_predicate", [S_TRAIT_BOUNDS] = "trait_bounds", [S_ERROR] = "ERROR",
    [S_LINE_COMMENT] = "line_comment", [S_BLOCK_COMMENT] = "block_comment",
    [S_FIELD_IDENTIFIER] = "field_identifier", [S_REFERENCE_TYPE] = "reference_type",
    [S_POINTER_TYPE] = "pointer_type", [S_ARRAY_TYPE] = "array_type", [S_DYNAMIC_TYPE] = "dynamic_type",
    [S_ABSTRACT_TYPE] = "abstract_type", [S_TUPLE_TYPE] = "tuple_type",
    [S_RAW_STRING_LITERAL] = "raw_string_literal", [S_EXPR_STATEMENT] = "expression_statement",
};

enum fld {
    F_NAME, F_BODY, F_TYPE, F_TRAIT, F_PARAMETERS, F_RETURN_TYPE, F_VALUE, F_PATH,
    F_ALIAS, F_LIST, F_ARGUMENT, F_FUNCTION, F_FIELD, F_TYPE_PARAMETERS, F_LEFT,
    F_BOUNDS, F_TYPE_ARGUMENTS, F_ELEMENT, F_ARGUMENTS, F_MACRO, F__COUNT
};
static const char fld_names[F__COUNT][16] = {
    "name", "body", "type", "trait", "parameters", "return_type", "value", "path",
    "alias", "list", "argument", "function", "field", "type_parameters", "left",
    "bounds", "type_arguments", "element", "arguments", "macro",
};

/* Grammar tables, computed once: symbol -> enum sym, field name -> id. */
static struct {
    const TSLanguage *lang;
    uint8_t *sym;
    uint32_t nsym;
    TSFieldId fld[F__COUNT];
} G;
static pthread_once_t G_once = PTHREAD_ONCE_INIT;

static void grammar_init(void)
{
    G.lang = tree_sitter_rust();
    G.nsym = ts_language_symbol_count(G.lang);
    G.sym = gr_xcalloc(G.nsym, 1);
    for (uint32_t s = 0; s < G.nsym; s++) {
        const char *n = ts_language_symbol_name(G.lang, (TSSymbol)s);
        int named = ts_language_symbol_type(G.lang, (TSSymbol)s) == TSSymbolTypeRegular;
        if (!n)
            continue;
        for (int k = 1; k < S__COUNT; k++) {
            /* `self`, `super`, `crate` are named in this grammar; keep
             * both forms so a keyword never maps to S_OTHER by accident. */
            if (sym_names[k][0] && !strcmp(n, sym_names[k]) && (named || k == S_SELF || k == S_SUPER || k == S_CRATE)) {
                G.sym[s] = (uint8_t)k;
                break;
            }
        }
    }
    for (int i = 0; i < F__COUNT; i++)
        G.fld[i] = ts_language_field_id_for_name(G.lang, fld_names[i], (uint32_t)strlen(fld_names[i]));
}

struct gr_extractor {
    TSParser *parser;  /* for files parsed without the arena */
    gr_tsarena *arena; /* NULL: plain malloc */
    int no_skim;       /* gr_extractor_skim(x, 0): parse every byte */
    gr_skims skims;    /* this file's constants left out of the parse */
    TSRange *ranges;   /* and the ranges parsed */
    size_t nranges, ranges_cap;
    /* A file whose parse has an error and holds `macro` items
     * (macroitems.h) is parsed again around them: */
    gr_macro_defs defs; /* those items (none: the first parse stands) */
    gr_skims held;      /* they and the skimmed regions, in source order */
    TSRange *held_ranges; /* and the ranges parsed the second time */
    size_t nheld_ranges, held_ranges_cap;
    /* The text the parser reads (grammar_text()), made once per file:
     * every parse of it - the second around `macro` items, one per item
     * macro - reads the same, and libc has thousands of macros a file. */
    char *gtext;    /* NULL: src itself */
    int gtext_made; /* gtext is this file's */
};

gr_extractor *gr_extractor_new(void)
{
    gr_tsarena_install(); /* before the first call into tree-sitter on this thread */
    pthread_once(&G_once, grammar_init);
    gr_extractor *x = gr_xcalloc(1, sizeof *x);
    x->parser = ts_parser_new();
    if (!x->parser || !ts_parser_set_language(x->parser, G.lang)) {
        if (x->parser)
            ts_parser_delete(x->parser);
        free(x);
        return NULL;
    }
    x->arena = gr_tsarena_new();
    return x;
}

void gr_extractor_skim(gr_extractor *x, int on)
{
    x->no_skim = !on;
}

void gr_extractor_free(gr_extractor *x)
{
    if (!x)
        return;
    ts_parser_delete(x->parser);
    gr_tsarena_free(x->arena);
    gr_skims_free(&x->skims);
    free(x->ranges);
    gr_macro_defs_free(&x->defs);
    gr_skims_free(&x->held);
    free(x->held_ranges);
    free(x->gtext);
    free(x);
}

/* ---- the walk's state -------------------------------------------------- */

typedef struct span {
    const char *p;
    uint32_t len;
} span;

typedef struct ex {
    fg_file *f;
    const char *src;
    size_t len;
    span generics[MAX_GENERICS]; /* generic parameter names in scope */
    fg_str bound[MAX_GENERICS];   /* each one's first trait bound, as a path */
    int ngenerics;
    int depth;
    int deep_warned;
    /* Where a call or an item can start: every '(' and every item keyword,
     * in source order (built on the first function body; see body()). */
    uint32_t *marks; /* within [mark_lo, mark_hi): the outermost body walked */
    size_t nmarks, marks_cap, mark_cur;
    uint32_t mark_lo, mark_hi;
    uint32_t *ends; /* body(): the end of each node the walk is inside */
    size_t ends_cap, ends_top;
    int marks_built;
    const gr_skimmed *skim; /* the constants left out of the parse */
    size_t nskim, skim_cur;
    const gr_macro_def *defs; /* the `macro` items left out of it */
    size_t ndefs, def_cur;
    uint32_t def_at;        /* a byte before the next one, and its point */
    TSPoint def_pt;
    TSNode root;            /* the file's tree */
    TSParser *parser;       /* the file's parser, for item macros' token trees */
    gr_extractor *x;        /* its text (parse_bounded()) */
    gr_macro_scan ms;       /* their scan (macroitems.h), reused */
    int macro_depth;        /* item macros inside item macros being read now */
    char buf[1024];
} ex;

static int sym(TSNode n)
{
    if (ts_node_is_null(n))
        return S_OTHER;
    TSSymbol s = ts_node_symbol(n);
    if (s == (TSSymbol)-1)
        return S_ERROR; /* tree-sitter's builtin error symbol, outside the grammar's table */
    return s < G.nsym ? G.sym[s] : S_OTHER;
}

static TSNode field(TSNode n, int fld)
{
    return ts_node_child_by_field_id(n, G.fld[fld]);
}

static int ident_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static span text(const ex *e, TSNode n)
{
    uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
    if (b > e->len)
        b = (uint32_t)e->len;
    if (a > b)
        a = b;
    return (span){e->src + a, b - a};
}

static fg_str keep(ex *e, span s)
{
    return fg_intern(e->f, s.p, s.len);
}

/* Source text from `a` up to byte `end`, whitespace runs collapsed to one
 * space and cut at MAX_SIG bytes: the signature shown for an item. */
static fg_str signature(ex *e, uint32_t a, uint32_t end)
{
    if (end > e->len)
        end = (uint32_t)e->len;
    size_t n = 0;
    int space = 0;
    for (uint32_t i = a; i < end && n < MAX_SIG; i++) {
        unsigned char c = (unsigned char)e->src[i];
        if (is_space((char)c)) {
            space = n > 0;
            continue;
        }
        if (space && n < MAX_SIG - 1)
            e->buf[n++] = ' ';
        space = 0;
        e->buf[n++] = (char)c;
    }
    while (n && (e->buf[n - 1] == '=' || e->buf[n - 1] == ' '))
        n--; /* "const X: u8 =" reads better as "const X: u8" */
    return fg_intern(e->f, e->buf, n);
}

/* Iterating the children of a container node with a cursor: node_child(i)
 * is linear in i, and item lists can hold thousands of entries. */
typedef struct kids {
    TSTreeCursor c;
    int ok;
} kids;

#define EACH_CHILD(k, parent)                                              \
    for (kids k = {ts_tree_cursor_new(parent), 0}; (k.ok = k.ok ? ts_tree_cursor_goto_next_sibling(&k.c) : ts_tree_cursor_goto_first_child(&k.c) ? 2 : 0) || (ts_tree_cursor_delete(&k.c), 0);)
#define KID(k) ts_tree_cursor_current_node(&(k).c)

/* ---- paths ------------------------------------------------------------ */

/* Appends the normalised path a node names ("a::b::C", generics dropped)
 * to out.  Returns 0 for what is not a plain path (<T as X>::f, macros). */
static int path_into(ex *e, TSNode n, char *out, size_t cap, size_t *len, int depth)
{
    if (ts_node_is_null(n) || depth > 64)
        return 0;
    switch (sym(n)) {
    case S_IDENTIFIER:
    case S_TYPE_IDENTIFIER:
    case S_SELF:
    case S_SUPER:
    case S_CRATE: {
        span s = text(e, n);
        if (*len + s.len + 1 > cap)
            return 0;
        memcpy(out + *len, s.p, s.len);
        *len += s.len;
        return 1;
    }
    case S_SCOPED_IDENTIFIER:
    case S_SCOPED_TYPE_IDENTIFIER: {
        TSNode p = field(n, F_PATH);
        if (!ts_node_is_null(p) && !path_into(e, p, out, cap, len, depth + 1))
            return 0;
        if (*len + 3 > cap)
            return 0;
        memcpy(out + *len, "::", 2); /* leading "::" for ::std::x */
        *len += 2;
        return path_into(e, field(n, F_NAME), out, cap, len, depth + 1);
    }
    case S_GENERIC_TYPE:
        return path_into(e, field(n, F_TYPE), out, cap, len, depth + 1);
    case S_BRACKETED_TYPE: {
        /* <T as Trait>::f names Trait's f; <T>::f names T's */
        TSNode q = ts_node_named_child_count(n) ? ts_node_named_child(n, 0) : (TSNode){0};
        if (sym(q) == S_QUALIFIED_TYPE)
            return path_into(e, field(q, F_ALIAS), out, cap, len, depth + 1);
        return path_into(e, q, out, cap, len, depth + 1);
    }
    case S_GENERIC_FUNCTION:
        return path_into(e, field(n, F_FUNCTION), out, cap, len, depth + 1);
    default:
        return 0;
    }
}

static int path_of(ex *e, TSNode n, fg_str *out)
{
    size_t len = 0;
    if (!path_into(e, n, e->buf, sizeof e->buf, &len, 0))
        return 0;
    *out = fg_intern(e->f, e->buf, len);
    return 1;
}

static int generic_index(const ex *e, span s)
{
    for (int i = e->ngenerics - 1; i >= 0; i--)
        if (e->generics[i].len == s.len && !memcmp(e->generics[i].p, s.p, s.len))
            return i;
    return -1;
}

static int is_generic(const ex *e, span s)
{
    return generic_index(e, s) >= 0;
}

/* The first trait in `T: A + B` (as a path), or empty. */
static fg_str first_bound(ex *e, TSNode bounds)
{
    fg_str r = {0, 0};
    if (ts_node_is_null(bounds))
        return r;
    EACH_CHILD(k, bounds) {
        TSNode c = KID(k);
        int s = sym(c);
        if (!r.len && (s == S_TYPE_IDENTIFIER || s == S_SCOPED_TYPE_IDENTIFIER || s == S_GENERIC_TYPE))
            path_of(e, c, &r);
    }
    return r;
}

static void push_generic(ex *e, TSNode n, fg_str bound)
{
    if (!ts_node_is_null(n) && e->ngenerics < MAX_GENERICS) {
        e->bound[e->ngenerics] = bound;
        e->generics[e->ngenerics++] = text(e, n);
    }
}

/* `where T: Trait` gives T a bound when its parameter list did not. */
static void where_bounds(ex *e, TSNode item)
{
    uint32_t nc = ts_node_named_child_count(item);
    for (uint32_t i = 0; i < nc; i++) {
        TSNode w = ts_node_named_child(item, i);
        if (sym(w) != S_WHERE_CLAUSE)
            continue;
        EACH_CHILD(k, w) {
            TSNode p = KID(k);
            if (sym(p) != S_WHERE_PREDICATE)
                continue;
            int g = generic_index(e, text(e, field(p, F_LEFT)));
            if (g >= 0 && !e->bound[g].len)
                e->bound[g] = first_bound(e, field(p, F_BOUNDS));
        }
    }
}

/* Brings an item's generic parameters into scope (until the caller resets
 * ngenerics): they are not references to items, and a call T::f() on one
 * with a trait bound names the trait's f. */
static void push_type_params(ex *e, TSNode item)
{
    TSNode tp = field(item, F_TYPE_PARAMETERS);
    if (ts_node_is_null(tp))
        return;
    fg_str none = {0, 0};
    EACH_CHILD(k, tp) {
        TSNode c = KID(k);
        switch (sym(c)) {
        case S_TYPE_IDENTIFIER:
            push_generic(e, c, none);
            break;
        case S_CONSTRAINED_TP:
            push_generic(e, field(c, F_LEFT), first_bound(e, field(c, F_BOUNDS)));
            break;
        case S_OPTIONAL_TP: {
            TSNode nm = field(c, F_NAME);
            if (sym(nm) == S_CONSTRAINED_TP)
                push_generic(e, field(nm, F_LEFT), first_bound(e, field(nm, F_BOUNDS)));
            else
                push_generic(e, nm, none);
            break;
        }
        case S_CONST_PARAMETER:
            push_generic(e, field(c, F_NAME), none);
            break;
        default:
            break;
        }
    }
    where_bounds(e, item);
}

static void add_ref(ex *e, uint32_t from, int edge, int form, fg_str t, TSNode at)
{
    fg_ref r = {from, (uint8_t)edge, (uint8_t)form, t, ts_node_start_point(at).row + 1};
    fg_add_ref(e->f, &r);
}

/* Records every item a type mentions (Vec<Foo> gives Vec and Foo), minus
 * primitives, lifetimes and generic parameters. */
static void type_refs(ex *e, TSNode n, uint32_t from, int edge, int depth)
{
    if (ts_node_is_null(n) || depth > 64)
        return;
    fg_str p;
    switch (sym(n)) {
    case S_PRIMITIVE:
    case S_LIFETIME:
        return;
    case S_TYPE_IDENTIFIER:
        if (!is_generic(e, text(e, n)) && path_of(e, n, &p))
            add_ref(e, from, edge, FF_PATH, p, n);
        return;
    case S_SCOPED_TYPE_IDENTIFIER:
        if (path_of(e, n, &p))
            add_ref(e, from, edge, FF_PATH, p, n);
        return;
    case S_GENERIC_TYPE: {
        TSNode base = field(n, F_TYPE);
        if (!(sym(base) == S_TYPE_IDENTIFIER && is_generic(e, text(e, base))) && path_of(e, base, &p))
            add_ref(e, from, edge, FF_PATH, p, base);
        TSNode args = field(n, F_TYPE_ARGUMENTS);
        if (!ts_node_is_null(args))
            type_refs(e, args, from, edge, depth + 1);
        return;
    }
    case S_TYPE_BINDING: /* Iterator<Item = Foo>: `Item` names no item */
        type_refs(e, field(n, F_TYPE), from, edge, depth + 1);
        return;
    default: {
        /* the first 64 named children, through a cursor (named_child(i)
         * walks from the first child each time) */
        int i = 0;
        EACH_CHILD(k, n) {
            TSNode c = KID(k);
            if (!ts_node_is_named(c) || i >= 64)
                continue;
            i++;
            type_refs(e, c, from, edge, depth + 1);
        }
        return;
    }
    }
}

static int is_comment(TSNode n)
{
    int s = sym(n);
    return s == S_LINE_COMMENT || s == S_BLOCK_COMMENT;
}

/* ---- items ------------------------------------------------------------- */

static uint32_t new_item(ex *e, TSNode n, int kind, uint32_t parent, TSNode name)
{
    fg_item it;
    memset(&it, 0, sizeof it);
    it.kind = (uint8_t)kind;
    it.parent = parent;
    if (!ts_node_is_null(name))
        it.name = keep(e, text(e, name));
    TSPoint a = ts_node_start_point(n), b = ts_node_end_point(n);
    it.line = a.row + 1;
    it.col = a.column + 1;
    it.end_line = b.row + 1;
    it.end_col = b.column + 1;
    /* among the first four children (child(i) walks from the first each
     * time; one cursor steps), which is only worth a look when the item's
     * text begins with one (`pub...` or the old `crate fn`) */
    span head = text(e, n);
    int maybe = (head.len > 3 && !memcmp(head.p, "pub", 3) && !ident_byte((unsigned char)head.p[3])) ||
                (head.len > 5 && !memcmp(head.p, "crate", 5) && !ident_byte((unsigned char)head.p[5]));
    if (maybe) {
        TSTreeCursor c = ts_tree_cursor_new(n);
        if (ts_tree_cursor_goto_first_child(&c)) {
            int i = 0;
            do {
                TSNode k = ts_tree_cursor_current_node(&c);
                if (sym(k) == S_VISIBILITY) {
                    it.vis = keep(e, text(e, k));
                    break;
                }
            } while (++i < 4 && ts_tree_cursor_goto_next_sibling(&c));
        }
        ts_tree_cursor_delete(&c);
    }
    return fg_add_item(e->f, &it);
}

static void set_sig(ex *e, uint32_t item, TSNode n, TSNode stop)
{
    uint32_t end = ts_node_is_null(stop) ? ts_node_end_byte(n) : ts_node_start_byte(stop);
    fg_str s = signature(e, ts_node_start_byte(n), end);
    e->f->items[item].sig = s;
}

static void items_in(ex *e, TSNode list, uint32_t parent);
static void item(ex *e, TSNode n, uint32_t parent, fg_str path_attr);
static void body(ex *e, TSNode block, uint32_t fn);
static void macro_items(ex *e, uint32_t name_a, uint32_t name_b, uint32_t open, TSPoint open_pt, uint32_t close,
                        uint32_t parent);

static int parent_kind(ex *e, uint32_t parent)
{
    return e->f->items[parent].kind;
}

static void function(ex *e, TSNode n, uint32_t parent)
{
    TSNode body_n = field(n, F_BODY);
    uint32_t id = new_item(e, n, GK_FUNCTION, parent, field(n, F_NAME));
    set_sig(e, id, n, body_n);
    int pk = parent_kind(e, parent);
    int sub = FS_FREE;
    TSNode params = field(n, F_PARAMETERS);
    if (pk == GK_IMPL || pk == GK_TRAIT) {
        sub = FS_ASSOCIATED;
        if (!ts_node_is_null(params) && ts_node_named_child_count(params) > 0 &&
            sym(ts_node_named_child(params, 0)) == S_SELF_PARAMETER)
            sub = FS_METHOD;
    }
    e->f->items[id].sub = (uint8_t)sub;
    int saved = e->ngenerics;
    push_type_params(e, n);
    if (!ts_node_is_null(params)) {
        EACH_CHILD(k, params) {
            TSNode c = KID(k);
            if (sym(c) == S_PARAMETER)
                type_refs(e, field(c, F_TYPE), id, GE_USES_TYPE, 0);
        }
    }
    type_refs(e, field(n, F_RETURN_TYPE), id, GE_USES_TYPE, 0);
    if (!ts_node_is_null(body_n))
        body(e, body_n, id);
    e->ngenerics = saved;
}

static void fields(ex *e, TSNode list, uint32_t owner)
{
    if (ts_node_is_null(list))
        return;
    if (sym(list) == S_ORDERED_FIELD_LIST) {
        /* Tuple fields have no names: the owner uses their types. */
        EACH_CHILD(k, list) {
            TSNode c = KID(k);
            if (ts_node_is_named(c) && sym(c) != S_VISIBILITY && sym(c) != S_ATTRIBUTE_ITEM)
                type_refs(e, c, owner, GE_USES_TYPE, 0);
        }
        return;
    }
    EACH_CHILD(k, list) {
        TSNode c = KID(k);
        if (sym(c) != S_FIELD_DECL)
            continue;
        uint32_t id = new_item(e, c, GK_FIELD, owner, field(c, F_NAME));
        set_sig(e, id, c, (TSNode){0});
        type_refs(e, field(c, F_TYPE), id, GE_USES_TYPE, 0);
    }
}

static void variants(ex *e, TSNode list, uint32_t en)
{
    if (ts_node_is_null(list))
        return;
    EACH_CHILD(k, list) {
        TSNode c = KID(k);
        if (sym(c) != S_ENUM_VARIANT)
            continue;
        uint32_t id = new_item(e, c, GK_VARIANT, en, field(c, F_NAME));
        set_sig(e, id, c, field(c, F_VALUE));
        fields(e, field(c, F_BODY), id);
    }
}

/* The name an impl goes by: the last segment of its self type's path
 * ("Foo" for impl<T> Trait for a::Foo<T>), looking through references,
 * pointers, slices, arrays and dyn Trait, which is the name ctags and
 * readers use for it; a tuple is named by its own text. */
static TSNode impl_name(TSNode t)
{
    for (int i = 0; i < 32 && !ts_node_is_null(t); i++) {
        switch (sym(t)) {
        case S_TYPE_IDENTIFIER:
        case S_IDENTIFIER:
        case S_PRIMITIVE:
            return t;
        case S_GENERIC_TYPE:
        case S_REFERENCE_TYPE:
        case S_POINTER_TYPE:
            t = field(t, F_TYPE);
            continue;
        case S_ARRAY_TYPE:
            t = field(t, F_ELEMENT);
            continue;
        case S_SCOPED_TYPE_IDENTIFIER:
        case S_SCOPED_IDENTIFIER:
            t = field(t, F_NAME);
            continue;
        case S_DYNAMIC_TYPE:
        case S_ABSTRACT_TYPE:
            t = field(t, F_TRAIT);
            continue;
        case S_TUPLE_TYPE:
            /* the tuple as written, `(u8, u16)` as `()`: no element of it
             * is the type, and naming it by one would join it to that
             * type's impls */
            return t;
        default:
            return (TSNode){0};
        }
    }
    return (TSNode){0};
}

/* The self type's path, for impl_of: through references and pointers. */
static TSNode impl_type_path(TSNode t)
{
    for (int i = 0; i < 8 && !ts_node_is_null(t); i++) {
        int s = sym(t);
        if (s == S_TYPE_IDENTIFIER || s == S_SCOPED_TYPE_IDENTIFIER || s == S_SCOPED_IDENTIFIER ||
            s == S_GENERIC_TYPE || s == S_IDENTIFIER)
            return t;
        if (s == S_REFERENCE_TYPE || s == S_POINTER_TYPE)
            t = field(t, F_TYPE);
        else
            break;
    }
    return (TSNode){0};
}

static size_t back_blank(const char *s, size_t k);

static void impl(ex *e, TSNode n, uint32_t parent)
{
    TSNode type = field(n, F_TYPE), trait = field(n, F_TRAIT), body_n = field(n, F_BODY);
    TSNode tp = impl_type_path(type);
    TSNode nm = impl_name(type);
    uint32_t id = new_item(e, n, GK_IMPL, parent, ts_node_is_null(nm) ? type : nm);
    set_sig(e, id, n, body_n);
    /* `impl !Trait for Type` (a negative impl): a `!` before the trait */
    if (!ts_node_is_null(trait)) {
        EACH_CHILD(k, n) { /* (no break: the loop's end frees the cursor) */
            TSNode c = KID(k);
            if (ts_node_end_byte(c) <= ts_node_start_byte(trait) && !ts_node_is_named(c) && !strcmp(ts_node_type(c), "!"))
                e->f->items[id].sub = FS_NEGATIVE;
        }
    } else if (!ts_node_is_null(type)) {
        /* `impl !Trait {}`, whose `!` the parser read as a space
         * (fix_negative_inherent_impl): in the file, a `!` before the type */
        size_t b = back_blank(e->src, ts_node_start_byte(type));
        if (b > 0 && e->src[b - 1] == '!')
            e->f->items[id].sub = FS_NEGATIVE;
    }
    int saved = e->ngenerics;
    push_type_params(e, n);
    fg_str p;
    if (!ts_node_is_null(tp) && path_of(e, tp, &p))
        add_ref(e, id, GE_IMPL_OF, FF_PATH, p, tp);
    if (!ts_node_is_null(trait) && path_of(e, trait, &p))
        add_ref(e, id, GE_IMPLEMENTS, FF_PATH, p, trait);
    if (!ts_node_is_null(body_n))
        items_in(e, body_n, id);
    e->ngenerics = saved;
}

/* Appends the "::" between a use tree's prefix and what follows it: none
 * after an empty prefix, nor after "::" itself (`use ::{a, b}`). */
static void use_sep(char *path, size_t *len)
{
    if (*len && !(*len == 2 && path[0] == ':' && path[1] == ':'))
        memcpy(path + *len, "::", 2), *len += 2;
}

/* Flattens a use tree into one fg_use per leaf.  A leading `::` with
 * nothing before it (`use ::{a, b}`, edition 2015's `use ::*`) is the
 * prefix "::", so `::{a}` imports "::a" as `::a` does. */
static void use_tree(ex *e, TSNode n, const char *prefix, size_t plen, uint32_t item, int depth)
{
    if (ts_node_is_null(n) || depth > 32)
        return;
    char path[512];
    size_t len = 0;
    fg_use u;
    memset(&u, 0, sizeof u);
    u.item = item;
    if (plen >= sizeof path - 4)
        return;
    memcpy(path, prefix, plen);
    len = plen;
    switch (sym(n)) {
    case S_USE_LIST:
        EACH_CHILD(k, n) {
            TSNode c = KID(k);
            if (ts_node_is_named(c))
                use_tree(e, c, prefix, plen, item, depth + 1);
        }
        return;
    case S_SCOPED_USE_LIST: {
        TSNode p = field(n, F_PATH);
        if (!ts_node_is_null(p)) {
            use_sep(path, &len);
            if (!path_into(e, p, path, sizeof path, &len, 0))
                return;
        } else if (!len) { /* `use ::{a, b}` */
            memcpy(path, "::", 2);
            len = 2;
        }
        use_tree(e, field(n, F_LIST), path, len, item, depth + 1);
        return;
    }
    case S_USE_WILDCARD: {
        TSNode p = ts_node_named_child_count(n) ? ts_node_named_child(n, 0) : (TSNode){0};
        if (!ts_node_is_null(p)) {
            use_sep(path, &len);
            if (!path_into(e, p, path, sizeof path, &len, 0))
                return;
        } else if (!len) {
            /* `use ::*`, whose `::` the parser read as spaces
             * (fix_root_glob): in the file, `::` before the `*` */
            size_t b = back_blank(e->src, ts_node_start_byte(n));
            if (b >= 2 && e->src[b - 1] == ':' && e->src[b - 2] == ':')
                memcpy(path, "::", 2), len = 2;
        }
        u.glob = 1;
        break;
    }
    case S_USE_AS:
        use_sep(path, &len);
        if (!path_into(e, field(n, F_PATH), path, sizeof path, &len, 0))
            return;
        u.alias = keep(e, text(e, field(n, F_ALIAS)));
        break;
    default:
        use_sep(path, &len);
        if (!path_into(e, n, path, sizeof path, &len, 0))
            return;
        break;
    }
    /* `a::{self}` imports `a` itself. */
    if (len >= 6 && !memcmp(path + len - 6, "::self", 6))
        len -= 6;
    u.path = fg_intern(e->f, path, len);
    fg_add_use(e->f, &u);
}

static void use_decl(ex *e, TSNode n, uint32_t parent)
{
    TSNode arg = field(n, F_ARGUMENT);
    uint32_t id = new_item(e, n, GK_USE, parent, arg);
    set_sig(e, id, n, (TSNode){0});
    use_tree(e, arg, "", 0, id, 0);
}

static void extern_crate(ex *e, TSNode n, uint32_t parent)
{
    TSNode name = field(n, F_NAME), alias = field(n, F_ALIAS);
    uint32_t id = new_item(e, n, GK_USE, parent, name);
    set_sig(e, id, n, (TSNode){0});
    fg_use u;
    memset(&u, 0, sizeof u);
    u.item = id;
    span s = text(e, name);
    /* `extern crate self as x` and `extern crate foo` both name a crate
     * root; "::foo" asks the resolver for the crate, not a local item. */
    size_t len = (size_t)snprintf(e->buf, sizeof e->buf, "%s%.*s",
                                  (s.len == 4 && !memcmp(s.p, "self", 4)) ? "" : "::", (int)s.len, s.p);
    if (len == 4 && !memcmp(e->buf, "self", 4))
        len = (size_t)snprintf(e->buf, sizeof e->buf, "crate");
    u.path = fg_intern(e->f, e->buf, len < sizeof e->buf ? len : sizeof e->buf - 1);
    if (!ts_node_is_null(alias))
        u.alias = keep(e, text(e, alias));
    fg_add_use(e->f, &u);
}

/* ---- #[path] strings -------------------------------------------------- */

/* The end (one past the closing quote) of the Rust string literal at t[i]
 * - "...", r"...", r#"..."# - or 0 when there is none before len. */
static uint32_t literal_end(const char *t, uint32_t i, uint32_t len)
{
    if (i < len && t[i] == 'r') {
        uint32_t j = i + 1, hashes = 0;
        while (j < len && t[j] == '#')
            j++, hashes++;
        if (j >= len || t[j] != '"')
            return 0;
        for (j++; j < len; j++) {
            uint32_t k = 0;
            if (t[j] != '"')
                continue;
            while (k < hashes && j + 1 + k < len && t[j + 1 + k] == '#')
                k++;
            if (k == hashes)
                return j + 1 + hashes;
        }
        return 0;
    }
    if (i >= len || t[i] != '"')
        return 0;
    for (uint32_t j = i + 1; j < len; j++) {
        if (t[j] == '\\')
            j++;
        else if (t[j] == '"')
            return j + 1;
    }
    return 0;
}

/* Appends code point c as UTF-8; 0 when it is not one (or is NUL, which
 * no path may hold). */
static int put_utf8(char *out, size_t cap, size_t *n, uint32_t c)
{
    if (!c || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) || *n + 4 >= cap)
        return 0;
    if (c < 0x80) {
        out[(*n)++] = (char)c;
    } else if (c < 0x800) {
        out[(*n)++] = (char)(0xC0 | c >> 6);
        out[(*n)++] = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out[(*n)++] = (char)(0xE0 | c >> 12);
        out[(*n)++] = (char)(0x80 | (c >> 6 & 0x3F));
        out[(*n)++] = (char)(0x80 | (c & 0x3F));
    } else {
        out[(*n)++] = (char)(0xF0 | c >> 18);
        out[(*n)++] = (char)(0x80 | (c >> 12 & 0x3F));
        out[(*n)++] = (char)(0x80 | (c >> 6 & 0x3F));
        out[(*n)++] = (char)(0x80 | (c & 0x3F));
    }
    return 1;
}

/* One escape of a (non-raw) string at t[*j] (just past the backslash):
 * appended to out, *j moved past it.  0 for an escape Rust rejects. */
static int unescape(const char *t, uint32_t end, uint32_t *j, char *out, size_t cap, size_t *n)
{
    char c = t[(*j)++];
    switch (c) {
    case 'n': return put_utf8(out, cap, n, '\n');
    case 'r': return put_utf8(out, cap, n, '\r');
    case 't': return put_utf8(out, cap, n, '\t');
    case '\\': case '\'': case '"': return put_utf8(out, cap, n, (unsigned char)c);
    case '0': return 0; /* NUL: no path holds one */
    case '\n': /* a line continuation: the newline and the whitespace after it go */
        while (*j < end && is_space(t[*j]))
            (*j)++;
        return 1;
    case 'x': {
        int a = *j + 1 < end ? sl_hex_digit(t[*j]) : -1, b = *j + 1 < end ? sl_hex_digit(t[*j + 1]) : -1;
        if (a < 0 || b < 0 || a > 7)
            return 0;
        *j += 2;
        return put_utf8(out, cap, n, (uint32_t)(a << 4 | b));
    }
    case 'u': {
        if (*j >= end || t[*j] != '{')
            return 0;
        uint32_t v = 0, digits = 0;
        for ((*j)++; *j < end && t[*j] != '}'; (*j)++) {
            int d = sl_hex_digit(t[*j]);
            if (t[*j] == '_')
                continue;
            if (d < 0 || ++digits > 6)
                return 0;
            v = v << 4 | (uint32_t)d;
        }
        if (*j >= end || !digits)
            return 0;
        (*j)++;
        return put_utf8(out, cap, n, v);
    }
    default:
        return 0;
    }
}

/* The value of the Rust string literal t[a..b) (quotes and any r#
 * included): escapes decoded, raw strings as written.  Empty when it is
 * not a literal Rust accepts, or holds a NUL. */
static fg_str string_value(ex *e, const char *t, uint32_t a, uint32_t b)
{
    fg_str none = {0, 0};
    size_t n = 0, cap = sizeof e->buf;
    if (literal_end(t, a, b) != b)
        return none;
    if (t[a] == 'r') {
        uint32_t hashes = 0;
        while (t[a + 1 + hashes] == '#')
            hashes++;
        uint32_t from = a + 2 + hashes, to = b - 1 - hashes;
        if (to - from >= cap || memchr(t + from, 0, to - from))
            return none;
        return fg_intern(e->f, t + from, to - from);
    }
    for (uint32_t j = a + 1; j < b - 1;) {
        if (t[j] == '\\') {
            j++;
            if (!unescape(t, b - 1, &j, e->buf, cap, &n))
                return none;
        } else {
            if (!t[j] || n + 1 >= cap)
                return none;
            e->buf[n++] = t[j++];
        }
    }
    return fg_intern(e->f, e->buf, n);
}

/* #[cfg_attr(unix, path = "sys/unix.rs")]: the first path = "..." in the
 * arguments.  Which configuration is active is not known here, so the
 * first one listed is taken (the mount reports it if it does not exist). */
static fg_str cfg_attr_path(ex *e, TSNode attr)
{
    TSNode args = field(attr, F_ARGUMENTS);
    if (ts_node_is_null(args))
        return (fg_str){0, 0};
    span t = text(e, args);
    for (uint32_t i = 0; i + 4 < t.len; i++) {
        if (memcmp(t.p + i, "path", 4) || (i && (isalnum((unsigned char)t.p[i - 1]) || t.p[i - 1] == '_')))
            continue;
        uint32_t j = i + 4;
        while (j < t.len && isspace((unsigned char)t.p[j]))
            j++;
        if (j >= t.len || t.p[j] != '=')
            continue;
        j++;
        while (j < t.len && isspace((unsigned char)t.p[j]))
            j++;
        uint32_t k = literal_end(t.p, j, t.len);
        if (k)
            return string_value(e, t.p, j, k);
    }
    return (fg_str){0, 0};
}


/* #[path = "x.rs"]: the string's value, or empty for any other attribute. */
static fg_str path_attribute(ex *e, TSNode attr_item)
{
    /* Most attributes (cfg, derive, doc, inline...) are told apart by the
     * word after "#[" in the text, without asking the tree. */
    span at = text(e, attr_item);
    uint32_t i = 0;
    while (i < at.len && (at.p[i] == '#' || at.p[i] == '[' || is_space(at.p[i])))
        i++;
    uint32_t w = i;
    while (i < at.len && ident_byte((unsigned char)at.p[i]))
        i++;
    if (!((i - w == 4 && !memcmp(at.p + w, "path", 4)) || (i - w == 8 && !memcmp(at.p + w, "cfg_attr", 8))))
        return (fg_str){0, 0};
    TSNode a = ts_node_named_child_count(attr_item) ? ts_node_named_child(attr_item, 0) : (TSNode){0};
    if (ts_node_is_null(a) || sym(a) != S_ATTRIBUTE)
        return (fg_str){0, 0};
    TSNode name = ts_node_named_child(a, 0);
    span s = text(e, name);
    if (sym(name) == S_IDENTIFIER && s.len == 8 && !memcmp(s.p, "cfg_attr", 8))
        return cfg_attr_path(e, a);
    if (sym(name) != S_IDENTIFIER || s.len != 4 || memcmp(s.p, "path", 4))
        return (fg_str){0, 0};
    TSNode v = field(a, F_VALUE);
    if (ts_node_is_null(v) || (sym(v) != S_STRING_LITERAL && sym(v) != S_RAW_STRING_LITERAL))
        return (fg_str){0, 0};
    span t = text(e, v);
    return string_value(e, t.p, 0, t.len);
}

static void module(ex *e, TSNode n, uint32_t parent, fg_str path_attr)
{
    TSNode body_n = field(n, F_BODY);
    uint32_t id = new_item(e, n, GK_MODULE, parent, field(n, F_NAME));
    set_sig(e, id, n, body_n);
    e->f->items[id].sub = ts_node_is_null(body_n) ? FS_DECL : FS_INLINE;
    e->f->items[id].path_attr = path_attr;
    if (!ts_node_is_null(body_n))
        items_in(e, body_n, id);
}

static void simple(ex *e, TSNode n, uint32_t parent, int kind, TSNode stop)
{
    uint32_t id = new_item(e, n, kind, parent, field(n, F_NAME));
    set_sig(e, id, n, stop);
    int saved = e->ngenerics;
    push_type_params(e, n);
    type_refs(e, field(n, F_TYPE), id, GE_USES_TYPE, 0);
    /* `const _: () = { impl ... };` hides whole items in an initialiser
     * (for a const or static, `stop` is its value) */
    if (!ts_node_is_null(stop) && (kind == GK_CONST || kind == GK_STATIC))
        body(e, stop, id);
    e->ngenerics = saved;
}

/* ---- constants from their text --------------------------------------- */

/* A constant read from its text (skim.h): the same item, signature and
 * type reference the tree walk gives.  pa and pb are its start and end. */
static void plain_const(ex *e, const gr_plain_const *pc, uint32_t a, TSPoint pa, TSPoint pb, uint32_t parent)
{
    const char *s = e->src;
    fg_item it;
    memset(&it, 0, sizeof it);
    it.kind = GK_CONST;
    it.parent = parent;
    it.name = keep(e, (span){s + pc->name_a, pc->name_b - pc->name_a});
    it.line = pa.row + 1;
    it.col = pa.column + 1;
    it.end_line = pb.row + 1;
    it.end_col = pb.column + 1;
    if (pc->vis_end > a)
        it.vis = keep(e, (span){s + a, pc->vis_end - a});
    uint32_t id = fg_add_item(e->f, &it);
    e->f->items[id].sig = signature(e, a, pc->value_a);
    /* the type: a primitive names nothing, nor does a generic parameter */
    span t = {s + pc->type_a, pc->type_b - pc->type_a};
    if (pc->segs == 1 && t.p[0] != ':' && (gr_primitive_type(t.p, t.len) || is_generic(e, t)))
        return;
    uint32_t line = pa.row + 1;
    for (uint32_t k = a; k < pc->type_a; k++)
        line += s[k] == '\n';
    fg_ref r = {id, GE_USES_TYPE, FF_PATH, fg_intern(e->f, t.p, t.len), line};
    fg_add_ref(e->f, &r);
}

/* A const_item of the plain form (skim.h) that the scan did not take
 * already is read from its text too, with a handful of tree calls instead
 * of some forty.  Returns 0, having done nothing, for any other form. */
static int const_from_text(ex *e, TSNode n, uint32_t parent)
{
    uint32_t a = ts_node_start_byte(n), end = ts_node_end_byte(n);
    gr_plain_const pc;
    if (end > e->len || !gr_plain_const_parse(e->src, a, end, &pc))
        return 0;
    plain_const(e, &pc, a, ts_node_start_point(n), ts_node_end_point(n), parent);
    return 1;
}

/* A macro invocation the scan left out of the parse (skim.h): `a::b!`,
 * spaces, its token tree, and perhaps spaces and a ';' - the same bytes
 * the tree would give as a macro_invocation node. */
static void skimmed_macro(ex *e, const gr_skimmed *m)
{
    const char *s = e->src;
    uint32_t i = m->a, na, nb;
    for (;;) {
        na = i;
        while (i < m->end && ident_byte((unsigned char)s[i]))
            i++;
        nb = i;
        if (i + 1 < m->end && s[i] == ':' && s[i + 1] == ':') {
            i += 2;
            continue;
        }
        break;
    }
    while (i < m->end && is_space(s[i]))
        i++;
    if (i >= m->end || s[i] != '!')
        return;
    for (i++; i < m->end && is_space(s[i]); i++)
        ;
    uint32_t close = m->end - 1;
    while (close > i && (s[close] == ';' || is_space(s[close])))
        close--;
    TSPoint pt = {m->row, m->col};
    for (uint32_t k = m->a; k < i; k++) {
        if (s[k] == '\n')
            pt.row++, pt.column = 0;
        else
            pt.column++;
    }
    macro_items(e, na, nb, i, pt, close, 0);
}

static TSPoint point_to(const ex *e, uint32_t *at, TSPoint pt, uint32_t to);

/* A `macro` item the parse left out (macroitems.h), read from its text:
 * a macro node from its visibility (or `macro`) to its last '}'; a trait
 * alias or an extern type likewise, a trait or a type node. */
static void macro_def(ex *e, const gr_macro_def *m, uint32_t parent)
{
    const char *s = e->src;
    fg_item it;
    memset(&it, 0, sizeof it);
    it.kind = m->kind == GR_DEF_TRAIT_ALIAS ? GK_TRAIT : m->kind == GR_DEF_EXTERN_TYPE ? GK_TYPE : GK_MACRO;
    it.parent = parent;
    it.name = keep(e, (span){s + m->name_a, m->name_b - m->name_a});
    TSPoint a = e->def_pt = point_to(e, &e->def_at, e->def_pt, m->item_a);
    TSPoint b = point_to(e, &(uint32_t){e->def_at}, a, m->end);
    it.line = a.row + 1;
    it.col = a.column + 1;
    it.end_line = b.row + 1;
    it.end_col = b.column + 1;
    if (m->vis_end > m->item_a)
        it.vis = keep(e, (span){s + m->item_a, m->vis_end - m->item_a});
    uint32_t id = fg_add_item(e->f, &it);
    e->f->items[id].sig = signature(e, m->item_a, m->body);
}

/* What the parse left out before byte `at`, in source order: with `top`
 * (a walk of the file's own items), the skimmed constants and item macros
 * (skim.h); and the `macro` items that lie in the list being walked, from
 * byte lo on (one before lo lies inside an item the walk has passed, a
 * function body, and gets no node).  Called before each item of a list
 * is visited, and at its end, so that these take their place in source
 * order. */
static void held_before(ex *e, uint32_t at, uint32_t lo, uint32_t parent, int top)
{
    for (;;) {
        uint32_t sa = top && e->skim_cur < e->nskim ? e->skim[e->skim_cur].a : UINT32_MAX;
        uint32_t da = !e->macro_depth && e->def_cur < e->ndefs ? e->defs[e->def_cur].a : UINT32_MAX;
        if (sa < at && sa < da) {
            /* step on first: a macro's items below come back here */
            const gr_skimmed *m = &e->skim[e->skim_cur++];
            if (m->kind == GR_SKIM_CONST)
                plain_const(e, &m->pc, m->a, (TSPoint){m->row, m->col}, (TSPoint){m->end_row, m->end_col}, 0);
            else if (m->kind == GR_SKIM_MACRO)
                skimmed_macro(e, m);
        } else if (da < at) {
            const gr_macro_def *m = &e->defs[e->def_cur++];
            if (m->a >= lo)
                macro_def(e, m, parent);
        } else {
            return;
        }
    }
}

static void item(ex *e, TSNode n, uint32_t parent, fg_str path_attr)
{
    if (e->depth >= MAX_DEPTH) {
        if (!e->deep_warned++)
            fg_diagf(e->f, ts_node_start_point(n).row + 1,
                     "items nested deeper than %d levels are skipped", MAX_DEPTH);
        return;
    }
    e->depth++;
    int saved = e->ngenerics;
    switch (sym(n)) {
    case S_FUNCTION:
    case S_FUNCTION_SIG:
        function(e, n, parent);
        break;
    case S_STRUCT:
    case S_UNION: {
        uint32_t id = new_item(e, n, sym(n) == S_STRUCT ? GK_STRUCT : GK_UNION, parent, field(n, F_NAME));
        TSNode b = field(n, F_BODY);
        set_sig(e, id, n, sym(b) == S_FIELD_DECL_LIST ? b : (TSNode){0});
        push_type_params(e, n);
        fields(e, b, id);
        break;
    }
    case S_ENUM: {
        uint32_t id = new_item(e, n, GK_ENUM, parent, field(n, F_NAME));
        set_sig(e, id, n, field(n, F_BODY));
        push_type_params(e, n);
        variants(e, field(n, F_BODY), id);
        break;
    }
    case S_TRAIT: {
        TSNode b = field(n, F_BODY);
        uint32_t id = new_item(e, n, GK_TRAIT, parent, field(n, F_NAME));
        set_sig(e, id, n, b);
        push_type_params(e, n);
        if (!ts_node_is_null(b))
            items_in(e, b, id);
        break;
    }
    case S_IMPL:
        impl(e, n, parent);
        break;
    case S_CONST:
        if (!const_from_text(e, n, parent))
            simple(e, n, parent, GK_CONST, field(n, F_VALUE));
        break;
    case S_STATIC:
        simple(e, n, parent, GK_STATIC, field(n, F_VALUE));
        break;
    case S_TYPE_ITEM:
    case S_ASSOC_TYPE:
        simple(e, n, parent, GK_TYPE, (TSNode){0});
        break;
    case S_MACRO_DEF: {
        uint32_t id = new_item(e, n, GK_MACRO, parent, field(n, F_NAME));
        TSNode nm = field(n, F_NAME);
        set_sig(e, id, n, ts_node_is_null(nm) ? nm : ts_node_next_sibling(nm));
        break;
    }
    case S_USE:
        use_decl(e, n, parent);
        break;
    case S_EXTERN_CRATE:
        extern_crate(e, n, parent);
        break;
    case S_MOD:
        module(e, n, parent, path_attr);
        break;
    case S_FOREIGN_MOD: {
        TSNode b = field(n, F_BODY);
        if (!ts_node_is_null(b))
            items_in(e, b, parent);
        break;
    }
    case S_EXPR_STATEMENT:
        /* `m!(...);` among items, as the full parse sees it */
        if (ts_node_named_child_count(n) == 1 && sym(ts_node_named_child(n, 0)) == S_MACRO_INVOCATION)
            item(e, ts_node_named_child(n, 0), parent, path_attr);
        break;
    case S_MACRO_INVOCATION: {
        /* name: the last segment of the macro's path; then the token tree */
        TSNode m = field(n, F_MACRO), tt = ts_node_child(n, ts_node_child_count(n) - 1);
        if (sym(m) == S_SCOPED_IDENTIFIER)
            m = field(m, F_NAME);
        if (ts_node_is_null(m) || ts_node_is_null(tt) || ts_node_end_byte(tt) > e->len || ts_node_end_byte(tt) < 2)
            break;
        macro_items(e, ts_node_start_byte(m), ts_node_end_byte(m), ts_node_start_byte(tt),
                    ts_node_start_point(tt), ts_node_end_byte(tt) - 1, parent);
        break;
    }
    default:
        break;
    }
    e->ngenerics = saved;
    e->depth--;
}

/* The items of a source file, declaration list or block.  An attribute
 * applies to the next item; only #[path] matters here. */
static void items_in(ex *e, TSNode list, uint32_t parent)
{
    fg_str path_attr = {0, 0};
    /* the file's tree starts where its first range does, past a hole */
    uint32_t lo = ts_node_eq(list, e->root) ? 0 : ts_node_start_byte(list);
    EACH_CHILD(k, list) {
        TSNode c = KID(k);
        if ((parent == 0 && e->skim_cur < e->nskim) || e->def_cur < e->ndefs)
            held_before(e, ts_node_start_byte(c), lo, parent, parent == 0);
        lo = ts_node_end_byte(c);
        int s = sym(c);
        if (s == S_ATTRIBUTE_ITEM) {
            fg_str p = path_attribute(e, c);
            if (p.len)
                path_attr = p;
            continue;
        }
        if (!ts_node_is_named(c) || is_comment(c))
            continue;
        if (s == S_ERROR) {
            /* Items inside an error region are still worth having: tree-sitter
             * often wraps a whole tail of valid items into one ERROR node.
             * Error regions can nest; the depth bound keeps the C stack safe. */
            if (e->depth < MAX_DEPTH) {
                e->depth++;
                items_in(e, c, parent);
                e->depth--;
            }
            path_attr = (fg_str){0, 0};
            continue;
        }
        item(e, c, parent, path_attr);
        path_attr = (fg_str){0, 0};
    }
    /* the `macro` items after the last child (at the end of the file's
     * tree, whatever its end, with the skimmed regions there: the last
     * holes may lie past it) */
    if (e->def_cur < e->ndefs) {
        int file = ts_node_eq(list, e->root);
        held_before(e, file ? UINT32_MAX : ts_node_end_byte(list), lo, parent, file && parent == 0);
    }
}

/* ---- function bodies ----------------------------------------------------- */

static int is_item_sym(int s)
{
    switch (s) {
    case S_FUNCTION: case S_STRUCT: case S_ENUM: case S_UNION: case S_TRAIT:
    case S_IMPL: case S_CONST: case S_STATIC: case S_TYPE_ITEM: case S_MACRO_DEF:
    case S_USE: case S_MOD: case S_EXTERN_CRATE: case S_FOREIGN_MOD:
        return 1;
    default:
        return 0;
    }
}

/* T::f() where T is a generic parameter bounded by a trait: Trait::f. */
static fg_str through_bound(ex *e, fg_str p)
{
    const char *t = fg_ptr(e->f, p);
    const char *sep = strstr(t, "::");
    if (!sep)
        return p;
    int g = generic_index(e, (span){t, (uint32_t)(sep - t)});
    if (g < 0 || !e->bound[g].len)
        return p;
    int n = snprintf(e->buf, sizeof e->buf, "%s%s", fg_ptr(e->f, e->bound[g]), sep);
    if (n < 0 || (size_t)n >= sizeof e->buf)
        return p;
    return fg_intern(e->f, e->buf, (size_t)n);
}

static void call(ex *e, TSNode n, uint32_t fn)
{
    TSNode f = field(n, F_FUNCTION);
    if (sym(f) == S_GENERIC_FUNCTION)
        f = field(f, F_FUNCTION);
    fg_str p;
    switch (sym(f)) {
    case S_IDENTIFIER:
    case S_SCOPED_IDENTIFIER:
        if (path_of(e, f, &p))
            add_ref(e, fn, GE_CALLS, FF_PATH, through_bound(e, p), f);
        break;
    case S_FIELD_EXPRESSION: {
        TSNode v = field(f, F_VALUE), name = field(f, F_FIELD);
        if (sym(name) != S_FIELD_IDENTIFIER)
            break;
        if (sym(v) == S_SELF) {
            add_ref(e, fn, GE_CALLS, FF_SELF_METHOD, keep(e, text(e, name)), name);
            break;
        }
        /* self.field.name(): the field's declared type tells the method */
        TSNode inner = sym(v) == S_FIELD_EXPRESSION ? field(v, F_VALUE) : (TSNode){0};
        TSNode fname = sym(v) == S_FIELD_EXPRESSION ? field(v, F_FIELD) : (TSNode){0};
        if (sym(inner) == S_SELF && sym(fname) == S_FIELD_IDENTIFIER) {
            span a = text(e, fname), b = text(e, name);
            int n = snprintf(e->buf, sizeof e->buf, "%.*s.%.*s", (int)a.len, a.p, (int)b.len, b.p);
            if (n > 0 && (size_t)n < sizeof e->buf) {
                add_ref(e, fn, GE_CALLS, FF_FIELD_METHOD, fg_intern(e->f, e->buf, (size_t)n), name);
                break;
            }
        }
        add_ref(e, fn, GE_CALLS, FF_EXPR_METHOD, keep(e, text(e, name)), name);
        break;
    }
    default:
        break;
    }
}

/* Moves a cursor rooted at `root` to the next node in preorder, into the
 * current node's children only when `descend`.  0 when the walk is over. */
static int walk_next(TSTreeCursor *c, TSNode root, int descend)
{
    if (descend && ts_tree_cursor_goto_first_child(c))
        return 1;
    for (;;) {
        if (ts_node_eq(ts_tree_cursor_current_node(c), root))
            return 0;
        if (ts_tree_cursor_goto_next_sibling(c))
            return 1;
        if (!ts_tree_cursor_goto_parent(c))
            return 0;
    }
}

/* The #[path] among the attributes just before n (inside a body, where
 * items are not visited through items_in).  Linear in the siblings before
 * n, so only asked for `mod` items. */
static fg_str preceding_path_attr(ex *e, TSNode n)
{
    fg_str r = {0, 0};
    for (TSNode p = ts_node_prev_named_sibling(n); !ts_node_is_null(p) && sym(p) == S_ATTRIBUTE_ITEM;
         p = ts_node_prev_named_sibling(p)) {
        fg_str a = path_attribute(e, p);
        if (a.len)
            r = a;
    }
    return r;
}


/* The marks (gr_next_mark, skim.h) in [lo, hi). */
static void build_marks(ex *e, uint32_t lo, uint32_t hi)
{
    e->marks_built = 1;
    e->mark_lo = lo;
    e->mark_hi = hi;
    size_t cap = e->marks_cap, n = 0;
    uint32_t *m = e->marks;
    if (!m) {
        cap = 1024;
        m = gr_xmalloc(cap * sizeof *m);
    }
    uint32_t len = hi < e->len ? hi : (uint32_t)e->len;
    for (uint32_t i = lo; (i = gr_next_mark(e->src, i, len)) < len; i++) {
        if (n == cap) {
            cap *= 2;
            m = gr_xrealloc(m, cap * sizeof *m);
        }
        m[n++] = i;
    }
    e->marks = m;
    e->marks_cap = cap;
    e->nmarks = n;
    e->mark_cur = 0;
}

/* The first mark at or after byte a (UINT32_MAX: none).  The walk asks in
 * increasing `a` almost always, so a cursor moves forward; a step back
 * (a nested item's body) searches. */
static uint32_t next_mark(ex *e, uint32_t a)
{
    size_t i = e->mark_cur;
    if (i > 0 && e->marks[i - 1] >= a) {
        size_t lo = 0, hi = i;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (e->marks[mid] < a)
                lo = mid + 1;
            else
                hi = mid;
        }
        i = lo;
    }
    while (i < e->nmarks && e->marks[i] < a)
        i++;
    e->mark_cur = i;
    return i < e->nmarks ? e->marks[i] : UINT32_MAX;
}

/* Whether macro invocation n in a function body is one of the item
 * macros whose items are real where they stand (`thread_local! { static
 * X: .. }`, `lazy_static!`, `cfg_if!`, `bitflags!`): a body's item is
 * in the graph, so are these.  Any other macro's token tree is left
 * alone in a body, items or not: there `quote! { fn f() {} }` and
 * `parse_quote!` write code, not items. */
static int body_item_macro(ex *e, TSNode n)
{
    static const char names[][14] = {"cfg_if", "lazy_static", "thread_local", "bitflags"};
    TSNode m = field(n, F_MACRO);
    if (sym(m) == S_SCOPED_IDENTIFIER)
        m = field(m, F_NAME);
    if (ts_node_is_null(m))
        return 0;
    span t = text(e, m);
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (t.len == strlen(names[k]) && !memcmp(t.p, names[k], t.len))
            return 1;
    return 0;
}

/* Walks a function body with one cursor (no recursion on the C stack):
 * calls become references, nested items become the function's children.
 * Macro arguments are token trees with no structure, so they are skipped,
 * and so is any subtree whose text has no '(' and no item keyword: it
 * can hold neither a call nor an item.  Most of a body is such subtrees
 * (operands, patterns, literals, paths), and visiting every node of every
 * body was a tenth of the whole run.  The walk does not even step onto
 * them: it goes down to the child that holds the next mark
 * (goto_first_child_for_byte), and across to the next sibling that
 * reaches it. */
static void body(ex *e, TSNode block, uint32_t fn)
{
    /* Marks for this body's text, unless it lies in the one they were
     * made for (a nested function's body lies in its outer one's): only
     * the bodies are scanned, not the whole file. */
    uint32_t lo = ts_node_start_byte(block), hi = ts_node_end_byte(block);
    if (!e->marks_built || lo < e->mark_lo || hi > e->mark_hi)
        build_marks(e, lo, hi);
    /* no mark at all: nothing to find (a call holds its '(' mark, so the
     * body itself cannot be one either) - the common case of a constant */
    if (next_mark(e, lo) >= hi)
        return;
    TSTreeCursor c = ts_tree_cursor_new(block);
    fg_str no_attr = {0, 0};
    /* e->ends[base + k]: the end of the k-th node the cursor is inside
     * (a nested item's body walks on above base + depth) */
    size_t base = e->ends_top, depth = 0;
    TSNode n = block;
    for (;;) {
        int s = sym(n);
        int descend = 1;
        if (is_item_sym(s) && depth > 0) {
            item(e, n, fn, s == S_MOD ? preceding_path_attr(e, n) : no_attr);
            descend = 0;
        } else if (s == S_MACRO_INVOCATION) {
            if (body_item_macro(e, n))
                item(e, n, fn, no_attr);
            descend = 0;
        } else if (s == S_CALL) {
            call(e, n, fn);
        }
        uint32_t end = ts_node_end_byte(n);
        if (descend) {
            /* A '(' that opens the node is a mark only for a call around
             * it (arguments, a tuple): never one of a call inside. */
            uint32_t a = ts_node_start_byte(n);
            if (a < e->len && e->src[a] == '(')
                a++;
            uint32_t m = next_mark(e, a);
            /* straight to the child that holds the mark: those before it
             * hold none, so they can be neither calls nor items */
            if (m < end && ts_tree_cursor_goto_first_child_for_byte(&c, m) >= 0) {
                if (base + depth == e->ends_cap) {
                    e->ends_cap = e->ends_cap ? e->ends_cap * 2 : 64;
                    e->ends = gr_xrealloc(e->ends, e->ends_cap * sizeof *e->ends);
                }
                e->ends[base + depth++] = end;
                e->ends_top = base + depth;
                n = ts_tree_cursor_current_node(&c);
                continue;
            }
        }
        /* On to the next sibling that reaches the next mark, climbing out
         * of every node that has no mark left. */
        for (;;) {
            if (depth == 0)
                goto done;
            uint32_t parent_end = e->ends[base + depth - 1], m = next_mark(e, end);
            if (m < parent_end) {
                while (ts_tree_cursor_goto_next_sibling(&c)) {
                    n = ts_tree_cursor_current_node(&c);
                    if (ts_node_end_byte(n) > m)
                        goto visit;
                }
            }
            ts_tree_cursor_goto_parent(&c);
            e->ends_top = base + --depth;
            end = parent_end;
        }
    visit:;
    }
done:
    ts_tree_cursor_delete(&c);
}

/* ---- entry points ------------------------------------------------------ */

/* Where an error region really starts: tree-sitter often folds complete
 * items before the broken one into the ERROR node, so skip those. */
static TSPoint error_point(TSNode err)
{
    TSPoint at = ts_node_start_point(err);
    int found = 0;
    EACH_CHILD(k, err) {
        TSNode c = KID(k);
        if (found || (is_item_sym(sym(c)) && !ts_node_has_error(c)) || sym(c) == S_ATTRIBUTE_ITEM || is_comment(c))
            continue;
        at = ts_node_start_point(c);
        found = 1;
    }
    return at;
}

/* Whether error node x (child of the cursor's parent) marks valid Rust
 * that the grammar (tree-sitter-rust 0.23.2) lacks, not a syntax error:
 * - a `~` in a macro's token tree (`m!(~)`, `macro_rules! m { (~) => .. }`),
 *   or a lone `$` (syn's `[$] => ..` in a macro_rules a macro writes):
 *   Rust tokens, but none of the grammar's token-tree tokens there; rustc
 *   does not parse a token tree as Rust, so only `~`s, `$`s and space, no
 *   delimiter or anything else, are let through;
 * - a unit struct's where clause (`struct S where u8: Send;`): the
 *   grammar has where clauses only before a body, and wraps this one,
 *   whole and clean, in an error node just before the struct's `;`. */
static int grammar_gap(TSNode x, const TSTreeCursor *c, const char *src, size_t len)
{
    TSTreeCursor up = ts_tree_cursor_copy(c);
    int ok = 0;
    if (ts_tree_cursor_goto_parent(&up)) {
        const char *pt = ts_node_type(ts_tree_cursor_current_node(&up));
        uint32_t a = ts_node_start_byte(x), b = ts_node_end_byte(x);
        if (!strcmp(pt, "token_tree") || !strcmp(pt, "token_tree_pattern") || !strcmp(pt, "token_repetition") ||
            !strcmp(pt, "token_repetition_pattern")) {
            ok = a < b && b <= len;
            for (uint32_t i = a; ok && i < b; i++)
                ok = src[i] == '~' || src[i] == '$' || is_space(src[i]);
        } else if (!strcmp(pt, "struct_item") && ts_node_child_count(x) == 1) {
            TSNode w = ts_node_child(x, 0), next = ts_node_next_sibling(x);
            ok = sym(w) == S_WHERE_CLAUSE && !ts_node_has_error(w) && !ts_node_is_null(next) &&
                 !ts_node_is_missing(next) && !strcmp(ts_node_type(next), ";");
        }
    }
    ts_tree_cursor_delete(&up);
    return ok;
}

/* First syntax error's point, and how many error nodes there are
 * (those grammar_gap() lets through left out). */
static TSPoint find_errors(TSNode root, const char *src, size_t len, uint32_t *count)
{
    TSTreeCursor c = ts_tree_cursor_new(root);
    TSPoint first = {0, 0};
    uint32_t n = 0;
    for (;;) {
        TSNode x = ts_tree_cursor_current_node(&c);
        int descend = ts_node_has_error(x);
        if (ts_node_symbol(x) == (TSSymbol)-1 || ts_node_is_missing(x)) {
            if ((ts_node_is_missing(x) || !grammar_gap(x, &c, src, len)) && !n++)
                first = error_point(x);
            descend = 0;
        }
        if (!walk_next(&c, root, descend))
            break;
    }
    ts_tree_cursor_delete(&c);
    *count = n;
    return first;
}

/* The regions the scan takes (skim.h), and the ranges around them that
 * the parser is to read; x->nranges is 0 when the scan takes none. */
static void skim(gr_extractor *x, const char *src, size_t len)
{
    x->nranges = 0;
    x->defs.n = 0;
    if (!x->no_skim && gr_skim(src, len, &x->skims))
        x->nranges = gr_skim_ranges(&x->skims, &x->ranges, &x->ranges_cap);
}

static void extract_tree(gr_extractor *x, TSParser *p, fg_file *f, TSTree *t, const char *src, size_t len)
{
    TSNode r = ts_tree_root_node(t);
    f->items[0].end_line = ts_node_end_point(r).row + 1;
    f->items[0].end_col = ts_node_end_point(r).column + 1;
    ex *e = gr_xcalloc(1, sizeof *e);
    e->f = f;
    e->src = src;
    e->len = len;
    e->skim = x->nranges ? x->skims.v : NULL;
    e->nskim = x->nranges ? x->skims.n : 0;
    e->parser = p;
    e->x = x;
    e->root = r;
    if (x->defs.n) {
        e->defs = x->defs.v;
        e->ndefs = x->defs.n;
    }
    items_in(e, r, 0);
    held_before(e, UINT32_MAX, UINT32_MAX, 0, 1);
    uint32_t n = 0;
    TSPoint at = ts_node_has_error(r) ? find_errors(r, src, len, &n) : (TSPoint){0, 0};
    if (n) {
        fg_diagf(f, at.row + 1,
                 "syntax error at column %u (%u error region%s in the file; items around them are kept)",
                 at.column + 1, n, n == 1 ? "" : "s");
    }
    free(e->marks);
    free(e->ends);
    gr_macro_scan_free(&e->ms);
    free(e);
}

/* The input tree-sitter reads: the whole rest of the text at once. */
typedef struct text_in {
    const char *s;
    uint32_t len;
} text_in;

static const char *read_text(void *payload, uint32_t at, TSPoint pt, uint32_t *got)
{
    (void)pt;
    const text_in *t = payload;
    *got = at < t->len ? t->len - at : 0;
    return at < t->len ? t->s + at : "";
}

/* The budget of one parse (GR_PARSE_BUDGET in extract.h), checked every
 * hundred or so parser operations; `at` is where the parser was when it
 * ran out. */
typedef struct budget {
    size_t limit;
    uint32_t at;
    int over;
} budget;

static bool over_budget(TSParseState *st)
{
    budget *b = st->payload;
    if (gr_tsarena_requested() <= b->limit)
        return false;
    b->over = 1;
    b->at = st->current_byte_offset;
    return true;
}

size_t gr_parse_budget(size_t len)
{
    size_t b = GR_PARSE_BUDGET_BASE + GR_PARSE_BUDGET_PER_BYTE * len;
    return b < GR_PARSE_BUDGET_MAX ? b : GR_PARSE_BUDGET_MAX;
}

static TSTree *parse_text(TSParser *p, const char *src, size_t len, budget *b);

static int ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

/* Whether the word w (n bytes) is at s[i] and ends there. */
static int word_at(const char *s, size_t len, size_t i, const char *w, size_t n)
{
    return i + n <= len && !memcmp(s + i, w, n) && (i + n == len || !ident_char(s[i + n]));
}

/* The text tree-sitter reads: src, or a copy (to free) where the grammar
 * (tree-sitter-rust 0.23.2) would misread valid Rust.  Each fix below
 * changes bytes in place, never their number, so every position stays,
 * and names and signatures are still taken from src.  They may also
 * change bytes inside comments and literals, which the parse does not
 * look into. */

/* The copy to change, made on first use. */
static char *writable(char **out, const char *src, size_t len)
{
    if (!*out) {
        *out = gr_xmalloc(len + 1);
        memcpy(*out, src, len);
        (*out)[len] = 0;
    }
    return *out;
}

/* Past spaces (and Rust's other white space but U+0085, U+200E/F) from k. */
static size_t skip_blank(const char *s, size_t len, size_t k)
{
    while (k < len && (is_space(s[k]) || s[k] == '\v' || s[k] == '\f'))
        k++;
    return k;
}

/* Back over spaces from k (exclusive): the index just past the previous
 * non-space byte, 0 when there is none. */
static size_t back_blank(const char *s, size_t k)
{
    while (k > 0 && (is_space(s[k - 1]) || s[k - 1] == '\v' || s[k - 1] == '\f'))
        k--;
    return k;
}

/* The end of the path A::B::C starting at s[k]. */
static size_t path_end(const char *s, size_t len, size_t k)
{
    for (;;) {
        while (k < len && ident_char(s[k]))
            k++;
        if (k + 2 < len && s[k] == ':' && s[k + 1] == ':' && ident_char(s[k + 2]))
            k += 2;
        else
            return k;
    }
}

/* Whether s[k] can begin a word (no identifier byte before it). */
static int word_start(const char *s, size_t k)
{
    return k == 0 || !ident_char(s[k - 1]);
}

/* Its `&raw const x` and `&raw mut x` (Rust 1.82's raw borrows) take `raw`
 * as a keyword after any `&`, so `&raw` of a variable named raw (`&raw`,
 * `f(&raw, 1)`, `&raw[0]`: rustc reads `raw` as a keyword only before
 * `const` or `mut`) was a syntax error that cost its function.  Such a
 * `raw` is read as `rav`, an identifier of the same length. */
static void fix_raw(const char *src, size_t len, char **out)
{
    for (const char *q = src; (q = memmem(q, len - (size_t)(q - src), "raw", 3)) != NULL; q += 3) {
        size_t i = (size_t)(q - src), j = back_blank(src, i);
        if (!word_at(src, len, i, "raw", 3) || (i > 0 && (ident_char(src[i - 1]) || src[i - 1] == '#')))
            continue;
        if (j == 0 || src[j - 1] != '&')
            continue;
        size_t k = skip_blank(src, len, i + 3);
        if (word_at(src, len, k, "const", 5) || word_at(src, len, k, "mut", 3))
            continue; /* a raw borrow */
        writable(out, src, len)[i + 2] = 'v';
    }
}

/* Edition 2015's names that later editions made keywords: the grammar
 * takes `try` and `async` for keywords everywhere, so `try!(e)` (the
 * standard library's macro before `?`, all over 2015 code), `fn try()`
 * and `let async = ..` were syntax errors.  Where the word cannot start
 * what the grammar reads the keyword in - `try { .. }`, and `async` before
 * `fn`, `unsafe`, `extern`, `move` or `{` - it is read as an identifier of
 * the same length (rustc of edition 2018 on rejects all such uses, so no
 * text it accepts reads differently).  `try!(e)` and `r#try!(e)` are
 * read as `(e)`: the macro is `e?`, and the calls in e are the function's
 * (a macro's token tree is not walked for calls).  An async closure (`async |x| ..`,
 * `async move |x| ..`, Rust 1.85) is not in the grammar either: its
 * `async` is read as spaces, which leaves a closure. */
static void fix_2015_words(const char *src, size_t len, char **out)
{
    static const struct {
        const char *w, *as;
        size_t n;
    } words[] = {{"try", "trz", 3}, {"async", "asynz", 5}};
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        const char *word = words[w].w;
        size_t n = words[w].n;
        for (const char *q = src; (q = memmem(q, len - (size_t)(q - src), word, n)) != NULL; q += n) {
            size_t i = (size_t)(q - src);
            int raw = i >= 2 && src[i - 1] == '#' && src[i - 2] == 'r' && word_start(src, i - 2);
            if (!word_at(src, len, i, word, n) || (!raw && !word_start(src, i)) ||
                (i > 0 && !raw && (src[i - 1] == '#' || src[i - 1] == '\'')))
                continue; /* part of a word, a label 'try */
            size_t k = skip_blank(src, len, i + n);
            if (n == 3 && k < len && src[k] == '!') {
                size_t o = skip_blank(src, len, k + 1);
                if (o < len && src[o] == '(') { /* try!(e), r#try!(e): (e), whose calls count */
                    size_t from = raw ? i - 2 : i;
                    memset(writable(out, src, len) + from, ' ', k + 1 - from);
                }
            }
            if (raw)
                continue;
            if (k < len && src[k] == '{')
                continue;
            if (n == 5 && k < len) {
                size_t m = word_at(src, len, k, "move", 4) ? skip_blank(src, len, k + 4) : k;
                if (m < len && src[m] == '|') { /* an async closure: a closure to the graph */
                    memset(writable(out, src, len) + i, ' ', n);
                    continue;
                }
                if (word_at(src, len, k, "fn", 2) || word_at(src, len, k, "unsafe", 6) ||
                    word_at(src, len, k, "extern", 6) || m != k)
                    continue;
            }
            memcpy(writable(out, src, len) + i, words[w].as, n);
        }
    }
}

/* White space the grammar does not know: rustc takes U+0085 and the
 * marks U+200E, U+200F (Pattern_White_Space; a left-to-right mark pasted
 * into a file is invisible) as spaces; so does the parse now.  One in a
 * character literal ('\u{200e}' written as itself) stays. */
static void fix_unicode_space(const char *src, size_t len, char **out)
{
    for (size_t i = 0; i + 1 < len; i++) {
        unsigned char c = (unsigned char)src[i];
        size_t n = 0;
        if (c == 0xC2 && (unsigned char)src[i + 1] == 0x85)
            n = 2;
        else if (c == 0xE2 && i + 2 < len && (unsigned char)src[i + 1] == 0x80 &&
                 ((unsigned char)src[i + 2] == 0x8E || (unsigned char)src[i + 2] == 0x8F))
            n = 3;
        if (!n || (i > 0 && src[i - 1] == '\'' && i + n < len && src[i + n] == '\''))
            continue;
        memset(writable(out, src, len) + i, ' ', n);
        i += n - 1;
    }
}

/* Bounds left empty: rustc takes `T:` with no bound after it (`<T:>`,
 * `where T:,`, `trait A: where ..`, `trait A: {`); the grammar wants a
 * bound after the colon.  A lone `:` followed by `,`, `>`, `;` or `where`
 * is read as a space (nothing else has a colon there); before `{` only
 * in `trait NAME: {`, since `field: { .. }` and `'label: {` are blocks. */
static void fix_empty_bounds(const char *src, size_t len, char **out)
{
    for (const char *q = src; (q = memchr(q, ':', len - (size_t)(q - src))) != NULL; q++) {
        size_t i = (size_t)(q - src);
        if ((i > 0 && src[i - 1] == ':') || (i + 1 < len && src[i + 1] == ':'))
            continue;
        size_t k = skip_blank(src, len, i + 1);
        if (k >= len)
            break;
        int empty = src[k] == ',' || src[k] == '>' || src[k] == ';' || word_at(src, len, k, "where", 5);
        if (!empty && src[k] == '{') {
            /* trait NAME: { */
            size_t b = back_blank(src, i), a = b;
            while (a > 0 && ident_char(src[a - 1]))
                a--;
            size_t t = back_blank(src, a);
            empty = a < b && t >= 5 && word_at(src, len, t - 5, "trait", 5) && word_start(src, t - 5);
        }
        if (empty)
            writable(out, src, len)[i] = ' ';
    }
}

/* `x as T <= y`: after a type path the grammar reads `<` as the start of
 * generic arguments even in `<=`, which rustc reads as the comparison;
 * `>=` parses the same way for the graph. */
static void fix_as_le(const char *src, size_t len, char **out)
{
    for (const char *q = src; (q = memmem(q, len - (size_t)(q - src), "as", 2)) != NULL; q += 2) {
        size_t i = (size_t)(q - src);
        if (!word_at(src, len, i, "as", 2) || !word_start(src, i))
            continue;
        size_t k = skip_blank(src, len, i + 2);
        if (k >= len || !ident_char(src[k]) || (src[k] >= '0' && src[k] <= '9'))
            continue;
        k = path_end(src, len, k);
        k = skip_blank(src, len, k);
        if (k + 1 < len && src[k] == '<' && src[k + 1] == '=' && (k + 2 >= len || src[k + 2] != '='))
            writable(out, src, len)[k] = '>';
    }
}

/* `dyn (Trait)`: rustc takes a parenthesised bound after `dyn` (gtk-rs
 * writes `&mut dyn (FnMut(&Window) -> bool)`), the grammar does not.
 * Where `dyn` follows what only a type follows (`&`, `&mut`, `*const`,
 * `<`, `:`, `->`) and its parenthesis closes on the same line, the two
 * parentheses are read as spaces. */
static void fix_dyn_paren(const char *src, size_t len, char **out)
{
    for (const char *q = src; (q = memmem(q, len - (size_t)(q - src), "dyn", 3)) != NULL; q += 3) {
        size_t i = (size_t)(q - src);
        if (!word_at(src, len, i, "dyn", 3) || !word_start(src, i))
            continue;
        size_t o = skip_blank(src, len, i + 3);
        if (o >= len || src[o] != '(')
            continue;
        size_t b = back_blank(src, i);
        if (b == 0)
            continue;
        char c = src[b - 1];
        int type_ctx = c == '&' || c == '<' || (c == ':' && (b < 2 || src[b - 2] != ':')) ||
                       (c == '>' && b >= 2 && src[b - 2] == '-');
        if (!type_ctx && b >= 3 && word_start(src, b - 3) && !memcmp(src + b - 3, "mut", 3))
            type_ctx = 1;
        if (!type_ctx && b >= 5 && word_start(src, b - 5) && !memcmp(src + b - 5, "const", 5))
            type_ctx = 1;
        if (!type_ctx)
            continue;
        size_t k = o + 1, depth = 1;
        for (; k < len && src[k] != '\n' && src[k] != ';' && src[k] != '{' && src[k] != '}'; k++)
            if (src[k] == '(')
                depth++;
            else if (src[k] == ')' && --depth == 0)
                break;
        if (depth || k >= len)
            continue;
        char *w = writable(out, src, len);
        w[o] = ' ';
        w[k] = ' ';
    }
}

/* Whether the word w (n bytes) ends at s[b] (exclusive) and starts one. */
static int word_before(const char *s, size_t b, const char *w, size_t n)
{
    return b >= n && !memcmp(s + b - n, w, n) && word_start(s, b - n);
}

/* `f::<_, -1>()`, `A<-1>`: rustc takes a negative literal as a const
 * generic argument without braces; the grammar has literals there, but
 * no sign.  A `-` before a digit right after `<` or `,` can only be a
 * unary minus, and a number's sign is nothing to the graph: it is read as
 * a space (`(a, -1)` and `x < -1` parse the same for the graph too). */
static void fix_neg_const_arg(const char *src, size_t len, char **out)
{
    for (const char *q = src; (q = memchr(q, '-', len - (size_t)(q - src))) != NULL; q++) {
        size_t i = (size_t)(q - src), k = skip_blank(src, len, i + 1), b = back_blank(src, i);
        if (k < len && src[k] >= '0' && src[k] <= '9' && b > 0 && (src[b - 1] == '<' || src[b - 1] == ','))
            writable(out, src, len)[i] = ' ';
    }
}

/* How far the scans below look for a closing bracket: a type's generic
 * arguments or a where clause's macro are far shorter, and the bound
 * keeps a file of nothing but openers linear. */
enum { TYPE_SCAN = 512 };

/* The `>` closing the generic arguments opened by the `<` at s[o]: its
 * offset, or 0 (none within TYPE_SCAN bytes; `->` and `=>` are no
 * brackets, and other brackets inside must pair up). */
static size_t angle_end(const char *s, size_t len, size_t o)
{
    size_t end = len - o > TYPE_SCAN ? o + TYPE_SCAN : len, depth = 0;
    for (size_t k = o; k < end; k++) {
        char c = s[k];
        if (c == '<') {
            depth++;
        } else if (c == '>' && s[k - 1] != '-' && s[k - 1] != '=') {
            if (--depth == 0)
                return k;
        } else if (c == '(' || c == '[' || c == '{') {
            uint32_t m = gr_matching(s, (uint32_t)k, (uint32_t)end);
            if (!m)
                return 0;
            k = m;
        } else if (c == ')' || c == ']' || c == '}' || c == ';') {
            return 0;
        }
    }
    return 0;
}

/* The bracket that encloses s[p] - `<`, `(` or `[` - looking back at most
 * TYPE_SCAN bytes and not before s[floor]: its offset + 1, or 0 when there
 * is none, it is a `{`, or a `;` comes first. */
static size_t opener_before(const char *s, size_t p, size_t floor)
{
    size_t stop = p > TYPE_SCAN ? p - TYPE_SCAN : 0, depth = 0;
    if (stop < floor)
        stop = floor;
    for (size_t k = p; k > stop; k--) {
        char c = s[k - 1];
        if (c == '>' && k >= 2 && (s[k - 2] == '-' || s[k - 2] == '='))
            k--;
        else if (c == '>' || c == ')' || c == ']' || c == '}')
            depth++;
        else if (c == '<' || c == '(' || c == '[' || c == '{') {
            if (depth == 0)
                return c == '{' ? 0 : k;
            depth--;
        } else if (c == ';' && depth == 0)
            return 0;
    }
    return 0;
}

/* Whether what starts at s[p] stands where only a type can: after `as`,
 * `->`, `dyn`, `impl`, `let NAME:`, a `<` (generic arguments, or a
 * qualified path `<T as Trait>`), a `,` among generic arguments, or `&`,
 * `&mut`, `*const`, `*mut`, `(` or `[` that stand there themselves. */
static int type_place(const char *s, size_t p, int depth)
{
    size_t b = back_blank(s, p);
    if (b == 0 || depth > 8)
        return 0;
    char c = s[b - 1];
    if (c == '<')
        return 1;
    if (c == '>')
        return b >= 2 && s[b - 2] == '-';
    if (c == '&' || c == '*' || c == '(' || c == '[')
        return type_place(s, b - 1, depth + 1);
    if (c == ',') {
        size_t o = opener_before(s, b - 1, 0);
        return o && (s[o - 1] == '<' || type_place(s, o - 1, depth + 1));
    }
    if (c == ':' && (b < 2 || s[b - 2] != ':')) { /* let [mut] NAME: */
        size_t n = back_blank(s, b - 1), a = n;
        while (a > 0 && ident_char(s[a - 1]))
            a--;
        if (a == n)
            return 0;
        size_t m = back_blank(s, a);
        if (word_before(s, m, "mut", 3))
            m = back_blank(s, m - 3);
        return word_before(s, m, "let", 3);
    }
    if (word_before(s, b, "as", 2) || word_before(s, b, "dyn", 3) || word_before(s, b, "impl", 4))
        return 1;
    if (word_before(s, b, "mut", 3) || word_before(s, b, "const", 5)) {
        size_t m = back_blank(s, b - (s[b - 1] == 't' && s[b - 2] == 'u' ? 3 : 5));
        return m > 0 && (s[m - 1] == '&' || s[m - 1] == '*') && type_place(s, m - 1, depth + 1);
    }
    return 0;
}

/* `-> ArrayVec::<u8, 4>`, `x as Vec::<u8>`, `<Vec::<u8> as Trait>`,
 * `MaybeUninit::<[Cell::<u8>; 4]>`: rustc takes a turbofish in a type's
 * path, the grammar only in an expression's.  Where the path stands in a
 * type's place (type_place()) and is not followed by `::`, `(` or `!`
 * (an expression's path, or a type's that parses already; a `{` there is
 * a body's), its `::` before `<` is read as two spaces: `ArrayVec  <u8,
 * 4>`. */
static void fix_type_turbofish(const char *src, size_t len, char **out)
{
    for (const char *q = src; (q = memmem(q, len - (size_t)(q - src), "::<", 3)) != NULL; q += 3) {
        size_t i = (size_t)(q - src), p = i;
        for (;;) { /* back to the start of the path a::b::C */
            size_t a = p;
            while (a > 0 && ident_char(src[a - 1]))
                a--;
            if (a == p)
                break;
            p = a;
            if (p >= 2 && src[p - 1] == ':' && src[p - 2] == ':')
                p -= 2;
            else
                break;
        }
        if (p == i || !type_place(src, p, 0))
            continue;
        size_t m = angle_end(src, len, i + 2);
        if (!m)
            continue;
        size_t k = skip_blank(src, len, m + 1);
        if (k < len && (src[k] == '(' || src[k] == '!' ||
                        (src[k] == ':' && k + 1 < len && src[k + 1] == ':')))
            continue;
        char *w = writable(out, src, len);
        w[i] = w[i + 1] = ' ';
    }
}

/* A where clause's type that is a macro (`where m!(Self): Send`, or a
 * unit type `(): Trait`): rustc takes any type there, the grammar only
 * names, paths, references, tuples and arrays.  Such a type right after
 * `where` or a `,` of the clause (which ends at `{` or `;`) and before a
 * lone `:` is read as a name: the macro's `!` and token tree as spaces
 * (line breaks stay), leaving its name; `()` as `__`.  A token tree that
 * does not close within TYPE_SCAN bytes ends the clause, so the scan
 * stays linear.  An empty where clause (`fn f() where {`, which rustc
 * takes) is read as spaces. */
static void fix_where_types(const char *src, size_t len, char **out)
{
    int in_where = 0;
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        if (c == '{' || c == ';') {
            in_where = 0;
            continue;
        }
        if (c == 'w' && word_start(src, i) && word_at(src, len, i, "where", 5)) {
            size_t k = skip_blank(src, len, i + 5);
            if (k < len && (src[k] == '{' || src[k] == ';')) /* `where {`: empty, read as spaces */
                memset(writable(out, src, len) + i, ' ', 5);
            in_where = 1;
            i += 4;
            continue;
        }
        if (!in_where || !(ident_char(c) || c == '(') || !word_start(src, i))
            continue;
        size_t b = back_blank(src, i);
        if (!(b > 0 && src[b - 1] == ',') && !word_before(src, b, "where", 5))
            continue;
        size_t a = i, bang = 0, close;
        if (c == '(') {
            if (i + 1 >= len || src[i + 1] != ')')
                continue;
            close = i + 1;
        } else {
            /* a path, then `!` and a token tree */
            size_t k = path_end(src, len, i);
            i = k - 1;
            if (k >= len || src[k] != '!')
                continue;
            bang = k;
            size_t o = skip_blank(src, len, k + 1);
            if (o >= len || (src[o] != '(' && src[o] != '[' && src[o] != '{'))
                continue;
            size_t end = len - o > TYPE_SCAN ? o + TYPE_SCAN : len;
            close = gr_matching(src, (uint32_t)o, (uint32_t)end);
            if (!close) {
                in_where = 0;
                continue;
            }
            i = close;
        }
        size_t k = skip_blank(src, len, close + 1);
        if (k >= len || src[k] != ':' || (k + 1 < len && src[k + 1] == ':'))
            continue;
        char *w = writable(out, src, len);
        if (!bang) {
            w[a] = w[a + 1] = '_';
            i = close;
            continue;
        }
        for (size_t j = bang; j <= close; j++)
            if (src[j] != '\n' && src[j] != '\r')
                w[j] = ' ';
    }
}

/* `u128 { hi: 0, lo: 0 }` (ring's struct u128), `u8 { .. } =>`: a struct
 * literal or pattern may be named like a primitive type, which the
 * grammar lexes as its keyword.  Where such a name before `{` follows
 * what starts an expression or a pattern - `=` (not `==`, `<=`, `>=`,
 * `!=`), `=>`, `(`, `[`, `{`, `,`, `;`, `|`, a lone `:`, `return` - and so
 * is no impl's or return type (`for u8 {`, `-> bool {`), its first byte
 * is read as `_`, making a name of the same length. */
static void fix_primitive_struct(const char *src, size_t len, char **out)
{
    for (const char *q = src; (q = memchr(q, '{', len - (size_t)(q - src))) != NULL; q++) {
        size_t i = (size_t)(q - src), e = back_blank(src, i), a = e;
        while (a > 0 && ident_char(src[a - 1]))
            a--;
        if (a == e || e - a > 5 || !gr_primitive_type(src + a, e - a))
            continue;
        size_t b = back_blank(src, a);
        if (b == 0 || (b >= 2 && src[b - 2] == ':' && src[b - 1] == ':'))
            continue;
        char c = src[b - 1], d = b >= 2 ? src[b - 2] : 0;
        int expr = c == '(' || c == '[' || c == '{' || c == ',' || c == ';' || c == '|' || c == ':' ||
                   (c == '=' && d != '=' && d != '<' && d != '>' && d != '!') || (c == '>' && d == '=') ||
                   word_before(src, b, "return", 6);
        if (expr)
            writable(out, src, len)[a] = '_';
    }
}

/* `impl '_ + Iterator<Item = u16>`, `dyn 'static + Send`: rustc takes a
 * lifetime as the first bound, the grammar only after a trait.  The
 * lifetime and its `+` are read as spaces. */
static void fix_lifetime_first(const char *src, size_t len, char **out)
{
    for (const char *q = src; (q = memchr(q, '\'', len - (size_t)(q - src))) != NULL; q++) {
        size_t i = (size_t)(q - src), b = back_blank(src, i), k = i + 1;
        if (!word_before(src, b, "impl", 4) && !word_before(src, b, "dyn", 3))
            continue;
        while (k < len && ident_char(src[k]))
            k++;
        size_t p = skip_blank(src, len, k);
        if (k == i + 1 || p >= len || src[p] != '+')
            continue;
        memset(writable(out, src, len) + i, ' ', p + 1 - i);
    }
}

/* `Result<>`, `f::<>()`, `impl<> T`: rustc takes empty generic arguments
 * and parameters, the grammar wants one at least.  `<>` (with its `::`)
 * is read as spaces; no operator is spelt `<>`. */
static void fix_empty_generics(const char *src, size_t len, char **out)
{
    for (const char *q = src; (q = memmem(q, len - (size_t)(q - src), "<>", 2)) != NULL; q += 2) {
        size_t i = (size_t)(q - src);
        if (i > 0 && (src[i - 1] == '<' || src[i - 1] == '-' || src[i - 1] == '='))
            continue;
        char *w = writable(out, src, len);
        w[i] = w[i + 1] = ' ';
        size_t b = back_blank(src, i);
        if (b >= 2 && src[b - 1] == ':' && src[b - 2] == ':')
            w[b - 1] = w[b - 2] = ' ';
    }
}

/* Two unstable item forms rustc parses (and gates later, so they build
 * under a `#[cfg]` or on nightly): `auto trait Send {}` and `default impl`
 * (specialization).  The grammar has neither: `auto` and `default` are
 * read as spaces, leaving a trait and an impl. */
static void fix_unstable_items(const char *src, size_t len, char **out)
{
    static const struct {
        const char *w, *next;
        size_t n, nn;
    } forms[] = {{"auto", "trait", 4, 5}, {"default", "impl", 7, 4}, {"default", "unsafe", 7, 6}};
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        const char *word = forms[f].w;
        size_t n = forms[f].n;
        for (const char *q = src; (q = memmem(q, len - (size_t)(q - src), word, n)) != NULL; q += n) {
            size_t i = (size_t)(q - src), k = skip_blank(src, len, i + n);
            if (!word_start(src, i) || !word_at(src, len, i, word, n) || k == i + n ||
                !word_at(src, len, k, forms[f].next, forms[f].nn))
                continue;
            if (f == 2 && !word_at(src, len, skip_blank(src, len, k + 6), "impl", 4))
                continue;
            memset(writable(out, src, len) + i, ' ', n);
        }
    }
}

/* Past the generics `<..>` that may open at s[k], and the blanks after:
 * k when there are none, 0 when they do not close (angle_end()). */
static size_t past_generics(const char *s, size_t len, size_t k)
{
    if (k >= len || s[k] != '<')
        return k;
    size_t m = angle_end(s, len, k);
    return m ? skip_blank(s, len, m + 1) : 0;
}

/* `impl !Trait {}`: rustc parses a negative impl without a trait (an
 * inherent impl of negative polarity, which it rejects only after
 * expanding `#[cfg]`s, so syn's tests hold one under `#[cfg(any())]`);
 * the grammar takes `!` there for the never type and fails on the name
 * after it.  Where `impl` and its generics are followed by `!` and a path
 * that no `for` follows (`impl !Send for T` parses), or by `!!` (`impl !!
 * {}`, of the never type), the first `!` is read as a space: an impl of
 * the type, which impl() makes negative again from the `!` in the file. */
static void fix_negative_inherent_impl(const char *src, size_t len, char **out)
{
    /* from each `!` back to `impl` (a memchr scan: `impl` and `use` are
     * words too common to search for) */
    size_t floor = 0; /* no look back past the last `!`: `>!>!>!..` stays linear */
    for (const char *q = src; (q = memchr(q, '!', len - (size_t)(q - src))) != NULL; q++) {
        size_t k = (size_t)(q - src), b = back_blank(src, k), from = floor;
        floor = k + 1;
        if (b == 0 || (k + 1 < len && src[k + 1] == '='))
            continue;
        if (src[b - 1] == '>') { /* impl<T> ! */
            size_t o = b >= 2 && src[b - 2] != '-' && src[b - 2] != '=' ? opener_before(src, b - 1, from) : 0;
            if (!o || src[o - 1] != '<')
                continue;
            b = back_blank(src, o - 1);
        }
        if (!word_before(src, b, "impl", 4))
            continue;
        size_t p = skip_blank(src, len, k + 1);
        if (p < len && src[p] == '!') { /* `impl !! {}`: of the never type */
            writable(out, src, len)[k] = ' ';
            continue;
        }
        if (p >= len || !ident_char(src[p]) || (src[p] >= '0' && src[p] <= '9'))
            continue;
        size_t t = past_generics(src, len, skip_blank(src, len, path_end(src, len, p)));
        if (t && !word_at(src, len, t, "for", 3))
            writable(out, src, len)[k] = ' ';
    }
}

/* `use ::*;`: edition 2015's glob import of the crate root (slog's
 * tests), which rustc parses in every edition; the grammar wants a path
 * before `::*`.  After `use`, such a `::` is read as spaces, leaving `use
 * *;`, and use_tree() takes the `::` from the file. */
static void fix_root_glob(const char *src, size_t len, char **out)
{
    for (const char *q = src; (q = memchr(q, '*', len - (size_t)(q - src))) != NULL; q++) {
        size_t b = back_blank(src, (size_t)(q - src));
        if (b < 2 || src[b - 1] != ':' || src[b - 2] != ':' || (b >= 3 && src[b - 3] == ':'))
            continue;
        if (word_before(src, back_blank(src, b - 2), "use", 3))
            memset(writable(out, src, len) + b - 2, ' ', 2);
    }
}

/* Whether the `{ ... }` at s[o] (closing at s[c]) is a struct pattern's
 * fields rather than a struct literal's: what follows it can only follow
 * a pattern - `=` or `=>` (not `==`), a lone `:` (a parameter's type), a
 * lone `|` (a closure's parameters, an or-pattern), `in`, `if` (a guard)
 * - or it ends with a bare `..` (a literal's is `..base`). */
static int pattern_braces(const char *s, uint32_t len, uint32_t o, uint32_t c)
{
    gr_tok t, u;
    uint32_t i = c + 1;
    if (gr_next_tok(s, &i, len, &t) > 0) {
        int two = gr_next_tok(s, &i, len, &u) > 0 && u.a == t.b;
        if (t.kind == '=')
            return !(two && u.kind == '=');
        if (t.kind == ':')
            return !(two && u.kind == ':');
        if (t.kind == '|')
            return !(two && (u.kind == '|' || u.kind == '='));
        if (t.kind == 'a' && t.b - t.a == 2 && (!memcmp(s + t.a, "in", 2) || !memcmp(s + t.a, "if", 2)))
            return 1;
    }
    /* a `..` at the braces' own depth, then `}` or `,` */
    int depth = 0, dots = 0;
    uint32_t last = 0;
    for (i = o + 1; i < c && gr_next_tok(s, &i, c, &t) > 0;) {
        if (t.kind == '(' || t.kind == '[' || t.kind == '{')
            depth++;
        else if (t.kind == ')' || t.kind == ']' || t.kind == '}')
            depth--;
        if (!depth && t.kind == '.' && (!dots || t.a == last))
            dots++;
        else if (!depth && dots == 2 && t.kind == ',')
            return 1;
        else
            dots = 0;
        last = t.b;
    }
    return dots == 2;
}

/* `let Foo::<T> { a, .. } = x`, `fn f(Foo::<T> { a, .. }: Foo<T>)`: rustc
 * takes a turbofish at the end of a struct pattern's path, the grammar
 * only before a later segment (`E::<T>::V { .. }`) or in a struct literal.
 * Where a path's `::<ARGS>` is followed by `{` and its braces are a
 * pattern's (pattern_braces(), within PAT_SCAN bytes), the `::<ARGS>` is
 * read as spaces (line breaks stay): a pattern's type arguments give the
 * graph nothing.  Arguments holding a bracket other than `[`, which
 * could hold a call (a const block `{ f() }`), are left as they are.
 * The braces' scans, one inside another's, stop after twice the text
 * has been read (past that, no more is fixed), so the fix stays linear. */
enum { PAT_SCAN = 4096 };
static void fix_pattern_turbofish(const char *src, size_t len, char **out)
{
    if (len >= UINT32_MAX)
        return;
    size_t budget = 2 * len + PAT_SCAN;
    for (const char *q = src; (q = memmem(q, len - (size_t)(q - src), "::<", 3)) != NULL; q += 3) {
        size_t i = (size_t)(q - src);
        if (i == 0 || !ident_char(src[i - 1]))
            continue;
        size_t m = angle_end(src, len, i + 2);
        if (!m)
            continue;
        size_t o = skip_blank(src, len, m + 1);
        if (o >= len || src[o] != '{' || memchr(src + i, '(', m - i) || memchr(src + i, '{', m - i))
            continue;
        uint32_t end = len - o > PAT_SCAN ? (uint32_t)(o + PAT_SCAN) : (uint32_t)len;
        uint32_t c = gr_matching(src, (uint32_t)o, end);
        size_t cost = 2 * ((c ? c : end) - o);
        if (cost > budget)
            return;
        budget -= cost;
        if (!c || !pattern_braces(src, (uint32_t)len, (uint32_t)o, c))
            continue;
        char *w = writable(out, src, len);
        for (size_t x = i; x <= m; x++)
            if (src[x] != '\n' && src[x] != '\r')
                w[x] = ' ';
        q = src + m - 2;
    }
}

/* `Literal { #[cfg(x)] inner: l, .. }` (proc-macro2): rustc takes outer
 * attributes on a struct pattern's fields, the grammar only on a struct
 * literal's.  Such attributes - after a `{` or `,` of a `PATH {` that is
 * no item's body, before what only a field can start there (`NAME:`,
 * `NAME,`, `NAME }`, `ref`, `mut`, `box`, `..`) - are read as spaces
 * (line breaks stay); a struct literal's lose nothing the graph keeps.
 * One pass over the file's tokens (gr_next_tok()) with a bracket stack:
 * a `{` is an item's body after `struct`, `enum`, `union`, `trait`,
 * `impl`, `fn`, `mod`, `where` or `macro_rules` at its bracket depth,
 * and so is a `{` directly inside an enum's (a variant's fields). */
enum { FA_NEST = 256 };
enum { FA_OTHER, FA_ITEM, FA_ENUM, FA_PATH };

static int field_attr_word(const char *s, const gr_tok *t)
{
    static const char *const w[] = {"struct", "union", "trait", "impl", "fn", "mod", "where", "macro_rules"};
    size_t n = t->b - t->a;
    if (n == 4 && !memcmp(s + t->a, "enum", 4))
        return FA_ENUM;
    for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
        if (strlen(w[k]) == n && !memcmp(s + t->a, w[k], n))
            return FA_ITEM;
    return FA_OTHER;
}

/* Past the attribute whose `[` was just read: 1 with *i past its `]`, 0
 * when it does not close. */
static int skip_attr(const char *src, uint32_t len, uint32_t *i)
{
    gr_tok t;
    int depth = 1;
    while (depth && gr_next_tok(src, i, len, &t) > 0)
        if (t.kind == '(' || t.kind == '[' || t.kind == '{')
            depth++;
        else if (t.kind == ')' || t.kind == ']' || t.kind == '}')
            depth--;
    return depth == 0;
}

/* Whether what starts at s[i] is a field of a pattern or literal: `NAME:`
 * (not `::`), `NAME,`, `NAME }`, `ref`, `mut`, `box` or `..`. */
static int field_starts(const char *src, uint32_t len, uint32_t i)
{
    gr_tok a, b, c;
    if (gr_next_tok(src, &i, len, &a) <= 0 || gr_next_tok(src, &i, len, &b) <= 0)
        return 0;
    if (a.kind == '.')
        return b.kind == '.' && b.a == a.b;
    if (a.kind != 'a')
        return 0;
    size_t n = a.b - a.a;
    if ((n == 3 && (!memcmp(src + a.a, "ref", 3) || !memcmp(src + a.a, "mut", 3) || !memcmp(src + a.a, "box", 3))) &&
        b.kind == 'a')
        return 1;
    if (b.kind == ':')
        return gr_next_tok(src, &i, len, &c) <= 0 || c.kind != ':' || c.a != b.b;
    return (b.kind == ',' || b.kind == '}') && !(src[a.a] >= '0' && src[a.a] <= '9');
}

/* Whether src may hold such an attribute: one after a `{` or `,` whose
 * attributes (each closing within TYPE_SCAN bytes) are followed by what
 * starts a field (non-`pub` fields of structs pass too; the token pass
 * tells).  Each attribute is read once, so the look is linear; one that
 * does not close in time says maybe. */
static int pattern_attr_maybe(const char *src, size_t len)
{
    for (const char *q = src; (q = memchr(q, '#', len - (size_t)(q - src))) != NULL; q++) {
        size_t i = (size_t)(q - src), b = back_blank(src, i);
        if (b == 0 || (src[b - 1] != '{' && src[b - 1] != ','))
            continue;
        size_t k = i;
        for (;;) { /* #[..] #[..] .. */
            size_t o = skip_blank(src, len, k + 1);
            if (o >= len || src[o] != '[')
                break;
            size_t end = len - o > TYPE_SCAN ? o + TYPE_SCAN : len;
            uint32_t close = gr_matching(src, (uint32_t)o, (uint32_t)end);
            if (!close)
                return 1;
            k = skip_blank(src, len, close + 1);
            if (field_starts(src, (uint32_t)len, (uint32_t)k))
                return 1;
            if (k >= len || src[k] != '#')
                break;
        }
        q = src + (k > i ? k - 1 : i);
    }
    return 0;
}

/* Whether src may hold a field named by a tuple index, `{ 0: a` or `, 1:`
 * (also after an attribute's `]`), which the token pass then looks at. */
static int tuple_field_maybe(const char *src, size_t len)
{
    for (const char *q = src; (q = memchr(q, ':', len - (size_t)(q - src))) != NULL; q++) {
        size_t i = (size_t)(q - src);
        if ((i + 1 < len && src[i + 1] == ':') || (i > 0 && src[i - 1] == ':'))
            continue;
        size_t b = back_blank(src, i), a = b;
        while (a > 0 && src[a - 1] >= '0' && src[a - 1] <= '9')
            a--;
        if (a == b || (a > 0 && ident_char(src[a - 1])))
            continue;
        size_t c = back_blank(src, a);
        if (c > 0 && (src[c - 1] == '{' || src[c - 1] == ',' || src[c - 1] == ']'))
            return 1;
    }
    return 0;
}

/* Also a field named by a tuple index in such a `PATH {` (`Foo { 0: a,
 * .. }`: rustc takes it in a pattern, the grammar only in a struct
 * literal): the index's first digit is read as `x`, a name of the same
 * length (a field's name in a pattern or literal gives the graph
 * nothing). */
static void fix_pattern_field_attrs(const char *src, size_t len, char **out)
{
    if (len >= UINT32_MAX || (!pattern_attr_maybe(src, len) && !tuple_field_maybe(src, len)))
        return;
    /* the text as the fixes before left it: a pattern's turbofish read as
     * spaces leaves `Foo       {`, a path's brace (fix_pattern_turbofish) */
    const char *s = *out ? *out : src;
    unsigned char cls[FA_NEST];
    int depth = 0, over = 0, item = FA_OTHER, item_depth = 0, prev = 0, field_at = 0;
    uint32_t i = 0, n = (uint32_t)len;
    gr_tok t;
    while (gr_next_tok(s, &i, n, &t) > 0) {
        int k = t.kind;
        /* a field starts here: after a path brace's `{` or `,`, or its attributes */
        int at_field = (field_at || prev == '{' || prev == ',') && !over && depth && cls[depth - 1] == FA_PATH;
        field_at = 0;
        if (k == 'a' && at_field && s[t.a] >= '0' && s[t.a] <= '9') {
            uint32_t h = i;
            gr_tok u, v;
            if (gr_next_tok(s, &h, n, &u) > 0 && u.kind == ':' &&
                !(gr_next_tok(s, &h, n, &v) > 0 && v.kind == ':' && v.a == u.b))
                writable(out, src, len)[t.a] = 'x';
        } else if (k == 'a') {
            /* (`where` after `enum E<T>` leaves it an enum) */
            int w = field_attr_word(s, &t);
            if (w == FA_ENUM || (w == FA_ITEM && (item == FA_OTHER || item_depth != depth + over)))
                item = w, item_depth = depth + over;
        } else if (k == '(' || k == '[' || k == '{') {
            int c = FA_OTHER;
            if (k == '{') {
                if (item != FA_OTHER && item_depth == depth + over)
                    c = item;
                else if (!over && depth && cls[depth - 1] == FA_ENUM)
                    c = FA_ITEM; /* a variant's fields */
                else if (prev == 'a')
                    c = FA_PATH;
                if (item_depth == depth + over)
                    item = FA_OTHER;
            }
            if (depth == FA_NEST)
                over++;
            else
                cls[depth++] = (unsigned char)(k == '{' ? c : FA_OTHER);
        } else if (k == ')' || k == ']' || k == '}') {
            if (over)
                over--;
            else if (depth)
                depth--;
            if (k == '}' || item_depth > depth + over)
                item = FA_OTHER;
        } else if (k == ';') {
            item = FA_OTHER;
        } else if (k == '#' && (prev == '{' || prev == ',') && !over && depth && cls[depth - 1] == FA_PATH) {
            /* the attributes here, then what follows them */
            uint32_t from = t.a, end = i, j = i;
            gr_tok u;
            while (gr_next_tok(s, &j, n, &u) > 0 && u.kind == '[' && skip_attr(s, n, &j)) {
                end = j;
                uint32_t h = j;
                if (gr_next_tok(s, &h, n, &u) <= 0 || u.kind != '#')
                    break;
                j = h;
            }
            if (end != i) { /* (none: `#` alone, `#!`, or an attribute that does not close) */
                if (field_starts(s, n, end)) {
                    char *w = writable(out, src, len);
                    for (uint32_t x = from; x < end; x++)
                        if (s[x] != '\n' && s[x] != '\r')
                            w[x] = ' ';
                    field_at = 1;
                }
                i = end;
                k = ']';
            }
        }
        prev = k;
    }
}

static char *grammar_text(const char *src, size_t len)
{
    static void (*const fixes[])(const char *, size_t, char **) = {
        fix_raw,           fix_2015_words,     fix_unicode_space,    fix_empty_bounds,   fix_as_le,
        fix_dyn_paren,     fix_neg_const_arg,  fix_type_turbofish,   fix_where_types,    fix_primitive_struct,
        fix_lifetime_first, fix_empty_generics, fix_unstable_items, fix_negative_inherent_impl,
        fix_root_glob,     fix_pattern_turbofish, fix_pattern_field_attrs,
    };
    char *out = NULL;
    for (size_t k = 0; k < sizeof fixes / sizeof fixes[0]; k++)
        fixes[k](src, len, &out);
    return out;
}

/* Parses src, the file x is extracting, with p (ranges set by the
 * caller) within the budget: NULL when tree-sitter gave up or ran out of
 * budget (b->over says which). */
static TSTree *parse_bounded(gr_extractor *x, TSParser *p, const char *src, size_t len, budget *b)
{
    if (!x->gtext_made) {
        x->gtext = grammar_text(src, len);
        x->gtext_made = 1;
    }
    return parse_text(p, x->gtext ? x->gtext : src, len, b);
}

static TSTree *parse_text(TSParser *p, const char *src, size_t len, budget *b)
{
    text_in in = {src, (uint32_t)len};
    b->limit = gr_parse_budget(len);
    b->over = 0;
    TSInput input = {&in, read_text, TSInputEncodingUTF8, NULL};
    TSParseOptions opt = {b, over_budget};
    return ts_parser_parse_with_options(p, NULL, input, opt);
}

/* ---- items inside item macros (macroitems.h) ---------------------------- */

/* Item macros read inside item macros, at most: each level parses its
 * text again, so this bounds a hostile nest's cost at a few passes. */
enum { MAX_MACRO_DEPTH = 4 };

/* The point of byte `to` of s, from that of byte *at (which moves there). */
static TSPoint point_to_text(const char *s, uint32_t *at, TSPoint pt, uint32_t to)
{
    for (uint32_t k = *at; k < to; k++) {
        if (s[k] == '\n')
            pt.row++, pt.column = 0;
        else
            pt.column++;
    }
    *at = to;
    return pt;
}

static TSPoint point_to(const ex *e, uint32_t *at, TSPoint pt, uint32_t to)
{
    return point_to_text(e->src, at, pt, to);
}

/* Every item the extractor added from index `from` on, and not already
 * marked by a macro inside this one, was written in macro `name`. */
static void mark_macro(ex *e, size_t from, fg_str name)
{
    for (size_t k = from; k < e->f->nitems; k++)
        if (!e->f->items[k].macro.len)
            e->f->items[k].macro = name;
}

/* Whether a macro's parse is an item list: no error, but perhaps a
 * missing ';' (thread_local!'s last static may go without one). */
static int clean_items(TSNode root)
{
    if (!ts_node_has_error(root))
        return 1;
    TSTreeCursor c = ts_tree_cursor_new(root);
    int ok = 1;
    for (;;) {
        TSNode x = ts_tree_cursor_current_node(&c);
        int descend = ts_node_has_error(x);
        if (ts_node_symbol(x) == (TSSymbol)-1 || (ts_node_is_missing(x) && strcmp(ts_node_type(x), ";"))) {
            ok = 0;
            break;
        }
        if (!walk_next(&c, root, descend))
            break;
    }
    ts_tree_cursor_delete(&c);
    return ok;
}

/* bitflags!: a struct per flags struct, a const per flag, from the scan. */
static void flags_items(ex *e, uint32_t open, TSPoint open_pt, uint32_t parent)
{
    const gr_macro_scan *ms = &e->ms;
    uint32_t at = open;
    TSPoint pt = open_pt;
    for (size_t i = 0; i < ms->nstructs; i++) {
        const gr_mflags *st = &ms->structs[i];
        fg_item it;
        memset(&it, 0, sizeof it);
        it.kind = GK_STRUCT;
        it.parent = parent;
        it.name = keep(e, (span){e->src + st->name_a, st->name_b - st->name_a});
        if (st->vis_end > st->a)
            it.vis = keep(e, (span){e->src + st->a, st->vis_end - st->a});
        pt = point_to(e, &at, pt, st->a);
        it.line = pt.row + 1, it.col = pt.column + 1;
        TSPoint after = point_to(e, &(uint32_t){at}, pt, st->end);
        it.end_line = after.row + 1, it.end_col = after.column + 1;
        uint32_t id = fg_add_item(e->f, &it);
        e->f->items[id].sig = signature(e, st->a, st->open);
        for (size_t k = st->first; k < st->first + st->n; k++) {
            const gr_mflag *fl = &ms->flags[k];
            memset(&it, 0, sizeof it);
            it.kind = GK_CONST;
            it.parent = id;
            it.name = keep(e, (span){e->src + fl->name_a, fl->name_b - fl->name_a});
            pt = point_to(e, &at, pt, fl->a);
            it.line = pt.row + 1, it.col = pt.column + 1;
            after = point_to(e, &(uint32_t){at}, pt, fl->end);
            it.end_line = after.row + 1, it.end_col = after.column + 1;
            uint32_t c = fg_add_item(e->f, &it);
            e->f->items[c].sig = signature(e, fl->a, fl->value_a);
        }
    }
}

/* The items inside an item macro `name!` (e->src[name_a..name_b)) whose
 * token tree is src[open] .. src[close], as children of `parent`: its
 * ranges (macroitems.h) parsed as an item list, all or nothing - a parse
 * with an error gives none, and says nothing (a macro's input need not be
 * Rust).  Every item made is marked with the macro's name. */
static void macro_items(ex *e, uint32_t name_a, uint32_t name_b, uint32_t open, TSPoint open_pt, uint32_t close,
                        uint32_t parent)
{
    if (!e->parser || e->macro_depth >= MAX_MACRO_DEPTH || close >= e->len || open >= close)
        return;
    int form = gr_macro_scan_items(e->src, e->src + name_a, name_b - name_a, open, close, &e->ms);
    if (form == GR_MACRO_NONE)
        return;
    size_t from = e->f->nitems;
    if (form == GR_MACRO_BITFLAGS) {
        flags_items(e, open, open_pt, parent);
    } else {
        size_t n = e->ms.nranges;
        if (!n)
            return;
        TSRange *r = gr_xmalloc(n * sizeof *r);
        uint32_t at = open;
        TSPoint pt = open_pt;
        for (size_t k = 0; k < n; k++) {
            r[k].start_byte = e->ms.ranges[k].a;
            r[k].start_point = point_to(e, &at, pt, e->ms.ranges[k].a);
            r[k].end_byte = e->ms.ranges[k].b;
            r[k].end_point = pt = point_to(e, &at, r[k].start_point, e->ms.ranges[k].b);
        }
        /* e->ms is free again from here: the items below may scan theirs */
        budget b = {0, 0, 0};
        TSTree *t = ts_parser_set_included_ranges(e->parser, r, (uint32_t)n)
                        ? parse_bounded(e->x, e->parser, e->src, e->len, &b)
                        : NULL;
        free(r);
        if (!t) {
            ts_parser_reset(e->parser);
            return;
        }
        TSNode root = ts_tree_root_node(t);
        if (clean_items(root)) {
            e->macro_depth++;
            items_in(e, root, parent);
            e->macro_depth--;
        }
        ts_tree_delete(t);
    }
    if (e->f->nitems > from)
        mark_macro(e, from, keep(e, (span){e->src + name_a, name_b - name_a}));
}

/* ---- `macro` items (macroitems.h) ------------------------------------- */

/* Whether s[a..b) is whitespace only. */
static int only_space(const char *s, uint32_t a, uint32_t b)
{
    for (; a < b; a++)
        if (!is_space(s[a]))
            return 0;
    return 1;
}

/* The `macro` items of src that the second parse is to leave out, in
 * x->defs, and the ranges it is to read, around them and the skimmed
 * regions (x->held_ranges).  0 when there are none. */
static size_t skip_macro_defs(gr_extractor *x, const char *src, size_t len)
{
    gr_macro_defs *d = &x->defs;
    if (!gr_macro_defs_scan(src, (uint32_t)len, d))
        return 0;
    const gr_skimmed *sk = x->nranges ? x->skims.v : NULL;
    size_t nsk = x->nranges ? x->skims.n : 0, kept = 0;
    /* A `macro` inside a skimmed constant or item macro is that region's
     * (the parse does not see it either way); a skimmed array of data
     * inside a `macro` goes with the macro.  A last one that ends the text
     * with no whitespace before it is left to the parser, as the scan
     * leaves such a region (skim.c: tree-sitter would stretch the token
     * before it to the end). */
    for (size_t k = 0, j = 0; k < d->n; k++) {
        const gr_macro_def *m = &d->v[k];
        while (j < nsk && sk[j].end <= m->a)
            j++;
        int in_region = 0;
        for (size_t t = j; t < nsk && sk[t].a < m->end && !in_region; t++)
            in_region = sk[t].kind != GR_SKIM_DATA;
        if (in_region || (m->end >= len && m->a > 0 && !is_space(src[m->a - 1])))
            continue;
        d->v[kept++] = *m;
    }
    d->n = kept;
    if (!kept)
        return 0;
    /* both lists in source order, with their points */
    gr_skims *h = &x->held;
    h->n = 0;
    uint32_t at = 0, def_end = 0;
    TSPoint pt = {0, 0};
    for (size_t k = 0, j = 0; k < d->n || j < nsk;) {
        if (h->n == h->cap) {
            h->cap = h->cap ? h->cap * 2 : 64;
            h->v = gr_xrealloc(h->v, h->cap * sizeof *h->v);
        }
        gr_skimmed *r = &h->v[h->n];
        if (j < nsk && (k == d->n || sk[j].a < d->v[k].a)) {
            const gr_skimmed *q = &sk[j++];
            if (q->a < def_end || (k < d->n && q->end > d->v[k].a))
                continue; /* data inside a `macro` */
            *r = *q;
        } else {
            const gr_macro_def *m = &d->v[k++];
            memset(r, 0, sizeof *r);
            r->kind = GR_SKIM_MACRO_DEF;
            r->a = m->a;
            r->end = m->end;
            TSPoint a = point_to_text(src, &at, pt, m->a);
            pt = point_to_text(src, &at, a, m->end);
            r->row = a.row, r->col = a.column;
            r->end_row = pt.row, r->end_col = pt.column;
            def_end = m->end;
        }
        r->adjoins = h->n > 0 && only_space(src, h->v[h->n - 1].end, r->a);
        h->n++;
    }
    x->nheld_ranges = gr_skim_ranges(h, &x->held_ranges, &x->held_ranges_cap);
    return kept;
}

/* The tree to read: t, or when t has an error and the text `macro` items,
 * the parse around them (x->defs then holds them; else x->defs.n is 0).
 * own: t is the caller's to free (not the arena's). */
static TSTree *around_macro_defs(gr_extractor *x, TSParser *p, TSTree *t, const char *src, size_t len, int own)
{
    if (!ts_node_has_error(ts_tree_root_node(t)) || !skip_macro_defs(x, src, len))
        return t;
    budget b = {0, 0, 0};
    TSTree *t2 = ts_parser_set_included_ranges(p, x->held_ranges, (uint32_t)x->nheld_ranges)
                     ? parse_bounded(x, p, src, len, &b)
                     : NULL;
    if (!t2) {
        /* over the budget, say: the first parse stands */
        ts_parser_reset(p);
        x->defs.n = 0;
        return t;
    }
    if (own)
        ts_tree_delete(t);
    return t2;
}

/* No tree: say why, where the parser stopped if it ran out of budget. */
static void no_tree(fg_file *f, const budget *b, const char *src, size_t len)
{
    if (!b->over) {
        fg_diagf(f, 1, "the parser gave up on this file");
        return;
    }
    uint32_t line = 1, col = 1;
    for (uint32_t i = 0; i < b->at && i < len; i++)
        if (src[i] == '\n')
            line++, col = 1;
        else
            col++;
    fg_diagf(f, line,
             "syntax errors too costly to recover from at column %u (tree-sitter asked for %zu MiB, over the limit of %zu MiB "
             "for a file of %zu bytes): parse abandoned there; no items from this file",
             col, gr_tsarena_requested() >> 20, gr_parse_budget(len) >> 20, len);
}

/* The arena path: parser, tree and cursors all live in the arena for this
 * one file, and go together at the end without a tree walk to free them.
 * A parser made here must not outlive the arena span, so it is new for
 * each file (cheap next to a parse). */
static void extract_in_arena(gr_extractor *x, fg_file *f, const char *src, size_t len)
{
    gr_tsarena_begin(x->arena);
    TSParser *p = ts_parser_new();
    budget b = {0, 0, 0};
    TSTree *t = p && ts_parser_set_language(p, G.lang) &&
                        (!x->nranges || ts_parser_set_included_ranges(p, x->ranges, (uint32_t)x->nranges))
                    ? parse_bounded(x, p, src, len, &b)
                    : NULL;
    if (t)
        extract_tree(x, p, f, around_macro_defs(x, p, t, src, len, 0), src, len);
    else
        no_tree(f, &b, src, len);
    if (p)
        ts_parser_delete(p); /* releases the scanner's own state */
    gr_tsarena_end(x->arena);
}

void gr_extract(gr_extractor *x, fg_file *f, const char *src, size_t len)
{
    fg_item root;
    memset(&root, 0, sizeof root);
    root.kind = GK_MODULE;
    root.line = root.col = 1;
    fg_add_item(f, &root);
    if (len > UINT32_MAX / 2) {
        fg_diagf(f, 1, "file too large to parse");
        return;
    }
    skim(x, src, len);
    free(x->gtext);
    x->gtext = NULL;
    x->gtext_made = 0; /* made by the first parse of this text */
    if (x->arena) {
        extract_in_arena(x, f, src, len);
        return;
    }
    gr_tsarena_begin(NULL); /* counts the budget */
    ts_parser_reset(x->parser);
    budget b = {0, 0, 0};
    TSTree *t = ts_parser_set_included_ranges(x->parser, x->nranges ? x->ranges : NULL, (uint32_t)x->nranges)
                    ? parse_bounded(x, x->parser, src, len, &b)
                    : NULL;
    if (!t) {
        no_tree(f, &b, src, len);
        ts_parser_reset(x->parser); /* a cancelled parse would otherwise resume */
        return;
    }
    t = around_macro_defs(x, x->parser, t, src, len, 1);
    extract_tree(x, x->parser, f, t, src, len);
    ts_tree_delete(t);
}
