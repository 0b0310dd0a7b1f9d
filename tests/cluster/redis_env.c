/*
 * redis_env.c - the test side of tests/cluster/redis.sh (see redis_env.h).
 */
#include "redis_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char *env(const char *name)
{
    const char *v = getenv(name);
    if (!v) {
        fprintf(stderr, "%s is not set: run this test through tests/cluster/redis.sh run\n", name);
        exit(2);
    }
    return v;
}

const char *redis_url(const char *name)
{
    static _Thread_local char buf[512];
    snprintf(buf, sizeof buf, "%s/%s", env("SLUICE_TEST_REDIS"), name);
    return buf;
}

const char *redis_url_auth(const char *userinfo, const char *name)
{
    static _Thread_local char buf[512];
    snprintf(buf, sizeof buf, "redis://%s127.0.0.1:%s/%s", userinfo, env("SLUICE_TEST_REDIS_PORT"), name);
    return buf;
}

redisContext *redis_raw(void)
{
    redisContext *c = redisConnect("127.0.0.1", atoi(env("SLUICE_TEST_REDIS_PORT")));
    CHECK(c && !c->err);
    redisReply *r = redisCommand(c, "AUTH %s", env("SLUICE_TEST_REDIS_PASS"));
    CHECK(r && r->type == REDIS_REPLY_STATUS);
    freeReplyObject(r);
    return c;
}

long long redis_int(redisContext *c, const char *fmt, const char *arg)
{
    redisReply *r = redisCommand(c, fmt, arg);
    long long v = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
    if (r)
        freeReplyObject(r);
    return v;
}

static void ctl(const char *verb)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' %s '%s'", env("SLUICE_TEST_REDIS_CTL"), verb, env("SLUICE_TEST_REDIS_DIR"));
    CHECK(system(cmd) == 0);
}

void redis_restart(void)
{
    ctl("restart");
}

void redis_stop(void)
{
    ctl("stop");
}

void redis_start(void)
{
    ctl("start");
}
