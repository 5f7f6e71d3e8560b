/* GET /metrics: the fleet's load figures in the Prometheus text format (version
 * 0.0.4). Fleet-wide gauges come from the database (chargers by step status,
 * connected); each simulator runtime (serve's own, every worker) wrote its figures to
 * the runtimes table (orch_runtime.c), and this process's own runtime is read live.
 * Every runtime's series carry runtime="<owner>"; sum them with `sum by`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_handlers.h"
#include "api_metrics.h"
#include "cf_version.h"
#include "db.h"
#include "sim_metrics.h"

/* A runtime whose row is older than this is gone (killed): its series disappear. */
#define STALE_S 60

/* Label values: backslash, double quote and newline escaped (the exposition format);
 * action names and CallError codes come from the CSMS and may hold anything. */
static void label(FILE *f, const char *v)
{
    fputc('"', f);
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            fprintf(f, "\\%c", *v);
        else if (*v == '\n')
            fputs("\\n", f);
        else
            fputc(*v, f);
    }
    fputc('"', f);
}

static void head(FILE *f, const char *name, const char *type, const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The value at a dotted path ("db.latency_ms") of obj, or NULL. */
static json_t *at_path(json_t *obj, const char *path)
{
    char key[64];
    const char *dot;

    while ((dot = strchr(path, '.')) != NULL) {
        snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
        obj = json_object_get(obj, key);
        path = dot + 1;
    }
    return json_object_get(obj, path);
}

static void runtime_label(FILE *f, const char *name, json_t *rt)
{
    fprintf(f, "%s{runtime=", name);
    label(f, json_string_value(json_object_get(rt, "owner")));
}

/* name{runtime="owner"} value, for every runtime: one counter or gauge. */
static void per_runtime(FILE *f, json_t *runtimes, const char *name, const char *type,
                        const char *help, const char *path)
{
    size_t i;
    json_t *rt;

    head(f, name, type, help);
    json_array_foreach(runtimes, i, rt) {
        runtime_label(f, name, rt);
        fprintf(f, "} %lld\n",
                (long long)json_integer_value(at_path(json_object_get(rt, "metrics"), path)));
    }
}

/* name{runtime, <key>=<each key of the object at path>} value. */
static void per_key(FILE *f, json_t *runtimes, const char *name, const char *key,
                    const char *path)
{
    size_t i;
    json_t *rt;

    json_array_foreach(runtimes, i, rt) {
        const char *k;
        json_t *v;
        json_object_foreach(at_path(json_object_get(rt, "metrics"), path), k, v) {
            runtime_label(f, name, rt);
            fprintf(f, ",%s=", key);
            label(f, k);
            fprintf(f, "} %lld\n", (long long)json_integer_value(v));
        }
    }
}

/* name{runtime, direction, <key>} counter from {"in": {key: n}, "out": {...}} at path. */
static void per_direction(FILE *f, json_t *runtimes, const char *name, const char *help,
                          const char *path, const char *key)
{
    size_t i;
    json_t *rt, *counts;
    const char *dir;

    head(f, name, "counter", help);
    json_array_foreach(runtimes, i, rt) {
        json_object_foreach(at_path(json_object_get(rt, "metrics"), path), dir, counts) {
            const char *k;
            json_t *v;
            json_object_foreach(counts, k, v) {
                runtime_label(f, name, rt);
                fputs(",direction=", f);
                label(f, dir);
                fprintf(f, ",%s=", key);
                label(f, k);
                fprintf(f, "} %lld\n", (long long)json_integer_value(v));
            }
        }
    }
}

/* A histogram from per-bucket counts (not cumulative) under bounds in ms. */
static void histogram(FILE *f, json_t *runtimes, const char *name, const char *help,
                      const char *path, const double *bounds_ms, int nbounds)
{
    size_t i;
    json_t *rt;

    head(f, name, "histogram", help);
    json_array_foreach(runtimes, i, rt) {
        json_t *h = at_path(json_object_get(rt, "metrics"), path);
        json_t *buckets = json_object_get(h, "buckets");
        long long cum = 0;
        char bucket[96], sum[96], count[96];
        snprintf(bucket, sizeof bucket, "%s_bucket", name);
        snprintf(sum, sizeof sum, "%s_sum", name);
        snprintf(count, sizeof count, "%s_count", name);
        for (int b = 0; b <= nbounds; b++) {
            cum += (long long)json_integer_value(json_array_get(buckets, (size_t)b));
            runtime_label(f, bucket, rt);
            if (b < nbounds)
                fprintf(f, ",le=\"%g\"} %lld\n", bounds_ms[b] / 1000.0, cum);
            else
                fprintf(f, ",le=\"+Inf\"} %lld\n", cum);
        }
        runtime_label(f, sum, rt);
        fprintf(f, "} %.6f\n", json_number_value(json_object_get(h, "sum")) / 1000.0);
        runtime_label(f, count, rt);
        fprintf(f, "} %lld\n", (long long)json_integer_value(json_object_get(h, "count")));
    }
}

char *api_metrics_text(json_t *fleet, json_t *local)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    json_t *runtimes = json_array(), *rt;
    const char *local_owner = json_string_value(json_object_get(local, "owner"));
    const char *k;
    json_t *v;
    size_t i;

    if (!f) {
        json_decref(runtimes);
        return NULL;
    }
    if (local)
        json_array_append(runtimes, local);
    json_array_foreach(json_object_get(fleet, "runtimes"), i, rt) {
        const char *owner = json_string_value(json_object_get(rt, "owner"));
        if (owner && !(local_owner && strcmp(owner, local_owner) == 0))
            json_array_append(runtimes, rt);
    }

    head(f, "chargefleet_build_info", "gauge", "Always 1: the version and git commit of serve.");
    fputs("chargefleet_build_info{version=", f);
    label(f, cf_version);
    fputs(",revision=", f);
    label(f, cf_revision);
    fputs("} 1\n", f);
    head(f, "chargefleet_database_up", "gauge",
         "1 when the fleet figures below could be read from PostgreSQL.");
    fprintf(f, "chargefleet_database_up %d\n", fleet != NULL);
    head(f, "chargefleet_chargers", "gauge",
         "Chargers in the database by provisioning status (all tenants).");
    json_object_foreach(json_object_get(fleet, "chargers"), k, v) {
        fputs("chargefleet_chargers{status=", f);
        label(f, k);
        fprintf(f, "} %lld\n", (long long)json_integer_value(v));
    }
    head(f, "chargefleet_chargers_connected", "gauge",
         "Chargers whose websocket is up with an accepted boot (all runtimes).");
    fprintf(f, "chargefleet_chargers_connected %lld\n",
            (long long)json_integer_value(json_object_get(fleet, "connected")));
    json_int_t room = json_integer_value(json_object_get(fleet, "room_left"));
    head(f, "chargefleet_room_left", "gauge",
         "Chargers the live runtimes can still take, less those already waiting for one.");
    fprintf(f, "chargefleet_room_left %lld\n", (long long)(room > 0 ? room : 0));
    head(f, "chargefleet_chargers_without_room", "gauge",
         "Chargers waiting that no live runtime has room for (start workers or raise "
         "--capacity).");
    fprintf(f, "chargefleet_chargers_without_room %lld\n", (long long)(room < 0 ? -room : 0));

    head(f, "chargefleet_runtime_last_seen_seconds", "gauge",
         "Seconds since the runtime last wrote its figures.");
    json_array_foreach(runtimes, i, rt) {
        runtime_label(f, "chargefleet_runtime_last_seen_seconds", rt);
        fprintf(f, "} %g\n", json_number_value(json_object_get(rt, "age_s")));
    }
    per_runtime(f, runtimes, "chargefleet_runtime_held", "gauge",
                "Chargers the runtime holds (leases).", "held");
    per_runtime(f, runtimes, "chargefleet_runtime_capacity", "gauge",
                "Most chargers the runtime takes.", "capacity");
    per_runtime(f, runtimes, "chargefleet_runtime_fenced", "gauge",
                "1 while the runtime has let go of its chargers because its lease was not "
                "renewed in time (docs/fencing.md).", "fenced");
    head(f, "chargefleet_lease_events_total", "counter",
         "Lease events of the runtime: renewals, renew_failures, fences (every charger "
         "closed: the lease was not renewed in time), superseded (chargers closed because "
         "another runtime took them over).");
    per_key(f, runtimes, "chargefleet_lease_events_total", "event", "lease");
    head(f, "chargefleet_runtime_chargers", "gauge", "Chargers of the runtime by state.");
    per_key(f, runtimes, "chargefleet_runtime_chargers", "state", "chargers");
    per_runtime(f, runtimes, "chargefleet_connect_attempts_total", "counter",
                "Websocket connections started.", "connect_attempts");
    per_runtime(f, runtimes, "chargefleet_connect_failures_total", "counter",
                "Connection attempts that failed before the websocket was up.",
                "connect_failures");
    per_runtime(f, runtimes, "chargefleet_connections_total", "counter",
                "Websockets that came up (rate() is connections per second).", "connections");
    per_runtime(f, runtimes, "chargefleet_reconnects_total", "counter",
                "Websockets that came up again for a charger that had been connected.",
                "reconnects");
    per_runtime(f, runtimes, "chargefleet_disconnects_total", "counter",
                "Websockets that went down.", "disconnects");
    per_runtime(f, runtimes, "chargefleet_connections_peak_per_second", "gauge",
                "Most websockets that came up within one second.", "connections_peak_per_s");
    head(f, "chargefleet_boots_total", "counter",
         "BootNotification answers by outcome (error: CallError or unreadable).");
    per_key(f, runtimes, "chargefleet_boots_total", "result", "boots");
    double boot_bounds[SIM_BOOT_BUCKETS];
    for (int b = 0; b < SIM_BOOT_BUCKETS; b++)
        boot_bounds[b] = sim_boot_bucket_ms[b];
    histogram(f, runtimes, "chargefleet_boot_latency_seconds",
              "Websocket connect started to BootNotification accepted.", "boot_latency_ms",
              boot_bounds, SIM_BOOT_BUCKETS);
    per_direction(f, runtimes, "chargefleet_frames_total",
                  "OCPP frames by direction (in: from the CSMS) and action (answers: their "
                  "call's).", "frames", "action");
    per_direction(f, runtimes, "chargefleet_call_errors_total",
                  "CallErrors by direction (in: the CSMS answered one) and code.",
                  "call_errors", "code");
    head(f, "chargefleet_queue_depth", "gauge",
         "Queues: connect_wait (chargers waiting for a connect slot), calls_waiting (OCPP "
         "calls queued behind the outstanding one or while offline), frames_unsent, "
         "log_backlog (log entries not yet written).");
    per_key(f, runtimes, "chargefleet_queue_depth", "queue", "queues");
    per_runtime(f, runtimes, "chargefleet_calls_dropped_total", "counter",
                "Calls the bounded offline queue dropped.", "queues.calls_dropped");
    per_runtime(f, runtimes, "chargefleet_db_statements_total", "counter",
                "Statements answered by PostgreSQL.", "db.statements");
    per_runtime(f, runtimes, "chargefleet_db_errors_total", "counter",
                "Statements that failed.", "db.errors");
    per_runtime(f, runtimes, "chargefleet_db_pending", "gauge",
                "Statements queued or in flight.", "db.pending");
    histogram(f, runtimes, "chargefleet_db_latency_seconds",
              "Statement queued to answered, queueing included.", "db.latency_ms",
              db_latency_bucket_ms, DB_LATENCY_BUCKETS);
    json_decref(runtimes);
    fclose(f);
    return text;
}

static void fleet_read(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;
    struct api *a = op->api;

    /* The database down is when the figures matter most: this process's own runtime is
     * still shown, with chargefleet_database_up 0. */
    json_t *fleet = st == ORCH_OK ? parse_doc(json) : NULL;
    json_t *local = a->local_runtime ? a->local_runtime(a->local_runtime_arg) : NULL;
    char *text = api_metrics_text(fleet, local);
    json_decref(fleet);
    json_decref(local);
    if (!text) {
        api_req_error(op->req, 500, "out of memory");
    } else {
        api_req_respond_body(op->req, 200, "text/plain; version=0.0.4; charset=utf-8", text);
        free(text);
    }
    op_free(op);
}

void get_metrics(struct op *op)
{
    orch_fleet_metrics(op->api->db, STALE_S, fleet_read, op);
}
