/*
 * js_minify.h - --minify-syntax: behaviour-preserving rewrites of the tree
 * that print shorter (see js_minify.c for the list and why each is safe).
 */
#ifndef SL_JS_MINIFY_H
#define SL_JS_MINIFY_H

#include "js_ast.h"

/* Rewrites the bound tree in place (run after sl__js_transform, before sl__js_mangle). */
void sl__js_minify_syntax(js_ast *ast);

#endif
