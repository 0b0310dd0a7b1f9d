/*
 * fuzz_json.c - libFuzzer target over the bundler's JSON reader (json.c),
 * which reads package.json files, tsconfig.json and .json modules.
 *
 * The text is copied into a buffer of exactly its size (no padding, no
 * NUL after it), as a .json module's bytes are handed over, so a read one
 * byte past the end is an ASan report (a `\u` cut at the end once was).
 * Any byte string must give a tree or an error position inside the text
 * with a reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every node is one of the kinds, and no deeper than the reader allows. */
static void walk(const json_value *v, int depth)
{
    if (!v || depth > SL_JSON_MAX_DEPTH || v->type < JSON_NULL || v->type > JSON_OBJ)
        abort();
    if (v->type == JSON_STR && !v->str)
        abort();
    if (v->type == JSON_ARR || v->type == JSON_OBJ)
        for (size_t i = 0; i < v->n; i++) {
            if (v->type == JSON_OBJ && !v->keys[i])
                abort();
            walk(v->vals[i], depth + 1);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    sl__arena a;
    sl__arena_init(&a);
    size_t at = (size_t)-1;
    const char *why = NULL;
    json_value *v = sl__json_parse_diag(&a, text, size, &at, &why);
    if (v)
        walk(v, 1);
    else if (at > size || !why)
        abort(); /* the message must point inside the text and say why */
    sl__arena_free(&a);
    free(text);
    return 0;
}
