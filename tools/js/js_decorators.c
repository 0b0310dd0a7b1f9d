/*
 * js_decorators.c - 2023 standard decorators on classes, methods, getters,
 * setters and auto-accessors, lowered to plain JavaScript (node 20 cannot
 * run them).
 *
 * The shape is the one tsc emits, with helpers of our own: the class
 * becomes an anonymous class assigned to a `var` inside an arrow IIFE;
 * the class decorators are evaluated first, then a static block put
 * first in the class evaluates the member decorators in source order,
 * applies them (static members first, then instance members, each
 * member's decorators last to first), then the class decorators, then
 * runs the static initializers; the class initializers run in a static
 * block put last, after the static fields and blocks; instance initializers run
 * where tsc runs them (place_runners).  An auto-accessor is lowered here,
 * not in ts_lower.c, because its decorators see its getter and setter as
 * one `{ get, set }` and may replace both and transform the initial
 * value.  The generated parts are written as source
 * text with placeholder names and parsed; the user's nodes (the class,
 * the decorator expressions) are then put where the placeholders are.
 */
#include "js_decorators.h"

#include <stdio.h>
#include <string.h>

#include "js_parser.h"

const char sl__js_decorator_helpers[] =
    "function __sluice_decorate(target, isStatic, kind, name, decorators, initializers, metadata, valueInits) {\n"
    "  var key = kind === \"getter\" ? \"get\" : kind === \"setter\" ? \"set\" : \"value\";\n"
    "  var desc = Object.getOwnPropertyDescriptor(target, name), done = false;\n"
    "  var has = function (o) { return name in o; }, get = function (o) { return o[name]; }, set = function (o, v) { o[name] = v; };\n"
    "  for (var i = decorators.length - 1; i >= 0; i--) {\n"
    "    var access = kind === \"accessor\" ? { has: has, get: get, set: set } : key === \"set\" ? { has: has, set: set } : { has: has, get: get };\n"
    "    var context = { kind: kind, name: name, static: isStatic, private: false, access: access, metadata: metadata,\n"
    "      addInitializer: function (f) { __sluice_check_init(done, f); initializers.push(f); } };\n"
    "    var result = (0, decorators[i])(kind === \"accessor\" ? { get: desc.get, set: desc.set } : desc[key], context);\n"
    "    if (result === void 0) continue;\n"
    "    if (kind !== \"accessor\") { desc[key] = __sluice_fn(result); continue; }\n"
    "    if (result === null || typeof result !== \"object\") throw new TypeError(\"Object expected\");\n"
    "    if (result.get !== void 0) desc.get = __sluice_fn(result.get);\n"
    "    if (result.set !== void 0) desc.set = __sluice_fn(result.set);\n"
    "    if (result.init !== void 0) valueInits.unshift(__sluice_fn(result.init));\n"
    "  }\n"
    "  done = true;\n"
    "  Object.defineProperty(target, name, desc);\n"
    "}\n"
    "function __sluice_fn(f) {\n"
    "  if (typeof f !== \"function\") throw new TypeError(\"Function expected\");\n"
    "  return f;\n"
    "}\n"
    "function __sluice_decorate_class(cls, decorators, initializers, metadata, name) {\n"
    "  var done = false;\n"
    "  for (var i = decorators.length - 1; i >= 0; i--) {\n"
    "    var context = { kind: \"class\", name: name, metadata: metadata,\n"
    "      addInitializer: function (f) { __sluice_check_init(done, f); initializers.push(f); } };\n"
    "    var result = (0, decorators[i])(cls, context);\n"
    "    if (result !== void 0) cls = __sluice_fn(result);\n"
    "  }\n"
    "  done = true;\n"
    "  return cls;\n"
    "}\n"
    "function __sluice_check_init(done, f) {\n"
    "  if (done) throw new TypeError(\"Cannot add initializers after decoration has completed\");\n"
    "  __sluice_fn(f);\n"
    "}\n"
    "function __sluice_run_initializers(thisArg, initializers) {\n"
    "  for (var i = 0; i < initializers.length; i++) initializers[i].call(thisArg);\n"
    "}\n"
    "function __sluice_init_value(thisArg, initializers, value) {\n"
    "  for (var i = 0; i < initializers.length; i++) value = initializers[i].call(thisArg, value);\n"
    "  return value;\n"
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

static int is_decorated(const js_node *m)
{
    return m->d && m->d->n;
}

/* An instance member with a per-object value: a field, or an auto-accessor's storage. */
static int is_instance_field(const js_node *m)
{
    return (m->op == JP_FIELD || m->op == JP_ACCESSOR) && !(m->flags & JF_STATIC);
}

/* Refuses what is not lowered, with the position of the member's first `@`. */
static int check_members(js_arena *a, const js_node *c, char *err, size_t errlen, uint32_t *errpos)
{
    for (uint32_t i = 0; i < c->n; i++) {
        js_node *m = c->list[i];
        if (!is_decorated(m))
            continue;
        *errpos = m->d->pos;
        if (m->op != JP_METHOD && m->op != JP_GET && m->op != JP_SET && m->op != JP_ACCESSOR) {
            snprintf(err, errlen, "decorators on class fields are not supported yet; "
                                  "use experimentalDecorators, or decorate an accessor");
            return -1;
        }
        if (!member_name(a, m)) {
            snprintf(err, errlen, "decorators on private or computed members are not supported yet");
            return -1;
        }
    }
    return 0;
}

/*
 * Where the extra initializers (addInitializer) of instance members run,
 * as tsc places them: those of methods and getters/setters (_ii) just
 * before the first instance field is initialized, those of an accessor
 * just after its storage is (before the next instance field); with no
 * such field, at the start of construction.  wrap[i] names the list run
 * before member i's initializer; the result is the list the constructor
 * runs, or NULL.
 */
static const char *place_runners(js_arena *a, const js_node *c, const uint32_t *slot, const char **wrap)
{
    const char *pending = NULL;
    for (uint32_t i = 0; i < c->n; i++) {
        const js_node *m = c->list[i];
        if (is_decorated(m) && !(m->flags & JF_STATIC) && m->op != JP_ACCESSOR && !pending)
            pending = "_ii";
    }
    for (uint32_t i = 0; i < c->n; i++) {
        const js_node *m = c->list[i];
        if (!is_instance_field(m))
            continue;
        wrap[i] = pending;
        pending = m->op == JP_ACCESSOR && is_decorated(m) ? sl__js_printf(a, "_e%u", slot[i]) : NULL;
    }
    return pending;
}

static js_node *void0(js_arena *a, uint32_t pos)
{
    js_node *v = sl__js_node(a, N_UNARY, pos);
    v->op = JU_VOID;
    v->a = sl__js_node(a, N_NUM, pos);
    return v;
}

/* (__sluice_run_initializers(this, list), value) */
static js_node *run_then(js_arena *a, const char *list, js_node *value, uint32_t pos)
{
    js_node *call = sl__js_node(a, N_CALL, pos);
    call->a = sl__js_node(a, N_IDENT, pos);
    call->a->s = "__sluice_run_initializers";
    js_node *args[2] = {sl__js_node(a, N_THIS, pos), sl__js_node(a, N_IDENT, pos)};
    args[1]->s = list;
    call->n = 2;
    call->list = sl__js_list_copy(a, args, 2);
    js_node *seq = sl__js_node(a, N_SEQ, pos);
    js_node *items[2] = {call, value ? value : void0(a, pos)};
    seq->n = 2;
    seq->list = sl__js_list_copy(a, items, 2);
    return seq;
}

/* Renames the private name `from` (placeholder) to `to`, in member keys and `x.#from` alike. */
static void rename_private(js_node *n, const char *from, const char *to)
{
    if (n->kind == N_PRIVATE && !strcmp(n->s, from))
        n->s = to;
    if (n->kind == N_MEMBER && n->c) /* the name after the dot is no child */
        rename_private(n->c, from, to);
    uint8_t m = sl__js_slots[n->kind];
    js_node *kids[4] = {(m & JS_SLOT_A) ? n->a : NULL, (m & JS_SLOT_B) ? n->b : NULL, (m & JS_SLOT_C) ? n->c : NULL,
                        (m & JS_SLOT_D) ? n->d : NULL};
    for (int i = 0; i < 4; i++)
        if (kids[i])
            rename_private(kids[i], from, to);
    if (m & JS_SLOT_LIST)
        for (uint32_t i = 0; i < n->n; i++)
            if (n->list[i])
                rename_private(n->list[i], from, to);
}

/* The text of an accessor's storage, getter and setter (and, when static, the block running its extra initializers). */
static void accessor_text(text *t, const js_node *m, uint32_t j, const char *self)
{
    int st = (m->flags & JF_STATIC) != 0;
    const char *s = st ? "static " : "", *obj = st ? self : "this";
    add(t, "class __A%u { %s#__S = __sluice_init_value(this, _a%u, __V); %sget __K() { return %s.#__S; } "
           "%sset __K(value) { %s.#__S = value; }", j, s, j, s, obj, s, obj);
    if (st)
        add(t, " static { __sluice_run_initializers(this, _e%u); }", j);
    add(t, " }\n");
}

/* Puts the members parsed from accessor_text where the accessor was: storage named after it, its key, its value. */
static js_node *accessor_members(js_arena *a, js_node *m, js_node *made, const char *wrap)
{
    /* named as ts_lower.c names an undecorated accessor's storage */
    const char *base = m->a->kind == N_STR && sl__js_is_ident_name(m->a->s, m->a->n) ? m->a->s : NULL;
    rename_private(made, "#__S", base ? sl__js_printf(a, "#%s_accessor_storage", base)
                                      : sl__js_printf(a, "#_%u_accessor_storage", m->pos));
    for (uint32_t i = 1; i <= 2; i++)
        made->list[i]->a = m->a;
    js_node *value = wrap ? run_then(a, wrap, m->b, m->pos) : m->b ? m->b : void0(a, m->pos);
    subst(made->list[0], "__V", value);
    return made;
}

static const char *const kinds[] = {[JP_METHOD] = "method", [JP_GET] = "getter", [JP_SET] = "setter",
                                    [JP_ACCESSOR] = "accessor"};

/* The decorating static block's calls: static members first, then instance members. */
static void decorate_calls(js_arena *a, text *t, const js_node *c, const uint32_t *slot)
{
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < c->n; i++) {
            js_node *m = c->list[i];
            int is_static = (m->flags & JF_STATIC) != 0;
            if (!is_decorated(m) || is_static == pass)
                continue;
            uint32_t j = slot[i];
            const char *inits = m->op == JP_ACCESSOR ? sl__js_printf(a, "_e%u", j) : is_static ? "_si" : "_ii";
            add(t, "  __sluice_decorate(%s, %s, \"%s\", %s, _m%u, %s, _meta", is_static ? "this" : "this.prototype",
                is_static ? "true" : "false", kinds[m->op], member_name(a, m), j, inits);
            if (m->op == JP_ACCESSOR)
                add(t, ", _a%u", j);
            add(t, ");\n");
        }
}

/* Whether the class defines its own static `name` before its static blocks run (a method, getter,
 * setter or accessor; a computed key may be one): then .name is its own, not set by the lowering. */
static int own_static_name(const js_node *c)
{
    for (uint32_t i = 0; i < c->n; i++) {
        const js_node *m = c->list[i];
        if (!(m->flags & JF_STATIC) || m->op == JP_FIELD || m->op == JP_STATIC_BLOCK || !m->a)
            continue;
        if ((m->flags & JF_COMPUTED) || (m->a->kind == N_STR && m->a->n == 4 && !memcmp(m->a->s, "name", 4)))
            return 1;
    }
    return 0;
}

int sl__js_lower_decorators(js_arena *a, js_node *c, const char *name, const char *given, js_node **out,
                            size_t *nout, char *err, size_t errlen, uint32_t *errpos)
{
    uint32_t pos = c->pos;
    *errpos = pos;
    if (check_members(a, c, err, errlen, errpos))
        return -1;
    text t = {0};
    int has_class = c->c && c->c->n;
    uint32_t k = 0, *slot = sl__js_zalloc(a, (c->n + 1) * sizeof *slot);
    const char **wrap = sl__js_zalloc(a, (c->n + 1) * sizeof *wrap);
    for (uint32_t i = 0; i < c->n; i++)
        slot[i] = is_decorated(c->list[i]) ? k++ : 0;
    const char *ctor_runs = place_runners(a, c, slot, wrap);
    /* the IIFE: class decorators evaluated first */
    add(&t, "let %s = (() => {\n  let _cd = __CD, _ci = [], _si = [], _ii = [], _meta, _this, _self", name);
    for (uint32_t i = 0; i < c->n; i++)
        if (is_decorated(c->list[i]))
            add(&t, c->list[i]->op == JP_ACCESSOR ? ", _m%u, _a%u = [], _e%u = []" : ", _m%u", slot[i], slot[i], slot[i]);
    /* the static block runs inside the class expression, before `var C =` assigns the original class:
     * the decorated class waits in _this and is assigned after */
    add(&t, ";\n  var %s = __CLASS;\n  return %s = _this;\n})();\nclass __X { static {\n  _self = _this = this;\n", name, name);
    /* The class's .name is `given` (tsc's __setFunctionName), not the binding's, which is made up
     * for an anonymous class (`_class`, `_default`) and renamed by minification. */
    if (!own_static_name(c) && !strpbrk(given, "\"\\\n\r"))
        add(&t, "  Object.defineProperty(this, \"name\", { value: \"%s\", configurable: true });\n", given);
    for (uint32_t i = 0; i < k; i++)
        add(&t, "  _m%u = __D%u;\n", i, i);
    add(&t, "  _meta = typeof Symbol === \"function\" && Symbol.metadata ? Object.create(null) : void 0;\n");
    decorate_calls(a, &t, c, slot);
    if (has_class)
        add(&t, "  %s = _this = __sluice_decorate_class(this, _cd, _ci, _meta, \"%s\");\n", name, given);
    add(&t, "  if (_meta) Object.defineProperty(_this, Symbol.metadata, { enumerable: true, configurable: true, "
            "writable: true, value: _meta });\n  __sluice_run_initializers(_this, _si);\n} }\n");
    if (ctor_runs)
        add(&t, "class __Y { constructor() { __sluice_run_initializers(this, %s); } }\n"
                "class __Z extends __B { constructor(...args) { super(...args); __sluice_run_initializers(this, %s); } }\n",
            ctor_runs, ctor_runs);
    uint32_t first_accessor = ctor_runs ? 4 : 2;
    for (uint32_t i = 0; i < c->n; i++)
        if (is_decorated(c->list[i]) && c->list[i]->op == JP_ACCESSOR)
            accessor_text(&t, c->list[i], slot[i], "_self");
    /* the class decorators' initializers run last, after the static fields and blocks */
    if (has_class)
        add(&t, "class __W { static { __sluice_run_initializers(_this, _ci); } }\n");
    js_node *prog = parse_text(a, t.v, pos, err, errlen);
    free(t.v);
    if (!prog)
        return -1;
    for (uint32_t i = 0; i < prog->n; i++)
        at_pos(prog->list[i], pos);
    js_node *let = prog->list[0];
    js_node *block = prog->list[1]->list[0]; /* the static block member */
    /* the member decorators into _mN = [...] in source order; accessors into their storage, getter and setter;
     * extra initializers before the field that follows */
    uint32_t next_accessor = first_accessor, n = 0;
    js_node **members = sl__js_zalloc(a, (c->n + 4 * (size_t)k) * sizeof *members);
    for (uint32_t i = 0; i < c->n; i++) {
        js_node *m = c->list[i];
        if (wrap[i] && m->op == JP_FIELD)
            m->b = run_then(a, wrap[i], m->b, m->pos);
        members[n++] = m;
        if (!is_decorated(m))
            continue;
        char ph[16];
        snprintf(ph, sizeof ph, "__D%u", slot[i]);
        subst(block, ph, array_of(a, m->d, m->pos));
        m->d = NULL;
        if (m->op == JP_ACCESSOR) { /* replaced by its storage, getter and setter */
            js_node *made = accessor_members(a, m, prog->list[next_accessor++], wrap[i]);
            n--;
            for (uint32_t x = 0; x < made->n; x++)
                members[n++] = made->list[x];
        }
    }
    c->list = members;
    c->n = n;
    subst(let, "__CD", array_of(a, c->c, pos));
    /* extra initializers with no field to run before: at the start of construction */
    if (ctor_runs) {
        js_node *ctor = NULL;
        for (uint32_t i = 0; i < c->n; i++) {
            js_node *m = c->list[i];
            if (m->op == JP_METHOD && !(m->flags & JF_STATIC) && m->a->kind == N_STR && !strcmp(m->a->s, "constructor"))
                ctor = m;
        }
        js_node *run = prog->list[2]->list[0]->b->b->list[0]; /* __sluice_run_initializers(this, ...); */
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
    if (has_class) {
        js_node *last = prog->list[prog->n - 1]->list[0];
        cls->list = sl__js_list_insert(a, cls->list, cls->n, cls->n, &last, 1);
        cls->n++;
    }
    subst(let, "__CLASS", cls);
    out[(*nout)++] = let;
    return 0;
}
