/*
 * gfm_block.c - phase 1: a page's lines into the block tree (CommonMark's
 * appendix: each line first matched against the open containers, then new
 * block starts tried, then its text added to the innermost block), with
 * cmark-gfm 0.29's choices where the spec leaves room.  Lines are found
 * with memchr; a line that needs no repair (the usual one: ends in "\n",
 * holds no NUL or CR) is read in place, without a copy.
 */
#include <stdlib.h>

#include "gfm_int.h"
#include "gfm_scan.h"

#define TAB_STOP 4
#define CODE_INDENT 4

typedef struct parser {
    sl_gfm *g;
    const uint8_t *line; /* the line; line[len - 1] == '\n' */
    size_t len;
    size_t offset, first_nonspace, tb_kill;
    int column, first_nonspace_column, indent;
    bool blank, partial_tab;
    int line_number;
    gnode *root, *current;
    gnode *content_owner; /* the leaf whose text ends g->content */
    /* the row a table's continuation check parsed (gfm_table.h): the same
     * line's row, when it is added, is not parsed again */
    struct {
        int line_number;
        const uint8_t *s;
        size_t n;
        bool ok;
        struct trow *row; /* the whole row as parsed (gfm_table.h) */
    } trow_seen;
    size_t autocompleted; /* empty cells added to the page's tables' short rows */
    size_t table_tried;   /* bytes of paragraph read as tables' header rows (table_try_open) */
} parser;

static inline uint8_t at(const parser *p, size_t i)
{
    return i < p->len ? p->line[i] : 0;
}

static inline bool space_or_tab(uint8_t c)
{
    return c == ' ' || c == '\t';
}

static inline bool line_end(uint8_t c)
{
    return c == '\n' || c == '\r';
}

/* ---- the memory of a page -------------------------------------------- */

struct garena_chunk {
    garena_chunk *next;
    size_t size;
    max_align_t data[];
};

#define CHUNK_MIN ((size_t)64 << 10)

_Noreturn void gfm_oom(sl_gfm *g)
{
    longjmp(g->oom, 1);
}

void *gfm_alloc_chunk(sl_gfm *g, size_t n)
{
    garena *a = &g->arena;
    /* the first spare chunk that holds n: looking at the first alone
     * left a larger one unused below a small one, and each page asking
     * for a little more than the last made another */
    garena_chunk **pc = &a->spare, *c;
    while ((c = *pc) != NULL && c->size < n)
        pc = &c->next;
    if (c) {
        *pc = c->next;
    } else {
        size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
        c = malloc(sizeof *c + size);
        if (!c)
            gfm_oom(g);
        c->size = size;
    }
    c->next = a->head;
    a->head = c;
    a->taken += c->size;
    a->at = (char *)c->data;
    a->end = a->at + c->size;
    void *r = a->at;
    a->at += n;
    return r;
}

garena_mark gfm_arena_mark(const garena *a)
{
    return (garena_mark){a->head, a->at, a->end};
}

void gfm_arena_release(garena *a, garena_mark m)
{
    while (a->head != m.head) {
        garena_chunk *c = a->head;
        a->head = c->next;
        c->next = a->spare;
        a->spare = c;
    }
    a->at = m.at;
    a->end = m.end;
}

/* Between pages a renderer keeps what the page just done used, or this
 * much when that was less (and so for each buffer, gbuf_trim): a huge
 * page's memory serves the next page and is given back after a smaller
 * one, not held for the rest of a long-lived thread's life (the
 * sidecar). */
#define GFM_KEEP ((size_t)4 << 20)

void gfm_arena_reset(garena *a)
{
    size_t keep = a->taken > GFM_KEEP ? a->taken : GFM_KEEP;
    a->taken = 0;
    while (a->head) {
        garena_chunk *c = a->head;
        a->head = c->next;
        c->next = a->spare;
        a->spare = c;
    }
    a->at = a->end = NULL;
    size_t kept = 0;
    for (garena_chunk **pc = &a->spare, *c; (c = *pc) != NULL;)
        if (kept + c->size > keep) {
            *pc = c->next;
            free(c);
        } else {
            kept += c->size;
            pc = &c->next;
        }
}

size_t gfm_arena_kept(const garena *a)
{
    size_t n = 0;
    for (const garena_chunk *c = a->spare; c; c = c->next)
        n += c->size;
    for (const garena_chunk *c = a->head; c; c = c->next)
        n += c->size;
    return n;
}

void gbuf_trim(gbuf *b, size_t page)
{
    if (b->cap > GFM_KEEP && b->cap / 8 > page) { /* page: the last page's length */
        free(b->p);
        b->p = NULL;
        b->cap = b->len = 0;
    }
}

void gfm_arena_free(garena *a)
{
    gfm_arena_reset(a);
    while (a->spare) {
        garena_chunk *c = a->spare;
        a->spare = c->next;
        free(c);
    }
}

void gbuf_grow(sl_gfm *g, gbuf *b, size_t add)
{
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < add) {
        if (cap > SIZE_MAX / 2)
            gfm_oom(g);
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p)
        gfm_oom(g);
    b->p = p;
    b->cap = cap;
}

/* ---- the tree ---------------------------------------------------------- */

static gnode *finalize(parser *p, gnode *b);

static bool can_contain(const gnode *parent, int type)
{
    switch (parent->type) {
    case B_DOCUMENT:
    case B_QUOTE:
    case B_ITEM:
        return type != B_ITEM && type != B_TABLE_ROW && type != B_TABLE_CELL;
    case B_LIST:
        return type == B_ITEM;
    case B_TABLE:
        return type == B_TABLE_ROW;
    case B_TABLE_ROW:
        return type == B_TABLE_CELL;
    default:
        return false;
    }
}

static gnode *add_child(parser *p, gnode *parent, int type)
{
    while (!can_contain(parent, type))
        parent = finalize(p, parent);
    gnode *n = gfm_alloc(p->g, sizeof *n);
    memset(n, 0, sizeof *n);
    n->type = (uint8_t)type;
    n->open = true;
    n->start_line = p->line_number;
    n->parent = parent;
    n->prev = parent->last;
    if (parent->last)
        parent->last->next = n;
    else
        parent->first = n;
    parent->last = n;
    return n;
}

static void unlink_node(gnode *n)
{
    gnode *parent = n->parent;
    if (n->prev)
        n->prev->next = n->next;
    else
        parent->first = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        parent->last = n->prev;
}

/* Appends s[0..n) to leaf b's text: b's text stays contiguous at the end
 * of the content buffer (moved there if another leaf wrote after it). */
static void leaf_put(parser *p, gnode *b, const void *s, size_t n)
{
    gbuf *c = &p->g->content;
    if (p->content_owner != b) {
        if (b->len) { /* not met in practice: another leaf took lines meanwhile */
            gbuf_grow(p->g, c, b->len);
            memmove(c->p + c->len, c->p + b->off, b->len);
            b->off = c->len;
            c->len += b->len;
        } else {
            b->off = c->len;
        }
        p->content_owner = b;
    }
    gbuf_put(p->g, c, s, n);
    b->len += n;
}

static void add_line(parser *p, gnode *b)
{
    if (p->partial_tab) {
        p->offset += 1;
        int n = TAB_STOP - (p->column % TAB_STOP);
        leaf_put(p, b, "    ", (size_t)n);
    }
    leaf_put(p, b, p->line + p->offset, p->len - p->offset);
}

static bool is_blank_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\n' || c == '\r')
            return true;
        if (c != ' ' && c != '\t')
            return false;
    }
    return true;
}

/* Reference definitions at the start of paragraph b, taken into the map;
 * whether text is left. */
static bool resolve_refs(parser *p, gnode *b)
{
    const char *s = p->g->content.p + b->off;
    size_t n = b->len, used;
    while (n && s[0] == '[' && (used = gfm_parse_reference(p->g, s, n))) {
        s += used;
        n -= used;
        b->off += used;
        b->len -= used;
    }
    return !is_blank_text(s, n);
}

static bool ends_with_blank_line(gnode *n)
{
    for (;;) {
        if (n->last_line_checked)
            return n->last_line_blank;
        n->last_line_checked = true;
        if ((n->type == B_LIST || n->type == B_ITEM) && n->last)
            n = n->last;
        else
            return n->last_line_blank;
    }
}

static gnode *finalize(parser *p, gnode *b)
{
    gnode *parent = b->parent;
    b->open = false;
    const char *c = p->g->content.p;
    switch (b->type) {
    case B_PARAGRAPH:
        if (!resolve_refs(p, b))
            unlink_node(b);
        break;
    case B_CODE:
        if (!b->as.code.fenced) { /* drop trailing blank lines, keep one "\n" */
            size_t n = b->len;
            while (n && (c[b->off + n - 1] == ' ' || c[b->off + n - 1] == '\t' || c[b->off + n - 1] == '\n'))
                n--;
            if (n) {
                while (c[b->off + n] != '\n') /* back up to the first line end */
                    n++;
                n++;
            } else {
                n = 0;
                /* cmark: the text becomes "\n" alone */
                if (p->content_owner == b && b->off + b->len == p->g->content.len) {
                    p->g->content.len = b->off;
                    b->len = 0;
                }
                leaf_put(p, b, "\n", 1);
                break;
            }
            b->len = n;
        } else { /* the first line is the info string */
            size_t pos = 0;
            while (pos < b->len && c[b->off + pos] != '\n')
                pos++;
            b->as.code.info_off = b->off;
            b->as.code.info_len = pos;
            if (pos < b->len)
                pos++;
            b->off += pos;
            b->len -= pos;
        }
        break;
    case B_LIST: {
        b->as.list.tight = true;
        for (gnode *item = b->first; item; item = item->next) {
            if (item->last_line_blank && item->next) {
                b->as.list.tight = false;
                break;
            }
            for (gnode *sub = item->first; sub; sub = sub->next)
                if ((item->next || sub->next) && ends_with_blank_line(sub)) {
                    b->as.list.tight = false;
                    break;
                }
            if (!b->as.list.tight)
                break;
        }
        break;
    }
    default:
        break;
    }
    if (p->content_owner == b)
        p->content_owner = NULL;
    return parent;
}

/* ---- line scanning ----------------------------------------------------- */

static void find_first_nonspace(parser *p)
{
    if (p->first_nonspace <= p->offset) {
        /* in locals: a tab goes on to the next multiple of TAB_STOP */
        const uint8_t *s = p->line;
        size_t i = p->offset, n = p->len;
        int col = p->column;
        for (; i < n; i++) {
            if (s[i] == ' ')
                col++;
            else if (s[i] == '\t')
                col += TAB_STOP - col % TAB_STOP;
            else
                break;
        }
        p->first_nonspace = i;
        p->first_nonspace_column = col;
    }
    p->indent = p->first_nonspace_column - p->column;
    p->blank = line_end(at(p, p->first_nonspace));
}

static void advance(parser *p, size_t count, bool columns)
{
    uint8_t c;
    while (count > 0 && (c = at(p, p->offset))) {
        if (c == '\t') {
            int chars_to_tab = TAB_STOP - (p->column % TAB_STOP);
            if (columns) {
                p->partial_tab = (size_t)chars_to_tab > count;
                size_t adv = (size_t)chars_to_tab < count ? (size_t)chars_to_tab : count;
                p->column += (int)adv;
                p->offset += p->partial_tab ? 0 : 1;
                count -= adv;
            } else {
                p->partial_tab = false;
                p->column += chars_to_tab;
                p->offset++;
                count--;
            }
        } else {
            p->partial_tab = false;
            p->offset++;
            p->column++;
            count--;
        }
    }
}

static size_t scan_atx_start(const parser *p, size_t i)
{
    size_t s = i;
    int n = 0;
    while (at(p, i) == '#' && n < 7) {
        i++;
        n++;
    }
    if (n < 1 || n > 6)
        return 0;
    uint8_t c = at(p, i);
    if (line_end(c))
        return i + 1 - s;
    if (!space_or_tab(c))
        return 0;
    while (space_or_tab(at(p, i)))
        i++;
    return i - s;
}

static int scan_setext(const parser *p, size_t i)
{
    uint8_t c = at(p, i);
    if (c != '=' && c != '-')
        return 0;
    while (at(p, i) == c)
        i++;
    while (space_or_tab(at(p, i)))
        i++;
    if (!line_end(at(p, i)))
        return 0;
    return c == '=' ? 1 : 2;
}

/* A run of three or more backticks or tildes at *i: its length, *i past
 * it (0 when there is none). */
static size_t fence_run(const parser *p, size_t *i)
{
    uint8_t c = at(p, *i);
    if (c != '`' && c != '~')
        return 0;
    size_t s = *i;
    while (at(p, *i) == c)
        (*i)++;
    return *i - s >= 3 ? *i - s : 0;
}

static size_t scan_open_fence(const parser *p, size_t i)
{
    uint8_t c = at(p, i);
    size_t n = fence_run(p, &i);
    if (!n)
        return 0;
    const uint8_t *end = p->line + p->len;
    while (i < p->len) {
        uint8_t d = p->line[i];
        if (line_end(d))
            return n;
        if (d == 0 || (c == '`' && d == '`'))
            return 0;
        size_t l = gfm_u8len(p->line + i, end);
        if (!l)
            return 0;
        i += l;
    }
    return 0;
}

static size_t scan_close_fence(const parser *p, size_t i)
{
    size_t n = fence_run(p, &i);
    if (!n)
        return 0;
    while (space_or_tab(at(p, i)))
        i++;
    return line_end(at(p, i)) ? n : 0;
}

static size_t scan_thematic_break(parser *p, size_t i)
{
    size_t s = i;
    uint8_t c = at(p, i), d = 0;
    if (c != '*' && c != '_' && c != '-') {
        p->tb_kill = i;
        return 0;
    }
    int count = 1;
    while ((d = at(p, ++i))) {
        if (d == c)
            count++;
        else if (d != ' ' && d != '\t')
            break;
    }
    if (count >= 3 && line_end(d))
        return i - s + 1;
    p->tb_kill = i;
    return 0;
}

static inline uint8_t lower(uint8_t c)
{
    return (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

/* Whether the letters at s (case-insensitive) are `word` (lowercase). */
static bool word_at(const uint8_t *s, const uint8_t *end, const char *word)
{
    for (; *word; word++, s++)
        if (s >= end || lower(*s) != (uint8_t)*word)
            return false;
    return true;
}

/* cmark_isspace: space, tab, LF, CR (not VT or FF) */
static bool cm_isspace(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* the scanners' spacechar: [ \t\v\f\r\n] */
static bool is_spacechar(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

/* CommonMark's type-6 names as libcmark-gfm 0.29.0.gfm.6 (Debian's) lists
 * them: without "source", which the spec's list has (a `<source>` line
 * does not interrupt a paragraph there; htmlblock.js compares). */
static const char *const block_tags[] = {
    "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center", "col",
    "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr",
    "html", "iframe", "legend", "li", "link", "main", "menu", "menuitem", "nav", "noframes", "ol",
    "optgroup", "option", "p", "param", "section", "title", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "track", "ul"};

static int scan_html_start(const parser *p, size_t i)
{
    const uint8_t *s = p->line + i, *end = p->line + p->len;
    if (s >= end || *s != '<')
        return 0;
    s++;
    static const char *const t1[] = {"script", "pre", "style"};
    for (int k = 0; k < 3; k++)
        if (word_at(s, end, t1[k])) {
            const uint8_t *e = s + strlen(t1[k]);
            if (e < end && (is_spacechar(*e) || *e == '>'))
                return 1;
        }
    if (end - s >= 3 && s[0] == '!' && s[1] == '-' && s[2] == '-')
        return 2;
    if (s < end && *s == '?')
        return 3;
    if (end - s >= 2 && s[0] == '!' && s[1] >= 'A' && s[1] <= 'Z')
        return 4;
    if (end - s >= 8 && s[0] == '!' && s[1] == '[' && word_at(s + 2, end, "cdata") && s[7] == '[')
        return 5; /* re2c's '...' strings are case-insensitive */
    if (s < end && *s == '/')
        s++;
    const uint8_t *e = s;
    while (e < end && ((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z') || (*e >= '0' && *e <= '9')))
        e++;
    size_t n = (size_t)(e - s);
    if (n == 0 || n > 10)
        return 0;
    char name[11];
    for (size_t k = 0; k < n; k++)
        name[k] = (char)lower(s[k]);
    name[n] = 0;
    bool found = false;
    for (size_t k = 0; k < sizeof block_tags / sizeof block_tags[0]; k++)
        if (block_tags[k][0] == name[0] && strcmp(block_tags[k], name) == 0) {
            found = true;
            break;
        }
    if (!found || e >= end)
        return 0;
    if (is_spacechar(*e) || *e == '>')
        return 6;
    if (*e == '/' && e + 1 < end && e[1] == '>')
        return 6;
    return 0;
}

static int scan_html_start7(const parser *p, size_t i)
{
    const uint8_t *s = p->line + i, *end = p->line + p->len;
    if (s >= end || *s != '<')
        return 0;
    size_t n = gfm_scan_open_or_close_tag(s + 1, end);
    if (!n)
        return 0;
    s += 1 + n;
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\f'))
        s++;
    return s < end && line_end(*s) ? 7 : 0;
}

/* Whether the line from i holds the end of an HTML block of `type`. */
static bool html_end(const parser *p, size_t i, int type)
{
    /* [^\n\x00]* before the end mark: only whole characters */
    const uint8_t *s = p->line + i, *end = gfm_u8stop(s, p->line + p->len);
    switch (type) {
    case 1:
        for (; s + 1 < end; s++)
            if (s[0] == '<' && s[1] == '/' &&
                ((word_at(s + 2, end, "script") && s + 8 < end && s[8] == '>') ||
                 (word_at(s + 2, end, "pre") && s + 5 < end && s[5] == '>') ||
                 (word_at(s + 2, end, "style") && s + 7 < end && s[7] == '>')))
                return true;
        return false;
    case 2:
        for (; s + 2 < end; s++)
            if (s[0] == '-' && s[1] == '-' && s[2] == '>')
                return true;
        return false;
    case 3:
        for (; s + 1 < end; s++)
            if (s[0] == '?' && s[1] == '>')
                return true;
        return false;
    case 4:
        return memchr(s, '>', (size_t)(end - s)) != NULL;
    case 5:
        for (; s + 2 < end; s++)
            if (s[0] == ']' && s[1] == ']' && s[2] == '>')
                return true;
        return false;
    default:
        return false;
    }
}

typedef struct list_data {
    uint8_t type, delim, bullet;
    int start, padding;
} list_data;

static size_t parse_list_marker(const parser *p, size_t pos, bool interrupts, list_data *d)
{
    size_t s = pos;
    uint8_t c = at(p, pos);
    memset(d, 0, sizeof *d);
    if (c == '*' || c == '-' || c == '+') {
        pos++;
        if (!cm_isspace(at(p, pos)))
            return 0;
        if (interrupts) {
            size_t i = pos;
            while (space_or_tab(at(p, i)))
                i++;
            if (at(p, i) == '\n')
                return 0;
        }
        d->type = L_BULLET;
        d->bullet = c;
    } else if (c >= '0' && c <= '9') {
        int start = 0, digits = 0;
        do {
            start = 10 * start + (at(p, pos) - '0');
            pos++;
            digits++;
        } while (digits < 9 && at(p, pos) >= '0' && at(p, pos) <= '9');
        if (interrupts && start != 1)
            return 0;
        c = at(p, pos);
        if (c != '.' && c != ')')
            return 0;
        pos++;
        if (!cm_isspace(at(p, pos)))
            return 0;
        if (interrupts) {
            size_t i = pos;
            while (space_or_tab(at(p, i)))
                i++;
            if (line_end(at(p, i)))
                return 0;
        }
        d->type = L_ORDERED;
        d->start = start;
        d->delim = c;
    } else {
        return 0;
    }
    return pos - s;
}

/* ---- GFM tables (extensions/table.c's reading) -------------------------- */

#include "gfm_table.h"

/* tasklist: spaces, a marker ("-", "+", "*" or digits and any character),
 * spaces, "[ ]", "[x]" or "[X]", spaces: read from the start of the line, as
 * cmark-gfm's tasklist extension reads it (inside a quote it never
 * matches). */
static bool tasklist_rest(const uint8_t *s, const uint8_t *end)
{
    const uint8_t *sp = s;
    while (s < end && t_space(*s))
        s++;
    if (s == sp || end - s < 3 || s[0] != '[' || (s[1] != ' ' && s[1] != 'x' && s[1] != 'X') || s[2] != ']')
        return false;
    s += 3;
    return s < end && t_space(*s);
}

static bool scan_tasklist(const parser *p)
{
    const uint8_t *s = p->line, *end = s + p->len;
    while (s < end && t_space(*s))
        s++;
    if (s < end && (*s == '-' || *s == '+' || *s == '*'))
        return tasklist_rest(s + 1, end);
    const uint8_t *d = s;
    while (s < end && *s >= '0' && *s <= '9')
        s++;
    if (s == d)
        return false;
    /* [0-9]+ then any character but a newline: the one after the digits,
     * or (backtracking) the last digit */
    size_t l = s < end && *s != '\n' ? gfm_u8len(s, end) : 0;
    return (l && tasklist_rest(s + l, end)) || (s - d >= 2 && tasklist_rest(s, end));
}

static bool checked_task(const parser *p)
{
    for (size_t i = 0; i + 2 < p->len; i++)
        if (p->line[i] == '[' && (p->line[i + 1] == 'x' || p->line[i + 1] == 'X') && p->line[i + 2] == ']')
            return true;
    return false;
}

/* ---- phase 1, line by line ---------------------------------------------- */

static gnode *check_open_blocks(parser *p, bool *all_matched)
{
    *all_matched = false;
    gnode *c = p->root;
    while (c->last && c->last->open) {
        c = c->last;
        find_first_nonspace(p);
        switch (c->type) {
        case B_QUOTE:
            if (p->indent <= 3 && at(p, p->first_nonspace) == '>') {
                advance(p, (size_t)p->indent + 1, true);
                if (space_or_tab(at(p, p->offset)))
                    advance(p, 1, true);
                break;
            }
            goto done;
        case B_ITEM:
            if (p->indent >= c->as.list.marker_offset + c->as.list.padding) {
                advance(p, (size_t)(c->as.list.marker_offset + c->as.list.padding), true);
                break;
            }
            if (p->blank && c->first) {
                advance(p, p->first_nonspace - p->offset, false);
                break;
            }
            goto done;
        case B_CODE:
            if (!c->as.code.fenced) {
                if (p->indent >= CODE_INDENT) {
                    advance(p, CODE_INDENT, true);
                    break;
                }
                if (p->blank) {
                    advance(p, p->first_nonspace - p->offset, false);
                    break;
                }
                goto done;
            } else {
                size_t m = 0;
                if (p->indent <= 3 && at(p, p->first_nonspace) == (uint8_t)c->as.code.fence_char)
                    m = scan_close_fence(p, p->first_nonspace);
                if (m >= c->as.code.fence_len) {
                    advance(p, m, false);
                    p->current = finalize(p, c);
                    return NULL; /* the line is done */
                }
                int i = c->as.code.fence_offset;
                while (i > 0 && space_or_tab(at(p, p->offset))) {
                    advance(p, 1, true);
                    i--;
                }
                break;
            }
        case B_HEADING:
            goto done;
        case B_HTML:
            if (c->as.html_type <= 5 || !p->blank)
                break;
            goto done;
        case B_PARAGRAPH:
            if (p->blank)
                goto done;
            break;
        case B_TABLE:
            if (!table_row_matches(p, c))
                goto done;
            break;
        case B_TABLE_ROW:
        case B_TABLE_CELL:
            goto done;
        default:
            break;
        }
    }
    *all_matched = true;
done:
    if (!*all_matched)
        c = c->parent;
    return c;
}

/* The bytes a block start tried below can begin with, at the line's first
 * non-space (not indented, not in a table, where any line may be a row):
 * quote, ATX heading, fence, HTML, setext underline, thematic break, list
 * marker, table delimiter row (after VT or FF too, its spaces), and a task
 * item's "[ ]", the marker or digits before it, or the VT or FF its
 * read from the line's start skips.  A line starting with any other byte
 * (most text lines) starts no block, and skips the chain of tests. */
static const bool block_start[256] = {
    ['\v'] = 1, ['\f'] = 1, ['>'] = 1, ['#'] = 1, ['`'] = 1, ['~'] = 1, ['<'] = 1, ['='] = 1, ['-'] = 1, ['*'] = 1, ['_'] = 1,
    ['+'] = 1, ['|'] = 1, [':'] = 1, ['['] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
    ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
};

static void open_new_blocks(parser *p, gnode **container, bool all_matched)
{
    bool maybe_lazy = p->current->type == B_PARAGRAPH;
    int ct = (*container)->type;
    list_data d;
    gnode *row;
    size_t m;
    int lev;
    while (ct != B_CODE && ct != B_HTML) {
        find_first_nonspace(p);
        bool indented = p->indent >= CODE_INDENT;
        uint8_t c = at(p, p->first_nonspace);
        if (!indented && ct != B_TABLE && !block_start[c])
            break;
        if (!indented && c == '>') {
            advance(p, p->first_nonspace + 1 - p->offset, false);
            if (space_or_tab(at(p, p->offset)))
                advance(p, 1, true);
            *container = add_child(p, *container, B_QUOTE);
        } else if (!indented && c == '#' && (m = scan_atx_start(p, p->first_nonspace))) {
            size_t fn = p->first_nonspace;
            advance(p, p->first_nonspace + m - p->offset, false);
            *container = add_child(p, *container, B_HEADING);
            int level = 0;
            while (at(p, fn + (size_t)level) == '#')
                level++;
            (*container)->as.heading.level = level;
        } else if (!indented && (c == '`' || c == '~') && (m = scan_open_fence(p, p->first_nonspace))) {
            *container = add_child(p, *container, B_CODE);
            (*container)->as.code.fenced = true;
            (*container)->as.code.fence_char = (char)c;
            (*container)->as.code.fence_len = m > 255 ? 255 : (uint8_t)m;
            (*container)->as.code.fence_offset = (int8_t)(p->first_nonspace - p->offset);
            advance(p, p->first_nonspace + m - p->offset, false);
        } else if (!indented && c == '<' &&
                   ((lev = scan_html_start(p, p->first_nonspace)) ||
                    (ct != B_PARAGRAPH && (lev = scan_html_start7(p, p->first_nonspace))))) {
            *container = add_child(p, *container, B_HTML);
            (*container)->as.html_type = lev;
        } else if (!indented && ct == B_PARAGRAPH && (c == '=' || c == '-') &&
                   (lev = scan_setext(p, p->first_nonspace))) {
            if (resolve_refs(p, *container)) {
                (*container)->type = B_HEADING;
                (*container)->as.heading.level = lev;
                (*container)->as.heading.setext = true;
                advance(p, p->len - 1 - p->offset, false);
            }
        } else if (!indented && !(ct == B_PARAGRAPH && !all_matched) && p->tb_kill <= p->first_nonspace &&
                   (m = scan_thematic_break(p, p->first_nonspace))) {
            *container = add_child(p, *container, B_HR);
            advance(p, p->len - 1 - p->offset, false);
        } else if ((!indented || ct == B_LIST) && p->indent < 4 &&
                   (m = parse_list_marker(p, p->first_nonspace, ct == B_PARAGRAPH, &d))) {
            advance(p, p->first_nonspace + m - p->offset, false);
            bool save_tab = p->partial_tab;
            size_t save_offset = p->offset;
            int save_column = p->column;
            while (p->column - save_column <= 5 && space_or_tab(at(p, p->offset)))
                advance(p, 1, true);
            int i = p->column - save_column;
            if (i >= 5 || i < 1 || line_end(at(p, p->offset))) {
                d.padding = (int)m + 1;
                p->offset = save_offset;
                p->column = save_column;
                p->partial_tab = save_tab;
                if (i > 0)
                    advance(p, 1, true);
            } else {
                d.padding = (int)m + i;
            }
            gnode *cont = *container;
            if (ct != B_LIST || cont->as.list.type != d.type || cont->as.list.delim != d.delim ||
                cont->as.list.bullet != d.bullet) {
                cont = add_child(p, cont, B_LIST);
                cont->as.list.type = d.type;
                cont->as.list.delim = d.delim;
                cont->as.list.bullet = d.bullet;
                cont->as.list.start = d.start;
                cont->as.list.padding = d.padding;
                cont->as.list.marker_offset = p->indent;
            }
            gnode *item = add_child(p, cont, B_ITEM);
            item->as.list.type = d.type;
            item->as.list.delim = d.delim;
            item->as.list.bullet = d.bullet;
            item->as.list.start = d.start;
            item->as.list.padding = d.padding;
            item->as.list.marker_offset = p->indent;
            *container = item;
        } else if (indented && !maybe_lazy && !p->blank) {
            advance(p, CODE_INDENT, true);
            *container = add_child(p, *container, B_CODE);
        } else if ((p->g->flags & SL_GFM_TABLE) && !indented && ct == B_PARAGRAPH &&
                   table_try_open(p, container)) {
            /* the paragraph became a table */
        } else if ((p->g->flags & SL_GFM_TABLE) && !indented && ct == B_TABLE &&
                   (row = table_open_row(p, *container))) {
            *container = row;
        } else if ((p->g->flags & SL_GFM_TASKLIST) && ct == B_ITEM && scan_tasklist(p)) {
            /* cmark-gfm's tasklist extension: the item is marked, its
             * "[ ]" skipped (three bytes on from here, wherever it is) */
            (*container)->as.list.task = checked_task(p) ? 2 : 1;
            advance(p, 3, false);
            break;
        } else {
            break;
        }
        ct = (*container)->type;
        if (ct == B_PARAGRAPH || ct == B_HEADING || ct == B_CODE || ct == B_TABLE || ct == B_TABLE_ROW)
            break; /* takes lines, holds no blocks */
        maybe_lazy = false;
    }
}

/* Where an ATX heading's text ends: trailing spaces, then a closing run
 * of '#' after a space or tab, dropped (cmark's chop_trailing_hashtags,
 * which reads the whole line). */
static size_t atx_text_end(const parser *p)
{
    size_t n = p->len;
    while (n && cm_isspace(p->line[n - 1]))
        n--;
    size_t orig = n;
    while (n && p->line[n - 1] == '#')
        n--;
    if (n != orig && n && space_or_tab(p->line[n - 1])) {
        n--;
        while (n && cm_isspace(p->line[n - 1]))
            n--;
        return n;
    }
    return orig;
}

static void set_last_line_blank(gnode *n, bool blank)
{
    n->last_line_blank = blank;
    n->last_line_checked = false;
}

static void add_text(parser *p, gnode *container, gnode *last_matched)
{
    find_first_nonspace(p);
    if (p->blank && container->last)
        set_last_line_blank(container->last, true);
    int t = container->type;
    bool llb = p->blank && t != B_QUOTE && t != B_HEADING && t != B_HR && !(t == B_CODE && container->as.code.fenced) &&
               !(t == B_ITEM && !container->first && container->start_line == p->line_number);
    set_last_line_blank(container, llb);
    for (gnode *n = container; n->parent; n = n->parent)
        set_last_line_blank(n->parent, false);

    if (p->current != last_matched && container == last_matched && !p->blank && p->current->type == B_PARAGRAPH) {
        add_line(p, p->current); /* a lazy continuation line */
        return;
    }
    while (p->current != last_matched)
        p->current = finalize(p, p->current);
    if (t == B_CODE) {
        add_line(p, container);
    } else if (t == B_HTML) {
        add_line(p, container);
        if (html_end(p, p->first_nonspace, container->as.html_type))
            container = finalize(p, container);
    } else if (p->blank) {
        /* nothing */
    } else if (t == B_HEADING) {
        if (!container->as.heading.setext) {
            size_t end = atx_text_end(p);
            advance(p, p->first_nonspace - p->offset, false);
            if (end > p->offset)
                leaf_put(p, container, p->line + p->offset, end - p->offset);
        } else {
            advance(p, p->first_nonspace - p->offset, false);
            add_line(p, container);
        }
    } else if (t == B_PARAGRAPH || t == B_CODE) {
        advance(p, p->first_nonspace - p->offset, false);
        add_line(p, container);
    } else if (t == B_TABLE_ROW) {
        /* a row takes its whole line when it opens */
    } else if (t == B_TABLE && table_row_matches(p, container)) {
        /* a row the table has no room for (table_open_row): as in
         * cmark-gfm the table ends and the line starts a paragraph */
        container = add_child(p, container, B_PARAGRAPH);
        advance(p, p->first_nonspace - p->offset, false);
        add_line(p, container);
    } else if (t == B_TABLE) {
        /* a blank line */
    } else {
        container = add_child(p, container, B_PARAGRAPH);
        advance(p, p->first_nonspace - p->offset, false);
        add_line(p, container);
    }
    p->current = container;
}

static void process_line(parser *p, const uint8_t *line, size_t len)
{
    p->line = line;
    p->len = len;
    p->offset = p->first_nonspace = p->tb_kill = 0;
    p->column = p->first_nonspace_column = p->indent = 0;
    p->blank = p->partial_tab = false;
    if (p->line_number == 0 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
        p->offset = 3;
    p->line_number++;
    bool all_matched = true;
    gnode *last_matched = check_open_blocks(p, &all_matched);
    if (!last_matched)
        return;
    gnode *container = last_matched;
    open_new_blocks(p, &container, all_matched);
    add_text(p, container, last_matched);
}

/* A line to process that needs repair: its CRs gone (they end lines),
 * each NUL made U+FFFD, "\n" at its end. */
static void process_copied(parser *p, const uint8_t *s, size_t n)
{
    gbuf *b = &p->g->line;
    b->len = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == 0)
            gbuf_put(p->g, b, "\xef\xbf\xbd", 3);
        else
            gbuf_putc(p->g, b, (char)s[i]);
    }
    gbuf_putc(p->g, b, '\n');
    process_line(p, (const uint8_t *)b->p, b->len);
}

gnode *gfm_parse_blocks(sl_gfm *g, const char *src, size_t len)
{
    parser p = {.g = g};
    p.root = gfm_alloc(g, sizeof *p.root);
    memset(p.root, 0, sizeof *p.root);
    p.root->type = B_DOCUMENT;
    p.root->open = true;
    p.current = p.root;
    const uint8_t *s = (const uint8_t *)src, *end = s + len;
    bool plain = !memchr(s, '\r', len) && !memchr(s, 0, len);
    while (s < end) {
        if (plain) {
            const uint8_t *eol = memchr(s, '\n', (size_t)(end - s));
            if (eol) {
                process_line(&p, s, (size_t)(eol + 1 - s));
                s = eol + 1;
            } else {
                process_copied(&p, s, (size_t)(end - s));
                s = end;
            }
            continue;
        }
        const uint8_t *e = s;
        while (e < end && *e != '\n' && *e != '\r')
            e++;
        process_copied(&p, s, (size_t)(e - s));
        if (e < end && *e == '\r')
            e++;
        if (e < end && *e == '\n')
            e++;
        s = e;
    }
    while (p.current != p.root)
        p.current = finalize(&p, p.current);
    finalize(&p, p.root);
    return p.root;
}
