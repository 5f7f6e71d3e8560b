/* One simulated charge point's lifecycle (sim_charger.h): state + embedded timers + one
 * websocket on the loop. The CALL queue (sim_rpc.c), the websocket (sim_ws.c), the
 * station's services (sim_station.c), the boot (sim_boot.c) and the CSMS's calls
 * (sim_dispatch.c) are floors below; this file owns their events. Version differences
 * come only through ch->version (protocol/ocpp_version.h). */
#include "sim_charger.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_log.h"
#include "sim_autogen.h"
#include "sim_boot.h"
#include "sim_dispatch.h"
#include "sim_profile.h"
#include "sim_progress.h"
#include "sim_tx.h"

static void charger_maybe_free(struct sim_charger *ch);
static void conn_lost(struct sim_charger *ch, const char *reason);
static void close_if_drained(struct sim_charger *ch);
static void charger_connect(struct sim_charger *ch);

/* The precise reason of a failing connection attempt (NULL fmt: none); kept off the
 * charger's struct until there is one. */
static void set_conn_error(struct sim_charger *ch, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_conn_error(struct sim_charger *ch, const char *fmt, ...)
{
    free(ch->conn_error);
    ch->conn_error = NULL;
    if (!fmt)
        return;
    char buf[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ch->conn_error = strdup(buf);
}

/* ---- the CALL queue's transport ---- */

/* Before an accepted boot only BootNotification may go (OCPP-J). */
static int rpc_can_send(void *arg, enum ocpp_action action)
{
    const struct sim_charger *ch = arg;
    return ch->ws.wsi && !ch->ws.want_close &&
           (ch->state == SIM_ACCEPTED ||
            (ch->state == SIM_BOOTING && action == OCPP_ACTION_BOOT_NOTIFICATION));
}

static void rpc_send(void *arg, char *text, const char *id, enum ocpp_action action)
{
    struct sim_charger *ch = arg;
    sim__send_frame(ch, text, id, ocpp_action_name(ch->version, action));
}

static const struct sim__rpc_ops rpc_ops = {rpc_can_send, rpc_send};

/* Ends a websocket session's state. With keep_tx (the connection was lost), session
 * messages stay queued in order, the unanswered one first, to be delivered after the
 * next accepted boot: an offline charger loses no transaction message. */
static void clear_session(struct sim_charger *ch, int keep_tx)
{
    sim__ws_reset(&ch->ws);
    sim__rpc_reset(&ch->rpc, keep_tx);
}

/* After a Reset: close once every frame is written and every CALL answered. */
static void close_if_drained(struct sim_charger *ch)
{
    if (!ch->close_after_tx || ch->ws.tx_head || !sim__rpc_idle(&ch->rpc))
        return;
    ch->close_after_tx = 0;
    sim__ws_close(&ch->ws);
}

static void call_expired(struct sim_charger *ch)
{
    sim__rpc_expire(&ch->rpc);
    close_if_drained(ch);
}

void sim__power(struct sim_charger *ch, int on)
{
    if (!on) {
        ch->off = 1;
        uv_timer_stop(&ch->timer);
        if (ch->state == SIM_BOOTING || ch->state == SIM_ACCEPTED) {
            ch->close_after_tx = 1;   /* its last words (session ends) go first */
            close_if_drained(ch);
        }
        return;
    }
    ch->off = 0;
    ch->boot_reason = OCPP_BOOT_POWER_UP;
    ch->security_pending = "StartupOfTheDevice";
    if (ch->state == SIM_IDLE) {
        uv_timer_stop(&ch->timer);
        sim__runtime_want_connect(ch->rt, ch);
    }
}

static void idle_now(struct sim_charger *ch)
{
    if (ch->reset_when_idle && sim__tx_count(ch, -1) == 0) {
        ch->reset_when_idle = 0;
        CF_CLOG_INFO(ch->identity, "idle: the scheduled reset reboots now");
        sim__reboot(ch, OCPP_BOOT_REMOTE_RESET);
    }
}

void sim__reboot(struct sim_charger *ch, enum ocpp_boot_reason why)
{
    ch->boot_reason = why;
    ch->security_pending = "ResetOrReboot";
    if (ch->state != SIM_BOOTING && ch->state != SIM_ACCEPTED)
        return;                       /* offline: it boots when it connects */
    ch->close_after_tx = 1;
    close_if_drained(ch);
}

/* ---- what the lower floors tell the lifecycle ---- */

static void setting_changed(struct sim_charger *ch, enum ocpp_config_id id)
{
    if (id == OCPP_CFG_HEARTBEAT_INTERVAL && ch->state == SIM_ACCEPTED)
        sim__boot_heartbeat_restart(ch);
    if (id == OCPP_CFG_METER_SAMPLE_INTERVAL)
        sim__tx_rearm(ch);
}

static void handle_closed(struct sim_charger *ch)
{
    ch->handles_open--;
    charger_maybe_free(ch);
}

static const struct sim__hooks charger_hooks = {
    setting_changed, handle_closed, idle_now, sim__autogen_rearm, sim__tx_limits_changed,
    charger_connect, call_expired,
};

/* A connection attempt or session ended (error, close, or destroy): runs once per
 * attempt, then schedules the reconnect unless the charger is stopping. */
static void conn_lost(struct sim_charger *ch, const char *reason)
{
    struct sim_runtime *rt = ch->rt;
    enum sim_state was = ch->state;
    if (was == SIM_CONNECTING) {
        sim__runtime_connect_done(rt, ch);
        rt->m.connect_failures++;
    }
    if (was == SIM_BOOTING || was == SIM_ACCEPTED) {
        rt->m.disconnects++;
        rt->connected--;
        if (rt->ev.connection)
            rt->ev.connection(ch, 0, rt->ev_arg);
    }
    if (reason && was != SIM_STOPPING)
        sim__set_error(ch, "%s", reason);
    clear_session(ch, 1);
    ch->ws.want_close = 0;
    ch->ws.open = 0;
    ch->close_after_tx = 0;
    if (was == SIM_STOPPING)
        return;
    ch->state = SIM_IDLE;
    ch->attempts++;                  /* reset when a websocket comes up */
    if (was == SIM_ACCEPTED)
        CF_CLOG_INFO(ch->identity, "connection lost: %s", reason ? reason : "closed");
    if (ch->off) {                    /* switched off (REST stop-runtime): stays away */
        sim__log_event(ch, "disconnected", "switched off");
        sim__touch(ch);
        return;
    }
    uint64_t delay = sim__boot_backoff_ms(ch);
    if (ch->live_said)
        sim__touch(ch);            /* else the connected column says it */
    sim__log_event(ch, was == SIM_CONNECTING ? "connect_failed" : "disconnected",
                  "%s; reconnect in %llu ms (attempt %d)", reason ? reason : "closed",
                  (unsigned long long)delay, ch->attempts);
    sim__boot_reconnect_later(ch, delay);
}

/* ---- the websocket's events ---- */

static void ws_cert_failed(void *owner, const char *err)
{
    set_conn_error(owner, "TLS: certificate verify failed: %s", err);
}

/* Security profiles 1 and 2: HTTP basic auth, user = the identity. */
static int ws_handshake_headers(void *owner, struct lws *wsi, unsigned char **p,
                                unsigned char *end)
{
    struct sim_charger *ch = owner;
    return ch->password ? sim__ws_basic_auth(wsi, p, end, ch->identity, ch->password) : 0;
}

static int ws_subprotocol(void *owner, const char *proto)
{
    struct sim_charger *ch = owner;
    int n = proto[0] != '\0';

    if (n && strcmp(proto, ch->version->subprotocol) == 0)
        return 0;
    set_conn_error(ch, "websocket handshake: CSMS did not agree subprotocol %s%s%s%s",
                   ch->version->subprotocol, n ? " (it chose " : "", n ? proto : "",
                   n ? ")" : "");
    return 1;
}

static int ws_established(void *owner)
{
    struct sim_charger *ch = owner;

    if (ch->state == SIM_STOPPING)  /* stopped while connecting: the handshake won */
        return -1;                  /* the race; close (its slot was given back) */
    if (ch->off) {                /* switched off while connecting */
        set_conn_error(ch, "switched off");
        return -1;
    }
    sim__log_event(ch, "connected", "websocket up (%s, %s)", ch->ws_url,
                   ch->version->subprotocol);
    sim__runtime_connect_done(ch->rt, ch);
    sim_metrics_connected(&ch->rt->m, uv_now(ch->rt->loop), ch->was_connected);
    ch->was_connected = 1;
    ch->state = SIM_BOOTING;
    ch->attempts = 0;
    set_conn_error(ch, NULL);
    ch->rt->connected++;
    if (ch->rt->ev.connection)
        ch->rt->ev.connection(ch, 1, ch->rt->ev_arg);
    if (ch->state == SIM_BOOTING)
        sim__boot_send(ch);
    return 0;
}

/* A frame from the CSMS: the dispatch answers it (or completes the CALL it answers);
 * what it says should follow happens here. */
static void ws_message(void *owner, const char *buf, size_t len)
{
    struct sim_charger *ch = owner;

    switch (sim__dispatch_message(ch, buf, len)) {
    case SIM__NEXT_NONE:
        break;
    case SIM__NEXT_REBOOT:
        sim__reboot(ch, OCPP_BOOT_REMOTE_RESET);
        break;
    case SIM__NEXT_BOOT:
        ch->boot_reason = OCPP_BOOT_TRIGGERED;
        sim__boot_send(ch);
        break;
    case SIM__NEXT_DRAINED:
        close_if_drained(ch);
        break;
    }
}

static void ws_drained(void *owner)
{
    close_if_drained(owner);
}

static int ws_may_write(void *owner)
{
    const struct sim_charger *ch = owner;
    return sim__may_send(ch->rt);
}

static void ws_connect_failed(void *owner, struct lws *wsi, const char *in)
{
    struct sim_charger *ch = owner;
    char msg[200];

    if (ch->conn_error)
        snprintf(msg, sizeof msg, "%s", ch->conn_error);
    else
        sim__ws_connect_error(wsi, in, ch->identity, msg, sizeof msg);
    conn_lost(ch, msg);
}

static void ws_closed(void *owner)
{
    struct sim_charger *ch = owner;
    conn_lost(ch, ch->conn_error ? ch->conn_error : "connection closed by CSMS");
}

static void ws_destroyed(void *owner)
{
    struct sim_charger *ch = owner;

    if (ch->state == SIM_CONNECTING || ch->state == SIM_BOOTING || ch->state == SIM_ACCEPTED)
        conn_lost(ch, ch->conn_error ? ch->conn_error
                                     : "websocket handshake: no answer from CSMS");
    ch->ws.alive = 0;
    charger_maybe_free(ch);
}

static const struct sim__ws_events ws_events = {
    ws_cert_failed, ws_handshake_headers, ws_subprotocol, ws_established, ws_message,
    ws_drained,     ws_may_write,         ws_connect_failed, ws_closed,   ws_destroyed,
};

static void charger_connect(struct sim_charger *ch)
{
    struct sim_url u;

    if (sim_url_parse(ch->ws_url, ch->identity, &u) != 0) {
        ch->state = SIM_CONNECTING;
        conn_lost(ch, "bad ws_url");
        return;
    }
    struct lws_vhost *vh = u.tls ? sim__runtime_vhost(ch->rt, ch->ca_file, ch->cert_file,
                                                     ch->key)
                                 : sim__runtime_vhost(ch->rt, NULL, NULL, NULL);
    if (!vh) {
        ch->state = SIM_CONNECTING;
        conn_lost(ch, ch->ca_file ? "TLS: cannot load the CA file" : "cannot create client");
        return;
    }
    struct sim__ws_dial d = {ch->rt->ctx, vh, u.tls, u.host, u.port, u.path,
                             ch->version->subprotocol, &sim_no_idle_check, NULL};
    char ping[16];
    sim__setting_get(ch, OCPP_CFG_WEBSOCKET_PING_INTERVAL, ping, sizeof ping);
    int ping_s = atoi(ping);
    if (ping_s > 0 && (ch->ping || (ch->ping = calloc(1, sizeof *ch->ping)))) {
        /* WebSocketPingInterval: a ping after that long without traffic, hang up when
         * nothing comes back (lws: per connection) */
        ch->ping->secs_since_valid_ping = (uint16_t)(ping_s > 30000 ? 30000 : ping_s);
        ch->ping->secs_since_valid_hangup = (uint16_t)(ping_s > 30000 ? 65000 : 2 * ping_s + 5);
        d.policy = ch->ping;
    }
    if (ch->rt->n_sources)      /* spread over the source addresses (--source-addresses) */
        d.iface = ch->rt->sources[ch->rt->next_source++ % ch->rt->n_sources];
    ch->state = SIM_CONNECTING;
    set_conn_error(ch, NULL);
    ch->connect_at = uv_now(ch->rt->loop);
    ch->rt->m.connect_attempts++;
    if (sim__ws_dial(&ch->ws, &d) != 0) {
        /* lws may have run CONNECTION_ERROR already, inside the connect call: then
         * conn_lost has run (the state moved on) and the failure is not counted twice. */
        if (ch->state == SIM_CONNECTING)
            conn_lost(ch, "connect: cannot start the connection");
        charger_maybe_free(ch);
    }
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

struct sim_charger *sim_charger_start(struct sim_runtime *rt, const struct sim_charger_cfg *cfg,
                                      void *owner)
{
    struct sim_url u;
    if (sim_url_parse(cfg->ws_url, cfg->identity, &u) != 0)
        return NULL;
    struct sim_charger *ch = calloc(1, sizeof *ch);
    ch->rt = rt;
    ch->hooks = &charger_hooks;
    ch->owner = owner;
    ch->boot_ms = -1;
    ch->identity = strdup(cfg->identity);
    ch->ws_url = strdup(cfg->ws_url);
    const char *ca = cfg->ca_pem ? sim__runtime_pem_file(rt, cfg->ca_pem) : cfg->ca_file;
    ch->ca_file = dup_or_null(ca);
    if (cfg->security_profile == 3 && cfg->client_cert_pem && cfg->client_key_pem) {
        ch->cert_file = sim__runtime_pem_file(rt, cfg->client_cert_pem);
        ch->key = sim__runtime_key(rt, cfg->client_key_pem);
    }
    if ((cfg->security_profile == 1 || cfg->security_profile == 2) && cfg->password)
        ch->password = strdup(cfg->password);
    json_t *rec = json_object_get(cfg->behavior, "reconnect");
    ch->backoff_min_ms = (int)json_integer_value(json_object_get(rec, "backoff_min_ms"));
    ch->backoff_max_ms = (int)json_integer_value(json_object_get(rec, "backoff_max_ms"));
    ch->call_timeout_s = (int)json_integer_value(json_object_get(cfg->behavior,
                                                                 "call_timeout_s"));
    ch->vendor = dup_or_null(cfg->info.vendor);
    ch->model = dup_or_null(cfg->info.model);
    ch->serial = dup_or_null(cfg->info.serial);
    ch->firmware = dup_or_null(cfg->info.firmware);
    ch->connectors = cfg->info.connectors > 0 ? cfg->info.connectors : 1;
    ch->dc = cfg->dc;
    ch->max_power_w = cfg->max_power_w > 0 ? cfg->max_power_w : ch->dc ? 50000 : 11000;
    ch->version = cfg->version;
    ch->provisioned = cfg->provisioned;
    ch->step_failed = cfg->step_failed;
    sim__ws_init(&ch->ws, &ws_events, ch);
    int call_timeout_s = ch->call_timeout_s ? ch->call_timeout_s : rt->opts.call_timeout_s;
    sim__rpc_init(&ch->rpc, rt->loop, &rpc_ops, ch, sim__rand_u32(),
                  (uint64_t)call_timeout_s * 1000, ch->version->actions, ch->identity);
    uint64_t delay = cfg->start_delay_ms > 0 ? (uint64_t)cfg->start_delay_ms : 0;
    /* the provision timeout runs from its turn to connect */
    if (!ch->provisioned && !ch->step_failed)
        ch->deadline = uv_now(rt->loop) + delay + (uint64_t)rt->opts.provision_timeout_s * 1000;
    uv_timer_init(rt->loop, &ch->timer);
    ch->timer.data = ch;
    ch->handles_open = 1;
    ch->next = rt->all;
    if (rt->all)
        rt->all->prev = ch;
    rt->all = ch;
    rt->count++;
    ch->state = SIM_IDLE;
    ch->security_pending = "StartupOfTheDevice";
    json_t *ping = json_object_get(cfg->behavior, "ping_interval_s");
    if (ping) {                        /* the template's WebSocketPingInterval */
        char v[16];
        snprintf(v, sizeof v, "%d", (int)json_integer_value(ping));
        sim__setting_set(ch, OCPP_CFG_WEBSOCKET_PING_INTERVAL, v);
    }
    if (json_object_get(cfg->behavior, "sessions"))
        sim__autogen_start(ch, json_object_get(cfg->behavior, "sessions"));
    if (delay)                         /* the job's connect_rate gives it a later turn */
        sim__boot_first_connect_in(ch, delay);
    else
        sim__runtime_want_connect(rt, ch);
    return ch;
}

static void charger_free(struct sim_charger *ch)
{
    clear_session(ch, 0);
    sim__tx_free(ch);
    sim__profile_free(ch);
    json_decref(ch->local_list);
    sim__settings_free(ch);
    free(ch->identity);
    free(ch->ws_url);
    free(ch->ca_file);
    free(ch->password);
    free(ch->last_error);
    free(ch->conn_error);
    free(ch->ping);
    free(ch->vendor);
    free(ch->model);
    free(ch->serial);
    free(ch->firmware);
    free(ch);
}

/* Free late: only when both timers are closed and the wsi is destroyed. */
static void charger_maybe_free(struct sim_charger *ch)
{
    if (ch->state != SIM_STOPPING || ch->handles_open || ch->ws.alive)
        return;
    if (!ch->gone_sent) {
        ch->gone_sent = 1;
        if (ch->rt->ev.gone)
            ch->rt->ev.gone(ch, ch->rt->ev_arg);
    }
    charger_free(ch);
}

static void timer_closed(uv_handle_t *h)
{
    handle_closed(h->data);
}

void sim_charger_stop(struct sim_charger *ch)
{
    if (ch->state == SIM_STOPPING)
        return;
    sim__runtime_unlink(ch->rt, ch);
    enum sim_state was = ch->state;
    if (was == SIM_CONNECTING)
        sim__runtime_connect_done(ch->rt, ch);
    if (was == SIM_BOOTING || was == SIM_ACCEPTED) {
        ch->rt->connected--;
        if (ch->rt->ev.connection)
            ch->rt->ev.connection(ch, 0, ch->rt->ev_arg);
    }
    ch->state = SIM_STOPPING;
    clear_session(ch, 0);
    uv_timer_stop(&ch->timer);
    uv_close((uv_handle_t *)&ch->timer, timer_closed);
    sim__progress_stop_all(ch);
    sim__autogen_stop(ch);
    sim__meter_close(ch);
    if (ch->ws.wsi) {
        if (was == SIM_BOOTING || was == SIM_ACCEPTED) {
            if (ch->rt->stopping_all) {
                sim__log_event(ch, "disconnected", SIM_CLOSING_STOP);
                CF_CLOG_INFO(ch->identity, SIM_CLOSING_STOP);
            }
            sim__ws_close(&ch->ws);
        } else {
            lws_set_timeout(ch->ws.wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        }
    }
}

const char *sim_charger_retry(struct sim_charger *ch)
{
    if (ch->off || ch->state == SIM_STOPPING || ch->state == SIM_ACCEPTED)
        return NULL;
    ch->attempts = 0;                 /* the backoff starts again from its minimum */
    if (ch->state == SIM_IDLE) {
        uv_timer_stop(&ch->timer);
        ch->retry_at = 0;
        sim__runtime_want_connect(ch->rt, ch);
        return "connecting";
    }
    if (ch->state == SIM_BOOTING) {
        if (!ch->rpc.out) {           /* waiting to boot again: now */
            uv_timer_stop(&ch->timer);
            ch->retry_at = 0;
            sim__boot_send(ch);
        }
        return "booting";
    }
    return "connecting";              /* waiting for a connect slot, or connecting */
}
