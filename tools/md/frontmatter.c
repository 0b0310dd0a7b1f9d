/*
 * frontmatter.c - finds the YAML front-matter block at the top of a page.
 *
 * The convention static-site generators share: the very first line is
 * `---`, and the block runs to the next line that is `---` or `...`
 * (trailing spaces allowed, LF or CRLF).  No closing line means no front
 * matter: the page is Markdown from its first byte, so an unterminated
 * block never swallows the document.
 */
#include <string.h>

#include "md.h"

/* 1 if line s[0..n) (without its newline) is `mark` plus optional blanks. */
static int is_fence(const char *s, size_t n, const char *mark)
{
    if (n < 3 || memcmp(s, mark, 3) != 0)
        return 0;
    for (size_t i = 3; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

int sl__md_frontmatter_split(const char *src, size_t n, size_t *yaml_off, size_t *yaml_len,
                             size_t *body_off)
{
    size_t start = 0;
    if (n >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
        start = 3;
    const char *nl = memchr(src + start, '\n', n - start);
    if (!nl || !is_fence(src + start, (size_t)(nl - src) - start, "---"))
        return 0;
    size_t line = (size_t)(nl - src) + 1;
    while (line < n) {
        const char *e = memchr(src + line, '\n', n - line);
        size_t end = e ? (size_t)(e - src) : n;
        if (is_fence(src + line, end - line, "---") || is_fence(src + line, end - line, "...")) {
            size_t first = (size_t)(nl - src) + 1;
            *yaml_off = first;
            *yaml_len = line - first;
            *body_off = e ? end + 1 : n;
            return 1;
        }
        line = end + 1;
    }
    return 0;
}
