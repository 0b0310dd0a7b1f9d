/*
 * js_scope.h - scopes and symbols: which declaration every identifier
 * in the tree refers to.
 *
 * Two walks over the tree: the first opens a scope for every construct
 * that has one and declares every binding where the language puts it
 * (`var` and function declarations hoisted to their function, `let`,
 * `const` and classes in their block, TypeScript enums and namespaces
 * merged by name); the second resolves each reference up the scope chain,
 * so that a use before its hoisted declaration binds like any other.
 * Names read but declared nowhere become unbound (global) symbols.  A
 * direct `eval(...)` marks every enclosing scope, and a name looked up
 * through a `with` body is marked: the renamer must keep those names.
 */
#ifndef SL_JS_SCOPE_H
#define SL_JS_SCOPE_H

#include "js_ast.h"

/* Fills ast->syms, ast->scopes, ast->scope_syms and every N_IDENT's aux.
 * May be run again after a pass rewrote the tree (it starts afresh). */
void sl__js_scope_bind(js_ast *ast);

/* sl__js_scope_bind, and the early errors only a bound tree shows
 * (ECMAScript's static semantics, as esbuild reports them): a name
 * declared twice where the language forbids it, a `var` hoisting past a
 * block's let/const, repeated parameters where they may not repeat,
 * names strict code may not bind or use, `await` as a name in a module,
 * assignment to eval/arguments in strict code, an export of a name the
 * file does not declare (JavaScript only: in TypeScript it may be a
 * type's) and an export name used twice.  What TypeScript merges
 * (namespaces, enums) is never an error here.  Returns 0, or -1 with
 * "path:line:col: message" (the first error) in err.  Run it once, on
 * the tree as parsed; later runs after a pass rewrote the tree are
 * sl__js_scope_bind's. */
int sl__js_scope_check(js_ast *ast, int is_ts, char *err, size_t errlen);

/* Is name one of the parameters of node's CommonJS module function
 * (exports, require, module, __filename, __dirname)? */
int sl__js_cjs_wrapper_param(const char *name);

/* The symbol a name resolves to from scope `scope`, or JS_NONE. */
uint32_t sl__js_scope_lookup(const js_ast *ast, uint32_t scope, const char *name);

#endif
