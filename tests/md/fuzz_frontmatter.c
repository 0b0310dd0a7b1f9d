/*
 * fuzz_frontmatter.c - libFuzzer target: any bytes as a page.  Front-matter
 * splitting and libyaml's reading of it must agree with themselves (a split's
 * ranges lie inside the page), and the rendered page, written as JSON,
 * must parse back as an object with valid UTF-8 HTML; the UTF-8 check
 * stops exactly at a byte the repair replaces.  And render.c's
 * HTML writer must write what md4c-html writes (writer_diff.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"
#include "writer_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t yo, yl, body;
    if (sl__md_frontmatter_split(s, size, &yo, &yl, &body)) {
        if (yo + yl > size || body > size || body < yo + yl)
            __builtin_trap();
        char err[300];
        size_t line = 0;
        json_t *v = sl__md_yaml_parse(s + yo, yl, &line, err, sizeof err);
        if (!v && (line < 1 || !err[0]))
            __builtin_trap(); /* an error always names its line and says why */
        json_decref(v);
    }
    /* sl__md_utf8_check reads ASCII in blocks: where it stops, the bytes
     * before are valid, and the byte there is one repair replaces. */
    size_t ok = sl__md_utf8_check(s, size), rl;
    if (ok > size || sl__md_utf8_check(s, ok) != ok)
        __builtin_trap();
    if (ok < size) {
        char *fixed = sl__md_utf8_repair(s + ok, size - ok, &rl);
        if (fixed && (rl < 3 || memcmp(fixed, "\xEF\xBF\xBD", 3) != 0))
            __builtin_trap();
        free(fixed);
    }
    char err[300];
    size_t line;
    json_decref(sl__md_yaml_parse(s, size, &line, err, sizeof err));
    for (int mode = 0; mode < 4; mode++) {
        sl__md_opts o = {.commonmark = mode & 1, .unsafe_html = mode >> 1};
        sl__md_page p;
        char err[256];
        if (sl__md_render(s, size, &o, &p, err, sizeof err) != 0)
            continue;
        if (!sl__md_utf8_valid(p.html, p.html_len))
            __builtin_trap();
        sl__md_buf b = {0};
        sl__md_page_json(&b, "f.md", &p);
        json_t *j = json_loadb(b.data, b.len, JSON_ALLOW_NUL, NULL);
        if (!json_is_object(j))
            __builtin_trap();
        json_decref(j);
        sl__md_buf_free(&b);
        sl__md_page_free(&p);
    }
    if (!writer_diff_matches(s, size, size & 1, size >> 1 & 1) || !writer_diff_matches(s, size, !(size & 1), 0))
        __builtin_trap();
    return 0;
}
