/*
 * bundle_limits.h - the bundler's documented limits, in one place.
 *
 * Hostile or unlucky input must cost bounded work and fail with a message
 * naming the file and position, never a crash or a hang.  Each limit here
 * is stated in tools/bundle/README.md with what happens past it, and a
 * test feeds it one more than it allows (tests/bundle/limits.sh).
 */
#ifndef SL_BUNDLE_LIMITS_H
#define SL_BUNDLE_LIMITS_H

#include <stddef.h>

/* A module file (or package.json) over this many bytes is refused:
 * "PATH: N bytes is over the limit of M bytes". */
#define SL_BUNDLE_MAX_FILE ((size_t)128 << 20)

/* Modules in one graph, by default (--max-modules changes it): the import
 * that would add one more is an error, "file:line:column: more than N
 * modules (--max-modules)". */
#define SL_BUNDLE_MAX_MODULES ((size_t)1000000)

#endif
