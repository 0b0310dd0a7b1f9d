/*
 * js_ast.c - building nodes, and the operator tables the parser and the
 * printer must agree on (spelling and precedence live in one place).
 */
#include "js_ast.h"

#include <string.h>

#include "js_lexer.h"

#define A JS_SLOT_A
#define B JS_SLOT_B
#define C JS_SLOT_C
#define L JS_SLOT_LIST
#define D JS_SLOT_D
const uint8_t sl__js_slots[N_KIND_COUNT] = {
    [N_TEMPLATE] = A | L, [N_ARRAY] = L, [N_OBJECT] = L, [N_PROPERTY] = A | B | C | D,
    [N_FUNCTION] = A | L | B, [N_ARROW] = L | B, [N_CLASS] = A | B | L | C, [N_UNARY] = A, [N_UPDATE] = A,
    [N_BINARY] = A | B, [N_ASSIGN] = A | B, [N_COND] = A | B | C, [N_CALL] = A | L, [N_NEW] = A | L,
    [N_MEMBER] = A, [N_INDEX] = A | B, [N_SEQ] = L, [N_SPREAD] = A, [N_YIELD] = A, [N_AWAIT] = A,
    [N_IMPORT_CALL] = A | B, [N_JSX] = A | L | C, [N_JSX_ATTR] = A | B, [N_JSX_EXPR] = A, [N_LIST] = L,
    [N_PROGRAM] = L, [N_BLOCK] = L, [N_EXPR] = A, [N_VAR] = L, [N_DECLARATOR] = A | B,
    [N_FUNC_DECL] = A | L | B, [N_CLASS_DECL] = A | B | L | C, [N_IF] = A | B | C, [N_FOR] = A | B | C | D,
    [N_FOR_IN] = A | B | C, [N_FOR_OF] = A | B | C, [N_WHILE] = A | B, [N_DO_WHILE] = A | B, [N_RETURN] = A,
    [N_THROW] = A, [N_LABEL] = A, [N_SWITCH] = A | L, [N_CASE] = A | L, [N_TRY] = A | B | C, [N_CATCH] = A | B,
    [N_WITH] = A | B, [N_IMPORT] = A | B | L, [N_IMPORT_SPEC] = A | B, [N_EXPORT_NAMED] = A | B | L,
    [N_EXPORT_SPEC] = A | B, [N_EXPORT_ALL] = A | B | C, [N_EXPORT_DEFAULT] = A, [N_ENUM] = A | L,
    [N_ENUM_MEMBER] = A | B, [N_NAMESPACE] = A | B, [N_IMPORT_EQUALS] = A | B, [N_EXPORT_EQUALS] = A,
};
#undef A
#undef B
#undef C
#undef L
#undef D

void sl__js_each_child(js_node *n, void (*fn)(js_node *child, void *ctx), void *ctx)
{
    uint8_t m = sl__js_slots[n->kind];
    if ((m & JS_SLOT_A) && n->a)
        fn(n->a, ctx);
    if ((m & JS_SLOT_B) && n->b)
        fn(n->b, ctx);
    if ((m & JS_SLOT_C) && n->c)
        fn(n->c, ctx);
    if (m & JS_SLOT_LIST)
        for (uint32_t i = 0; i < n->n; i++)
            if (n->list[i])
                fn(n->list[i], ctx);
    if ((m & JS_SLOT_D) && n->d)
        fn(n->d, ctx);
}

js_node *sl__js_node(js_arena *a, int kind, uint32_t pos)
{
    js_node *n = sl__js_zalloc(a, sizeof *n);
    n->kind = (uint8_t)kind;
    n->pos = pos;
    n->aux = JS_NONE;
    return n;
}

js_node *sl__js_ident(js_arena *a, const char *name, uint32_t pos)
{
    js_node *n = sl__js_node(a, N_IDENT, pos);
    n->s = name;
    return n;
}

js_node *sl__js_str(js_arena *a, const char *s, size_t len, uint32_t pos)
{
    js_node *n = sl__js_node(a, N_STR, pos);
    n->s = sl__js_strndup(a, s, len);
    n->n = (uint32_t)len;
    return n;
}

js_node **sl__js_list_copy(js_arena *a, js_node *const *items, size_t n)
{
    if (!n)
        return NULL;
    js_node **v = sl__js_alloc(a, n * sizeof *v);
    memcpy(v, items, n * sizeof *v);
    return v;
}

js_node **sl__js_list_insert(js_arena *a, js_node *const *list, uint32_t n, uint32_t at, js_node *const *items,
                             uint32_t k)
{
    js_node **v = sl__js_alloc(a, ((size_t)n + k + 1) * sizeof *v);
    if (at)
        memcpy(v, list, at * sizeof *v);
    if (k)
        memcpy(v + at, items, k * sizeof *v);
    if (n > at)
        memcpy(v + at + k, list + at, (n - at) * sizeof *v);
    return v;
}

static const struct {
    const char *text;
    uint8_t level;
} binary[JB_COUNT] = {
    [JB_ADD] = {"+", L_ADD}, [JB_SUB] = {"-", L_ADD}, [JB_MUL] = {"*", L_MUL}, [JB_DIV] = {"/", L_MUL},
    [JB_REM] = {"%", L_MUL}, [JB_POW] = {"**", L_POW}, [JB_LT] = {"<", L_COMPARE}, [JB_LE] = {"<=", L_COMPARE},
    [JB_GT] = {">", L_COMPARE}, [JB_GE] = {">=", L_COMPARE}, [JB_IN] = {"in", L_COMPARE},
    [JB_INSTANCEOF] = {"instanceof", L_COMPARE}, [JB_SHL] = {"<<", L_SHIFT}, [JB_SHR] = {">>", L_SHIFT},
    [JB_USHR] = {">>>", L_SHIFT}, [JB_LOOSE_EQ] = {"==", L_EQUALS}, [JB_LOOSE_NE] = {"!=", L_EQUALS},
    [JB_STRICT_EQ] = {"===", L_EQUALS}, [JB_STRICT_NE] = {"!==", L_EQUALS}, [JB_NULLISH] = {"??", L_NULLISH},
    [JB_OR] = {"||", L_OR}, [JB_AND] = {"&&", L_AND}, [JB_BIT_OR] = {"|", L_BIT_OR},
    [JB_BIT_AND] = {"&", L_BIT_AND}, [JB_BIT_XOR] = {"^", L_BIT_XOR},
};

const char *sl__js_binary_text(int op)
{
    return op > JB_NONE && op < JB_COUNT ? binary[op].text : "";
}

int sl__js_binary_level(int op)
{
    return op > JB_NONE && op < JB_COUNT ? binary[op].level : L_LOWEST;
}

const char *sl__js_unary_text(int op)
{
    static const char *const t[] = {"+", "-", "~", "!", "void", "typeof", "delete", "++", "--", "++", "--"};
    return op >= 0 && op <= JU_POST_DEC ? t[op] : "";
}

int sl__js_is_ident_name(const char *s, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || (i && c >= '0' && c <= '9');
        if (!ok)
            return 0;
    }
    return 1;
}

int sl__js_is_strict_reserved(const char *s)
{
    switch (s[0]) {
    case 'i': return !strcmp(s, "implements") || !strcmp(s, "interface");
    case 'l': return !strcmp(s, "let");
    case 'p': return !strcmp(s, "package") || !strcmp(s, "private") || !strcmp(s, "protected") || !strcmp(s, "public");
    case 's': return !strcmp(s, "static");
    case 'y': return !strcmp(s, "yield");
    default: return 0;
    }
}

int sl__js_is_reserved(const char *s, size_t n)
{
    int k = sl__js_keyword_id(s, n);
    return k != K_NONE && k <= K_LAST_RESERVED;
}
