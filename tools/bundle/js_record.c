/*
 * js_record.c - the module record from tools/js's tree (js_record.h).
 *
 * The one idea: tools/js's scope pass has already bound every
 * identifier, so the record is one walk of the tree in source order.
 * The walk declares the top-level symbols in the order their
 * declarations appear, notes each identifier with what surrounds it
 * (called, a member's object, shorthand, written by `x++`), adds import
 * records where the source names a module, and tracks whether a
 * statement may have side effects at its own level.  References are
 * settled after the walk, once every hoisted declaration has its symbol:
 * the ones bound at the top level become occurrences, the unbound ones
 * may be --define'd, warned about, or mark the file CommonJS.
 *
 * tools/js and tools/bundle name types alike (js_ast, js_symbol,
 * js_parse_opts): tools/js's are renamed below while its headers are
 * read, and this file alone sees both.
 */
#include "js_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define js_symbol tjs_symbol
#define js_sym_kind tjs_sym_kind
#define js_parse_opts tjs_parse_opts
#include "../js/js_ast.h"
#include "../js/js_parser.h"
#include "../js/js_scope.h"
#include "../js/js_printer.h"
#undef js_symbol
#undef js_sym_kind
#undef js_parse_opts

/* What surrounds an identifier, passed down to it (OCC_* and these). */
enum { X_TARGET = 0x100,   /* assigned to, or the operand of a postfix ++/-- */
       X_MEM_CALL = 0x200, /* a member access that is called: its object gets OCC_MEM_CALL */
       X_INNER = 0x400,    /* an inner link of a member chain (--define matched it already) */
       X_DEFINED = 0x800,  /* within what a --define replaces, or a known global's chain: no getter runs there */
       X_SAFE = 0x1000,    /* an unbound name read here throws nothing: typeof's operand, a guarded branch */
       X_AWAITED = 0x2000 }; /* the operand of await */

enum { W_NONE, W_REQUIRE, W_EVAL };

static const char *const warn_text[] = {
    NULL,
    "warning: this call to \"require\" will not be bundled: its argument is not a string literal",
    "warning: direct eval can see the bundle's renamed variables and may break the program",
};

/* An identifier in an expression, settled after the walk. */
typedef struct pending {
    const js_node *id;
    uint32_t stmt;
    uint32_t mem_start, mem_len;
    int32_t rec;    /* `require("x")`: its import record */
    int32_t define; /* a --define key starting here */
    uint32_t define_end;
    uint8_t flags;  /* OCC_* */
    uint8_t warn;   /* W_*: if the name is the global one */
} pending;

typedef struct rb {
    js_module *m;
    const js_parse_opts *o;
    sl__arena *a;
    const js_ast *ast;
    uint32_t module_scope;
    int32_t *symmap; /* tools/js symbol -> record symbol, -1 */
    size_t symmap_cap;
    uint32_t stmt;
    int fn_depth; /* functions, arrows, class field values and static blocks around */
    int this_depth; /* the same less arrows: 0 where `this` is the module's own */
    const js_node *lead_this; /* a top-level `this` that begins a statement of a list */
    int try_depth; /* try blocks around, in the innermost function (esbuild's tryBodyCount) */
    const js_node *caught_import; /* an import() whose promise gets a .catch() or .then(f, g) */
    int impure;   /* a side effect at the statement's own level */
    int32_t define; /* set by a member chain for the name at its root */
    uint32_t define_end;
    const js_node *define_node; /* the link of the chain the define replaces up to */
    SL_VEC(js_stmt) stmts;
    SL_VEC(uint32_t) stmt_decls;
    SL_VEC(js_symbol) syms;
    SL_VEC(js_import_rec) recs;
    SL_VEC(js_import_binding) imports;
    SL_VEC(js_export) exports;
    SL_VEC(uint32_t) stars;
    SL_VEC(js_occ) occs;
    SL_VEC(js_patch) patches;
    SL_VEC(js_rename) renames;
    SL_VEC(js_patch) tops; /* the module's own `this`, as `(void 0)`: kept if it is an ES module */
    SL_VEC(js_warning) warnings;
    SL_VEC(pending) refs;
    uint32_t with_p1; /* the first `with` statement + 1 */
    uint32_t delete_p1; /* the first `delete x` of a bare name + 1 (sloppy code: tools/js refuses it in strict) */
    uint32_t strict_name_p1; /* the first binding strict code refuses (eval, arguments, let, yield, ...) + 1 */
    const char *strict_name;
    uint32_t return_p1; /* the first top-level `return` + 1 */
    /* Annex B in ES module output (annex_fn): set only when the output is
     * strict and some block function of the file is also a var */
    uint8_t *open;          /* per tools/js scope: the walk is inside it */
    const char **fresh;     /* per tools/js symbol: its name in its block, NULL until needed */
    SL_VEC(const char *) fresh_names;
    const js_node *brace_fn; /* `if (x) function f() {}`: the function to print in braces */
    uint32_t err_pos;
    const char *err_msg;
} rb;

static void expr(rb *b, js_node *n, int ctx);
static void stmt(rb *b, js_node *n);
static void bind(rb *b, js_node *n, int kind, int flags);

/* ---- source text ------------------------------------------------------- */

/* pos past white space and comments. */
static uint32_t skip_space(const char *s, size_t len, uint32_t pos)
{
    while (pos < len) {
        unsigned char c = (unsigned char)s[pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
            pos++;
        } else if (c == '/' && pos + 1 < len && s[pos + 1] == '/') {
            while (pos < len && s[pos] != '\n')
                pos++;
        } else if (c == '/' && pos + 1 < len && s[pos + 1] == '*') {
            const char *e = memmem(s + pos + 2, len - pos - 2, "*/", 2);
            pos = e ? (uint32_t)(e - s) + 2 : (uint32_t)len;
        } else if (c == 0xC2 && pos + 1 < len && (unsigned char)s[pos + 1] == 0xA0) {
            pos += 2;
        } else if (c == 0xE2 && pos + 2 < len && (unsigned char)s[pos + 1] == 0x80 &&
                   ((unsigned char)s[pos + 2] == 0xA8 || (unsigned char)s[pos + 2] == 0xA9)) {
            pos += 3;
        } else if (c == 0xEF && pos + 2 < len && (unsigned char)s[pos + 1] == 0xBB &&
                   (unsigned char)s[pos + 2] == 0xBF) {
            pos += 3;
        } else {
            break;
        }
    }
    return pos;
}

/* pos past the word w (if it is there) and the space after it. */
static uint32_t skip_word(const rb *b, uint32_t pos, const char *w)
{
    size_t n = strlen(w);
    if (pos + n <= b->m->len && !memcmp(b->m->src + pos, w, n))
        pos += (uint32_t)n;
    return skip_space(b->m->src, b->m->len, pos);
}

/* Bytes of the name written at pos (escapes and non-ASCII included). */
static uint32_t name_len(const rb *b, uint32_t pos)
{
    const char *s = b->m->src;
    uint32_t e = pos;
    while (e < b->m->len) {
        unsigned char c = (unsigned char)s[e];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
            c == '\\' || (c >= 0x80 && !(c == 0xE2 && e + 1 < b->m->len && (unsigned char)s[e + 1] == 0x80)))
            e++;
        else if (c == '{' && e > pos && s[e - 1] == 'u') /* \u{...} */
            while (e < b->m->len && s[e++] != '}')
                ;
        else
            break;
    }
    return e - pos;
}

static const char *copy(rb *b, const char *s, size_t n) { return sl__arena_strndup(b->a, s, n); }
static const char *copy_str(rb *b, const js_node *n) { return copy(b, n->s, n->kind == N_STR ? n->n : strlen(n->s)); }

static void side_effect(rb *b)
{
    if (b->fn_depth == 0)
        b->impure = 1;
}

/* ---- symbols ----------------------------------------------------------- */

static int top_level(const rb *b, uint32_t sym)
{
    return sym != JS_NONE && sym < b->ast->nsyms && b->ast->syms[sym].kind != SK_UNBOUND &&
           b->ast->syms[sym].scope == b->module_scope;
}

static int32_t new_symbol(rb *b, const char *name, int kind)
{
    js_symbol s = {.name = name, .kind = (uint8_t)kind, .import_idx = -1, .stmt = (int32_t)b->stmt};
    SL_VEC_PUSH(b->syms, s);
    int32_t id = (int32_t)b->syms.n - 1;
    SL_VEC_PUSH(b->stmt_decls, (uint32_t)id);
    return id;
}

/* --format cjs: the name `exports` or `module` at id (a binding or a
 * reference) is renamed (js_rename); top: it is free or bound at the
 * module's top level. */
static int wrapper_block_fn(const rb *b, uint32_t sym);

static void rename_cjs(rb *b, const js_node *id, const char *name, int shorthand, int top)
{
    if (!b->o->cjs_out || wrapper_block_fn(b, id->aux))
        return;
    int module = !strcmp(name, "module");
    if (!module && strcmp(name, "exports"))
        return;
    js_rename r = {.pos = id->pos, .end = id->pos + name_len(b, id->pos), .module = (uint8_t)module,
                   .shorthand = (uint8_t)!!shorthand, .top = (uint8_t)!!top};
    SL_VEC_PUSH(b->renames, r);
}

/* A name bound here that strict code may not bind: eval, arguments or a
 * word strict code reserves (sloppy code: tools/js refuses it in strict). */
static void strict_name(rb *b, const js_node *id)
{
    const char *n = id->s;
    if (!b->strict_name_p1 && (!strcmp(n, "eval") || !strcmp(n, "arguments") || sl__js_is_strict_reserved(n))) {
        b->strict_name_p1 = id->pos + 1;
        b->strict_name = n;
    }
}

/* A binding identifier: a top-level one gets its symbol at its first
 * declaration, and every declaration is an occurrence. */
static void declare(rb *b, const js_node *id, int kind, int flags)
{
    uint32_t s = id->aux;
    rename_cjs(b, id, id->s, flags & OCC_SHORTHAND, top_level(b, s));
    strict_name(b, id);
    if (!top_level(b, s))
        return;
    if (b->symmap[s] < 0)
        b->symmap[s] = new_symbol(b, copy(b, id->s, strlen(id->s)), kind);
    js_occ o = {.pos = id->pos, .len = name_len(b, id->pos), .sym = (uint32_t)b->symmap[s], .stmt = b->stmt,
                .flags = (uint8_t)(flags | OCC_DECL)};
    SL_VEC_PUSH(b->occs, o);
}

static const char *fresh_name(rb *b, uint32_t sym);
static void patch(rb *b, uint32_t pos, uint32_t end, const char *text);

/* A block function at a CommonJS module's top level named as a
 * parameter of node's module function (exports, require, module,
 * __filename, __dirname): the block's alone, no Annex B var
 * (js_ast.cjs_wrapper).  The bundle's own function for the module has
 * fewer parameters, or none, where the block function would be hoisted
 * over the name: it is printed under a name of its own (fresh_name). */
static int wrapper_block_fn(const rb *b, uint32_t sym)
{
    if (sym >= b->ast->nsyms)
        return 0;
    const tjs_symbol *ts = &b->ast->syms[sym];
    return ts->kind == SK_HOISTED_FN && !(ts->flags & SF_ANNEX_B) && b->ast->scopes[ts->scope].fn == b->module_scope &&
           sl__js_cjs_wrapper_param(ts->name);
}

static pending *ref(rb *b, const js_node *id, int flags)
{
    pending r = {.id = id, .stmt = b->stmt, .rec = -1, .define = -1, .flags = (uint8_t)flags};
    uint32_t s = id->aux;
    /* inside its block the function is the block's binding (annex_fn), or has a name of its own (wrapper_block_fn) */
    if ((b->fresh && wrapper_block_fn(b, s)) ||
        (b->o->strict_out && b->open && s < b->ast->nsyms && (b->ast->syms[s].flags & SF_ANNEX_B) &&
         b->open[b->ast->syms[s].scope])) {
        const char *to = fresh_name(b, s);
        patch(b, id->pos, id->pos + name_len(b, id->pos),
              flags & OCC_SHORTHAND ? sl__arena_printf(b->a, "%s: %s", id->s, to) : to);
    }
    if (b->define >= 0) {
        r.define = b->define;
        r.define_end = b->define_end;
        b->define = -1;
    }
    SL_VEC_PUSH(b->refs, r);
    return &b->refs.v[b->refs.n - 1];
}

static int32_t add_rec(rb *b, const js_node *spec, int kind, uint32_t pos, uint32_t end)
{
    js_import_rec r = {.spec = copy_str(b, spec), .kind = (uint8_t)kind, .pos = pos, .end = end,
                       .stmt = (int32_t)b->stmt, .module = -1, .spec_pos = spec->pos};
    SL_VEC_PUSH(b->recs, r);
    return (int32_t)b->recs.n - 1;
}

static void warn(rb *b, uint32_t pos, const char *msg)
{
    js_warning w = {pos, msg, 0};
    SL_VEC_PUSH(b->warnings, w);
}

static void patch(rb *b, uint32_t pos, uint32_t end, const char *text)
{
    js_patch p = {pos, end, text};
    SL_VEC_PUSH(b->patches, p);
}

/* ---- --define ------------------------------------------------------------ */

static int name_is(const char *s, size_t n, const char *want) { return strlen(want) == n && !memcmp(s, want, n); }

/* The key of one link of a member chain: `.name`, or `["name"]` and
 * `[`name`]` (a string or a template with no substitution or escape), as
 * esbuild matches --define keys through either spelling.  NULL for any
 * other link (a computed key, an optional link). */
static const char *link_key(const js_node *x, size_t *n)
{
    if (x->flags & (JF_OPT_START | JF_OPT_CONT))
        return NULL;
    if (x->kind == N_MEMBER && x->c && x->c->kind == N_STR) {
        *n = x->c->n;
        return x->c->s;
    }
    if (x->kind != N_INDEX || !x->b || (x->b->flags & JF_PARENS))
        return NULL;
    const js_node *k = x->b;
    if (k->kind == N_STR) {
        *n = k->n;
        return k->s;
    }
    if (k->kind == N_TEMPLATE && !k->a && k->n == 1 && k->list[0]->kind == N_TEMPLATE_STR &&
        !memchr(k->list[0]->s, '\\', k->list[0]->n)) {
        *n = k->list[0]->n;
        return k->list[0]->s;
    }
    return NULL;
}

/* Where the link x (a name, `.name` or `["name"]`) ends in the source, or
 * 0 where that cannot be read back (a comment inside the brackets). */
static uint32_t link_end(const rb *b, const js_node *x)
{
    if (x->kind == N_IDENT)
        return x->pos + name_len(b, x->pos);
    if (x->kind == N_MEMBER)
        return x->c->pos + name_len(b, x->c->pos);
    const char *s = b->m->src;
    uint32_t e = x->b->pos, len = (uint32_t)b->m->len;
    if (e >= len || (s[e] != '"' && s[e] != '\'' && s[e] != '`'))
        return 0;
    char q = s[e++];
    while (e < len && s[e] != q)
        e += s[e] == '\\' ? 2 : 1;
    if (e >= len)
        return 0;
    e = skip_space(s, len, e + 1);
    return e < len && s[e] == ']' ? e + 1 : 0;
}

/* n is the outermost node of a member chain `a.b.c` or `a["b"].c` (ctx:
 * what holds it).  The longest --define key that is a prefix of the
 * chain, unless the prefix is the whole chain and it is assigned to, is
 * noted for the name at the root (b->define): esbuild replaces the
 * outermost expression a key names, so `process.env.NODE_ENV` beats
 * `process.env` whatever the order of the flags; of two equal keys the
 * last given wins, as in esbuild. */
static void chain_define(rb *b, js_node *n, int ctx)
{
    js_node *chain[64];
    size_t k = 0, kn;
    for (js_node *x = n;; x = x->a) {
        if (k == 64)
            return;
        chain[k++] = x;
        if (x->kind == N_IDENT)
            break;
        if (!link_key(x, &kn) || (x != n && (x->flags & JF_PARENS)))
            return;
        if (x->a->flags & JF_PARENS)
            return;
    }
    /* chain[k-1] is the root name, chain[0] the whole chain */
    int32_t best = -1;
    for (size_t d = 0; d < b->o->ndefines; d++) {
        const js_define *def = &b->o->defines[d];
        if (def->nparts > k || (best >= 0 && def->nparts < b->o->defines[best].nparts))
            continue;
        size_t ok = 1;
        for (size_t i = 0; i < def->nparts && ok; i++) {
            const js_node *x = chain[k - 1 - i];
            const char *key = x->kind == N_IDENT ? x->s : link_key(x, &kn);
            ok = x->kind == N_IDENT ? !strcmp(key, def->parts[i]) : name_is(key, kn, def->parts[i]);
        }
        if (!ok)
            continue;
        if (chain[k - def->nparts] == n && (ctx & X_TARGET))
            continue;
        best = (int32_t)d;
    }
    if (best < 0)
        return;
    const js_node *last = chain[k - b->o->defines[best].nparts];
    uint32_t end = link_end(b, last);
    if (!end)
        return;
    b->define = best;
    b->define_node = last;
    b->define_end = end;
}

/* `{DEBUG}` with --define DEBUG=...: a one-part key. */
static int32_t shorthand_define(const rb *b, const js_node *id)
{
    for (size_t d = b->o->ndefines; d-- > 0;) /* the last of equal keys wins */
        if (b->o->defines[d].nparts == 1 && !strcmp(b->o->defines[d].parts[0], id->s))
            return (int32_t)d;
    return -1;
}

/* ---- what may be dropped when unused --------------------------------------
 * A top-level statement is dropped when nothing kept reads what it
 * declares and evaluating it can have no effect: esbuild's
 * ExprCanBeRemovedIfUnused.  The walk below calls side_effect() at every
 * node that may run code or throw: a call, an assignment, a property read
 * (a getter), an operator that converts an object (`+o`, `o + 1`, `o < 1`,
 * `${o}` run valueOf or toString), `in` and `instanceof` (they throw on a
 * primitive), a spread (an iterator), a computed key, and a read of a
 * global nothing declares (a ReferenceError, or a getter on the global
 * object) unless it is one of the globals below, `typeof x`, or guarded
 * by `typeof x` (`typeof x < "u" ? x : y`).  Only `!`, `void`, `typeof`,
 * `===`, `!==`, `??`, `&&`, `||`, `,` and `?:` of removable operands are
 * removable, and `==`, `!=`, `<`, ... when both sides are primitives of
 * one known type. */

/* esbuild's known globals (internal/config/globals.go) that browsers and
 * node both have, and its constants: reading them, or the chain written,
 * runs nothing.  Sorted by strcmp.  Its list of DOM classes is left out:
 * a read of one is kept, which is only safer. */
static const char known_globals[][40] = { /* in place: no relocations at start-up */
    "AbortController", "AbortSignal", "AggregateError", "Array", "Array.from", "Array.fromAsync", "Array.isArray",
    "Array.of", "ArrayBuffer", "Atomics", "BigInt", "BigInt64Array", "BigInt64Array.from", "BigInt64Array.of",
    "BigUint64Array", "BigUint64Array.from", "BigUint64Array.of", "Boolean", "DataView", "Date", "Error",
    "EvalError", "Event", "EventTarget", "FinalizationRegistry", "Float16Array", "Float16Array.from",
    "Float16Array.of", "Float32Array", "Float32Array.from", "Float32Array.of", "Float64Array",
    "Float64Array.from", "Float64Array.of", "Function", "Infinity", "Int16Array", "Int16Array.from",
    "Int16Array.of", "Int32Array", "Int32Array.from", "Int32Array.of", "Int8Array", "Int8Array.from",
    "Int8Array.of", "Intl", "Iterator", "JSON", "JSON.isRawJSON", "JSON.parse", "JSON.rawJSON", "JSON.stringify",
    "Map", "Map.groupBy", "Math", "Math.E", "Math.LN10", "Math.LN2", "Math.LOG10E", "Math.LOG2E", "Math.PI",
    "Math.SQRT1_2", "Math.SQRT2", "Math.abs", "Math.acos", "Math.acosh", "Math.asin", "Math.asinh", "Math.atan",
    "Math.atan2", "Math.atanh", "Math.cbrt", "Math.ceil", "Math.clz32", "Math.cos", "Math.cosh", "Math.exp",
    "Math.expm1", "Math.floor", "Math.fround", "Math.hypot", "Math.imul", "Math.log", "Math.log10", "Math.log1p",
    "Math.log2", "Math.max", "Math.min", "Math.pow", "Math.random", "Math.round", "Math.sign", "Math.sin",
    "Math.sinh", "Math.sqrt", "Math.sumPrecise", "Math.tan", "Math.tanh", "Math.trunc", "MessageChannel",
    "MessageEvent", "MessagePort", "NaN", "Number", "Object", "Object.assign", "Object.create",
    "Object.defineProperties", "Object.defineProperty", "Object.entries", "Object.freeze", "Object.fromEntries",
    "Object.getOwnPropertyDescriptor", "Object.getOwnPropertyDescriptors", "Object.getOwnPropertyNames",
    "Object.getOwnPropertySymbols", "Object.getPrototypeOf", "Object.is", "Object.isExtensible",
    "Object.isFrozen", "Object.isSealed", "Object.keys", "Object.preventExtensions",
    "Object.prototype.__defineGetter__", "Object.prototype.__defineSetter__", "Object.prototype.__lookupGetter__",
    "Object.prototype.__lookupSetter__", "Object.prototype.hasOwnProperty", "Object.prototype.isPrototypeOf",
    "Object.prototype.propertyIsEnumerable", "Object.prototype.toLocaleString", "Object.prototype.toString",
    "Object.prototype.unwatch", "Object.prototype.valueOf", "Object.prototype.watch", "Object.seal",
    "Object.setPrototypeOf", "Object.values", "Promise", "Proxy", "RangeError", "ReferenceError", "Reflect",
    "Reflect.apply", "Reflect.construct", "Reflect.defineProperty", "Reflect.deleteProperty", "Reflect.get",
    "Reflect.getOwnPropertyDescriptor", "Reflect.getPrototypeOf", "Reflect.has", "Reflect.isExtensible",
    "Reflect.ownKeys", "Reflect.preventExtensions", "Reflect.set", "Reflect.setPrototypeOf", "RegExp",
    "RegExp.escape", "Set", "SharedArrayBuffer", "String", "Symbol", "Symbol.asyncDispose",
    "Symbol.asyncIterator", "Symbol.dispose", "Symbol.hasInstance", "Symbol.isConcatSpreadable",
    "Symbol.iterator", "Symbol.match", "Symbol.matchAll", "Symbol.replace", "Symbol.search", "Symbol.species",
    "Symbol.split", "Symbol.toPrimitive", "Symbol.toStringTag", "Symbol.unscopables", "SyntaxError",
    "TextDecoder", "TextEncoder", "TypeError", "URIError", "URL", "URLSearchParams", "Uint16Array",
    "Uint16Array.from", "Uint16Array.of", "Uint32Array", "Uint32Array.from", "Uint32Array.of", "Uint8Array",
    "Uint8Array.from", "Uint8Array.fromBase64", "Uint8Array.fromHex", "Uint8Array.of", "Uint8ClampedArray",
    "Uint8ClampedArray.from", "Uint8ClampedArray.of", "WeakMap", "WeakRef", "WeakSet", "WebAssembly",
    "clearInterval", "clearTimeout", "console", "console.assert", "console.clear", "console.count",
    "console.countReset", "console.debug", "console.dir", "console.dirxml", "console.error", "console.group",
    "console.groupCollapsed", "console.groupEnd", "console.info", "console.log", "console.table", "console.time",
    "console.timeEnd", "console.timeLog", "console.trace", "console.warn", "decodeURI", "decodeURIComponent",
    "encodeURI", "encodeURIComponent", "escape", "globalThis", "isFinite", "isNaN", "parseFloat", "parseInt",
    "queueMicrotask", "setInterval", "setTimeout", "undefined", "unescape",
};

static int cmp_name(const void *k, const void *e) { return strcmp(k, e); }

static int unbound(const rb *b, const js_node *id)
{
    return id->aux == JS_NONE || id->aux >= b->ast->nsyms || b->ast->syms[id->aux].kind == SK_UNBOUND;
}

/* n is a global nothing declares, or a chain of up to three static names
 * from one (`Math.PI`, `Object.prototype.hasOwnProperty`), in the list. */
static int known_global(const rb *b, const js_node *n)
{
    const js_node *chain[3];
    size_t k = 0;
    for (; n->kind == N_MEMBER; n = n->a) {
        if (k == 2 || (n->flags & (JF_OPT_START | JF_OPT_CONT)) || n->c->kind != N_STR)
            return 0;
        chain[k++] = n;
    }
    if (n->kind != N_IDENT || !unbound(b, n))
        return 0;
    char name[80];
    size_t len = strlen(n->s);
    if (len >= sizeof name)
        return 0;
    memcpy(name, n->s, len);
    while (k--) {
        const js_node *c = chain[k]->c;
        if (len + 1 + c->n >= sizeof name || memchr(c->s, 0, c->n))
            return 0;
        name[len++] = '.';
        memcpy(name + len, c->s, c->n);
        len += c->n;
    }
    name[len] = 0;
    return bsearch(name, known_globals, sizeof known_globals / sizeof known_globals[0], sizeof known_globals[0],
                   cmp_name) != NULL;
}

/* The primitive type an expression has for sure (esbuild's KnownPrimitiveType). */
enum { P_UNKNOWN, P_MIXED, P_UNDEF, P_NULL, P_BOOL, P_NUM, P_STR, P_BIGINT };

static int prim(const rb *b, const js_node *n);

static int merged(const rb *b, const js_node *x, const js_node *y)
{
    int p = prim(b, x), q = prim(b, y);
    if (p == P_UNKNOWN || q == P_UNKNOWN)
        return P_UNKNOWN;
    return p == q ? p : P_MIXED;
}

static int prim(const rb *b, const js_node *n)
{
    switch (n->kind) {
    case N_NULL: return P_NULL;
    case N_BOOL: return P_BOOL;
    case N_NUM: return P_NUM;
    case N_STR: return P_STR;
    case N_BIGINT: return P_BIGINT;
    case N_TEMPLATE: return n->a ? P_UNKNOWN : P_STR;
    case N_IDENT:
        if (!unbound(b, n))
            return P_UNKNOWN;
        return !strcmp(n->s, "undefined") ? P_UNDEF
               : !strcmp(n->s, "NaN") || !strcmp(n->s, "Infinity") ? P_NUM : P_UNKNOWN;
    case N_COND: return merged(b, n->b, n->c);
    case N_SEQ: return n->n ? prim(b, n->list[n->n - 1]) : P_UNKNOWN;
    case N_UPDATE: return P_MIXED;
    case N_UNARY:
        switch (n->op) {
        case JU_VOID: return P_UNDEF;
        case JU_TYPEOF: return P_STR;
        case JU_NOT: case JU_DELETE: return P_BOOL;
        case JU_POS: return P_NUM;
        default: { /* - ~ */
            int p = prim(b, n->a);
            return p == P_BIGINT ? P_BIGINT : p != P_UNKNOWN && p != P_MIXED ? P_NUM : P_MIXED;
        }
        }
    case N_ASSIGN:
        if (n->op == JB_NONE)
            return prim(b, n->b);
        return n->op == JB_ADD && prim(b, n->b) == P_STR ? P_STR : P_MIXED;
    case N_BINARY:
        switch (n->op) {
        case JB_LT: case JB_LE: case JB_GT: case JB_GE: case JB_IN: case JB_INSTANCEOF:
        case JB_LOOSE_EQ: case JB_LOOSE_NE: case JB_STRICT_EQ: case JB_STRICT_NE:
            return P_BOOL;
        case JB_OR: case JB_AND:
            return merged(b, n->a, n->b);
        case JB_NULLISH: {
            int l = prim(b, n->a), r = prim(b, n->b);
            if (l == P_NULL || l == P_UNDEF)
                return r;
            if (l == P_UNKNOWN)
                return P_UNKNOWN;
            return l != P_MIXED ? l : r != P_UNKNOWN ? P_MIXED : P_UNKNOWN;
        }
        case JB_ADD: {
            int l = prim(b, n->a), r = prim(b, n->b);
            if (l == P_STR || r == P_STR)
                return P_STR;
            if (l == P_BIGINT && r == P_BIGINT)
                return P_BIGINT;
            if (l > P_MIXED && l != P_BIGINT && r > P_MIXED && r != P_BIGINT)
                return P_NUM;
            return P_MIXED;
        }
        default:
            return P_MIXED;
        }
    default:
        return P_UNKNOWN;
    }
}

static int is_typeof_ident(const js_node *n)
{
    return n->kind == N_UNARY && n->op == JU_TYPEOF && n->a->kind == N_IDENT && !(n->a->flags & JF_PARENS);
}

/* value is a global read that guard makes safe where guard is `yes`:
 * `typeof x !== "undefined" ? x : y`, `typeof x === "object" && x`,
 * `typeof x > "u" ? x : y` (esbuild's isSideEffectFreeUnboundIdentifierRef). */
static int guarded(const rb *b, const js_node *value, const js_node *guard, int yes)
{
    if (value->kind != N_IDENT || !unbound(b, value) || guard->kind != N_BINARY)
        return 0;
    const js_node *t = guard->a, *str = guard->b;
    int op = guard->op;
    if (t->kind == N_STR) {
        t = guard->b, str = guard->a;
        if (op == JB_LT || op == JB_LE || op == JB_GT || op == JB_GE)
            yes = !yes; /* "u" > typeof x */
    }
    if (!is_typeof_ident(t) || str->kind != N_STR || strcmp(t->a->s, value->s) || !unbound(b, t->a))
        return 0;
    switch (op) {
    case JB_STRICT_EQ: case JB_STRICT_NE: case JB_LOOSE_EQ: case JB_LOOSE_NE:
        return (name_is(str->s, str->n, "undefined") == yes) == (op == JB_STRICT_NE || op == JB_LOOSE_NE);
    case JB_LT: case JB_LE: case JB_GT: case JB_GE:
        return name_is(str->s, str->n, "u") && yes == (op == JB_LT || op == JB_LE);
    default:
        return 0;
    }
}

/* A computed key that converts nothing: a primitive literal or a well-known symbol. */
static int plain_key(const rb *b, const js_node *k)
{
    int p = prim(b, k);
    return (k->kind == N_NULL || k->kind == N_BOOL || k->kind == N_NUM || k->kind == N_STR || k->kind == N_BIGINT ||
            (k->kind == N_IDENT && p == P_UNDEF)) ||
           (k->kind == N_MEMBER && k->a->kind == N_IDENT && !strcmp(k->a->s, "Symbol") && known_global(b, k));
}

/* The operator of n converts or throws nothing when its operands are
 * removable (the operands are walked, and checked, on their own). */
static int binary_is_clean(const rb *b, const js_node *n)
{
    switch (n->op) {
    case JB_STRICT_EQ: case JB_STRICT_NE: case JB_NULLISH: case JB_OR: case JB_AND:
        return 1;
    case JB_LOOSE_EQ: case JB_LOOSE_NE: {
        int p = prim(b, n->a);
        return p > P_MIXED && p == prim(b, n->b);
    }
    case JB_LT: case JB_LE: case JB_GT: case JB_GE: {
        int p = prim(b, n->a);
        return (p == P_STR || p == P_NUM || p == P_BIGINT) && p == prim(b, n->b);
    }
    default:
        return 0;
    }
}

/* ---- expressions --------------------------------------------------------- */

static void list(rb *b, js_node *n)
{
    for (uint32_t i = 0; i < n->n; i++)
        if (n->list[i])
            expr(b, n->list[i], 0);
}

/* The `this` an expression statement begins with, if any. */
static const js_node *leading_this(const js_node *n)
{
    if (!n || n->kind != N_EXPR)
        return NULL;
    for (const js_node *x = n->a; x && !(x->flags & JF_PARENS);) {
        switch (x->kind) {
        case N_THIS:
            return x;
        case N_MEMBER: case N_INDEX: case N_CALL: case N_TEMPLATE: case N_BINARY: case N_ASSIGN: case N_COND:
            x = x->a;
            break;
        case N_UPDATE:
            x = x->op == JU_POST_INC || x->op == JU_POST_DEC ? x->a : NULL;
            break;
        case N_SEQ:
            x = x->n ? x->list[0] : NULL;
            break;
        default:
            return NULL;
        }
    }
    return NULL;
}

/* A statement of a list (a body, a block, a case): not the body of an
 * `if` or a loop, where a `;` before it would end that statement. */
static void list_stmt(rb *b, js_node *n)
{
    b->lead_this = b->this_depth == 0 ? leading_this(n) : NULL;
    stmt(b, n);
}

/* The walk enters scope sc (annex_fn's renames look at what is open);
 * returns what leave_scope restores. */
static uint8_t enter_scope(rb *b, uint32_t sc)
{
    if (!b->open || sc >= b->ast->nscopes)
        return 0;
    uint8_t was = b->open[sc];
    b->open[sc] = 1;
    return was;
}

static void leave_scope(rb *b, uint32_t sc, uint8_t was)
{
    if (b->open && sc < b->ast->nscopes)
        b->open[sc] = was;
}

static void block_body(rb *b, js_node *blk)
{
    if (!blk)
        return;
    uint8_t was = enter_scope(b, blk->aux);
    for (uint32_t i = 0; i < blk->n; i++)
        list_stmt(b, blk->list[i]);
    leave_scope(b, blk->aux, was);
}

static void params(rb *b, js_node *fn)
{
    for (uint32_t i = 0; i < fn->n; i++)
        bind(b, fn->list[i], SYM_VAR, 0);
}

/* Into a function's body (or a class field's value, a static block):
 * what runs there runs later, and a try around the function does not
 * catch what its body throws then.  Returns what leave_fn restores. */
static int enter_fn(rb *b)
{
    int tries = b->try_depth;
    b->fn_depth++;
    b->try_depth = 0;
    return tries;
}

static void leave_fn(rb *b, int tries)
{
    b->fn_depth--;
    b->try_depth = tries;
}

/* The name a block function has in its block when Annex B's var of the
 * same name is printed beside it: the name and 2, 3, ... that no name of
 * the module (in any scope, free or bound) is, as esbuild names it. */
static const char *fresh_name(rb *b, uint32_t sym)
{
    if (b->fresh[sym])
        return b->fresh[sym];
    const char *base = b->ast->syms[sym].name;
    for (unsigned k = 2;; k++) {
        const char *s = sl__arena_printf(b->a, "%s%u", base, k);
        int taken = 0;
        for (uint32_t i = 0; i < b->ast->nsyms && !taken; i++)
            taken = !strcmp(b->ast->syms[i].name, s);
        for (size_t i = 0; i < b->fresh_names.n && !taken; i++)
            taken = !strcmp(b->fresh_names.v[i], s);
        if (!taken) {
            SL_VEC_PUSH(b->fresh_names, s);
            return b->fresh[sym] = s;
        }
    }
}

/* Annex B.3.3 in ES module output.  In sloppy code `{ function f() {} }`
 * also assigns the function to the var f of the enclosing function when
 * the declaration is evaluated; ES module output is strict, where f would
 * be the block's alone (a ReferenceError outside).  As esbuild keeps it,
 * the block's function gets a name of its own, used inside the block, and
 * the declaration assigns the var: `{ var f = f2; function f2() {} }` (the
 * function is hoisted in its block, so the var gets it where the
 * declaration stood).  The var lands in the module's own function when
 * the function is at its top level: a module so printed stays wrapped
 * (MF_CJS_ONLY), where the name is its own.  `if (x) function f() {}`
 * (a SyntaxError in strict code) is printed in braces. */
static void annex_fn(rb *b, js_node *fn)
{
    int brace = fn == b->brace_fn;
    b->brace_fn = NULL;
    uint32_t s = fn->a ? fn->a->aux : JS_NONE;
    if (!b->open || s >= b->ast->nsyms || !(b->ast->syms[s].flags & SF_ANNEX_B)) {
        if (brace)
            patch(b, fn->pos, fn->pos, "{ ");
        return;
    }
    if (b->ast->scopes[b->ast->syms[s].scope].fn == b->module_scope)
        b->m->flags |= MF_CJS_ONLY;
    uint32_t end = fn->a->pos + name_len(b, fn->a->pos);
    patch(b, fn->pos, end,
          sl__arena_printf(b->a, "%svar %s = %s; function %s", brace ? "{ " : "", fn->a->s, fresh_name(b, s),
                           fresh_name(b, s)));
}

/* A function or method: name (a declaration binds it outside), params, body. */
static void function(rb *b, js_node *fn, int is_decl)
{
    uint32_t annex_scope = JS_NONE;
    uint8_t was = 0;
    if (is_decl && b->o->strict_out) {
        annex_fn(b, fn);
        if (b->open && fn->a && fn->a->aux < b->ast->nsyms && (b->ast->syms[fn->a->aux].flags & SF_ANNEX_B)) {
            annex_scope = b->ast->syms[fn->a->aux].scope; /* the block: `if (x) function f() {}` has no node of it */
            was = enter_scope(b, annex_scope);
        }
    }
    if (is_decl && fn->a && b->fresh && wrapper_block_fn(b, fn->a->aux))
        patch(b, fn->a->pos, fn->a->pos + name_len(b, fn->a->pos), fresh_name(b, fn->a->aux));
    if (is_decl && fn->a)
        declare(b, fn->a, SYM_FUNCTION, 0);
    else if (fn->a && fn->a->kind == N_IDENT) { /* a function expression's own name */
        rename_cjs(b, fn->a, fn->a->s, 0, 0);
        strict_name(b, fn->a);
    }
    int tries = enter_fn(b);
    b->this_depth++;
    params(b, fn);
    block_body(b, fn->b);
    b->this_depth--;
    leave_fn(b, tries);
    if (annex_scope != JS_NONE)
        leave_scope(b, annex_scope, was);
}

static void arrow(rb *b, js_node *fn)
{
    int tries = enter_fn(b);
    params(b, fn);
    if (fn->flags & JF_EXPR_BODY)
        expr(b, fn->b, 0);
    else
        block_body(b, fn->b);
    leave_fn(b, tries);
}

static void class_member(rb *b, js_node *m)
{
    if (m->d && m->d->n) { /* decorators run when the class is defined */
        side_effect(b);
        list(b, m->d);
    }
    if (m->flags & JF_COMPUTED) {
        side_effect(b);
        expr(b, m->a, 0);
    }
    if (!m->b)
        return;
    switch (m->op) {
    case JP_STATIC_BLOCK: {
        side_effect(b);
        int tries = enter_fn(b);
        b->this_depth++;
        block_body(b, m->b);
        b->this_depth--;
        leave_fn(b, tries);
        return;
    }
    case JP_FIELD: case JP_ACCESSOR: {
        if (m->flags & JF_STATIC)
            side_effect(b);
        int tries = enter_fn(b);
        b->this_depth++;
        expr(b, m->b, 0);
        b->this_depth--;
        leave_fn(b, tries);
        return;
    }
    default:
        function(b, m->b, 0);
    }
}

static void class(rb *b, js_node *c, int is_decl)
{
    if (c->c && c->c->n) {
        side_effect(b);
        list(b, c->c);
    }
    if (is_decl && c->a)
        declare(b, c->a, SYM_CLASS, 0);
    else if (c->a && c->a->kind == N_IDENT) /* a class expression's own name */
        rename_cjs(b, c->a, c->a->s, 0, 0);
    /* `extends E` counts as what evaluating E does, as in esbuild (and
     * Rollup, Terser): that E may not be a constructor, which would throw,
     * is set aside, or no class with a base class could ever be dropped
     * (@tanstack/query-core's unused observers: +45% minified). */
    if (c->b)
        expr(b, c->b, 0);
    for (uint32_t i = 0; i < c->n; i++)
        class_member(b, c->list[i]);
}

/* An object literal, or (target: X_TARGET) an object pattern assigned to:
 * then each property's value and the rest element are targets too, so
 * no --define replaces them (`({a: DEBUG} = o)` kept valid JavaScript). */
static void object(rb *b, js_node *o, int target)
{
    for (uint32_t i = 0; i < o->n; i++) {
        js_node *p = o->list[i];
        if (p->kind != N_PROPERTY) {
            expr(b, p->kind == N_SPREAD && target ? p->a : p, target);
            continue;
        }
        if (p->flags & JF_COMPUTED) {
            if (!plain_key(b, p->a)) /* its toString runs */
                side_effect(b);
            expr(b, p->a, 0);
        }
        js_node *id = p->b && p->b->kind == N_ASSIGN ? p->b->a : p->b; /* `{a = 1} = o` */
        if ((p->flags & JF_SHORTHAND) && id && id->kind == N_IDENT) {
            b->define = target ? -1 : shorthand_define(b, id);
            b->define_end = id->pos + name_len(b, id->pos);
            if (b->define < 0 && unbound(b, id) && !known_global(b, id))
                side_effect(b);
            ref(b, id, OCC_SHORTHAND | (target ? OCC_WRITE : 0));
            if (id != p->b) {
                side_effect(b);
                expr(b, p->b->b, 0);
            }
        } else if (p->b && p->b->kind == N_FUNCTION && p->op != JP_INIT) {
            function(b, p->b, 0);
        } else if (p->b) {
            expr(b, p->b, target);
        }
        if (p->c)
            expr(b, p->c, 0);
    }
}

/* `require("x")` / `eval(...)` called by name. */
static void call_by_name(rb *b, js_node *call)
{
    js_node *id = call->a;
    pending *r = ref(b, id, OCC_CALL);
    if (!strcmp(id->s, "require")) {
        js_node *arg = call->n == 1 ? call->list[0] : NULL;
        if (arg && arg->kind == N_STR && !(arg->flags & JF_PARENS)) {
            r->rec = add_rec(b, arg, IR_REQUIRE, call->pos, call->aux);
            b->recs.v[r->rec].caught = b->try_depth > 0;
        } else {
            r->warn = W_REQUIRE;
        }
    } else if (!strcmp(id->s, "eval")) {
        r->warn = W_EVAL;
    }
}

static int plain_ident(const js_node *n) { return n->kind == N_IDENT && !(n->flags & JF_PARENS); }

/* `Symbol()` or `Symbol(primitive)` of the global Symbol: it cannot throw. */
static int symbol_call(const rb *b, const js_node *n)
{
    return plain_ident(n->a) && !strcmp(n->a->s, "Symbol") && unbound(b, n->a) &&
           (n->n == 0 || (n->n == 1 && n->list[0]->kind != N_SPREAD && prim(b, n->list[0]) != P_UNKNOWN));
}

/* `import("x").then(f).catch(g)`, `import("x").then(f, g)`: the
 * import() at the root of a chain of .then/.catch calls one of which
 * handles a rejection is noted in b->caught_import (esbuild's
 * thenCatchChain). */
static void note_caught_import(rb *b, const js_node *call)
{
    int caught = 0;
    for (const js_node *x = call; x->kind == N_CALL; x = x->a->a) {
        const js_node *m = x->a;
        if (m->kind != N_MEMBER || (m->flags & JF_OPT_START) || m->c->kind != N_STR)
            return;
        if (name_is(m->c->s, m->c->n, "catch"))
            caught = 1;
        else if (name_is(m->c->s, m->c->n, "then"))
            caught |= x->n >= 2;
        else
            return;
        if (m->a->kind == N_IMPORT_CALL) {
            if (caught)
                b->caught_import = m->a;
            return;
        }
    }
}

static void call(rb *b, js_node *n)
{
    int opt = n->flags & JF_OPT_START;
    note_caught_import(b, n);
    int pure = !opt && ((n->flags & JF_PURE) || symbol_call(b, n));
    if (!pure)
        side_effect(b);
    int impure = b->impure;
    if (!opt && plain_ident(n->a))
        call_by_name(b, n);
    else if (!opt && n->a->kind == N_MEMBER && !(n->a->flags & JF_PARENS))
        expr(b, n->a, X_MEM_CALL);
    else
        expr(b, n->a, 0);
    if (pure) /* as esbuild: the annotation covers the callee; the arguments still count */
        b->impure = impure;
    list(b, n);
}

static void member(rb *b, js_node *n, int ctx)
{
    if (b->o->ndefines && b->define < 0 && !(ctx & X_INNER))
        chain_define(b, n, ctx);
    if (b->define >= 0 && b->define_node == n)
        ctx |= X_DEFINED;
    if (!(ctx & X_DEFINED) && known_global(b, n))
        ctx |= X_DEFINED;
    if (!(ctx & X_DEFINED))
        side_effect(b);
    int flat = !(n->flags & (JF_OPT_START)) && n->c && n->c->kind == N_STR && plain_ident(n->a);
    if (flat) {
        int defined = b->define >= 0;
        /* `ns.x = v`, `ns.x++`, `delete ns.x`: written through the namespace object, which refuses (node's TypeError) */
        int write = ctx & (X_TARGET | OCC_WRITE) ? OCC_WRITE : 0;
        pending *r = ref(b, n->a, defined ? 0 : OCC_MEMBER | write | (ctx & X_MEM_CALL ? OCC_MEM_CALL : 0));
        if (!defined) {
            r->mem_start = n->c->pos;
            r->mem_len = name_len(b, n->c->pos);
        }
        return;
    }
    expr(b, n->a, X_INNER | (ctx & X_DEFINED));
}

/* Returns 1 when the member access after it was replaced too (no getter runs). */
static int import_meta(rb *b, js_node *n, js_node *parent_member)
{
    static const struct { const char *prop, *text; } node[] = {
        {"url", "require(\"url\").pathToFileURL(__filename).href"},
        {"dirname", "__dirname"},
        {"filename", "__filename"}};
    b->m->flags |= MF_ESM_SYNTAX;
    if (b->o->import_meta == JS_META_KEEP)
        return 0;
    if (b->o->import_meta == JS_META_NODE_CJS && parent_member)
        for (size_t i = 0; i < sizeof node / sizeof node[0]; i++)
            if (name_is(parent_member->c->s, parent_member->c->n, node[i].prop)) {
                patch(b, n->pos, parent_member->c->pos + name_len(b, parent_member->c->pos), node[i].text);
                return 1;
            }
    uint32_t end = skip_word(b, n->pos, "import");
    end = skip_space(b->m->src, b->m->len, end + 1);
    end += name_len(b, end);
    patch(b, n->pos, end, "({})");
    warn(b, n->pos, "warning: \"import.meta\" is not available in this output format and will be empty");
    return 0;
}

static void expr(rb *b, js_node *n, int ctx)
{
    if (!n)
        return;
    switch (n->kind) {
    case N_IDENT:
        if (b->o->ndefines && b->define < 0 && !(ctx & X_INNER))
            chain_define(b, n, ctx);
        if (!(ctx & (X_SAFE | X_DEFINED | X_TARGET)) && !(b->define >= 0 && b->define_node == n) && unbound(b, n) &&
            !known_global(b, n))
            side_effect(b); /* a ReferenceError, or a getter on the global object */
        ref(b, n, ((n->flags & JF_PARENS) ? 0 : ctx & OCC_CALL) | (ctx & (X_TARGET | OCC_WRITE) ? OCC_WRITE : 0));
        return;
    case N_THIS:
        /* Top-level `this` is undefined in an ES module and module.exports
         * in CommonJS (after the walk: a module's kind needs all of it).
         * In parentheses, as `this.x` must stay a member access (`void 0.x`
         * would not), and after a `;` where it begins a statement of a
         * list, so that the line before cannot take the `(` as a call. */
        if (b->this_depth == 0) {
            js_patch p = {n->pos, n->pos + 4, n == b->lead_this ? ";(void 0)" : "(void 0)"};
            SL_VEC_PUSH(b->tops, p);
        }
        return;
    case N_IMPORT_META:
        (void)import_meta(b, n, NULL);
        return;
    case N_TEMPLATE:
        if (n->a) {
            side_effect(b);
            expr(b, n->a, plain_ident(n->a) ? OCC_CALL : 0);
        }
        for (uint32_t i = 1; i < n->n; i += 2) {
            if (prim(b, n->list[i]) == P_UNKNOWN) /* an object's toString runs */
                side_effect(b);
            expr(b, n->list[i], 0);
        }
        return;
    case N_ARRAY:
        for (uint32_t i = 0; i < n->n; i++) {
            js_node *x = n->list[i];
            if (ctx & X_TARGET) /* a pattern: its elements (and rest) are assigned to */
                expr(b, x->kind == N_SPREAD ? x->a : x, X_TARGET);
            else /* `...[a, b]` runs the built-in array iterator: nothing */
                expr(b, x->kind == N_SPREAD && x->a->kind == N_ARRAY ? x->a : x, 0);
        }
        return;
    case N_SEQ:
        list(b, n);
        return;
    case N_OBJECT:
        object(b, n, ctx & X_TARGET);
        return;
    case N_FUNCTION:
        function(b, n, 0);
        return;
    case N_ARROW:
        arrow(b, n);
        return;
    case N_CLASS:
        class(b, n, 0);
        return;
    case N_UNARY:
        if (n->op == JU_TYPEOF && n->a->kind == N_IDENT) { /* `typeof x` throws nothing */
            expr(b, n->a, X_SAFE);
            return;
        }
        /* `+o`, `-o`, `~o` run valueOf */
        if (!(n->op == JU_NOT || n->op == JU_VOID || n->op == JU_TYPEOF || (n->op == JU_NEG && n->a->kind == N_BIGINT)))
            side_effect(b);
        if (n->op == JU_DELETE && n->a->kind == N_IDENT && !b->delete_p1)
            b->delete_p1 = n->pos + 1;
        expr(b, n->a, n->op == JU_DELETE && n->a->kind == N_MEMBER ? OCC_WRITE : 0);
        return;
    case N_UPDATE:
        side_effect(b);
        expr(b, n->a, n->op == JU_POST_INC || n->op == JU_POST_DEC ? OCC_WRITE | X_TARGET : OCC_WRITE);
        return;
    case N_BINARY:
        if (!binary_is_clean(b, n))
            side_effect(b);
        expr(b, n->a, 0);
        expr(b, n->b, (n->op == JB_AND || n->op == JB_OR) && guarded(b, n->b, n->a, n->op == JB_AND) ? X_SAFE : 0);
        return;
    case N_ASSIGN:
        side_effect(b);
        expr(b, n->a, X_TARGET);
        expr(b, n->b, 0);
        return;
    case N_COND:
        expr(b, n->a, 0);
        expr(b, n->b, guarded(b, n->b, n->a, 1) ? X_SAFE : 0);
        expr(b, n->c, guarded(b, n->c, n->a, 0) ? X_SAFE : 0);
        return;
    case N_CALL:
        call(b, n);
        return;
    case N_NEW: {
        if (!(n->flags & JF_PURE))
            side_effect(b);
        int impure = b->impure;
        if (n->a->kind == N_MEMBER && n->aux != JS_NONE && !(n->a->flags & JF_PARENS))
            expr(b, n->a, X_MEM_CALL);
        else
            expr(b, n->a, n->aux != JS_NONE ? OCC_CALL : 0);
        if (n->flags & JF_PURE)
            b->impure = impure;
        list(b, n);
        return;
    }
    case N_MEMBER:
        if (n->a->kind == N_IMPORT_META && !(n->flags & JF_OPT_START) && n->c->kind == N_STR) {
            if (!import_meta(b, n->a, n))
                side_effect(b);
            return;
        }
        member(b, n, ctx);
        return;
    case N_INDEX: {
        /* `a["b"]` is a link of a member chain --define may name, as `a.b` */
        size_t kn;
        int link = link_key(n, &kn) != NULL;
        if (link && b->o->ndefines && b->define < 0 && !(ctx & X_INNER))
            chain_define(b, n, ctx);
        if (b->define >= 0 && b->define_node == n)
            ctx |= X_DEFINED;
        if (!(ctx & X_DEFINED))
            side_effect(b);
        expr(b, n->a, link ? X_INNER | (ctx & X_DEFINED) : 0);
        expr(b, n->b, 0);
        return;
    }
    case N_SPREAD: /* an iterator, or an object's getters */
        side_effect(b);
        expr(b, n->a, 0);
        return;
    case N_YIELD:
        side_effect(b);
        expr(b, n->a, 0);
        return;
    case N_AWAIT:
        side_effect(b);
        if (b->fn_depth == 0 && !(b->m->flags & MF_TLA)) {
            b->m->flags |= MF_TLA;
            b->m->tla_pos = n->pos;
        }
        expr(b, n->a, X_AWAITED);
        return;
    case N_IMPORT_CALL:
        side_effect(b);
        if (n->a && n->a->kind == N_STR && !(n->a->flags & JF_PARENS)) {
            int32_t rec = add_rec(b, n->a, IR_DYNAMIC, n->pos, n->aux);
            b->recs.v[rec].caught = ((ctx & X_AWAITED) && b->try_depth > 0) || n == b->caught_import;
        } else
            warn(b, n->pos, "warning: this \"import()\" will not be bundled: its argument is not a string literal");
        expr(b, n->a, 0);
        expr(b, n->b, 0);
        return;
    default:
        return; /* literals, super, new.target */
    }
}

/* ---- patterns and statements --------------------------------------------- */

static void bind(rb *b, js_node *n, int kind, int flags)
{
    if (!n)
        return;
    switch (n->kind) {
    case N_IDENT:
        declare(b, n, kind, flags);
        return;
    case N_ARRAY:
        for (uint32_t i = 0; i < n->n; i++)
            if (n->list[i]->kind != N_HOLE)
                bind(b, n->list[i], kind, 0);
        return;
    case N_OBJECT:
        for (uint32_t i = 0; i < n->n; i++) {
            js_node *p = n->list[i];
            if (p->kind != N_PROPERTY) {
                bind(b, p, kind, 0);
                continue;
            }
            if (p->flags & JF_COMPUTED)
                expr(b, p->a, 0);
            bind(b, p->b, kind, (p->flags & JF_SHORTHAND) ? OCC_SHORTHAND : 0);
            if (p->c)
                expr(b, p->c, 0);
        }
        return;
    case N_ASSIGN:
        bind(b, n->a, kind, flags);
        expr(b, n->b, 0);
        return;
    case N_SPREAD:
        bind(b, n->a, kind, 0);
        return;
    default:
        expr(b, n, 0); /* a member expression as an assignment target */
    }
}

static int sym_kind_of_var(int op) { return op == JV_VAR ? SYM_VAR : op == JV_LET ? SYM_LET : SYM_CONST; }

/* Destructuring runs getters and iterators, except an array pattern of
 * names over an array literal (the built-in iterator), as esbuild says. */
static int plain_binding(const js_node *t, const js_node *init)
{
    if (t->kind == N_IDENT)
        return 1;
    if (t->kind != N_ARRAY || !init || init->kind != N_ARRAY)
        return 0;
    for (uint32_t i = 0; i < t->n; i++) {
        const js_node *x = t->list[i];
        if (x->kind == N_ASSIGN)
            x = x->a;
        if (x->kind != N_IDENT && x->kind != N_HOLE)
            return 0;
    }
    return 1;
}

static void var_decl(rb *b, js_node *v)
{
    if (v->op == JV_AWAIT_USING)
        side_effect(b);
    for (uint32_t i = 0; i < v->n; i++) {
        js_node *init = v->list[i]->b;
        if (!plain_binding(v->list[i]->a, init))
            side_effect(b);
        /* `using` calls the value's dispose method unless there is none */
        if (v->op == JV_USING && init && prim(b, init) != P_NULL && prim(b, init) != P_UNDEF)
            side_effect(b);
        bind(b, v->list[i]->a, sym_kind_of_var(v->op), 0);
        expr(b, init, 0);
    }
}

/* The head of a for-in/of or for: a declaration or an expression. */
static void for_head(rb *b, js_node *h)
{
    if (h && h->kind == N_VAR)
        var_decl(b, h);
    else
        expr(b, h, X_TARGET);
}

/* `for (var k = init in o)`, sloppy code's only (Annex B), in strict
 * output: `for (var k in (k = init, o))`, which runs init, then o, as
 * esbuild's rewrite does, each piece of text where it was.  The tokens
 * around must be the plain `=`, `in` and `)` (white space between, no
 * comment), else the file is refused in esbuild's words for the strict
 * error.  At the top level the var is the module's own: it stays wrapped
 * (MF_CJS_ONLY), where the name is as written. */
static void for_in_init(rb *b, const js_node *n)
{
    const char *s = b->m->src;
    const js_node *id = n->a->list[0]->a;
    uint32_t eq = id->pos + name_len(b, id->pos), in = n->b->pos, rp = n->c->pos;
    while (eq < b->m->len && (s[eq] == ' ' || s[eq] == '\t' || s[eq] == '\n' || s[eq] == '\r'))
        eq++;
    while (in > 0 && (s[in - 1] == ' ' || s[in - 1] == '\t' || s[in - 1] == '\n' || s[in - 1] == '\r' ||
                      s[in - 1] == '('))
        in--;
    while (rp > 0 && (s[rp - 1] == ' ' || s[rp - 1] == '\t' || s[rp - 1] == '\n' || s[rp - 1] == '\r'))
        rp--;
    in -= 2;
    if (eq >= b->m->len || s[eq] != '=' || in < eq || s[in] != 'i' || s[in + 1] != 'n' || !rp || s[rp - 1] != ')') {
        if (!b->err_msg) {
            b->err_pos = n->a->list[0]->b->pos;
            b->err_msg = "Variable initializers inside for-in loops cannot be used with the \"esm\" output format due "
                         "to strict mode";
        }
        return;
    }
    if (b->fn_depth == 0)
        b->m->flags |= MF_CJS_ONLY;
    patch(b, eq, eq + 1, sl__arena_printf(b->a, "in (%s =", id->s));
    patch(b, in, in + 2, ",");
    patch(b, rp - 1, rp - 1, ")");
}

/* A branch of `if`: `if (x) function f() {}` (sloppy code's only) is
 * printed in braces in strict output (annex_fn writes the `{`). */
static void if_branch(rb *b, const js_node *n, js_node *br)
{
    if (!br)
        return;
    if (!b->o->strict_out || br->kind != N_FUNC_DECL) {
        stmt(b, br);
        return;
    }
    uint32_t end = 0;
    for (uint32_t k = 0; k < b->ast->nspans && !end; k++)
        if (b->ast->spans[k].node == n)
            end = br == n->b ? b->ast->spans[k].b_end : b->ast->spans[k].c_end;
    b->brace_fn = br;
    stmt(b, br);
    if (end && b->m->src[end - 1] == '}') /* the body's own `}`: cut with it where the branch is dead */
        patch(b, end - 1, end, "} }");
}

static void stmt(rb *b, js_node *n)
{
    if (!n)
        return;
    switch (n->kind) {
    case N_EXPR:
        expr(b, n->a, 0);
        return;
    case N_VAR:
        var_decl(b, n);
        return;
    case N_FUNC_DECL:
        function(b, n, 1);
        return;
    case N_CLASS_DECL:
        class(b, n, 1);
        return;
    case N_BLOCK:
        block_body(b, n);
        return;
    case N_IF:
        side_effect(b);
        expr(b, n->a, 0);
        if_branch(b, n, n->b);
        if_branch(b, n, n->c);
        return;
    case N_FOR:
        side_effect(b);
        for_head(b, n->a);
        expr(b, n->b, 0);
        expr(b, n->d, 0);
        stmt(b, n->c);
        return;
    case N_FOR_IN: case N_FOR_OF:
        side_effect(b);
        if (b->o->strict_out && n->kind == N_FOR_IN && n->a && n->a->kind == N_VAR && n->a->list[0]->b)
            for_in_init(b, n);
        for_head(b, n->a);
        expr(b, n->b, 0);
        stmt(b, n->c);
        return;
    case N_WHILE: case N_WITH:
        if (n->kind == N_WITH && !b->with_p1)
            b->with_p1 = n->pos + 1;
        side_effect(b);
        expr(b, n->a, 0);
        stmt(b, n->b);
        return;
    case N_DO_WHILE:
        side_effect(b);
        stmt(b, n->a);
        expr(b, n->b, 0);
        return;
    case N_RETURN: case N_THROW:
        side_effect(b);
        if (n->kind == N_RETURN && b->fn_depth == 0 && !b->return_p1)
            b->return_p1 = n->pos + 1;
        expr(b, n->a, 0);
        return;
    case N_BREAK: case N_CONTINUE: case N_DEBUGGER:
        side_effect(b);
        return;
    case N_LABEL:
        side_effect(b);
        if (b->o->strict_out) {
            /* `l: function f() {}`, sloppy code's only: nothing can jump
             * to such a label, so strict code gets the function alone */
            const js_node *body = n->a;
            while (body->kind == N_LABEL)
                body = body->a;
            if (body->kind == N_FUNC_DECL)
                patch(b, n->pos, n->a->pos, "");
        }
        stmt(b, n->a);
        return;
    case N_SWITCH: {
        side_effect(b);
        expr(b, n->a, 0);
        uint8_t was = enter_scope(b, n->aux);
        for (uint32_t i = 0; i < n->n; i++) {
            expr(b, n->list[i]->a, 0);
            for (uint32_t k = 0; k < n->list[i]->n; k++)
                list_stmt(b, n->list[i]->list[k]);
        }
        leave_scope(b, n->aux, was);
        return;
    }
    case N_TRY:
        side_effect(b);
        b->try_depth++;
        block_body(b, n->a);
        b->try_depth--;
        if (n->b) {
            bind(b, n->b->a, SYM_LET, 0);
            block_body(b, n->b->b);
        }
        block_body(b, n->c);
        return;
    default:
        return; /* empty, directive */
    }
}

/* ---- module items -------------------------------------------------------- */

static void import_decl(rb *b, js_node *n)
{
    int32_t rec = add_rec(b, n->a, IR_IMPORT, 0, 0);
    for (uint32_t i = 0; i < n->n; i++) {
        js_node *sp = n->list[i];
        const char *imported = sp->op == JS_SPEC_DEFAULT     ? "default"
                               : sp->op == JS_SPEC_NAMESPACE ? "*"
                                                             : copy_str(b, sp->b);
        declare(b, sp->a, SYM_IMPORT, 0);
        int32_t sym = top_level(b, sp->a->aux) ? b->symmap[sp->a->aux] : -1;
        if (sym < 0)
            continue;
        js_import_binding ib = {.sym = (uint32_t)sym, .rec = (uint32_t)rec, .imported = imported};
        b->syms.v[sym].import_idx = (int32_t)b->imports.n;
        SL_VEC_PUSH(b->imports, ib);
    }
}

static void add_export(rb *b, const char *name, int32_t sym, int32_t rec, const char *imported)
{
    js_export e = {.name = name, .sym = sym, .rec = rec, .imported = imported};
    SL_VEC_PUSH(b->exports, e);
}

static void export_named(rb *b, js_node *n, js_stmt *st)
{
    int32_t rec = n->a ? add_rec(b, n->a, IR_EXPORT_FROM, 0, 0) : -1;
    st->kind = n->a ? S_EXPORT_FROM : S_EXPORT_LIST;
    for (uint32_t i = 0; i < n->n; i++) {
        js_node *sp = n->list[i];
        const char *as = copy_str(b, sp->b);
        if (rec >= 0) {
            add_export(b, as, -1, rec, copy_str(b, sp->a));
            continue;
        }
        uint32_t s = sp->a->aux;
        if (!top_level(b, s) || b->symmap[s] < 0) {
            /* settled after the walk: the declaration may come later */
            add_export(b, as, -1, -1, (const char *)sp->a);
            continue;
        }
        add_export(b, as, b->symmap[s], -1, NULL);
    }
}

static void export_default(rb *b, js_node *n, js_stmt *st)
{
    st->body = skip_word(b, skip_word(b, st->start, "export"), "default");
    js_node *d = n->a;
    if ((d->kind == N_FUNC_DECL || d->kind == N_CLASS_DECL) && d->a) {
        st->kind = S_EXPORT_DEFAULT_DECL;
        if (d->kind == N_CLASS_DECL)
            class(b, d, 1);
        else
            function(b, d, 1);
        st->default_sym = top_level(b, d->a->aux) ? b->symmap[d->a->aux] : -1;
    } else if (d->kind == N_FUNC_DECL || d->kind == N_CLASS_DECL) {
        int is_class = d->kind == N_CLASS_DECL;
        st->kind = S_EXPORT_DEFAULT_ANON;
        if (is_class) {
            st->name_at = st->body + 5;
        } else {
            uint32_t at = skip_word(b, st->body, "async");
            at = skip_word(b, at, "function");
            if (at < b->m->len && b->m->src[at] == '*')
                at = skip_space(b->m->src, b->m->len, at + 1);
            st->name_at = at;
        }
        st->default_sym = new_symbol(b, "", is_class ? SYM_CLASS : SYM_FUNCTION);
        if (is_class)
            class(b, d, 0);
        else
            function(b, d, 0);
    } else {
        st->kind = S_EXPORT_DEFAULT_EXPR;
        st->default_sym = new_symbol(b, "", SYM_CONST);
        expr(b, d, 0);
    }
    add_export(b, "default", st->default_sym, -1, NULL);
}

/* One top-level statement into the record. */
static void module_item(rb *b, js_node *n, js_stmt *st)
{
    int pure_kind = 0;
    switch (n->kind) {
    case N_IMPORT:
        b->m->flags |= MF_ESM_SYNTAX;
        st->kind = S_IMPORT;
        pure_kind = 1;
        import_decl(b, n);
        break;
    case N_EXPORT_NAMED:
        b->m->flags |= MF_ESM_SYNTAX;
        pure_kind = 1;
        export_named(b, n, st);
        break;
    case N_EXPORT_ALL: {
        b->m->flags |= MF_ESM_SYNTAX;
        pure_kind = 1;
        st->kind = S_EXPORT_FROM;
        int32_t rec = add_rec(b, n->a, n->c ? IR_EXPORT_FROM : IR_EXPORT_STAR, 0, 0);
        if (n->c)
            add_export(b, copy_str(b, n->c), -1, rec, "*");
        else
            SL_VEC_PUSH(b->stars, (uint32_t)rec);
        break;
    }
    case N_EXPORT_DEFAULT:
        b->m->flags |= MF_ESM_SYNTAX;
        export_default(b, n, st);
        break;
    default:
        if ((n->kind == N_VAR || n->kind == N_FUNC_DECL || n->kind == N_CLASS_DECL) && (n->flags & JF_EXPORT)) {
            b->m->flags |= MF_ESM_SYNTAX;
            st->kind = S_EXPORT_DECL;
            st->body = skip_word(b, st->start, "export");
            size_t first = b->stmt_decls.n;
            stmt(b, n);
            for (size_t k = first; k < b->stmt_decls.n; k++) {
                uint32_t sym = b->stmt_decls.v[k];
                add_export(b, b->syms.v[sym].name, (int32_t)sym, -1, NULL);
            }
        } else {
            list_stmt(b, n);
        }
    }
    st->pure = (uint8_t)(pure_kind || !b->impure);
}

static int use_strict(const js_node *prog)
{
    for (uint32_t i = 0; i < prog->n && prog->list[i]->kind == N_DIRECTIVE; i++)
        if (prog->list[i]->n == 12 && !memcmp(prog->list[i]->s + 1, "use strict", 10))
            return 1;
    return 0;
}

/* A statement that ends where automatic semicolon insertion ended it
 * (`a = b` with no `;`): the text that followed it in the source began
 * with a token that could not continue it, but text the bundle prints
 * there instead (the statement after it removed, an import read as
 * `(0, import_x.f)`, the next module) may.  Statements that end with
 * their own `}` (a block, a declaration) or `;` are closed. */
static int open_end(const js_node *n, const char *src, uint32_t end)
{
    if (end == 0 || src[end - 1] == ';')
        return 0;
    for (;;) {
        switch (n->kind) {
        case N_IF: n = n->c ? n->c : n->b; break;
        case N_FOR: case N_FOR_IN: case N_FOR_OF: n = n->c; break;
        case N_WHILE: case N_WITH: n = n->b; break;
        case N_LABEL: n = n->a; break;
        case N_BLOCK: case N_FUNC_DECL: case N_CLASS_DECL: case N_TRY: case N_SWITCH: case N_EMPTY:
        case N_DO_WHILE: /* ASI always ends one at its `)` */
            return 0;
        case N_EXPORT_DEFAULT:
            return !n->a || (n->a->kind != N_FUNC_DECL && n->a->kind != N_CLASS_DECL);
        default:
            return 1;
        }
        if (!n)
            return 1;
    }
}

static void program(rb *b)
{
    const js_node *prog = b->ast->program;
    if (use_strict(prog))
        b->m->flags |= MF_STRICT;
    for (uint32_t i = 0; i < prog->n; i++) {
        js_stmt st = {.start = b->ast->stmt_start[i], .end = b->ast->stmt_end[i], .default_sym = -1};
        b->stmt = i;
        b->impure = 0;
        b->define = -1;
        st.decl_first = (uint32_t)b->stmt_decls.n;
        module_item(b, prog->list[i], &st);
        st.has_semi = st.end > st.start && b->m->src[st.end - 1] == ';';
        st.open_end = st.end > st.start && open_end(prog->list[i], b->m->src, st.end);
        st.decl_n = (uint32_t)b->stmt_decls.n - st.decl_first;
        SL_VEC_PUSH(b->stmts, st);
    }
    /* A script's `<!--` and `-->` comments (Annex B.1.1) are copied as `//`:
     * ES module output is a module, where they are not comments. */
    for (uint32_t i = 0; i < b->ast->nhtml_comments; i++) {
        uint32_t at = b->ast->html_comments[i];
        patch(b, at, at + (b->m->src[at] == '<' ? 4 : 3), "//");
    }
}

/* ES module output is strict code, where a script's legacy octal forms
 * are syntax errors: they are rewritten as esbuild prints them (0777 as
 * 511, 08 as 8, "\101" as "\x41", "\8" as "8"). */
static void strict_octals(rb *b)
{
    const char *s = b->m->src;
    uint32_t len = (uint32_t)b->m->len;
    for (uint32_t i = 0; i < b->ast->nlegacy_octals; i++) {
        uint32_t at = b->ast->legacy_octals[i], e = at + 1;
        if (at >= len)
            continue;
        if (s[at] == '0') {
            int octal = 1;
            while (e < len && s[e] >= '0' && s[e] <= '9')
                octal &= s[e++] <= '7';
            if (e == at + 1)
                continue;
            if (!octal) { /* 08, 019.5: a decimal number with leading zeros */
                uint32_t z = at;
                while (s[z] == '0')
                    z++;
                patch(b, at, z, "");
                continue;
            }
            double v = 0;
            for (uint32_t k = at + 1; k < e; k++)
                v = v * 8 + (s[k] - '0');
            char num[64];
            sl__js_format_number(v, 0, num, sizeof num);
            /* 0777.toString(): a dot after 511 would be its fraction */
            patch(b, at, e, sl__arena_printf(b->a, "%s%s", num, e < len && s[e] == '.' ? " " : ""));
            continue;
        }
        char q = s[at];
        if (q != '"' && q != '\'')
            continue;
        uint32_t end = at + 1;
        while (end < len && s[end] != q)
            end += s[end] == '\\' ? 2 : 1;
        if (end >= len)
            continue;
        char *out = sl__arena_alloc(b->a, 4 * (size_t)(end - at) + 2), *o = out;
        int changed = 0;
        *o++ = q;
        for (uint32_t j = at + 1; j < end;) {
            char c = s[j];
            if (c != '\\') {
                *o++ = c, j++;
                continue;
            }
            char d = s[j + 1];
            if (d == '8' || d == '9') { /* \8 is 8 */
                *o++ = d, j += 2, changed = 1;
            } else if (d >= '0' && d <= '7') {
                uint32_t k = j + 1, max = d <= '3' ? 3 : 2, v = 0;
                while (k < end && k - (j + 1) < max && s[k] >= '0' && s[k] <= '7')
                    v = v * 8 + (uint32_t)(s[k++] - '0');
                if (d == '0' && k == j + 2 && !(k < end && s[k] >= '0' && s[k] <= '9')) {
                    *o++ = '\\', *o++ = '0'; /* \0 alone is allowed in strict code */
                } else {
                    o += sprintf(o, "\\x%02x", v);
                    changed = 1;
                }
                j = k;
            } else { /* any other escape, a line continuation's CR or LF included, as written */
                *o++ = c, *o++ = d, j += 2;
            }
        }
        *o++ = q;
        *o = 0;
        if (changed)
            patch(b, at, end + 1, out);
    }
}

/* ---- after the walk ---------------------------------------------------- */

static void settle_ref(rb *b, const pending *r)
{
    uint32_t s = r->id->aux;
    if (s == JS_NONE || s >= b->ast->nsyms)
        return;
    const tjs_symbol *ts = &b->ast->syms[s];
    if (ts->kind == SK_UNBOUND) {
        const char *name = r->id->s;
        size_t n = strlen(name);
        if (r->warn)
            warn(b, r->id->pos, warn_text[r->warn]);
        if (!strcmp(name, "module") || !strcmp(name, "exports"))
            b->m->flags |= MF_CJS_SYNTAX;
        if (r->rec < 0 && r->define < 0 && !strcmp(name, "require"))
            b->m->flags |= MF_REQUIRE_VALUE; /* typeof require, require.resolve, require(x): run time's */
        if (r->define >= 0) {
            const char *v = b->o->defines[r->define].value;
            if (r->flags & OCC_SHORTHAND)
                v = sl__arena_printf(b->a, "%.*s: %s", (int)n, name, v);
            else if (*v >= '0' && *v <= '9' && r->define_end < b->m->len && b->m->src[r->define_end] == '.')
                v = sl__arena_printf(b->a, "(%s)", v); /* `1.a` would not parse */
            patch(b, r->id->pos, r->define_end, v);
        } else {
            rename_cjs(b, r->id, name, r->flags & OCC_SHORTHAND, 1);
        }
        return;
    }
    rename_cjs(b, r->id, ts->name, r->flags & OCC_SHORTHAND, top_level(b, s));
    if (r->rec >= 0)
        b->recs.v[r->rec].kind = IR_DEAD; /* a local function named require */
    if (!top_level(b, s) || b->symmap[s] < 0)
        return;
    js_occ o = {.pos = r->id->pos, .len = name_len(b, r->id->pos), .sym = (uint32_t)b->symmap[s], .stmt = r->stmt,
                .flags = r->flags, .mem_start = r->mem_start, .mem_len = r->mem_len};
    SL_VEC_PUSH(b->occs, o);
}

/* ---- dead branches under --define ------------------------------------------
 * After --define, `if ("production" !== "production") { ... }` and
 * `"production" === "production" ? a : b` have constant conditions.  The
 * branch that cannot run is cut, before the worker resolves the module's
 * imports, so a require() inside it is never bundled (react's and vue's
 * entries switch between production and development builds this way).  A
 * condition folds when it is made of literals and --define values joined
 * by ! && || == != === !== (and parentheses).  A dead branch becomes `{}`
 * (`void 0` in an expression) and everything in it - occurrences,
 * require() and import() calls, --define patches, warnings - is dropped.
 * A `var` (or, in sloppy code, a function) it declares is visible outside
 * it, so it stays declared: `{ var a, b; }`, each name its own token. */

enum { V_UNKNOWN, V_UNDEF, V_NULL, V_BOOL, V_NUM, V_STR };

typedef struct cval {
    int kind;
    double num;
    const char *str;
    size_t len;
} cval;

static const cval unknown = {V_UNKNOWN, 0, NULL, 0};

static cval cval_of_text(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0] && !memchr(s + 1, '\\', n - 2) &&
        !memchr(s + 1, s[0], n - 2))
        return (cval){V_STR, 0, s + 1, n - 2};
    if (n == 4 && !memcmp(s, "true", 4))
        return (cval){V_BOOL, 1, NULL, 0};
    if (n == 5 && !memcmp(s, "false", 5))
        return (cval){V_BOOL, 0, NULL, 0};
    if (n == 4 && !memcmp(s, "null", 4))
        return (cval){V_NULL, 0, NULL, 0};
    if (n == 9 && !memcmp(s, "undefined", 9))
        return (cval){V_UNDEF, 0, NULL, 0};
    char buf[64], *e;
    if (n && n < sizeof buf && ((s[0] >= '0' && s[0] <= '9') || s[0] == '.')) {
        memcpy(buf, s, n);
        buf[n] = 0;
        double d = strtod(buf, &e);
        if (!*e)
            return (cval){V_NUM, d, NULL, 0};
    }
    return unknown;
}

static int truthy(cval v)
{
    switch (v.kind) {
    case V_BOOL: case V_NUM: return v.num != 0 && v.num == v.num;
    case V_STR: return v.len > 0;
    default: return 0;
    }
}

/* The --define patch that replaces exactly the name or chain n, or NULL. */
static const js_patch *patch_of(const rb *b, const js_node *n)
{
    const js_node *root = n;
    size_t kn;
    while (root->kind != N_IDENT && link_key(root, &kn))
        root = root->a;
    if (root->kind != N_IDENT)
        return NULL;
    uint32_t end = link_end(b, n);
    if (!end)
        return NULL;
    size_t lo = 0, hi = b->patches.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (b->patches.v[mid].pos < root->pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < b->patches.n && b->patches.v[lo].pos == root->pos && b->patches.v[lo].end == end)
        return &b->patches.v[lo];
    return NULL;
}

static cval fold(const rb *b, const js_node *n);

static cval fold_eq(cval a, cval c, int op)
{
    int strict = op == JB_STRICT_EQ || op == JB_STRICT_NE, neg = op == JB_STRICT_NE || op == JB_LOOSE_NE;
    if (a.kind == V_UNKNOWN || c.kind == V_UNKNOWN)
        return unknown;
    if (a.kind != c.kind && !(!strict && a.kind <= V_NULL && c.kind <= V_NULL))
        return strict ? (cval){V_BOOL, neg, NULL, 0} : unknown; /* loose equality across kinds: not folded */
    int eq = a.kind <= V_NULL || c.kind <= V_NULL ? 1
             : a.kind == V_STR                    ? a.len == c.len && !memcmp(a.str, c.str, a.len)
                                                  : a.num == c.num;
    return (cval){V_BOOL, eq != neg, NULL, 0};
}

static cval fold(const rb *b, const js_node *n)
{
    switch (n->kind) {
    case N_IDENT: case N_MEMBER: case N_INDEX: {
        const js_patch *p = patch_of(b, n);
        return p ? cval_of_text(p->text, strlen(p->text)) : unknown;
    }
    case N_STR: return (cval){V_STR, 0, n->s, n->n};
    case N_NUM: return (cval){V_NUM, n->num, NULL, 0};
    case N_BOOL: return (cval){V_BOOL, n->op, NULL, 0};
    case N_NULL: return (cval){V_NULL, 0, NULL, 0};
    case N_UNARY: {
        if (n->op != JU_NOT)
            return unknown;
        cval v = fold(b, n->a);
        return v.kind == V_UNKNOWN ? v : (cval){V_BOOL, !truthy(v), NULL, 0};
    }
    case N_BINARY: {
        cval a = fold(b, n->a);
        switch (n->op) {
        case JB_AND: return a.kind == V_UNKNOWN || !truthy(a) ? a : fold(b, n->b);
        case JB_OR: return a.kind == V_UNKNOWN || truthy(a) ? a : fold(b, n->b);
        case JB_STRICT_EQ: case JB_STRICT_NE: case JB_LOOSE_EQ: case JB_LOOSE_NE:
            return fold_eq(a, fold(b, n->b), n->op);
        default: return unknown;
        }
    }
    default:
        return unknown;
    }
}

typedef struct dead {
    uint32_t start, end;
    const char *text;
} dead;

typedef SL_VEC(dead) dead_vec;
typedef SL_VEC(const js_node *) node_vec;

/* The declarations in dead statement n that reach outside it: a `var`
 * not inside a function, or (sloppy code) a function declared at the
 * branch's own function level.  Their names, in source order. */
static void hoisted(js_node *n, int sloppy, node_vec *out);

static void hoisted_pattern(js_node *n, node_vec *out)
{
    if (!n)
        return;
    switch (n->kind) {
    case N_IDENT: SL_VEC_PUSH(*out, n); return;
    case N_ARRAY: case N_OBJECT:
        for (uint32_t i = 0; i < n->n; i++)
            hoisted_pattern(n->list[i], out);
        return;
    case N_PROPERTY: hoisted_pattern(n->b, out); return;
    case N_ASSIGN: case N_SPREAD: hoisted_pattern(n->a, out); return;
    default: return;
    }
}

static void hoisted(js_node *n, int sloppy, node_vec *out)
{
    if (!n)
        return;
    switch (n->kind) {
    case N_VAR:
        if (n->op == JV_VAR)
            for (uint32_t i = 0; i < n->n; i++)
                hoisted_pattern(n->list[i]->a, out);
        return;
    case N_FUNC_DECL:
        if (sloppy && n->a)
            SL_VEC_PUSH(*out, n->a);
        return;
    case N_BLOCK:
        for (uint32_t i = 0; i < n->n; i++)
            hoisted(n->list[i], sloppy, out);
        return;
    case N_IF: hoisted(n->b, sloppy, out); hoisted(n->c, sloppy, out); return;
    case N_FOR: case N_FOR_IN: case N_FOR_OF: hoisted(n->a, sloppy, out); hoisted(n->c, sloppy, out); return;
    case N_WHILE: case N_WITH: hoisted(n->b, sloppy, out); return;
    case N_DO_WHILE: case N_LABEL: hoisted(n->a, sloppy, out); return;
    case N_SWITCH:
        for (uint32_t i = 0; i < n->n; i++)
            for (uint32_t k = 0; k < n->list[i]->n; k++)
                hoisted(n->list[i]->list[k], sloppy, out);
        return;
    case N_TRY:
        hoisted(n->a, sloppy, out);
        if (n->b)
            hoisted(n->b->b, sloppy, out);
        hoisted(n->c, sloppy, out);
        return;
    default:
        return;
    }
}

static void add_dead(const rb *b, uint32_t start, uint32_t end, int is_expr, const node_vec *names, dead_vec *d)
{
    if (!names->n) {
        dead x = {start, end, is_expr ? "void 0" : "{}"};
        SL_VEC_PUSH(*d, x);
        return;
    }
    for (size_t i = 0; i <= names->n; i++) {
        const js_node *prev = i ? names->v[i - 1] : NULL;
        dead x = {prev ? prev->pos + name_len(b, prev->pos) : start, i < names->n ? names->v[i]->pos : end,
                  i == 0 ? "{ var " : i < names->n ? ", " : "; }"};
        SL_VEC_PUSH(*d, x);
    }
}

static int in_dead(const dead *d, size_t n, uint32_t pos)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d[mid].end <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && d[lo].start <= pos;
}

/* By start, the longest first: an outer range wins over one inside it. */
static int cmp_dead(const void *x, const void *y)
{
    const dead *a = x, *b = y;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return a->end > b->end ? -1 : a->end < b->end;
}

static int cmp_patch(const void *x, const void *y);

/* Cuts what is dead: occurrences, warnings, patches, require()/import(). */
static void cut_dead(rb *b, dead *d, size_t n)
{
    qsort(d, n, sizeof *d, cmp_dead);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) /* keep the outermost of nested ones */
        if (!k || d[i].start >= d[k - 1].end)
            d[k++] = d[i];
    n = k;
    k = 0;
    for (size_t i = 0; i < b->occs.n; i++)
        if (!in_dead(d, n, b->occs.v[i].pos))
            b->occs.v[k++] = b->occs.v[i];
    b->occs.n = k;
    k = 0;
    for (size_t i = 0; i < b->warnings.n; i++)
        if (!in_dead(d, n, b->warnings.v[i].pos))
            b->warnings.v[k++] = b->warnings.v[i];
    b->warnings.n = k;
    k = 0;
    for (size_t i = 0; i < b->patches.n; i++)
        if (!in_dead(d, n, b->patches.v[i].pos))
            b->patches.v[k++] = b->patches.v[i];
    b->patches.n = k;
    k = 0;
    for (size_t i = 0; i < b->renames.n; i++)
        if (!in_dead(d, n, b->renames.v[i].pos))
            b->renames.v[k++] = b->renames.v[i];
    b->renames.n = k;
    for (size_t i = 0; i < n; i++)
        patch(b, d[i].start, d[i].end, d[i].text);
    qsort(b->patches.v, b->patches.n, sizeof *b->patches.v, cmp_patch);
    for (size_t i = 0; i < b->recs.n; i++) {
        js_import_rec *r = &b->recs.v[i];
        if ((r->kind == IR_REQUIRE || r->kind == IR_DYNAMIC) && in_dead(d, n, r->pos))
            r->kind = IR_DEAD;
    }
}

static void fold_branches(rb *b)
{
    if (!b->o->ndefines || !b->ast->nspans)
        return;
    if (b->patches.n > 1)
        qsort(b->patches.v, b->patches.n, sizeof *b->patches.v, cmp_patch);
    int sloppy = !(b->m->flags & (MF_STRICT | MF_ESM_SYNTAX));
    dead_vec d = {0};
    node_vec names = {0};
    for (uint32_t k = 0; k < b->ast->nspans; k++) {
        const js_span *sp = &b->ast->spans[k];
        const js_node *n = sp->node;
        cval c = fold(b, n->a);
        if (c.kind == V_UNKNOWN)
            continue;
        int t = truthy(c);
        uint32_t from = t ? sp->c_start : sp->b_start, to = t ? sp->c_end : sp->b_end;
        if (from >= to)
            continue;
        names.n = 0;
        if (n->kind == N_IF)
            hoisted(t ? n->c : n->b, sloppy, &names);
        add_dead(b, from, to, n->kind == N_COND, &names, &d);
    }
    if (d.n)
        cut_dead(b, d.v, d.n);
    free(d.v);
    free(names.v);
}

/* The module's own `this` (esbuild's rule): in an ES module (import or
 * export syntax, top-level await, a .mjs file or "type": "module") it is
 * undefined, whatever the output format wraps the module in; any other
 * file is CommonJS (linker.c classify), whose wrapper calls it with
 * module.exports as `this`. */
static void own_this(rb *b)
{
    if (b->tops.n || b->return_p1)
        b->m->flags |= MF_CJS_ONLY;
    if (!b->tops.n || !(b->m->flags & MF_ES_MODULE))
        return;
    for (size_t k = 0; k < b->tops.n; k++)
        SL_VEC_PUSH(b->patches, b->tops.v[k]);
}

/* `export {a}`: a must be declared at the top level (anywhere in the file).
 * And a .mjs file (or "type": "module") is a module whatever its syntax:
 * node refuses a `with` or an HTML-like comment in it (tools/js does where
 * import/export say so). */
static int settle_exports(rb *b)
{
    if (b->err_msg) /* noted during the walk (for_in_init) */
        return -1;
    if (b->with_p1 && (b->m->flags & MF_NODE_MODE)) {
        b->err_pos = b->with_p1 - 1;
        b->err_msg = "\"with\" statements cannot be used in an ECMAScript module";
        return -1;
    }
    if (b->with_p1 && b->o->strict_out) { /* as esbuild */
        b->err_pos = b->with_p1 - 1;
        b->err_msg = "With statements cannot be used with the \"esm\" output format due to strict mode";
        return -1;
    }
    /* `delete x` is a SyntaxError in strict code: in a .mjs file, and in
     * sloppy code printed into ES module output (esbuild's words) */
    if (b->delete_p1 && (b->m->flags & MF_NODE_MODE)) {
        b->err_pos = b->delete_p1 - 1;
        b->err_msg = "Delete of a bare identifier cannot be used in an ECMAScript module";
        return -1;
    }
    if (b->delete_p1 && b->o->strict_out) {
        b->err_pos = b->delete_p1 - 1;
        b->err_msg = "Delete of a bare identifier cannot be used with the \"esm\" output format due to strict mode";
        return -1;
    }
    /* so are assigning eval or arguments and repeating a parameter (esbuild
     * prints them, and node refuses its bundle) */
    if (b->ast->strict_only_p1 && b->o->strict_out) {
        b->err_pos = b->ast->strict_only_p1 - 1;
        b->err_msg = sl__arena_printf(b->a, "%s cannot be used with the \"esm\" output format due to strict mode",
                                      b->ast->strict_only_what);
        return -1;
    }
    /* so is binding eval, arguments or a word strict code reserves */
    if (b->strict_name_p1 && (b->m->flags & MF_NODE_MODE || b->o->strict_out)) {
        const char *n = b->strict_name, *where = b->m->flags & MF_NODE_MODE
                                                   ? "in an ECMAScript module"
                                                   : "with the \"esm\" output format due to strict mode";
        b->err_pos = b->strict_name_p1 - 1;
        b->err_msg = !strcmp(n, "eval") || !strcmp(n, "arguments")
                         ? sl__arena_printf(b->a, "Declarations with the name \"%s\" cannot be used %s", n, where)
                         : sl__arena_printf(b->a, "\"%s\" is a reserved word and cannot be used %s", n, where);
        return -1;
    }
    /* A top-level return is CommonJS's (node's wrapper function takes it;
     * such a file is CommonJS: linker.c classify) */
    if (b->return_p1 && (b->m->flags & MF_ES_MODULE)) {
        b->err_pos = b->return_p1 - 1;
        b->err_msg = "Top-level return cannot be used inside an ECMAScript module";
        return -1;
    }
    if (b->ast->nhtml_comments && (b->m->flags & (MF_NODE_MODE | MF_ESM_SYNTAX))) {
        b->err_pos = b->ast->html_comments[0];
        b->err_msg = "HTML-like comments (<!-- and -->) are not allowed in an ECMAScript module";
        return -1;
    }
    for (size_t k = 0; k < b->exports.n; k++) {
        js_export *x = &b->exports.v[k];
        if (x->sym >= 0 || x->rec >= 0)
            continue;
        const js_node *id = (const js_node *)x->imported;
        uint32_t s = id->aux;
        if (!top_level(b, s) || b->symmap[s] < 0) {
            b->err_pos = id->pos;
            b->err_msg = "exported name is not declared in this module";
            return -1;
        }
        x->sym = b->symmap[s];
        x->imported = NULL;
    }
    return 0;
}

static int cmp_occ(const void *x, const void *y)
{
    const js_occ *a = x, *b = y;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int cmp_patch(const void *x, const void *y)
{
    const js_patch *a = x, *b = y;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int cmp_rename(const void *x, const void *y)
{
    const js_rename *a = x, *b = y;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int cmp_warning(const void *x, const void *y)
{
    const js_warning *a = x, *b = y;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int cmp_str(const void *x, const void *y) { return strcmp(*(const char *const *)x, *(const char *const *)y); }

/* Names of the symbols that are not top-level ones: unbound (free) or
 * bound in an inner scope (nested), each once, sorted. */
static void names(rb *b, int want_free, const char ***out, size_t *nout)
{
    const js_ast *ast = b->ast;
    const char **v = sl__arena_alloc(b->a, (ast->nsyms + 1) * sizeof *v);
    size_t n = 0;
    for (uint32_t i = 0; i < ast->nsyms; i++) {
        const tjs_symbol *s = &ast->syms[i];
        /* a top-level name no declaration of the walk bound (a function
         * declared in a block, hoisted by Annex B) is kept from renaming as
         * a global is */
        int is_free = s->kind == SK_UNBOUND || (s->scope == b->module_scope && b->symmap[i] < 0 &&
                                                 s->kind != SK_ARGUMENTS && s->kind != SK_LABEL);
        if (want_free ? !is_free
                      : is_free || s->scope == b->module_scope || s->kind == SK_ARGUMENTS || s->kind == SK_LABEL ||
                            s->kind == SK_GENERATED)
            continue;
        v[n++] = s->name;
    }
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || strcmp(v[k - 1], v[i]))
            v[k++] = copy(b, v[i], strlen(v[i]));
    *out = v;
    *nout = k;
}

#define COPY_OUT(field, vec)                                                                       \
    do {                                                                                           \
        m->n##field = b->vec.n;                                                                    \
        m->field = sl__arena_alloc(b->a, b->vec.n * sizeof *b->vec.v + 1);                         \
        if (b->vec.n)                                                                              \
            memcpy((void *)m->field, b->vec.v, b->vec.n * sizeof *b->vec.v);                       \
    } while (0)

/* The names `exports` and `module` become (js_rename): as esbuild,
 * exports2 and module2, or the first of exports3, ... that no name of the
 * module (free or bound, in any scope) is.  They count as names bound in
 * an inner scope, which the linker's made-up top-level names avoid and
 * whose capture of an imported name it repairs. */
static void cjs_names(rb *b)
{
    js_module *m = b->m;
    const char **v = sl__arena_alloc(b->a, (m->nnested_names + 2) * sizeof *v);
    if (m->nnested_names)
        memcpy(v, m->nested_names, m->nnested_names * sizeof *v);
    for (int which = 0; which < 2; which++) {
        const char *base = which ? "module" : "exports";
        for (unsigned k = 2;; k++) {
            const char *s = sl__arena_printf(b->a, "%s%u", base, k);
            uint32_t i = 0;
            while (i < b->ast->nsyms && strcmp(b->ast->syms[i].name, s))
                i++;
            if (i == b->ast->nsyms) {
                m->cjs_names[which] = v[m->nnested_names++] = s;
                break;
            }
        }
    }
    m->nested_names = v;
}

static void copy_out(rb *b)
{
    js_module *m = b->m;
    if (b->occs.n > 1)
        qsort(b->occs.v, b->occs.n, sizeof *b->occs.v, cmp_occ);
    if (b->patches.n > 1)
        qsort(b->patches.v, b->patches.n, sizeof *b->patches.v, cmp_patch);
    if (b->warnings.n > 1)
        qsort(b->warnings.v, b->warnings.n, sizeof *b->warnings.v, cmp_warning);
    COPY_OUT(stmts, stmts);
    COPY_OUT(stmt_decls, stmt_decls);
    COPY_OUT(syms, syms);
    COPY_OUT(occs, occs);
    COPY_OUT(recs, recs);
    COPY_OUT(imports, imports);
    COPY_OUT(exports, exports);
    COPY_OUT(stars, stars);
    COPY_OUT(patches, patches);
    if (b->renames.n > 1)
        qsort(b->renames.v, b->renames.n, sizeof *b->renames.v, cmp_rename);
    COPY_OUT(renames, renames);
    COPY_OUT(warnings, warnings);
    names(b, 1, &m->free_names, &m->nfree_names);
    names(b, 0, &m->nested_names, &m->nnested_names);
    if (b->fresh_names.n) { /* annex_fn's names are bound in inner scopes too */
        const char **v = sl__arena_alloc(b->a, (m->nnested_names + b->fresh_names.n + 1) * sizeof *v);
        if (m->nnested_names)
            memcpy(v, m->nested_names, m->nnested_names * sizeof *v);
        memcpy(v + m->nnested_names, b->fresh_names.v, b->fresh_names.n * sizeof *v);
        m->nested_names = v;
        m->nnested_names += b->fresh_names.n;
    }
    m->cjs_names[0] = m->cjs_names[1] = NULL;
    if (b->renames.n)
        cjs_names(b);
}

/* What a worker keeps from module to module: tools/js's arena, its
 * chunks' pages resident (a fresh page's first touch cost more than
 * parsing it: plain JavaScript bundled ~35% slower with an arena a
 * module), and the builder's vectors. */
struct js_record_scratch {
    js_arena ja;
    rb b;
};

js_record_scratch *sl__js_record_scratch_new(void)
{
    js_record_scratch *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    sl__js_arena_init(&s->ja);
    return s;
}

/* b emptied for the next module, its vectors' storage kept. */
static void rb_begin(rb *b)
{
    rb k = *b;
    memset(b, 0, sizeof *b);
#define KEEP(vec) (b->vec.v = k.vec.v, b->vec.cap = k.vec.cap)
    KEEP(stmts), KEEP(stmt_decls), KEEP(syms), KEEP(recs), KEEP(imports), KEEP(exports), KEEP(stars);
    KEEP(occs), KEEP(patches), KEEP(renames), KEEP(tops), KEEP(warnings), KEEP(refs);
#undef KEEP
    b->symmap = k.symmap;
    b->symmap_cap = k.symmap_cap;
    b->define = -1;
}

static void rb_free(rb *b)
{
    free(b->symmap);
    free(b->stmts.v);
    free(b->stmt_decls.v);
    free(b->syms.v);
    free(b->recs.v);
    free(b->imports.v);
    free(b->exports.v);
    free(b->stars.v);
    free(b->occs.v);
    free(b->patches.v);
    free(b->renames.v);
    free(b->tops.v);
    free(b->warnings.v);
    free(b->refs.v);
}

void sl__js_record_scratch_free(js_record_scratch *s)
{
    if (!s)
        return;
    rb_free(&s->b);
    sl__js_arena_free(&s->ja);
    free(s);
}

/* JSX where the file's extension does not allow it (esbuild: "The JSX
 * syntax extension is not currently enabled"): the parse stopped at a `<`
 * that a JSX parse takes.  Said as such, with the way out, since packages
 * that ship JSX in .js files meet it. */
static int jsx_in_js(const js_module *m, size_t pos)
{
    if (m->orig_src || pos + 1 >= m->len || m->src[pos] != '<')
        return 0;
    char c = m->src[pos + 1]; /* a tag name or a fragment's `>` */
    if (!(c == '>' || c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        return 0;
    js_arena ja;
    sl__js_arena_init(&ja);
    tjs_parse_opts po = {0, 1, 0, JS_MAX_NESTING};
    js_ast ast;
    char err[512];
    unsigned line = 0, col = 0;
    size_t plen = strlen(m->path), at = m->len;
    if (sl__js_parse_program(&ast, m->path, m->src, m->len, &po, &ja, err, sizeof err)) {
        at = 0; /* where the JSX parse stopped: past the `<`, JSX took it */
        if (!strncmp(err, m->path, plen) && sscanf(err + plen, ":%u:%u:", &line, &col) == 2)
            for (unsigned l = 1; at < m->len && l < line; at++)
                l += m->src[at] == '\n';
        at += col ? col - 1 : 0;
    }
    sl__js_arena_free(&ja);
    return at > pos + 1;
}

/* tools/js's "path:line:col: msg" (col in bytes) again in the bundler's
 * words: sl__js_diag's column in characters and its window of the line. */
static void rediag(const js_module *m, char *err, size_t errlen)
{
    size_t plen = strlen(m->path);
    unsigned line = 0, col = 0;
    int used = 0;
    if (strncmp(err, m->path, plen) || sscanf(err + plen, ":%u:%u: %n", &line, &col, &used) != 2 || !used)
        return;
    char msg[256];
    const char *text = err + plen + used, *nl = strchr(text, '\n');
    snprintf(msg, sizeof msg, "%.*s", (int)(nl ? (size_t)(nl - text) : strlen(text)), text);
    size_t pos = 0;
    for (unsigned l = 1; l < line && pos < m->len; pos++)
        if (m->src[pos] == '\n')
            l++;
    pos += col ? col - 1 : 0;
    if (jsx_in_js(m, pos)) {
        const char *dot = strrchr(m->path, '.');
        snprintf(msg, sizeof msg, "JSX in a %s file: sluice reads JSX only in .jsx and .tsx files (rename it)",
                 dot && !strchr(dot, '/') ? dot : "JavaScript");
    }
    sl__js_diag(err, errlen, m->path, m->src, m->len, (uint32_t)(pos > m->len ? m->len : pos), msg);
}

int sl__js_record(js_module *m, const js_parse_opts *o, sl__arena *a, js_record_scratch *s, char *err,
                  size_t errlen)
{
    if (m->len >= 2 && m->src[0] == '#' && m->src[1] == '!') {
        const char *nl = memchr(m->src, '\n', m->len);
        m->hashbang_end = (uint32_t)(nl ? (size_t)(nl - m->src) : m->len);
    }
    js_record_scratch own;
    if (!s) {
        memset(&own, 0, sizeof own);
        sl__js_arena_init(&own.ja);
    }
    js_record_scratch *sc = s ? s : &own;
    /* A .mjs file, or a .js file under "type": "module", is a module
     * whatever its syntax, as node loads it: strict, `await` reserved.
     * Any other file is a module once import/export say so. */
    tjs_parse_opts po = {0, 0, (m->flags & MF_NODE_MODE) != 0, JS_MAX_NESTING};
    js_ast ast;
    int rc = 0;
    if (sl__js_parse_program(&ast, m->path, m->src, m->len, &po, &sc->ja, err, errlen)) {
        rediag(m, err, errlen);
        rc = -1;
        goto out;
    }
    /* bound with the early errors (a name declared twice, a jump to no
     * label, ...): engines refuse such a file before running any of it,
     * so a plain .js module is refused as a .ts one is.  A file that is
     * no ES module runs as node runs CommonJS (a script entry too). */
    ast.cjs_wrapper = 1;
    if (sl__js_scope_check(&ast, 0, err, errlen)) {
        rediag(m, err, errlen);
        rc = -1;
        goto out;
    }
    rb *b = &sc->b;
    rb_begin(b);
    b->m = m;
    b->o = o;
    b->a = a;
    b->ast = &ast;
    b->module_scope = ast.program->aux;
    if (ast.nsyms + 1 > b->symmap_cap) {
        b->symmap_cap = ast.nsyms + 1;
        b->symmap = sl__xrealloc(b->symmap, b->symmap_cap * sizeof *b->symmap);
    }
    for (uint32_t i = 0; i < ast.nsyms; i++)
        b->symmap[i] = -1;
    for (uint32_t i = 0; i < ast.nsyms && !b->fresh; i++)
        if ((o->strict_out && (ast.syms[i].flags & SF_ANNEX_B)) || wrapper_block_fn(b, i)) {
            b->open = calloc(ast.nscopes + 1, 1);
            b->fresh = calloc(ast.nsyms + 1, sizeof *b->fresh);
            if (!b->open || !b->fresh)
                abort();
        }
    program(b);
    own_this(b);
    if (o->strict_out)
        strict_octals(b);
    for (size_t k = 0; k < b->refs.n; k++)
        settle_ref(b, &b->refs.v[k]);
    fold_branches(b);
    if (settle_exports(b)) {
        sl__js_diag(err, errlen, m->path, m->src, m->len, b->err_pos, b->err_msg);
        rc = -1;
    } else {
        copy_out(b);
    }
    free(b->open);
    free(b->fresh);
    free(b->fresh_names.v);
    b->open = NULL;
    b->fresh = NULL;
    b->fresh_names.v = NULL;
out:
    if (s) {
        sl__js_arena_reset(&s->ja);
    } else {
        rb_free(&own.b);
        sl__js_arena_free(&own.ja);
    }
    return rc;
}

int sl__js_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
    pthread_attr_t at;
    int rc = pthread_attr_init(&at);
    if (rc)
        return rc;
    /* The pages are committed only as deep nesting touches them. */
    rc = pthread_attr_setstacksize(&at, JS_PARSE_STACK);
    if (!rc)
        rc = pthread_create(t, &at, fn, arg);
    pthread_attr_destroy(&at);
    return rc;
}
