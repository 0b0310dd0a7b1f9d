/*
 * base64.c - canonical standard base64 (RFC 4648 section 4), padded or not.
 *
 * Decoding is by 4-character groups; a final partial group of 2 or 3
 * characters must leave zero bits in the part of its last character that
 * falls outside the output, which is what makes the spelling unique.
 */
#include "base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int value_of(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

size_t sl_b64_encoded_len(size_t n, int pad)
{
    if (pad)
        return (n + 2) / 3 * 4;
    return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

size_t sl_b64_encode(char *dst, const uint8_t *src, size_t n, int pad)
{
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8 | src[i + 2];
        dst[o++] = alphabet[v >> 18];
        dst[o++] = alphabet[v >> 12 & 63];
        dst[o++] = alphabet[v >> 6 & 63];
        dst[o++] = alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)src[i] << 16;
        dst[o++] = alphabet[v >> 18];
        dst[o++] = alphabet[v >> 12 & 63];
        if (pad) {
            dst[o++] = '=';
            dst[o++] = '=';
        }
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8;
        dst[o++] = alphabet[v >> 18];
        dst[o++] = alphabet[v >> 12 & 63];
        dst[o++] = alphabet[v >> 6 & 63];
        if (pad)
            dst[o++] = '=';
    }
    return o;
}

long sl_b64_decode(uint8_t *dst, const char *src, size_t len, int pad)
{
    if (pad) {
        if (len % 4)
            return -1;
        if (len >= 1 && src[len - 1] == '=')
            len -= (len >= 2 && src[len - 2] == '=') ? 2 : 1;
        if (len % 4 == 1)
            return -1;
    } else if (len % 4 == 1) {
        return -1;
    }
    size_t o = 0, i = 0;
    for (; i + 4 <= len; i += 4) {
        int a = value_of(src[i]), b = value_of(src[i + 1]);
        int c = value_of(src[i + 2]), d = value_of(src[i + 3]);
        if ((a | b | c | d) < 0)
            return -1;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
        dst[o++] = (uint8_t)(v >> 16);
        dst[o++] = (uint8_t)(v >> 8);
        dst[o++] = (uint8_t)v;
    }
    size_t rest = len - i;
    if (rest == 2) {
        int a = value_of(src[i]), b = value_of(src[i + 1]);
        if ((a | b) < 0 || (b & 15))
            return -1;
        dst[o++] = (uint8_t)(a << 2 | b >> 4);
    } else if (rest == 3) {
        int a = value_of(src[i]), b = value_of(src[i + 1]), c = value_of(src[i + 2]);
        if ((a | b | c) < 0 || (c & 3))
            return -1;
        dst[o++] = (uint8_t)(a << 2 | b >> 4);
        dst[o++] = (uint8_t)((b & 15) << 4 | c >> 2);
    }
    return (long)o;
}
