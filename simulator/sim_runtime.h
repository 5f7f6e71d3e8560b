/* The simulator runtime: one libwebsockets context on the process's libuv loop, the
 * client vhosts (one per CA file), connect pacing, and the chargers it runs.
 * Nothing here touches the database: the owner (orchestrator, or `run`) hears about
 * each charger through struct sim_events. */
#ifndef SIM_RUNTIME_H
#define SIM_RUNTIME_H

#include <libwebsockets.h>
#include <uv.h>

#include "ocpp_version.h"

struct sim_charger;
struct sim_runtime;

struct sim_runtime_opts {
    int provision_timeout_s;   /* give up on an unprovisioned charger after this (120) */
    int call_timeout_s;        /* CSMS response timeout for a CALL (30) */
    int backoff_min_ms;        /* first reconnect delay (1000) */
    int backoff_max_ms;        /* reconnect delay cap (30000) */
    int max_connecting;        /* websocket handshakes in flight at once (500) */
    double connect_rate;       /* most connection attempts started per second; 0 = any */
    int default_heartbeat_s;   /* when the CSMS gives interval 0 (300) */
    /* Local addresses connections are made from, in turn (several give more ephemeral
     * ports toward one CSMS); none: the system picks. Copied by sim_runtime_new. */
    const char *const *source_addresses;
    int n_source_addresses;
};

/* One log entry of a charger. Strings are borrowed for the call. */
struct sim_log {
    const char *event;         /* "frame", "connected", "disconnected", "connect_failed" */
    const char *direction;     /* frames: "out" (to the CSMS) or "in"; else NULL */
    const char *action;        /* frames: the OCPP action (for answers: the call's) */
    const char *message_id;    /* frames */
    const char *detail;        /* the raw frame, or what happened */
    size_t detail_len;
};

/* Callbacks to the owner. All run on the loop; none may free the charger itself
 * (call sim_charger_stop instead). */
struct sim_events {
    /* The CSMS accepted a BootNotification; first is 1 the first time for this charger
     * object (the provisioning step is READY, or, after `failed`, the charger is
     * accepted late), 0 after a reconnect. */
    void (*ready)(struct sim_charger *ch, int first, void *arg);
    /* The provisioning step FAILED (provision timeout), once per charger object. The
     * charger goes on trying as a real one does (reconnect backoff, the CSMS's boot
     * interval) until it is accepted (`ready`, first 1) or stopped. */
    void (*failed)(struct sim_charger *ch, const char *reason, void *arg);
    /* Not accepted yet, the charger waits before trying again: why says what failed
     * and when it tries next ("BootNotification Pending at CSMS (retry in 30 s)").
     * Borrowed for the call. NULL: not told. */
    void (*waiting)(struct sim_charger *ch, const char *why, void *arg);
    /* The websocket came up (1) or went down (0). */
    void (*connection)(struct sim_charger *ch, int up, void *arg);
    /* The charger is gone (after sim_charger_stop or failed); its owner data may go. */
    void (*gone)(struct sim_charger *ch, void *arg);
    /* Something to log for this charger: a frame it sent or received, or a connection
     * event. NULL: nothing is logged. */
    void (*log)(struct sim_charger *ch, const struct sim_log *e, void *arg);
    /* Its live state changed (sim_charger_live says what it is now). */
    void (*changed)(struct sim_charger *ch, void *arg);
    /* A well-formed call from the CSMS (payload borrowed), before the charger answers
     * it: return 1 when the owner answered it (sim_charger_answer), 0 to let the charger
     * answer and act. NULL: the charger answers every call. */
    int (*csms_call)(struct sim_charger *ch, const char *action, const char *id,
                     json_t *payload, void *arg);
};

struct sim_charger_cfg {
    const char *identity;
    const char *ws_url;        /* ws:// or wss://, the identity is appended as a segment */
    const char *ca_file;       /* NULL: the system CAs */
    const struct ocpp_version *version;
    struct ocpp_station_info info;
    int provisioned;           /* already READY once: no provision deadline */
    int step_failed;           /* its provisioning step FAILED before (a charger taken
                                * over): no deadline, `failed` is not said again */
    double max_power_w;        /* per connector; <= 0: 11 kW AC / 50 kW DC */
    int dc;                    /* a DC charger (its cars report state of charge) */
    int security_profile;      /* 0 none, 1 basic auth, 2 TLS + basic auth, 3 client cert */
    const char *password;      /* basic auth (profiles 1, 2), user = the identity */
    const char *ca_pem;        /* PEM CA verifying the CSMS (else ca_file / system CAs) */
    const char *client_cert_pem, *client_key_pem;   /* profile 3 */
    json_t *behavior;          /* the template's behavior (borrowed) or NULL: reconnect
                                * backoff, call_timeout_s, ping_interval_s, sessions */
    long start_delay_ms;       /* first connect this much later (a job's connect_rate) */
};

void sim_runtime_opts_default(struct sim_runtime_opts *o);

/* The retry / idle policy of every charger connection unless its WebSocketPingInterval
 * asks for pings: no idle check by libwebsockets. Its default (ping after 300 s quiet,
 * hang up at 310 s) re-sorts a per-connection timer into one list on every frame
 * received, a cost that grows with the number of connections (BENCHMARKS.md).
 * Owned by the simulator; lws keeps the pointer. */
extern const lws_retry_bo_t sim_no_idle_check;

/* The context's header limits, for every HTTP request or handshake it parses: all of
 * them in SIM_LWS_HEADER_SPACE bytes (beyond that lws closes the connection, saying
 * nothing), each header value or the request's path or query in SIM_LWS_TOKEN_LIMIT
 * (beyond that lws cuts it there and goes on: a value that long is oversized). */
#define SIM_LWS_HEADER_SPACE 16384
#define SIM_LWS_TOKEN_LIMIT 8192

/* A libwebsockets context on `loop` with no vhost yet: the simulator adds its client
 * vhosts, the API its server vhost. Returns NULL on failure (message logged). */
struct lws_context *sim_lws_context_new(uv_loop_t *loop);

/* Creates a runtime on ctx (borrowed; must outlive the runtime). */
struct sim_runtime *sim_runtime_new(uv_loop_t *loop, struct lws_context *ctx,
                                    const struct sim_runtime_opts *o,
                                    const struct sim_events *ev, void *arg);

/* may_send(arg) is asked before a charger writes a frame and before a connection
 * starts; 0 means the runtime may not use its chargers' websockets now (its owner's
 * lease is not renewed: fencing, orchestrator/orch_lease.h): the frame is dropped,
 * queued frames wait, the connection is not started; close frames still go. The owner
 * then stops the chargers. NULL: always may. Cheap: it runs for every frame. */
void sim_runtime_set_guard(struct sim_runtime *rt, int (*may_send)(void *arg), void *arg);

/* Stops every charger because the process stops: each open websocket is closed with a
 * close frame 1001 (going away), said in the charger's log and the process log; `gone`
 * fires for each once its socket is closed (the CSMS echoed the close, or lws gave up
 * after its 5 s close timeouts). The loop must run until then for the close frames to
 * be written. The runtime is freed by sim_runtime_free once sim_runtime_count() is 0 or
 * the context is destroyed. */
void sim_runtime_stop_all(struct sim_runtime *rt);
void sim_runtime_free(struct sim_runtime *rt);
int sim_runtime_count(const struct sim_runtime *rt);
int sim_runtime_connected(const struct sim_runtime *rt);
/* The runtime's load figures (a new JSON object): chargers by state, connected,
 * connection attempts / failures / reconnects, the peak connections per second, boot
 * outcomes and the boot latency histogram ("boot_latency_ms": {"buckets" (counts per
 * sim_boot_bucket_ms bound, then +Inf), "count", "sum"}), frames by direction and
 * action, CallErrors by direction and code, queue depths. See sim_metrics.h. */
json_t *sim_runtime_metrics(const struct sim_runtime *rt);

/* Starts a charger: it connects (paced), boots and keeps living. cfg strings are
 * copied. owner is opaque data for the owner's callbacks. NULL on a bad ws_url (the
 * API validates it first). */
struct sim_charger *sim_charger_start(struct sim_runtime *rt, const struct sim_charger_cfg *cfg,
                                      void *owner);

/* Closes the websocket cleanly and frees the charger later; `gone` fires once. */
void sim_charger_stop(struct sim_charger *ch);

void *sim_charger_owner(const struct sim_charger *ch);
const char *sim_charger_identity(const struct sim_charger *ch);
/* Carries out a command given over REST (POST /ocpp/commands/{command}: start-session,
 * stop-session, authorize, set-configuration, restart, retry, proxy-message, inject-fault,
 * clear-fault) with its arguments (borrowed JSON object). 0 with *result (a new
 * reference), or -1 with err[n] saying why nothing was done. */
int sim_charger_command(struct sim_charger *ch, const char *command, json_t *args,
                        json_t **result, char *err, size_t n);
/* Answers the CSMS call `id` with payload (stolen) in place of the charger, which does
 * nothing about the call (see sim_events.csms_call). */
void sim_charger_answer(struct sim_charger *ch, const char *id, json_t *payload);
/* The charger's live state (a new JSON object): connection, connectors with their
 * sessions and energy, charging profiles, configuration, queued messages. */
json_t *sim_charger_live(const struct sim_charger *ch);
/* How long its last accepted boot took, connect to BootNotification accepted, in ms;
 * -1 before its first. */
int sim_charger_boot_ms(const struct sim_charger *ch);
/* The last connection/boot error ("" if none). */
const char *sim_charger_last_error(const struct sim_charger *ch);
/* Tries again now (REST retry): a charger waiting to reconnect connects at once with
 * its backoff reset, one waiting to boot again (Pending / Rejected) boots now. Returns
 * what it does ("connecting", "booting"), or NULL when there is nothing to retry (it
 * is accepted, or switched off). */
const char *sim_charger_retry(struct sim_charger *ch);

/* Builds the websocket path "/<base path>/<url-encoded identity>" without a double slash
 * into out[n]; splits ws_url into its parts. Returns 0 or -1 (not ws/wss, no host).
 * Exposed for unit tests. */
struct sim_url {
    int tls;
    char host[256];
    int port;
    char path[512];
};
int sim_url_parse(const char *ws_url, const char *identity, struct sim_url *out);

#endif
