/*
 * json.h - a small JSON reader for package.json files.
 *
 * Builds a tree in the caller's arena; objects keep their keys in source
 * order, which matters: `exports` conditions are tried in that order.
 */
#ifndef SL_BUNDLE_JSON_H
#define SL_BUNDLE_JSON_H

#include <stddef.h>

#include "arena.h"

enum { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ };

typedef struct json_value {
    int type;
    int boolean;
    const char *str;          /* JSON_STR */
    size_t n;                 /* JSON_ARR / JSON_OBJ: entries */
    const char **keys;        /* JSON_OBJ */
    struct json_value **vals; /* JSON_ARR / JSON_OBJ */
} json_value;

/* Arrays and objects nest at most this deep: the reader recurses, and
 * hostile input must not exhaust a thread's stack. */
#define SL_JSON_MAX_DEPTH 200
#define SL_JSON_MAX_DEPTH_TEXT "200"

/* NULL when the text is not valid JSON. */
json_value *sl__json_parse(sl__arena *a, const char *s, size_t len);
/* The same, and on failure *err_pos is about where reading stopped. */
json_value *sl__json_parse_at(sl__arena *a, const char *s, size_t len, size_t *err_pos);
/* The same, and on failure *why says what was wrong, for a diagnostic:
 * "invalid JSON", or that it nests deeper than SL_JSON_MAX_DEPTH (valid
 * JSON node reads, but not sluice). */
json_value *sl__json_parse_diag(sl__arena *a, const char *s, size_t len, size_t *err_pos, const char **why);
/* The member `key` of an object, NULL when absent or not an object. */
json_value *sl__json_get(const json_value *obj, const char *key);

#endif
