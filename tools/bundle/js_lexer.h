/*
 * js_lexer.h - JavaScript tokens, the first phase of the bundler.
 *
 * The whole file is tokenized up front into one array (a worker's scratch
 * buffer, reused between modules).  Whether `/` starts a regular
 * expression or divides is decided from the previous token, as the
 * grammar's context would; template literals nest through a brace stack.
 * Every opening bracket records the index of its partner, which gives the
 * parser arrow-function lookahead for free.
 */
#ifndef SL_BUNDLE_JS_LEXER_H
#define SL_BUNDLE_JS_LEXER_H

#include <stddef.h>
#include <stdint.h>

enum js_tok_kind {
    T_EOF,
    T_NAME,     /* identifier or keyword (op holds the keyword id) */
    T_PRIVATE,  /* #name */
    T_NUM,      /* number or BigInt */
    T_STR,      /* '...' or "..." */
    T_TEMPLATE, /* `...` without substitutions */
    T_THEAD,    /* `...${ */
    T_TMID,     /* }...${ */
    T_TTAIL,    /* }...` */
    T_REGEX,
    T_PUNCT /* op holds the punctuator code */
};

/* Punctuators: one-character ones are their ASCII code; longer ones: */
enum js_punct {
    P_ARROW = 128, /* => */
    P_ELLIPSIS,    /* ... */
    P_OPTCHAIN,    /* ?. */
    P_INC,         /* ++ */
    P_DEC,         /* -- */
    P_ASSIGN_OP,   /* compound assignment: += -= *= and the rest */
    P_BINARY       /* == != === !== <= >= && || ** << >> >>> and nullish */
};

/* Keywords and the contextual words the parser asks about. */
enum js_kw {
    K_NONE,
    K_AS, K_ASYNC, K_AWAIT, K_BREAK, K_CASE, K_CATCH, K_CLASS, K_CONST,
    K_CONTINUE, K_DEBUGGER, K_DEFAULT, K_DELETE, K_DO, K_ELSE, K_EXPORT,
    K_EXTENDS, K_FALSE, K_FINALLY, K_FOR, K_FROM, K_FUNCTION, K_GET, K_IF,
    K_IMPORT, K_IN, K_INSTANCEOF, K_LET, K_NEW, K_NULL, K_OF, K_RETURN,
    K_SET, K_STATIC, K_SUPER, K_SWITCH, K_THIS, K_THROW, K_TRUE, K_TRY,
    K_TYPEOF, K_VAR, K_VOID, K_WHILE, K_WITH, K_YIELD, K_ENUM
};

enum { TF_NL_BEFORE = 1, TF_PURE = 2 /* a @__PURE__ comment precedes */ };

typedef struct js_token {
    uint32_t start, end; /* byte range in the source */
    uint32_t match;      /* ( [ { ${ : index of the closing token; ) ] }: of the opening one */
    uint8_t kind, op, flags, pad;
} js_token;

typedef struct js_tokens {
    js_token *v;
    size_t n, cap;
} js_tokens;

/* Tokenizes src[0..len).  Returns 0, or -1 with *err_pos and a static
 * message in *err_msg; either way the array ends with a T_EOF token. */
int sl__js_lex(const char *src, size_t len, js_tokens *out, uint32_t *err_pos, const char **err_msg);

/* The keyword id of a name, K_NONE when it is not one. */
int sl__js_keyword(const char *s, size_t n);

#endif
