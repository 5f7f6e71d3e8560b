/* A charger's live state as JSON (GET /ocpp/chargers/{charger_id} shows what the runtime
 * last wrote): its connection, each connector with its session and energy (brought up
 * to now), its charging profiles, its configuration and message queue. */
#include "sim_live.h"

#include "sim_profile.h"
#include "sim_station.h"
#include "sim_tx.h"

#include <stdio.h>

static const char *status_name(enum ocpp_connector_status st)
{
    switch (st) {
    case OCPP_CONN_AVAILABLE: return "Available";
    case OCPP_CONN_PREPARING: return "Preparing";
    case OCPP_CONN_CHARGING: return "Charging";
    case OCPP_CONN_SUSPENDED_EV: return "SuspendedEV";
    case OCPP_CONN_SUSPENDED_EVSE: return "SuspendedEVSE";
    case OCPP_CONN_FINISHING: return "Finishing";
    case OCPP_CONN_RESERVED: return "Reserved";
    case OCPP_CONN_UNAVAILABLE: return "Unavailable";
    case OCPP_CONN_FAULTED: return "Faulted";
    }
    return "Unknown";
}

static const char *connection_name(enum sim_state st)
{
    switch (st) {
    case SIM_BOOTING:
    case SIM_ACCEPTED: return "connected";
    case SIM_QUEUED:
    case SIM_CONNECTING: return "connecting";
    case SIM_IDLE:
    case SIM_STOPPING: return "disconnected";
    }
    return "disconnected";
}

static json_t *connector(const struct sim_charger *ch, int t)
{
    const struct sim_conn *c = ch->meter && t < ch->meter->n ? &ch->meter->conn[t] : NULL;
    double energy = c ? sim__tx_energy_now(ch, t) : 0;
    json_t *o = json_pack("{s:i,s:s,s:f}", "connector_id", sim__unit_id(ch, t), "status",
                          status_name(sim__conn_status(ch, t)), "energy_wh", energy);

    if (c && c->tx) {
        char at[25];
        ocpp_time_format(c->tx->started_at, at);
        json_object_set_new(o, "power_w", json_real(c->power_w));
        json_t *tx = json_pack("{s:s,s:s,s:s,s:f}", "transaction_id", c->tx->id, "id_tag",
                               c->tx->id_tag, "started_at", at, "energy_wh",
                               energy - c->tx->start_wh);
        if (ch->dc)
            json_object_set_new(tx, "soc", json_integer((json_int_t)c->tx->soc));
        json_object_set_new(o, "transaction", tx);
    }
    if (c && c->res_active) {
        char at[25];
        ocpp_time_format(c->res_expiry, at);
        json_object_set_new(o, "reservation", json_pack("{s:i,s:s,s:s}", "reservation_id",
                                                        c->res_id, "id_tag", c->res_tag,
                                                        "expires_at", at));
    }
    return o;
}

json_t *sim_charger_live(const struct sim_charger *ch)
{
    static const char *const purposes[] = {"ChargePointMaxProfile", "TxDefaultProfile",
                                           "TxProfile"};
    struct ocpp_status_target all[SIM_MAX_TARGETS];
    int n = sim__targets(ch, all);
    json_t *conns = json_array(), *profiles = json_array(), *config = json_object();

    for (int t = 0; t < n; t++) {
        if (all[t].connector_id > 0)     /* 1.6 connector 0 is the charge point itself */
            json_array_append_new(conns, connector(ch, t));
    }
    for (const struct sim_profile *p = ch->profiles; p; p = p->next)
        json_array_append_new(profiles, json_pack("{s:i,s:s,s:i,s:i}", "id", p->p.id,
                                                  "purpose", purposes[p->p.purpose],
                                                  "stack_level", p->p.stack_level,
                                                  "connector_id", p->p.evse_id));
    /* the configuration the CSMS (or a REST command) changed; the rest is the defaults
     * GetConfiguration shows */
    for (const struct sim_setting *st = ch->settings; st; st = st->next) {
        const struct ocpp_config_key *k = &ocpp_config_keys[st->id];
        json_object_set_new(config, k->key16 ? k->key16 : k->variable, json_string(st->value));
    }
    json_t *live = json_pack("{s:s,s:b,s:i,s:o,s:i}", "connection", connection_name(ch->state),
                             "booted", ch->state == SIM_ACCEPTED, "heartbeat_interval",
                             ch->heartbeat_s, "connectors", conns, "queued_messages",
                             ch->rpc.queued);
    /* what is usually empty is left out */
    if (json_array_size(profiles))
        json_object_set(live, "charging_profiles", profiles);
    if (json_object_size(config))
        json_object_set(live, "configuration_changed", config);
    if (ch->local_version)
        json_object_set_new(live, "local_list_version", json_integer(ch->local_version));
    if (ch->rpc.dropped)
        json_object_set_new(live, "dropped_messages", json_integer((json_int_t)ch->rpc.dropped));
    json_decref(profiles);
    json_decref(config);
    if (ch->last_error)
        json_object_set_new(live, "last_error", json_string(ch->last_error));
    return live;
}

/* Nothing is said while the charger only boots (the owner shows the boot state from
 * what it knows: connected, every connector Available): a fleet booting writes no live
 * states. Once something changed, every change is said. */
