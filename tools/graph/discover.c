/*
 * discover.c - from command-line paths to packages, crate roots and the
 * .rs files to parse.
 *
 * A directory with a Cargo.toml is a package (its [workspace] members are
 * packages too, globs expanded); one without is searched one level down
 * for packages, so a registry of crates can be graphed in one go.  A
 * package's crate roots follow Cargo's target rules: [lib] path or
 * src/lib.rs, src/main.rs, [[bin]] paths, every src/bin/NAME.rs and
 * src/bin/<name>/main.rs, build.rs, and tests/, examples/, benches/.
 * Every .rs file under the package directory is parsed too, so files no
 * root reaches can be reported as orphans.  A lone .rs path is a crate of
 * its own.  What holds .rs files and no package read (a crate a workspace
 * excludes or does not list, a directory with no Cargo.toml above it) is
 * not graphed, as Cargo builds none of it: a note names it.
 */
#include "discover.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"
#include "xalloc.h"

/* What discovery keeps for the note on what it did not read. */
typedef struct disc {
    gr_strlist read;   /* directories whose Cargo.toml was read */
    gr_strlist passed; /* directories with a Cargo.toml a package's walk did not enter */
    gr_strlist search; /* workspaces with no package and directories of crates:
                        * searched at the end for what no package read holds */
    const gr_manifest *ws; /* the workspace whose members are being read, or NULL */
} disc;

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

/* Every question to the file system is recorded (gr_graph_watch): the
 * answers are what the graph depends on besides the files' texts. */
static int is_file(gr_graph *g, const char *p)
{
    struct stat st;
    const gr_watch *w = gr_graph_watch(g, p);
    return w ? w->exists && S_ISREG(w->mode) : stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(gr_graph *g, const char *p)
{
    struct stat st;
    const gr_watch *w = gr_graph_watch(g, p);
    return w ? w->exists && S_ISDIR(w->mode) : stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static uint32_t add_package(gr_graph *g, const char *dir, const char *name)
{
    if (g->npackages == g->packages_cap) {
        g->packages_cap = g->packages_cap ? g->packages_cap * 2 : 16;
        g->packages = gr_xrealloc(g->packages, g->packages_cap * sizeof *g->packages);
    }
    g->packages[g->npackages].dir = gr_xstrdup(dir);
    g->packages[g->npackages].name = gr_xstrdup(name);
    return (uint32_t)g->npackages++;
}

static void add_crate(gr_graph *g, const char *name, const char *kind, const char *root, uint32_t pkg,
                      int edition)
{
    for (size_t i = 0; i < g->ncrates; i++)
        if (!strcmp(g->crates[i].root, root) && !strcmp(g->crates[i].kind, kind))
            return; /* the same target named twice */
    if (g->ncrates == g->crates_cap) {
        g->crates_cap = g->crates_cap ? g->crates_cap * 2 : 16;
        g->crates = gr_xrealloc(g->crates, g->crates_cap * sizeof *g->crates);
    }
    gr_crate *c = &g->crates[g->ncrates++];
    memset(c, 0, sizeof *c);
    c->name = gr_xstrdup(name);
    for (char *p = c->name; *p; p++)
        if (*p == '-')
            *p = '_';
    c->kind = gr_xstrdup(kind);
    c->root = gr_xstrdup(root);
    c->package = pkg;
    c->edition = (uint16_t)edition;
}

/* An edition as written ("2018") as a year; dflt when absent or not one. */
static int edition_of(const char *s, int dflt)
{
    if (!s || s[0] < '1' || s[0] > '9')
        return dflt;
    long y = strtol(s, NULL, 10);
    return y > 0 && y < 65536 ? (int)y : dflt;
}

/* The edition of the kind table (bin, test, example, bench) named name,
 * when it sets one: it overrides the package's, as in Cargo. */
static int target_edition(const gr_manifest *m, const char *kind, const char *name, int pkg_edition)
{
    for (size_t i = 0; i < m->target_kinds.n; i++)
        if (!strcmp(m->target_kinds.v[i], kind) && !strcmp(m->target_names.v[i], name))
            return edition_of(m->target_editions.v[i], pkg_edition);
    return pkg_edition;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries of a directory (names only), without "." and "..";
 * NULL (and errno set) when it cannot be listed.  Nothing recorded. */
static char **read_names(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t cap = 16;
    char **v = gr_xmalloc(cap * sizeof *v);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (*n == cap)
            v = gr_xrealloc(v, (cap *= 2) * sizeof *v);
        v[(*n)++] = gr_xstrdup(e->d_name);
    }
    closedir(d);
    qsort(v, *n, sizeof *v, name_cmp);
    return v;
}

/* read_names, the directory recorded in the run record and one that is
 * there but cannot be listed warned of.
 * st: what lstat(2) said of dir just now (the walk asked), or NULL. */
static char **list_dir(gr_graph *g, const char *dir, size_t *n, const struct stat *st)
{
    /* a directory's times change when an entry comes or goes */
    if (st && g->watch)
        gr_watch_lstated(g->watch, dir, st);
    else
        gr_graph_watch(g, dir);
    char **v = read_names(dir, n);
    /* one that is there but cannot be listed (no read permission) is
     * a warning, as an unreadable file is: files in it are missing */
    if (!v && errno != ENOENT && errno != ENOTDIR)
        gr_graph_warn(g, dir, 0, "cannot list the directory (%s): what is in it that no `mod` names is not graphed",
                      strerror(errno));
    return v;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Every *.rs under dir (not following directory links, skipping target/,
 * hidden directories and nested packages).  dir_st: lstat(2) of dir, when
 * the walk above asked.  The run record takes the walk's answers for
 * directories and files rather than asking again (a cold run with a
 * cache stat'ed every file twice). */
static void walk(gr_graph *g, disc *d, const char *dir, uint32_t pkg, int top, int depth, const struct stat *dir_st)
{
    if (depth > GR_MAX_WALK_DEPTH) {
        gr_graph_warn(g, dir, 0, "directory nested deeper than %d levels in its package; not searched",
                      GR_MAX_WALK_DEPTH);
        return;
    }
    size_t n;
    char **v = list_dir(g, dir, &n, dir_st);
    for (size_t i = 0; i < n; i++) {
        char *p = gr_path_join(dir, v[i]);
        struct stat st;
        int lst = lstat(p, &st);
        if (lst == 0 && S_ISDIR(st.st_mode)) {
            char *toml = gr_path_join(p, "Cargo.toml");
            int nested = is_file(g, toml);
            free(toml);
            if (v[i][0] != '.' && !(top && !strcmp(v[i], "target"))) {
                if (!nested)
                    walk(g, d, p, pkg, 0, depth + 1, &st);
                else
                    gr_strlist_push(&d->passed, p);
            }
            /* a directory named x.rs is still something `mod x;` may
             * name; it is reported when that happens */
        } else if (ends_with(v[i], ".rs")) {
            int added;
            uint32_t f = gr_graph_file(g, p, pkg, 1, &added);
            if (lst == 0 && S_ISREG(st.st_mode)) {
                g->files[f].size = st.st_size > UINT32_MAX ? UINT32_MAX : (uint32_t)st.st_size;
                if (g->watch && !g->files[f].watch) {
                    gr_watch_lstated(g->watch, p, &st);
                    g->files[f].watch = (uint32_t)g->watch->n;
                }
            }
        }
        free(p);
    }
    free_list(v, n);
}

/* The auto-discovered targets in dir/<sub>: *.rs and <name>/main.rs. */
static void auto_targets(gr_graph *g, const char *dir, const gr_manifest *m, const char *sub, const char *kind,
                         uint32_t pkg, int ed)
{
    char *d = gr_path_join(dir, sub);
    size_t n;
    char **v = list_dir(g, d, &n, NULL);
    for (size_t i = 0; i < n; i++) {
        char *p = gr_path_join(d, v[i]);
        if (ends_with(v[i], ".rs") && is_file(g, p)) {
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)(strlen(v[i]) - 3), v[i]);
            add_crate(g, name, kind, p, pkg, target_edition(m, kind, name, ed));
        } else if (is_dir(g, p)) {
            char *mainrs = gr_path_join(p, "main.rs");
            if (is_file(g, mainrs))
                add_crate(g, v[i], kind, mainrs, pkg, target_edition(m, kind, v[i], ed));
            free(mainrs);
        }
        free(p);
    }
    free_list(v, n);
    free(d);
}

/* The [[bin]] ([[test]], [[example]], [[bench]]) tables of kind that name
 * a path: crate roots wherever they are, as Cargo builds them (nix's
 * `[[test]] path = "test/test.rs"`, whose `mod common;` is then
 * test/common.rs).  A table without a path names a file the directory
 * scan below finds.  Without a name, a bin takes the package's and the
 * others the file's stem (Cargo wants a name there).  A test, example or
 * bench whose file is not there is left out without a word: published
 * crates (Debian's registry among them) ship without them, while their
 * manifests still name them; a missing bin is warned about. */
static void declared_targets(gr_graph *g, const char *dir, const gr_manifest *m, const char *kind,
                             const char *pkgname, uint32_t pkg, int ed)
{
    for (size_t i = 0; i < m->target_paths.n; i++) {
        const char *path = m->target_paths.v[i], *name = m->target_names.v[i];
        if (!path[0] || strcmp(m->target_kinds.v[i], kind))
            continue;
        char stem[256];
        if (!name[0] && strcmp(kind, "bin")) {
            const char *b = strrchr(path, '/');
            b = b ? b + 1 : path;
            size_t len = strlen(b);
            if (ends_with(b, ".rs"))
                len -= 3;
            snprintf(stem, sizeof stem, "%.*s", (int)len, b);
            name = stem;
        }
        char *p = gr_path_join(dir, path);
        if (!strcmp(kind, "bin") || is_file(g, p))
            add_crate(g, name[0] ? name : pkgname, kind, p, pkg, edition_of(m->target_editions.v[i], ed));
        free(p);
    }
}

static int read_manifest(gr_graph *g, const char *toml, gr_manifest *m)
{
    char *buf;
    size_t len;
    char err[256];
    gr_graph_watch(g, toml);
    if (gr_source_read(toml, &buf, &len, err, sizeof err)) {
        gr_graph_warn(g, toml, 0, "%s", err);
        return -1;
    }
    unsigned line = 0;
    int rc = gr_manifest_parse(buf, len, m, err, sizeof err, &line);
    free(buf);
    if (rc) {
        gr_graph_warn(g, toml, line, "Cargo.toml not understood: %s; guessing the targets", err);
        memset(m, 0, sizeof *m);
        m->has_package = 1;
    }
    return 0;
}

/* A workspace member pattern lists the directory above its first
 * wildcard, and glob(3) then looks in each match of the pattern up to
 * each later component (lists it for a wildcard, tests a name in it for
 * a plain component): watching those directories - at every component,
 * not only after the first wildcard (crates/<any>/sub/<any> lists each
 * crates/X/sub) - sees a member come or go. */
static void watch_glob_dirs(gr_graph *g, const char *pat)
{
    if (!g->watch)
        return;
    size_t w = strcspn(pat, "*?[");
    if (!pat[w])
        return; /* no wildcard: the member itself is watched by is_dir */
    char *d = gr_xstrdup(pat);
    d[w] = 0;
    char *slash = strrchr(d, '/');
    if (slash)
        *slash = 0;
    gr_graph_watch(g, slash ? d : ".");
    free(d);
    char *head = gr_xstrdup(pat);
    for (const char *rest = strchr(pat + w, '/'); rest; rest = strchr(rest + 1, '/')) {
        head[rest - pat] = 0;
        glob_t gl;
        if (glob(head, 0, NULL, &gl) == 0)
            for (size_t k = 0; k < gl.gl_pathc; k++)
                gr_graph_watch(g, gl.gl_pathv[k]);
        globfree(&gl);
        head[rest - pat] = '/';
    }
    free(head);
}

/* The edition a package with `edition.workspace = true` takes: its
 * workspace root's [workspace.package] edition - its own manifest's when
 * it is the root, the workspace's that listed it, the one
 * package.workspace names, or else the nearest Cargo.toml above it with a
 * [workspace] table, as Cargo looks for the root.  2015 when there is
 * none (Cargo refuses the manifest then). */
static int inherited_edition(gr_graph *g, const disc *d, const char *dir, const gr_manifest *m)
{
    if (m->has_workspace)
        return edition_of(m->ws_edition, 2015);
    if (d->ws && !m->workspace_path)
        return edition_of(d->ws->ws_edition, 2015);
    char *at;
    if (m->workspace_path) {
        at = gr_path_join(dir, m->workspace_path);
    } else {
        char cwd[4096];
        char *abs = dir[0] == '/' ? gr_xstrdup(dir) : getcwd(cwd, sizeof cwd) ? gr_path_join(cwd, dir) : NULL;
        if (!abs)
            return 2015;
        at = gr_path_dirname(abs);
        free(abs);
    }
    int ed = 2015;
    for (int up = 0; up < 256; up++) {
        char *toml = gr_path_join(at, "Cargo.toml");
        gr_manifest w;
        int found = 0;
        if (is_file(g, toml) && !read_manifest(g, toml, &w)) {
            found = w.has_workspace;
            ed = edition_of(w.ws_edition, 2015);
            gr_manifest_free(&w);
        }
        free(toml);
        if (found || m->workspace_path || !strcmp(at, "/"))
            break;
        char *parent = gr_path_dirname(at);
        free(at);
        at = parent;
    }
    free(at);
    return ed;
}

static void package(gr_graph *g, disc *d, const char *dir, const gr_manifest *m)
{
    const char *b = strrchr(dir, '/');
    const char *name = m->package_name ? m->package_name : b ? b + 1 : dir;
    uint32_t pkg = add_package(g, dir, name);
    /* no edition is 2015, as Cargo has it */
    int ed = m->edition_workspace ? inherited_edition(g, d, dir, m) : edition_of(m->edition, 2015);
    char *lib = m->lib_path ? gr_path_join(dir, m->lib_path) : gr_path_join(dir, "src/lib.rs");
    if (is_file(g, lib) || m->lib_path)
        add_crate(g, m->lib_name ? m->lib_name : name, "lib", lib, pkg, edition_of(m->lib_edition, ed));
    free(lib);
    char *mainrs = gr_path_join(dir, "src/main.rs");
    if (is_file(g, mainrs))
        add_crate(g, name, "bin", mainrs, pkg, target_edition(m, "bin", name, ed));
    free(mainrs);
    declared_targets(g, dir, m, "bin", name, pkg, ed);
    auto_targets(g, dir, m, "src/bin", "bin", pkg, ed);
    char *build = gr_path_join(dir, m->build ? m->build : "build.rs");
    if (is_file(g, build))
        add_crate(g, "build_script_build", "build", build, pkg, ed);
    free(build);
    declared_targets(g, dir, m, "test", name, pkg, ed);
    auto_targets(g, dir, m, "tests", "test", pkg, ed);
    declared_targets(g, dir, m, "example", name, pkg, ed);
    auto_targets(g, dir, m, "examples", "example", pkg, ed);
    declared_targets(g, dir, m, "bench", name, pkg, ed);
    auto_targets(g, dir, m, "benches", "bench", pkg, ed);
    walk(g, d, dir, pkg, 1, 0, NULL);
}

static void directory(gr_graph *g, disc *d, const char *dir, int depth)
{
    char *toml = gr_path_join(dir, "Cargo.toml");
    if (!is_file(g, toml)) {
        free(toml);
        size_t n, found = 0;
        char **v = list_dir(g, dir, &n, NULL);
        for (size_t i = 0; depth == 0 && i < n; i++) {
            char *sub = gr_path_join(dir, v[i]);
            char *t = gr_path_join(sub, "Cargo.toml");
            if (v[i][0] != '.' && is_file(g, t)) {
                directory(g, d, sub, depth + 1);
                found++;
            }
            free(t);
            free(sub);
        }
        free_list(v, n);
        if (!found)
            gr_graph_warn(g, dir, 0, "no Cargo.toml here or in its subdirectories; nothing graphed");
        else
            gr_strlist_push(&d->search, dir);
        return;
    }
    gr_strlist_push(&d->read, dir);
    gr_manifest m;
    if (read_manifest(g, toml, &m)) {
        free(toml);
        return;
    }
    free(toml);
    if (m.has_package) {
        const gr_manifest *ws = d->ws;
        if (ws && m.has_workspace)
            d->ws = NULL; /* a workspace inside a workspace: its own root */
        package(g, d, dir, &m);
        d->ws = ws;
    }
    else if (m.has_workspace)
        gr_strlist_push(&d->search, dir);
    if (m.has_workspace && depth >= GR_MAX_WORKSPACE_DEPTH)
        gr_graph_warn(g, dir, 0, "workspace nested %d levels deep (at most %d); its members are not read", depth,
                      GR_MAX_WORKSPACE_DEPTH - 1);
    else if (m.has_workspace) {
        for (size_t i = 0; i < m.members.n; i++) {
            char *pat = gr_path_join(dir, m.members.v[i]);
            watch_glob_dirs(g, pat);
            glob_t gl;
            if (glob(pat, 0, NULL, &gl) == 0) {
                for (size_t k = 0; k < gl.gl_pathc; k++) {
                    int excluded = 0;
                    for (size_t x = 0; x < m.exclude.n; x++) {
                        char *ex = gr_path_join(dir, m.exclude.v[x]);
                        excluded |= !strcmp(ex, gl.gl_pathv[k]);
                        free(ex);
                    }
                    char *norm = gr_path_join(gl.gl_pathv[k], ".");
                    if (!excluded && is_dir(g, norm) && strcmp(norm, dir)) {
                        const gr_manifest *ws = d->ws;
                        d->ws = &m; /* the members' workspace root */
                        directory(g, d, norm, depth + 1);
                        d->ws = ws;
                    }
                    free(norm);
                }
            } else {
                gr_graph_warn(g, dir, 0, "workspace member %s: no such directory", m.members.v[i]);
            }
            globfree(&gl);
            free(pat);
        }
    }
    gr_manifest_free(&m);
}

static int was_read(const disc *d, const char *dir)
{
    return bsearch(&dir, d->read.v, d->read.n, sizeof *d->read.v, name_cmp) != NULL;
}

/* What under dir (a workspace with no package, or a directory of crates)
 * no package read holds: directories with a Cargo.toml nobody read, and
 * those with .rs files and none (dir itself among them).  Skips what the
 * walk skips (hidden directories, target/, directory links) and
 * node_modules/.  Only the note reads this, so nothing here is recorded in
 * the run record: a JS front end's tree beside a workspace would otherwise
 * be read again by every run, and any change in it (npm install) would
 * make --update rewrite everything.  *budget directories at most are read
 * (a data tree can hold millions); past that, g->unread_more says the note
 * may be missing some. */
static void search_unread(gr_graph *g, const disc *d, const char *dir, int depth, size_t *budget)
{
    if (depth > GR_MAX_WALK_DEPTH)
        return;
    if (!*budget) {
        g->unread_more = 1;
        return;
    }
    --*budget;
    size_t n;
    char **v = read_names(dir, &n);
    int rs = 0;
    for (size_t i = 0; i < n; i++) {
        char *p = gr_path_join(dir, v[i]);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (v[i][0] != '.' && strcmp(v[i], "target") && strcmp(v[i], "node_modules") && !was_read(d, p)) {
                char *toml = gr_path_join(p, "Cargo.toml");
                if (stat(toml, &st) == 0 && S_ISREG(st.st_mode))
                    gr_strlist_push(&g->unread, p);
                else
                    search_unread(g, d, p, depth + 1, budget);
                free(toml);
            }
        } else if (ends_with(v[i], ".rs") && lstat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            rs = 1;
        }
        free(p);
    }
    free_list(v, n);
    if (rs)
        gr_strlist_push(&g->unread, dir);
}

/* g->unread, sorted: what discovery read no package for. */
static void unread(gr_graph *g, disc *d)
{
    if (d->read.n)
        qsort(d->read.v, d->read.n, sizeof *d->read.v, name_cmp);
    for (size_t i = 0; i < d->passed.n; i++)
        if (!was_read(d, d->passed.v[i]))
            gr_strlist_push(&g->unread, d->passed.v[i]);
    size_t budget = GR_UNREAD_DIRS;
    for (size_t i = 0; i < d->search.n; i++)
        search_unread(g, d, d->search.v[i], 0, &budget);
    if (g->unread.n)
        qsort(g->unread.v, g->unread.n, sizeof *g->unread.v, name_cmp);
    size_t w = 0;
    for (size_t i = 0; i < g->unread.n; i++) {
        if (w && !strcmp(g->unread.v[w - 1], g->unread.v[i]))
            free(g->unread.v[i]);
        else
            g->unread.v[w++] = g->unread.v[i];
    }
    g->unread.n = w;
    gr_strlist_free(&d->read);
    gr_strlist_free(&d->passed);
    gr_strlist_free(&d->search);
}

int gr_discover(gr_graph *g, char **paths, int npaths)
{
    int bad = 0;
    disc d = {{0}, {0}, {0}, NULL};
    for (int i = 0; i < npaths; i++) {
        char *p = gr_path_join("", paths[i]);
        gr_strlist_push(&g->inputs, paths[i]);
        if (is_dir(g, p)) {
            directory(g, &d, p, 0);
        } else if (ends_with(p, ".rs") && is_file(g, p)) {
            char *dir = gr_path_dirname(p);
            const char *b = strrchr(p, '/');
            char name[256];
            b = b ? b + 1 : p;
            snprintf(name, sizeof name, "%.*s", (int)(strlen(b) - 3), b);
            uint32_t pkg = add_package(g, dir, name);
            add_crate(g, name, "file", p, pkg, 2015); /* rustc's default edition */
            int added;
            gr_graph_file(g, p, pkg, 1, &added);
            free(dir);
        } else {
            fprintf(stderr, "sluice graph: %s: not a directory or a .rs file\n", paths[i]);
            bad = 1;
        }
        free(p);
    }
    /* crate roots are parsed even when the walk did not list them
     * ([lib] path outside the package directory) */
    for (size_t c = 0; c < g->ncrates; c++) {
        int added;
        gr_graph_file(g, g->crates[c].root, g->crates[c].package, 0, &added);
    }
    unread(g, &d);
    return bad ? -1 : 0;
}
