/*
 * check.h - the test harness: named tests, CHECK macros, one binary a suite.
 *
 * A suite file defines tests with SL_TEST(name) { ... }.  The binary runs
 * the test named on its command line (CTest registers each name, see
 * sl_test_suite in cmake/sluice.cmake), or every test without arguments.
 * A failed CHECK prints file:line and the expression, and fails the test.
 */
#ifndef SLUICE_TESTS_CHECK_H
#define SLUICE_TESTS_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct sl_test_case {
    const char *name;
    void (*fn)(void);
    struct sl_test_case *next;
} sl_test_case;

void sl_test_register(sl_test_case *t);
void sl_test_fail(const char *file, int line, const char *what);
/* Stress factor: 1 by default, SLUICE_STRESS=N in the environment for more. */
int sl_test_stress(void);
/* A small, fast, thread-local PRNG for tests. */
uint64_t sl_test_rand(void);
/* A file's whole content, NUL-terminated, malloc'd; NULL if unreadable. */
char *sl_test_slurp(const char *path);

/* 1 in a ThreadSanitizer or AddressSanitizer build: stress tests scale
 * their counts down with SL_TEST_SCALE(n) there, since they run 5-20x slower. */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define SL_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define SL_TEST_SANITIZED 1
#endif
#endif
#ifndef SL_TEST_SANITIZED
#define SL_TEST_SANITIZED 0
#endif
#define SL_TEST_SCALE(n) ((SL_TEST_SANITIZED ? (n) / 8 + 1 : (n)) * (size_t)sl_test_stress())

#define SL_TEST(name)                                                      \
    static void name(void);                                                \
    static sl_test_case name##_case = {#name, name, NULL};                 \
    __attribute__((constructor)) static void name##_register(void)         \
    {                                                                      \
        sl_test_register(&name##_case);                                    \
    }                                                                      \
    static void name(void)

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond))                                                       \
            sl_test_fail(__FILE__, __LINE__, #cond);                       \
    } while (0)

#define CHECK_EQ(a, b)                                                     \
    do {                                                                   \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);    \
        if (check_a_ != check_b_) {                                        \
            char check_msg_[1024];                                          \
            snprintf(check_msg_, sizeof check_msg_, "%s == %s (%lld != %lld)", \
                     #a, #b, check_a_, check_b_);                          \
            sl_test_fail(__FILE__, __LINE__, check_msg_);                  \
        }                                                                  \
    } while (0)

#endif
