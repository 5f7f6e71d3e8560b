/* Load figures: the runtime's counters (boot latency buckets, the cap on
 * distinct labels) and their Prometheus text (cumulative histogram buckets ending in
 * +Inf, escaped label values, this process's live figures replacing its stored row, the
 * database down). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "api_metrics.h"
#include "sim_metrics.h"

static void boot_buckets(void **state)
{
    struct sim_metrics m;

    sim_metrics_init(&m);
    sim_metrics_boot_latency(&m, 5);        /* on a bound: that bucket */
    sim_metrics_boot_latency(&m, 6);
    sim_metrics_boot_latency(&m, 90);
    sim_metrics_boot_latency(&m, 1000000);  /* past the last bound: +Inf */
    assert_int_equal(m.boot_bucket[0], 1);
    assert_int_equal(m.boot_bucket[1], 1);
    assert_int_equal(m.boot_bucket[4], 1);
    assert_int_equal(m.boot_bucket[SIM_BOOT_BUCKETS], 1);
    assert_int_equal(m.boot_count, 4);
    sim_metrics_free(&m);
}

static void labels_are_capped(void **state)
{
    struct sim_metrics m;
    char code[32];

    sim_metrics_init(&m);
    for (int i = 0; i < SIM_METRICS_MAX_LABELS + 50; i++) {
        snprintf(code, sizeof code, "Code%d", i);
        sim_metrics_call_error(&m, "in", code);
    }
    sim_metrics_frame(&m, "out", NULL);
    json_t *in = json_object_get(m.call_errors, "in");
    assert_int_equal(json_object_size(in), SIM_METRICS_MAX_LABELS + 1);
    assert_int_equal(json_integer_value(json_object_get(in, "other")), 50);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(m.frames, "out"),
                                                        "unknown")), 1);
    sim_metrics_free(&m);
}

static json_t *runtime(const char *owner, int boots)
{
    struct sim_metrics m;
    sim_metrics_init(&m);
    for (int i = 0; i < boots; i++)
        sim_metrics_boot_latency(&m, (uint64_t)(i * 40));
    sim_metrics_call_error(&m, "in", "Bad\"Code\\\nX");
    json_t *doc = sim_metrics_json(&m);
    sim_metrics_free(&m);
    json_object_set_new(doc, "held", json_integer(boots));
    return json_pack("{s:s,s:i,s:f,s:o}", "owner", owner, "pid", 1, "age_s", 1.5, "metrics",
                     doc);
}

static void prometheus_text(void **state)
{
    json_t *fleet = json_pack("{s:{s:i,s:i},s:i,s:[o,o]}", "chargers", "READY", 7, "FAILED",
                              1, "connected", 7, "runtimes", runtime("a", 3), runtime("b", 2));
    json_t *local = runtime("b", 4);   /* live figures of "b" replace its stored row */
    char *t = api_metrics_text(fleet, local);

    assert_non_null(t);
    assert_non_null(strstr(t, "# TYPE chargefleet_boot_latency_seconds histogram\n"));
    assert_non_null(strstr(t, "chargefleet_database_up 1\n"));
    assert_non_null(strstr(t, "chargefleet_chargers{status=\"READY\"} 7\n"));
    assert_non_null(strstr(t, "chargefleet_runtime_held{runtime=\"b\"} 4\n"));
    assert_null(strstr(t, "chargefleet_runtime_held{runtime=\"b\"} 2\n"));
    assert_non_null(strstr(t, "chargefleet_boot_latency_seconds_bucket{runtime=\"a\",le=\"0.005\"} 1\n"));
    assert_non_null(strstr(t, "chargefleet_boot_latency_seconds_bucket{runtime=\"a\",le=\"0.05\"} 2\n"));
    assert_non_null(strstr(t, "chargefleet_boot_latency_seconds_bucket{runtime=\"a\",le=\"+Inf\"} 3\n"));
    assert_non_null(strstr(t, "chargefleet_boot_latency_seconds_count{runtime=\"b\"} 4\n"));
    assert_non_null(strstr(t, "chargefleet_boot_latency_seconds_sum{runtime=\"a\"} 0.120000\n"));
    /* a CSMS's code with a quote, a backslash and a newline, escaped */
    assert_non_null(strstr(t, "code=\"Bad\\\"Code\\\\\\nX\"} 1\n"));
    free(t);

    t = api_metrics_text(NULL, local);   /* the database down */
    assert_non_null(strstr(t, "chargefleet_database_up 0\n"));
    assert_non_null(strstr(t, "chargefleet_runtime_held{runtime=\"b\"} 4\n"));
    assert_null(strstr(t, "runtime=\"a\""));
    free(t);
    json_decref(fleet);
    json_decref(local);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(boot_buckets),
        cmocka_unit_test(labels_are_capped),
        cmocka_unit_test(prometheus_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
