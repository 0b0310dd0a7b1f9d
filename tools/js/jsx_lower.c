/*
 * jsx_lower.c - JSX elements to calls (see js_lower.h).
 *
 * Classic: factory(tag, props or null, ...children).  Automatic: jsx or
 * jsxs(tag, {...props, children}, key) from <source>/jsx-runtime, jsxs when
 * an element has more than one child, and createElement from <source>
 * when a `key` follows a spread (React's rule, as Babel and esbuild
 * apply it).  Text follows esbuild (Babel's cleanJSXElementLiteralChild,
 * except that a tab inside a line stays a tab): entities decoded, each
 * line trimmed of spaces and tabs where it meets a line break, blank
 * lines dropped, lines joined with one space.
 */
#include "js_lower.h"

#include <stdlib.h>
#include <string.h>

#include "js_lexer.h"
#include "js_parser.h"

/* The XHTML entities JSX knows (the HTML 4 set and &apos;), sorted for bsearch.
 * The names are held in place, not pointed to: a table of pointers in a PIE
 * is relocated, page by page, at every start of the sluice binary. */
static const struct entity {
    char name[9]; /* "thetasym" is the longest */
    uint32_t cp;
} entities[] = {
    {"AElig", 198}, {"Aacute", 193}, {"Acirc", 194}, {"Agrave", 192}, {"Alpha", 913}, {"Aring", 197}, {"Atilde",
    195}, {"Auml", 196}, {"Beta", 914}, {"Ccedil", 199}, {"Chi", 935}, {"Dagger", 8225}, {"Delta", 916}, {"ETH",
    208}, {"Eacute", 201}, {"Ecirc", 202}, {"Egrave", 200}, {"Epsilon", 917}, {"Eta", 919}, {"Euml", 203},
    {"Gamma", 915}, {"Iacute", 205}, {"Icirc", 206}, {"Igrave", 204}, {"Iota", 921}, {"Iuml", 207}, {"Kappa",
    922}, {"Lambda", 923}, {"Mu", 924}, {"Ntilde", 209}, {"Nu", 925}, {"OElig", 338}, {"Oacute", 211}, {"Ocirc",
    212}, {"Ograve", 210}, {"Omega", 937}, {"Omicron", 927}, {"Oslash", 216}, {"Otilde", 213}, {"Ouml", 214},
    {"Phi", 934}, {"Pi", 928}, {"Prime", 8243}, {"Psi", 936}, {"Rho", 929}, {"Scaron", 352}, {"Sigma", 931},
    {"THORN", 222}, {"Tau", 932}, {"Theta", 920}, {"Uacute", 218}, {"Ucirc", 219}, {"Ugrave", 217}, {"Upsilon",
    933}, {"Uuml", 220}, {"Xi", 926}, {"Yacute", 221}, {"Yuml", 376}, {"Zeta", 918}, {"aacute", 225}, {"acirc",
    226}, {"acute", 180}, {"aelig", 230}, {"agrave", 224}, {"alefsym", 8501}, {"alpha", 945}, {"amp", 38}, {"and",
    8743}, {"ang", 8736}, {"apos", 39}, {"aring", 229}, {"asymp", 8776}, {"atilde", 227}, {"auml", 228}, {"bdquo",
    8222}, {"beta", 946}, {"brvbar", 166}, {"bull", 8226}, {"cap", 8745}, {"ccedil", 231}, {"cedil", 184},
    {"cent", 162}, {"chi", 967}, {"circ", 710}, {"clubs", 9827}, {"cong", 8773}, {"copy", 169}, {"crarr", 8629},
    {"cup", 8746}, {"curren", 164}, {"dArr", 8659}, {"dagger", 8224}, {"darr", 8595}, {"deg", 176}, {"delta",
    948}, {"diams", 9830}, {"divide", 247}, {"eacute", 233}, {"ecirc", 234}, {"egrave", 232}, {"empty", 8709},
    {"emsp", 8195}, {"ensp", 8194}, {"epsilon", 949}, {"equiv", 8801}, {"eta", 951}, {"eth", 240}, {"euml", 235},
    {"euro", 8364}, {"exist", 8707}, {"fnof", 402}, {"forall", 8704}, {"frac12", 189}, {"frac14", 188}, {"frac34",
    190}, {"frasl", 8260}, {"gamma", 947}, {"ge", 8805}, {"gt", 62}, {"hArr", 8660}, {"harr", 8596}, {"hearts",
    9829}, {"hellip", 8230}, {"iacute", 237}, {"icirc", 238}, {"iexcl", 161}, {"igrave", 236}, {"image", 8465},
    {"infin", 8734}, {"int", 8747}, {"iota", 953}, {"iquest", 191}, {"isin", 8712}, {"iuml", 239}, {"kappa", 954},
    {"lArr", 8656}, {"lambda", 955}, {"lang", 9001}, {"laquo", 171}, {"larr", 8592}, {"lceil", 8968}, {"ldquo",
    8220}, {"le", 8804}, {"lfloor", 8970}, {"lowast", 8727}, {"loz", 9674}, {"lrm", 8206}, {"lsaquo", 8249},
    {"lsquo", 8216}, {"lt", 60}, {"macr", 175}, {"mdash", 8212}, {"micro", 181}, {"middot", 183}, {"minus", 8722},
    {"mu", 956}, {"nabla", 8711}, {"nbsp", 160}, {"ndash", 8211}, {"ne", 8800}, {"ni", 8715}, {"not", 172},
    {"notin", 8713}, {"nsub", 8836}, {"ntilde", 241}, {"nu", 957}, {"oacute", 243}, {"ocirc", 244}, {"oelig",
    339}, {"ograve", 242}, {"oline", 8254}, {"omega", 969}, {"omicron", 959}, {"oplus", 8853}, {"or", 8744},
    {"ordf", 170}, {"ordm", 186}, {"oslash", 248}, {"otilde", 245}, {"otimes", 8855}, {"ouml", 246}, {"para",
    182}, {"part", 8706}, {"permil", 8240}, {"perp", 8869}, {"phi", 966}, {"pi", 960}, {"piv", 982}, {"plusmn",
    177}, {"pound", 163}, {"prime", 8242}, {"prod", 8719}, {"prop", 8733}, {"psi", 968}, {"quot", 34}, {"rArr",
    8658}, {"radic", 8730}, {"rang", 9002}, {"raquo", 187}, {"rarr", 8594}, {"rceil", 8969}, {"rdquo", 8221},
    {"real", 8476}, {"reg", 174}, {"rfloor", 8971}, {"rho", 961}, {"rlm", 8207}, {"rsaquo", 8250}, {"rsquo",
    8217}, {"sbquo", 8218}, {"scaron", 353}, {"sdot", 8901}, {"sect", 167}, {"shy", 173}, {"sigma", 963},
    {"sigmaf", 962}, {"sim", 8764}, {"spades", 9824}, {"sub", 8834}, {"sube", 8838}, {"sum", 8721}, {"sup", 8835},
    {"sup1", 185}, {"sup2", 178}, {"sup3", 179}, {"supe", 8839}, {"szlig", 223}, {"tau", 964}, {"there4", 8756},
    {"theta", 952}, {"thetasym", 977}, {"thinsp", 8201}, {"thorn", 254}, {"tilde", 732}, {"times", 215}, {"trade",
    8482}, {"uArr", 8657}, {"uacute", 250}, {"uarr", 8593}, {"ucirc", 251}, {"ugrave", 249}, {"uml", 168},
    {"upsih", 978}, {"upsilon", 965}, {"uuml", 252}, {"weierp", 8472}, {"xi", 958}, {"yacute", 253}, {"yen", 165},
    {"yuml", 255}, {"zeta", 950}, {"zwj", 8205}, {"zwnj", 8204}
};

static int ent_cmp(const void *k, const void *e)
{
    return strcmp(k, ((const struct entity *)e)->name);
}

/* Decodes &name; &#123; &#x1F; in s[0..n) into the arena; unknown entities stay as written. */
static char *decode_entities(js_arena *a, const char *s, size_t n, size_t *out_len)
{
    char *out = sl__js_alloc(a, n * 4 + 1), *o = out;
    for (size_t i = 0; i < n;) {
        if (s[i] == '&') {
            const char *semi = memchr(s + i, ';', n - i < 12 ? n - i : 12);
            if (semi) {
                size_t len = (size_t)(semi - (s + i)) - 1;
                char name[16];
                uint32_t cp = 0;
                int ok = 0;
                if (len > 0 && len < sizeof name) {
                    memcpy(name, s + i + 1, len);
                    name[len] = 0;
                    if (name[0] == '#') {
                        char *end;
                        unsigned long v = (name[1] == 'x' || name[1] == 'X') ? strtoul(name + 2, &end, 16)
                                                                             : strtoul(name + 1, &end, 10);
                        ok = *end == 0 && end != name + 1 + (name[1] == 'x' || name[1] == 'X') && v <= 0x10FFFF;
                        cp = (uint32_t)v;
                    } else {
                        const struct entity *e = bsearch(name, entities, sizeof entities / sizeof entities[0],
                                                         sizeof entities[0], ent_cmp);
                        if (e)
                            ok = 1, cp = e->cp;
                    }
                }
                if (ok) {
                    o += sl__js_utf8_put(o, cp);
                    i += len + 2;
                    continue;
                }
            }
        }
        *o++ = s[i++];
    }
    *o = 0;
    *out_len = (size_t)(o - out);
    return out;
}

/* Babel's rule for a text child; NULL when nothing is left. */
static js_node *clean_text(js_arena *a, const js_node *t)
{
    size_t n;
    char *s = decode_entities(a, t->s, t->n, &n);
    /* split into lines on \r\n, \n, \r */
    size_t nlines = 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || (s[i] == '\r' && !(i + 1 < n && s[i + 1] == '\n')))
            nlines++;
    size_t *starts = malloc((nlines + 1) * sizeof *starts), *ends = malloc((nlines + 1) * sizeof *ends);
    size_t k = 0;
    starts[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
            ends[k] = i;
            starts[++k] = i + 2;
            i++;
        } else if (s[i] == '\n' || s[i] == '\r') {
            ends[k] = i;
            starts[++k] = i + 1;
        }
    }
    ends[k] = n;
    size_t last_non_empty = 0;
    for (size_t l = 0; l < nlines; l++)
        for (size_t i = starts[l]; i < ends[l]; i++)
            if (s[i] != ' ' && s[i] != '\t') {
                last_non_empty = l;
                break;
            }
    char *out = sl__js_alloc(a, n + nlines + 1);
    size_t o = 0;
    for (size_t l = 0; l < nlines; l++) {
        size_t b = starts[l], e = ends[l];
        if (l != 0)
            while (b < e && (s[b] == ' ' || s[b] == '\t'))
                b++;
        if (l != nlines - 1)
            while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
                e--;
        if (b == e)
            continue;
        for (size_t i = b; i < e; i++)
            out[o++] = s[i];
        if (l != last_non_empty)
            out[o++] = ' ';
    }
    free(starts);
    free(ends);
    if (!o)
        return NULL;
    return sl__js_str(a, out, o, t->pos);
}

typedef struct jsx {
    js_ast *ast;
    const js_lower_opts *o;
    js_arena *a;
    const char *jsx_name, *jsxs_name, *frag_name, *create_name;
    int used_jsx, used_jsxs, used_frag, used_create;
    /* The first element that needs each automatic-runtime import: the
     * import is given its position, so a failure to resolve it is
     * reported there, as esbuild reports it (it has none of its own). */
    uint32_t rt_pos, create_pos;
} jsx;

static void first_use(uint32_t *at, uint32_t pos)
{
    if (pos < *at)
        *at = pos;
}

/* "React.createElement" -> React.createElement as a member chain. */
static js_node *dotted(jsx *J, const char *path, uint32_t pos)
{
    const char *dot = strchr(path, '.');
    js_node *e = sl__js_ident(J->a, sl__js_strndup(J->a, path, dot ? (size_t)(dot - path) : strlen(path)), pos);
    while (dot) {
        const char *next = strchr(dot + 1, '.');
        size_t len = next ? (size_t)(next - dot - 1) : strlen(dot + 1);
        js_node *m = sl__js_node(J->a, N_MEMBER, pos);
        m->a = e;
        m->c = sl__js_str(J->a, dot + 1, len, pos);
        e = m;
        dot = next;
    }
    return e;
}

static void lower_node(jsx *J, js_node *n);

static js_node *tag_expr(jsx *J, js_node *el)
{
    if (!el->a) {
        if (J->o->jsx == JSX_AUTOMATIC) {
            J->used_frag = 1;
            first_use(&J->rt_pos, el->pos);
            return sl__js_ident(J->a, J->frag_name, el->pos);
        }
        return dotted(J, J->o->jsx_fragment ? J->o->jsx_fragment : "React.Fragment", el->pos);
    }
    return el->a; /* N_STR for intrinsic/namespaced tags, else an expression */
}

static js_node *prop(jsx *J, js_node *key, js_node *value, uint32_t pos)
{
    js_node *p = sl__js_node(J->a, N_PROPERTY, pos);
    p->op = JP_INIT;
    p->a = key;
    if (!sl__js_is_ident_name(key->s, key->n))
        key->flags |= JF_QUOTED;
    p->b = value;
    return p;
}

static js_node *attr_value(jsx *J, js_node *at)
{
    js_node *v = at->b;
    if (!v) {
        js_node *t = sl__js_node(J->a, N_BOOL, at->pos);
        t->op = 1;
        return t;
    }
    if (v->kind == N_JSX_TEXT) {
        size_t n;
        char *s = decode_entities(J->a, v->s, v->n, &n);
        js_node *str = sl__js_node(J->a, N_STR, v->pos);
        str->s = s;
        str->n = (uint32_t)n;
        return str;
    }
    if (v->kind == N_JSX_EXPR) {
        lower_node(J, v->a);
        return v->a;
    }
    lower_node(J, v); /* an element as a value */
    return v;
}

/* The children that produce values, lowered. */
static size_t children(jsx *J, js_node *el, js_node ***out)
{
    js_node *kids = el->c;
    size_t n = 0;
    js_node **v = sl__js_alloc(J->a, (kids ? kids->n : 0) * sizeof *v + 1);
    for (uint32_t i = 0; kids && i < kids->n; i++) {
        js_node *k = kids->list[i];
        if (k->kind == N_JSX_TEXT) {
            js_node *s = clean_text(J->a, k);
            if (s)
                v[n++] = s;
        } else if (k->kind == N_JSX_EXPR) {
            if (k->a) {
                lower_node(J, k->a);
                v[n++] = k->a;
            }
        } else if (k->kind == N_SPREAD) {
            lower_node(J, k->a);
            v[n++] = k;
        } else {
            lower_node(J, k);
            v[n++] = k;
        }
    }
    *out = v;
    return n;
}

static js_node *call(jsx *J, js_node *callee, js_node **args, size_t n, uint32_t pos)
{
    js_node *c = sl__js_node(J->a, N_CALL, pos);
    c->flags |= JF_PURE; /* as esbuild marks them: an unused element can be dropped */
    c->a = callee;
    c->n = (uint32_t)n;
    c->list = sl__js_list_copy(J->a, args, n);
    return c;
}

static void become(js_node *dst, js_node *src)
{
    *dst = *src;
}

static void lower_classic(jsx *J, js_node *el)
{
    js_node **kids;
    size_t nk = children(J, el, &kids);
    js_node *props = NULL;
    if (el->n) {
        props = sl__js_node(J->a, N_OBJECT, el->pos);
        js_node **ps = sl__js_alloc(J->a, el->n * sizeof *ps);
        for (uint32_t i = 0; i < el->n; i++) {
            js_node *at = el->list[i];
            if (at->kind == N_SPREAD) {
                lower_node(J, at->a);
                ps[i] = at;
            } else {
                ps[i] = prop(J, at->a, attr_value(J, at), at->pos);
            }
        }
        props->n = el->n;
        props->list = ps;
    } else {
        props = sl__js_node(J->a, N_NULL, el->pos);
    }
    js_node **args = sl__js_alloc(J->a, (nk + 2) * sizeof *args);
    args[0] = tag_expr(J, el);
    args[1] = props;
    memcpy(args + 2, kids, nk * sizeof *kids);
    js_node *callee = J->o->jsx == JSX_AUTOMATIC
                          ? (J->used_create = 1, first_use(&J->create_pos, el->pos),
                             sl__js_ident(J->a, J->create_name, el->pos))
                          : dotted(J, J->o->jsx_factory ? J->o->jsx_factory : "React.createElement", el->pos);
    become(el, call(J, callee, args, nk + 2, el->pos));
}

static void lower_automatic(jsx *J, js_node *el)
{
    /* a key after a spread: React needs createElement */
    int seen_spread = 0;
    for (uint32_t i = 0; i < el->n; i++) {
        js_node *at = el->list[i];
        if (at->kind == N_SPREAD)
            seen_spread = 1;
        else if (seen_spread && at->a->n == 3 && !memcmp(at->a->s, "key", 3)) {
            lower_classic(J, el);
            return;
        }
    }
    js_node **kids;
    size_t nk = children(J, el, &kids);
    js_node *props = sl__js_node(J->a, N_OBJECT, el->pos);
    js_node **ps = sl__js_alloc(J->a, (el->n + 1) * sizeof *ps);
    size_t np = 0;
    js_node *key = NULL;
    for (uint32_t i = 0; i < el->n; i++) {
        js_node *at = el->list[i];
        if (at->kind == N_SPREAD) {
            lower_node(J, at->a);
            ps[np++] = at;
        } else if (at->a->n == 3 && !memcmp(at->a->s, "key", 3)) {
            key = attr_value(J, at);
        } else {
            ps[np++] = prop(J, at->a, attr_value(J, at), at->pos);
        }
    }
    int is_static = 0;
    for (size_t i = 0; i < nk; i++)
        if (kids[i]->kind == N_SPREAD)
            is_static = 1;
    if (nk == 1 && !is_static) {
        ps[np++] = prop(J, sl__js_str(J->a, "children", 8, el->pos), kids[0], el->pos);
    } else if (nk > 0) {
        js_node *arr = sl__js_node(J->a, N_ARRAY, el->pos);
        arr->n = (uint32_t)nk;
        arr->list = kids;
        ps[np++] = prop(J, sl__js_str(J->a, "children", 8, el->pos), arr, el->pos);
        is_static = 1;
    }
    props->n = (uint32_t)np;
    props->list = ps;
    js_node *args[3];
    args[0] = tag_expr(J, el);
    args[1] = props;
    size_t na = 2;
    if (key)
        args[na++] = key;
    const char *fn = is_static ? J->jsxs_name : J->jsx_name;
    if (is_static)
        J->used_jsxs = 1;
    else
        J->used_jsx = 1;
    first_use(&J->rt_pos, el->pos);
    become(el, call(J, sl__js_ident(J->a, fn, el->pos), args, na, el->pos));
}

static void lower_child(js_node *n, void *J)
{
    lower_node(J, n);
}

static void lower_children_of(jsx *J, js_node *n)
{
    sl__js_each_child(n, lower_child, J);
}

static void lower_node(jsx *J, js_node *n)
{
    if (n->kind == N_JSX) {
        if (n->a && n->a->kind != N_STR)
            lower_node(J, n->a);
        if (J->o->jsx == JSX_AUTOMATIC)
            lower_automatic(J, n);
        else
            lower_classic(J, n);
        return;
    }
    if (n->kind == N_PROPERTY) {
        if (n->flags & JF_COMPUTED)
            lower_node(J, n->a);
        if (n->b)
            lower_node(J, n->b);
        if (n->c)
            lower_node(J, n->c);
        if (n->d)
            lower_node(J, n->d);
        return;
    }
    lower_children_of(J, n);
}

/* A name no symbol of the file has: base, base2, base3, ... */
static const char *fresh_name(jsx *J, const char *base)
{
    for (int i = 1;; i++) {
        const char *name = i == 1 ? base : sl__js_printf(J->a, "%s%d", base, i);
        int taken = 0;
        for (uint32_t s = 0; s < J->ast->nsyms && !taken; s++)
            taken = !strcmp(J->ast->syms[s].name, name);
        if (!taken)
            return name;
    }
}

static js_node *import_of(jsx *J, const char *source, const char *const *imported, const char *const *local, size_t n,
                          uint32_t pos)
{
    js_node *im = sl__js_node(J->a, N_IMPORT, 0);
    im->a = sl__js_str(J->a, source, strlen(source), pos);
    js_node **specs = sl__js_alloc(J->a, n * sizeof *specs);
    for (size_t i = 0; i < n; i++) {
        js_node *sp = sl__js_node(J->a, N_IMPORT_SPEC, 0);
        sp->op = JS_SPEC_NAMED;
        sp->a = sl__js_ident(J->a, local[i], 0);
        sp->b = sl__js_str(J->a, imported[i], strlen(imported[i]), 0);
        specs[i] = sp;
    }
    im->n = (uint32_t)n;
    im->list = specs;
    return im;
}

/* One `@jsx...` pragma of a comment's text [p, end): its value, the
 * word after it (NULL if none). */
static const char *pragma_value(js_arena *a, const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    const char *v = p;
    while (p < end && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && !(*p == '*' && p + 1 < end && p[1] == '/'))
        p++;
    return p > v ? sl__js_printf(a, "%.*s", (int)(p - v), v) : NULL;
}

int sl__jsx_name_ok(const char *s)
{
    const char *dot = strchr(s, '.');
    size_t n = dot ? (size_t)(dot - s) : strlen(s);
    if (!sl__js_is_ident_name(s, n) || sl__js_is_reserved(s, n))
        return 0;
    while (dot) {
        s = dot + 1;
        dot = strchr(s, '.');
        n = dot ? (size_t)(dot - s) : strlen(s);
        if (!sl__js_is_ident_name(s, n))
            return 0;
    }
    return 1;
}

/* The pragmas of one comment [p, end) of ast's text.  A factory that is
 * no name (`@jsx h-x`) is an error at the pragma: printed into the call,
 * it would be blamed on the lowered text, or parse as something else. */
static int comment_pragmas(const js_ast *ast, js_arena *a, const char *p, const char *end, js_lower_opts *o,
                           uint32_t *source_p1, char *err, size_t errlen)
{
    static const char *const names[] = {"@jsxImportSource", "@jsxRuntime", "@jsxFrag", "@jsx"};
    for (; p < end; p++) {
        if (*p != '@')
            continue;
        for (int i = 0; i < 4; i++) {
            size_t n = strlen(names[i]);
            if ((size_t)(end - p) < n || strncmp(p, names[i], n) || (p + n < end && p[n] != ' ' && p[n] != '\t'))
                continue;
            const char *v = pragma_value(a, p + n, end);
            if (!v)
                break;
            if (i >= 2 && !sl__jsx_name_ok(v)) {
                const char *at = p + n;
                while (*at == ' ' || *at == '\t')
                    at++;
                sl__js_error_text(err, errlen, ast->path, ast->src, ast->len, (uint32_t)(at - ast->src),
                                  sl__js_printf(a, "invalid JSX %s \"%s\" in the %s comment: a name or a dotted "
                                                   "path of names is needed",
                                                i == 3 ? "factory" : "fragment", v, names[i]));
                return -1;
            }
            if (i == 0) {
                o->jsx_import_source = v;
                const char *at = p + n;
                while (*at == ' ' || *at == '\t')
                    at++;
                *source_p1 = (uint32_t)(at - ast->src) + 1;
            }
            else if (i == 1 && !strcmp(v, "classic"))
                o->jsx = JSX_CLASSIC;
            else if (i == 1 && !strcmp(v, "automatic"))
                o->jsx = JSX_AUTOMATIC;
            else if (i == 2)
                o->jsx_fragment = v;
            else if (i == 3)
                o->jsx_factory = v;
            break;
        }
    }
    return 0;
}

/* The file's own JSX settings: `@jsx`, `@jsxFrag`, `@jsxRuntime` and
 * `@jsxImportSource` in the comments before its first token (where
 * TypeScript reads them; Preact's `@jsx h` and Emotion's
 * `@jsxImportSource @emotion/react` are written there) win over the
 * options and tsconfig.json. */
static int file_pragmas(const js_ast *ast, js_arena *a, js_lower_opts *o, uint32_t *source_p1, char *err,
                        size_t errlen)
{
    const char *p = ast->src + ast->hashbang_end, *end = ast->src + ast->len;
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v'))
            p++;
        if (end - p < 2 || p[0] != '/' || (p[1] != '/' && p[1] != '*'))
            return 0;
        const char *c = p + 2, *stop;
        if (p[1] == '/') {
            stop = memchr(c, '\n', (size_t)(end - c));
            stop = stop ? stop : end;
            p = stop;
        } else {
            stop = c;
            while (stop + 1 < end && !(stop[0] == '*' && stop[1] == '/'))
                stop++;
            if (stop + 1 >= end)
                return 0; /* unterminated: the parser has said so */
            p = stop + 2;
        }
        if (comment_pragmas(ast, a, c, stop, o, source_p1, err, errlen))
            return -1;
    }
}

uint32_t sl__jsx_source_ignored(const js_ast *ast, const js_lower_opts *opts)
{
    js_lower_opts o = *opts;
    uint32_t source_p1 = 0;
    char err[256];
    if (!ast->src || file_pragmas(ast, ast->arena, &o, &source_p1, err, sizeof err) || o.jsx != JSX_CLASSIC)
        return 0;
    return source_p1;
}

int sl__jsx_lower(js_ast *ast, const js_lower_opts *opts, char *err, size_t errlen)
{
    jsx J;
    memset(&J, 0, sizeof J);
    js_lower_opts own = *opts;
    const js_lower_opts *o = &own;
    uint32_t source_p1 = 0;
    if (ast->src && file_pragmas(ast, ast->arena, &own, &source_p1, err, errlen))
        return -1;
    J.ast = ast;
    J.o = o;
    J.a = ast->arena;
    J.rt_pos = J.create_pos = UINT32_MAX;
    if (o->jsx == JSX_AUTOMATIC) {
        J.jsx_name = fresh_name(&J, "_jsx");
        J.jsxs_name = fresh_name(&J, "_jsxs");
        J.frag_name = fresh_name(&J, "_Fragment");
        J.create_name = fresh_name(&J, "_createElement");
    }
    lower_node(&J, ast->program);
    if (o->jsx != JSX_AUTOMATIC)
        return 0;
    const char *src = o->jsx_import_source ? o->jsx_import_source : "react";
    const char *imported[3], *local[3];
    size_t n = 0;
    if (J.used_jsx)
        imported[n] = "jsx", local[n++] = J.jsx_name;
    if (J.used_jsxs)
        imported[n] = "jsxs", local[n++] = J.jsxs_name;
    if (J.used_frag)
        imported[n] = "Fragment", local[n++] = J.frag_name;
    js_node *adds[2];
    size_t na = 0;
    if (n)
        adds[na++] = import_of(&J, sl__js_printf(J.a, "%s/jsx-runtime", src), imported, local, n, J.rt_pos);
    if (J.used_create) {
        const char *ci = "createElement";
        adds[na++] = import_of(&J, src, &ci, &J.create_name, 1, J.create_pos);
    }
    if (!na)
        return 0;
    js_node *prog = ast->program;
    uint32_t at = 0;
    while (at < prog->n && prog->list[at]->kind == N_DIRECTIVE)
        at++;
    prog->list = sl__js_list_insert(J.a, prog->list, prog->n, at, adds, (uint32_t)na);
    prog->n += (uint32_t)na;
    ast->is_module = 1;
    return 0;
}
