/*
 * redis_env.h - what a test run under tests/cluster/redis.sh knows about
 * its private server: URLs for a stream, a raw hiredis connection (to
 * play a hostile client or look at the stream), and a restart.
 */
#ifndef SLUICE_TESTS_REDIS_ENV_H
#define SLUICE_TESTS_REDIS_ENV_H

#include <hiredis/hiredis.h>

/* "redis://:PASS@127.0.0.1:PORT/<name>" in a static buffer (one per call site is fine: copied by open). */
const char *redis_url(const char *name);
/* The same with another userinfo ("user:pass@" or "" for none). */
const char *redis_url_auth(const char *userinfo, const char *name);
/* A raw, authenticated connection; NULL fails the test. */
redisContext *redis_raw(void);
/* An integer reply of a simple command (XLEN key, ...), or -1. */
long long redis_int(redisContext *c, const char *fmt, const char *arg);
/* kill -9 the server and start it again on the same port and data. */
void redis_restart(void);
void redis_stop(void);
void redis_start(void);

#endif
