#include "sim_dispatch.h"

#include <stdint.h>
#include <stdio.h>

#include "cf_log.h"
#include "ocpp_frame.h"
#include "sim_local.h"
#include "sim_profile.h"
#include "sim_progress.h"
#include "sim_reserve.h"
#include "sim_station.h"
#include "sim_tx.h"

/* ---- the version's parsers, one shape: the request into *q ---- */

typedef enum ocpp_error (*parse_fn)(const struct ocpp_version *v, json_t *p,
                                    union sim__request *q, char *reason, size_t len);

/* parse_<name>: the version's <name>_parse, whose request is the union's `member`. The
 * parsers with other shapes follow, written out. */
#define PARSE_INTO(name, member)                                                         \
    static enum ocpp_error parse_##name(const struct ocpp_version *v, json_t *p,         \
                                        union sim__request *q, char *reason, size_t len) \
    {                                                                                    \
        return v->name##_parse(p, &q->member, reason, len);                              \
    }
PARSE_INTO(reset, reset)
PARSE_INTO(trigger, trigger)
PARSE_INTO(availability, unit)
PARSE_INTO(unlock, unit)
PARSE_INTO(set_profile, profile)
PARSE_INTO(clear_profile, filter)
PARSE_INTO(reserve, reserve)
PARSE_INTO(local_list, local)
PARSE_INTO(firmware, request_id)
PARSE_INTO(diagnostics, request_id)
PARSE_INTO(remote_start, remote_start)
#undef PARSE_INTO

static enum ocpp_error parse_composite(const struct ocpp_version *v, json_t *p,
                                       union sim__request *q, char *reason, size_t len)
{
    return v->composite_parse(p, &q->composite.evse_id, &q->composite.duration,
                              &q->composite.amps, reason, len);
}

static enum ocpp_error parse_get_profiles(const struct ocpp_version *v, json_t *p,
                                          union sim__request *q, char *reason, size_t len)
{
    return v->get_profiles_parse(p, &q->get_profiles.request_id, &q->get_profiles.filter,
                                 &q->get_profiles.ids, reason, len);
}

static enum ocpp_error parse_report(const struct ocpp_version *v, json_t *p,
                                    union sim__request *q, char *reason, size_t len)
{
    return v->report_parse(p, &q->report.request_id, &q->report.base, reason, len);
}

static enum ocpp_error parse_remote_stop(const struct ocpp_version *v, json_t *p,
                                         union sim__request *q, char *reason, size_t len)
{
    return v->remote_stop_parse(p, q->tx_id, sizeof q->tx_id, reason, len);
}

/* ---- the handlers of the station itself ---- */

/* Reset: accepted for the whole charge point (an EVSE alone: Rejected). The answer is
 * written, the websocket closed, and the charger reconnects and boots again (2.0.1
 * reason RemoteReset), as a real one does after a reboot. */
static enum sim__next csms_reset(struct sim_charger *ch, json_t *payload,
                                 const union sim__request *req, struct sim__reply *r)
{
    const struct ocpp_reset_req *q = &req->reset;

    if (q->evse_id != 0)
        return sim__reply_status(r, "Rejected");
    if (q->kind == OCPP_RESET_SOFT && ch->version->soft_reset_waits && sim__tx_count(ch, -1)) {
        /* 2.0.1 OnIdle: Scheduled, the reboot comes when the last session has ended */
        ch->reset_when_idle = 1;
        CF_CLOG_INFO(ch->identity, "reset scheduled: once the sessions have ended");
        return sim__reply_status(r, "Scheduled");
    }
    CF_CLOG_INFO(ch->identity, "%s reset requested by the CSMS: rebooting",
                 q->kind == OCPP_RESET_HARD ? "hard" : "soft");
    sim__tx_end_all(ch, q->kind == OCPP_RESET_HARD ? OCPP_CAUSE_HARD_RESET
                                                  : OCPP_CAUSE_SOFT_RESET);
    sim__reply_status(r, "Accepted");
    return SIM__NEXT_REBOOT;
}

/* TriggerMessage: BootNotification, Heartbeat, StatusNotification, MeterValues,
 * (2.0.1) TransactionEvent, the firmware and diagnostics / log status are sent after the
 * answer; the certificate messages are answered NotImplemented. */
static enum sim__next csms_trigger(struct sim_charger *ch, json_t *payload,
                                   const union sim__request *req, struct sim__reply *r)
{
    const struct ocpp_trigger_req *q = &req->trigger;

    switch (q->what) {
    case OCPP_TRIGGER_OTHER:
        return sim__reply_status(r, "NotImplemented");
    case OCPP_TRIGGER_BOOT:
        sim__reply_status(r, "Accepted");
        return SIM__NEXT_BOOT;
    case OCPP_TRIGGER_HEARTBEAT:
        sim__call(ch, OCPP_ACTION_HEARTBEAT, ch->version->heartbeat_request());
        return sim__reply_status(r, "Accepted");
    case OCPP_TRIGGER_STATUS:
    case OCPP_TRIGGER_METER_VALUES:
    case OCPP_TRIGGER_TX_EVENT: {
        int t = q->evse_id == 0 ? -1 : sim__find_target(ch, q->evse_id, q->connector_id);
        int sessions = q->what == OCPP_TRIGGER_TX_EVENT ? sim__tx_count(ch, t) : 1;
        if ((q->evse_id != 0 && t < 0) || sessions == 0)   /* no such EVSE, no session */
            return sim__reply_status(r, "Rejected");
        if (q->what == OCPP_TRIGGER_STATUS)
            sim__send_statuses(ch, t);
        else
            sim__tx_triggered(ch, t, q->what == OCPP_TRIGGER_TX_EVENT);
        return sim__reply_status(r, "Accepted");
    }
    case OCPP_TRIGGER_FIRMWARE_STATUS:
    case OCPP_TRIGGER_DIAG_STATUS:       /* nothing running: Idle */
        sim__call(ch, q->what == OCPP_TRIGGER_FIRMWARE_STATUS ? OCPP_ACTION_FIRMWARE_STATUS
                                                              : OCPP_ACTION_DIAGNOSTICS_STATUS,
                  ocpp_progress_payload("Idle", -1));
        return sim__reply_status(r, "Accepted");
    }
    return sim__reply_status(r, "NotImplemented");
}

/* ChangeAvailability: the whole charge point or one connector / EVSE becomes
 * (in)operative; its StatusNotification says Unavailable / Available. A connector in a
 * session is Scheduled: it becomes Inoperative when the session ends. */
static enum sim__next csms_availability(struct sim_charger *ch, json_t *payload,
                                        const union sim__request *req, struct sim__reply *r)
{
    const struct ocpp_unit_req *q = &req->unit;
    int t = q->evse_id == 0 ? -1 : sim__find_target(ch, q->evse_id, q->connector_id);

    if (q->evse_id != 0 && t < 0)
        return sim__reply_status(r, "Rejected");
    uint64_t bits = t < 0 ? ~UINT64_C(0) : UINT64_C(1) << t, busy = 0;
    for (int i = 0; i < SIM_MAX_TARGETS; i++)
        busy |= (bits >> i & 1) && sim__conn_busy(ch, i) ? UINT64_C(1) << i : 0;
    if (q->operative) {
        ch->unavailable &= ~bits;
        ch->unavailable_pending &= ~bits;
    } else {       /* a connector in a session becomes Inoperative when it ends */
        ch->unavailable |= bits & ~busy;
        ch->unavailable_pending |= busy;
    }
    for (int i = 0; i < SIM_MAX_TARGETS; i++) {
        if ((bits >> i & 1) && !(busy >> i & 1))
            sim__send_statuses(ch, i);
    }
    return sim__reply_status(r, !q->operative && busy ? "Scheduled" : "Accepted");
}

/* UnlockConnector: no cable is locked while no session runs: Unlocked. During a
 * session 1.6 stops it and unlocks; 2.0.1 refuses (OngoingAuthorizedTransaction). */
static enum sim__next csms_unlock(struct sim_charger *ch, json_t *payload,
                                  const union sim__request *req, struct sim__reply *r)
{
    const struct ocpp_unit_req *q = &req->unit;
    int t = q->evse_id > 0 ? sim__find_target(ch, q->evse_id, q->connector_id) : -1;

    if (t >= 0 && sim__conn_busy(ch, t) && ch->version->unlock_busy)
        return sim__reply_status(r, ch->version->unlock_busy);
    if (t >= 0)                /* 1.6: unlocking ends the session */
        sim__tx_end(ch, t, OCPP_CAUSE_UNLOCK);
    return sim__reply_status(r, t < 0 ? ch->version->unlock_unknown : "Unlocked");
}

/* ClearCache: there is no authorization cache yet, so it is clear. */
static enum sim__next csms_clear_cache(struct sim_charger *ch, json_t *payload,
                                       const union sim__request *req, struct sim__reply *r)
{
    return sim__reply_status(r, "Accepted");
}

/* DataTransfer: no vendor extension is known to this charge point. */
static enum sim__next csms_data_transfer(struct sim_charger *ch, json_t *payload,
                                         const union sim__request *req, struct sim__reply *r)
{
    if (!json_is_string(json_object_get(payload, "vendorId")))
        return sim__reply_error(r, OCPP_ERR_OCCURRENCE_CONSTRAINT, "vendorId: required");
    return sim__reply_status(r, "UnknownVendorId");
}

/* GetConfiguration / GetVariables, ChangeConfiguration / SetVariables: the version reads
 * and changes the station's settings. */
static enum sim__next csms_config_get(struct sim_charger *ch, json_t *payload,
                                      const union sim__request *req, struct sim__reply *r)
{
    const struct ocpp_config_access a = sim__config_access(ch);
    r->result = ch->version->config_get(payload, &a, &r->error, r->reason, sizeof r->reason);
    return SIM__NEXT_NONE;
}

static enum sim__next csms_config_set(struct sim_charger *ch, json_t *payload,
                                      const union sim__request *req, struct sim__reply *r)
{
    const struct ocpp_config_access a = sim__config_access(ch);
    r->result = ch->version->config_set(payload, &a, &r->error, r->reason, sizeof r->reason);
    return SIM__NEXT_NONE;
}

/* GetBaseReport (2.0.1): Accepted, then the device model in NotifyReport parts of
 * REPORT_PART items (tbc on every part but the last, seqNo from 0). */
#define REPORT_PART 8
static enum sim__next csms_base_report(struct sim_charger *ch, json_t *payload,
                                       const union sim__request *req, struct sim__reply *r)
{
    const struct ocpp_config_access a = sim__config_access(ch);
    char ts[25];
    json_t *all = ch->version->report_data(&a, req->report.base);
    size_t n = json_array_size(all);

    cf_now_rfc3339(ts);
    for (size_t i = 0, seq = 0; i < n; i += REPORT_PART, seq++) {
        json_t *part = json_array();
        for (size_t k = i; k < i + REPORT_PART && k < n; k++)
            json_array_append(part, json_array_get(all, k));
        sim__call(ch, OCPP_ACTION_NOTIFY_REPORT,
                  ch->version->notify_report(req->report.request_id, ts, (int)seq,
                                             i + REPORT_PART < n, part));
    }
    json_decref(all);
    return sim__reply_status(r, "Accepted");
}

/* The calls a charge point answers, by action: the version's parser (NULL: the handler
 * reads the payload itself) and the handler. An action without a row is answered
 * NotImplemented. */
static const struct {
    parse_fn parse;
    sim__handler handle;
} handlers[OCPP_ACTION__COUNT] = {
    [OCPP_ACTION_RESET] = {parse_reset, csms_reset},
    [OCPP_ACTION_TRIGGER_MESSAGE] = {parse_trigger, csms_trigger},
    [OCPP_ACTION_CHANGE_AVAILABILITY] = {parse_availability, csms_availability},
    [OCPP_ACTION_UNLOCK_CONNECTOR] = {parse_unlock, csms_unlock},
    [OCPP_ACTION_CLEAR_CACHE] = {NULL, csms_clear_cache},
    [OCPP_ACTION_DATA_TRANSFER] = {NULL, csms_data_transfer},
    [OCPP_ACTION_GET_CONFIG] = {NULL, csms_config_get},
    [OCPP_ACTION_SET_CONFIG] = {NULL, csms_config_set},
    [OCPP_ACTION_GET_BASE_REPORT] = {parse_report, csms_base_report},
    [OCPP_ACTION_SET_CHARGING_PROFILE] = {parse_set_profile, sim__profile_csms_set},
    [OCPP_ACTION_CLEAR_CHARGING_PROFILE] = {parse_clear_profile, sim__profile_csms_clear},
    [OCPP_ACTION_GET_COMPOSITE_SCHEDULE] = {parse_composite, sim__profile_csms_composite},
    [OCPP_ACTION_GET_CHARGING_PROFILES] = {parse_get_profiles, sim__profile_csms_get},
    [OCPP_ACTION_RESERVE_NOW] = {parse_reserve, sim__reserve_csms_reserve},
    [OCPP_ACTION_CANCEL_RESERVATION] = {NULL, sim__reserve_csms_cancel},
    [OCPP_ACTION_SEND_LOCAL_LIST] = {parse_local_list, sim__local_csms_send},
    [OCPP_ACTION_GET_LOCAL_LIST_VERSION] = {NULL, sim__local_csms_version},
    [OCPP_ACTION_UPDATE_FIRMWARE] = {parse_firmware, sim__progress_csms_firmware},
    [OCPP_ACTION_GET_DIAGNOSTICS] = {parse_diagnostics, sim__progress_csms_diagnostics},
    [OCPP_ACTION_REMOTE_START] = {parse_remote_start, sim__tx_csms_remote_start},
    [OCPP_ACTION_REMOTE_STOP] = {parse_remote_stop, sim__tx_csms_remote_stop},
};

/* Runs the handler of a known action: parse (its CallError), act, reply. The CALLs the
 * handler queues wait until its answer is written (the queue is corked). */
static enum sim__next handle(struct sim_charger *ch, int a, const struct ocpp_frame *f)
{
    union sim__request req;
    struct sim__reply r = {NULL, OCPP_ERR_GENERIC, ""};
    enum sim__next next = SIM__NEXT_NONE;
    enum ocpp_error e = OCPP_ERR_NONE;

    if (handlers[a].parse)
        e = handlers[a].parse(ch->version, f->payload, &req, r.reason, sizeof r.reason);
    if (e != OCPP_ERR_NONE) {
        sim__answer_error(ch, f->id, e, r.reason);
        return SIM__NEXT_NONE;
    }
    ch->rpc.corked++;
    next = handlers[a].handle(ch, f->payload, &req, &r);
    if (r.result)
        sim__answer(ch, f->id, r.result);
    else
        sim__answer_error(ch, f->id, r.error, r.reason);
    ch->rpc.corked--;
    sim__rpc_pump(&ch->rpc);
    return next;
}

static enum sim__next dispatch_call(struct sim_charger *ch, const struct ocpp_frame *f)
{
    enum sim__next next = SIM__NEXT_NONE;
    int a = ocpp_action_by_name(ch->version, f->action);

    ch->in_action = f->action;         /* for the log of the answer */
    if (ch->rt->ev.csms_call &&
        ch->rt->ev.csms_call(ch, f->action, f->id, f->payload, ch->rt->ev_arg)) {
        /* the owner answered in the charger's place */
    } else if (a >= 0 && handlers[a].handle) {   /* rows only for CSMS-to-CP actions */
        next = handle(ch, a, f);
    } else {
        /* Not implemented yet: say so, never stay silent (the CSMS would otherwise
         * wait for its own timeout). */
        char desc[160];
        snprintf(desc, sizeof desc, "%s is not implemented by this charge point", f->action);
        sim__answer_error(ch, f->id, OCPP_ERR_NOT_IMPLEMENTED, desc);
    }
    ch->in_action = NULL;
    return next;
}

/* A CALLRESULT / CALLERROR: the outstanding CALL (out) completes (sim_rpc.c routes it
 * to the CALL's callback by message id). */
static enum sim__next dispatch_answer(struct sim_charger *ch, const struct sim_call *out,
                                      const struct ocpp_frame *f, uint64_t parsed_ns)
{
    if (!out) {
        CF_CLOG_WARN(ch->identity, "response to unknown message id %s dropped", f->id);
        return SIM__NEXT_NONE;
    }
    if (f->type == OCPP_CALLERROR) {
        sim_metrics_call_error(&ch->rt->m, "in", f->error_code);
        CF_CLOG_WARN(ch->identity, "%s answered CallError %s: %s",
                     ocpp_action_name(ch->version, out->action), f->error_code,
                     f->error_description);
    }
    sim__rpc_answer(&ch->rpc, f, parsed_ns);
    return SIM__NEXT_DRAINED;
}

enum sim__next sim__dispatch_message(struct sim_charger *ch, const char *buf, size_t len)
{
    struct ocpp_frame f;
    char reason[160];
    enum sim__next next = SIM__NEXT_NONE;

    CF_CLOG_DEBUG(ch->identity, "<- %.*s", (int)len, buf);
    enum ocpp_error e = ocpp_frame_parse(buf, len, &f, reason, sizeof reason);
    uint64_t parsed_ns = e == OCPP_ERR_NONE && f.type != OCPP_CALL ? uv_hrtime() : 0;
    const struct sim_call *out = e == OCPP_ERR_NONE && f.type != OCPP_CALL
                                     ? sim__rpc_outstanding(&ch->rpc, f.id) : NULL;
    sim__log_frame(ch, "in", e != OCPP_ERR_NONE ? NULL : f.type == OCPP_CALL ? f.action
                             : out ? ocpp_action_name(ch->version, out->action) : NULL,
                   f.id, buf, len);
    if (e != OCPP_ERR_NONE) {
        CF_CLOG_WARN(ch->identity, "malformed frame from CSMS: %s", reason);
        if (f.id[0])
            sim__answer_error(ch, f.id, e, reason);
        return SIM__NEXT_NONE;
    }
    switch (f.type) {
    case OCPP_CALL:
        next = dispatch_call(ch, &f);
        break;
    case OCPP_CALLRESULT:
    case OCPP_CALLERROR:
        next = dispatch_answer(ch, out, &f, parsed_ns);
        break;
    }
    ocpp_frame_clear(&f);
    return next;
}
