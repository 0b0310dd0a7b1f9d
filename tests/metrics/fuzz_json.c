/*
 * fuzz_json.c - libFuzzer target: arbitrary bytes as a stage's and a
 * gauge's name, written by sl_metrics_write_json.  The output must be
 * JSON text: UTF-8 throughout (checked here by decoding each code point,
 * not by the writer's own table), no raw control character inside a
 * string, and a well-formed name must come out unchanged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sluice/metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The code point at s (its length in *n), or -1 if the bytes are not the
 * shortest UTF-8 form of a scalar value. */
static long decode(const unsigned char *s, const unsigned char *end, int *n)
{
    static const long least[5] = {0, 0, 0x80, 0x800, 0x10000};
    int len = s[0] < 0x80 ? 1 : s[0] >> 5 == 6 ? 2 : s[0] >> 4 == 14 ? 3 : s[0] >> 3 == 30 ? 4 : 0;
    if (!len || end - s < len)
        return -1;
    long cp = len == 1 ? s[0] : s[0] & (0x7f >> len);
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return -1;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < least[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    *n = len;
    return cp;
}

static int well_formed(const unsigned char *s, const unsigned char *end)
{
    int n;
    for (; s < end; s += n)
        if (decode(s, end, &n) < 0)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *name = malloc(size + 1);
    if (!name)
        return 0;
    memcpy(name, data, size);
    name[size] = 0; /* a name ends at its first NUL */
    sl_metrics *m = sl_metrics_new();
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!m || !f)
        abort();
    sl_metrics_stage(m, name);
    sl_gauge_set(sl_metrics_gauge(m, name), 7);
    if (sl_metrics_write_json(m, f) != SL_OK)
        abort();
    fclose(f);
    const unsigned char *o = (const unsigned char *)out;
    if (!well_formed(o, o + len))
        abort();
    int in_str = 0;
    for (size_t i = 0; i < len; i++) {
        if (in_str && o[i] == '\\')
            i++;
        else if (o[i] == '"')
            in_str = !in_str;
        else if (in_str && o[i] < 0x20)
            abort();
    }
    size_t nlen = strlen(name);
    int plain = well_formed((const unsigned char *)name, (const unsigned char *)name + nlen);
    for (size_t i = 0; plain && i < nlen; i++)
        plain = name[i] != '"' && name[i] != '\\' && (unsigned char)name[i] >= 0x20;
    if (plain && nlen) { /* "NAME" appears as it is */
        char *quoted = malloc(nlen + 3);
        if (!quoted)
            abort();
        quoted[0] = '"';
        memcpy(quoted + 1, name, nlen);
        memcpy(quoted + 1 + nlen, "\"", 2);
        if (!memmem(out, len, quoted, nlen + 2))
            abort();
        free(quoted);
    }
    free(out);
    sl_metrics_free(m);
    free(name);
    return 0;
}
