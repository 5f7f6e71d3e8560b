/* Charging sessions of one charge point: remote start / stop, the connector states a
 * session walks through, and the meter. Energy follows physics: the register grows by
 * power x time; the power is what the connector offers and the car takes (a car tapers
 * above 80 % state of charge and stops when full). Version differences come only
 * through ch->version (protocol/ocpp_version.h). */
#include "sim_tx.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_log.h"
#include "sim_local.h"
#include "sim_profile.h"
#include "sim_reserve.h"

#define AC_VOLTS 230.0
#define AC_PHASES 3
#define MIN_TAPER_W 1000.0

static double rand_unit(void)
{
    uint32_t v = 0;
    RAND_bytes((unsigned char *)&v, sizeof v);
    return v / 4294967296.0;
}

/* 2.0.1: the charger names its transactions (32 random hex digits). */
static void new_tx_id(char *out, size_t n)
{
    unsigned char b[16];
    RAND_bytes(b, sizeof b);
    for (size_t i = 0; i < sizeof b && 2 * i + 2 < n; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static struct sim_conn *conn_of(struct sim_charger *ch, int t)
{
    return ch->meter && t >= 0 && t < ch->meter->n ? &ch->meter->conn[t] : NULL;
}



static void set_status(struct sim_charger *ch, int t, enum ocpp_connector_status st)
{
    struct sim_conn *c = conn_of(ch, t);

    if (c)
        c->status = st;
    sim__send_status(ch, t, st);
}

/* The power the car takes now: its maximum, tapered above 80 % state of charge, 0 when
 * full; never more than the connector offers. */
static double car_power(const struct sim_charger *ch, const struct sim_tx *tx)
{
    double p = tx->ev_max_w < ch->max_power_w ? tx->ev_max_w : ch->max_power_w;

    if (tx->soc >= 100.0)
        return 0;
    if (tx->soc > 80.0) {
        double tapered = p * (100.0 - tx->soc) / 20.0;
        p = tapered > MIN_TAPER_W ? tapered : MIN_TAPER_W;
    }
    return p;
}

/* Brings the register up to now at the power delivered since the last time. */
static void integrate(struct sim_charger *ch, struct sim_conn *c)
{
    uint64_t now = uv_now(ch->rt->loop);
    double wh = c->power_w * (double)(now - c->since_ms) / 3.6e6;

    c->since_ms = now;
    if (!c->tx)
        return;
    c->energy_wh += wh;
    c->tx->soc += wh / c->tx->battery_wh * 100.0;
    if (c->tx->soc > 100.0)
        c->tx->soc = 100.0;
}

/* The power of connector t's session now and the state it puts the connector in: what
 * the car takes, capped by the charging profiles; SuspendedEV when the car takes
 * nothing, SuspendedEVSE when the profiles give nothing. */
static enum ocpp_connector_status power_state(const struct sim_charger *ch, int t,
                                             const struct sim_tx *tx, double *power)
{
    const struct sim_conn *c = &ch->meter->conn[t];
    double car = c->ev_paused ? 0 : car_power(ch, tx), limit = sim__profile_limit_w(ch, t, tx);

    *power = limit >= 0 && limit < car ? limit : car;
    if (car <= 0)
        return OCPP_CONN_SUSPENDED_EV;
    return *power > 0 ? OCPP_CONN_CHARGING : OCPP_CONN_SUSPENDED_EVSE;
}

static void reading(const struct sim_charger *ch, const struct sim_conn *c,
                    struct ocpp_meter *m)
{
    char list[512];
    unsigned bits = OCPP_MEAS_ENERGY;

    sim__setting_get(ch, OCPP_CFG_METER_SAMPLED_DATA, list, sizeof list);
    ocpp_measurands_parse(list, &bits);
    memset(m, 0, sizeof *m);
    m->energy_wh = c->energy_wh;
    m->power_w = c->power_w;
    m->measurands = bits;
    if (ch->dc) {
        m->voltage_v = 400.0 + (c->tx ? c->tx->soc : 0) * 0.8;
        m->current_a = m->power_w / m->voltage_v;
        m->soc = c->tx ? (int)c->tx->soc : -1;
    } else {
        m->voltage_v = AC_VOLTS;
        m->phases = AC_PHASES;
        m->current_a = m->power_w / (AC_VOLTS * AC_PHASES);
        m->soc = -1;
    }
}

static void tx_call_done(struct sim_call *call, const struct sim_call_answer *ans);

/* Queues the transaction message `ev` of connector t (its meter read now). */
static void tx_message(struct sim_charger *ch, int t, enum ocpp_tx_event ev,
                       enum ocpp_tx_cause cause)
{
    struct sim_conn *c = conn_of(ch, t);
    struct ocpp_status_target all[SIM_MAX_TARGETS];
    struct ocpp_meter m;
    char ts[25];
    json_t *payload = NULL;

    sim__targets(ch, all);
    reading(ch, c, &m);
    cf_now_rfc3339(ts);
    struct ocpp_tx msg = {
        .event = ev, .cause = cause, .where = all[t], .status = c->status,
        .id_tag = c->tx->id_tag, .id_type = c->tx->id_type, .tx_id = c->tx->id,
        .seq_no = c->tx->seq_no++, .remote_start_id = c->tx->remote_start_id,
        .reservation_id = ev == OCPP_TX_STARTED ? c->tx->reservation_id : -1,
        .offline = ch->state != SIM_ACCEPTED, .timestamp = ts, .meter = &m,
    };
    enum ocpp_action action = ch->version->tx_request(&msg, &payload);
    sim__call_cb(ch, action, payload, t, c->tx->serial, tx_call_done, ch);
}

static void meter_cb(uv_timer_t *timer);

/* (Re)arms the sample timer at MeterValueSampleInterval / TxUpdatedInterval while a
 * session runs; 0 turns periodic samples off. */
void sim__tx_rearm(struct sim_charger *ch)
{
    char v[32];
    int running = 0;

    if (!ch->meter)
        return;
    for (int t = 0; t < ch->meter->n; t++)
        running |= ch->meter->conn[t].tx != NULL;
    sim__setting_get(ch, OCPP_CFG_METER_SAMPLE_INTERVAL, v, sizeof v);
    int s = atoi(v);
    if (running && s > 0 && ch->state != SIM_STOPPING)
        uv_timer_start(&ch->meter->timer, meter_cb, (uint64_t)s * 1000, (uint64_t)s * 1000);
    else
        uv_timer_stop(&ch->meter->timer);
}

/* Connector t's session at its new power; a change of state is reported
 * (StatusNotification, 2.0.1 TransactionEvent ChargingStateChanged). */
static void recompute(struct sim_charger *ch, int t)
{
    struct sim_conn *c = &ch->meter->conn[t];
    double power;

    integrate(ch, c);
    enum ocpp_connector_status st = power_state(ch, t, c->tx, &power);
    c->power_w = power;
    if (st == c->status)
        return;
    set_status(ch, t, st);
    if (c->tx->id[0] && ch->version->tx_id_by_charger)
        tx_message(ch, t, OCPP_TX_UPDATED, OCPP_CAUSE_CHARGING_STATE);
}

static void meter_cb(uv_timer_t *timer)
{
    struct sim_charger *ch = timer->data;

    for (int t = 0; t < ch->meter->n; t++) {
        struct sim_conn *c = &ch->meter->conn[t];
        if (!c->tx)
            continue;
        recompute(ch, t);
        /* periodic samples are not queued while the CSMS is away (start and stop are);
         * 1.6 MeterValues need the CSMS's transaction id */
        if (ch->state == SIM_ACCEPTED && c->tx->id[0])
            tx_message(ch, t, OCPP_TX_UPDATED, OCPP_CAUSE_PERIODIC);
    }
    sim__touch(ch);
}

void sim__tx_limits_changed(struct sim_charger *ch)
{
    for (int t = 0; ch->meter && t < ch->meter->n; t++) {
        if (ch->meter->conn[t].tx && ch->meter->conn[t].status != OCPP_CONN_PREPARING)
            recompute(ch, t);
    }
}



/* Starts a session on connector t: the cable is plugged (Preparing), the transaction
 * starts (with its TxProfile, when the remote start brought one), energy flows
 * (Charging, or SuspendedEVSE when the profiles give nothing). */
static void tx_begin(struct sim_charger *ch, int t, const char *id_tag, const char *id_type,
                     int remote_start_id, enum ocpp_tx_cause cause,
                     const struct ocpp_profile *profile, json_t *profile_raw)
{
    if (!ch->meter)
        sim__meter_alloc(ch);
    struct sim_conn *c = &ch->meter->conn[t];
    struct sim_tx *tx = calloc(1, sizeof *tx);

    snprintf(tx->id_tag, sizeof tx->id_tag, "%s", id_tag);
    snprintf(tx->id_type, sizeof tx->id_type, "%s", id_type);
    tx->remote_start_id = remote_start_id;
    tx->started_at = sim__wall_now();
    tx->start_wh = c->energy_wh;
    if (c->auto_duration_ms) {          /* a generated session: it ends by itself */
        tx->auto_stop_ms = uv_now(ch->rt->loop) + c->auto_duration_ms;
        tx->auto_stop_wh = c->auto_energy_wh > 0 ? c->energy_wh + c->auto_energy_wh : 0;
        c->auto_duration_ms = 0;
        c->auto_energy_wh = 0;
    }
    /* the car: AC cars take 7.4 or 11 kW; DC cars 50..150 kW; batteries of 40..100 kWh
     * arrive between 10 and 50 % full */
    tx->ev_max_w = ch->dc ? 50000.0 + rand_unit() * 100000.0 : (rand_unit() < 0.5 ? 7400 : 11000);
    tx->battery_wh = 40000.0 + rand_unit() * 60000.0;
    tx->soc = 10.0 + rand_unit() * 40.0;
    tx->serial = ++ch->meter->serial;
    if (ch->version->tx_id_by_charger)
        new_tx_id(tx->id, sizeof tx->id);
    c->tx = tx;
    c->since_ms = uv_now(ch->rt->loop);
    tx->reservation_id = sim__reservation_use(ch, t, id_tag);
    c->after_session = 0;
    if (!c->plugged)                  /* plugged already: Preparing was said */
        set_status(ch, t, OCPP_CONN_PREPARING);
    if (profile) {
        struct ocpp_profile p = *profile;
        snprintf(p.tx_id, sizeof p.tx_id, "%s", tx->id);     /* "" in 1.6: this session */
        const char *why = sim__profile_install(ch, &p, profile_raw);
        if (why)
            CF_CLOG_WARN(ch->identity, "the remote start's charging profile: %s", why);
    }
    c->status = power_state(ch, t, tx, &c->power_w);
    tx_message(ch, t, OCPP_TX_STARTED, cause);
    set_status(ch, t, c->status);
    CF_CLOG_INFO(ch->identity, "session started on connector %d for %s (%.1f kW)", t,
                id_tag, c->power_w / 1000);
    sim__tx_rearm(ch);
    ch->hooks->session_started(ch);
}

/* The session of connector t is over: Finishing (1.6), then Available again once the
 * car is unplugged (at once), or Unavailable when a ChangeAvailability was scheduled. */
static void tx_close(struct sim_charger *ch, int t)
{
    struct sim_conn *c = conn_of(ch, t);

    free(c->tx);
    c->tx = NULL;
    c->power_w = 0;
    sim__profile_session_ended(ch, t);
    if (ch->unavailable_pending & (UINT64_C(1) << t)) {
        ch->unavailable_pending &= ~(UINT64_C(1) << t);
        ch->unavailable |= UINT64_C(1) << t;
    }
    c->ev_paused = 0;
    if (c->plugged) {               /* the car stays until it is unplugged */
        c->after_session = 1;
        sim__send_status(ch, t, sim__conn_status(ch, t));
    } else {
        if (ch->version->reports_finishing)
            sim__send_status(ch, t, OCPP_CONN_FINISHING);
        sim__send_status(ch, t, sim__conn_status(ch, t));
    }
    sim__tx_rearm(ch);
    ch->hooks->idle(ch);
}

/* Ends the session of connector t: the last meter reading goes with the stop message;
 * the connector is Finishing, then Available again once the car is unplugged. */
void sim__tx_end(struct sim_charger *ch, int t, enum ocpp_tx_cause cause)
{
    struct sim_conn *c = conn_of(ch, t);

    if (!c || !c->tx)
        return;
    integrate(ch, c);
    c->power_w = 0;
    if (!c->tx->id[0]) {              /* 1.6: sent once the CSMS gave the id */
        c->tx->stop_pending = 1;
        c->tx->stop_cause = cause;
        return;
    }
    c->status = OCPP_CONN_FINISHING;
    tx_message(ch, t, OCPP_TX_ENDED, cause);
    CF_CLOG_INFO(ch->identity, "session on connector %d ended (%.0f Wh on the register)", t,
                c->energy_wh);
    tx_close(ch, t);
}

void sim__tx_end_all(struct sim_charger *ch, enum ocpp_tx_cause cause)
{
    for (int t = 0; ch->meter && t < ch->meter->n; t++)
        sim__tx_end(ch, t, cause);
}

int sim__tx_free_target(struct sim_charger *ch, int evse_id, const char *id_tag)
{
    struct ocpp_status_target all[SIM_MAX_TARGETS];
    int n = sim__targets(ch, all);

    for (int t = evse_id > 0 ? sim__find_target(ch, evse_id, 0) : 0; t >= 0 && t < n; t++) {
        enum ocpp_connector_status st = sim__conn_status(ch, t);
        /* 1.6 connector 0 is the charge point itself; a reserved connector takes only
         * its reservation's id */
        if (all[t].connector_id > 0 &&
            (st == OCPP_CONN_AVAILABLE || st == OCPP_CONN_PREPARING ||
             (st == OCPP_CONN_RESERVED && !strcmp(ch->meter->conn[t].res_tag, id_tag))))
            return t;
        if (evse_id > 0)
            break;
    }
    return -1;
}

static int setting_true(const struct sim_charger *ch, enum ocpp_config_id id)
{
    char v[16];
    sim__setting_get(ch, id, v, sizeof v);
    return strcmp(v, "true") == 0;
}

static void authorize_done(struct sim_call *call, const struct sim_call_answer *ans);

/* Sends Authorize for id_tag; the session starts on connector t when the CSMS answers
 * Accepted (authorize_done, the CALL's callback). A remote start has its
 * remote_start_id (>= 0 in 2.0.1). */
static void authorize_then_start(struct sim_charger *ch, int t, const char *id_tag,
                                 const char *id_type, int remote, int remote_start_id,
                                 const struct ocpp_profile *profile, json_t *profile_raw)
{
    if (!ch->meter)
        sim__meter_alloc(ch);
    struct sim_conn *c = &ch->meter->conn[t];
    snprintf(c->auth_tag, sizeof c->auth_tag, "%s", id_tag);
    snprintf(c->auth_type, sizeof c->auth_type, "%s", id_type);
    c->auth_remote_start_id = remote_start_id;
    c->auth_remote = remote;
    free(c->auth_profile);
    c->auth_profile = NULL;
    if (profile && (c->auth_profile = malloc(sizeof *profile)))
        *c->auth_profile = *profile;
    json_decref(c->auth_profile_raw);
    c->auth_profile_raw = profile ? json_incref(profile_raw) : NULL;
    sim__call_cb(ch, OCPP_ACTION_AUTHORIZE, ch->version->authorize_request(id_tag, id_type), t,
                 0, authorize_done, ch);
}

enum sim__next sim__tx_csms_remote_start(struct sim_charger *ch, json_t *payload,
                                        const union sim__request *req, struct sim__reply *rep)
{
    const struct ocpp_remote_start *r = &req->remote_start;
    int t = sim__tx_free_target(ch, r->evse_id, r->id_tag);

    if (t < 0 || (r->has_profile && r->profile.purpose != OCPP_PURPOSE_TX))
        return sim__reply_status(rep, "Rejected");
    if (setting_true(ch, OCPP_CFG_AUTHORIZE_REMOTE))   /* ask the CSMS first */
        authorize_then_start(ch, t, r->id_tag, r->id_type, 1, r->remote_start_id,
                             r->has_profile ? &r->profile : NULL, r->profile_raw);
    else
        tx_begin(ch, t, r->id_tag, r->id_type, r->remote_start_id, OCPP_CAUSE_REMOTE_START,
                 r->has_profile ? &r->profile : NULL, r->profile_raw);
    return sim__reply_status(rep, "Accepted");
}


int sim__tx_start_local(struct sim_charger *ch, int t, const char *id_tag, const char *id_type)
{
    int listed = sim__local_status(ch, id_tag);
    int online = ch->state == SIM_ACCEPTED;

    if ((!online && setting_true(ch, OCPP_CFG_LOCAL_AUTHORIZE_OFFLINE) && listed == 1) ||
        (online && setting_true(ch, OCPP_CFG_LOCAL_PRE_AUTHORIZE) && listed == 1)) {
        tx_begin(ch, t, id_tag, id_type, -1, OCPP_CAUSE_AUTHORIZED, NULL, NULL);
        return 1;
    }
    if (!online)
        return -1;
    authorize_then_start(ch, t, id_tag, id_type, 0, -1, NULL, NULL);
    return 0;
}

enum sim__next sim__tx_csms_remote_stop(struct sim_charger *ch, json_t *payload,
                                       const union sim__request *req, struct sim__reply *r)
{
    for (int t = 0; ch->meter && t < ch->meter->n; t++) {
        struct sim_tx *tx = ch->meter->conn[t].tx;
        if (tx && tx->id[0] && strcmp(tx->id, req->tx_id) == 0) {
            sim__tx_end(ch, t, OCPP_CAUSE_REMOTE_STOP);
            return sim__reply_status(r, "Accepted");
        }
    }
    return sim__reply_status(r, "Rejected");
}

/* The connector a completed call is about, with the CSMS's answer in *a: its payload
 * (RESULT), or for a CallError error_accepts (a session message stands, an Authorize is
 * refused). NULL when there is no answer to read (a timeout, a drop) or no connector. */
static struct sim_conn *read_answer(const struct sim_call *call,
                                    const struct sim_call_answer *ans, int error_accepts,
                                    struct ocpp_tx_answer *a)
{
    struct sim_charger *ch = call->data;
    struct sim_conn *c = conn_of(ch, call->conn);
    char reason[160];

    if (!c || (ans->outcome != SIM_CALL_RESULT && ans->outcome != SIM_CALL_ERROR))
        return NULL;
    json_t *payload = ans->outcome == SIM_CALL_RESULT ? ans->payload : NULL;
    if (!payload) {                             /* answered with a CallError */
        a->accepted = error_accepts;
        a->tx_id[0] = '\0';
    } else if (ch->version->tx_answer(call->action, payload, a, reason, sizeof reason) != 0) {
        CF_CLOG_WARN(ch->identity, "%s", reason);
        a->accepted = 0;
        a->tx_id[0] = '\0';
    }
    return c;
}

/* Authorize completed: on Accepted the session starts on its connector (call->conn) if
 * that can still take it; a timeout or a drop changes nothing. */
static void authorize_done(struct sim_call *call, const struct sim_call_answer *ans)
{
    struct sim_charger *ch = call->data;
    struct ocpp_tx_answer a;
    struct sim_conn *c = read_answer(call, ans, 0, &a);
    int t = call->conn;

    if (!c)
        return;
    if (c->tx || !c->auth_tag[0])
        return;
    if (a.accepted && sim__tx_free_target(ch, sim__unit_id(ch, t), c->auth_tag) == t)
        tx_begin(ch, t, c->auth_tag, c->auth_type, c->auth_remote_start_id,
                 c->auth_remote ? OCPP_CAUSE_REMOTE_START : OCPP_CAUSE_AUTHORIZED,
                 c->auth_profile, c->auth_profile_raw);
    else {
        CF_CLOG_INFO(ch->identity, "id %s not authorized: no session", c->auth_tag);
        c->auto_duration_ms = 0;
    }
    free(c->auth_profile);
    c->auth_profile = NULL;
    json_decref(c->auth_profile_raw);
    c->auth_profile_raw = NULL;
    c->auth_tag[0] = '\0';
}

/* A message of connector call->conn's session call->serial completed: its answer
 * counts (answers about an ended session change nothing); a timeout or a drop changes
 * nothing (a session message was sent again first: sim_rpc.c). */
static void tx_call_done(struct sim_call *call, const struct sim_call_answer *ans)
{
    struct sim_charger *ch = call->data;
    struct ocpp_tx_answer a;
    struct sim_conn *c = read_answer(call, ans, 1, &a);
    int t = call->conn;

    if (!c)
        return;
    if (!c->tx || c->tx->serial != call->serial)
        return;
    if (!c->tx->id[0]) {                     /* 1.6 StartTransaction.conf */
        if (!a.tx_id[0]) {   /* refused (CallError): no transaction exists to stop */
            CF_CLOG_WARN(ch->identity, "StartTransaction refused: session dropped");
            tx_close(ch, t);
            return;
        }
        snprintf(c->tx->id, sizeof c->tx->id, "%s", a.tx_id);
        if (c->tx->stop_pending) {
            sim__tx_end(ch, t, c->tx->stop_cause);
            return;
        }
    }
    if (!a.accepted) {
        CF_CLOG_INFO(ch->identity, "id %s not accepted by the CSMS: stopping the session",
                    c->tx->id_tag);
        sim__tx_end(ch, t, OCPP_CAUSE_DEAUTHORIZED);
    }
}

void sim__tx_free(struct sim_charger *ch)
{
    for (int t = 0; ch->meter && t < ch->meter->n; t++) {
        free(ch->meter->conn[t].tx);
        free(ch->meter->conn[t].auth_profile);
        json_decref(ch->meter->conn[t].auth_profile_raw);
    }
    free(ch->meter);
    ch->meter = NULL;
}

int sim__tx_count(const struct sim_charger *ch, int t)
{
    int n = 0;
    for (int i = 0; ch->meter && i < ch->meter->n; i++)
        n += ch->meter->conn[i].tx && (t < 0 || i == t);
    return n;
}

/* TriggerMessage: MeterValues of target t (every connector when t < 0), or a
 * TransactionEvent Updated (triggerReason Trigger) of its sessions. */
void sim__tx_triggered(struct sim_charger *ch, int t, int tx_event)
{
    struct ocpp_status_target all[SIM_MAX_TARGETS];
    struct sim_conn idle = {0};
    int n = sim__targets(ch, all);
    char ts[25];

    cf_now_rfc3339(ts);
    for (int i = 0; i < n; i++) {
        if ((t >= 0 && i != t) || (all[i].connector_id == 0 && all[i].evse_id == 0))
            continue;
        struct sim_conn *c = ch->meter && i < ch->meter->n ? &ch->meter->conn[i] : &idle;
        if (c->tx)
            integrate(ch, c);
        if (tx_event) {
            if (c->tx && c->tx->id[0])
                tx_message(ch, i, OCPP_TX_UPDATED, OCPP_CAUSE_TRIGGER);
            continue;
        }
        struct ocpp_meter m;
        reading(ch, c, &m);
        sim__call(ch, OCPP_ACTION_METER_VALUES,
                  ch->version->meter_request(&all[i], c->tx ? c->tx->id : NULL, &m, "Trigger",
                                             ts));
    }
}

/* The car side of connector t (REST plug / unplug / ev-suspend / ev-resume). Returns
 * NULL or why not. */
const char *sim__tx_cable(struct sim_charger *ch, int t, int plug)
{
    if (!ch->meter)
        sim__meter_alloc(ch);
    struct sim_conn *c = &ch->meter->conn[t];
    enum ocpp_connector_status st = sim__conn_status(ch, t);

    if (plug) {
        if (c->plugged || c->tx)
            return "a cable is plugged in already";
        if (st != OCPP_CONN_AVAILABLE && st != OCPP_CONN_RESERVED)
            return "the connector is not available";
        c->plugged = 1;
        c->after_session = 0;
        sim__send_status(ch, t, sim__conn_status(ch, t));
        return NULL;
    }
    if (!c->plugged && !c->tx)
        return "no cable is plugged in";
    c->plugged = 0;
    if (c->tx && setting_true(ch, OCPP_CFG_STOP_ON_EV_DISCONNECT)) {
        sim__tx_end(ch, t, OCPP_CAUSE_EV_DISCONNECTED);   /* the session ends with it */
        return NULL;
    }
    if (c->tx) {          /* StopTransactionOnEVSideDisconnect false: suspended, no car */
        c->ev_paused = 1;
        recompute(ch, t);
        return NULL;
    }
    c->after_session = 0;
    sim__send_status(ch, t, sim__conn_status(ch, t));
    return NULL;
}

const char *sim__tx_ev_pause(struct sim_charger *ch, int t, int pause)
{
    struct sim_conn *c = ch->meter && t < ch->meter->n ? &ch->meter->conn[t] : NULL;

    if (!c || !c->tx)
        return "no session runs there";
    c->ev_paused = pause;
    recompute(ch, t);
    return NULL;
}

double sim__tx_energy_now(const struct sim_charger *ch, int t)
{
    const struct sim_conn *c = &ch->meter->conn[t];
    return c->energy_wh + c->power_w * (double)(uv_now(ch->rt->loop) - c->since_ms) / 3.6e6;
}
