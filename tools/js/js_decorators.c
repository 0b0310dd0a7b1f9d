/*
 * js_decorators.c - 2023 standard decorators on classes, methods, getters
 * and setters, lowered to plain JavaScript (node 20 cannot run them).
 *
 * The shape is the one tsc emits, with helpers of our own: the class
 * becomes an anonymous class assigned to a `var` inside an arrow IIFE;
 * the class decorators are evaluated first, then a static block put
 * first in the class evaluates the member decorators in source order,
 * applies them (static members first, then instance members, each
 * member's decorators last to first), then the class decorators, then
 * runs the static and class initializers; instance initializers run at
 * the start of construction.  The generated parts are written as source
 * text with placeholder names and parsed; the user's nodes (the class,
 * the decorator expressions) are then put where the placeholders are.
 */
#include "js_decorators.h"

#include <stdio.h>
#include <string.h>

#include "js_parser.h"

const char sl__js_decorator_helpers[] =
    "function __sluice_decorate(target, isStatic, kind, name, decorators, initializers, metadata) {\n"
    "  var key = kind === \"getter\" ? \"get\" : kind === \"setter\" ? \"set\" : \"value\";\n"
    "  var desc = Object.getOwnPropertyDescriptor(target, name), done = false;\n"
    "  var has = function (o) { return name in o; };\n"
    "  for (var i = decorators.length - 1; i >= 0; i--) {\n"
    "    var access = key === \"set\" ? { has: has, set: function (o, v) { o[name] = v; } } : { has: has, get: function (o) { return o[name]; } };\n"
    "    var context = { kind: kind, name: name, static: isStatic, private: false, access: access, metadata: metadata,\n"
    "      addInitializer: function (f) { __sluice_check_init(done, f); initializers.push(f); } };\n"
    "    var result = (0, decorators[i])(desc[key], context);\n"
    "    if (result !== void 0) { if (typeof result !== \"function\") throw new TypeError(\"Function expected\"); desc[key] = result; }\n"
    "  }\n"
    "  done = true;\n"
    "  Object.defineProperty(target, name, desc);\n"
    "}\n"
    "function __sluice_decorate_class(cls, decorators, initializers, metadata) {\n"
    "  var done = false, name = cls.name;\n"
    "  for (var i = decorators.length - 1; i >= 0; i--) {\n"
    "    var context = { kind: \"class\", name: name, metadata: metadata,\n"
    "      addInitializer: function (f) { __sluice_check_init(done, f); initializers.push(f); } };\n"
    "    var result = (0, decorators[i])(cls, context);\n"
    "    if (result !== void 0) { if (typeof result !== \"function\") throw new TypeError(\"Function expected\"); cls = result; }\n"
    "  }\n"
    "  done = true;\n"
    "  return cls;\n"
    "}\n"
    "function __sluice_check_init(done, f) {\n"
    "  if (done) throw new TypeError(\"Cannot add initializers after decoration has completed\");\n"
    "  if (typeof f !== \"function\") throw new TypeError(\"Function expected\");\n"
    "}\n"
    "function __sluice_run_initializers(thisArg, initializers) {\n"
    "  for (var i = 0; i < initializers.length; i++) initializers[i].call(thisArg);\n"
    "}\n";

/* Statements parsed from generated text (positions set to pos). */
static js_node *parse_text(js_arena *a, const char *text, uint32_t pos, char *err, size_t errlen)
{
    js_ast t;
    js_parse_opts po = {0, 0, 0, 0};
    if (sl__js_parse_program(&t, "<decorators>", text, strlen(text), &po, a, err, errlen))
        return NULL;
    (void)pos;
    return t.program;
}

static void at_pos_child(js_node *n, void *pos)
{
    n->pos = *(uint32_t *)pos;
    sl__js_each_child(n, at_pos_child, pos);
}

static void at_pos(js_node *n, uint32_t pos)
{
    at_pos_child(n, &pos);
}

/* Replaces the identifier named `name` (a placeholder) with a copy of `with`. */
static int subst(js_node *n, const char *name, const js_node *with)
{
    if (n->kind == N_IDENT && !strcmp(n->s, name)) {
        *n = *with;
        return 1;
    }
    uint8_t m = sl__js_slots[n->kind];
    int found = 0;
    if ((m & JS_SLOT_A) && n->a)
        found |= subst(n->a, name, with);
    if ((m & JS_SLOT_B) && n->b)
        found |= subst(n->b, name, with);
    if ((m & JS_SLOT_C) && n->c)
        found |= subst(n->c, name, with);
    if (m & JS_SLOT_LIST)
        for (uint32_t i = 0; i < n->n; i++)
            if (n->list[i])
                found |= subst(n->list[i], name, with);
    if ((m & JS_SLOT_D) && n->d)
        found |= subst(n->d, name, with);
    return found;
}

static js_node *array_of(js_arena *a, const js_node *list, uint32_t pos)
{
    js_node *arr = sl__js_node(a, N_ARRAY, pos);
    arr->n = list ? list->n : 0;
    arr->list = list ? sl__js_list_copy(a, list->list, list->n) : NULL;
    return arr;
}

typedef struct text {
    char *v;
    size_t n, cap;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#include <stdarg.h>
#include <stdlib.h>

static void add(text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(t->v ? t->v + t->n : NULL, t->v ? t->cap - t->n : 0, fmt, ap);
        va_end(ap);
        if (t->v && (size_t)k < t->cap - t->n) {
            t->n += (size_t)k;
            return;
        }
        t->cap = t->cap * 2 + (size_t)k + 256;
        t->v = sl__js_xrealloc(t->v, t->cap);
    }
}

int sl__js_has_decorators(const js_node *c)
{
    if (c->c && c->c->n)
        return 1;
    for (uint32_t i = 0; i < c->n; i++)
        if (c->list[i]->d && c->list[i]->d->n)
            return 1;
    return 0;
}

/* A member's name as a JavaScript string literal (for the generated text), or NULL when not lowered. */
static const char *member_name(js_arena *a, const js_node *m)
{
    if (m->flags & JF_COMPUTED)
        return NULL;
    if (m->a->kind == N_STR) {
        for (uint32_t i = 0; i < m->a->n; i++)
            if (m->a->s[i] == '"' || m->a->s[i] == '\\' || (unsigned char)m->a->s[i] < 0x20)
                return NULL;
        return sl__js_printf(a, "\"%s\"", m->a->s);
    }
    if (m->a->kind == N_NUM)
        return sl__js_printf(a, "%.17g", m->a->num);
    return NULL;
}

int sl__js_lower_decorators(js_arena *a, js_node *c, const char *name, js_node **out, size_t *nout, char *err,
                            size_t errlen)
{
    uint32_t pos = c->pos;
    text t = {0};
    int has_class = c->c && c->c->n, has_instance = 0;
    uint32_t k = 0;
    /* which members are decorated, and that they are ones we lower */
    for (uint32_t i = 0; i < c->n; i++) {
        js_node *m = c->list[i];
        if (!m->d || !m->d->n)
            continue;
        if (m->op != JP_METHOD && m->op != JP_GET && m->op != JP_SET) {
            snprintf(err, errlen, "decorators on class fields and accessors are not supported yet; "
                                  "use experimentalDecorators or decorate methods");
            return -1;
        }
        if (!member_name(a, m)) {
            snprintf(err, errlen, "decorators on private or computed members are not supported yet");
            return -1;
        }
        if (!(m->flags & JF_STATIC))
            has_instance = 1;
        k++;
    }
    /* the IIFE: class decorators evaluated first */
    add(&t, "let %s = (() => {\n  let _cd = __CD, _ci = [], _si = [], _ii = [], _meta, _this", name);
    for (uint32_t i = 0; i < k; i++)
        add(&t, ", _m%u", i);
    /* the static block runs inside the class expression, before `var C =` assigns the original class:
     * the decorated class waits in _this and is assigned after */
    add(&t, ";\n  var %s = __CLASS;\n  return %s = _this;\n})();\nclass __X { static {\n  _this = this;\n", name, name);
    for (uint32_t i = 0; i < k; i++)
        add(&t, "  _m%u = __D%u;\n", i, i);
    add(&t, "  _meta = typeof Symbol === \"function\" && Symbol.metadata ? Object.create(null) : void 0;\n");
    static const char *const kinds[] = {[JP_METHOD] = "method", [JP_GET] = "getter", [JP_SET] = "setter"};
    for (int pass = 0; pass < 2; pass++) { /* static members first, then instance members */
        uint32_t j = 0;
        for (uint32_t i = 0; i < c->n; i++) {
            js_node *m = c->list[i];
            if (!m->d || !m->d->n)
                continue;
            int is_static = (m->flags & JF_STATIC) != 0;
            if (is_static == !pass)
                add(&t, "  __sluice_decorate(%s, %s, \"%s\", %s, _m%u, %s, _meta);\n",
                    is_static ? "this" : "this.prototype", is_static ? "true" : "false", kinds[m->op],
                    member_name(a, m), j, is_static ? "_si" : "_ii");
            j++;
        }
    }
    if (has_class)
        add(&t, "  %s = _this = __sluice_decorate_class(this, _cd, _ci, _meta);\n", name);
    add(&t, "  if (_meta) Object.defineProperty(_this, Symbol.metadata, { enumerable: true, configurable: true, "
            "writable: true, value: _meta });\n  __sluice_run_initializers(_this, _si);\n  __sluice_run_initializers(_this, _ci);\n"
            "} }\n");
    if (has_instance)
        add(&t, "class __Y { constructor() { __sluice_run_initializers(this, _ii); } }\n"
                "class __Z extends __B { constructor(...args) { super(...args); __sluice_run_initializers(this, _ii); } }\n");
    js_node *prog = parse_text(a, t.v, pos, err, errlen);
    free(t.v);
    if (!prog)
        return -1;
    for (uint32_t i = 0; i < prog->n; i++)
        at_pos(prog->list[i], pos);
    js_node *let = prog->list[0];
    js_node *block = prog->list[1]->list[0]; /* the static block member */
    /* the member decorators into _mN = [...] in source order */
    uint32_t j = 0;
    for (uint32_t i = 0; i < c->n; i++) {
        js_node *m = c->list[i];
        if (!m->d || !m->d->n)
            continue;
        char ph[16];
        snprintf(ph, sizeof ph, "__D%u", j++);
        subst(block, ph, array_of(a, m->d, m->pos));
        m->d = NULL;
    }
    subst(let, "__CD", array_of(a, c->c, pos));
    /* instance initializers at the start of construction */
    if (has_instance) {
        js_node *ctor = NULL;
        for (uint32_t i = 0; i < c->n; i++) {
            js_node *m = c->list[i];
            if (m->op == JP_METHOD && !(m->flags & JF_STATIC) && m->a->kind == N_STR && !strcmp(m->a->s, "constructor"))
                ctor = m;
        }
        js_node *run = prog->list[2]->list[0]->b->b->list[0]; /* __sluice_run_initializers(this, _ii); */
        if (ctor) {
            js_node *body = ctor->b->b;
            uint32_t at = 0;
            if (c->b) /* after super(...) */
                for (uint32_t i = 0; i < body->n; i++)
                    if (body->list[i]->kind == N_EXPR && body->list[i]->a->kind == N_CALL &&
                        body->list[i]->a->a->kind == N_SUPER)
                        at = i + 1;
            body->list = sl__js_list_insert(a, body->list, body->n, at, &run, 1);
            body->n++;
        } else {
            js_node *made = prog->list[c->b ? 3 : 2]->list[0];
            c->list = sl__js_list_insert(a, c->list, c->n, 0, &made, 1);
            c->n++;
        }
    }
    /* the class: anonymous (the var names it), the decorating static block first */
    js_node *cls = sl__js_node(a, N_CLASS, pos);
    *cls = *c;
    cls->kind = N_CLASS;
    cls->a = NULL;
    cls->c = NULL;
    cls->flags &= (uint16_t)~(JF_EXPORT | JF_DEFAULT);
    js_node *sb = prog->list[1]->list[0];
    cls->list = sl__js_list_insert(a, cls->list, cls->n, 0, &sb, 1);
    cls->n++;
    subst(let, "__CLASS", cls);
    out[(*nout)++] = let;
    return 0;
}
