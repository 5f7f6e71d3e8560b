/* Private to simulator/: the runtime and charger structures shared by sim_runtime.c
 * (context, vhosts, pacing) and sim_charger.c (the state machine). */
#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

#include <stdint.h>
#include <jansson.h>

#include "ocpp_frame.h"
#include "sim_metrics.h"
#include "sim_runtime.h"

struct sim_key {               /* a client private key, in memory only (never a file) */
    struct sim_key *next;
    unsigned char md[32];      /* SHA-256 of the PEM it came from */
    int len;
    unsigned char der[];       /* the key in DER (libwebsockets' client_ssl_key_mem) */
};

struct sim_vhost {
    struct sim_vhost *next;
    char *ca_file;             /* NULL: system CAs */
    char *cert_file;           /* a client certificate (security profile 3), or NULL */
    const struct sim_key *key; /* its key (owned by the runtime), or NULL */
    char name[24];             /* the vhost's name: libwebsockets keeps the pointer */
    struct lws_vhost *vh;
};

struct sim_pem {               /* a PEM given over the API, written to a file */
    struct sim_pem *next;
    char path[];
};

struct sim_runtime {
    uv_loop_t *loop;
    struct lws_context *ctx;
    struct sim_runtime_opts opts;
    struct sim_events ev;
    void *ev_arg;
    struct sim_vhost *vhosts;
    struct sim_charger *all;           /* every live charger (doubly linked) */
    int count;
    int connected;
    int connecting;                    /* handshakes in flight */
    struct sim_charger *wait_head, *wait_tail; /* waiting for a connect slot */
    uv_idle_t pump;                    /* starts waiting connects outside lws callbacks */
    uv_timer_t deadlines;              /* finds CALLs whose answer is overdue */
    uv_timer_t rate_wait;              /* connect_rate: the next connect's turn */
    double tokens;                     /* connect_rate: connects allowed now */
    uint64_t tokens_at;                /* uv_now() ms when tokens was computed */
    int handles;                       /* of the three above, not closed yet */
    char *pem_dir;                     /* TLS files made from API PEMs, or NULL */
    struct sim_pem *pems;
    struct sim_key *keys;              /* client keys, wiped when the runtime goes */
    int pump_active;
    int freeing;
    int stopping_all;                  /* sim_runtime_stop_all: the process stops */
    struct sim_metrics m;
    int (*guard)(void *arg);           /* sim_runtime_set_guard; NULL: always may */
    void *guard_arg;
    char **sources;                    /* source addresses, used in turn; NULL: any */
    int n_sources;
    unsigned next_source;
};

/* Whether the chargers of rt may use their websockets now (sim_runtime_set_guard). */
static inline int sim_may_send(const struct sim_runtime *rt)
{
    return !rt->guard || rt->guard(rt->guard_arg);
}

/* What a charger's log (and the process log) says when the process stops it. */
#define SIM_CLOSING_STOP "closing: serve stopping (1001 going away)"

enum sim_state {
    SIM_IDLE,          /* waiting for a timer (backoff / first connect) */
    SIM_QUEUED,        /* waiting for a connect slot */
    SIM_CONNECTING,
    SIM_BOOTING,       /* connected, BootNotification sent or to be resent */
    SIM_ACCEPTED,
    SIM_STOPPING,
};

struct sim_out {                       /* a frame waiting for WRITEABLE */
    struct sim_out *next;
    size_t len;
    unsigned char buf[];               /* LWS_PRE bytes of headroom, then the text */
};

struct sim_call {                      /* a CALL waiting for the outstanding one to finish */
    struct sim_call *next;
    const char *action;                /* static string */
    json_t *payload;                   /* owned */
    int conn;                          /* the status target it is about, -1 none */
    unsigned serial;                   /* the session it is about, 0 none */
    int attempts;                      /* sent this often without an answer */
};

#define SIM_QUEUE_MAX 1000            /* calls a charger keeps waiting (offline) */
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

struct sim_charger {
    struct sim_runtime *rt;
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
    struct lws *wsi;
    uv_timer_t timer;                  /* reconnect, boot retry, heartbeat */
    uint64_t deadline;                 /* uv_now() ms; 0 = none */
    uint64_t retry_at;                 /* uv_now() ms the timer's wait ends, were it not
                                        * clamped to the deadline; 0 = none */
    const char *wait_what;             /* what it waits after (a static string), or NULL:
                                        * last_error */
    int attempts;                      /* consecutive failed connects, for backoff */
    int heartbeat_s;
    uint32_t msgid_prefix;
    uint64_t msgid_seq;
    char out_id[OCPP_MSGID_MAX + 1];   /* outstanding CALL, "" when none */
    struct sim_call *out;              /* the outstanding CALL, kept until answered */
    const char *in_action;             /* the CSMS call being answered (for the log) */
    uint64_t out_deadline;             /* uv_now ms by which `out` must be answered; 0 */
    struct sim_call *calls_head, *calls_tail;
    int queued;                        /* calls waiting (bounded: SIM_QUEUE_MAX) */
    unsigned long dropped;             /* calls the bound dropped */
    struct sim_out *tx_head, *tx_tail;
    char *rx;
    size_t rx_len, rx_cap;
    int want_close;
    int close_after_tx;                /* close once queued frames are written (Reset) */
    struct sim_setting *settings;      /* changed configuration, defaults otherwise */
    uint64_t unavailable;              /* status targets made Inoperative by the CSMS */
    uint64_t unavailable_pending;      /* ... once their session ends (Scheduled) */
    uint64_t faulted;                  /* status targets with an injected fault */
    struct sim_meter *meter;           /* NULL until the first session */
    struct sim_profile *profiles;      /* charging profiles installed (sim_profile.c) */
    json_t *local_list;                /* id -> status (SendLocalList); NULL: none */
    int quiet;                         /* booting: changes are not said (sim_touch) */
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
    int wsi_alive;
    int gone_sent;
    char *last_error;                  /* the last connection / boot error, or NULL */
    char *conn_error;                  /* precise reason found during this attempt */
    uint64_t connect_at;               /* uv_now() ms when this attempt started */
    int boot_ms;                       /* connect -> accepted of the last boot; -1 */
    int was_connected;                 /* a websocket was up before (reconnects) */
};

/* sim_runtime.c */
struct lws_vhost *sim_runtime_vhost(struct sim_runtime *rt, const char *ca_file,
                                   const char *cert_file, const struct sim_key *key);
const char *sim_runtime_pem_file(struct sim_runtime *rt, const char *pem);
/* A private key given over the API (PEM, any type OpenSSL reads; libwebsockets loads
 * RSA and EC ones), kept in memory once per distinct content: owned by the runtime, or
 * NULL (unreadable: logged). */
const struct sim_key *sim_runtime_key(struct sim_runtime *rt, const char *pem);
void sim_runtime_want_connect(struct sim_runtime *rt, struct sim_charger *ch);
void sim_runtime_connect_done(struct sim_runtime *rt, struct sim_charger *ch);
void sim_runtime_unlink(struct sim_runtime *rt, struct sim_charger *ch);

/* sim_charger.c */
/* The outstanding CALL was not answered by its deadline. */
void sim_call_expired(struct sim_charger *ch);
/* One of the charger's uv handles has closed (it is freed when none is left). */
void sim_handle_closed(struct sim_charger *ch);
/* Logs a connection event (printf format) through the owner's log callback. */
void sim_log_event(struct sim_charger *ch, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Closes the websocket once every queued frame and CALL is through, then reconnects and
 * boots again with `why` (a Reset, a REST restart). */
void sim_reboot(struct sim_charger *ch, enum ocpp_boot_reason why);
/* A session ended: a reset scheduled for when the charger is idle happens now. */
void sim_idle_now(struct sim_charger *ch);
/* Switches the charger off (the websocket closes once its queue is through; no
 * reconnect) or on again (it connects and boots). */
void sim_power(struct sim_charger *ch, int on);
/* Changes a setting as the CSMS would: 0, or -1 (read-only / bad value / refused). */
int sim_setting_change(struct sim_charger *ch, enum ocpp_config_id id, const char *value);
int sim_charger_connect(struct sim_charger *ch);   /* called by the pump */
extern const struct lws_protocols sim_client_protocols[];
/* Queues a CALL about status target conn / session serial (-1 / 0: none); payload is
 * stolen. */
void sim_call(struct sim_charger *ch, const char *action, json_t *payload, int conn,
              unsigned serial);
void sim_answer(struct sim_charger *ch, const char *id, json_t *payload);
void sim_answer_error(struct sim_charger *ch, const char *id, enum ocpp_error e,
                      const char *desc);
/* The charger's status targets into all[SIM_MAX_TARGETS]; returns the count. */
int sim_targets(const struct sim_charger *ch, struct ocpp_status_target *all);
/* The index of the target a request names (2.0.1 evse + connector, 1.6 connectorId in
 * evse_id), or -1. */
int sim_find_target(const struct sim_charger *ch, int evse_id, int connector_id);
void sim_send_status(struct sim_charger *ch, int t, enum ocpp_connector_status st);
void sim_setting_get(const struct sim_charger *ch, enum ocpp_config_id id, char *buf,
                     size_t n);

/* sim_tx.c: sessions and the meter */
enum ocpp_connector_status sim_tx_status(const struct sim_charger *ch, int t);
int sim_tx_busy(const struct sim_charger *ch, int t);
/* The connector (1.6 connectorId / 2.0.1 evseId; 0 = the first free) that can start a
 * session for id_tag now (available, or reserved for id_tag), as a status target index,
 * or -1. */
int sim_tx_free_target(struct sim_charger *ch, int evse_id, const char *id_tag);
void sim_meter_alloc(struct sim_charger *ch);
/* A session started at the charger (REST): Authorize, then the session on Accepted;
 * or at once from the local list (offline with LocalAuthorizeOffline, or with
 * LocalPreAuthorize). Returns 0 authorizing, 1 started, -1 refused (offline and the
 * local list does not accept the id). */
int sim_tx_start_local(struct sim_charger *ch, int t, const char *id_tag, const char *id_type);
void sim_tx_remote_start(struct sim_charger *ch, struct ocpp_frame *f);
void sim_tx_remote_stop(struct sim_charger *ch, struct ocpp_frame *f);
void sim_tx_answer(struct sim_charger *ch, const char *action, int t, unsigned serial,
                   json_t *payload);
/* Ends connector t's session (if any) / every session. */
void sim_tx_end(struct sim_charger *ch, int t, enum ocpp_tx_cause cause);
void sim_tx_end_all(struct sim_charger *ch, enum ocpp_tx_cause cause);
/* The car side: plug / unplug a cable on t (unplugging ends its session), the car
 * suspending / resuming energy. NULL, or why not. */
const char *sim_tx_cable(struct sim_charger *ch, int t, int plug);
const char *sim_tx_ev_pause(struct sim_charger *ch, int t, int pause);
/* Sessions running on target t (every target when t < 0). */
int sim_tx_count(const struct sim_charger *ch, int t);
/* TriggerMessage MeterValues / (tx_event) TransactionEvent for target t (< 0: all). */
void sim_tx_triggered(struct sim_charger *ch, int t, int tx_event);
void sim_tx_rearm(struct sim_charger *ch);
/* The charging profiles changed: every session takes its new power now. */
void sim_tx_limits_changed(struct sim_charger *ch);
const struct sim_tx *sim_tx_of(const struct sim_charger *ch, int t);
/* Connector t's register now (the energy since the last sample included). */
double sim_tx_energy_now(const struct sim_charger *ch, int t);
const char *sim_tx_id(const struct sim_charger *ch, int t);   /* "" when none */

/* sim_progress.c: firmware updates, diagnostics / log uploads (simulated) */
void sim_progress_csms_firmware(struct sim_charger *ch, struct ocpp_frame *f);
void sim_progress_csms_diagnostics(struct sim_charger *ch, struct ocpp_frame *f);
void sim_progress_stop_all(struct sim_charger *ch);

/* sim_local.c: the local authorization list */
void sim_local_csms_send(struct sim_charger *ch, struct ocpp_frame *f);
void sim_local_csms_version(struct sim_charger *ch, struct ocpp_frame *f);
/* 1 the list accepts id_tag, 0 it lists it otherwise, -1 it does not list it. */
int sim_local_status(const struct sim_charger *ch, const char *id_tag);

/* sim_reserve.c: reservations */
void sim_reserve_csms_reserve(struct sim_charger *ch, struct ocpp_frame *f);
void sim_reserve_csms_cancel(struct sim_charger *ch, struct ocpp_frame *f);
/* A session for id_tag starts on t: its reservation is used (returns its id) or -1. */
int sim_reservation_use(struct sim_charger *ch, int t, const char *id_tag);

/* sim_autogen.c: the automatic session generator (template "sessions") */
void sim_autogen_start(struct sim_charger *ch, json_t *sessions);
int sim_autogen_set(struct sim_charger *ch, int on);      /* -1: the charger has none */
void sim_autogen_rearm(struct sim_charger *ch);
void sim_autogen_stop(struct sim_charger *ch);

/* sim_live.c: the live state; sim_touch tells the owner it changed */
void sim_touch(struct sim_charger *ch);

/* sim_profile.c: smart charging */
double sim_wall_now(void);                 /* unix seconds */
int sim_unit_id(const struct sim_charger *ch, int t);
/* The composite limit on connector t's session now, W; -1 when none. */
double sim_profile_limit_w(const struct sim_charger *ch, int t, const struct sim_tx *tx);
/* Installs a copy of p unless the charger refuses it (returns why). */
const char *sim_profile_install(struct sim_charger *ch, const struct ocpp_profile *p,
                                json_t *raw);
void sim_profile_session_ended(struct sim_charger *ch, int t);
void sim_profile_csms_set(struct sim_charger *ch, struct ocpp_frame *f);
void sim_profile_csms_clear(struct sim_charger *ch, struct ocpp_frame *f);
void sim_profile_csms_composite(struct sim_charger *ch, struct ocpp_frame *f);
void sim_profile_csms_get(struct sim_charger *ch, struct ocpp_frame *f);
void sim_profile_free(struct sim_charger *ch);
void sim_tx_free(struct sim_charger *ch);

#endif
