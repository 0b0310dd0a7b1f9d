/*
 * md4c_spec.c - md4c by itself, in process, as the conformance reference:
 * reads one JSON string (a Markdown document) per line on stdin and
 * writes md4c-html's rendering of it, as one JSON string per line.  The
 * conformance script scores this and `sluice md --commonmark` with the
 * same comparison, so the two pass counts can be set side by side.
 */
#include <md4c-html.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"
#include "md_libs.h"

static void collect(const MD_CHAR *t, MD_SIZE n, void *ud)
{
    sl__md_buf_put(ud, t, n);
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int count = 0;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        json_error_t e;
        json_t *j = json_loadb(line, (size_t)n, JSON_ALLOW_NUL | JSON_DECODE_ANY, &e);
        if (!json_is_string(j)) {
            fprintf(stderr, "md4c_spec: line %d: not a JSON string: %s\n", count + 1, e.text);
            return 1;
        }
        sl__md_buf out = {0};
        sl__md_md4c_html()->md_html(json_string_value(j), (MD_SIZE)json_string_length(j), collect, &out,
                MD_DIALECT_COMMONMARK, 0);
        sl__md_buf b = {0};
        sl__md_json_string(&b, out.data ? out.data : "", out.len);
        sl__md_buf_putc(&b, '\n');
        fwrite(b.data, 1, b.len, stdout);
        sl__md_buf_free(&b);
        sl__md_buf_free(&out);
        json_decref(j);
        count++;
    }
    free(line);
    return 0;
}
