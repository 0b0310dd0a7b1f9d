/*
 * gfm_scan.h - the renderer's hot scans, 16 bytes at a time where SSE2 is
 * there (every x86-64), a byte at a time elsewhere; both give the same
 * answer.  Each finds the first byte at or after i (before n) that its
 * caller must stop at, or n:
 *
 *   gfm_scan_html    a byte escape_html rewrites: " & < >
 *   gfm_scan_href    a byte escape_href rewrites: not alphanumeric and
 *                    not one of -_.+!*(),%#@?=;:/$~
 *   gfm_scan_url     a byte a link destination's scan looks at: \\ ( ) &
 *                    or one from NUL to space (cmark's space, space, tab,
 *                    LF, CR, among them: fewer tests, and the scan steps
 *                    over the others)
 *   gfm_scan_cell    a byte a table cell's scan looks at: | CR LF or one
 *                    of 0x80 and above (a UTF-8 character to check)
 *   gfm_scan_inline  where a run of inline text stops: one of
 *                    "\r\n\\`&_*[]<!^", a '~' with strikethrough, and with
 *                    autolinks a 'w' before "ww." or a ':' before "//"
 *                    (or either one within 3 bytes of n, where that cannot
 *                    be told: the scalar loop's rule)
 */
#ifndef SLUICE_MD_GFM_SCAN_H
#define SLUICE_MD_GFM_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#define GFM_SIMD 1
#define GFM_EQ(v, c) _mm_cmpeq_epi8((v), _mm_set1_epi8((char)(c)))
#define GFM_LOAD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#endif

/* 1: escaped in text ("&<>\""), as houdini_escape_html0 with secure 0 */
static const uint8_t gfm_html_esc[256] = {['"'] = 1, ['&'] = 1, ['<'] = 1, ['>'] = 1};

/* houdini_escape_href's safe set: alphanumerics and -_.+!*(),%#@?=;:/$~ */
#define GFM_SAFE3(a, b, c) [a] = 1, [b] = 1, [c] = 1
static const uint8_t gfm_href_safe[256] = {
    GFM_SAFE3('-', '_', '.'), GFM_SAFE3('+', '!', '*'), GFM_SAFE3('(', ')', ','), GFM_SAFE3('%', '#', '@'),
    GFM_SAFE3('?', '=', ';'), GFM_SAFE3(':', '/', '$'), ['~'] = 1,
    GFM_SAFE3('0', '1', '2'), GFM_SAFE3('3', '4', '5'), GFM_SAFE3('6', '7', '8'), ['9'] = 1,
    GFM_SAFE3('a', 'b', 'c'), GFM_SAFE3('d', 'e', 'f'), GFM_SAFE3('g', 'h', 'i'), GFM_SAFE3('j', 'k', 'l'),
    GFM_SAFE3('m', 'n', 'o'), GFM_SAFE3('p', 'q', 'r'), GFM_SAFE3('s', 't', 'u'), GFM_SAFE3('v', 'w', 'x'),
    GFM_SAFE3('y', 'z', 'A'), GFM_SAFE3('B', 'C', 'D'), GFM_SAFE3('E', 'F', 'G'), GFM_SAFE3('H', 'I', 'J'),
    GFM_SAFE3('K', 'L', 'M'), GFM_SAFE3('N', 'O', 'P'), GFM_SAFE3('Q', 'R', 'S'), GFM_SAFE3('T', 'U', 'V'),
    GFM_SAFE3('W', 'X', 'Y'), ['Z'] = 1,
};
#undef GFM_SAFE3

/* "\r\n\\`&_*[]<!^", plus '~' with strikethrough, ':' and 'w' with
 * autolinks: indexed by (strikethrough) | (autolink) << 1.  '^' starts
 * nothing, but it lies in the range [\]^_` that the SIMD scan tests as
 * one: a text run split at it renders the same (runs are written one
 * after another; the e-mail pass joins them again). */
#define GFM_CORE                                                                                                   \
    ['\r'] = 1, ['\n'] = 1, ['\\'] = 1, ['`'] = 1, ['&'] = 1, ['_'] = 1, ['*'] = 1, ['['] = 1, [']'] = 1, ['<'] = 1, \
    ['!'] = 1, ['^'] = 1
static const uint8_t gfm_special_chars[4][256] = {
    {GFM_CORE},
    {GFM_CORE, ['~'] = 1},
    {GFM_CORE, [':'] = 1, ['w'] = 1},
    {GFM_CORE, ['~'] = 1, [':'] = 1, ['w'] = 1},
};
#undef GFM_CORE

static inline unsigned gfm_ctz(unsigned m)
{
    return (unsigned)__builtin_ctz(m);
}

#ifdef GFM_SIMD
static inline unsigned gfm_html_mask(const uint8_t *p)
{
    __m128i v = GFM_LOAD(p);
    /* '"' and '&' are the bytes that are '&' with bit 2 set, '<' and '>'
     * those that are '>' with bit 1 set */
    __m128i m = _mm_or_si128(GFM_EQ(_mm_or_si128(v, _mm_set1_epi8(4)), '&'), GFM_EQ(_mm_or_si128(v, _mm_set1_epi8(2)), '>'));
    return (unsigned)_mm_movemask_epi8(m);
}
#endif

static inline size_t gfm_scan_html(const uint8_t *s, size_t i, size_t n)
{
#ifdef GFM_SIMD
    for (; i + 16 <= n; i += 16) {
        unsigned bits = gfm_html_mask(s + i);
        if (bits)
            return i + gfm_ctz(bits);
    }
    if (i < n && n >= 16) { /* the last 16 bytes, those before i masked off */
        unsigned bits = gfm_html_mask(s + n - 16) >> (i - (n - 16));
        return bits ? i + gfm_ctz(bits) : n;
    }
#endif
    while (i < n && !gfm_html_esc[s[i]])
        i++;
    return i;
}

#ifdef GFM_SIMD
static inline unsigned gfm_href_mask(const uint8_t *p)
{
    __m128i v = GFM_LOAD(p);
    /* signed: below '!' (controls, space, and every byte >= 0x80), or DEL */
    __m128i m = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8('!')), GFM_EQ(v, 0x7F));
    /* '"' and '&': '&' with bit 2 set; '<' and '>': '>' with bit 1 set */
    m = _mm_or_si128(m, _mm_or_si128(GFM_EQ(_mm_or_si128(v, _mm_set1_epi8(4)), '&'), GFM_EQ(v, '\'')));
    m = _mm_or_si128(m, _mm_or_si128(GFM_EQ(_mm_or_si128(v, _mm_set1_epi8(2)), '>'), GFM_EQ(v, '`')));
    /* [ \ ]: 0x5B..0x5D, and { | }: 0x7B..0x7D, the same with bit 5
     * clear (as signed bytes, all positive; bytes from 0x80 up stay
     * below); then ^ */
    __m128i f = _mm_and_si128(v, _mm_set1_epi8((char)0xDF));
    m = _mm_or_si128(m, _mm_and_si128(_mm_cmpgt_epi8(f, _mm_set1_epi8(0x5A)), _mm_cmplt_epi8(f, _mm_set1_epi8(0x5E))));
    m = _mm_or_si128(m, GFM_EQ(v, '^'));
    return (unsigned)_mm_movemask_epi8(m);
}
#endif

static inline size_t gfm_scan_href(const uint8_t *s, size_t i, size_t n)
{
#ifdef GFM_SIMD
    for (; i + 16 <= n; i += 16) {
        unsigned bits = gfm_href_mask(s + i);
        if (bits)
            return i + gfm_ctz(bits);
    }
#endif
    while (i < n && gfm_href_safe[s[i]])
        i++;
    return i;
}

static inline size_t gfm_scan_url(const uint8_t *s, size_t i, size_t n)
{
#ifdef GFM_SIMD
    for (; i + 16 <= n; i += 16) {
        __m128i v = GFM_LOAD(s + i);
        /* NUL to space: v unsigned no more than ' '; '(' and ')': v | 1 == ')' */
        __m128i m = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(' ')), v), GFM_EQ(_mm_or_si128(v, _mm_set1_epi8(1)), ')'));
        m = _mm_or_si128(m, _mm_or_si128(GFM_EQ(v, '\\'), GFM_EQ(v, '&')));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits)
            return i + gfm_ctz(bits);
    }
#endif
    while (i < n && s[i] > ' ' && s[i] != '\\' && s[i] != '(' && s[i] != ')' && s[i] != '&')
        i++;
    return i;
}

static inline size_t gfm_scan_cell(const uint8_t *s, size_t i, size_t n)
{
#ifdef GFM_SIMD
    for (; i + 16 <= n; i += 16) {
        __m128i v = GFM_LOAD(s + i);
        __m128i m = _mm_or_si128(_mm_or_si128(GFM_EQ(v, '|'), GFM_EQ(v, '\r')), GFM_EQ(v, '\n'));
        unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(m, v)); /* v: the top bit, 0x80 and above */
        if (bits)
            return i + gfm_ctz(bits);
    }
#endif
    while (i < n && s[i] != '|' && s[i] != '\r' && s[i] != '\n' && s[i] < 0x80)
        i++;
    return i;
}

/* strike, autolink: the extensions on; table: gfm_special_chars[strike | autolink << 1] */
static inline size_t gfm_scan_inline(const uint8_t *s, size_t i, size_t n, bool strike, bool autolink,
                                     const uint8_t *table)
{
#ifdef GFM_SIMD
    /* whole blocks whose 'w' and ':' can look 3 bytes on */
    for (; i + 19 <= n; i += 16) {
        __m128i v = GFM_LOAD(s + i);
        __m128i m = _mm_or_si128(_mm_or_si128(GFM_EQ(v, '\r'), GFM_EQ(v, '\n')),
                                 _mm_or_si128(GFM_EQ(v, '&'), GFM_EQ(v, '*')));
        m = _mm_or_si128(m, _mm_or_si128(GFM_EQ(v, '<'), GFM_EQ(v, '!')));
        /* [ \ ] ^ _ `: 0x5B..0x60 (as signed bytes: 0x80 and up are below) */
        m = _mm_or_si128(m, _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x5A)), _mm_cmplt_epi8(v, _mm_set1_epi8(0x61))));
        if (strike)
            m = _mm_or_si128(m, GFM_EQ(v, '~'));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (autolink) {
            /* "www." and "://" looked for only where a 'w' or ':' comes
             * before the first stop (most blocks have none) */
            unsigned cand = (unsigned)_mm_movemask_epi8(_mm_or_si128(GFM_EQ(v, 'w'), GFM_EQ(v, ':')));
            if (cand & ((bits & -bits) - 1)) {
                __m128i v1 = GFM_LOAD(s + i + 1), v2 = GFM_LOAD(s + i + 2), v3 = GFM_LOAD(s + i + 3);
                __m128i www = _mm_and_si128(_mm_and_si128(GFM_EQ(v, 'w'), GFM_EQ(v1, 'w')),
                                            _mm_and_si128(GFM_EQ(v2, 'w'), GFM_EQ(v3, '.')));
                __m128i url = _mm_and_si128(GFM_EQ(v, ':'), _mm_and_si128(GFM_EQ(v1, '/'), GFM_EQ(v2, '/')));
                bits |= (unsigned)_mm_movemask_epi8(_mm_or_si128(www, url));
            }
        }
        if (bits)
            return i + gfm_ctz(bits);
    }
#else
    (void)strike;
#endif
    for (;;) {
        while (i < n && !table[s[i]])
            i++;
        /* 'w' and ':' stop a text run for the autolink extension only
         * where "www." or "://" could follow: runs split elsewhere
         * render the same, and 'w' is a common letter */
        if (autolink && i + 3 < n &&
            ((s[i] == 'w' && memcmp(s + i + 1, "ww.", 3) != 0) || (s[i] == ':' && (s[i + 1] != '/' || s[i + 2] != '/')))) {
            i++;
            continue;
        }
        return i;
    }
}

#endif
