/*
 * breaker_test.c - the circuit breaker's schedule with a made-up clock:
 * K failures within the window open it, the cool-down ends in one probe,
 * the probe's outcome closes or reopens it.
 */
#include "check.h"
#include "proc_breaker.h"
#include "sluice/proc.h"

static int check_at(sl__breaker *b, int64_t now, int want_probe)
{
    int probe = -1;
    int rc = sl__breaker_check(b, now, &probe);
    if (rc == SL_OK)
        CHECK_EQ(probe, want_probe);
    return rc;
}

SL_TEST(breaker_opens_after_k_failures_within_the_window)
{
    sl__breaker b;
    CHECK_EQ(sl__breaker_init(&b, 3, 1000, 500), SL_OK);
    sl__breaker_record(&b, 0, 0, 0);
    sl__breaker_record(&b, 100, 0, 0);
    sl__breaker_record(&b, 150, 1, 0); /* successes do not forgive failures */
    sl__breaker_record(&b, 2000, 0, 0); /* 0, 100, 2000: not within 1000 */
    CHECK_EQ(b.state, SL_BREAKER_CLOSED);
    CHECK_EQ(check_at(&b, 2050, 0), SL_OK);
    sl__breaker_record(&b, 2100, 0, 0);
    CHECK_EQ(b.state, SL_BREAKER_CLOSED); /* 100, 2000, 2100 */
    sl__breaker_record(&b, 2200, 0, 0); /* 2000, 2100, 2200 */
    CHECK_EQ(b.state, SL_BREAKER_OPEN);
    CHECK_EQ(b.opens, 1);
    CHECK_EQ(check_at(&b, 2201, 0), SL_REFUSED);
    CHECK_EQ(check_at(&b, 2699, 0), SL_REFUSED);
    sl__breaker_destroy(&b);
}

SL_TEST(breaker_half_opens_for_one_probe_after_the_cooldown)
{
    sl__breaker b;
    CHECK_EQ(sl__breaker_init(&b, 2, 1000, 500), SL_OK);
    sl__breaker_record(&b, 10, 0, 0);
    sl__breaker_record(&b, 20, 0, 0);
    CHECK_EQ(check_at(&b, 519, 0), SL_REFUSED);
    CHECK_EQ(check_at(&b, 520, 1), SL_OK); /* cool-down over: a probe may go */
    CHECK_EQ(b.state, SL_BREAKER_HALF_OPEN);
    CHECK_EQ(check_at(&b, 521, 1), SL_OK); /* not taken yet: still the probe's turn */
    sl__breaker_take(&b);
    CHECK_EQ(check_at(&b, 522, 0), SL_REFUSED); /* one probe at a time */
    sl__breaker_record(&b, 530, 0, 0); /* an older task failing decides nothing */
    CHECK_EQ(b.state, SL_BREAKER_HALF_OPEN);
    sl__breaker_record(&b, 600, 1, 1); /* the probe answered */
    CHECK_EQ(b.state, SL_BREAKER_CLOSED);
    CHECK_EQ(check_at(&b, 601, 0), SL_OK);
    sl__breaker_record(&b, 700, 0, 0); /* failures counted afresh */
    CHECK_EQ(b.state, SL_BREAKER_CLOSED);
    sl__breaker_destroy(&b);
}

SL_TEST(breaker_failed_probe_reopens_for_another_cooldown)
{
    sl__breaker b;
    CHECK_EQ(sl__breaker_init(&b, 1, 1000, 500), SL_OK);
    sl__breaker_record(&b, 0, 0, 0);
    CHECK_EQ(b.state, SL_BREAKER_OPEN);
    CHECK_EQ(check_at(&b, 500, 1), SL_OK);
    sl__breaker_take(&b);
    sl__breaker_record(&b, 700, 0, 1);
    CHECK_EQ(b.state, SL_BREAKER_OPEN);
    CHECK_EQ(b.opens, 2);
    CHECK_EQ(check_at(&b, 1199, 0), SL_REFUSED);
    CHECK_EQ(check_at(&b, 1200, 1), SL_OK);
    sl__breaker_take(&b);
    sl__breaker_forget_probe(&b); /* its task was canceled: another may probe */
    CHECK_EQ(check_at(&b, 1201, 1), SL_OK);
    sl__breaker_destroy(&b);
}

SL_TEST(breaker_with_k_zero_never_opens)
{
    sl__breaker b;
    CHECK_EQ(sl__breaker_init(&b, 0, 1000, 500), SL_OK);
    for (int64_t t = 0; t < 100; t++)
        sl__breaker_record(&b, t, 0, 0);
    CHECK_EQ(check_at(&b, 100, 0), SL_OK);
    CHECK_EQ(b.opens, 0);
    sl__breaker_destroy(&b);
}
