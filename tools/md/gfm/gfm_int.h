/*
 * gfm_int.h - what the parts of tools/md/gfm share: the page's arena and
 * output buffer, the block tree, the link reference map.
 *
 * One page is parsed in two phases, as CommonMark's appendix describes:
 * gfm_block.c reads the lines into a tree of blocks (arena nodes; the text
 * of leaf blocks copied into one content buffer, each leaf's text
 * contiguous since only one leaf takes lines at a time), collecting link
 * reference definitions as paragraphs close; gfm_html.c then walks the
 * tree, and each paragraph, heading or table cell is parsed into inlines
 * (gfm_inline.c) and written out straight away, its inline nodes dropped
 * from the arena once written.
 */
#ifndef SLUICE_MD_GFM_INT_H
#define SLUICE_MD_GFM_INT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gfm.h"

/* ---- growing buffers; out of memory longjmps to sl_gfm_render --------- */

typedef struct gbuf {
    char *p;
    size_t len, cap;
} gbuf;

typedef struct garena_chunk garena_chunk;

typedef struct garena {
    garena_chunk *head; /* chunks in use, newest first */
    garena_chunk *spare; /* kept from earlier pages */
    char *at, *end;
    size_t taken; /* bytes of chunk the page took (again and again, when marks let go) */
} garena;

/* ---- blocks ---------------------------------------------------------- */

enum {
    B_DOCUMENT,
    B_QUOTE,
    B_LIST,
    B_ITEM,
    B_CODE,
    B_HTML,
    B_PARAGRAPH,
    B_HEADING,
    B_HR,
    B_TABLE,
    B_TABLE_ROW,
    B_TABLE_CELL,
};

enum { L_BULLET = 1, L_ORDERED };
enum { ALIGN_NONE = 0, ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };

typedef struct gnode gnode;
struct gnode {
    gnode *parent, *first, *last, *next, *prev;
    uint8_t type;
    bool open;
    bool last_line_blank, last_line_checked;
    int start_line;
    /* leaf text: content.p + off, len bytes (lines each ending "\n") */
    size_t off, len;
    union {
        struct {
            uint8_t type, delim, bullet;
            bool tight;
            int start, marker_offset, padding;
            int task; /* item: 0 none, 1 [ ], 2 [x] */
        } list;
        struct {
            bool fenced;
            char fence_char;
            uint8_t fence_len;
            int8_t fence_offset;
            size_t info_off, info_len; /* in content; raw, unescaped at render */
        } code;
        struct {
            int level;
            bool setext;
        } heading;
        int html_type;
        struct {
            uint16_t ncols;
            uint8_t *align;
            size_t autocompleted; /* empty cells added to its short rows */
        } table;
        struct {
            bool header;
        } row;
        size_t cell; /* a table cell's column */
    } as;
};

/* ---- link references ------------------------------------------------- */

typedef struct gref gref;
struct gref {
    gref *next;
    gref *added_before; /* the page's definitions, newest first (to empty their slots) */
    const char *label; /* normalised */
    size_t label_len;
    const char *url, *title; /* decoded */
    size_t url_len, title_len;
    uint32_t hash;
};

typedef struct grefmap {
    gref **slot;
    size_t nslot, count;
    gref *added; /* the newest definition */
    /* what the page's references have expanded to (URL and title bytes),
     * and how much they may: cmark-gfm's limit (see ref_lookup) */
    size_t expanded, max_expanded;
} grefmap;

/* ---- the renderer ---------------------------------------------------- */

/* cmark-gfm 0.29.0.gfm.6's MAXBACKTICKS (inlines.c): a run of more
 * backticks than this never opens a code span, nor closes one (later
 * cmark raised it to 1000; this is the cmark-gfm sluice md matches). */
#define GFM_MAXBACKTICKS 80

struct sl_gfm {
    jmp_buf oom;
    unsigned flags;
    const sl_gfm_opts *opts; /* the page's; flags above may differ while a heading's id is made */
    unsigned raw_seen;       /* raw inline HTML nodes written (a heading's, for its id) */
    size_t last_len;         /* the length of the page rendered last */
    bool done;               /* out holds a whole page's HTML (sl_gfm_take) */
    garena arena;
    gbuf content; /* leaf block text */
    gbuf out;     /* the page's HTML */
    gbuf line;    /* a line copied when it needs a NUL or CR fixed */
    gbuf scratch; /* inline text being unescaped or decoded */
    grefmap refs;
    int block_line; /* the page line of the block being written (gfm_html.c's enter) */
    int limit_line; /* the first where a limit on the HTML's growth applied (sl_gfm_limit_line) */
    /* code spans: where the last run of N backticks was seen in the block
     * being parsed, valid where its stamp is the block's (no clearing) */
    uint32_t bt_gen;
    uint32_t bt_stamp[GFM_MAXBACKTICKS + 1];
    size_t bt_pos[GFM_MAXBACKTICKS + 1];
};

typedef struct garena_mark {
    garena_chunk *head;
    char *at, *end;
} garena_mark;

_Noreturn void gfm_oom(sl_gfm *g);
garena_mark gfm_arena_mark(const garena *a);
/* drops what was cut from the arena since the mark */
void gfm_arena_release(garena *a, garena_mark m);
void *gfm_alloc_chunk(sl_gfm *g, size_t n); /* n rounded: from a new chunk */

/* n bytes of the page's arena, 16-aligned */
static inline void *gfm_alloc(sl_gfm *g, size_t n)
{
    garena *a = &g->arena;
    n = (n + 15) & ~(size_t)15;
    if ((size_t)(a->end - a->at) < n)
        return gfm_alloc_chunk(g, n);
    void *r = a->at;
    a->at += n;
    return r;
}
void gfm_arena_reset(garena *a); /* keeps at most a few MiB of chunks for the next page */
size_t gfm_arena_kept(const garena *a); /* bytes of chunk the arena holds (tests) */
void gbuf_trim(gbuf *b, size_t page);   /* frees a buffer far larger than the last page needed */
void gfm_arena_free(garena *a);
void gbuf_grow(sl_gfm *g, gbuf *b, size_t add);

static inline void gbuf_put(sl_gfm *g, gbuf *b, const void *s, size_t n)
{
    if (b->cap - b->len < n || !b->p) /* a buffer's first put may be of 0 bytes: NULL + 0 is UB */
        gbuf_grow(g, b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static inline void gbuf_putc(sl_gfm *g, gbuf *b, char c)
{
    if (b->cap == b->len)
        gbuf_grow(g, b, 1);
    b->p[b->len++] = c;
}

/* n > 0: a buffer with room for n bytes has memory (no NULL test) */
static inline void gbuf_put_some(sl_gfm *g, gbuf *b, const void *s, size_t n)
{
    if (b->cap - b->len < n)
        gbuf_grow(g, b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* A limit on how far the page's HTML may grow applied at `line`: the
 * first such line is what sl_gfm_limit_line reports (tables' limits are
 * met while parsing, references' while rendering: either may come first). */
static inline void gfm_limit_at(sl_gfm *g, int line)
{
    if (!g->limit_line || line < g->limit_line)
        g->limit_line = line;
}

/* lit: a string literal, not empty (sizeof gives its length) */
#define gbuf_puts(g, b, lit)                                                                                           \
    do {                                                                                                               \
        _Static_assert(sizeof(lit) > 1, "gbuf_puts: an empty literal");                                                \
        gbuf_put_some((g), (b), "" lit, sizeof(lit) - 1);                                                              \
    } while (0)

/* The length of the UTF-8 character at s (1 for ASCII), or 0 where the
 * bytes there are none (bad, overlong, a surrogate, past U+10FFFF).
 * cmark-gfm's scanners are re2c's in UTF-8 mode: their character
 * classes ([^\n], "any but a quote") match only such characters, so a
 * bad byte ends a fence's info string, an HTML block's end line, a table
 * cell, a link title, an attribute value, an autolink. */
static inline size_t gfm_u8len(const uint8_t *s, const uint8_t *end)
{
    uint8_t c = s[0];
    if (c < 0x80)
        return 1;
    size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (!n || (size_t)(end - s) < n)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) || (c == 0xF0 && s[1] < 0x90) ||
        (c == 0xF4 && s[1] > 0x8F))
        return 0;
    return n;
}

/* where the run of whole UTF-8 characters from s stops (end if it does not) */
static inline const uint8_t *gfm_u8stop(const uint8_t *s, const uint8_t *end)
{
    while (s < end) {
        if (*s < 0x80) {
            s++;
            continue;
        }
        size_t n = gfm_u8len(s, end);
        if (!n)
            return s;
        s += n;
    }
    return end;
}

/* gfm_block.c */
gnode *gfm_parse_blocks(sl_gfm *g, const char *src, size_t len);

/* gfm_inline.c: parses and writes the inlines of text[0..n) to g->out. */
void gfm_inline_render(sl_gfm *g, const char *text, size_t n, bool no_trailing_strip);
/* A reference definition at the start of s[0..n): its length, or 0. */
size_t gfm_parse_reference(sl_gfm *g, const char *s, size_t n);
/* Block-level scanners shared with inline HTML. */
size_t gfm_scan_html_tag(const uint8_t *p, const uint8_t *end);
size_t gfm_scan_open_or_close_tag(const uint8_t *p, const uint8_t *end);

/* gfm_html.c */
void gfm_render_html(sl_gfm *g, gnode *doc);
void gfm_escape_html(sl_gfm *g, const char *s, size_t n);
void gfm_escape_href(sl_gfm *g, const char *s, size_t n);
/* backslash escapes and entities of s[0..n) decoded into g->scratch from
 * its current length on */
void gfm_unescape(sl_gfm *g, const char *s, size_t n);

/* gfm_entity.c: the HTML5 named character reference `name` (without & and
 * ;), its UTF-8 in *utf8, or 0. */
size_t gfm_entity_lookup(const char *name, size_t n, const char **utf8);
/* A character reference at s ("&...;"): its length, its UTF-8 in buf (up
 * to 8 bytes; *out_len), or 0. */
size_t gfm_entity_decode(const char *s, size_t n, char *buf, size_t *out_len);


#endif
