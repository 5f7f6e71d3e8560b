/* Load figures of one simulator runtime (see sim_metrics.h). */
#include "sim_metrics.h"

const int sim_boot_bucket_ms[SIM_BOOT_BUCKETS] = {
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000,
};

void sim_metrics_init(struct sim_metrics *m)
{
    *m = (struct sim_metrics){0};
    m->frames = json_pack("{s:{},s:{}}", "in", "out");
    m->call_errors = json_pack("{s:{},s:{}}", "in", "out");
}

void sim_metrics_free(struct sim_metrics *m)
{
    json_decref(m->frames);
    json_decref(m->call_errors);
    m->frames = m->call_errors = NULL;
}

void sim_metrics_connected(struct sim_metrics *m, uint64_t now_ms, int again)
{
    uint64_t s = now_ms / 1000;

    m->connections++;
    if (again)
        m->reconnects++;
    if (s != m->second) {
        m->second = s;
        m->conn_in_second = 0;
    }
    if (++m->conn_in_second > m->conn_peak_per_s)
        m->conn_peak_per_s = m->conn_in_second;
}

void sim_metrics_boot_latency(struct sim_metrics *m, uint64_t ms)
{
    int i = 0;

    while (i < SIM_BOOT_BUCKETS && ms > (uint64_t)sim_boot_bucket_ms[i])
        i++;
    m->boot_bucket[i]++;
    m->boot_count++;
    m->boot_sum_ms += (double)ms;
}

/* counts[dir][label]++, with at most SIM_METRICS_MAX_LABELS labels per direction. */
static void bump(json_t *counts, const char *dir, const char *label)
{
    json_t *d = json_object_get(counts, dir);
    json_t *n;

    if (!d)
        return;
    if (!label)
        label = "unknown";
    n = json_object_get(d, label);
    if (!n && json_object_size(d) >= SIM_METRICS_MAX_LABELS) {
        label = "other";
        n = json_object_get(d, label);
    }
    if (n)
        json_integer_set(n, json_integer_value(n) + 1);
    else
        json_object_set_new(d, label, json_integer(1));
}

void sim_metrics_frame(struct sim_metrics *m, const char *dir, const char *action)
{
    bump(m->frames, dir, action);
}

void sim_metrics_call_error(struct sim_metrics *m, const char *dir, const char *code)
{
    bump(m->call_errors, dir, code);
}

json_t *sim_metrics_json(const struct sim_metrics *m)
{
    json_t *buckets = json_array();

    for (int i = 0; i <= SIM_BOOT_BUCKETS; i++)
        json_array_append_new(buckets, json_integer((json_int_t)m->boot_bucket[i]));
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:{s:I,s:I,s:I,s:I},"
                     "s:{s:o,s:I,s:f},s:o,s:o}",
                     "connect_attempts", (json_int_t)m->connect_attempts,
                     "connect_failures", (json_int_t)m->connect_failures,
                     "connections", (json_int_t)m->connections,
                     "disconnects", (json_int_t)m->disconnects,
                     "reconnects", (json_int_t)m->reconnects,
                     "connections_peak_per_s", (json_int_t)m->conn_peak_per_s,
                     "boots", "accepted", (json_int_t)m->boots_accepted,
                     "pending", (json_int_t)m->boots_pending,
                     "rejected", (json_int_t)m->boots_rejected,
                     "error", (json_int_t)m->boots_errors,
                     "boot_latency_ms", "buckets", buckets, "count", (json_int_t)m->boot_count,
                     "sum", m->boot_sum_ms,
                     "frames", json_deep_copy(m->frames),
                     "call_errors", json_deep_copy(m->call_errors));
}
