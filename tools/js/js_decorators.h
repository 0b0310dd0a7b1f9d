/*
 * js_decorators.h - 2023 standard decorators (classes, methods, getters,
 * setters, auto-accessors) lowered to plain JavaScript; see js_decorators.c.
 */
#ifndef SL_JS_DECORATORS_H
#define SL_JS_DECORATORS_H

#include "js_ast.h"

/* The helper functions the lowered code calls (prepended once to a file that needs them). */
extern const char sl__js_decorator_helpers[];

/* Does the class or one of its members carry decorators? */
int sl__js_has_decorators(const js_node *c);

/* Rewrites class c (its members already lowered) into `let name = (() => { ... })();`, appended to out;
 * `given` is the class's name as its decorators see it (the source name, kept through minification).
 * Auto-accessors (`accessor x`) come decorated as members (JP_ACCESSOR) and are lowered here, since
 * their decorators see the getter and setter together.  Returns 0, or -1 with a message and *errpos
 * (the offset of the member's `@`, or of the class) for what is not lowered (decorated fields,
 * private or computed members). */
int sl__js_lower_decorators(js_arena *a, js_node *c, const char *name, const char *given, js_node **out,
                            size_t *nout, char *err, size_t errlen, uint32_t *errpos);

#endif
