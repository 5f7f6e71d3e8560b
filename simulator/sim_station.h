/* Private to simulator/: one charge point's state (struct sim_charger: the station,
 * its connectors and sessions, its settings, its CALL queue and websocket) and the
 * services every feature uses: status targets, StatusNotification, settings, CALLs and
 * answers, the owner's log and live-state events. Below the features, the dispatch and
 * the lifecycle (sim_charger.c); it calls none of them (what they must hear goes
 * through the charger's const struct sim__hooks). */
#ifndef SIM_STATION_H
#define SIM_STATION_H

#include <stdint.h>
#include <jansson.h>

#include "ocpp_frame.h"
#include "ocpp_version.h"
#include "sim_rpc.h"
#include "sim_runtime_priv.h"
#include "sim_ws.h"

enum sim_state {
    SIM_IDLE,          /* waiting for a timer (backoff / first connect) */
    SIM_QUEUED,        /* waiting for a connect slot */
    SIM_CONNECTING,
    SIM_BOOTING,       /* connected, BootNotification sent or to be resent */
    SIM_ACCEPTED,
    SIM_STOPPING,
};

#define SIM_MAX_TARGETS 64             /* status targets (connectors / EVSEs) of a charger */

struct sim_tx {                        /* the running session of one connector */
    char id[37];                       /* 2.0.1: ours; 1.6: the CSMS's, "" until answered */
    char id_tag[37], id_type[21];
    int remote_start_id;               /* 2.0.1; -1 none */
    int seq_no;                        /* 2.0.1 seqNo of the next event */
    unsigned serial;                   /* tells this session's answers from older ones */
    int stop_pending;                  /* 1.6: stopped before the CSMS gave its id */
    enum ocpp_tx_cause stop_cause;
    double ev_max_w;                   /* what the car takes at most */
    double battery_wh, soc;            /* the car's battery, its state of charge (%) */
    double started_at;                 /* unix seconds (Relative charging profiles) */
    double start_wh;                   /* the register when it started */
    int reservation_id;                /* the reservation it used; -1 none */
    uint64_t auto_stop_ms;             /* generated session: ends then (uv_now); 0 no */
    double auto_stop_wh;               /* ... or once the register reaches this; 0 no */
};

struct sim_conn {                      /* one status target's meter and session */
    double energy_wh;                  /* the register: never decreases */
    double power_w;                    /* delivered since since_ms */
    uint64_t since_ms;                 /* energy counted up to (uv_now) */
    enum ocpp_connector_status status; /* while a session runs */
    struct sim_tx *tx;
    char auth_tag[37], auth_type[21];  /* a remote start waiting for Authorize */
    int auth_remote_start_id;
    int auth_remote;                   /* ... or a local start (REST start-session) */
    struct ocpp_profile *auth_profile; /* ... and the TxProfile it brought (owned) */
    json_t *auth_profile_raw;          /* ... as the CSMS sent it (owned) */
    uint64_t auto_duration_ms;         /* the generator's next session here lasts this */
    double auto_energy_wh;             /* ... and wants this much energy (0: no limit) */
    int plugged;                       /* a cable is in (REST plug), until unplug */
    int after_session;                 /* ... and its session ended (Finishing) */
    int ev_paused;                     /* the car takes no energy (REST ev-suspend) */
    int res_active, res_id;            /* a reservation (ReserveNow) */
    char res_tag[37];
    double res_expiry;                 /* unix seconds */
};

struct sim_profile {                   /* an installed charging profile */
    struct sim_profile *next;
    json_t *raw;                       /* as the CSMS sent it (GetChargingProfiles) */
    struct ocpp_profile p;
};

struct sim_meter {                     /* allocated with a charger's first session */
    uv_timer_t timer;                  /* MeterValueSampleInterval / TxUpdatedInterval */
    uv_timer_t res_timer;              /* the next reservation to expire */
    unsigned serial;                   /* of the last session started */
    int n;
    struct sim_conn conn[];
};

struct sim_setting {                   /* a configuration value the CSMS changed */
    struct sim_setting *next;
    enum ocpp_config_id id;
    char value[];
};

/* What the lower floors (and the runtime's pump and sweep) tell the lifecycle
 * (sim_charger.c sets them). */
struct sim__hooks {
    /* A setting changed (sim__setting_set): it takes effect (HeartbeatInterval, ...). */
    void (*setting_changed)(struct sim_charger *ch, enum ocpp_config_id id);
    /* One of the charger's uv handles has closed (it is freed when none is left). */
    void (*handle_closed)(struct sim_charger *ch);
    /* A session ended: what waits for the charger to be idle happens now. */
    void (*idle)(struct sim_charger *ch);
    /* A session started: the session generator plans its next one. */
    void (*session_started)(struct sim_charger *ch);
    /* The charging profiles changed: every session takes its new power now. */
    void (*limits_changed)(struct sim_charger *ch);
    /* The runtime's pump gives the charger its turn to connect. */
    void (*connect)(struct sim_charger *ch);
    /* The outstanding CALL was not answered by its deadline (the runtime's sweep: no
     * timer per charger). */
    void (*call_expired)(struct sim_charger *ch);
};

struct sim_charger {
    struct sim_runtime *rt;
    const struct sim__hooks *hooks;
    struct sim_charger *prev, *next;   /* rt->all */
    struct sim_charger *wait_next;     /* rt->wait_* */
    void *owner;
    char *identity, *ws_url, *ca_file, *vendor, *model, *serial, *firmware;
    const char *cert_file;             /* profile 3 (owned by the runtime) */
    const struct sim_key *key;
    char *password;                    /* basic auth (profiles 1, 2), or NULL */
    const struct ocpp_version *version;
    int connectors;
    double max_power_w;                /* per connector */
    int dc;
    int provisioned;
    int step_failed;                   /* the provisioning step FAILED: it goes on trying */
    enum sim_state state;
    struct sim__ws ws;
    struct sim__rpc rpc;
    uv_timer_t timer;                  /* reconnect, boot retry, heartbeat */
    uint64_t deadline;                 /* uv_now() ms; 0 = none */
    uint64_t retry_at;                 /* uv_now() ms the timer's wait ends, were it not
                                        * clamped to the deadline; 0 = none */
    const char *wait_what;             /* what it waits after (a static string), or NULL:
                                        * last_error */
    int attempts;                      /* consecutive failed connects, for backoff */
    int heartbeat_s;
    const char *in_action;             /* the CSMS call being answered (for the log) */
    int close_after_tx;                /* close once queued frames are written (Reset) */
    struct sim_setting *settings;      /* changed configuration, defaults otherwise */
    uint64_t unavailable;              /* status targets made Inoperative by the CSMS */
    uint64_t unavailable_pending;      /* ... once their session ends (Scheduled) */
    uint64_t faulted;                  /* status targets with an injected fault */
    struct sim_meter *meter;           /* NULL until the first session */
    struct sim_profile *profiles;      /* charging profiles installed (sim_profile.c) */
    json_t *local_list;                /* id -> status (SendLocalList); NULL: none */
    int quiet;                         /* booting: changes are not said (sim__touch) */
    struct sim_autogen *autogen;       /* the session generator, or NULL */
    int off;                           /* switched off (REST stop-runtime) */
    int reset_when_idle;               /* 2.0.1 Reset OnIdle Scheduled */
    unsigned event_seq;                /* 2.0.1 NotifyEvent eventId */
    const char *security_pending;      /* 2.0.1 security event after the next boot */
    int backoff_min_ms, backoff_max_ms;   /* the template's; 0: the runtime's */
    int call_timeout_s;                /* the template's; 0: the runtime's */
    lws_retry_bo_t *ping;              /* websocket ping policy, or NULL */
    int live_said;                     /* a live state was said since it started */
    struct sim_progress *progress;     /* firmware / diagnostics progressions running */
    int local_version;
    enum ocpp_boot_reason boot_reason; /* of the next BootNotification */
    int handles_open;                  /* embedded uv timers not yet closed */
    int gone_sent;
    char *last_error;                  /* the last connection / boot error, or NULL */
    char *conn_error;                  /* precise reason found during this attempt */
    uint64_t connect_at;               /* uv_now() ms when this attempt started */
    int boot_ms;                       /* connect -> accepted of the last boot; -1 */
    int was_connected;                 /* a websocket was up before (reconnects) */
};

/* 32 random bits (OpenSSL): message id prefixes, backoff jitter. */
uint32_t sim__rand_u32(void);
/* The last connection / boot error (printf format): what the owner hears when the
 * charger waits or fails. */
void sim__set_error(struct sim_charger *ch, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Logs a connection event (printf format) through the owner's log callback. */
void sim__log_event(struct sim_charger *ch, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Logs a frame (the owner's log callback) and counts it (metrics). */
void sim__log_frame(struct sim_charger *ch, const char *dir, const char *action,
                    const char *id, const char *text, size_t len);
/* Tells the owner the live state changed (not while booting quietly or stopping). */
void sim__touch(struct sim_charger *ch);

/* Writes a frame (text taken) on the charger's websocket unless the runtime is fenced
 * (then it is dropped); id and action (may be NULL) are for the log. */
void sim__send_frame(struct sim_charger *ch, char *text, const char *id, const char *action);

/* Queues a CALL about status target conn / session serial (-1 / 0: none); payload is
 * stolen; cb(data) hears its fate (NULL: nobody). See sim_rpc.h. */
struct sim_call *sim__call_cb(struct sim_charger *ch, enum ocpp_action action, json_t *payload,
                              int conn, unsigned serial, sim_call_cb cb, void *data);
static inline void sim__call(struct sim_charger *ch, enum ocpp_action action, json_t *payload)
{
    sim__call_cb(ch, action, payload, -1, 0, NULL, NULL);
}
/* Answers the CSMS's CALL id with payload (stolen) / a CallError. */
void sim__answer(struct sim_charger *ch, const char *id, json_t *payload);
void sim__answer_error(struct sim_charger *ch, const char *id, enum ocpp_error e,
                       const char *desc);

double sim__wall_now(void);                 /* unix seconds */

/* Allocates ch->meter (the connectors' meters and sessions) on first need. */
void sim__meter_alloc(struct sim_charger *ch);
/* The charger stops: the meter's timers (if it has one) close, hooks->handle_closed
 * for each; the meter itself goes with sim__tx_free once they are closed. */
void sim__meter_close(struct sim_charger *ch);

/* Connector (status target) t now: its status (Faulted, its session's, Unavailable,
 * Preparing / Finishing with a cable in, Reserved, Available), whether a session runs
 * and which (NULL / "" when none). */
enum ocpp_connector_status sim__conn_status(const struct sim_charger *ch, int t);
int sim__conn_busy(const struct sim_charger *ch, int t);
const struct sim_tx *sim__conn_tx(const struct sim_charger *ch, int t);
const char *sim__conn_tx_id(const struct sim_charger *ch, int t);
/* StatusNotification for target `only`, or every target when only < 0, with the status
 * sim__conn_status gives. */
void sim__send_statuses(struct sim_charger *ch, int only);

/* The charger's status targets into all[SIM_MAX_TARGETS]; returns the count. */
int sim__targets(const struct sim_charger *ch, struct ocpp_status_target *all);
/* The index of the target a request names (2.0.1 evse + connector, 1.6 connectorId in
 * evse_id), or -1. */
int sim__find_target(const struct sim_charger *ch, int evse_id, int connector_id);
/* StatusNotification of target t with status st (and the owner hears of it). */
void sim__send_status(struct sim_charger *ch, int t, enum ocpp_connector_status st);

/* Settings: what the CSMS changed, the defaults otherwise; HeartbeatInterval and
 * NumberOfConnectors are live. */
void sim__setting_get(const struct sim_charger *ch, enum ocpp_config_id id, char *buf,
                      size_t n);
/* Stores a value (unchecked) and lets it take effect (hooks->setting_changed): 0, or
 * -1 (no memory). */
int sim__setting_set(struct sim_charger *ch, enum ocpp_config_id id, const char *value);
/* Changes a setting as the CSMS would: 0, or -1 (read-only / bad value / refused). */
int sim__setting_change(struct sim_charger *ch, enum ocpp_config_id id, const char *value);
/* The settings as the version's configuration messages read and change them. */
struct ocpp_config_access sim__config_access(struct sim_charger *ch);
/* Frees the changed settings. */
void sim__settings_free(struct sim_charger *ch);

#endif
