/*
 * skim.h - plain constants read from the text, so the parser can skip them.
 *
 * Nearly a third of the Debian crate corpus by item count, and an eighth
 * of its bytes, is one form: `pub const NAME: PATH = VALUE;` at the top of
 * a file (libc, linux-raw-sys, winapi).  Everything the graph keeps of such
 * an item - its name, visibility, span, signature and the type it names -
 * is in its text, so the parser need not build a tree for it.  A lexical
 * scan (gr_skim_consts) finds them; the extractor parses the file with
 * those byte ranges left out (tree-sitter's included ranges) and adds the
 * skimmed constants in their place, in source order.  The output is the
 * same either way: tests/graph pins it, and the fuzzer checks it on every
 * input the parser accepts without error.
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
    GR_SKIM_MACRO  /* a macro invocation among the items: nothing to read */
};

/* A constant found by the scan, with its position as tree-sitter gives
 * one (0-based rows, columns in bytes). */
typedef struct gr_skimmed {
    uint32_t a, end;          /* bytes: first, one past the ';' */
    uint32_t row, col;        /* of a */
    uint32_t end_row, end_col;/* of end */
    uint8_t adjoins;          /* only whitespace since the previous one */
    uint8_t kind;             /* enum gr_skim_kind */
} gr_skimmed;

typedef struct gr_skims {
    gr_skimmed *v;
    size_t n, cap;
} gr_skims;

/* Fills out with the plain constants at the top level of src (outside
 * every bracket), in source order: those that start a statement (after a
 * ';' or '}' or at the start of the file: never after an attribute) and
 * whose VALUE is a simple operand expression.  Finds none (out->n == 0)
 * in a text whose brackets, comments or literals do not balance: the
 * parser then sees all of it.  Returns out->n. */
size_t gr_skim(const char *src, size_t len, gr_skims *out);
void gr_skims_free(gr_skims *s);

/* The ranges the parser is to read around sk's regions (for
 * ts_parser_set_included_ranges): one before each run of regions that
 * only whitespace separates, and a last one to the end of the text.
 * Fills *ranges (grown as needed, *cap its size); returns their count. */
size_t gr_skim_ranges(const gr_skims *sk, TSRange **ranges, size_t *cap);

#endif
