/*
 * utf8.c - UTF-8 validation and repair of page sources.
 *
 * Pages become JSON strings and HTML documents, both of which must be
 * UTF-8, so a source with invalid sequences is repaired up front: each
 * maximal invalid subpart becomes U+FFFD, as the WHATWG decoder does.  NUL
 * counts as invalid here and becomes U+FFFD too (CommonMark's rule), so
 * that no renderer, front-matter parser or JSON writer downstream ever
 * sees one: each of them treats it differently.  The common case (valid,
 * mostly ASCII, no NUL) costs one scan and no copy.
 */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"

/* Length of the valid sequence starting at s[0] (1..4), or 0 if invalid
 * (then *bad is how many bytes the invalid subpart spans). */
static size_t seq_len(const unsigned char *s, size_t n, size_t *bad)
{
    unsigned c = s[0];
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;
    *bad = 1;
    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    for (size_t i = 1; i <= need; i++) {
        if (i >= n)
            return 0;
        unsigned b = s[i];
        if (b < lo || b > hi)
            return 0;
        lo = 0x80;
        hi = 0xBF;
        *bad = i + 1;
    }
    return need + 1;
}

int sl__md_utf8_valid(const char *s, size_t n)
{
    return sl__md_utf8_check(s, n) == n;
}

size_t sl__md_utf8_check(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, bad;
    while (i < n) {
        uint64_t v;
#if defined(__SSE2__)
        /* 64 bytes at once while they are all plain ASCII (most of a
         * page): the four blocks' tests or-ed into one mask */
        if (n - i >= 64) {
            __m128i z = _mm_setzero_si128();
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16));
            __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 32));
            __m128i d = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 48));
            __m128i m = _mm_or_si128(_mm_or_si128(_mm_or_si128(a, _mm_cmpeq_epi8(a, z)), _mm_or_si128(b, _mm_cmpeq_epi8(b, z))),
                                     _mm_or_si128(_mm_or_si128(c, _mm_cmpeq_epi8(c, z)), _mm_or_si128(d, _mm_cmpeq_epi8(d, z))));
            if (!_mm_movemask_epi8(m)) {
                i += 64;
                continue;
            }
        }
        /* 32 bytes at a time: a byte's top bit, or-ed with that of its
         * compare with zero, is set exactly when it is not plain ASCII
         * (NUL, or from 0x80 up), and the first such byte is where the
         * sequence rules take over.  Every page is checked before it is
         * rendered; the eight-byte test below alone took about 1.6
         * instructions a byte on bench/md's corpora. */
        if (n - i >= 32) {
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16));
            __m128i z = _mm_setzero_si128();
            unsigned ma = (unsigned)_mm_movemask_epi8(_mm_or_si128(a, _mm_cmpeq_epi8(a, z)));
            unsigned mb = (unsigned)_mm_movemask_epi8(_mm_or_si128(b, _mm_cmpeq_epi8(b, z)));
            if (!(ma | mb)) {
                i += 32;
                continue;
            }
            i += (size_t)__builtin_ctz(ma | mb << 16); /* a sequence, or NUL */
        } else
#endif
        /* Eight ASCII bytes, none of them NUL, at once: no high bit set, and
         * no zero byte (the classic "has a zero byte" test). */
        if (n - i >= 8 && (memcpy(&v, p + i, 8),
                           ((v | ((v - 0x0101010101010101ull) & ~v)) & 0x8080808080808080ull) == 0)) {
            i += 8;
            continue;
        } else if (p[i] < 0x80 && p[i] != 0) {
            i++;
            continue;
        }
        size_t l = seq_len(p + i, n - i, &bad);
        if (!l)
            return i;
        i += l;
    }
    return n;
}

char *sl__md_utf8_repair(const char *s, size_t n, size_t *outlen)
{
    /* Each invalid byte grows to at most 3 bytes. */
    if (n > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = malloc(n * 3 + 1);
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0, bad;
    while (i < n) {
        size_t l = seq_len(p + i, n - i, &bad);
        if (l) {
            memcpy(out + o, p + i, l);
            o += l;
            i += l;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += bad;
        }
    }
    out[o] = 0;
    *outlen = o;
    return out;
}
