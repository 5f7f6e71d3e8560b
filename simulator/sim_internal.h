/* Private to simulator/: the runtime and charger structures shared by sim_runtime.c
 * (context, vhosts, pacing) and sim_charger.c (the state machine). */
#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

#include <stdint.h>
#include <jansson.h>

#include "ocpp_frame.h"
#include "sim_runtime.h"

struct sim_vhost {
    struct sim_vhost *next;
    char *ca_file;             /* NULL: system CAs */
    struct lws_vhost *vh;
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
    int pump_active;
    int freeing;
};

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
    const struct ocpp_version *version;
    int connectors;
    int provisioned;
    enum sim_state state;
    struct lws *wsi;
    uv_timer_t timer;                  /* reconnect, boot retry, heartbeat */
    uv_timer_t call_timer;             /* response timeout of the outstanding CALL */
    uint64_t deadline;                 /* uv_now() ms; 0 = none */
    int attempts;                      /* consecutive failed connects, for backoff */
    int heartbeat_s;
    uint32_t msgid_prefix;
    uint64_t msgid_seq;
    char out_id[OCPP_MSGID_MAX + 1];   /* outstanding CALL, "" when none */
    const char *out_action;
    struct sim_call *calls_head, *calls_tail;
    struct sim_out *tx_head, *tx_tail;
    char *rx;
    size_t rx_len, rx_cap;
    int want_close;
    int close_after_tx;                /* close once queued frames are written (Reset) */
    struct sim_setting *settings;      /* changed configuration, defaults otherwise */
    uint64_t unavailable;              /* status targets made Inoperative by the CSMS */
    enum ocpp_boot_reason boot_reason; /* of the next BootNotification */
    int handles_open;                  /* embedded uv timers not yet closed */
    int wsi_alive;
    int gone_sent;
    char last_error[160];
    char conn_error[160];           /* precise reason found during this attempt */
};

/* sim_runtime.c */
struct lws_vhost *sim_runtime_vhost(struct sim_runtime *rt, const char *ca_file);
void sim_runtime_want_connect(struct sim_runtime *rt, struct sim_charger *ch);
void sim_runtime_connect_done(struct sim_runtime *rt, struct sim_charger *ch);
void sim_runtime_unlink(struct sim_runtime *rt, struct sim_charger *ch);

/* sim_charger.c */
int sim_charger_connect(struct sim_charger *ch);   /* called by the pump */
extern const struct lws_protocols sim_client_protocols[];

#endif
