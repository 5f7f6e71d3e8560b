/* The load figures of a conformance run (run_load.h). */
#include "run_load.h"

#include <math.h>
#include <stdlib.h>

static int cmp_int(const void *a, const void *b)
{
    json_int_t x = *(const json_int_t *)a, y = *(const json_int_t *)b;
    return (x > y) - (x < y);
}

json_t *run_load_figures(json_t *boot_ms, json_t *metrics)
{
    size_t n = json_array_size(boot_ms), i;
    json_int_t *v = calloc(n ? n : 1, sizeof *v);
    json_t *x, *lat = json_null();

    json_array_foreach(boot_ms, i, x)
        v[i] = json_integer_value(x);
    qsort(v, n, sizeof *v, cmp_int);
    if (n > 0) {
        /* nearest rank: the smallest value with at least q of them at or below it */
        json_int_t q[3];
        const double at[3] = {0.50, 0.95, 0.99};
        for (int k = 0; k < 3; k++) {
            size_t rank = (size_t)ceil(at[k] * (double)n);
            q[k] = v[rank > 0 ? rank - 1 : 0];
        }
        lat = json_pack("{s:I,s:I,s:I,s:I}", "p50", q[0], "p95", q[1], "p99", q[2], "max",
                        v[n - 1]);
    }
    free(v);
    json_t *doc = json_pack("{s:I,s:o,s:O,s:O,s:O,s:O,s:O}", "chargers_booted", (json_int_t)n,
                            "boot_latency_ms", lat,
                            "connections", json_object_get(metrics, "connections"),
                            "reconnects", json_object_get(metrics, "reconnects"),
                            "connections_peak_per_s",
                            json_object_get(metrics, "connections_peak_per_s"),
                            "frames", json_object_get(metrics, "frames"),
                            "call_errors", json_object_get(metrics, "call_errors"));
    json_decref(metrics);
    return doc;
}
