/*
 * fuzz_pack.c - libFuzzer entry for everything pack parses from a file.
 *
 * The first byte picks the parser: 0 the age header and its stanzas (and
 * unwrapping with a fixed X25519 identity), 1 the armor decoder feeding
 * the header parser, 2 the seek table, 3 the zstd frame scanner (whole
 * frames), 4 the scanner with tiny limits (streamed pieces, raw data),
 * 5 Bech32 and base64.  The rest of the input is the file.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ageheader.h"
#include "armor.h"
#include "base64.h"
#include "bech32.h"
#include "seektable.h"
#include "zscan.h"

static void fuzz_header(sl_reader *r)
{
    static uint8_t secret[32] = {1, 2, 3};
    sl_keylist ids = {0};
    sl_keylist_add(&ids, secret);
    sl_age_header h;
    char err[256];
    if (sl_age_header_parse(r, &h, err, sizeof err) == 0 && !sl_age_is_scrypt(&h)) {
        uint8_t fk[16];
        sl_age_unwrap(&h, &ids, NULL, 0, 0, fk, err, sizeof err); /* scrypt skipped: its cost is the input's choice */
    }
    sl_age_header_free(&h);
    sl_keylist_free(&ids);
}

static void fuzz_scan(sl_reader *r, size_t frame_max, size_t piece, int raw_ok)
{
    sl_zscan z;
    sl_zscan_init(&z, r, frame_max, piece, raw_ok);
    sl_zitem it;
    while (sl_zscan_next(&z, &it) == 1)
        free(it.data);
    sl_zscan_free(&z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready)
        ready = sodium_init() >= 0;
    if (size < 1)
        return 0;
    uint8_t which = data[0] % 6;
    sl_memsrc m = {data + 1, size - 1, 0};
    sl_reader r;
    if (sl_reader_init(&r, sl_fill_mem, &m, 4096))
        return 0;
    switch (which) {
    case 0: fuzz_header(&r); break;
    case 1: {
        sl_armor_in a = {&r, 0};
        sl_reader dec;
        if (sl_reader_init(&dec, sl_armor_fill, &a, 4096) == 0) {
            fuzz_header(&dec);
            uint8_t sink[4096];
            while (sl_reader_read(&dec, sink, sizeof sink) == sizeof sink)
                ;
            sl_reader_free(&dec);
        }
        break;
    }
    case 2: {
        sl_seektable t = {0};
        char err[256];
        sl_seektable_parse(data + 1, size - 1, &t, err, sizeof err);
        sl_seektable_free(&t);
        break;
    }
    case 3: fuzz_scan(&r, 1 << 20, 4096, 0); break;
    case 4: fuzz_scan(&r, 64, 7, 1); break;
    default: {
        char hrp[100];
        uint8_t out[100000];
        sl_bech32_decode((const char *)data + 1, size - 1 < 200 ? size - 1 : 200, hrp, sizeof hrp, out, sizeof out);
        sl_b64_decode(out, (const char *)data + 1, size - 1 < 1000 ? size - 1 : 1000, data[0] & 0x80);
        break;
    }
    }
    sl_reader_free(&r);
    return 0;
}
