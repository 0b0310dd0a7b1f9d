/*
 * js_mangle.h - --minify-identifiers: short names for the symbols no one
 * outside the file can see.
 *
 * esbuild's scheme: every renamable symbol gets a slot, numbered from
 * where its parent scope's slots end, so a symbol never shares a slot
 * with one it could shadow; slots used most get the shortest names.
 * Names that must stay (globals the file reads, exported names, anything
 * a direct eval or a `with` could see, a script's top-level names) are
 * never renamed and never handed out.
 */
#ifndef SL_JS_MANGLE_H
#define SL_JS_MANGLE_H

#include "js_ast.h"

typedef struct js_mangle_opts {
    uint8_t keep_top_level; /* the module scope keeps its names (a script, or a bundle whose linker names them) */
    uint8_t top_level_local; /* a script whose top level is a function's scope (a CommonJS module: node wraps
                                it), so its names are renamed as a module's are */
    const char *const *reserved; /* more names never to hand out */
    size_t nreserved;
} js_mangle_opts;

/* Sets out_name on every renamable symbol (needs sl__js_scope_bind first). */
void sl__js_mangle(js_ast *ast, const js_mangle_opts *o);

/* The same for a program printed in pieces (a bundle minified module by
 * module): each piece parsed and bound alone, in order.  A name declared
 * at a piece's top level is one of the program's top-level names (one
 * table by name over all pieces; a piece's unbound name that some piece
 * declares reads it); nested scopes' slots are shared by all pieces, as
 * no piece's nested scope can see another's; top-level names and slots
 * are named together, most used first (esbuild's one frequency-ordered
 * assignment).  A direct eval at any top level keeps every top-level
 * name, as it would in one program. */
void sl__js_mangle_pieces(js_ast *const *asts, size_t n, const js_mangle_opts *o);

/* The n-th name of the sequence a, b, ..., $, aa, ab, ... (keywords included). */
void sl__js_mangle_name(uint32_t n, char *buf, size_t len);

#endif
