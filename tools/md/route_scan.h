/*
 * route_scan.h - byte classification the routing checks share: where in
 * a page the bytes a check stops at are, 16 or 64 at a time.
 *
 * The checks run over every page before md4c starts, and most of their
 * time went to finding the next byte of a kind: memchr() called once per
 * `]` or backtick costs about as much as reading the bytes between (a
 * page of links holds one every 30-40 bytes), and a byte-at-a-time loop
 * over a URL about four instructions a byte.  Here one pass over 64
 * bytes answers for several kinds at once (one bit a byte each), and the
 * checks walk the bits.  SSE2 where the compiler has it (every x86-64);
 * elsewhere (aarch64, or a build with -U__SSE2__) the same answers a
 * byte at a time.
 */
#ifndef SLUICE_MD_ROUTE_SCAN_H
#define SLUICE_MD_ROUTE_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* For the 64 bytes from s[at] (none at or past n): bit k says s[at + k]
 * is one of c[0..kinds) (at most 8). */
static inline uint64_t sl__md_any64(const char *s, size_t n, size_t at, const char *c, size_t kinds)
{
    uint64_t out = 0;
#if defined(__SSE2__)
    if (n - at >= 64) {
#pragma GCC unroll 4
        for (size_t q = 0; q < 4; q++) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + at + 16 * q)), hit = _mm_setzero_si128();
#pragma GCC unroll 8
            for (size_t j = 0; j < kinds; j++)
                hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(c[j])));
            out |= (uint64_t)(unsigned)_mm_movemask_epi8(hit) << (16 * q);
        }
        return out;
    }
#endif
    size_t len = n - at < 64 ? n - at : 64;
    for (size_t k = 0; k < len; k++)
        for (size_t j = 0; j < kinds; j++)
            out |= (uint64_t)(s[at + k] == c[j]) << k;
    return out;
}

/* The bits of m at k or above (k may be 64 or more: none). */
static inline uint64_t sl__md_bits_from(uint64_t m, size_t k)
{
    return k >= 64 ? 0 : m & (~0ull << k);
}

/* The first i' >= i, before n, where s[i'] is one of c[0..kinds) (at
 * most 8), or n. */
static inline size_t sl__md_find_any(const char *s, size_t n, size_t i, const char *c, size_t kinds)
{
#if defined(__SSE2__)
    for (; i <= n && n - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i)), hit = _mm_setzero_si128();
#pragma GCC unroll 8
        for (size_t j = 0; j < kinds; j++)
            hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(c[j])));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    for (; i < n; i++)
        for (size_t j = 0; j < kinds; j++)
            if (s[i] == c[j])
                return i;
    return n;
}

/* Line ends for a check that walks a page line by line: where the `\n`
 * at or after `from` is, or n - what sl__md_line_end() answers, but a
 * memchr() call a line cost more than the line's own tests on most lines
 * (by perf, a seventh of the routing time went to memchr, most of it
 * finding line ends).  One pass over 64 bytes answers for every line end
 * in them; the bits are kept for the lines after.  One per walk (zeroed:
 * {0}), over one page s; n may differ between calls (a check that stops
 * at a block's end): the answer is at most n. */
typedef struct {
    size_t base;   /* s[base, base + 64) were classified; valid once mask_ok */
    uint64_t mask; /* their `\n` bits */
    int mask_ok;
} sl__md_lines;

static inline size_t sl__md_next_line_end(sl__md_lines *c, const char *s, size_t n, size_t from)
{
#if defined(__SSE2__)
    size_t at = from;
    if (c->mask_ok && from >= c->base && from - c->base < 64) {
        uint64_t m = sl__md_bits_from(c->mask, from - c->base);
        if (m) {
            size_t e = c->base + (size_t)__builtin_ctzll(m);
            return e < n ? e : n;
        }
        at = c->base + 64;
    }
    for (; at < n && n - at >= 64; at += 64) {
        uint64_t m = sl__md_any64(s, n, at, "\n", 1);
        if (m) {
            c->base = at;
            c->mask = m;
            c->mask_ok = 1;
            return at + (size_t)__builtin_ctzll(m);
        }
    }
    if (at >= n)
        return n;
    from = at;
#else
    (void)c;
#endif
    const char *nl = memchr(s + from, '\n', n - from);
    return nl ? (size_t)(nl - s) : n;
}

/* Where the first c at or after `from` is, or n: memchr() for a walk
 * that asks it at each line in turn of a byte most lines lack (a `<`):
 * the last answer stands while `from` has not passed it.  One per walk
 * and byte, zeroed, over one page s[0, n). */
typedef struct {
    size_t from, at; /* no c in s[from, at); s[at] is c or at == n; valid once ok */
    int ok;
} sl__md_next_byte;

static inline size_t sl__md_find_byte(sl__md_next_byte *m, const char *s, size_t n, size_t from, char c)
{
    if (!m->ok || from < m->from || from > m->at) {
        const char *p = memchr(s + from, c, n - from);
        m->from = from;
        m->at = p ? (size_t)(p - s) : n;
        m->ok = 1;
    }
    return m->at;
}

#endif
