/* Commands a user gives a charge point over REST (POST /ocpp/commands/{command}): what
 * a driver, a car or an operator does at the charger. Each is carried out at once on
 * the loop; its OCPP messages follow in order (queued while the CSMS is away). */
#include "sim_charger.h"

#include <stdio.h>
#include <string.h>

#include "cf_log.h"
#include "ocpp_schema.h"
#include "sim_autogen.h"
#include "sim_profile.h"
#include "sim_tx.h"

struct cmd_ctx {
    struct sim_charger *ch;
    json_t *args;
    json_t *result;
    char *err;
    size_t n;
};

static int fail(struct cmd_ctx *c, const char *fmt, const char *a)
{
    snprintf(c->err, c->n, fmt, a);
    return -1;
}

/* The connector argument (1.6 connectorId / 2.0.1 evseId) as a status target index;
 * -2 when absent (every connector), -1 when the charger has no such connector. */
static int target_arg(struct cmd_ctx *c)
{
    json_t *v = json_object_get(c->args, "connector_id");
    return v ? sim__find_target(c->ch, (int)json_integer_value(v), 0) : -2;
}

static int cmd_start(struct cmd_ctx *c)
{
    const char *tag = json_string_value(json_object_get(c->args, "id_tag"));
    const char *type = json_string_value(json_object_get(c->args, "id_type"));
    json_t *v = json_object_get(c->args, "connector_id");
    int t = sim__tx_free_target(c->ch, v ? (int)json_integer_value(v) : 0,
                               tag ? tag : "CHARGEFLEET");

    if (t < 0)
        return fail(c, "%s", v ? "connector_id: that connector cannot start a session now "
                                 "(in a session, unavailable or faulted)"
                               : "no connector is free for a session");
    struct ocpp_status_target all[SIM_MAX_TARGETS];
    sim__targets(c->ch, all);
    int how = sim__tx_start_local(c->ch, t, tag ? tag : "CHARGEFLEET",
                                 type ? type : "ISO14443");
    if (how < 0)
        return fail(c, "%s", "the CSMS is away and the local authorization list does not "
                             "accept this id (LocalAuthorizeOffline)");
    c->result = json_pack("{s:s,s:i}", "status", how ? "Started" : "Authorizing",
                          "connector_id", all[t].evse_id ? all[t].evse_id : all[t].connector_id);
    return 0;
}

static int cmd_stop(struct cmd_ctx *c)
{
    const char *id = json_string_value(json_object_get(c->args, "transaction_id"));
    int t = target_arg(c), stopped = 0;
    struct sim_meter *m = c->ch->meter;

    if (t == -1)
        return fail(c, "%s", "connector_id: the charger has no such connector");
    for (int i = 0; m && i < m->n; i++) {
        struct sim_tx *tx = m->conn[i].tx;
        if (!tx || (t >= 0 && i != t) || (id && strcmp(tx->id, id) != 0))
            continue;
        sim__tx_end(c->ch, i, OCPP_CAUSE_LOCAL_STOP);
        stopped++;
    }
    if (!stopped)
        return fail(c, "%s", "no session runs there");
    c->result = json_pack("{s:i}", "stopped", stopped);
    return 0;
}

static int cmd_authorize(struct cmd_ctx *c)
{
    const char *tag = json_string_value(json_object_get(c->args, "id_tag"));
    const char *type = json_string_value(json_object_get(c->args, "id_type"));

    if (!tag)
        return fail(c, "%s", "id_tag: required");
    sim__call(c->ch, OCPP_ACTION_AUTHORIZE,
              c->ch->version->authorize_request(tag, type ? type : "ISO14443"));
    c->result = json_pack("{s:s}", "sent", "Authorize");
    return 0;
}

/* A fault on one connector or the whole charger: its session ends, it says Faulted. */
static int cmd_fault(struct cmd_ctx *c, int on)
{
    struct ocpp_status_target all[SIM_MAX_TARGETS];
    int n = sim__targets(c->ch, all), t = target_arg(c);

    if (t == -1)
        return fail(c, "%s", "connector_id: the charger has no such connector");
    for (int i = 0; i < n; i++) {
        if (t >= 0 && i != t)
            continue;
        int was = (c->ch->faulted >> i) & 1;
        if (on) {
            sim__tx_end(c->ch, i, OCPP_CAUSE_FAULT);
            c->ch->faulted |= UINT64_C(1) << i;
        } else {
            c->ch->faulted &= ~(UINT64_C(1) << i);
        }
        sim__send_status(c->ch, i, sim__conn_status(c->ch, i));
        if (was != on && c->ch->version->notify_problem && all[i].evse_id > 0) {
            char ts[25];
            cf_now_rfc3339(ts);
            sim__call(c->ch, OCPP_ACTION_NOTIFY_EVENT, c->ch->version->notify_problem(
                          (int)++c->ch->event_seq, ts, &all[i], on));
        }
    }
    c->result = json_pack("{s:s}", "status", on ? "Faulted" : "cleared");
    return 0;
}

/* A setting by its 1.6 key or its 2.0.1 variable name (Component.Variable also). */
static int cmd_set_config(struct cmd_ctx *c)
{
    const char *key = json_string_value(json_object_get(c->args, "key"));
    const char *value = json_string_value(json_object_get(c->args, "value"));

    if (!key || !value)
        return fail(c, "%s: required", key ? "value" : "key");
    for (int id = 0; id < OCPP_CFG__COUNT; id++) {
        const struct ocpp_config_key *k = &ocpp_config_keys[id];
        char both[128] = "";
        if (k->component)
            snprintf(both, sizeof both, "%s.%s", k->component, k->variable);
        if (!(k->key16 && !strcmp(k->key16, key)) && !(k->variable && !strcmp(k->variable, key)) &&
            strcmp(both, key) != 0)
            continue;
        if (sim__setting_change(c->ch, (enum ocpp_config_id)id, value) != 0)
            return fail(c, "value: not accepted for %s (read-only, or not a valid value)", key);
        c->result = json_pack("{s:s,s:s}", "key", key, "value", value);
        return 0;
    }
    return fail(c, "key: unknown setting %.60s", key);
}

/* A power cycle: sessions end, the websocket closes and the charger boots again; one
 * waiting to reconnect (not accepted yet, or offline) connects now. */
static int cmd_restart(struct cmd_ctx *c)
{
    sim__tx_end_all(c->ch, OCPP_CAUSE_HARD_RESET);
    sim__reboot(c->ch, OCPP_BOOT_POWER_UP);
    if (c->ch->state == SIM_IDLE)
        sim_charger_retry(c->ch);
    c->result = json_pack("{s:s}", "status", "restarting");
    return 0;
}

/* Tries again now, backoff reset (sim_charger_retry); an accepted charger has nothing
 * to retry: done, and the answer says so. */
static int cmd_retry(struct cmd_ctx *c)
{
    if (c->ch->off)
        return fail(c, "%s", "the charger is switched off (start-runtime switches it on)");
    const char *now = sim_charger_retry(c->ch);
    c->result = now ? json_pack("{s:b,s:s}", "retried", 1, "status", now)
                    : json_pack("{s:b,s:s}", "retried", 0, "status", "accepted");
    return 0;
}

/* Any message the charger's version sends, with the caller's payload. */
static int cmd_proxy(struct cmd_ctx *c)
{
    const char *action = json_string_value(json_object_get(c->args, "action"));
    json_t *payload = json_object_get(c->args, "payload");
    const struct ocpp_action_def *a = ocpp_version_action(c->ch->version, action);

    if (!a)
        return fail(c, "action: %.60s is not a message of this charger's OCPP version",
                    action ? action : "(none)");
    if (a->direction == OCPP_CSMS_TO_CP)
        return fail(c, "action: %.60s is sent by the CSMS, not by a charge point", action);
    if (!json_is_object(payload))
        return fail(c, "%s", "payload: a JSON object");
    char why[256];
    if (ocpp_schema_check(c->ch->version, a->name, 1, payload, why, sizeof why) != 0)
        return fail(c, "not sent: %s (the OCPP schema of the message)", why);
    sim__call(c->ch, a->id, json_incref(payload));
    c->result = json_pack("{s:s}", "sent", a->name);
    return 0;
}

/* The session generator (template "sessions") on or off. */
static int cmd_generator(struct cmd_ctx *c, int on)
{
    if (sim__autogen_set(c->ch, on) != 0)
        return fail(c, "%s", "this charger has no session generator (template \"sessions\")");
    c->result = json_pack("{s:s}", "generator", on ? "running" : "stopped");
    return 0;
}

static int cmd_generator_on(struct cmd_ctx *c) { return cmd_generator(c, 1); }
static int cmd_generator_off(struct cmd_ctx *c) { return cmd_generator(c, 0); }
/* The connector the car side acts on: the one named, else the first connector. */
static int car_target(struct cmd_ctx *c)
{
    int t = target_arg(c);
    if (t == -2) {
        struct ocpp_status_target all[SIM_MAX_TARGETS];
        int n = sim__targets(c->ch, all);
        for (t = 0; t < n && all[t].connector_id == 0; t++)
            ;
        t = t < n ? t : -1;
    }
    return t;
}

static int cmd_car(struct cmd_ctx *c, const char *(*act)(struct sim_charger *, int, int),
                   int arg, const char *done)
{
    int t = car_target(c);
    if (t < 0)
        return fail(c, "%s", "connector_id: the charger has no such connector");
    const char *why = act(c->ch, t, arg);
    if (why)
        return fail(c, "%s", why);
    c->result = json_pack("{s:s,s:i}", "status", done, "connector_id", sim__unit_id(c->ch, t));
    return 0;
}

static int cmd_plug(struct cmd_ctx *c) { return cmd_car(c, sim__tx_cable, 1, "plugged"); }
static int cmd_unplug(struct cmd_ctx *c) { return cmd_car(c, sim__tx_cable, 0, "unplugged"); }
static int cmd_ev_suspend(struct cmd_ctx *c) { return cmd_car(c, sim__tx_ev_pause, 1, "suspended"); }
static int cmd_ev_resume(struct cmd_ctx *c) { return cmd_car(c, sim__tx_ev_pause, 0, "resumed"); }

/* The charger's power: off ends its sessions (PowerLoss) and closes its websocket for
 * good; on connects and boots again. */
static int cmd_power(struct cmd_ctx *c, int on)
{
    if (on == !c->ch->off)
        return fail(c, "%s", on ? "the charger is running" : "the charger is off already");
    if (!on)
        sim__tx_end_all(c->ch, OCPP_CAUSE_POWER_LOSS);
    sim__power(c->ch, on);
    c->result = json_pack("{s:s}", "status", on ? "starting" : "off");
    return 0;
}

static int cmd_stop_runtime(struct cmd_ctx *c) { return cmd_power(c, 0); }
static int cmd_start_runtime(struct cmd_ctx *c) { return cmd_power(c, 1); }
static int cmd_fault_on(struct cmd_ctx *c) { return cmd_fault(c, 1); }
static int cmd_fault_off(struct cmd_ctx *c) { return cmd_fault(c, 0); }

static const struct {
    const char *name;
    int (*fn)(struct cmd_ctx *c);
} commands[] = {
    {"start-session", cmd_start},
    {"stop-session", cmd_stop},
    {"authorize", cmd_authorize},
    {"set-configuration", cmd_set_config},
    {"restart", cmd_restart},
    {"retry", cmd_retry},
    {"proxy-message", cmd_proxy},
    {"inject-fault", cmd_fault_on},
    {"clear-fault", cmd_fault_off},
    {"start-generator", cmd_generator_on},
    {"stop-generator", cmd_generator_off},
    {"plug", cmd_plug},
    {"unplug", cmd_unplug},
    {"ev-suspend", cmd_ev_suspend},
    {"ev-resume", cmd_ev_resume},
    {"stop-runtime", cmd_stop_runtime},
    {"start-runtime", cmd_start_runtime},
};

int sim_charger_command(struct sim_charger *ch, const char *command, json_t *args,
                        json_t **result, char *err, size_t n)
{
    struct cmd_ctx c = {ch, args, NULL, err, n};
    size_t i = 0;

    *result = NULL;
    if (ch->state == SIM_STOPPING)
        return fail(&c, "%s", "the charger is stopping");
    while (i < sizeof commands / sizeof commands[0] && strcmp(commands[i].name, command))
        i++;
    if (i == sizeof commands / sizeof commands[0])
        return fail(&c, "unknown command %.60s", command);
    int rc = commands[i].fn(&c);
    if (rc == 0)
        CF_CLOG_INFO(ch->identity, "command %s carried out", command);
    *result = c.result;
    return rc;
}
