/*
 * macroitems.h - where the items are inside a well-known item macro's
 * token tree, found by a lexical scan of its text.
 *
 * The one idea: most item macros hold Rust items with a little syntax of
 * their own around them, so leaving that syntax out gives text the
 * grammar parses as an item list, at the bytes where it was written.  The
 * scan says which bytes to parse (tree-sitter's included ranges, so every
 * node keeps its true position); the extractor parses them and keeps the
 * items only when the parse has no error.
 *
 *   cfg_if! { if #[cfg(a)] { ITEMS } else if #[cfg(b)] { ITEMS } else { ITEMS } }
 *                                 every branch's ITEMS, in source order
 *   lazy_static! { static ref NAME: T = E; ... }   all but each `ref`
 *   thread_local! { static NAME: T = E; ... }      the whole token tree
 *   NAME! { ITEMS } (libc's s!, s_no_extra_traits!, ...)  the whole token tree
 *   bitflags! { pub struct F: T { const A = E; ... } ... }
 *       not items at all: read here, a struct per `struct` and a const
 *       per `const` in its body
 */
#ifndef SLUICE_GRAPH_MACROITEMS_H
#define SLUICE_GRAPH_MACROITEMS_H

#include <stddef.h>
#include <stdint.h>

enum gr_macro_form {
    GR_MACRO_NONE,    /* not an item macro (or not one this scan understands) */
    GR_MACRO_ITEMS,   /* parse the ranges as an item list */
    GR_MACRO_BITFLAGS /* the flags structs below */
};

typedef struct gr_mrange {
    uint32_t a, b; /* bytes [a, b) of the text */
} gr_mrange;

/* One `const NAME = VALUE;` of a bitflags struct. */
typedef struct gr_mflag {
    uint32_t a, end;         /* `const` to one past the ';' (or the body's end) */
    uint32_t name_a, name_b;
    uint32_t value_a;        /* where the signature stops: at '=' */
} gr_mflag;

/* One `[VIS] struct NAME: TYPE { FLAGS }` of a bitflags! invocation. */
typedef struct gr_mflags {
    uint32_t a, end;         /* the visibility (or `struct`) to one past the '}' */
    uint32_t vis_end;        /* a when there is no visibility */
    uint32_t name_a, name_b;
    uint32_t open;           /* the body's '{' (the signature stops there) */
    size_t first, n;         /* its consts: flags[first .. first + n) */
} gr_mflags;

typedef struct gr_macro_scan {
    gr_mrange *ranges;
    size_t nranges, ranges_cap;
    gr_mflags *structs;
    size_t nstructs, structs_cap;
    gr_mflag *flags;
    size_t nflags, flags_cap;
} gr_macro_scan;

/* For a macro invocation named `name` (the last segment of its path,
 * name[0..nlen)) whose token tree is s[open] .. s[close] (its brackets),
 * the form it has and (reusing out's buffers) its ranges or its flags
 * structs.  GR_MACRO_NONE for any other macro, for a delimiter that is not
 * the macro's usual one, and for a token tree whose brackets, comments or
 * literals do not balance. */
int gr_macro_scan_items(const char *s, const char *name, size_t nlen, uint32_t open, uint32_t close,
                        gr_macro_scan *out);
void gr_macro_scan_free(gr_macro_scan *m);

/* One `macro` item (declarative macros 2.0, unstable but all over std):
 *   [ATTRIBUTES] [VIS] macro NAME { ARMS }
 *   [ATTRIBUTES] [VIS] macro NAME(PARAMS) { BODY }
 * The grammar has no rule for it, and its error recovery can take every
 * item after one into the error (a multi-line `extern "C"` block in an
 * arm does it), so the extractor parses around these bytes and makes the
 * macro's node from its text.  Two more unstable items the grammar takes
 * for errors go the same way:
 *   [ATTRIBUTES] [VIS] trait NAME[<...>] = BOUNDS [where ...];   a trait alias
 *   [ATTRIBUTES] [VIS] type NAME;   in an `extern` block: an extern type */
enum gr_def_kind { GR_DEF_MACRO, GR_DEF_TRAIT_ALIAS, GR_DEF_EXTERN_TYPE };

typedef struct gr_macro_def {
    uint32_t a, end;         /* its first attribute (else item_a) to one past the last '}' */
    uint32_t item_a;         /* the visibility, else `macro`: where the node starts */
    uint32_t vis_end;        /* item_a when there is no visibility */
    uint32_t name_a, name_b; /* NAME */
    uint32_t body;           /* the body's '{' (the ';' of the others): the signature stops there */
    int kind;                /* enum gr_def_kind */
} gr_macro_def;

typedef struct gr_macro_defs {
    gr_macro_def *v;
    size_t n, cap;
} gr_macro_defs;

/* A token of s[*i..end), the scan's own: its kind and bytes [a, b).
 * Kinds: 'a' a name or number, '"' a string or character literal, '('
 * '[' '{' ')' ']' '}', '\'' a lifetime's quote (its name follows), or the
 * punctuation byte itself.  Comments and white space are skipped.
 * Returns 1 and moves *i past the token, 0 at the end, -1 on a literal or
 * comment that does not end. */
typedef struct gr_tok {
    int kind;
    uint32_t a, b;
} gr_tok;
int gr_next_tok(const char *s, uint32_t *i, uint32_t end, gr_tok *t);

/* The closing bracket matching the `(`, `[` or `{` at s[open], before end:
 * its offset, or 0 when it does not close there (literals and comments
 * are skipped, brackets must pair up, at most 256 deep). */
uint32_t gr_matching(const char *s, uint32_t open, uint32_t end);

/* Fills out with the `macro` items (and the two others) of s[0..len), in source order: those
 * where an item can start (at the start, after ';', '{' or '}', and after
 * attributes and a visibility there), at any nesting depth.  The scan
 * stops at the first bracket, comment or literal that does not balance,
 * keeping what it found before: one linear pass, whatever the text.
 * Returns out->n. */
size_t gr_macro_defs_scan(const char *s, uint32_t len, gr_macro_defs *out);
void gr_macro_defs_free(gr_macro_defs *d);

#endif
