/*
 * skim.h - what the parser need not read, found by a lexical scan.
 *
 * A quarter of the Debian crate corpus's bytes need no syntax tree for
 * the graph, in three kinds of region:
 *   - plain constants, `pub const NAME: PATH = VALUE;` at the top of a
 *     file (libc, linux-raw-sys, winapi: 142,000 of them, 6.6 MB): all
 *     the graph keeps of one - name, visibility, span, signature, the type
 *     it names - is in its text;
 *   - macro invocations among a file's items, `name! { ... }` (17,000,
 *     5.4 MB): the graph does not read a macro's token tree;
 *   - the inside of long arrays of data in a constant's or static's value
 *     (unicode and hash tables: 1.4 MB): nothing in it can be a call or
 *     an item, so `[]` in its place gives the same graph.
 * gr_skim finds them; the extractor parses the file with those byte
 * ranges left out (tree-sitter's included ranges, so that every node keeps
 * its position) and adds the skimmed constants from their text, in source
 * order.  The scan takes only what the grammar surely parses without an
 * error, so that syntax errors are still reported.  Wherever a text parses
 * without error, the graph is the same either way: tests/graph pins it,
 * and the fuzzer checks it on every input.
 */
#ifndef SLUICE_GRAPH_SKIM_H
#define SLUICE_GRAPH_SKIM_H

#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

/* `[pub[(...)]] const NAME: PATH = VALUE;` in s[a..end), where end is
 * just past the ';', PATH is a plain path (a::b::C, ::C or one name), and
 * the whole text holds no comment, no string or character literal, and
 * VALUE no '(', '{' or ';'.  Offsets into s. */
typedef struct gr_plain_const {
    uint32_t vis_end;        /* a when there is no visibility */
    uint32_t name_a, name_b; /* NAME */
    uint32_t type_a, type_b; /* PATH */
    uint32_t segs;           /* PATH's segment count */
    uint32_t value_a;        /* VALUE's first byte */
} gr_plain_const;

/* 1 and *out when s[a..end) is such a constant, else 0. */
int gr_plain_const_parse(const char *s, uint32_t a, uint32_t end, gr_plain_const *out);

enum gr_skim_kind {
    GR_SKIM_CONST, /* a plain constant: an item, read from its text */
    GR_SKIM_MACRO, /* a macro invocation among the items: nothing to read */
    GR_SKIM_DATA,  /* the inside of a constant's or static's array of data */
    GR_SKIM_MACRO_DEF /* a `macro` item (macroitems.h), never made by gr_skim:
                       * the extractor adds them to the regions it skips */
};

/* The extractor's marks: where, in a function body's text, a call or a
 * nested item can start - a '(' that can open a call's arguments (after a
 * name, '>', ')', ']', '?' or '}', or where a comment may hide what it
 * follows) or an item keyword.  A lexical over-approximation: comments
 * and literals count too.  The first at or after s[i] and before hi, or
 * hi when there is none. */
uint32_t gr_next_mark(const char *s, uint32_t i, uint32_t hi);

/* The end of a raw string, r"..." or r#"..."#, whose `open` is at the
 * first '"' or '#' after the r: 0 when it is not one (r#name, a raw
 * identifier), UINT32_MAX when it never ends (before len). */
uint32_t gr_raw_string_end(const char *s, uint32_t open, uint32_t len);

/* Whether s[0..len) names one of Rust's primitive types (u8 ... f64,
 * bool, str, char). */
int gr_primitive_type(const char *s, size_t len);

/* A constant found by the scan, with its position as tree-sitter gives
 * one (0-based rows, columns in bytes). */
typedef struct gr_skimmed {
    uint32_t a, end;          /* bytes: first, one past the ';' */
    uint32_t row, col;        /* of a */
    uint32_t end_row, end_col;/* of end */
    uint8_t adjoins;          /* only whitespace since the previous one */
    uint8_t kind;             /* enum gr_skim_kind */
    gr_plain_const pc;        /* GR_SKIM_CONST: the constant, as read */
} gr_skimmed;

typedef struct gr_skims {
    gr_skimmed *v;
    size_t n, cap;
} gr_skims;

/* Fills out with the regions of src, in source order:
 *   - plain constants at the top level (outside every bracket) that start
 *     a statement (after a ';', after the '}' of an item's body, or at
 *     the start of a file with no shebang line: never after an
 *     attribute), whose VALUE is an operand expression;
 *   - macro invocations at the top level that start a statement, named
 *     by no keyword, that hold nothing the grammar's lexer rejects and
 *     end it (name!(...); or name!{...} before an item, ';' or the end);
 *   - anywhere outside a top-level macro, the inside of the brackets of a
 *     const's or static's value `[...]` or `&[...]` of at least 512 bytes,
 *     when it holds only literals, paths, tuples and arrays and no mark
 *     (gr_next_mark).
 * Finds none (out->n == 0) in a text whose brackets, comments or literals
 * do not balance: the parser then sees all of it.  Returns out->n. */
size_t gr_skim(const char *src, size_t len, gr_skims *out);
void gr_skims_free(gr_skims *s);

/* The ranges the parser is to read around sk's regions (for
 * ts_parser_set_included_ranges): one before each run of regions that
 * only whitespace separates, and a last one to the end of the text.
 * Fills *ranges (grown as needed, *cap its size); returns their count. */
size_t gr_skim_ranges(const gr_skims *sk, TSRange **ranges, size_t *cap);

#endif
