/* task_helpers.h - small helpers shared by the task test files. */
#ifndef SLUICE_TESTS_TASK_HELPERS_H
#define SLUICE_TESTS_TASK_HELPERS_H

#include <stdint.h>

#include "check.h"
#include "sluice/task.h"

#define MS(n) ((int64_t)(n) * 1000000)

/* How many tasks a test may keep alive at once: TSan gives every task a
 * fiber of its own and allows some 8,000 at a time, so tests that park
 * crowds scale down further there than SL_TEST_SCALE does.  A build may
 * divide further with -DSL_TASK_DIVISOR=k: scripts/test-aarch64.sh does
 * under qemu-user, where guard pages fall back to mprotect, which splits
 * the mapping at every stack and so allows some 32,000 stacks. */
#ifndef SL_TASK_DIVISOR
#define SL_TASK_DIVISOR 1
#endif
#if defined(__SANITIZE_THREAD__)
#define SL_TASK_MANY(n) ((n) / 50 / SL_TASK_DIVISOR + 1)
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SL_TASK_MANY(n) ((n) / 50 / SL_TASK_DIVISOR + 1)
#endif
#endif
/* 1 where a test must not fork: TSan does not support fork() in a
 * process with threads. */
#if defined(__SANITIZE_THREAD__)
#define SL_TASK_NO_FORK 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SL_TASK_NO_FORK 1
#endif
#endif
#ifndef SL_TASK_NO_FORK
#define SL_TASK_NO_FORK 0
#endif
#ifndef SL_TASK_MANY
#define SL_TASK_MANY(n) (SL_TEST_SCALE(n) / SL_TASK_DIVISOR)
#endif

#endif
