/* What a run measured of the fleet's load: boot latency percentiles and the runtime's
 * connection and frame counts, as one JSON object for the report. */
#ifndef RUN_LOAD_H
#define RUN_LOAD_H

#include <jansson.h>

/* Load figures of a run (a new object): {"chargers_booted", "boot_latency_ms": {p50,
 * p95, p99, max} (exact, nearest rank, over boot_ms: each charger's last boot, an array
 * of integers, borrowed), "connections", "reconnects", "connections_peak_per_s",
 * "frames": {in/out: {action: n}}, "call_errors": {in/out: {code: n}}} from metrics
 * (sim_runtime_metrics, stolen). */
json_t *run_load_figures(json_t *boot_ms, json_t *metrics);

#endif
