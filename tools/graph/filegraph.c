/*
 * filegraph.c - the per-file graph's containers: growable arrays and a
 * string arena owned by one fg_file.
 *
 * Only the worker that builds a fg_file writes to it; after it is sent to
 * the merger nobody writes again, so none of this needs a lock.
 */
#include "filegraph.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const char *const kind_names[GK__COUNT] = {
    "crate", "module", "function", "struct", "enum", "variant", "union", "field",
    "trait", "impl", "const", "static", "type", "macro", "use", "unresolved",
};
static const char *const edge_names[GE__COUNT] = {
    "calls", "contains", "impl_of", "implements", "imports", "uses_type",
};
static const char *const sub_names[FS__COUNT] = {
    "", "free", "method", "associated", "inline", "decl", "negative",
};

const char *gr_kind_name(int kind)
{
    return kind >= 0 && kind < GK__COUNT ? kind_names[kind] : "?";
}

const char *gr_edge_name(int edge)
{
    return edge >= 0 && edge < GE__COUNT ? edge_names[edge] : "?";
}

const char *fg_sub_name(int sub)
{
    return sub >= 0 && sub < FS__COUNT ? sub_names[sub] : "";
}

fg_file *fg_file_new(const char *path, uint32_t index)
{
    fg_file *f = gr_xcalloc(1, sizeof *f);
    f->path = gr_xstrdup(path);
    f->index = index;
    fg_intern(f, "", 0); /* offset 0 is the empty string */
    return f;
}

void fg_file_free(fg_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->ndiags; i++)
        free(f->diags[i].msg);
    free(f->diags);
    free(f->gid_items);
    free(f->gid_refs);
    free(f->gid_uses);
    free(f->uses);
    free(f->refs);
    free(f->items);
    free(f->arena);
    free(f->path);
    free(f);
}

/* f's array (*theirs, `used` elements in use) moves into the scratch
 * buffer *mine, which f then holds; the scratch slot is left empty. */
static void lend(void **mine, size_t *mine_cap, void **theirs, size_t *their_cap, size_t used, size_t elem)
{
    if (*mine_cap < used) {
        free(*mine);
        *mine = gr_xmalloc(used * elem);
        *mine_cap = used;
    }
    if (used)
        memcpy(*mine, *theirs, used * elem);
    free(*theirs);
    *theirs = *mine;
    *their_cap = *mine_cap;
    *mine = NULL;
    *mine_cap = 0;
}

/* Back to the scratch, leaving f an exact copy (NULL when empty). */
static void take_back(void **mine, size_t *mine_cap, void **theirs, size_t *their_cap, size_t used, size_t elem)
{
    *mine = *theirs;
    *mine_cap = *their_cap;
    *theirs = used ? gr_xmalloc(used * elem) : NULL;
    if (used)
        memcpy(*theirs, *mine, used * elem);
    *their_cap = used;
}

void fg_file_borrow(fg_file *f, fg_scratch *s)
{
    lend((void **)&s->items, &s->items_cap, (void **)&f->items, &f->items_cap, f->nitems, sizeof *f->items);
    lend((void **)&s->refs, &s->refs_cap, (void **)&f->refs, &f->refs_cap, f->nrefs, sizeof *f->refs);
    lend((void **)&s->uses, &s->uses_cap, (void **)&f->uses, &f->uses_cap, f->nuses, sizeof *f->uses);
    lend((void **)&s->arena, &s->arena_cap, (void **)&f->arena, &f->arena_cap, f->arena_len, 1);
}

void fg_file_keep(fg_file *f, fg_scratch *s)
{
    take_back((void **)&s->items, &s->items_cap, (void **)&f->items, &f->items_cap, f->nitems, sizeof *f->items);
    take_back((void **)&s->refs, &s->refs_cap, (void **)&f->refs, &f->refs_cap, f->nrefs, sizeof *f->refs);
    take_back((void **)&s->uses, &s->uses_cap, (void **)&f->uses, &f->uses_cap, f->nuses, sizeof *f->uses);
    take_back((void **)&s->arena, &s->arena_cap, (void **)&f->arena, &f->arena_cap, f->arena_len, 1);
}

void fg_scratch_free(fg_scratch *s)
{
    free(s->items);
    free(s->refs);
    free(s->uses);
    free(s->arena);
    memset(s, 0, sizeof *s);
}

fg_str fg_intern(fg_file *f, const char *s, size_t len)
{
    if (f->arena_len + len + 1 > f->arena_cap) {
        size_t cap = f->arena_cap ? f->arena_cap : 4096;
        while (cap < f->arena_len + len + 1)
            cap *= 2;
        f->arena = gr_xrealloc(f->arena, cap);
        f->arena_cap = cap;
    }
    fg_str r = {(uint32_t)f->arena_len, (uint32_t)len};
    memcpy(f->arena + f->arena_len, s, len);
    f->arena[f->arena_len + len] = 0;
    f->arena_len += len + 1;
    if (len == 0)
        r.off = 0;
    return r;
}

#define GROW(arr, n, cap)                                                  \
    do {                                                                   \
        if ((n) == (cap)) {                                                \
            (cap) = (cap) ? (cap) * 2 : 64;                                \
            (arr) = gr_xrealloc((arr), (cap) * sizeof *(arr));             \
        }                                                                  \
    } while (0)

uint32_t fg_add_item(fg_file *f, const fg_item *it)
{
    GROW(f->items, f->nitems, f->items_cap);
    f->items[f->nitems] = *it;
    return (uint32_t)f->nitems++;
}

void fg_add_ref(fg_file *f, const fg_ref *r)
{
    GROW(f->refs, f->nrefs, f->refs_cap);
    f->refs[f->nrefs++] = *r;
}

void fg_add_use(fg_file *f, const fg_use *u)
{
    GROW(f->uses, f->nuses, f->uses_cap);
    f->uses[f->nuses++] = *u;
}

void fg_diagf(fg_file *f, uint32_t line, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    GROW(f->diags, f->ndiags, f->diags_cap);
    f->diags[f->ndiags].line = line;
    f->diags[f->ndiags].msg = gr_xstrdup(buf);
    f->ndiags++;
}
