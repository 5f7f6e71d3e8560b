/* Load figures of one simulator runtime, kept as plain counters on the loop (no locks,
 * no allocation per event but the first of a new action or error code): connection
 * attempts and outcomes, connections per second and its peak, boot outcomes and the
 * boot latency histogram (websocket connect started -> BootNotification accepted),
 * frames by direction and action, CallErrors by direction and code. The runtime adds
 * gauges (chargers by state, queues) when it is asked for a snapshot. */
#ifndef SIM_METRICS_H
#define SIM_METRICS_H

#include <stdint.h>
#include <jansson.h>

/* Upper bounds (ms, inclusive) of the boot latency histogram's buckets; one more
 * bucket (+Inf) follows. */
#define SIM_BOOT_BUCKETS 14
extern const int sim_boot_bucket_ms[SIM_BOOT_BUCKETS];

/* Distinct action names / error codes counted one by one; more are counted as "other"
 * (a CSMS may send any text as a CallError code). */
#define SIM_METRICS_MAX_LABELS 200

struct sim_metrics {
    uint64_t connect_attempts, connect_failures, connections, disconnects, reconnects;
    uint64_t boots_accepted, boots_pending, boots_rejected, boots_errors;
    uint64_t boot_bucket[SIM_BOOT_BUCKETS + 1];
    uint64_t boot_count;
    double boot_sum_ms;
    uint64_t second;                  /* uv_now() / 1000 of conn_in_second */
    uint64_t conn_in_second, conn_peak_per_s;
    json_t *frames;                   /* {"in": {action: n}, "out": {...}} */
    json_t *call_errors;              /* {"in": {code: n}, "out": {...}} */
};

void sim_metrics_init(struct sim_metrics *m);
void sim_metrics_free(struct sim_metrics *m);
/* A websocket came up at now_ms (loop time); again is 1 when this charger had been
 * connected before (a reconnect). */
void sim_metrics_connected(struct sim_metrics *m, uint64_t now_ms, int again);
void sim_metrics_boot_latency(struct sim_metrics *m, uint64_t ms);
/* dir "in" (from the CSMS) or "out"; action NULL counts as "unknown". */
void sim_metrics_frame(struct sim_metrics *m, const char *dir, const char *action);
void sim_metrics_call_error(struct sim_metrics *m, const char *dir, const char *code);
/* The counters as a new JSON object (see sim_runtime_metrics for the whole snapshot). */
json_t *sim_metrics_json(const struct sim_metrics *m);

#endif
