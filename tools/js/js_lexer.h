/*
 * js_lexer.h - JavaScript, TypeScript and JSX tokens, one at a time, on
 * the parser's demand.
 *
 * The grammar, not the lexer, knows what a `/` or a `}` or a `>` means at
 * a given point, so the parser drives: it asks for the next token, and
 * rescans the current one when its context says so: as a regular
 * expression, as the rest of a template after `}`, as JSX text or a JSX
 * tag token, or split (`>>` read as `>` when it closes type arguments).
 * The whole lexer state is one small struct, so the parser saves and
 * restores it to try a TypeScript reading and back out.
 */
#ifndef SL_JS_LEXER_H
#define SL_JS_LEXER_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "js_arena.h"

enum js_tok {
    TK_EOF,
    TK_NAME,      /* identifier or keyword: name/name_len (decoded), kw */
    TK_PRIVATE,   /* #name: name includes the # */
    TK_NUM,       /* num */
    TK_BIGINT,    /* name: the digits (separators removed) */
    TK_STR,       /* str/str_len decoded */
    TK_TEMPLATE,  /* `...` : str/str_len raw text inside */
    TK_THEAD,     /* `...${ */
    TK_TMID,      /* }...${  (after sl__js_lex_template_cont) */
    TK_TTAIL,     /* }...`   (after sl__js_lex_template_cont) */
    TK_REGEX,     /* after sl__js_lex_regex: str/str_len the whole literal */
    TK_JSX_TEXT,  /* after sl__js_lex_jsx_child: str/str_len raw text */
    /* punctuators */
    TK_LBRACE, TK_RBRACE, TK_LPAREN, TK_RPAREN, TK_LBRACK, TK_RBRACK,
    TK_DOT, TK_ELLIPSIS, TK_SEMI, TK_COMMA, TK_LT, TK_GT, TK_LE, TK_GE,
    TK_EQ, TK_NE, TK_EQ3, TK_NE3, TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH,
    TK_PERCENT, TK_STAR2, TK_INC, TK_DEC, TK_SHL, TK_SHR, TK_USHR,
    TK_AMP, TK_BAR, TK_CARET, TK_BANG, TK_TILDE, TK_AND, TK_OR, TK_QQ,
    TK_QUESTION, TK_QDOT, TK_COLON, TK_ASSIGN, TK_PLUS_EQ, TK_MINUS_EQ,
    TK_STAR_EQ, TK_SLASH_EQ, TK_PERCENT_EQ, TK_STAR2_EQ, TK_SHL_EQ,
    TK_SHR_EQ, TK_USHR_EQ, TK_AMP_EQ, TK_BAR_EQ, TK_CARET_EQ, TK_AND_EQ,
    TK_OR_EQ, TK_QQ_EQ, TK_ARROW, TK_AT, TK_HASH,
    TK_COUNT
};

/* Keywords and the contextual words the parser asks about often. */
enum js_kw {
    K_NONE,
    K_BREAK, K_CASE, K_CATCH, K_CLASS, K_CONST, K_CONTINUE, K_DEBUGGER,
    K_DEFAULT, K_DELETE, K_DO, K_ELSE, K_ENUM, K_EXPORT, K_EXTENDS, K_FALSE,
    K_FINALLY, K_FOR, K_FUNCTION, K_IF, K_IMPORT, K_IN, K_INSTANCEOF, K_NEW,
    K_NULL, K_RETURN, K_SUPER, K_SWITCH, K_THIS, K_THROW, K_TRUE, K_TRY,
    K_TYPEOF, K_VAR, K_VOID, K_WHILE, K_WITH,
    K_LAST_RESERVED = K_WITH,
    /* contextual: ordinary identifiers the grammar gives meaning in places */
    K_AS, K_ASYNC, K_AWAIT, K_FROM, K_GET, K_LET, K_OF, K_SET, K_STATIC,
    K_YIELD, K_TARGET, K_META, K_USING, K_ACCESSOR,
    /* TypeScript contextual */
    K_ABSTRACT, K_DECLARE, K_TYPE, K_INTERFACE, K_NAMESPACE, K_MODULE,
    K_PUBLIC, K_PRIVATE, K_PROTECTED, K_READONLY, K_OVERRIDE, K_IMPLEMENTS,
    K_SATISFIES, K_KEYOF, K_INFER, K_IS, K_ASSERTS, K_UNIQUE, K_GLOBAL,
    K_REQUIRE, K_OUT, K_CONSTRUCTOR, K_UNDEFINED, K_NEVER, K_UNKNOWN, K_ANY,
    K_COUNT
};

typedef struct js_html_comment {
    uint32_t pos;
    struct js_html_comment *next;
} js_html_comment;

typedef struct js_lexer {
    const char *src;
    uint32_t len;
    uint32_t pos;   /* where scanning resumes: the end of the current token */
    uint32_t start; /* the current token's first byte */
    uint32_t prev_end; /* the end of the token before it (what a finished construct spans to) */
    uint8_t tok;
    uint8_t kw;        /* keyword id of a TK_NAME written without escapes */
    uint8_t nl_before; /* a line terminator between the previous token and this one */
    uint8_t pure;      /* a @__PURE__ / #__PURE__ comment before this token */
    uint8_t escaped;   /* a TK_NAME written with \u escapes */
    uint8_t legacy_octal; /* a number or string with a legacy octal form */
    const char *name;  /* TK_NAME, TK_PRIVATE, TK_BIGINT: not NUL-terminated */
    uint32_t name_len;
    const char *str;   /* TK_STR decoded; templates, regex, JSX text raw */
    uint32_t str_len;
    double num;
    js_arena *arena;   /* decoded strings and names with escapes */
    /* HTML-like comments (`<!--` anywhere, `-->` first on a line: ECMAScript
     * Annex B.1.1), read as `//` comments: where each starts, the last one
     * first (in the arena, so a speculation that restores the lexer simply
     * forgets the ones it saw).  Only scripts may have them: the parser
     * refuses them in a module. */
    struct js_html_comment *html;
    /* errors unwind to the parser: err_pos/err_msg, then longjmp(*fail, 1) */
    jmp_buf *fail;
    uint32_t err_pos;
    const char *err_msg;
} js_lexer;

void sl__js_lex_init(js_lexer *L, const char *src, size_t len, js_arena *a, jmp_buf *fail);
/* Scans the next token into L. */
void sl__js_lex_next(js_lexer *L);
/* The current token is `/` or `/=` where an expression starts: rescan it as a regular expression. */
void sl__js_lex_regex(js_lexer *L);
/* The current token is `}` closing a template substitution: rescan as TK_TMID or TK_TTAIL. */
void sl__js_lex_template_cont(js_lexer *L);
/* JSX: rescan from the start of the current token as a child (TK_JSX_TEXT, `{` or `<`). */
void sl__js_lex_jsx_child(js_lexer *L);
/* JSX: the next token inside a tag: names may contain `-`; strings are raw (no escapes). */
void sl__js_lex_jsx_tag(js_lexer *L);
/* The current token begins with `>` (>>, >=, >>=...): make it a single `>` and leave the rest for the next scan. */
void sl__js_lex_split_gt(js_lexer *L);
/* Reports an error at pos and unwinds (never returns). */
_Noreturn void sl__js_lex_fail(js_lexer *L, uint32_t pos, const char *msg);

/* The keyword id of a name, K_NONE when it is none. */
int sl__js_keyword_id(const char *s, size_t n);
/* Appends code point cp to buf as UTF-8 (WTF-8 for lone surrogates); returns bytes written (<= 4). */
int sl__js_utf8_put(char *buf, uint32_t cp);
/* Decodes one UTF-8/WTF-8 sequence at s (n bytes available); returns its length, *cp the code point. */
int sl__js_utf8_get(const char *s, size_t n, uint32_t *cp);
int sl__js_id_start(uint32_t cp);
int sl__js_id_part(uint32_t cp);

#endif
