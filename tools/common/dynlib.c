/*
 * dynlib.c - loading an optional shared library once, on first use.
 *
 * One mutex guards every first load (loads are rare and short); the state
 * is published with release order after the table is filled, so a thread
 * that reads state == 1 with acquire order also sees every pointer.
 */
#include "dynlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

/* 1 if the tests asked for soname to look absent. */
static int hidden(const char *soname)
{
    const char *s = getenv("SLUICE_TEST_HIDE_LIBS");
    size_t n = strlen(soname);
    for (; s && *s; s += strcspn(s, ":"), s += *s == ':') {
        if (strncmp(s, soname, n) == 0 && (s[n] == ':' || s[n] == 0))
            return 1;
    }
    return 0;
}

/* The first soname that opens, or NULL with the reasons in tried. */
static void *open_first(const sl_dynlib *l, char *tried, size_t cap)
{
    size_t used = 0;
    for (const char *const *so = l->sonames; *so; so++) {
        void *h = hidden(*so) ? NULL : dlopen(*so, RTLD_NOW | RTLD_LOCAL);
        if (h)
            return h;
        const char *why = hidden(*so) ? "hidden by SLUICE_TEST_HIDE_LIBS" : dlerror();
        int k = snprintf(tried + used, cap - used, "%s%s: %s", used ? "; " : "", *so, why ? why : "cannot open");
        if (k > 0)
            used += (size_t)k;
        if (used >= cap)
            break; /* the message is full */
    }
    return NULL;
}

/* Fills the table; 0, or -1 naming the first symbol missing. */
static int resolve(sl_dynlib *l, void *h)
{
    for (const sl_dynlib_sym *s = l->syms; s->name; s++) {
        void *p = dlsym(h, s->name);
        if (!p) {
            snprintf(l->err, sizeof l->err, "the %s library found has no %s (install the Debian package %s)",
                     l->name, s->name, l->package);
            return -1;
        }
        /* POSIX has dlsym's void * convert to a function pointer; ISO C
         * does not say, hence the copy. */
        memcpy((char *)l->table + s->offset, &p, sizeof p);
    }
    return 0;
}

static int first_load(sl_dynlib *l)
{
    char tried[200] = "";
    void *h = open_first(l, tried, sizeof tried);
    if (!h) {
        snprintf(l->err, sizeof l->err, "cannot load %s (%s); install the Debian package %s", l->name, tried,
                 l->package);
        return -1;
    }
    if (resolve(l, h) != 0) {
        dlclose(h);
        return -1;
    }
    return 0; /* never closed: the table points into it for the process */
}

int sl_dynlib_load(sl_dynlib *l)
{
    int st = atomic_load_explicit(&l->state, memory_order_acquire);
    if (st)
        return st > 0 ? 0 : -1;
    pthread_mutex_lock(&load_lock);
    st = atomic_load_explicit(&l->state, memory_order_relaxed);
    if (!st) {
        st = first_load(l) == 0 ? 1 : -1;
        atomic_store_explicit(&l->state, st, memory_order_release);
    }
    pthread_mutex_unlock(&load_lock);
    return st > 0 ? 0 : -1;
}

const char *sl_dynlib_error(const sl_dynlib *l)
{
    return atomic_load_explicit(&((sl_dynlib *)l)->state, memory_order_acquire) < 0 ? l->err : "";
}

void sl_dynlib_need(sl_dynlib *l, const char *who)
{
    if (sl_dynlib_load(l) == 0)
        return;
    fprintf(stderr, "%s: %s\n", who, sl_dynlib_error(l));
    exit(2);
}
