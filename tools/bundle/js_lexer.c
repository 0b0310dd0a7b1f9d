/*
 * js_lexer.c - tokenizer for ES2024 source (see js_lexer.h).
 *
 * One pass, no backtracking.  A stack of open brackets serves two ends:
 * a `}` that closes a template substitution resumes the template, and
 * every closer writes its index into its opener's `match`.
 */
#include "js_lexer.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

static const struct {
    const char *s;
    int kw;
} keywords[] = {
    {"as", K_AS}, {"async", K_ASYNC}, {"await", K_AWAIT}, {"break", K_BREAK},
    {"case", K_CASE}, {"catch", K_CATCH}, {"class", K_CLASS}, {"const", K_CONST},
    {"continue", K_CONTINUE}, {"debugger", K_DEBUGGER}, {"default", K_DEFAULT},
    {"delete", K_DELETE}, {"do", K_DO}, {"else", K_ELSE}, {"enum", K_ENUM},
    {"export", K_EXPORT}, {"extends", K_EXTENDS}, {"false", K_FALSE},
    {"finally", K_FINALLY}, {"for", K_FOR}, {"from", K_FROM}, {"function", K_FUNCTION},
    {"get", K_GET}, {"if", K_IF}, {"import", K_IMPORT}, {"in", K_IN},
    {"instanceof", K_INSTANCEOF}, {"let", K_LET}, {"new", K_NEW}, {"null", K_NULL},
    {"of", K_OF}, {"return", K_RETURN}, {"set", K_SET}, {"static", K_STATIC},
    {"super", K_SUPER}, {"switch", K_SWITCH}, {"this", K_THIS}, {"throw", K_THROW},
    {"true", K_TRUE}, {"try", K_TRY}, {"typeof", K_TYPEOF}, {"var", K_VAR},
    {"void", K_VOID}, {"while", K_WHILE}, {"with", K_WITH}, {"yield", K_YIELD},
};

/* Keywords bucketed by first letter, built once: a name is compared with
 * at most a handful of candidates of its own length. */
static uint8_t kw_first[26][12];
static uint8_t kw_count[26];
static uint8_t kw_len[64];
static pthread_once_t kw_once = PTHREAD_ONCE_INIT;

static void kw_init(void)
{
    for (uint8_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        int c = keywords[i].s[0] - 'a';
        kw_first[c][kw_count[c]++] = i;
        kw_len[i] = (uint8_t)strlen(keywords[i].s);
    }
}

int sl__js_keyword(const char *s, size_t n)
{
    if (n < 2 || n > 10 || s[0] < 'a' || s[0] > 'y')
        return K_NONE;
    pthread_once(&kw_once, kw_init);
    int c = s[0] - 'a';
    for (int i = 0; i < kw_count[c]; i++) {
        uint8_t ki = kw_first[c][i];
        if (kw_len[ki] == n && !memcmp(keywords[ki].s, s, n))
            return keywords[ki].kw;
    }
    return K_NONE;
}

static int is_id_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80 || c == '\\';
}

static int is_id_part(unsigned char c)
{
    return is_id_start(c) || (c >= '0' && c <= '9');
}

typedef struct lexer {
    const char *src;
    size_t len, pos;
    js_tokens *out;
    uint32_t *stack; /* indices of open brackets; template ${ marked by kind */
    size_t depth, stack_cap;
    uint8_t flags; /* pending TF_ flags for the next token */
    uint32_t err_pos;
    const char *err_msg;
} lexer;

static int fail(lexer *L, size_t pos, const char *msg)
{
    L->err_pos = (uint32_t)pos;
    L->err_msg = msg;
    return -1;
}

static js_token *emit(lexer *L, int kind, int op, size_t start)
{
    js_tokens *o = L->out;
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 1024;
        o->v = sl__xrealloc(o->v, o->cap * sizeof *o->v);
    }
    js_token *t = &o->v[o->n++];
    t->start = (uint32_t)start;
    t->end = (uint32_t)L->pos;
    t->match = 0;
    t->kind = (uint8_t)kind;
    t->op = (uint8_t)op;
    t->flags = L->flags;
    t->pad = 0;
    L->flags = 0;
    return t;
}

static void push(lexer *L, uint32_t idx)
{
    if (L->depth == L->stack_cap) {
        L->stack_cap = L->stack_cap ? L->stack_cap * 2 : 64;
        L->stack = sl__xrealloc(L->stack, L->stack_cap * sizeof *L->stack);
    }
    L->stack[L->depth++] = idx;
}

/* Whitespace and comments; notes line breaks and @__PURE__ marks. */
static int skip_space(lexer *L)
{
    const char *s = L->src;
    while (L->pos < L->len) {
        unsigned char c = (unsigned char)s[L->pos];
        if (c == '\n' || c == '\r') {
            L->flags |= TF_NL_BEFORE;
            L->pos++;
        } else if (c == ' ' || c == '\t' || c == '\v' || c == '\f') {
            L->pos++;
        } else if (c == 0xE2 && L->pos + 2 < L->len && (unsigned char)s[L->pos + 1] == 0x80 &&
                   ((unsigned char)s[L->pos + 2] == 0xA8 || (unsigned char)s[L->pos + 2] == 0xA9)) {
            L->flags |= TF_NL_BEFORE;
            L->pos += 3;
        } else if (c == 0xC2 && L->pos + 1 < L->len && (unsigned char)s[L->pos + 1] == 0xA0) {
            L->pos += 2;
        } else if (c == 0xEF && L->pos + 2 < L->len && (unsigned char)s[L->pos + 1] == 0xBB &&
                   (unsigned char)s[L->pos + 2] == 0xBF) {
            L->pos += 3;
        } else if (c == '/' && L->pos + 1 < L->len && s[L->pos + 1] == '/') {
            while (L->pos < L->len && s[L->pos] != '\n' && s[L->pos] != '\r')
                L->pos++;
        } else if (c == '/' && L->pos + 1 < L->len && s[L->pos + 1] == '*') {
            size_t start = L->pos;
            const char *e = memmem(s + L->pos + 2, L->len - L->pos - 2, "*/", 2);
            if (!e)
                return fail(L, start, "unterminated comment");
            size_t end = (size_t)(e - s) + 2;
            if (memchr(s + start, '\n', end - start))
                L->flags |= TF_NL_BEFORE;
            if (memmem(s + start, end - start, "__PURE__", 8))
                L->flags |= TF_PURE;
            L->pos = end;
        } else {
            break;
        }
    }
    return 0;
}

/* Could a `/` here begin a regular expression?  Decided by the token
 * before it: after an operand (name, literal, closing bracket) it divides. */
static int regex_allowed(lexer *L)
{
    if (L->out->n == 0)
        return 1;
    js_token *t = &L->out->v[L->out->n - 1];
    switch (t->kind) {
    case T_NUM: case T_STR: case T_TEMPLATE: case T_TTAIL: case T_REGEX: case T_PRIVATE:
        return 0;
    case T_NAME:
        switch (t->op) {
        case K_RETURN: case K_TYPEOF: case K_INSTANCEOF: case K_IN: case K_OF: case K_NEW:
        case K_DELETE: case K_VOID: case K_THROW: case K_CASE: case K_DO: case K_ELSE:
        case K_YIELD: case K_AWAIT: case K_EXTENDS: case K_DEFAULT:
            return 1;
        default:
            return 0;
        }
    case T_PUNCT:
        if (t->op == ')') { /* `if (x) /re/.test(s)`: after a statement head */
            uint32_t open = t->match;
            if (open == 0)
                return 0;
            js_token *kw = &L->out->v[open - 1];
            return kw->kind == T_NAME && (kw->op == K_IF || kw->op == K_WHILE || kw->op == K_FOR || kw->op == K_WITH);
        }
        return !(t->op == ']' || t->op == '}' || t->op == P_INC || t->op == P_DEC);
    default:
        return 1;
    }
}

static int lex_string(lexer *L)
{
    size_t start = L->pos;
    char q = L->src[L->pos++];
    while (L->pos < L->len) {
        char c = L->src[L->pos];
        if (c == q) {
            L->pos++;
            emit(L, T_STR, 0, start);
            return 0;
        }
        if (c == '\\')
            L->pos += 2;
        else if (c == '\n' || c == '\r')
            return fail(L, start, "unterminated string literal");
        else
            L->pos++;
    }
    return fail(L, start, "unterminated string literal");
}

/* Scans template characters after ` or }; stops after ` or ${. */
static int lex_template_part(lexer *L, size_t start, int head)
{
    while (L->pos < L->len) {
        char c = L->src[L->pos];
        if (c == '\\') {
            L->pos += 2;
        } else if (c == '`') {
            L->pos++;
            emit(L, head ? T_TEMPLATE : T_TTAIL, 0, start);
            return 0;
        } else if (c == '$' && L->pos + 1 < L->len && L->src[L->pos + 1] == '{') {
            L->pos += 2;
            emit(L, head ? T_THEAD : T_TMID, 0, start);
            push(L, (uint32_t)(L->out->n - 1));
            return 0;
        } else {
            L->pos++;
        }
    }
    return fail(L, start, "unterminated template literal");
}

static int lex_regex(lexer *L)
{
    size_t start = L->pos++;
    int in_class = 0;
    for (;;) {
        if (L->pos >= L->len || L->src[L->pos] == '\n' || L->src[L->pos] == '\r')
            return fail(L, start, "unterminated regular expression");
        char c = L->src[L->pos];
        if (c == '\\')
            L->pos += 2;
        else if (c == '[')
            in_class = 1, L->pos++;
        else if (c == ']')
            in_class = 0, L->pos++;
        else if (c == '/' && !in_class)
            break;
        else
            L->pos++;
    }
    L->pos++;
    while (L->pos < L->len && is_id_part((unsigned char)L->src[L->pos]))
        L->pos++;
    emit(L, T_REGEX, 0, start);
    return 0;
}

static int lex_number(lexer *L)
{
    size_t start = L->pos;
    const char *s = L->src;
    if (s[L->pos] == '0' && L->pos + 1 < L->len && strchr("xXoObB", s[L->pos + 1]) && s[L->pos + 1]) {
        L->pos += 2;
        while (L->pos < L->len && (isxdigit((unsigned char)s[L->pos]) || s[L->pos] == '_'))
            L->pos++;
    } else {
        int dot = 0; /* `1.1.toString()`: one dot belongs to the number */
        while (L->pos < L->len && ((s[L->pos] >= '0' && s[L->pos] <= '9') || s[L->pos] == '_' ||
                                   (s[L->pos] == '.' && !dot))) {
            dot |= s[L->pos] == '.';
            L->pos++;
        }
        if (L->pos < L->len && (s[L->pos] == 'e' || s[L->pos] == 'E')) {
            L->pos++;
            if (L->pos < L->len && (s[L->pos] == '+' || s[L->pos] == '-'))
                L->pos++;
            while (L->pos < L->len && s[L->pos] >= '0' && s[L->pos] <= '9')
                L->pos++;
        }
    }
    if (L->pos < L->len && s[L->pos] == 'n')
        L->pos++;
    if (L->pos < L->len && is_id_start((unsigned char)s[L->pos]))
        return fail(L, L->pos, "identifier directly after number");
    emit(L, T_NUM, 0, start);
    return 0;
}

/* Longest-match punctuators: candidates by first character, longest
 * first, each with its punctuator code. */
typedef struct punct {
    const char *s;
    uint8_t len, op;
} punct;

static const punct p_gt[] = {{">>>=", 4, P_ASSIGN_OP}, {">>>", 3, P_BINARY}, {">>=", 3, P_ASSIGN_OP},
                             {">>", 2, P_BINARY}, {">=", 2, P_BINARY}, {NULL, 0, 0}};
static const punct p_lt[] = {{"<<=", 3, P_ASSIGN_OP}, {"<<", 2, P_BINARY}, {"<=", 2, P_BINARY}, {NULL, 0, 0}};
static const punct p_eq[] = {{"===", 3, P_BINARY}, {"==", 2, P_BINARY}, {"=>", 2, P_ARROW}, {NULL, 0, 0}};
static const punct p_not[] = {{"!==", 3, P_BINARY}, {"!=", 2, P_BINARY}, {NULL, 0, 0}};
static const punct p_star[] = {{"**=", 3, P_ASSIGN_OP}, {"**", 2, P_BINARY}, {"*=", 2, P_ASSIGN_OP}, {NULL, 0, 0}};
static const punct p_and[] = {{"&&=", 3, P_ASSIGN_OP}, {"&&", 2, P_BINARY}, {"&=", 2, P_ASSIGN_OP}, {NULL, 0, 0}};
static const punct p_or[] = {{"||=", 3, P_ASSIGN_OP}, {"||", 2, P_BINARY}, {"|=", 2, P_ASSIGN_OP}, {NULL, 0, 0}};
static const punct p_q[] = {{"?\?=", 3, P_ASSIGN_OP}, {"?\?", 2, P_BINARY}, {"?.", 2, P_OPTCHAIN}, {NULL, 0, 0}};
static const punct p_dot[] = {{"...", 3, P_ELLIPSIS}, {NULL, 0, 0}};
static const punct p_plus[] = {{"++", 2, P_INC}, {"+=", 2, P_ASSIGN_OP}, {NULL, 0, 0}};
static const punct p_minus[] = {{"--", 2, P_DEC}, {"-=", 2, P_ASSIGN_OP}, {NULL, 0, 0}};
static const punct p_slash[] = {{"/=", 2, P_ASSIGN_OP}, {NULL, 0, 0}};
static const punct p_pct[] = {{"%=", 2, P_ASSIGN_OP}, {NULL, 0, 0}};
static const punct p_xor[] = {{"^=", 2, P_ASSIGN_OP}, {NULL, 0, 0}};

static int lex_punct(lexer *L)
{
    const char *s = L->src + L->pos;
    size_t rem = L->len - L->pos;
    size_t start = L->pos;
    const punct *cands = NULL;
    switch (*s) {
    case '>': cands = p_gt; break;
    case '<': cands = p_lt; break;
    case '=': cands = p_eq; break;
    case '!': cands = p_not; break;
    case '*': cands = p_star; break;
    case '&': cands = p_and; break;
    case '|': cands = p_or; break;
    case '?': cands = p_q; break;
    case '.': cands = p_dot; break;
    case '+': cands = p_plus; break;
    case '-': cands = p_minus; break;
    case '/': cands = p_slash; break;
    case '%': cands = p_pct; break;
    case '^': cands = p_xor; break;
    default: break;
    }
    for (const punct *c = cands; c && c->s; c++) {
        if (c->len > rem || memcmp(s, c->s, c->len))
            continue;
        /* `a?.5:b` is a conditional, not optional chaining */
        if (c->op == P_OPTCHAIN && rem > 2 && s[2] >= '0' && s[2] <= '9')
            continue;
        L->pos += c->len;
        emit(L, T_PUNCT, c->op, start);
        return 0;
    }
    char c = *s;
    if (!strchr("{}()[];,<>+-*/%&|^!~?:=.@", c) || c == 0)
        return fail(L, start, "unexpected character");
    L->pos++;
    emit(L, T_PUNCT, (unsigned char)c, start);
    return 0;
}

static int lex_close(lexer *L, char c)
{
    size_t start = L->pos;
    if (L->depth == 0)
        return fail(L, start, "unbalanced closing bracket");
    /* The opener leaves the stack only when matched: one left open by an
     * error gets its match at EOF (see sl__js_lex). */
    uint32_t open = L->stack[L->depth - 1];
    js_token *o = &L->out->v[open];
    if (c == '}' && (o->kind == T_THEAD || o->kind == T_TMID)) {
        L->depth--;
        L->pos++;
        o->match = (uint32_t)L->out->n;
        return lex_template_part(L, start, 0);
    }
    char want = o->op == '(' ? ')' : o->op == '[' ? ']' : '}';
    if (o->kind != T_PUNCT || want != c)
        return fail(L, start, "mismatched closing bracket");
    L->depth--;
    L->pos++;
    o = &L->out->v[open];
    o->match = (uint32_t)L->out->n;
    emit(L, T_PUNCT, (unsigned char)c, start)->match = open; /* closers point back */
    return 0;
}

static int lex_one(lexer *L)
{
    unsigned char c = (unsigned char)L->src[L->pos];
    size_t start = L->pos;
    if (is_id_start(c)) {
        while (L->pos < L->len) {
            unsigned char d = (unsigned char)L->src[L->pos];
            if (d == '\\' && L->pos + 1 < L->len && L->src[L->pos + 1] == 'u') {
                L->pos += 2;
                if (L->pos < L->len && L->src[L->pos] == '{') {
                    while (L->pos < L->len && L->src[L->pos] != '}')
                        L->pos++;
                    L->pos++;
                } else {
                    L->pos += 4;
                }
            } else if (d == 0xE2 && L->pos + 2 < L->len && (unsigned char)L->src[L->pos + 1] == 0x80 &&
                       ((unsigned char)L->src[L->pos + 2] == 0xA8 || (unsigned char)L->src[L->pos + 2] == 0xA9)) {
                break;
            } else if (d == 0xC2 && L->pos + 1 < L->len && (unsigned char)L->src[L->pos + 1] == 0xA0) {
                break;
            } else if (is_id_part(d) && d != '\\') {
                L->pos++;
            } else {
                break;
            }
        }
        if (L->pos > L->len)
            return fail(L, start, "bad identifier escape");
        emit(L, T_NAME, sl__js_keyword(L->src + start, L->pos - start), start);
        return 0;
    }
    if (c >= '0' && c <= '9')
        return lex_number(L);
    if (c == '.' && L->pos + 1 < L->len && L->src[L->pos + 1] >= '0' && L->src[L->pos + 1] <= '9')
        return lex_number(L);
    switch (c) {
    case '"': case '\'':
        return lex_string(L);
    case '`':
        L->pos++;
        return lex_template_part(L, start, 1);
    case '#':
        L->pos++;
        while (L->pos < L->len && is_id_part((unsigned char)L->src[L->pos]))
            L->pos++;
        if (L->pos == start + 1)
            return fail(L, start, "unexpected character '#'");
        emit(L, T_PRIVATE, 0, start);
        return 0;
    case '(': case '[': case '{':
        L->pos++;
        emit(L, T_PUNCT, c, start);
        push(L, (uint32_t)(L->out->n - 1));
        return 0;
    case ')': case ']': case '}':
        return lex_close(L, (char)c);
    case '/':
        if (regex_allowed(L))
            return lex_regex(L);
        return lex_punct(L);
    default:
        return lex_punct(L);
    }
}

int sl__js_lex(const char *src, size_t len, js_tokens *out, uint32_t *err_pos, const char **err_msg)
{
    lexer L = {.src = src, .len = len, .out = out};
    out->n = 0;
    if (len >= 2 && src[0] == '#' && src[1] == '!')
        while (L.pos < len && src[L.pos] != '\n')
            L.pos++;
    int rc = 0;
    for (;;) {
        if ((rc = skip_space(&L)) != 0)
            break;
        if (L.pos >= len)
            break;
        size_t before = L.pos;
        if ((rc = lex_one(&L)) != 0)
            break;
        if (L.pos == before) { /* e.g. a backslash that starts no escape */
            rc = fail(&L, before, "unexpected character");
            break;
        }
    }
    if (rc == 0 && L.depth > 0) {
        js_token *o = &out->v[L.stack[L.depth - 1]];
        rc = fail(&L, o->start, o->kind == T_PUNCT ? "unclosed bracket" : "unterminated template literal");
    }
    /* Even after an error the tokens so far end with EOF, so the parser
     * can look for an earlier, more precise error in that prefix. */
    L.flags = TF_NL_BEFORE;
    emit(&L, T_EOF, 0, len);
    out->v[out->n - 1].start = rc ? L.err_pos : (uint32_t)len;
    /* Brackets still open there close at EOF: a parser that skips to an
     * opener's match must move forward (a match left at 0 sent it back to
     * the first token, re-parsing the prefix forever). */
    for (size_t d = 0; d < L.depth; d++)
        out->v[L.stack[d]].match = (uint32_t)(out->n - 1);
    free(L.stack);
    if (rc) {
        *err_pos = L.err_pos;
        *err_msg = L.err_msg;
    }
    return rc;
}
