/*
 * bech32.c - Bech32 encoding and decoding with 8-to-5 bit regrouping.
 *
 * The checksum is a BCH code over the expanded hrp and the 5-bit data
 * values; a valid string's polymod is exactly 1.  Padding bits left over
 * when regrouping 5-bit values back to bytes must be zero, so each key has
 * a single valid spelling.
 */
#include "bech32.h"

#include <string.h>

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t polymod_step(uint32_t chk, uint8_t v)
{
    static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    uint32_t top = chk >> 25;
    chk = (chk & 0x1ffffff) << 5 ^ v;
    for (int i = 0; i < 5; i++)
        if (top >> i & 1)
            chk ^= gen[i];
    return chk;
}

static uint32_t hrp_polymod(const char *hrp, size_t n)
{
    uint32_t chk = 1;
    for (size_t i = 0; i < n; i++)
        chk = polymod_step(chk, (uint8_t)(hrp[i] >> 5));
    chk = polymod_step(chk, 0);
    for (size_t i = 0; i < n; i++)
        chk = polymod_step(chk, (uint8_t)(hrp[i] & 31));
    return chk;
}

static char to_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
}

int sl_bech32_encode(char *out, size_t cap, const char *hrp, const uint8_t *data, size_t n, int upper)
{
    size_t hn = strlen(hrp), groups = (n * 8 + 4) / 5;
    if (hn + 1 + groups + 6 + 1 > cap)
        return -1;
    uint32_t chk = hrp_polymod(hrp, hn);
    size_t o = 0;
    for (size_t i = 0; i < hn; i++)
        out[o++] = upper ? to_upper(hrp[i]) : hrp[i];
    out[o++] = '1';
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        acc = acc << 8 | data[i];
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            uint8_t v = acc >> bits & 31;
            chk = polymod_step(chk, v);
            out[o++] = charset[v];
        }
    }
    if (bits) {
        uint8_t v = acc << (5 - bits) & 31;
        chk = polymod_step(chk, v);
        out[o++] = charset[v];
    }
    for (int i = 0; i < 6; i++)
        chk = polymod_step(chk, 0);
    chk ^= 1;
    for (int i = 0; i < 6; i++)
        out[o++] = charset[chk >> (5 * (5 - i)) & 31];
    if (upper)
        for (size_t i = hn + 1; i < o; i++)
            out[i] = to_upper(out[i]);
    out[o] = 0;
    return (int)o;
}

long sl_bech32_decode(const char *s, size_t len, char *hrp, size_t hcap, uint8_t *data, size_t dcap)
{
    int lower = 0, upper = 0;
    size_t sep = len;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 33 || c > 126)
            return -1;
        lower |= c >= 'a' && c <= 'z';
        upper |= c >= 'A' && c <= 'Z';
        if (c == '1')
            sep = i;
    }
    if ((lower && upper) || sep == len || sep == 0 || len - sep - 1 < 6 || sep + 1 > hcap)
        return -1;
    for (size_t i = 0; i < sep; i++) {
        char c = s[i];
        hrp[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    hrp[sep] = 0;
    uint32_t chk = hrp_polymod(hrp, sep);
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0, ndata = len - sep - 1 - 6;
    for (size_t i = sep + 1; i < len; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        const char *p = memchr(charset, c, 32);
        if (!p || !c)
            return -1;
        uint8_t v = (uint8_t)(p - charset);
        chk = polymod_step(chk, v);
        if (i - sep - 1 >= ndata)
            continue;
        acc = (acc << 5 | v) & 0xfff;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            if (o == dcap)
                return -1;
            data[o++] = (uint8_t)(acc >> bits);
        }
    }
    if (chk != 1 || bits >= 5 || (acc & ((1u << bits) - 1)))
        return -1;
    return (long)o;
}
