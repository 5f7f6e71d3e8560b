/* Reservations: ReserveNow holds a connector for one id until it expires, is cancelled
 * (CancelReservation) or used by that id's session; meanwhile the connector is Reserved
 * and takes no other session. On expiry it is Available again (2.0.1 also sends
 * ReservationStatusUpdate Expired). */
#include "sim_reserve.h"

#include <stdio.h>
#include <string.h>

#include "cf_log.h"

static void expiry_cb(uv_timer_t *timer);

/* Arms the timer at the next expiry (or stops it). */
static void rearm(struct sim_charger *ch)
{
    double next = 0;

    for (int t = 0; t < ch->meter->n; t++) {
        struct sim_conn *c = &ch->meter->conn[t];
        if (c->res_active && (!next || c->res_expiry < next))
            next = c->res_expiry;
    }
    if (!next) {
        uv_timer_stop(&ch->meter->res_timer);
        return;
    }
    double in = next - sim__wall_now();
    uv_timer_start(&ch->meter->res_timer, expiry_cb, in > 0 ? (uint64_t)(in * 1000) + 1 : 0, 0);
}

static void clear(struct sim_charger *ch, int t)
{
    ch->meter->conn[t].res_active = 0;
    ch->meter->conn[t].res_tag[0] = '\0';
}

static void expiry_cb(uv_timer_t *timer)
{
    struct sim_charger *ch = timer->data;
    double now = sim__wall_now();

    for (int t = 0; t < ch->meter->n; t++) {
        struct sim_conn *c = &ch->meter->conn[t];
        if (!c->res_active || c->res_expiry > now)
            continue;
        CF_CLOG_INFO(ch->identity, "reservation %d expired", c->res_id);
        clear(ch, t);
        if (ch->version->reservation_expired)
            sim__call(ch, OCPP_ACTION_RESERVATION_STATUS_UPDATE,
                      ch->version->reservation_expired(c->res_id));
        sim__send_status(ch, t, sim__conn_status(ch, t));
    }
    rearm(ch);
}

/* Where a reservation goes: the connector named, or (none named) the first that is
 * available; the status says why not. */
static int place(struct sim_charger *ch, int evse_id, const char **status)
{
    struct ocpp_status_target all[SIM_MAX_TARGETS];
    int n = sim__targets(ch, all);

    *status = "Accepted";
    if (evse_id > 0) {
        int t = sim__find_target(ch, evse_id, 0);
        if (t < 0) {
            *status = "Rejected";
            return -1;
        }
        enum ocpp_connector_status st = sim__conn_status(ch, t);
        if (st == OCPP_CONN_AVAILABLE)
            return t;
        *status = st == OCPP_CONN_FAULTED       ? "Faulted"
                  : st == OCPP_CONN_UNAVAILABLE ? "Unavailable"
                                                : "Occupied";
        return -1;
    }
    for (int t = 0; t < n; t++) {
        if (all[t].connector_id > 0 && sim__conn_status(ch, t) == OCPP_CONN_AVAILABLE)
            return t;
    }
    *status = "Occupied";
    return -1;
}

enum sim__next sim__reserve_csms_reserve(struct sim_charger *ch, json_t *payload,
                                        const union sim__request *req, struct sim__reply *rep)
{
    const struct ocpp_reserve_req r = req->reserve;
    const char *status;

    if (!ch->meter)
        sim__meter_alloc(ch);
    for (int t = 0; t < ch->meter->n; t++) {   /* the same id again replaces it */
        if (ch->meter->conn[t].res_active && ch->meter->conn[t].res_id == r.id) {
            clear(ch, t);
            sim__send_status(ch, t, sim__conn_status(ch, t));
        }
    }
    int t = r.expiry <= sim__wall_now() ? (status = "Rejected", -1) : place(ch, r.evse_id, &status);
    sim__reply_status(rep, status);
    if (t < 0)
        return SIM__NEXT_NONE;
    struct sim_conn *c = &ch->meter->conn[t];
    c->res_active = 1;
    c->res_id = r.id;
    c->res_expiry = r.expiry;
    snprintf(c->res_tag, sizeof c->res_tag, "%s", r.id_tag);
    sim__send_status(ch, t, OCPP_CONN_RESERVED);
    rearm(ch);
    return SIM__NEXT_NONE;
}

enum sim__next sim__reserve_csms_cancel(struct sim_charger *ch, json_t *payload,
                                       const union sim__request *req, struct sim__reply *r)
{
    json_t *id = json_object_get(payload, "reservationId");

    if (!json_is_integer(id))
        return sim__reply_error(r, id ? OCPP_ERR_TYPE_CONSTRAINT : OCPP_ERR_OCCURRENCE_CONSTRAINT,
                                "reservationId: an integer");
    for (int t = 0; ch->meter && t < ch->meter->n; t++) {
        struct sim_conn *c = &ch->meter->conn[t];
        if (c->res_active && c->res_id == json_integer_value(id)) {
            clear(ch, t);
            sim__reply_status(r, "Accepted");
            sim__send_status(ch, t, sim__conn_status(ch, t));
            rearm(ch);
            return SIM__NEXT_NONE;
        }
    }
    return sim__reply_status(r, "Rejected");
}

int sim__reservation_use(struct sim_charger *ch, int t, const char *id_tag)
{
    struct sim_conn *c = &ch->meter->conn[t];

    if (!c->res_active || strcmp(c->res_tag, id_tag) != 0)
        return -1;
    int id = c->res_id;
    clear(ch, t);
    rearm(ch);
    return id;
}
