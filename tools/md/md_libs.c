/*
 * md_libs.c - where md4c, md4c-html and cJSON are found (md_libs.h).
 *
 * The sonames carry the ABI the headers were built for: md4c 0.4's
 * libmd4c.so.0 (its abi_version field is what it checks), cJSON's major.
 */
#include "md_libs.h"

#include <stddef.h>
#include <stdio.h>

#include "dynlib.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static sl__md_md4c_lib md4c_fns;
static const char *const md4c_so[] = {"libmd4c.so.0", NULL};
static const sl_dynlib_sym md4c_syms[] = {SL_DYNLIB_SYM(sl__md_md4c_lib, md_parse), {NULL, 0}};
static sl_dynlib md4c = SL_DYNLIB("md4c", "libmd4c0", md4c_so, md4c_syms, &md4c_fns);

static sl__md_md4c_html_lib md4c_html_fns;
static const char *const md4c_html_so[] = {"libmd4c-html.so.0", NULL};
static const sl_dynlib_sym md4c_html_syms[] = {SL_DYNLIB_SYM(sl__md_md4c_html_lib, md_html),
                                               SL_DYNLIB_SYM(sl__md_md4c_html_lib, entity_lookup), {NULL, 0}};
static sl_dynlib md4c_html = SL_DYNLIB("md4c-html", "libmd4c-html0", md4c_html_so, md4c_html_syms, &md4c_html_fns);

#define CJ(f) {"cJSON_" #f, offsetof(sl__md_cjson_lib, f)}
static sl__md_cjson_lib cjson_fns;
static const char *const cjson_so[] = {"libcjson.so." STR(CJSON_VERSION_MAJOR), NULL};
static const sl_dynlib_sym cjson_syms[] = {
    CJ(ParseWithLength), CJ(ParseWithLengthOpts), CJ(Delete), CJ(GetArraySize), CJ(GetStringValue), CJ(IsArray),
    CJ(IsBool),          CJ(IsNull),              CJ(IsNumber), CJ(IsObject),   CJ(IsString),       CJ(IsTrue),
    {NULL, 0}};
static sl_dynlib cjson = SL_DYNLIB("cJSON", "libcjson1", cjson_so, cjson_syms, &cjson_fns);

void sl__md_libs_need(void)
{
    sl_dynlib_need(&md4c, "sluice md");
    sl_dynlib_need(&md4c_html, "sluice md");
    sl_dynlib_need(&cjson, "sluice md");
}

int sl__md_libs_mdx(char *err, size_t errlen)
{
    sl_dynlib *l = sl_dynlib_load(&md4c) != 0 ? &md4c : sl_dynlib_load(&md4c_html) != 0 ? &md4c_html : NULL;
    if (!l)
        return 0;
    snprintf(err, errlen, "%s", sl_dynlib_error(l));
    return -1;
}

const sl__md_md4c_lib *sl__md_md4c(void)
{
    sl_dynlib_need(&md4c, "sluice md");
    return &md4c_fns;
}

const sl__md_md4c_html_lib *sl__md_md4c_html(void)
{
    sl_dynlib_need(&md4c_html, "sluice md");
    return &md4c_html_fns;
}

const sl__md_cjson_lib *sl__md_cjson(void)
{
    sl_dynlib_need(&cjson, "sluice md");
    return &cjson_fns;
}
