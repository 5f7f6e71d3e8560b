#include "sim_station.h"

#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cf_log.h"

uint32_t sim__rand_u32(void)
{
    uint32_t v = 0;
    RAND_bytes((unsigned char *)&v, sizeof v);
    return v;
}

void sim__set_error(struct sim_charger *ch, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[200];
    vsnprintf(buf, sizeof buf, fmt, ap);
    free(ch->last_error);
    ch->last_error = strdup(buf);
    va_end(ap);
}

void sim__log_event(struct sim_charger *ch, const char *event, const char *fmt, ...)
{
    char detail[300];
    va_list ap;

    if (!ch->rt->ev.log)
        return;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    struct sim_log e = {event, NULL, NULL, NULL, detail, strlen(detail)};
    ch->rt->ev.log(ch, &e, ch->rt->ev_arg);
}

void sim__log_frame(struct sim_charger *ch, const char *dir, const char *action,
                    const char *id, const char *text, size_t len)
{
    sim_metrics_frame(&ch->rt->m, dir, action);
    if (!ch->rt->ev.log)
        return;
    struct sim_log e = {"frame", dir, action, id, text, len};
    ch->rt->ev.log(ch, &e, ch->rt->ev_arg);
}

void sim__touch(struct sim_charger *ch)
{
    if (!ch->rt->ev.changed || ch->state == SIM_STOPPING || ch->quiet)
        return;
    ch->live_said = 1;
    ch->rt->ev.changed(ch, ch->rt->ev_arg);
}

void sim__send_frame(struct sim_charger *ch, char *text, const char *id, const char *action)
{
    if (!text)
        return;
    if (!sim__may_send(ch->rt)) {    /* fenced: this runtime may not speak for it now */
        CF_CLOG_DEBUG(ch->identity, "not sent (lease not renewed): %s", text);
        free(text);
        return;
    }
    size_t len = strlen(text);
    sim__log_frame(ch, "out", action, id, text, len);
    CF_CLOG_DEBUG(ch->identity, "-> %s", text);
    if (sim__ws_send(&ch->ws, text) != 0) {
        free(ch->conn_error);
        ch->conn_error = strdup("websocket write failed");
    }
}

struct sim_call *sim__call_cb(struct sim_charger *ch, enum ocpp_action action, json_t *payload,
                              int conn, unsigned serial, sim_call_cb cb, void *data)
{
    return sim__rpc_call(&ch->rpc, action, payload, conn, serial, cb, data);
}

void sim__answer(struct sim_charger *ch, const char *id, json_t *payload)
{
    sim__send_frame(ch, ocpp_frame_result(id, payload), id, ch->in_action);
    json_decref(payload);
}

void sim__answer_error(struct sim_charger *ch, const char *id, enum ocpp_error e,
                       const char *desc)
{
    sim_metrics_call_error(&ch->rt->m, "out", ocpp_error_name(ch->version, e));
    sim__send_frame(ch, ocpp_frame_error(id, ocpp_error_name(ch->version, e), desc, NULL), id,
                    ch->in_action);
}

void sim_charger_answer(struct sim_charger *ch, const char *id, json_t *payload)
{
    sim__answer(ch, id, payload);
}

/* ---- the public accessors (sim_runtime.h) ---- */

int sim_charger_boot_ms(const struct sim_charger *ch)
{
    return ch->boot_ms;
}

void *sim_charger_owner(const struct sim_charger *ch)
{
    return ch->owner;
}

const char *sim_charger_identity(const struct sim_charger *ch)
{
    return ch->identity;
}

const char *sim_charger_last_error(const struct sim_charger *ch)
{
    return ch->last_error ? ch->last_error : "";
}

/* ---- connectors and their status ---- */

double sim__wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const struct sim_conn *conn_at(const struct sim_charger *ch, int t)
{
    return ch->meter && t >= 0 && t < ch->meter->n ? &ch->meter->conn[t] : NULL;
}

enum ocpp_connector_status sim__conn_status(const struct sim_charger *ch, int t)
{
    const struct sim_conn *c = conn_at(ch, t);

    if (ch->faulted & (UINT64_C(1) << t))
        return OCPP_CONN_FAULTED;
    if (c && c->tx)
        return c->status;
    if (ch->unavailable & (UINT64_C(1) << t))
        return OCPP_CONN_UNAVAILABLE;
    if (c && c->plugged)           /* a cable in, no session: before one, or after it */
        return c->after_session ? OCPP_CONN_FINISHING : OCPP_CONN_PREPARING;
    return c && c->res_active ? OCPP_CONN_RESERVED : OCPP_CONN_AVAILABLE;
}

int sim__conn_busy(const struct sim_charger *ch, int t)
{
    const struct sim_conn *c = conn_at(ch, t);
    return c && c->tx;
}

const struct sim_tx *sim__conn_tx(const struct sim_charger *ch, int t)
{
    return ch->meter && t >= 0 && t < ch->meter->n ? ch->meter->conn[t].tx : NULL;
}

const char *sim__conn_tx_id(const struct sim_charger *ch, int t)
{
    const struct sim_tx *tx = sim__conn_tx(ch, t);
    return tx ? tx->id : "";
}

/* The connectors' state, with the two timers of sessions and reservations (closed by
 * sim__meter_close). */
void sim__meter_alloc(struct sim_charger *ch)
{
    struct ocpp_status_target all[SIM_MAX_TARGETS];
    int n = sim__targets(ch, all);

    ch->meter = calloc(1, sizeof *ch->meter + (size_t)n * sizeof(struct sim_conn));
    ch->meter->n = n;
    uv_timer_init(ch->rt->loop, &ch->meter->timer);
    uv_timer_init(ch->rt->loop, &ch->meter->res_timer);
    ch->meter->timer.data = ch->meter->res_timer.data = ch;
    ch->handles_open += 2;
}

static void meter_timer_closed(uv_handle_t *h)
{
    struct sim_charger *ch = h->data;
    ch->hooks->handle_closed(ch);
}

void sim__meter_close(struct sim_charger *ch)
{
    if (!ch->meter)
        return;
    uv_timer_stop(&ch->meter->timer);
    uv_timer_stop(&ch->meter->res_timer);
    uv_close((uv_handle_t *)&ch->meter->timer, meter_timer_closed);
    uv_close((uv_handle_t *)&ch->meter->res_timer, meter_timer_closed);
}

int sim__targets(const struct sim_charger *ch, struct ocpp_status_target *all)
{
    return ch->version->status_targets(ch->connectors, all, SIM_MAX_TARGETS);
}

int sim__find_target(const struct sim_charger *ch, int evse_id, int connector_id)
{
    struct ocpp_status_target all[SIM_MAX_TARGETS];
    int n = sim__targets(ch, all);

    for (int i = 0; i < n; i++) {
        if (all[i].evse_id == 0 ? all[i].connector_id == evse_id
                                : all[i].evse_id == evse_id &&
                                      (connector_id == 0 || all[i].connector_id == connector_id))
            return i;
    }
    return -1;
}

void sim__send_status(struct sim_charger *ch, int t, enum ocpp_connector_status st)
{
    struct ocpp_status_target all[SIM_MAX_TARGETS];
    char ts[25];

    if (t < 0 || t >= sim__targets(ch, all))
        return;
    cf_now_rfc3339(ts);
    sim__call(ch, OCPP_ACTION_STATUS_NOTIFICATION, ch->version->status_request(&all[t], st, ts));
    sim__touch(ch);
}

void sim__send_statuses(struct sim_charger *ch, int only)
{
    struct ocpp_status_target all[SIM_MAX_TARGETS];
    int n = sim__targets(ch, all);

    for (int i = 0; i < n; i++) {
        if (only < 0 || i == only)
            sim__send_status(ch, i, sim__conn_status(ch, i));
    }
}

/* ---- settings: the charger's values behind the version's GetConfiguration /
 * ChangeConfiguration or GetVariables / SetVariables ---- */

/* What a charger starts with (HeartbeatInterval and NumberOfConnectors are live). */
static const char *const setting_defaults[OCPP_CFG__COUNT] = {
    [OCPP_CFG_CONNECTION_TIMEOUT] = "60",
    [OCPP_CFG_METER_SAMPLE_INTERVAL] = "60",
    [OCPP_CFG_CLOCK_ALIGNED_INTERVAL] = "0",
    [OCPP_CFG_METER_SAMPLED_DATA] = "Energy.Active.Import.Register",
    [OCPP_CFG_SUPPORTED_PROFILES] = "Core,RemoteTrigger",
    [OCPP_CFG_AUTHORIZE_REMOTE] = "false",
    [OCPP_CFG_LOCAL_AUTHORIZE_OFFLINE] = "true",
    [OCPP_CFG_LOCAL_PRE_AUTHORIZE] = "false",
    [OCPP_CFG_STOP_ON_EV_DISCONNECT] = "true",
    [OCPP_CFG_UNLOCK_ON_EV_DISCONNECT] = "true",
    [OCPP_CFG_WEBSOCKET_PING_INTERVAL] = "0",
    [OCPP_CFG_RESET_RETRIES] = "1",
    [OCPP_CFG_GET_CONFIGURATION_MAX_KEYS] = "50",
};

void sim__setting_get(const struct sim_charger *ch, enum ocpp_config_id id, char *buf,
                      size_t n)
{
    if (id == OCPP_CFG_HEARTBEAT_INTERVAL) {
        snprintf(buf, n, "%d", ch->heartbeat_s > 0 ? ch->heartbeat_s
                                                   : ch->rt->opts.default_heartbeat_s);
        return;
    }
    if (id == OCPP_CFG_NUMBER_OF_CONNECTORS) {
        snprintf(buf, n, "%d", ch->connectors);
        return;
    }
    for (struct sim_setting *s = ch->settings; s; s = s->next) {
        if (s->id == id) {
            snprintf(buf, n, "%s", s->value);
            return;
        }
    }
    snprintf(buf, n, "%s", setting_defaults[id] ? setting_defaults[id] : "");
}

/* HeartbeatInterval is live (heartbeat_s); other values are kept for GET. */
int sim__setting_set(struct sim_charger *ch, enum ocpp_config_id id, const char *value)
{
    if (id == OCPP_CFG_HEARTBEAT_INTERVAL) {
        ch->heartbeat_s = atoi(value);
        ch->hooks->setting_changed(ch, id);
        return 0;
    }
    struct sim_setting **pp = &ch->settings;
    while (*pp && (*pp)->id != id)
        pp = &(*pp)->next;
    size_t n = strlen(value) + 1;
    struct sim_setting *s = malloc(sizeof *s + n);
    if (!s)
        return -1;
    s->id = id;
    memcpy(s->value, value, n);
    if (*pp) {
        s->next = (*pp)->next;
        free(*pp);
    } else {
        s->next = NULL;
    }
    *pp = s;
    ch->hooks->setting_changed(ch, id);
    return 0;
}

int sim__setting_change(struct sim_charger *ch, enum ocpp_config_id id, const char *value)
{
    if (ocpp_config_keys[id].readonly || !ocpp_config_value_ok(id, value))
        return -1;
    return sim__setting_set(ch, id, value);
}

static void access_get(void *arg, enum ocpp_config_id id, char *buf, size_t n)
{
    sim__setting_get(arg, id, buf, n);
}

static int access_set(void *arg, enum ocpp_config_id id, const char *value)
{
    return sim__setting_set(arg, id, value);
}

struct ocpp_config_access sim__config_access(struct sim_charger *ch)
{
    return (struct ocpp_config_access){access_get, access_set, ch};
}

void sim__settings_free(struct sim_charger *ch)
{
    while (ch->settings) {
        struct sim_setting *next = ch->settings->next;
        free(ch->settings);
        ch->settings = next;
    }
}
