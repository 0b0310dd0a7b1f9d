/*
 * gfm_inline.c - the inlines of one paragraph, heading or table cell,
 * parsed as cmark-gfm parses them (a delimiter stack for emphasis and
 * strikethrough, a bracket stack for links and images, process_emphasis
 * run as each link closes and at the end), then the autolink extension's
 * e-mail pass, then written out.  The nodes live in the page's arena
 * above a mark that is dropped once the block is written.  Link
 * reference definitions are read here too (gfm_parse_reference) and kept
 * in a hash map of normalised labels, the first definition of a label
 * winning.
 */
#include <stdlib.h>

#include "gfm_int.h"
#include "gfm_scan.h"

#define MAX_LINK_LABEL_LENGTH 1000

enum { I_TEXT, I_SOFTBREAK, I_LINEBREAK, I_CODE, I_HTML, I_EMPH, I_STRONG, I_LINK, I_IMAGE, I_STRIKE };

typedef struct inode inode;
struct inode {
    inode *next, *prev, *parent, *first, *last;
    uint8_t type;
    const char *s; /* TEXT, CODE, HTML: the literal; LINK, IMAGE: the url */
    size_t n;
    const char *t; /* LINK, IMAGE: the title */
    size_t tn;
};

typedef struct delim delim;
struct delim {
    delim *prev, *next;
    inode *text;
    uint8_t c;
    bool can_open, can_close;
    size_t length; /* as scanned (the text's length shrinks as it is used) */
};

typedef struct bracket bracket;
struct bracket {
    bracket *prev;
    inode *text;
    delim *prev_delim;
    size_t position;
    bool image, bracket_after;
    unsigned long push;     /* its push number: a link bracket pushed no later than S->link_made is inactive */
    bool link_in;           /* a link bracket here or below */
    unsigned long image_in; /* the push number of the newest image bracket here or below (0: none) */
};

typedef struct subject {
    sl_gfm *g;
    const uint8_t *s;
    size_t n, pos;
    inode *block;
    delim *last_delim;
    bracket *last_bracket;
    const uint8_t *special, *skip;
    bool strike, autolink;
    bool backticks_scanned; /* the positions in g->bt_pos cover the rest of the block */
    bool at_seen;           /* a text node may hold an '@' (the e-mail pass has work) */
    unsigned long pushes, link_made; /* brackets pushed; pushes when a link last formed */
} subject;

/* ---- character classes ------------------------------------------------- */

static inline bool c_ispunct(uint8_t c)
{
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

/* cmark_isspace: space, tab, LF, CR (not VT or FF) */
static inline bool c_isspace(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* the scanners' spacechar: [ \t\v\f\r\n] */
static bool is_spacechar(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

static inline bool c_isalpha(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool c_isalnum(uint8_t c)
{
    return c_isalpha(c) || (c >= '0' && c <= '9');
}

/* gfm_fold_cp / gfm_fold_off / gfm_fold_utf8 (case folds, no pointers)
 * and gfm_punct */
#include "gfm_unicode.inc"

static bool u_ispunct(int32_t c)
{
    if (c < 128)
        return c >= 0 && c_ispunct((uint8_t)c);
    size_t lo = 0, hi = GFM_NUM_PUNCT;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if ((uint32_t)c < gfm_punct[mid][0])
            hi = mid;
        else if ((uint32_t)c > gfm_punct[mid][1])
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

static bool u_isspace(int32_t c)
{
    return c == 9 || c == 10 || c == 12 || c == 13 || c == 32 || c == 160 || c == 5760 || (c >= 8192 && c <= 8202) ||
           c == 8239 || c == 8287 || c == 12288;
}

/* utf8proc_iterate: a valid UTF-8 character's length, or -1 */
static int u_decode(const uint8_t *s, size_t n, int32_t *out)
{
    if (!n)
        return -1;
    uint8_t c = s[0];
    int len = c < 0x80 ? 1 : c < 0xC0 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF8 ? 4 : 0;
    if (!len || (size_t)len > n)
        return -1;
    for (int i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return -1;
    int32_t uc;
    switch (len) {
    case 1:
        uc = c;
        break;
    case 2:
        uc = ((c & 0x1F) << 6) | (s[1] & 0x3F);
        if (uc < 0x80)
            return -1;
        break;
    case 3:
        uc = ((c & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        if (uc < 0x800 || (uc >= 0xD800 && uc < 0xE000))
            return -1;
        break;
    default:
        uc = ((c & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        if (uc < 0x10000 || uc >= 0x110000)
            return -1;
        break;
    }
    *out = uc;
    return len;
}

/* characters emphasis flanking looks through: strikethrough's '~' */
static const uint8_t skip_strike[256] = {['~'] = 1};
static const uint8_t skip_none[256];

/* ---- nodes ------------------------------------------------------------- */

static inode *node(subject *S, int type)
{
    inode *n = gfm_alloc(S->g, sizeof *n);
    memset(n, 0, sizeof *n);
    n->type = (uint8_t)type;
    return n;
}

static inode *text(subject *S, const void *s, size_t len)
{
    inode *n = node(S, I_TEXT);
    n->s = s;
    n->n = len;
    return n;
}

static void unlink_inode(inode *n)
{
    if (n->prev)
        n->prev->next = n->next;
    else if (n->parent)
        n->parent->first = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else if (n->parent)
        n->parent->last = n->prev;
    n->prev = n->next = n->parent = NULL;
}

static void append_child(inode *parent, inode *c)
{
    unlink_inode(c);
    c->parent = parent;
    c->prev = parent->last;
    if (parent->last)
        parent->last->next = c;
    else
        parent->first = c;
    parent->last = c;
}

static void insert_after(inode *ref, inode *c)
{
    unlink_inode(c);
    c->parent = ref->parent;
    c->prev = ref;
    c->next = ref->next;
    if (ref->next)
        ref->next->prev = c;
    else if (ref->parent)
        ref->parent->last = c;
    ref->next = c;
}

static void insert_before(inode *ref, inode *c)
{
    unlink_inode(c);
    c->parent = ref->parent;
    c->next = ref;
    c->prev = ref->prev;
    if (ref->prev)
        ref->prev->next = c;
    else if (ref->parent)
        ref->parent->first = c;
    ref->prev = c;
}

/* a copy in the arena */
static char *dup(subject *S, const void *s, size_t n)
{
    char *d = gfm_alloc(S->g, n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

/* ---- unescaping ------------------------------------------------------- */

/* entities of s[0..n) decoded, appended to b */
static void decode_entities(sl_gfm *g, gbuf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        if (!amp) {
            gbuf_put(g, b, s + i, n - i);
            return;
        }
        size_t a = (size_t)(amp - s);
        gbuf_put(g, b, s + i, a - i);
        i = a + 1;
        char buf[8];
        size_t len, used = gfm_entity_decode(s + i, n - i, buf, &len);
        if (used) {
            gbuf_put(g, b, buf, len);
            i += used;
        } else {
            gbuf_putc(g, b, '&');
        }
    }
}

/* backslashes before ASCII punctuation dropped, in place from b->len - n */
static void unescape_backslashes(gbuf *b, size_t from)
{
    size_t r = from, w = from;
    while (r < b->len) {
        if (b->p[r] == '\\' && r + 1 < b->len && c_ispunct((uint8_t)b->p[r + 1]))
            r++;
        b->p[w++] = b->p[r++];
    }
    b->len = w;
}

void gfm_unescape(sl_gfm *g, const char *s, size_t n)
{
    size_t from = g->scratch.len;
    decode_entities(g, &g->scratch, s, n);
    unescape_backslashes(&g->scratch, from);
}

/* s[0..n) decoded (entities, then backslash escapes) into the arena */
static const char *clean(sl_gfm *g, const char *s, size_t n, size_t *out_n)
{
    if (!memchr(s, '&', n) && !memchr(s, '\\', n)) {
        *out_n = n;
        return s;
    }
    size_t base = g->scratch.len;
    gfm_unescape(g, s, n);
    *out_n = g->scratch.len - base;
    char *d = gfm_alloc(g, *out_n + 1);
    memcpy(d, g->scratch.p + base, *out_n);
    g->scratch.len = base;
    return d;
}

static const char *clean_url(sl_gfm *g, const char *s, size_t n, size_t *out_n)
{
    while (n && c_isspace((uint8_t)*s))
        s++, n--;
    while (n && c_isspace((uint8_t)s[n - 1]))
        n--;
    return clean(g, s, n, out_n);
}

static const char *clean_title(sl_gfm *g, const char *s, size_t n, size_t *out_n)
{
    if (!n) {
        *out_n = 0;
        return s;
    }
    char f = s[0], l = s[n - 1];
    if ((f == '\'' && l == '\'') || (f == '(' && l == ')') || (f == '"' && l == '"'))
        return clean(g, s + 1, n - 2, out_n);
    return clean(g, s, n, out_n);
}

/* ---- scanners ------------------------------------------------------ */

static size_t scan_spacechars(const uint8_t *s, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && is_spacechar(s[j]))
        j++;
    return j - i;
}

/* a link title at s[i]: its length or 0 (the regexes' longest match: a
 * quote after a backslash may be taken as escaped or as the end) */
static size_t scan_link_title(const uint8_t *s, size_t n, size_t i)
{
    if (i >= n)
        return 0;
    uint8_t open = s[i], close = open == '(' ? ')' : open;
    if (open != '"' && open != '\'' && open != '(')
        return 0;
    size_t best = 0, l;
    for (size_t j = i + 1; j < n; j += l) {
        uint8_t c = s[j];
        l = gfm_u8len(s + j, s + n);
        if (c == 0 || !l)
            break;
        bool escaped = s[j - 1] == '\\' && j - 1 > i;
        if (c == close) {
            if (!escaped)
                return j + 1 - i;
            best = j + 1 - i;
        } else if (open == '(' && c == '(' && !escaped) {
            break;
        }
    }
    return best;
}

static bool is_tagname_start(uint8_t c)
{
    return c_isalpha(c);
}

static bool is_tagname_char(uint8_t c)
{
    return c_isalnum(c) || c == '-';
}

/* opentag | closetag, from after the '<' */
size_t gfm_scan_open_or_close_tag(const uint8_t *p, const uint8_t *end)
{
    const uint8_t *s = p;
    if (s < end && *s == '/') {
        s++;
        if (s >= end || !is_tagname_start(*s))
            return 0;
        while (s < end && is_tagname_char(*s))
            s++;
        while (s < end && is_spacechar(*s))
            s++;
        return s < end && *s == '>' ? (size_t)(s + 1 - p) : 0;
    }
    if (s >= end || !is_tagname_start(*s))
        return 0;
    while (s < end && is_tagname_char(*s))
        s++;
    for (;;) { /* attributes: spacechar+ name (spacechar* = spacechar* value)? */
        const uint8_t *a = s;
        while (a < end && is_spacechar(*a))
            a++;
        if (a == s || a >= end)
            break;
        uint8_t c = *a;
        if (!(c_isalpha(c) || c == '_' || c == ':'))
            break;
        a++;
        while (a < end && (c_isalnum(*a) || *a == ':' || *a == '.' || *a == '_' || *a == '-'))
            a++;
        s = a;
        const uint8_t *v = a;
        while (v < end && is_spacechar(*v))
            v++;
        if (v < end && *v == '=') {
            v++;
            while (v < end && is_spacechar(*v))
                v++;
            if (v < end && (*v == '"' || *v == '\'')) {
                uint8_t q = *v++;
                size_t l;
                while (v < end && *v != q && *v != 0 && (l = gfm_u8len(v, end)))
                    v += l;
                if (v >= end || *v != q)
                    break; /* no value: the attribute ends at its name */
                s = v + 1;
            } else {
                const uint8_t *u = v;
                size_t l;
                while (u < end && !(*u == ' ' || *u == '\t' || *u == '\r' || *u == '\n' || *u == '\v' ||
                                    *u == '\f' || *u == '"' || *u == '\'' || *u == '=' || *u == '<' ||
                                    *u == '>' || *u == '`' || *u == 0) &&
                       (l = gfm_u8len(u, end)))
                    u += l;
                if (u > v)
                    s = u;
            }
        }
    }
    while (s < end && is_spacechar(*s))
        s++;
    if (s < end && *s == '/')
        s++;
    return s < end && *s == '>' ? (size_t)(s + 1 - p) : 0;
}

/* an HTML tag from after the '<': its length, or 0 */
size_t gfm_scan_html_tag(const uint8_t *p, const uint8_t *end)
{
    if (p >= end)
        return 0;
    const uint8_t *s = p;
    if (*s == '!' || *s == '?') /* their classes ([^>], [^-]...) take whole characters only */
        end = gfm_u8stop(p, end);
    if (*s == '!') {
        s++;
        if (end - s >= 2 && s[0] == '-' && s[1] == '-') { /* comment */
            s += 2;
            if (end - s >= 3 && memcmp(s, "-->", 3) == 0)
                return (size_t)(s + 3 - p); /* <!----> */
            /* ([-]? [^\x00>-]) ([-]? [^\x00-])* "-->" */
            if (s < end && *s == '-')
                s++;
            if (s >= end || *s == 0 || *s == '>' || *s == '-')
                return 0;
            s++;
            for (;;) {
                if (s >= end)
                    return 0;
                if (*s == '-') {
                    if (end - s >= 3 && s[1] == '-' && s[2] == '>')
                        return (size_t)(s + 3 - p);
                    s++;
                    if (s >= end || *s == '-' || *s == 0)
                        return 0;
                    s++;
                } else if (*s == 0) {
                    return 0;
                } else {
                    s++;
                }
            }
        }
        if (end - s >= 7 && s[0] == '[' && (s[1] | 32) == 'c' && (s[2] | 32) == 'd' && (s[3] | 32) == 'a' &&
            (s[4] | 32) == 't' && (s[5] | 32) == 'a' && s[6] == '[') { /* case-insensitive: re2c -i */
            /* ([^\]\x00]+ | "]" [^\]\x00] | "]]" [^>\x00])* "]]>": a ']'
             * takes the character after it, "]]" the one after them */
            s += 7;
            while (s < end && *s) {
                if (*s != ']') {
                    s++;
                } else if (end - s >= 3 && s[1] == ']' && s[2] == '>') {
                    return (size_t)(s + 3 - p);
                } else if (s + 1 < end && s[1] != ']' && s[1]) {
                    s += 2;
                } else if (s + 2 < end && s[1] == ']' && s[2]) {
                    s += 3;
                } else {
                    return 0;
                }
            }
            return 0;
        }
        if (s < end && *s >= 'A' && *s <= 'Z') { /* declaration */
            while (s < end && *s >= 'A' && *s <= 'Z')
                s++;
            const uint8_t *sp = s;
            while (s < end && is_spacechar(*s))
                s++;
            if (s == sp)
                return 0;
            while (s < end && *s != '>' && *s != 0)
                s++;
            return s < end && *s == '>' ? (size_t)(s + 1 - p) : 0;
        }
        return 0;
    }
    if (*s == '?') {
        /* "?" ([^?>\x00]+ | [?][^>\x00] | [>])* "?>": a '?' not before a
         * '>' takes the character after it along */
        s++;
        while (s < end && *s) {
            if (*s != '?') {
                s++;
            } else if (s + 1 < end && s[1] == '>') {
                return (size_t)(s + 2 - p);
            } else if (s + 1 < end && s[1]) {
                s += 2;
            } else {
                return 0;
            }
        }
        return 0;
    }
    return gfm_scan_open_or_close_tag(p, end);
}

/* ---- references ------------------------------------------------------- */

/* a label normalised into g->scratch from `base`: case folded, trimmed,
 * inner whitespace runs made one space */
static void normalize_label(sl_gfm *g, const char *s, size_t n)
{
    gbuf *b = &g->scratch;
    bool space = false, any = false;
    size_t i = 0;
    while (i < n) {
        uint8_t c = (uint8_t)s[i];
        if (c_isspace(c)) {
            space = true;
            i++;
            continue;
        }
        if (space && any)
            gbuf_putc(g, b, ' ');
        space = false;
        any = true;
        if (c < 0x80) {
            gbuf_putc(g, b, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
            i++;
            continue;
        }
        int32_t cp;
        int len = u_decode((const uint8_t *)s + i, n - i, &cp);
        if (len < 0) {
            gbuf_put(g, b, "\xef\xbf\xbd", 3);
            i++;
            continue;
        }
        size_t lo = 0, hi = GFM_NUM_FOLDS;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if ((uint32_t)cp < gfm_fold_cp[mid])
                hi = mid;
            else if ((uint32_t)cp > gfm_fold_cp[mid])
                lo = mid + 1;
            else {
                lo = mid;
                break;
            }
        }
        if (lo < GFM_NUM_FOLDS && gfm_fold_cp[lo] == (uint32_t)cp)
            gbuf_put(g, b, gfm_fold_utf8 + gfm_fold_off[lo], (size_t)(gfm_fold_off[lo + 1] - gfm_fold_off[lo]));
        else
            gbuf_put(g, b, s + i, (size_t)len);
        i += (size_t)len;
    }
}

static uint32_t hash_label(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static gref *ref_find(sl_gfm *g, const char *label, size_t n, uint32_t h)
{
    if (!g->refs.count)
        return NULL;
    for (gref *r = g->refs.slot[h & (g->refs.nslot - 1)]; r; r = r->next)
        if (r->hash == h && r->label_len == n && memcmp(r->label, label, n) == 0)
            return r;
    return NULL;
}

static void ref_add(sl_gfm *g, const char *lab, size_t labn, const char *url, size_t urln, const char *title,
                    size_t titlen)
{
    size_t base = g->scratch.len;
    normalize_label(g, lab, labn);
    size_t n = g->scratch.len - base;
    if (!n) {
        g->scratch.len = base;
        return;
    }
    uint32_t h = hash_label(g->scratch.p + base, n);
    if (ref_find(g, g->scratch.p + base, n, h)) {
        g->scratch.len = base;
        return;
    }
    grefmap *m = &g->refs;
    if ((m->count + 1) * 2 > m->nslot) {
        size_t ns = m->nslot ? m->nslot * 2 : 64;
        gref **slot = calloc(ns, sizeof *slot);
        if (!slot)
            gfm_oom(g);
        for (size_t i = 0; i < m->nslot; i++)
            for (gref *r = m->slot[i], *next; r; r = next) {
                next = r->next;
                r->next = slot[r->hash & (ns - 1)];
                slot[r->hash & (ns - 1)] = r;
            }
        free(m->slot);
        m->slot = slot;
        m->nslot = ns;
    }
    gref *r = gfm_alloc(g, sizeof *r);
    r->label = memcpy(gfm_alloc(g, n), g->scratch.p + base, n);
    r->label_len = n;
    r->hash = h;
    g->scratch.len = base;
    size_t un, tn;
    const char *u = clean_url(g, url, urln, &un);
    const char *t = clean_title(g, title, titlen, &tn);
    /* both may point into the content buffer, which grows: keep copies */
    r->url = memcpy(gfm_alloc(g, un + 1), u, un);
    r->url_len = un;
    r->title = memcpy(gfm_alloc(g, tn + 1), t, tn);
    r->title_len = tn;
    r->next = m->slot[h & (m->nslot - 1)];
    m->slot[h & (m->nslot - 1)] = r;
    r->added_before = m->added;
    m->added = r;
    m->count++;
}

static gref *ref_lookup(sl_gfm *g, const char *label, size_t n)
{
    if (n < 1 || n > MAX_LINK_LABEL_LENGTH || !g->refs.count)
        return NULL;
    size_t base = g->scratch.len;
    normalize_label(g, label, n);
    size_t len = g->scratch.len - base;
    gref *r = len ? ref_find(g, g->scratch.p + base, len, hash_label(g->scratch.p + base, len)) : NULL;
    g->scratch.len = base;
    /* cmark-gfm's limit (its current sources, what GitHub runs, and cmark
     * 0.30's; Debian's 0.29.0.gfm.6 predates it): the references a page
     * uses may expand to at most the page's size or 100,000 bytes of URL
     * and title, whichever is more; past that a reference is not a link.
     * Without it, one 10 KB URL used 10,000 times made 100 MB of HTML from
     * 70 KB of Markdown: output quadratic in the input. */
    if (r) {
        size_t size = r->url_len + r->title_len;
        if (size > g->refs.max_expanded - g->refs.expanded) {
            gfm_limit_at(g, g->block_line);
            return NULL;
        }
        g->refs.expanded += size;
    }
    return r;
}

/* [label] at s[*pos]: the label's bounds (trimmed), *pos past the ']' */
static bool link_label(const uint8_t *s, size_t n, size_t *pos, size_t *lab, size_t *labn)
{
    size_t start = *pos, i = start;
    if (i >= n || s[i] != '[')
        return false;
    i++;
    size_t length = 0;
    uint8_t c = 0;
    while (i < n && (c = s[i]) != '[' && c != ']') {
        if (c == '\\') {
            i++;
            length++;
            if (i < n && c_ispunct(s[i])) {
                i++;
                length++;
            }
        } else {
            i++;
            length++;
        }
        if (length > MAX_LINK_LABEL_LENGTH)
            return false;
    }
    if (i < n && s[i] == ']') {
        size_t a = start + 1, b = i;
        while (a < b && c_isspace(s[a]))
            a++;
        while (b > a && c_isspace(s[b - 1]))
            b--;
        *lab = a;
        *labn = b - a;
        *pos = i + 1;
        return true;
    }
    return false;
}

/* a link destination at s[i]: its length (-1: none), the url's bounds;
 * *plain: the url is its own text, with no space around it, no
 * backslash and no '&' (nothing for clean_url to do) */
static long scan_link_url(const uint8_t *s, size_t n, size_t offset, size_t *u, size_t *un, bool *plain)
{
    size_t i = offset;
    *plain = false;
    if (i < n && s[i] == '<') {
        i++;
        while (i < n) {
            if (s[i] == '>') {
                i++;
                break;
            } else if (s[i] == '\\') {
                i += 2;
            } else if (s[i] == '\n' || s[i] == '<') {
                return -1;
            } else {
                i++;
            }
        }
        if (i >= n)
            return -1;
        *u = offset + 1;
        *un = i - 2 - offset;
        return (long)(i - offset);
    }
    size_t nb_p = 0;
    bool clean = true;
    while (i < n) {
        size_t j = gfm_scan_url(s, i, n); /* to the next byte the cases below tell apart */
        if (j > i) {
            i = j;
            continue;
        }
        if (s[i] == '\\' || s[i] == '&')
            clean = false;
        if (s[i] == '\\' && i + 1 < n && c_ispunct(s[i + 1])) {
            i += 2;
        } else if (s[i] == '(') {
            nb_p++;
            i++;
            if (nb_p > 32)
                return -1;
        } else if (s[i] == ')') {
            if (nb_p == 0)
                break;
            nb_p--;
            i++;
        } else if (c_isspace(s[i])) {
            if (i == offset)
                return -1;
            break;
        } else {
            i++;
        }
    }
    if (i >= n)
        return -1;
    *u = offset;
    *un = i - offset;
    *plain = clean;
    return (long)(i - offset);
}

static size_t skip_spaces(const uint8_t *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

static bool skip_line_end(const uint8_t *s, size_t n, size_t *i)
{
    bool seen = false;
    if (*i < n && s[*i] == '\r') {
        (*i)++;
        seen = true;
    }
    if (*i < n && s[*i] == '\n') {
        (*i)++;
        seen = true;
    }
    return seen || *i >= n;
}

size_t gfm_parse_reference(sl_gfm *g, const char *text, size_t n)
{
    const uint8_t *s = (const uint8_t *)text;
    size_t pos = 0, lab, labn;
    if (!link_label(s, n, &pos, &lab, &labn) || labn == 0)
        return 0;
    if (pos < n && s[pos] == ':')
        pos++;
    else
        return 0;
    pos = skip_spaces(s, n, pos); /* spnl */
    if (skip_line_end(s, n, &pos))
        pos = skip_spaces(s, n, pos);
    size_t u = 0, un = 0;
    bool plain;
    long m = scan_link_url(s, n, pos, &u, &un, &plain);
    if (m < 0)
        return 0;
    pos += (size_t)m;
    size_t before_title = pos;
    pos = skip_spaces(s, n, pos);
    if (skip_line_end(s, n, &pos))
        pos = skip_spaces(s, n, pos);
    size_t tl = pos == before_title ? 0 : scan_link_title(s, n, pos), t = pos;
    if (tl)
        pos += tl;
    else
        pos = before_title;
    pos = skip_spaces(s, n, pos);
    if (!skip_line_end(s, n, &pos)) {
        if (!tl)
            return 0;
        /* the title is not the definition's end: the definition ends
         * before it, yet cmark-gfm keeps the title it read */
        pos = skip_spaces(s, n, before_title);
        if (!skip_line_end(s, n, &pos))
            return 0;
    }
    ref_add(g, text + lab, labn, text + u, un, tl ? text + t : "", tl);
    return pos;
}

/* ---- inline parsing --------------------------------------------------- */

/* n: a node just made (linked nowhere yet) */
static void add(subject *S, inode *n)
{
    inode *parent = S->block;
    n->parent = parent;
    n->prev = parent->last;
    if (parent->last)
        parent->last->next = n;
    else
        parent->first = n;
    parent->last = n;
}

static void push_delim(subject *S, uint8_t c, bool can_open, bool can_close, inode *t)
{
    delim *d = gfm_alloc(S->g, sizeof *d);
    d->c = c;
    d->can_open = can_open;
    d->can_close = can_close;
    d->text = t;
    d->length = t->n;
    d->prev = S->last_delim;
    d->next = NULL;
    if (d->prev)
        d->prev->next = d;
    S->last_delim = d;
}

static void remove_delim(subject *S, delim *d)
{
    if (!d->next)
        S->last_delim = d->prev;
    else
        d->next->prev = d->prev;
    if (d->prev)
        d->prev->next = d->next;
}

static void push_bracket(subject *S, bool image, inode *t)
{
    bracket *b = gfm_alloc(S->g, sizeof *b);
    b->link_in = false;
    b->image_in = 0;
    if (S->last_bracket) {
        S->last_bracket->bracket_after = true;
        b->link_in = S->last_bracket->link_in;
        b->image_in = S->last_bracket->image_in;
    }
    S->pushes++;
    if (image)
        b->image_in = S->pushes;
    else
        b->link_in = true;
    b->image = image;
    b->push = S->pushes;
    b->text = t;
    b->prev = S->last_bracket;
    b->prev_delim = S->last_delim;
    b->position = S->pos;
    b->bracket_after = false;
    S->last_bracket = b;
}

static void handle_newline(subject *S)
{
    size_t nl = S->pos;
    S->pos++;
    S->pos = skip_spaces(S->s, S->n, S->pos);
    if (nl > 1 && S->s[nl - 1] == ' ' && S->s[nl - 2] == ' ')
        add(S, node(S, I_LINEBREAK));
    else
        add(S, node(S, I_SOFTBREAK));
}

static size_t scan_to_closing_backticks(subject *S, size_t open)
{
    if (open > GFM_MAXBACKTICKS)
        return 0;
    sl_gfm *g = S->g;
    if (S->backticks_scanned && (g->bt_stamp[open] != g->bt_gen ? 0 : g->bt_pos[open]) <= S->pos)
        return 0;
    const uint8_t *s = S->s;
    for (;;) {
        const uint8_t *bt = memchr(s + S->pos, '`', S->n - S->pos);
        if (!bt) {
            S->pos = S->n;
            break;
        }
        S->pos = (size_t)(bt - s);
        size_t num = 0;
        while (S->pos < S->n && s[S->pos] == '`') {
            S->pos++;
            num++;
        }
        if (num <= GFM_MAXBACKTICKS) {
            g->bt_stamp[num] = g->bt_gen;
            g->bt_pos[num] = S->pos - num;
        }
        if (num == open)
            return S->pos;
    }
    S->backticks_scanned = true;
    return 0;
}

/* Whether c[0..n) holds a line end (CR or LF); avail (>= n) bytes from c
 * may be read: 16 at a time where SSE2 is there, the bytes past n masked
 * off (a code span has at least its closing backticks after it, and most
 * are shorter than 16 bytes: one load, not two memchr calls). */
static bool has_line_end(const uint8_t *c, size_t n, size_t avail)
{
    size_t i = 0;
#ifdef GFM_SIMD
    for (; i < n && avail - i >= 16; i += 16) {
        __m128i v = GFM_LOAD(c + i);
        unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(GFM_EQ(v, '\n'), GFM_EQ(v, '\r')));
        if (n - i < 16)
            bits &= (1u << (n - i)) - 1;
        if (bits)
            return true;
    }
#else
    (void)avail;
#endif
    for (; i < n; i++)
        if (c[i] == '\n' || c[i] == '\r')
            return true;
    return false;
}

static void handle_backticks(subject *S)
{
    size_t start = S->pos;
    while (S->pos < S->n && S->s[S->pos] == '`')
        S->pos++;
    size_t open = S->pos - start, after = S->pos;
    size_t end = scan_to_closing_backticks(S, open);
    if (!end) {
        S->pos = after;
        add(S, text(S, S->s + start, open));
        return;
    }
    /* newlines become spaces; one space off each end unless all spaces */
    const uint8_t *c = S->s + after;
    size_t n = end - open - after, w = 0;
    bool nonspace = false;
    const char *d;
    if (!has_line_end(c, n, S->n - after)) { /* one line: the text as it is, no copy */
        while (w < n && c[w] == ' ')
            w++;
        nonspace = w < n;
        d = (const char *)c;
        w = n;
    } else {
        char *e = gfm_alloc(S->g, n + 1);
        for (size_t r = 0; r < n; r++) {
            uint8_t ch = c[r];
            if (ch == '\r') {
                if (r + 1 >= n || c[r + 1] != '\n')
                    e[w++] = ' ';
            } else if (ch == '\n') {
                e[w++] = ' ';
            } else {
                e[w++] = (char)ch;
            }
            if (ch != ' ' && ch != '\n') /* a newline is a space by now (cmark checks the byte it rewrote) */
                nonspace = true;
        }
        d = e;
    }
    const char *lit = d;
    if (nonspace && w >= 2 && d[0] == ' ' && d[w - 1] == ' ') {
        lit = d + 1;
        w -= 2;
    }
    inode *k = node(S, I_CODE);
    k->s = lit;
    k->n = w;
    add(S, k);
}

static int32_t char_before(subject *S, size_t pos)
{
    if (pos == 0)
        return 10;
    size_t b = pos - 1;
    while (((S->s[b] >> 6) == 2 || S->skip[S->s[b]]) && b > 0)
        b--;
    int32_t c;
    if (u_decode(S->s + b, pos - b, &c) < 0 || (c < 256 && S->skip[c]))
        return 10;
    return c;
}

static int32_t char_after(subject *S, size_t pos)
{
    if (pos == S->n)
        return 10;
    size_t a = pos;
    while (a < S->n && S->skip[S->s[a]])
        a++;
    int32_t c;
    if (u_decode(S->s + a, S->n - a, &c) < 0 || (c < 256 && S->skip[c]))
        return 10;
    return c;
}

enum { FL_SPACE = 1, FL_PUNCT = 2 };

/* What flanking asks of the character beside a delimiter run (c >= 0):
 * Unicode white space (FL_SPACE), punctuation (FL_PUNCT); ASCII with no
 * table search */
static inline unsigned flank_class(int32_t c)
{
    if (c < 0x80)
        return (unsigned)(c == ' ' || (c >= '\t' && c <= '\r' && c != '\v')) | (unsigned)c_ispunct((uint8_t)c) << 1;
    return (unsigned)u_isspace(c) | (unsigned)u_ispunct(c) << 1;
}

static void handle_delim(subject *S, uint8_t c)
{
    size_t start = S->pos;
    int32_t before = char_before(S, start);
    while (S->pos < S->n && S->s[S->pos] == c)
        S->pos++;
    size_t num = S->pos - start;
    int32_t after = char_after(S, S->pos);
    unsigned cb = flank_class(before), ca = flank_class(after);
    bool lf = !(ca & FL_SPACE) && (!(ca & FL_PUNCT) || cb);
    bool rf = !(cb & FL_SPACE) && (!(cb & FL_PUNCT) || ca);
    bool can_open, can_close;
    if (c == '_') {
        can_open = lf && (!rf || (cb & FL_PUNCT));
        can_close = rf && (!lf || (ca & FL_PUNCT));
    } else {
        can_open = lf;
        can_close = rf;
    }
    inode *t = text(S, S->s + start, num);
    add(S, t);
    if (can_open || can_close)
        push_delim(S, c, can_open, can_close, t);
}

/* strikethrough's scan (cmark_inline_parser_scan_delimiters): no skipped
 * characters, at most 100 tildes */
static void handle_tilde(subject *S)
{
    size_t start = S->pos;
    int32_t before = 10, after = 10;
    if (start > 0) {
        size_t b = start - 1;
        while ((S->s[b] >> 6) == 2 && b > 0)
            b--;
        if (u_decode(S->s + b, start - b, &before) < 0)
            before = 10;
    }
    while (S->pos < S->n && S->s[S->pos] == '~' && S->pos - start < 100)
        S->pos++;
    size_t num = S->pos - start;
    if (u_decode(S->s + S->pos, S->n - S->pos, &after) < 0)
        after = 10;
    bool pb = u_ispunct(before), pa = u_ispunct(after);
    bool sb = u_isspace(before), sa = u_isspace(after);
    bool lf = !sa && !(pa && !sb && !pb);
    bool rf = !sb && !(pb && !sa && !pa);
    inode *t = text(S, S->s + start, num);
    add(S, t);
    if ((lf || rf) && (num == 1 || num == 2))
        push_delim(S, '~', lf, rf, t);
}

static void handle_backslash(subject *S)
{
    S->pos++;
    if (S->pos < S->n && c_ispunct(S->s[S->pos])) {
        add(S, text(S, S->s + S->pos, 1));
        S->pos++;
    } else if (S->pos < S->n && (S->s[S->pos] == '\n' || S->s[S->pos] == '\r')) {
        skip_line_end(S->s, S->n, &S->pos);
        add(S, node(S, I_LINEBREAK));
    } else {
        add(S, text(S, S->s + S->pos - 1, 1)); /* the backslash */
    }
}

static void handle_entity(subject *S)
{
    S->pos++;
    char buf[8];
    size_t len, used = gfm_entity_decode((const char *)S->s + S->pos, S->n - S->pos, buf, &len);
    if (!used) {
        add(S, text(S, S->s + S->pos - 1, 1)); /* the '&' */
        return;
    }
    S->pos += used;
    if (memchr(buf, '@', len)) /* "&#64;" */
        S->at_seen = true;
    add(S, text(S, dup(S, buf, len), len));
}

static size_t scan_autolink_uri(const uint8_t *s, size_t n, size_t i)
{
    size_t j = i;
    if (j >= n || !c_isalpha(s[j]))
        return 0;
    j++;
    size_t k = 0;
    while (j < n && (c_isalnum(s[j]) || s[j] == '.' || s[j] == '+' || s[j] == '-') && k < 32) {
        j++;
        k++;
    }
    if (k < 1 || j >= n || s[j] != ':')
        return 0;
    j++;
    size_t l;
    while (j < n && s[j] > 0x20 && s[j] != '<' && s[j] != '>' && (l = gfm_u8len(s + j, s + n)))
        j += l;
    return j < n && s[j] == '>' ? j + 1 - i : 0;
}

static size_t scan_autolink_email(const uint8_t *s, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && (c_isalnum(s[j]) || (s[j] && strchr(".!#$%&'*+/=?^_`{|}~-", s[j]))))
        j++;
    if (j == i || j >= n || s[j] != '@')
        return 0;
    j++;
    for (;;) {
        if (j >= n || !c_isalnum(s[j]))
            return 0;
        size_t a = j, last_alnum = j;
        j++;
        while (j < n && j - a < 63 && (c_isalnum(s[j]) || s[j] == '-')) {
            if (c_isalnum(s[j]))
                last_alnum = j;
            j++;
        }
        j = last_alnum + 1; /* a label ends in an alphanumeric */
        if (j < n && s[j] == '.' && j + 1 < n && c_isalnum(s[j + 1])) {
            j++;
            continue;
        }
        break;
    }
    return j < n && s[j] == '>' ? j + 1 - i : 0;
}

static void handle_pointy(subject *S)
{
    S->pos++;
    size_t m = scan_autolink_uri(S->s, S->n, S->pos);
    bool email = false;
    if (!m) {
        m = scan_autolink_email(S->s, S->n, S->pos);
        email = m > 0;
    }
    if (m) {
        const char *c = (const char *)S->s + S->pos;
        size_t cn = m - 1;
        S->pos += m;
        inode *l = node(S, I_LINK);
        size_t base = S->g->scratch.len;
        if (email)
            gbuf_puts(S->g, &S->g->scratch, "mailto:");
        decode_entities(S->g, &S->g->scratch, c, cn);
        l->n = S->g->scratch.len - base;
        l->s = dup(S, S->g->scratch.p + base, l->n);
        S->g->scratch.len = base;
        decode_entities(S->g, &S->g->scratch, c, cn);
        size_t tn = S->g->scratch.len - base;
        inode *t = text(S, dup(S, S->g->scratch.p + base, tn), tn);
        S->g->scratch.len = base;
        append_child(l, t);
        add(S, l);
        return;
    }
    m = gfm_scan_html_tag(S->s + S->pos, S->s + S->n);
    if (m) {
        inode *h = node(S, I_HTML);
        h->s = (const char *)S->s + S->pos - 1;
        h->n = m + 1;
        S->pos += m;
        add(S, h);
        return;
    }
    add(S, text(S, S->s + S->pos - 1, 1)); /* the '<' */
}

static void process_emphasis(subject *S, delim *bottom);

static void handle_close_bracket(subject *S)
{
    S->pos++;
    size_t initial = S->pos;
    bracket *opener = S->last_bracket;
    /* "]" as text: the block's own byte, written with the text on either
     * side (render) */
    if (!opener) {
        add(S, text(S, S->s + S->pos - 1, 1));
        return;
    }
    /* When a link forms, every link bracket below it goes inactive (the
     * spec's "deactivate"): those are exactly the ones pushed before it,
     * so a push number says it, with no walk down a stack that may hold
     * 50,000 image brackets (`![[]()` repeated was quadratic). */
    if (!opener->image && opener->push <= S->link_made) {
        S->last_bracket = opener->prev;
        add(S, text(S, S->s + S->pos - 1, 1));
        return;
    }
    bool image = opener->image;
    const uint8_t *s = S->s;
    size_t n = S->n;
    const char *url = NULL, *title = NULL;
    size_t urln = 0, titlen = 0;
    bool found = false;
    if (S->pos < n && s[S->pos] == '(') {
        size_t sps = scan_spacechars(s, n, S->pos + 1), u, un;
        bool plain;
        long m = scan_link_url(s, n, S->pos + 1 + sps, &u, &un, &plain);
        if (m >= 0) {
            size_t endurl = S->pos + 1 + sps + (size_t)m;
            size_t starttitle = endurl + scan_spacechars(s, n, endurl);
            size_t endtitle = starttitle == endurl ? starttitle : starttitle + scan_link_title(s, n, starttitle);
            size_t endall = endtitle + scan_spacechars(s, n, endtitle);
            if (endall < n && s[endall] == ')') {
                S->pos = endall + 1;
                if (plain) {
                    url = (const char *)s + u;
                    urln = un;
                } else {
                    url = clean_url(S->g, (const char *)s + u, un, &urln);
                }
                title = clean_title(S->g, (const char *)s + starttitle, endtitle - starttitle, &titlen);
                found = true;
            }
        }
    }
    if (!found) {
        size_t lab = 0, labn = 0, p = S->pos;
        bool got = link_label(s, n, &p, &lab, &labn);
        if (got)
            S->pos = p;
        else
            S->pos = initial;
        if ((!got || labn == 0) && !opener->bracket_after) {
            lab = opener->position;
            labn = initial - opener->position - 1;
            got = true;
        }
        gref *r = got ? ref_lookup(S->g, (const char *)s + lab, labn) : NULL;
        if (r) {
            url = r->url;
            urln = r->url_len;
            title = r->title;
            titlen = r->title_len;
            found = true;
        }
    }
    if (!found) {
        S->last_bracket = opener->prev;
        S->pos = initial;
        add(S, text(S, S->s + S->pos - 1, 1));
        return;
    }
    inode *l = node(S, image ? I_IMAGE : I_LINK);
    l->s = url;
    l->n = urln;
    l->t = title;
    l->tn = titlen;
    insert_before(opener->text, l);
    for (inode *t = opener->text->next, *next; t; t = next) {
        next = t->next;
        append_child(l, t);
    }
    unlink_inode(opener->text);
    process_emphasis(S, opener->prev_delim);
    S->last_bracket = opener->prev;
    if (!image)
        S->link_made = S->pushes;
}

/* ---- emphasis --------------------------------------------------------- */

static delim *insert_emph(subject *S, delim *opener, delim *closer)
{
    inode *oi = opener->text, *ci = closer->text;
    size_t on = oi->n, cn = ci->n;
    size_t use = cn >= 2 && on >= 2 ? 2 : 1;
    on -= use;
    cn -= use;
    oi->n = on;
    ci->n = cn;
    for (delim *d = closer->prev, *p; d && d != opener; d = p) {
        p = d->prev;
        remove_delim(S, d);
    }
    inode *e = node(S, use == 1 ? I_EMPH : I_STRONG);
    for (inode *t = oi->next, *next; t && t != ci; t = next) {
        next = t->next;
        append_child(e, t);
    }
    insert_after(oi, e);
    if (on == 0) {
        unlink_inode(oi);
        remove_delim(S, opener);
    }
    if (cn == 0) {
        unlink_inode(ci);
        delim *next = closer->next;
        remove_delim(S, closer);
        closer = next;
    }
    return closer;
}

static delim *insert_strike(subject *S, delim *opener, delim *closer)
{
    delim *res = closer->next;
    inode *st = opener->text;
    if (st->n != closer->text->n)
        return res;
    st->type = I_STRIKE;
    for (inode *t = st->next, *next; t && t != closer->text; t = next) {
        next = t->next;
        append_child(st, t);
    }
    unlink_inode(closer->text);
    for (delim *d = closer, *p; d && d != opener; d = p) {
        p = d->prev;
        remove_delim(S, d);
    }
    remove_delim(S, opener);
    return res;
}

static int delim_index(uint8_t c)
{
    return c == '*' ? 0 : c == '_' ? 1 : 2;
}

static void process_emphasis(subject *S, delim *bottom)
{
    if (S->last_delim == bottom) /* no delimiter above bottom: nothing to pair (most links, many blocks) */
        return;
    delim *openers_bottom[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            openers_bottom[i][j] = bottom;
    /* the first delimiter after bottom: bottom's next (bottom, a
     * delimiter before a link's opening bracket, is still in the list).
     * Walking back from the last one to find it, as cmark does, cost a
     * walk over every delimiter of the paragraph for each link that
     * formed: `*a* [r]` on 40,000 lines took 7.8 s, 2x the lines 5x
     * the time (cmark-gfm is as slow on it).  Only the block's last call
     * (bottom NULL) walks to the list's start. */
    delim *closer = bottom ? bottom->next : S->last_delim;
    while (!bottom && closer && closer->prev)
        closer = closer->prev;
    while (closer) {
        if (!closer->can_close) {
            closer = closer->next;
            continue;
        }
        delim *opener = closer->prev;
        bool found = false;
        int ci = delim_index(closer->c);
        while (opener && opener != bottom && opener != openers_bottom[closer->length % 3][ci]) {
            if (opener->can_open && opener->c == closer->c) {
                if (!(closer->can_open || opener->can_close) || closer->length % 3 == 0 ||
                    (opener->length + closer->length) % 3 != 0) {
                    found = true;
                    break;
                }
            }
            opener = opener->prev;
        }
        delim *old = closer;
        if (closer->c == '~') {
            closer = found ? insert_strike(S, opener, closer) : closer->next;
        } else {
            closer = found ? insert_emph(S, opener, closer) : closer->next;
        }
        if (!found) {
            openers_bottom[old->length % 3][ci] = old->prev;
            if (!old->can_open)
                remove_delim(S, old);
        }
    }
    while (S->last_delim && S->last_delim != bottom)
        remove_delim(S, S->last_delim);
}

/* ---- the autolink extension --------------------------------------------- */

static bool valid_hostchar(const uint8_t *s, size_t n)
{
    int32_t c;
    if (u_decode(s, n, &c) < 0)
        return false;
    return !u_isspace(c) && !u_ispunct(c);
}

static size_t autolink_delim(const uint8_t *data, size_t link_end)
{
    for (size_t i = 0; i < link_end; i++)
        if (data[i] == '<') {
            link_end = i;
            break;
        }
    while (link_end > 0) {
        uint8_t c = data[link_end - 1];
        if (c == 0 || c == '?' || c == '!' || c == '.' || c == ',' || c == ':' || c == '*' || c == '_' || c == '~' ||
            c == '\'' || c == '"') {
            link_end--;
        } else if (c == ';') {
            size_t e = link_end >= 2 ? link_end - 2 : 0;
            if (link_end >= 2) {
                while (e > 0 && c_isalpha(data[e]))
                    e--;
            }
            if (link_end >= 2 && e < link_end - 2 && data[e] == '&')
                link_end = e;
            else
                link_end--;
        } else if (c == ')') {
            size_t open = 0, close = 0;
            for (size_t i = 0; i < link_end; i++) {
                if (data[i] == '(')
                    open++;
                else if (data[i] == ')')
                    close++;
            }
            if (close <= open)
                break;
            link_end--;
        } else {
            break;
        }
    }
    return link_end;
}

static size_t check_domain(const uint8_t *data, size_t size, bool allow_short)
{
    size_t i, np = 0, us1 = 0, us2 = 0;
    for (i = 1; i + 1 < size; i++) {
        if (data[i] == '_') {
            us2++;
        } else if (data[i] == '.') {
            us1 = us2;
            us2 = 0;
            np++;
        } else if (!valid_hostchar(data + i, size - i) && data[i] != '-') {
            break;
        }
    }
    if (size < 2)
        i = 1;
    if (us1 > 0 || us2 > 0)
        return 0;
    return allow_short || np ? i : 0;
}

/* Whether the autolink extension keeps out: as cmark-gfm 0.29.0.gfm.6
 * answers it (flags carried up the bracket stack, not the spec's "active"
 * openers): inside any link bracket, even one a link inside has made
 * inactive; inside an image bracket pushed since the last link formed. */
static bool in_bracket(subject *S)
{
    const bracket *b = S->last_bracket;
    return b && (b->link_in || b->image_in > S->link_made);
}

static bool www_match(subject *S)
{
    const uint8_t *data = S->s + S->pos;
    size_t size = S->n - S->pos;
    if (size < 4 || memcmp(data, "www.", 4) != 0)
        return false;
    if (S->pos > 0 && !strchr("*_~(", data[-1]) && !c_isspace(data[-1]))
        return false;
    if (S->pos > 0 && data[-1] == 0)
        return false;
    size_t end = check_domain(data, size, false);
    if (!end)
        return false;
    while (end < size && !c_isspace(data[end]))
        end++;
    end = autolink_delim(data, end);
    if (!end)
        return false;
    inode *l = node(S, I_LINK);
    char *u = gfm_alloc(S->g, end + 8);
    memcpy(u, "http://", 7);
    memcpy(u + 7, data, end);
    l->s = u;
    l->n = end + 7;
    append_child(l, text(S, data, end));
    add(S, l);
    S->pos += end;
    return true;
}

static bool url_match(subject *S)
{
    const uint8_t *data = S->s + S->pos;
    size_t size = S->n - S->pos, max_rewind = S->pos, rewind = 0;
    if (size < 4 || data[1] != '/' || data[2] != '/')
        return false;
    while (rewind < max_rewind && c_isalpha(data[-(long)rewind - 1]))
        rewind++;
    static const char *const schemes[] = {"http://", "https://", "ftp://"};
    bool safe = false;
    for (int k = 0; k < 3 && !safe; k++) {
        size_t len = strlen(schemes[k]);
        const uint8_t *l = data - rewind;
        size_t ln = size + rewind;
        if (ln > len) {
            bool eq = true;
            for (size_t i = 0; i < len && eq; i++) {
                uint8_t c = l[i];
                eq = (c >= 'A' && c <= 'Z' ? c + 32 : c) == (uint8_t)schemes[k][i];
            }
            safe = eq && valid_hostchar(l + len, ln - len);
        }
    }
    if (!safe)
        return false;
    size_t end = 3, dl = check_domain(data + 3, size - 3, true);
    if (!dl)
        return false;
    end += dl;
    while (end < size && !c_isspace(data[end]))
        end++;
    end = autolink_delim(data, end);
    if (!end)
        return false;
    /* take the scheme's letters back from the text before */
    size_t k = rewind;
    for (inode *t = S->block->last; k > 0 && t && t->type == I_TEXT; t = t->prev) {
        if (t->n < k) {
            k -= t->n;
            t->n = 0;
        } else {
            t->n -= k;
            k = 0;
        }
    }
    inode *l = node(S, I_LINK);
    l->s = (const char *)data - rewind;
    l->n = end + rewind;
    append_child(l, text(S, l->s, l->n));
    add(S, l);
    S->pos += end;
    return true;
}

/* Whether `proto` ("mailto:") ends where the rewind from an '@' at `at`
 * has reached (rewind bytes back), after a byte that is not alphanumeric
 * or at the start of the text.  cmark-gfm reads before the text's start
 * here; those bytes count as zero (as the arena render_cmark.c gives it
 * has them). */
static bool validate_protocol(const char *proto, const uint8_t *base, const uint8_t *at, size_t rewind)
{
    size_t len = strlen(proto);
    const uint8_t *end = at - rewind;
    if ((size_t)(end - base) < len || memcmp(end - len, proto, len) != 0)
        return false;
    return end - len == base || !c_isalnum(end[-(long)len - 1]);
}

/* e-mail addresses in a text node, as cmark-gfm 0.29.0.gfm.6's autolink
 * postprocess_text links them: an address is rewound from its '@' over
 * alphanumerics and ".+-_" (and through a "mailto:" or "xmpp:" before it,
 * which then stays in the url instead of an added "mailto:"); a second
 * '@' restarts the search from the first; "xmpp:" addresses may go on
 * with "/" parts; a text run's first 1001 '@' are looked at. */
static void email_text(subject *S, inode *t)
{
    const uint8_t *base = (const uint8_t *)t->s; /* the text left after the last link made */
    size_t start = 0, offset = 0, remaining = t->n;
    /* cmark-gfm recurses once for each '@' it looks at, and stops past
     * depth 1000: the 1002nd '@' of a text run is not looked at */
    int depth = 0;
    while (offset < remaining) {
        const uint8_t *data = base + start;
        const uint8_t *at = memchr(data + offset, '@', remaining - offset);
        if (!at)
            return;
        size_t max_rewind = (size_t)(at - (data + offset)), rewind, end;
        bool auto_mailto, is_xmpp;
    found_at:
        if (depth++ > 1000)
            return;
        auto_mailto = true;
        is_xmpp = false;
        at = data + offset + max_rewind;
        for (rewind = 0; rewind < max_rewind; rewind++) {
            uint8_t c = at[-(long)rewind - 1];
            if (c_isalnum(c) || c == '.' || c == '+' || c == '-' || c == '_')
                continue;
            if (c == ':') {
                if (validate_protocol("mailto:", base, at, rewind)) {
                    auto_mailto = false;
                    continue;
                }
                if (validate_protocol("xmpp:", base, at, rewind)) {
                    auto_mailto = false;
                    is_xmpp = true;
                    continue;
                }
            }
            break;
        }
        if (rewind == 0) {
            offset += max_rewind + 1;
            continue;
        }
        size_t np = 0, avail = remaining - offset - max_rewind;
        for (end = 1; end < avail; end++) {
            uint8_t c = at[end];
            if (c_isalnum(c))
                continue;
            if (c == '@') {
                offset += max_rewind + 1;
                max_rewind = end - 1;
                goto found_at;
            } else if (c == '.' && end < avail - 1 && c_isalnum(at[end + 1])) {
                np++;
            } else if (c == '/' && is_xmpp) {
                continue;
            } else if (c != '-' && c != '_') {
                break;
            }
        }
        if (end < 2 || np == 0 || (!c_isalpha(at[end - 1]) && at[end - 1] != '.')) {
            offset += max_rewind + 1;
            continue;
        }
        end = autolink_delim(at, end);
        if (!end) {
            offset += max_rewind + 1;
            continue;
        }
        inode *l = node(S, I_LINK);
        size_t ln = end + rewind;
        char *u = gfm_alloc(S->g, ln + 8);
        size_t pre = auto_mailto ? 7 : 0;
        memcpy(u, "mailto:", pre);
        memcpy(u + pre, at - rewind, ln);
        l->s = u;
        l->n = ln + pre;
        append_child(l, text(S, at - rewind, ln));
        insert_after(t, l);
        size_t used = offset + max_rewind + end;
        inode *post = text(S, data + used, remaining - used);
        insert_after(l, post);
        t->n = offset + max_rewind - rewind;
        t = post;
        /* cmark-gfm goes on in a copy of the rest: what was before it is
         * out of reach of the protocol check */
        base = data + used;
        start = 0;
        remaining -= used;
        offset = 0;
    }
}

/* Adjacent text nodes merged (cmark_consolidate_text_nodes) where the run
 * holds an '@', then its addresses linked, in document order as
 * cmark-gfm's iterator meets them: entering a link stops the pass until a
 * link is left - any link, so after a link inside a link the rest of the
 * outer one is looked at; nodes a pass inserts are not visited. */
static void postprocess(subject *S, inode *parent, bool *in_link)
{
    for (inode *n = parent->first; n; n = n->next) {
        if (*in_link || n->type == I_LINK) {
            *in_link = true; /* entering (or inside) a link */
            if (n->first)
                postprocess(S, n, in_link);
            if (n->type == I_LINK)
                *in_link = false; /* leaving a link */
            continue;
        }
        if (n->first) {
            postprocess(S, n, in_link);
            continue;
        }
        if (n->type != I_TEXT)
            continue;
        bool at = false;
        size_t total = 0;
        inode *e = n;
        for (inode *m = n; m && m->type == I_TEXT; m = m->next) {
            e = m;
            total += m->n;
            if (!at && memchr(m->s, '@', m->n))
                at = true;
        }
        if (!at) {
            n = e;
            continue;
        }
        if (e != n) {
            char *d = gfm_alloc(S->g, total + 1), *w = d;
            inode *m = n;
            for (;;) {
                memcpy(w, m->s, m->n);
                w += m->n;
                if (m == e)
                    break;
                m = m->next;
            }
            inode *stop = e->next;
            while (n->next != stop)
                unlink_inode(n->next);
            n->s = d;
            n->n = total;
        }
        inode *after = n->next;
        email_text(S, n);
        n = after ? after->prev : parent->last;
    }
}

/* ---- output ----------------------------------------------------------- */

bool gfm_tag_filtered(const char *s, size_t n)
{
    static const char *const names[] = {"title",   "textarea", "style",  "xmp",       "iframe",
                                        "noembed", "noframes", "script", "plaintext"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const char *name = names[k];
        if (n < 3 || s[0] != '<')
            return false;
        size_t i = 1;
        if (s[i] == '/')
            i++;
        bool ok = true;
        for (; i < n && *name; i++, name++) {
            char c = s[i];
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != *name) {
                ok = false;
                break;
            }
        }
        if (!ok || i == n)
            continue;
        if (is_spacechar((uint8_t)s[i]) || s[i] == '>') /* C's isspace, VT and FF too (tagfilter.c) */
            return true;
        if (s[i] == '/' && n >= i + 2 && s[i + 1] == '>')
            return true;
    }
    return false;
}

static bool dangerous_url(const char *s, size_t n)
{
    static const char *const bad[] = {"javascript:", "vbscript:", "file:", "data:"};
    static const char *const ok[] = {"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"};
    for (int k = 0; k < 4; k++) {
        size_t l = strlen(ok[k]), i;
        if (n < l)
            continue;
        for (i = 0; i < l; i++) {
            char c = s[i];
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != ok[k][i])
                break;
        }
        if (i == l)
            return false;
    }
    for (int k = 0; k < 4; k++) {
        size_t l = strlen(bad[k]), i;
        if (n < l)
            continue;
        for (i = 0; i < l; i++) {
            char c = s[i];
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != bad[k][i])
                break;
        }
        if (i == l)
            return true;
    }
    return false;
}

static void put_url(sl_gfm *g, const inode *n)
{
    int (*dangerous)(const char *, size_t) = g->opts->url_dangerous;
    /* the page's options: a heading written as --unsafe-html for its id keeps safe mode's URLs */
    if ((g->opts->flags & SL_GFM_UNSAFE) || !(dangerous ? dangerous(n->s, n->n) : dangerous_url(n->s, n->n)))
        gfm_escape_href(g, n->s, n->n);
}

static void render_plain(sl_gfm *g, const inode *n)
{
    for (const inode *c = n->first; c; c = c->next) {
        switch (c->type) {
        case I_TEXT:
        case I_CODE:
        case I_HTML:
            gfm_escape_html(g, c->s, c->n);
            break;
        case I_SOFTBREAK:
        case I_LINEBREAK:
            gbuf_putc(g, &g->out, ' ');
            break;
        default:
            render_plain(g, c);
            break;
        }
    }
}

/* gfm_escape_html, short text (most text nodes: a word or two between
 * two inlines, a bracket) escaped here a byte at a time, with no call */
static inline void escape_text(sl_gfm *g, const char *s, size_t n)
{
    gbuf *o = &g->out;
    if (n >= 16 || o->cap - o->len < 6 * 16) {
        gfm_escape_html(g, s, n);
        return;
    }
    char *w = o->p + o->len;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (!gfm_html_esc[c]) {
            *w++ = (char)c;
        } else if (c == '"') {
            memcpy(w, "&quot;", 6);
            w += 6;
        } else if (c == '&') {
            memcpy(w, "&amp;", 5);
            w += 5;
        } else {
            memcpy(w, c == '<' ? "&lt;" : "&gt;", 4);
            w += 4;
        }
    }
    o->len = (size_t)(w - o->p);
}

static void render(sl_gfm *g, const inode *parent)
{
    gbuf *o = &g->out;
    for (const inode *n = parent->first; n; n = n->next) {
        switch (n->type) {
        case I_TEXT: {
            /* text nodes that follow one another in the block's text
             * (an unmatched bracket and the run after it, a backslash
             * escape and the bracket it escapes): one escape for all
             * (escaping goes byte by byte) */
            size_t len = n->n;
            while (n->next && n->next->type == I_TEXT && n->next->s == n->s + n->n) {
                n = n->next;
                len += n->n;
            }
            escape_text(g, n->s + n->n - len, len);
            break;
        }
        case I_SOFTBREAK:
            gbuf_putc(g, o, '\n');
            break;
        case I_LINEBREAK:
            gbuf_puts(g, o, "<br />\n");
            break;
        case I_CODE:
            gbuf_puts(g, o, "<code>");
            escape_text(g, n->s, n->n);
            gbuf_puts(g, o, "</code>");
            break;
        case I_HTML:
            g->raw_seen++;
            if (!(g->flags & SL_GFM_UNSAFE)) {
                if (g->flags & SL_GFM_RAW_AS_TEXT)
                    gfm_escape_html(g, n->s, n->n);
                else
                    gbuf_puts(g, o, "<!-- raw HTML omitted -->");
            } else if ((g->flags & SL_GFM_TAGFILTER) && gfm_tag_filtered(n->s, n->n)) {
                gbuf_puts(g, o, "&lt;");
                gbuf_put(g, o, n->s + 1, n->n - 1);
            } else {
                gbuf_put(g, o, n->s, n->n);
            }
            break;
        case I_EMPH:
            gbuf_puts(g, o, "<em>");
            render(g, n);
            gbuf_puts(g, o, "</em>");
            break;
        case I_STRONG:
            gbuf_puts(g, o, "<strong>");
            render(g, n);
            gbuf_puts(g, o, "</strong>");
            break;
        case I_STRIKE:
            gbuf_puts(g, o, "<del>");
            render(g, n);
            gbuf_puts(g, o, "</del>");
            break;
        case I_LINK:
            gbuf_puts(g, o, "<a href=\"");
            put_url(g, n);
            if (n->tn) {
                gbuf_puts(g, o, "\" title=\"");
                gfm_escape_html(g, n->t, n->tn);
            }
            gbuf_puts(g, o, "\">");
            render(g, n);
            gbuf_puts(g, o, "</a>");
            break;
        case I_IMAGE:
            gbuf_puts(g, o, "<img src=\"");
            put_url(g, n);
            gbuf_puts(g, o, "\" alt=\"");
            render_plain(g, n);
            if (n->tn) {
                gbuf_puts(g, o, "\" title=\"");
                gfm_escape_html(g, n->t, n->tn);
            }
            gbuf_puts(g, o, "\" />");
            break;
        default:
            break;
        }
    }
}

/* ---- a block's inlines -------------------------------------------------- */

void gfm_inline_render(sl_gfm *g, const char *src, size_t n, bool cell)
{
    (void)cell;
    while (n && c_isspace((uint8_t)src[n - 1]))
        n--;
    if (!n)
        return;
    bool strike = (g->flags & SL_GFM_STRIKETHROUGH) != 0, autolink = (g->flags & SL_GFM_AUTOLINK) != 0;
    const uint8_t *special = gfm_special_chars[(strike ? 1 : 0) | (autolink ? 2 : 0)];
    /* plain text (no byte that starts an inline, no '@' for the e-mail
     * pass): one text node, written as is - many a table cell and heading */
    if (!special[(uint8_t)src[0]] && gfm_scan_inline((const uint8_t *)src, 1, n, strike, autolink, special) == n &&
        !(autolink && memchr(src, '@', n))) {
        gfm_escape_html(g, src, n);
        return;
    }
    garena_mark mark = gfm_arena_mark(&g->arena);
    subject S; /* field by field: no need to clear it all */
    S.g = g;
    S.s = (const uint8_t *)src;
    S.n = n;
    S.pos = 0;
    S.block = NULL;
    S.last_delim = NULL;
    S.last_bracket = NULL;
    S.backticks_scanned = false;
    S.at_seen = false;
    S.pushes = S.link_made = 0;
    if (++g->bt_gen == 0) { /* wrapped: stamps from 2^32 blocks ago would look current */
        memset(g->bt_stamp, 0, sizeof g->bt_stamp);
        g->bt_gen = 1;
    }
    S.strike = strike;
    S.autolink = autolink;
    S.special = special;
    S.skip = S.strike ? skip_strike : skip_none;
    inode root = {0};
    S.block = &root;
    const uint8_t *s = S.s;
    while (S.pos < n) {
        uint8_t c = s[S.pos];
        switch (c) {
        case '\n':
        case '\r':
            handle_newline(&S);
            continue;
        case '`':
            handle_backticks(&S);
            continue;
        case '\\':
            handle_backslash(&S);
            continue;
        case '&':
            handle_entity(&S);
            continue;
        case '<':
            handle_pointy(&S);
            continue;
        case '*':
        case '_':
            handle_delim(&S, c);
            continue;
        case '[': {
            S.pos++;
            inode *t = text(&S, s + S.pos - 1, 1); /* the block's "[": written with the text beside it */
            add(&S, t);
            push_bracket(&S, false, t);
            continue;
        }
        case ']':
            handle_close_bracket(&S);
            continue;
        case '!':
            S.pos++;
            if (S.pos < n && s[S.pos] == '[' && !(S.pos + 1 < n && s[S.pos + 1] == '^')) {
                S.pos++;
                inode *t = text(&S, s + S.pos - 2, 2);
                add(&S, t);
                push_bracket(&S, true, t);
            } else {
                add(&S, text(&S, s + S.pos - 1, 1));
            }
            continue;
        case '~':
            if (S.strike) {
                handle_tilde(&S);
                continue;
            }
            break;
        case ':':
            if (S.autolink && !in_bracket(&S) && url_match(&S))
                continue;
            break;
        case 'w':
            if (S.autolink && !in_bracket(&S) && www_match(&S))
                continue;
            break;
        default:
            break;
        }
        size_t start = S.pos, end = gfm_scan_inline(s, S.pos + 1, n, S.strike, S.autolink, S.special);
        S.pos = end;
        size_t len = end - start;
        if (end < n && (s[end] == '\n' || s[end] == '\r'))
            while (len && c_isspace(s[start + len - 1]))
                len--;
        add(&S, text(&S, s + start, len));
    }
    process_emphasis(&S, NULL);
    if (S.autolink && (S.at_seen || memchr(src, '@', n))) { /* no '@': no address to link */
        bool in_link = false;
        postprocess(&S, &root, &in_link);
    }
    render(g, &root);
    gfm_arena_release(&g->arena, mark);
}
