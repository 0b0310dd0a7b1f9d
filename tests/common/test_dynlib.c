/* test_dynlib.c - tools/common/dynlib: a library loaded once, on first use, and a clear word when it is missing. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "dynlib.h"

typedef struct m_fns {
    __typeof__(cos) *cos;
    __typeof__(sqrt) *sqrt;
} m_fns;

static const sl_dynlib_sym m_syms[] = {SL_DYNLIB_SYM(m_fns, cos), SL_DYNLIB_SYM(m_fns, sqrt), {NULL, 0}};

static void *load_in_thread(void *arg)
{
    return (void *)(intptr_t)sl_dynlib_load(arg);
}

/* Eight threads race to the first load: each sees it done and the table
 * whole (TSan checks the publication). */
static void loads_once_from_many_threads(void)
{
    static const char *const so[] = {"libm.so.6", NULL};
    static m_fns fns;
    static sl_dynlib m = SL_DYNLIB("libm", "libc6", so, m_syms, &fns);
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        CHECK_EQ(pthread_create(&t[i], NULL, load_in_thread, &m), 0);
    for (int i = 0; i < 8; i++) {
        void *rc;
        CHECK_EQ(pthread_join(t[i], &rc), 0);
        CHECK(rc == NULL);
    }
    CHECK(fns.sqrt(49.0) == 7.0);
    CHECK(fns.cos(0.0) == 1.0);
    CHECK_EQ(strcmp(sl_dynlib_error(&m), ""), 0);
}

/* A soname hidden for the test is skipped: the next one in the list loads. */
static void a_hidden_soname_falls_to_the_next(void)
{
    static const char *const so[] = {"libsluice-no-such.so.9", "libm.so.6", NULL};
    static m_fns fns;
    static sl_dynlib m = SL_DYNLIB("libm", "libc6", so, m_syms, &fns);
    CHECK_EQ(sl_dynlib_load(&m), 0);
    CHECK(fns.sqrt(4.0) == 2.0);

    static const char *const so2[] = {"libm.so.6", NULL};
    static m_fns fns2;
    static sl_dynlib hidden = SL_DYNLIB("libm", "libc6", so2, m_syms, &fns2);
    CHECK_EQ(setenv("SLUICE_TEST_HIDE_LIBS", "libz.so.1:libm.so.6", 1), 0);
    CHECK_EQ(sl_dynlib_load(&hidden), -1);
    CHECK_EQ(unsetenv("SLUICE_TEST_HIDE_LIBS"), 0);
    CHECK_EQ(sl_dynlib_load(&hidden), -1); /* the first answer stays */
    CHECK(strstr(sl_dynlib_error(&hidden), "libm.so.6: hidden by SLUICE_TEST_HIDE_LIBS") != NULL);
    CHECK(fns2.cos == NULL);
}

/* Missing library: its name, every soname tried, the package. */
static void a_missing_library_is_named_with_its_package(void)
{
    static const char *const so[] = {"libsluice-no-such.so.9", "libsluice-no-such.so.8", NULL};
    static m_fns fns;
    static sl_dynlib m = SL_DYNLIB("no-such", "libno-such9", so, m_syms, &fns);
    CHECK_EQ(sl_dynlib_load(&m), -1);
    const char *e = sl_dynlib_error(&m);
    CHECK(strncmp(e, "cannot load no-such (libsluice-no-such.so.9: ", 45) == 0);
    CHECK(strstr(e, "; libsluice-no-such.so.8: ") != NULL);
    CHECK(strstr(e, "); install the Debian package libno-such9") != NULL);
}

/* Missing symbol: named, and nothing of the table is usable. */
static void a_missing_symbol_is_named(void)
{
    typedef struct bad_fns {
        __typeof__(cos) *cos;
        __typeof__(cos) *sl_no_such_function;
    } bad_fns;
    static const sl_dynlib_sym syms[] = {SL_DYNLIB_SYM(bad_fns, cos), SL_DYNLIB_SYM(bad_fns, sl_no_such_function),
                                         {NULL, 0}};
    static const char *const so[] = {"libm.so.6", NULL};
    static bad_fns fns;
    static sl_dynlib m = SL_DYNLIB("libm", "libc6", so, syms, &fns);
    CHECK_EQ(sl_dynlib_load(&m), -1);
    CHECK_EQ(strcmp(sl_dynlib_error(&m), "the libm library found has no sl_no_such_function (install the Debian "
                                         "package libc6)"),
             0);
}

/* sl_dynlib_need: the message on standard error, exit status 2. */
static void need_exits_2_with_the_message(void)
{
    int fd[2];
    CHECK_EQ(pipe(fd), 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        static const char *const so[] = {"libsluice-no-such.so.9", NULL};
        static m_fns fns;
        static sl_dynlib m = SL_DYNLIB("no-such", "libno-such9", so, m_syms, &fns);
        dup2(fd[1], 2);
        sl_dynlib_need(&m, "sluice test");
        _exit(0);
    }
    close(fd[1]);
    char buf[512] = {0};
    size_t n = 0;
    for (ssize_t k; n < sizeof buf - 1 && (k = read(fd[0], buf + n, sizeof buf - 1 - n)) > 0;)
        n += (size_t)k;
    close(fd[0]);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 2);
    CHECK(strncmp(buf, "sluice test: cannot load no-such (libsluice-no-such.so.9: ", 58) == 0);
    CHECK(strstr(buf, "install the Debian package libno-such9\n") != NULL);
}

/* One process for all five: each case is a few microseconds. */
SL_TEST(dynlib_loads_once_and_names_what_is_missing)
{
    loads_once_from_many_threads();
    a_hidden_soname_falls_to_the_next();
    a_missing_library_is_named_with_its_package();
    a_missing_symbol_is_named();
    need_exits_2_with_the_message();
}
