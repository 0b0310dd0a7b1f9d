/*
 * md_libs.h - md4c, md4c-html and cJSON, loaded when md first needs them.
 *
 * Debian ships these three only as shared libraries; linked, they were
 * mapped and relocated at every start of every sluice command (~2.5 ms of
 * an `unpack --range`), though only `sluice md` uses them.  They are
 * loaded through tools/common/dynlib.h instead: the sidecar loads all
 * three where it starts (sl__md_libs_need()), a batch md4c and md4c-html
 * only once it finds an MDX page (sl__md_libs_mdx()); then each accessor
 * is one atomic load.  An accessor called
 * before that loads the library itself, or exits with dynlib's message.
 *
 * cJSON's functions are called through the macros below, so rpc.c reads
 * as plain cJSON: a file that defines SL__MD_CJSON_CALLS before including
 * this header gets them.
 */
#ifndef SLUICE_MD_LIBS_H
#define SLUICE_MD_LIBS_H

#include <stddef.h>

#include <cjson/cJSON.h>
#include <md4c-html.h>
#include <md4c.h>

typedef struct sl__md_md4c_lib {
    __typeof__(md_parse) *md_parse;
} sl__md_md4c_lib;

struct entity; /* md4c-html's entity table entry (mdx_scan.c spells it out) */
typedef struct sl__md_md4c_html_lib {
    __typeof__(md_html) *md_html;
    /* exported by libmd4c-html.so.0 though not in its header */
    const struct entity *(*entity_lookup)(const char *name, size_t name_size);
} sl__md_md4c_html_lib;

typedef struct sl__md_cjson_lib {
    __typeof__(cJSON_ParseWithLength) *ParseWithLength;
    __typeof__(cJSON_ParseWithLengthOpts) *ParseWithLengthOpts;
    __typeof__(cJSON_Delete) *Delete;
    __typeof__(cJSON_GetArraySize) *GetArraySize;
    __typeof__(cJSON_GetStringValue) *GetStringValue;
    __typeof__(cJSON_IsArray) *IsArray;
    __typeof__(cJSON_IsBool) *IsBool;
    __typeof__(cJSON_IsNull) *IsNull;
    __typeof__(cJSON_IsNumber) *IsNumber;
    __typeof__(cJSON_IsObject) *IsObject;
    __typeof__(cJSON_IsString) *IsString;
    __typeof__(cJSON_IsTrue) *IsTrue;
} sl__md_cjson_lib;

/* Loads all three, or exits 2 naming the one missing and its package. */
void sl__md_libs_need(void);
/* Loads what an MDX page needs (md4c and md4c-html): 0, or -1 with
 * dynlib's message naming the library missing and its package in err.
 * A batch asks this of each MDX page it finds, on its main thread: a page
 * that is not MDX renders with sluice's own parser and needs neither. */
int sl__md_libs_mdx(char *err, size_t errlen);

const sl__md_md4c_lib *sl__md_md4c(void);
const sl__md_md4c_html_lib *sl__md_md4c_html(void);
const sl__md_cjson_lib *sl__md_cjson(void);

#ifdef SL__MD_CJSON_CALLS
#define cJSON_ParseWithLength(...) (sl__md_cjson()->ParseWithLength(__VA_ARGS__))
#define cJSON_ParseWithLengthOpts(...) (sl__md_cjson()->ParseWithLengthOpts(__VA_ARGS__))
#define cJSON_Delete(...) (sl__md_cjson()->Delete(__VA_ARGS__))
#define cJSON_GetArraySize(...) (sl__md_cjson()->GetArraySize(__VA_ARGS__))
#define cJSON_GetStringValue(...) (sl__md_cjson()->GetStringValue(__VA_ARGS__))
#define cJSON_IsArray(...) (sl__md_cjson()->IsArray(__VA_ARGS__))
#define cJSON_IsBool(...) (sl__md_cjson()->IsBool(__VA_ARGS__))
#define cJSON_IsNull(...) (sl__md_cjson()->IsNull(__VA_ARGS__))
#define cJSON_IsNumber(...) (sl__md_cjson()->IsNumber(__VA_ARGS__))
#define cJSON_IsObject(...) (sl__md_cjson()->IsObject(__VA_ARGS__))
#define cJSON_IsString(...) (sl__md_cjson()->IsString(__VA_ARGS__))
#define cJSON_IsTrue(...) (sl__md_cjson()->IsTrue(__VA_ARGS__))
#endif

#endif
