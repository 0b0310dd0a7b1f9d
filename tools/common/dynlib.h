/*
 * dynlib.h - optional shared libraries, loaded at their first use.
 *
 * Every shared library linked into sluice is mapped and relocated at every
 * start of every command, whether the command uses it or not: md's md4c and
 * cJSON cost ~2.5 ms of each `sluice unpack --range`, which never renders
 * a page.  A library that only some commands need is therefore described
 * by an sl_dynlib: the sonames to try, a table of typed function pointers
 * and the symbols that fill it.  The first sl_dynlib_load opens the first
 * soname that loads and resolves the whole table, once per process, under
 * one lock; later calls cost one atomic load.  A library that cannot be
 * loaded gives one message that names it, the sonames tried and the Debian
 * package that ships it.
 *
 * Only the library's header is used at build time (the table's types come
 * from it, so a changed signature fails to compile); CMake links nothing.
 *
 * For tests: SLUICE_TEST_HIDE_LIBS, a colon-separated list of sonames,
 * makes those sonames fail to load as if they were not installed.
 */
#ifndef SLUICE_TOOLS_DYNLIB_H
#define SLUICE_TOOLS_DYNLIB_H

#include <stdatomic.h>
#include <stddef.h>

/* One symbol: its name and where its address goes in the table. */
typedef struct sl_dynlib_sym {
    const char *name;
    size_t offset;
} sl_dynlib_sym;

/* The entry for the table field named like the symbol it holds. */
#define SL_DYNLIB_SYM(table_type, field) {#field, offsetof(table_type, field)}

typedef struct sl_dynlib {
    const char *name;            /* for messages: "md4c" */
    const char *package;         /* the Debian package: "libmd4c0" */
    const char *const *sonames;  /* tried in order, NULL-terminated */
    const sl_dynlib_sym *syms;   /* ends with a NULL name */
    void *table;                 /* struct of function pointers the syms fill */
    /* private: set by sl_dynlib_load */
    atomic_int state;            /* 0 not tried, 1 loaded, -1 failed */
    char err[320];
} sl_dynlib;

/* A static initialiser: SL_DYNLIB("md4c", "libmd4c0", sonames, syms, &table). */
#define SL_DYNLIB(name, package, sonames, syms, table) {(name), (package), (sonames), (syms), (table), 0, ""}

/* Loads l (the first call in the process; later calls return its result).
 * 0: every symbol in l->table is set.  -1: none may be used, and
 * sl_dynlib_error says why.  Thread-safe. */
int sl_dynlib_load(sl_dynlib *l);

/* Why the load failed: "cannot load md4c (libmd4c.so.0: <dlerror>);
 * install the Debian package libmd4c0", or "libmd4c.so.0 has no md_html
 * (...)"; "" before a failed load. */
const char *sl_dynlib_error(const sl_dynlib *l);

/* Loads l, or prints "<who>: <sl_dynlib_error>" on standard error and
 * exits with status 2: for a library a command cannot run without.  Call
 * it where the command starts, before any output exists. */
void sl_dynlib_need(sl_dynlib *l, const char *who);

#endif
