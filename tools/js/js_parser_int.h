/*
 * js_parser_int.h - the parser's state and the helpers its three files
 * share: js_parser.c (statements, expressions), ts_parser.c (types and
 * TypeScript declarations) and jsx_parser.c (JSX elements).
 *
 * Errors unwind with longjmp to the jmp_buf the lexer holds; a
 * speculative TypeScript reading installs its own jmp_buf, saves the
 * lexer and the context, and restores both when the reading fails.
 */
#ifndef SL_JS_PARSER_INT_H
#define SL_JS_PARSER_INT_H

#include <setjmp.h>

#include "js_lexer.h"
#include "js_parser.h"

enum { CTX_ASYNC = 1, CTX_GENERATOR = 2, CTX_IN_FUNCTION = 4, CTX_CLASS_STATIC = 8, CTX_MODULE = 16,
       CTX_NO_IN = 32, CTX_IN_CLASS = 64,
       CTX_AMBIENT = 128, /* inside `declare`: declarations need no values */
       CTX_TS_NO_COND = 256, /* the `extends` type of a conditional type: no conditional (tsc's DisallowConditionalTypes) */
       CTX_NEW_TARGET = 512, /* in a function that binds new.target (not an arrow's own) */
       CTX_SUPER_PROP = 1024, /* super.x: in a method, a field initializer or a static block */
       CTX_SUPER_CALL = 2048, /* super(): in the constructor of a class with `extends` */
       CTX_DERIVED = 4096 /* in the body of a class with `extends` */ };

/* What statements see of the function they are in: its labels, its loops
 * and switches (break/continue), and whether its code is strict.  A
 * function body starts a fresh one and restores the outer one after. */
typedef struct js_fnstate {
    uint32_t label_base; /* labels[label_base..] belong to this function */
    uint32_t pending;    /* labels directly in front of the statement being parsed */
    uint32_t loops, breakables;
    uint8_t strict; /* STRICT_*, 0: sloppy */
} js_fnstate;

/* Why code is strict: the module goal alone, or a "use strict" directive
 * or a class (which say "in strict mode" even in a module, as esbuild). */
enum { STRICT_MODULE = 1, STRICT_EXPLICIT = 2 };

typedef struct js_cover {
    js_node *obj;
    uint32_t pos;
    const char *msg;
} js_cover;

typedef struct js_label {
    const char *name;
    uint8_t loop; /* labels an iteration statement: `continue name` may target it */
} js_label;

typedef struct js_spec js_spec;

typedef struct js_parser {
    js_lexer L;
    js_arena *a;
    js_parse_opts o;
    unsigned ctx;
    unsigned depth;
    uint8_t is_module;
    uint8_t has_export; /* an export statement, even one that lowering removes (`export type`) */
    uint8_t has_jsx;
    uint32_t with_p1;        /* the first `with` statement + 1: an error if import/export make the file a module */
    uint32_t sloppy_p1;      /* the first strict-only error in sloppy code + 1 (sloppy_msg): an error if the file is a module */
    const char *sloppy_msg;
    uint8_t top;             /* the statement being parsed is at the top level of the program */
    js_fnstate fs;
    JS_VEC(js_label) labels;
    /* object literals that are errors unless they become patterns (a
     * second `__proto__: v`, a shorthand with a default `{a = 1}`) */
    JS_VEC(js_cover) covers;
    uint32_t yields;          /* yield expressions parsed so far (not counting function bodies'): none may be in parameters */
    JS_VEC(js_node *) stack; /* lists under construction */
    JS_VEC(uint32_t) stmt_start, stmt_end; /* the program's statements (js_ast.stmt_start) */
    JS_VEC(js_span) spans;                 /* js_ast.spans */
    JS_VEC(uint32_t) octals;               /* js_ast.legacy_octals (unsorted; a speculation may repeat one) */
    js_spec **spec_chunks;   /* the speculation stack (see sl__js_spec_push) */
    size_t spec_nchunks, spec_n;
    /* `<` (with the context) whose type arguments failed to read inside a
     * speculation: a hash set, so a chain `a < a < a ...` tries each only
     * once (ts_parser.c); keys are position | ctx << 32, plus 1 */
    uint64_t *targs_failed;
    uint32_t targs_cap, targs_n;
} js_parser;

/* Saved state for a speculative parse. */
struct js_spec {
    js_lexer L;
    unsigned ctx, depth;
    size_t stack_n, labels_n, covers_n;
    uint32_t yields;
    js_fnstate fs;
    jmp_buf *outer;
    jmp_buf env;
};

/* Begin a speculation (sp: a js_spec * variable): 0 on the first pass; 1
 * after it failed, with the state restored.  Every speculation ends with
 * sl__js_spec_commit or sl__js_spec_restore (or a longjmp to it). */
#define JS_TRY(p, sp) ((sp) = sl__js_spec_push(p), setjmp((sp)->env) ? (sl__js_spec_restore((p), (sp)), 1) : 0)
js_spec *sl__js_spec_push(js_parser *p);
void sl__js_spec_restore(js_parser *p, js_spec *sp);
/* End of a speculation that succeeded. */
void sl__js_spec_commit(js_parser *p, js_spec *sp);

static inline void next(js_parser *p) { sl__js_lex_next(&p->L); }
static inline int is(js_parser *p, int tok) { return p->L.tok == tok; }
static inline int is_kw(js_parser *p, int kw) { return p->L.tok == TK_NAME && p->L.kw == kw; }
static inline int eat(js_parser *p, int tok)
{
    if (p->L.tok != tok)
        return 0;
    next(p);
    return 1;
}
static inline int eat_kw(js_parser *p, int kw)
{
    if (!is_kw(p, kw))
        return 0;
    next(p);
    return 1;
}

_Noreturn void sl__js_fail(js_parser *p, uint32_t pos, const char *msg);
_Noreturn void sl__js_unexpected(js_parser *p);
/* An error that strict code makes: at once in strict code, else noted and
 * raised at the end if import/export make the file a module. */
void sl__js_strict_error(js_parser *p, uint32_t pos, const char *msg);
void sl__js_expect(js_parser *p, int tok);
/* After the last statement: the errors that waited to know whether the file is a module. */
void sl__js_parse_finish(js_parser *p);
void sl__js_parser_free(js_parser *p);
void sl__js_semicolon(js_parser *p);
void sl__js_enter(js_parser *p);
extern const char sl__js_msg_too_deep[]; /* sl__js_enter's message (compared by address) */
static inline void leave(js_parser *p) { p->depth--; }

js_node *sl__js_mk(js_parser *p, int kind, uint32_t pos);
js_node *sl__js_name_node(js_parser *p); /* N_IDENT from the current TK_NAME (not advanced) */
const char *sl__js_tok_name(js_parser *p); /* the current name, NUL-terminated in the arena */
/* Lists: mark = p->stack.n; push items; then sl__js_list_end(p, node, mark). */
static inline void push(js_parser *p, js_node *x) { JS_VEC_PUSH(p->stack, x); }
void sl__js_list_end(js_parser *p, js_node *owner, size_t mark);

/* js_parser.c */
js_node *sl__js_parse_expr(js_parser *p, int level);
js_node *sl__js_parse_stmt(js_parser *p);
js_node *sl__js_parse_block(js_parser *p);
js_node *sl__js_parse_class(js_parser *p, int kind, js_node *decorators);
js_node *sl__js_parse_function_rest(js_parser *p, js_node *fn, int is_method, int is_ctor);
js_node *sl__js_parse_binding(js_parser *p);
js_node *sl__js_parse_decorators(js_parser *p);
js_node *sl__js_parse_property_key(js_parser *p, uint16_t *flags);
js_node *sl__js_parse_arrow_body(js_parser *p, js_node *arrow);
void sl__js_parse_args(js_parser *p, js_node *call);
int sl__js_is_identifier_tok(js_parser *p);

/* ts_parser.c */
void sl__ts_skip_type(js_parser *p);
void sl__ts_skip_type_annotation(js_parser *p); /* `: T` when present */
void sl__ts_skip_type_params(js_parser *p);     /* `<T extends X = Y, ...>` when present */
int sl__ts_tsx_type_params_ahead(js_parser *p); /* .tsx: `<` opens type parameters, not JSX */
void sl__ts_skip_return_annotation(js_parser *p); /* `: T`, `: x is T`, `: asserts x` after a parameter list */
int sl__ts_try_type_args_in_expr(js_parser *p);  /* `<T>` before ( or a template; 1 when skipped */
void sl__ts_skip_type_args(js_parser *p);       /* `<...>`: the current token is `<` */
int sl__ts_try_return_type_arrow(js_parser *p); /* `: T =>` after arrow params; 1 when skipped and `=>` is next */
void sl__ts_skip_interface(js_parser *p);
void sl__ts_skip_type_alias(js_parser *p);
js_node *sl__ts_parse_enum(js_parser *p, uint32_t pos, uint16_t flags);
js_node *sl__ts_parse_namespace(js_parser *p, uint32_t pos, uint16_t flags);
js_node *sl__ts_parse_declare(js_parser *p); /* after `declare`: parses and returns N_EMPTY */
js_node *sl__ts_parse_import_equals(js_parser *p, uint32_t pos, js_node *name, uint16_t flags);
int sl__ts_is_modifier(int kw);

/* jsx_parser.c: the current token is `<` in expression position */
js_node *sl__jsx_parse_element(js_parser *p);

#endif
