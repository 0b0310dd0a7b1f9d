/*
 * js_ast.h - the syntax tree every phase of the JavaScript front end
 * shares: parser, scope pass, TypeScript/JSX lowering, minifier, printer.
 *
 * One node shape for everything (48 bytes): a kind, an operator or
 * sub-kind, flags, the source offset where it starts, and three child
 * slots plus one union slot (a list, a string, a number or a fourth
 * child).  One shape keeps every walker (scopes, lowering, renaming,
 * printing) a single switch over kinds, and lets a pass rewrite a node in
 * place.  The table below says what each kind keeps in which slot.
 * Nodes live in the file's arena and are never freed one by one.
 *
 * TypeScript types never reach the tree: the parser reads and drops them,
 * as esbuild does.  TypeScript constructs with run-time meaning (enum,
 * namespace, parameter properties, `import x = require()`, `export =`,
 * decorators) have nodes that the lowering pass turns into JavaScript.
 * Patterns (destructuring) reuse the expression kinds: N_ARRAY, N_OBJECT,
 * N_PROPERTY, N_SPREAD (rest) and N_ASSIGN (a default value).
 */
#ifndef SL_JS_AST_H
#define SL_JS_AST_H

#include <stddef.h>
#include <stdint.h>

#include "js_arena.h"

typedef struct js_node js_node;

/*
 * Kinds.  Slots: a, b, c (children), and one of list (n items), s (a
 * string; for N_STR n is its byte length), num, d (a fourth child).
 * aux: the symbol of an N_IDENT, the scope of a node that opens one.
 */
enum js_kind {
    N_NONE,
    /* ---- expressions ---- */
    N_IDENT,       /* s name, aux symbol */
    N_PRIVATE,     /* s "#name": in `#x in o` and as a class member key */
    N_NUM,         /* num */
    N_BIGINT,      /* s digits as written, without the `n` */
    N_STR,         /* s decoded (WTF-8), n bytes; flags JF_QUOTED for keys written quoted */
    N_REGEX,       /* s "/body/flags" as written */
    N_TEMPLATE,    /* a tag or NULL; list: quasi, expr, quasi, ... (n odd) */
    N_TEMPLATE_STR,/* s raw text of one quasi, n bytes */
    N_THIS, N_SUPER, N_NULL,
    N_BOOL,        /* op 1 true, 0 false */
    N_NEW_TARGET, N_IMPORT_META,
    N_HOLE,        /* an elision in an array: [a, , b] */
    N_ARRAY,       /* list elements (N_SPREAD, N_HOLE) */
    N_OBJECT,      /* list N_PROPERTY / N_SPREAD */
    N_PROPERTY,    /* a key, b value, c default (pattern shorthand `{a = 1}`),
                      op JP_*, flags JF_COMPUTED JF_STATIC JF_SHORTHAND ...;
                      also a class member (d: N_LIST of decorators) */
    N_FUNCTION,    /* a name or NULL, list params, b body N_BLOCK, aux scope, flags JF_ASYNC JF_GENERATOR */
    N_ARROW,       /* list params, b body (N_BLOCK, or an expression with JF_EXPR_BODY), aux scope */
    N_CLASS,       /* a name, b extends, list members (N_PROPERTY), c N_LIST decorators, aux scope */
    N_UNARY,       /* op JU_*, a */
    N_UPDATE,      /* op JU_PRE_INC.., a */
    N_BINARY,      /* op JB_*, a, b */
    N_ASSIGN,      /* op JB_* for compound, JB_NONE for `=`, a target, b value */
    N_COND,        /* a ? b : c */
    N_CALL,        /* a callee, list args; flags JF_OPT_START JF_OPT_CONT JF_PURE;
                      aux: the byte after its `)` as parsed (JS_NONE when made by a pass) */
    N_NEW,         /* a callee, list args; JF_PURE; aux as N_CALL (JS_NONE without arguments) */
    N_MEMBER,      /* a object, c property name N_STR (or N_PRIVATE); flags JF_OPT_* */
    N_INDEX,       /* a[b]; flags JF_OPT_* */
    N_SEQ,         /* list */
    N_SPREAD,      /* ...a (also a rest element in a pattern) */
    N_YIELD,       /* a or NULL; JF_DELEGATE */
    N_AWAIT,       /* a */
    N_IMPORT_CALL, /* import(a, b); aux: the byte after its `)` */
    N_JSX,         /* a tag (NULL: fragment), list attributes, c N_LIST children */
    N_JSX_ATTR,    /* a name N_STR (may hold "ns:x"), b value or NULL */
    N_JSX_TEXT,    /* s raw text, n bytes */
    N_JSX_EXPR,    /* {a}, a NULL for an empty container */
    N_LIST,        /* list: a list held in a child slot */
    /* ---- statements ---- */
    N_PROGRAM,     /* list body, aux scope */
    N_BLOCK,       /* list, aux scope */
    N_EMPTY,
    N_DIRECTIVE,   /* s raw text with its quotes, n bytes */
    N_EXPR,        /* a */
    N_VAR,         /* op JV_*, list N_DECLARATOR; JF_EXPORT */
    N_DECLARATOR,  /* a binding pattern, b init */
    N_FUNC_DECL,   /* as N_FUNCTION; JF_EXPORT JF_DEFAULT */
    N_CLASS_DECL,  /* as N_CLASS; JF_EXPORT JF_DEFAULT */
    N_IF,          /* if (a) b else c */
    N_FOR,         /* for (a; b; d) c, aux scope */
    N_FOR_IN,      /* for (a in b) c, aux scope */
    N_FOR_OF,      /* for (a of b) c, aux scope; JF_AWAIT */
    N_WHILE,       /* while (a) b */
    N_DO_WHILE,    /* do a while (b) */
    N_RETURN, N_THROW, /* a */
    N_BREAK, N_CONTINUE, /* s label or NULL */
    N_LABEL,       /* s label, a body */
    N_SWITCH,      /* a discriminant, list N_CASE, aux scope */
    N_CASE,        /* a test (NULL: default), list body */
    N_TRY,         /* a block, b N_CATCH or NULL, c finally block or NULL */
    N_CATCH,       /* a param or NULL, b body, aux scope */
    N_WITH,        /* with (a) b */
    N_DEBUGGER,
    N_IMPORT,      /* a source N_STR, b attributes N_OBJECT, list N_IMPORT_SPEC; JF_TYPE_ONLY */
    N_IMPORT_SPEC, /* op JS_SPEC_*, a local N_IDENT, b imported name N_STR (named only) */
    N_EXPORT_NAMED,/* list N_EXPORT_SPEC, a source or NULL, b attributes */
    N_EXPORT_SPEC, /* a local (N_IDENT, or N_STR in a re-export), b exported name N_STR */
    N_EXPORT_ALL,  /* export * [as c] from a, b attributes */
    N_EXPORT_DEFAULT, /* a expression, N_FUNC_DECL or N_CLASS_DECL; aux the `default` symbol */
    /* ---- TypeScript with run-time meaning (gone after lowering) ---- */
    N_ENUM,        /* a name N_IDENT, list N_ENUM_MEMBER, aux scope; JF_CONST JF_EXPORT */
    N_ENUM_MEMBER, /* a name N_STR, b initializer or NULL; lowering: JF_CONSTANT with num, or c an N_STR value */
    N_NAMESPACE,   /* a name N_IDENT, b body N_BLOCK or a nested N_NAMESPACE, aux scope; JF_EXPORT */
    N_IMPORT_EQUALS, /* import a = b; JF_EXPORT */
    N_EXPORT_EQUALS, /* export = a */
    N_KIND_COUNT
};

/* Flags.  Their meaning is per kind, as the table above says. */
enum js_flag {
    JF_EXPORT = 1 << 0,    /* declarations */
    JF_DEFAULT = 1 << 1,
    JF_ASYNC = 1 << 2,     /* functions, arrows, methods */
    JF_GENERATOR = 1 << 3,
    JF_EXPR_BODY = 1 << 4, /* arrow */
    JF_STATIC = 1 << 5,    /* class members */
    JF_COMPUTED = 1 << 6,  /* [key] */
    JF_SHORTHAND = 1 << 7, /* {a} */
    JF_QUOTED = 1 << 8,    /* a key or specifier written as a string */
    JF_OPT_START = 1 << 9, /* this member access or call is written with `?.` */
    JF_OPT_CONT = 1 << 10, /* part of an optional chain started further in */
    JF_PURE = 1 << 11,     /* a call marked @__PURE__ */
    JF_DELEGATE = 1 << 12, /* yield* */
    JF_AWAIT = 1 << 13,    /* for await */
    JF_TYPE_ONLY = 1 << 14,/* import type / export type / a type-only specifier */
    JF_CONST = 1 << 15,    /* const enum */
    JF_PARAM_PROP = 1 << 12, /* a constructor parameter with an accessibility modifier (N_IDENT, N_ASSIGN) */
    JF_DECLARE = 1 << 13,  /* a class field with `declare` (dropped) */
    JF_CONSTANT = 1 << 4,  /* N_ENUM_MEMBER: num is its value (else s its string value if set) */
    JF_STRICT = 1 << 9,    /* N_FUNCTION/N_ARROW/N_PROGRAM: the body has "use strict" */
    JF_FLAT = 1 << 7,      /* N_BINARY && or || made by --minify-syntax as a op (b op c): printed a op b op c */
    JF_PARENS = 1 << 15,   /* an expression written in parentheses (`(-a) ** b`, `(a || b) ?? c`) */
};

/* N_PROPERTY.op */
enum js_prop_kind { JP_INIT, JP_METHOD, JP_GET, JP_SET, JP_FIELD, JP_STATIC_BLOCK, JP_ACCESSOR };
/* N_VAR.op */
enum js_var_kind { JV_VAR, JV_LET, JV_CONST, JV_USING, JV_AWAIT_USING };
/* N_IMPORT_SPEC.op */
enum js_spec_kind { JS_SPEC_DEFAULT, JS_SPEC_NAMESPACE, JS_SPEC_NAMED };

/* N_UNARY / N_UPDATE .op */
enum js_unary_op {
    JU_POS, JU_NEG, JU_CPL, JU_NOT, JU_VOID, JU_TYPEOF, JU_DELETE,
    JU_PRE_INC, JU_PRE_DEC, JU_POST_INC, JU_POST_DEC
};

/* N_BINARY / N_ASSIGN .op (an N_ASSIGN with JB_NONE is plain `=`). */
enum js_binary_op {
    JB_NONE,
    JB_ADD, JB_SUB, JB_MUL, JB_DIV, JB_REM, JB_POW,
    JB_LT, JB_LE, JB_GT, JB_GE, JB_IN, JB_INSTANCEOF,
    JB_SHL, JB_SHR, JB_USHR,
    JB_LOOSE_EQ, JB_LOOSE_NE, JB_STRICT_EQ, JB_STRICT_NE,
    JB_NULLISH, JB_OR, JB_AND,
    JB_BIT_OR, JB_BIT_AND, JB_BIT_XOR,
    JB_COUNT
};

/* Precedence levels, lowest first (esbuild's). */
enum js_level {
    L_LOWEST, L_COMMA, L_SPREAD, L_YIELD, L_ASSIGN, L_COND, L_NULLISH, L_OR, L_AND,
    L_BIT_OR, L_BIT_XOR, L_BIT_AND, L_EQUALS, L_COMPARE, L_SHIFT, L_ADD, L_MUL, L_POW,
    L_PREFIX, L_POSTFIX, L_NEW, L_CALL, L_MEMBER
};

struct js_node {
    uint8_t kind;
    uint8_t op;
    uint16_t flags;
    uint32_t pos; /* byte offset in the source where the node starts */
    uint32_t aux; /* N_IDENT: symbol; scope-opening nodes: scope */
    uint32_t n;   /* list length, or string length */
    js_node *a, *b, *c;
    union {
        js_node **list;
        const char *s;
        double num;
        js_node *d;
    };
};

#define JS_NONE UINT32_MAX /* no symbol / no scope yet */

/* ---- symbols and scopes (filled by js_scope.c) ---- */

enum js_sym_kind {
    SK_UNBOUND,   /* a global the file reads but never declares */
    SK_VAR, SK_LET, SK_CONST, SK_FUNCTION, SK_CLASS, SK_PARAM, SK_CATCH,
    SK_IMPORT,    /* an import binding (import x / import {x} / import * as x / import x = ) */
    SK_ARGUMENTS, /* a function's implicit `arguments` */
    SK_HOISTED_FN,/* a function declared in a block (Annex B also gives it a var) */
    SK_ENUM, SK_NAMESPACE,
    SK_LABEL,
    SK_GENERATED  /* made by lowering (a temporary, an import of the JSX runtime) */
};

enum js_sym_flag {
    SF_EXPORTED = 1,     /* exported from the module: keeps its name */
    SF_NO_RENAME = 2,    /* seen by direct eval or with: keeps its name */
    SF_TYPE_MERGED = 4,  /* enum/namespace declared more than once */
    SF_CONST_ENUM = 8,
    SF_ASSIGNED = 16,    /* written after its declaration */
    SF_SELF_NAME = 32,   /* a function or class expression's own name: a function's body may declare it again */
    SF_PARAM = 64,       /* declared as a parameter (a var or function of its name in the body is the same symbol) */
    SF_ANNEX_B = 128     /* a sloppy block's function whose var Annex B.3.3 also assigns (js_scope.c annex_b_hoist) */
};

typedef struct js_symbol {
    const char *name;     /* as written */
    const char *out_name; /* the name to print (renamer); NULL: name */
    uint32_t scope;       /* the scope that declares it */
    uint32_t uses;        /* references (reads and writes), for renaming and import elision */
    uint32_t link;        /* JS_NONE, or the symbol this one was merged into */
    uint32_t ns_sym;      /* JS_NONE, or: printed as `<ns_sym>.<name>` (TS namespace export) */
    js_node *decl;        /* the declaring node (N_ENUM for enums: constant values) */
    uint8_t kind;
    uint8_t flags;
} js_symbol;

enum js_scope_kind {
    SC_MODULE,  /* the program (module or script) */
    SC_FUNCTION,/* function or arrow: params and body share it */
    SC_BLOCK,   /* block, for head, switch, catch, class body, static block */
    SC_CLASS_NAME, /* the inner binding of a class's own name */
    SC_WITH,    /* the body of a `with`: names inside may be properties */
    SC_ENUM, SC_NAMESPACE
};

enum js_scope_flag {
    SCF_EVAL = 1,  /* a direct eval() here or in a scope inside */
    SCF_STRICT = 2,
    SCF_PARAMS = 4, /* its parameter list is being bound: the names its body declares are not in scope there */
    SCF_OWN_ARGUMENTS = 8, /* a function other than an arrow: it has its own `arguments` */
    SCF_MODULE_GOAL = 16   /* strict only as a module (no "use strict" around): messages say so, as esbuild's */
};

typedef struct js_scope {
    uint32_t parent;   /* JS_NONE for the program */
    uint32_t fn;       /* the nearest function (or module) scope, where `var` lands */
    uint32_t first, n; /* its symbols: scope_syms[first .. first+n) */
    uint8_t kind;
    uint8_t flags;
} js_scope;

/* The byte ranges of the branches of an N_IF (b, c; c_start == c_end
 * without `else`) or an N_COND (b, c) as parsed: what the bundler cuts
 * when --define makes the condition constant. */
typedef struct js_span {
    const js_node *node;
    uint32_t b_start, b_end, c_start, c_end;
} js_span;

/* One parsed file and everything the passes after the parser add to it. */
typedef struct js_ast {
    const char *path;
    const char *src;
    size_t len;
    js_node *program;
    uint32_t hashbang_end; /* bytes of a `#!` line, 0 if none */
    uint8_t is_module;     /* has import/export syntax (or top-level await) */
    uint8_t has_export;    /* has an export statement (of types only, too: esbuild reads it as an ES module) */
    uint8_t has_jsx;
    uint8_t uses_eval;     /* a direct eval() somewhere */
    /* Set by a caller before scoping (tools/bundle): the file runs as
     * node runs a CommonJS module, its top level the body of a function
     * whose parameters are exports, require, module, __filename and
     * __dirname, so no sloppy block function of those names there gets
     * Annex B's var (B.3.3 skips a parameter's name). */
    uint8_t cjs_wrapper;
    js_symbol *syms;
    uint32_t nsyms;
    js_scope *scopes;
    uint32_t nscopes;
    uint32_t *scope_syms;  /* symbols grouped by scope (see js_scope.first) */
    /* The byte range of each statement of program->list as parsed (the
     * bundler splices those ranges); a pass that rewrites the top level
     * leaves them describing the source, not the new list. */
    uint32_t *stmt_start, *stmt_end;
    js_span *spans; /* every N_IF and N_COND the parser made (some may have been dropped from the tree) */
    uint32_t nspans;
    /* Where each HTML-like comment (`<!--`, `-->` first on a line; scripts
     * only) starts, in source order: a printer that copies source text
     * must write them as `//`, which any goal reads as a comment. */
    uint32_t *html_comments;
    uint32_t nhtml_comments;
    /* Where each legacy octal number (`0777`, `08`) or string with a
     * legacy octal escape (`"\101"`, `"\8"`) starts, ascending: sloppy
     * code only; a printer that copies source text into strict code
     * (tools/bundle, ES module output) rewrites them. */
    uint32_t *legacy_octals;
    uint32_t nlegacy_octals;
    /* The first thing in sloppy code that strict code refuses and no
     * printer can rewrite (an assignment to eval or arguments, a repeated
     * parameter name): where + 1 (0: none) and what, worded to go before
     * "cannot be used ...".  Set by sl__js_scope_check; a printer that
     * copies sloppy code into strict code (tools/bundle, ES module
     * output) refuses the file. */
    uint32_t strict_only_p1;
    const char *strict_only_what;
    js_arena *arena;
} js_ast;

/* Which slots of a node of each kind hold children (walkers visit these). */
enum { JS_SLOT_A = 1, JS_SLOT_B = 2, JS_SLOT_C = 4, JS_SLOT_LIST = 8, JS_SLOT_D = 16 };
extern const uint8_t sl__js_slots[N_KIND_COUNT];
/* Calls fn(child, ctx) for each child of n, in slot order a, b, c, list, d. */
void sl__js_each_child(js_node *n, void (*fn)(js_node *child, void *ctx), void *ctx);

/* Helpers every pass uses to build and read nodes. */
js_node *sl__js_node(js_arena *a, int kind, uint32_t pos);
js_node *sl__js_ident(js_arena *a, const char *name, uint32_t pos);
js_node *sl__js_str(js_arena *a, const char *s, size_t n, uint32_t pos);
js_node **sl__js_list_copy(js_arena *a, js_node *const *items, size_t n);
/* A copy of list[0..n) with items[0..k) inserted before index at. */
js_node **sl__js_list_insert(js_arena *a, js_node *const *list, uint32_t n, uint32_t at, js_node *const *items,
                             uint32_t k);
/* Operator spelling and precedence. */
const char *sl__js_binary_text(int op);
int sl__js_binary_level(int op);
const char *sl__js_unary_text(int op);
/* Is s[0..n) an IdentifierName made only of ASCII (printable bare as a key)? */
int sl__js_is_ident_name(const char *s, size_t n);
/* Is s (NUL-terminated) a word reserved in strict code only (let, static, yield, ...)? */
int sl__js_is_strict_reserved(const char *s);
/* Is it a reserved word (cannot be a binding name)? */
int sl__js_is_reserved(const char *s, size_t n);

#endif
