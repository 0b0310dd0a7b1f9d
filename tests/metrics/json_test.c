/* json_test.c - sl_metrics_write_json's shape, escaping and errors. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sluice/metrics.h"

static char *json_of(sl_metrics *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK(f != NULL);
    CHECK_EQ(sl_metrics_write_json(m, f), SL_OK);
    fclose(f);
    return buf;
}

/* Brackets balance outside strings, and strings close. */
static int balanced(const char *s)
{
    int depth = 0, in_str = 0;
    for (; *s; s++) {
        if (in_str) {
            if (*s == '\\' && s[1])
                s++;
            else if (*s == '"')
                in_str = 0;
            else if ((unsigned char)*s < 0x20)
                return 0;
            continue;
        }
        if (*s == '"')
            in_str = 1;
        else if (*s == '{' || *s == '[')
            depth++;
        else if (*s == '}' || *s == ']')
            if (--depth < 0)
                return 0;
    }
    return depth == 0 && !in_str;
}

static int count(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

SL_TEST(metrics_json_has_every_stage_and_field)
{
    sl_metrics *m = sl_metrics_new();
    sl_stage *a = sl_metrics_stage(m, "read");
    sl_metrics_stage(m, "write");
    sl_stage_add(a, 3, 300);
    sl_stage_wait(a, 1500);
    sl_stage_depth(a, 2);
    sl_metrics_set_total(m, 9);
    sl_metrics_progress(m, 3, 300);
    char *j = json_of(m);
    CHECK(balanced(j));
    CHECK(strstr(j, "\"name\": \"read\"") != NULL);
    CHECK(strstr(j, "\"name\": \"write\"") != NULL);
    CHECK(strstr(j, "\"items\": 3,") != NULL);
    CHECK(strstr(j, "\"bytes\": 300,") != NULL);
    CHECK(strstr(j, "\"depth_max\": 2,") != NULL);
    CHECK(strstr(j, "\"progress\": {\"done\": 3, \"total\": 9, \"bytes\": 300}") != NULL);
    CHECK(strstr(j, "{\"le_ns\": 1535, \"count\": 1}") != NULL); /* 1500 lies in [1408, 1535] */
    const char *fields[] = {"\"elapsed_ns\"", "\"busy_ns\"", "\"depth\"", "\"items_per_s\"", "\"bytes_per_s\"",
                            "\"wait\"", "\"count\"", "\"p50_ns\"", "\"p95_ns\"", "\"p99_ns\"", "\"max_ns\"",
                            "\"buckets\""};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        CHECK(strstr(j, fields[i]) != NULL);
    CHECK_EQ(count(j, "\"p99_ns\""), 2);
    free(j);
    sl_metrics_free(m);
}

SL_TEST(metrics_json_escapes_stage_names)
{
    sl_metrics *m = sl_metrics_new();
    sl_metrics_stage(m, "we\"ird\\name\n");
    char *j = json_of(m);
    CHECK(balanced(j));
    CHECK(strstr(j, "\"we\\\"ird\\\\name\\u000a\"") != NULL);
    free(j);
    sl_metrics_free(m);
}

/* JSON text is UTF-8: well-formed sequences go out as they are, and each
 * byte that is not part of one becomes U+FFFD (a stray byte, an overlong
 * form, a surrogate, a truncated sequence, past U+10FFFF). */
SL_TEST(metrics_json_replaces_bytes_that_are_not_utf8)
{
    sl_metrics *m = sl_metrics_new();
    sl_metrics_stage(m, "ok \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf|"
                        "\xff\xfe|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xe2\x82");
    sl_gauge_set(sl_metrics_gauge(m, "g\x80"), 1);
    char *j = json_of(m);
    CHECK(balanced(j));
    CHECK(strstr(j, "\"ok \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf|"
                    "\\ufffd\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|"
                    "\\ufffd\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\"") != NULL);
    CHECK(strstr(j, "\"g\\ufffd\": 1") != NULL);
    free(j);
    sl_metrics_free(m);
}

SL_TEST(metrics_json_of_no_stages_is_an_empty_list)
{
    sl_metrics *m = sl_metrics_new();
    char *j = json_of(m);
    CHECK(balanced(j));
    CHECK(strstr(j, "\"stages\": [\n  ]") != NULL);
    free(j);
    sl_metrics_free(m);
}

SL_TEST(metrics_json_reports_a_write_error)
{
    sl_metrics *m = sl_metrics_new();
    sl_metrics_stage(m, "s");
    FILE *f = fopen("/dev/full", "w");
    CHECK(f != NULL);
    CHECK_EQ(sl_metrics_write_json(m, f), SL_CLOSED);
    fclose(f);
    CHECK_EQ(sl_metrics_write_json(NULL, stdout), SL_INVAL);
    CHECK_EQ(sl_metrics_write_json(m, NULL), SL_INVAL);
    sl_metrics_free(m);
}

SL_TEST(metrics_json_lists_gauges_by_name)
{
    sl_metrics *m = sl_metrics_new();
    char *j = json_of(m);
    CHECK(strstr(j, "\"gauges\": {}") != NULL);
    free(j);
    sl_gauge_set(sl_metrics_gauge(m, "pool.breaker"), 2);
    sl_gauge_add(sl_metrics_gauge(m, "pool.\"restarts\""), -3);
    j = json_of(m);
    CHECK(balanced(j));
    CHECK(strstr(j, "\"gauges\": {\n    \"pool.breaker\": 2,\n    \"pool.\\\"restarts\\\"\": -3\n  }") != NULL);
    free(j);
    sl_metrics_free(m);
}
