/* Smart charging at the charge point: the charging profiles the CSMS installs
 * (SetChargingProfile, RemoteStart's TxProfile), cleared by ClearChargingProfile or at
 * the end of their session, their composite schedule (GetCompositeSchedule), and the
 * limit they put on a session's power right now (sim_tx.c asks). */
#include "sim_profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cf_log.h"

#define MAX_PROFILES 64


/* The id profiles use for status target t: 1.6 connectorId, 2.0.1 evseId. */
int sim__unit_id(const struct sim_charger *ch, int t)
{
    struct ocpp_status_target all[SIM_MAX_TARGETS];
    int n = sim__targets(ch, all);
    return t < 0 || t >= n ? -1 : all[t].evse_id ? all[t].evse_id : all[t].connector_id;
}

static struct ocpp_supply supply_of(const struct sim_charger *ch)
{
    struct ocpp_supply s = {ch->dc ? 400.0 : 230.0, ch->dc ? 0 : 3};
    return s;
}

static int gather(const struct sim_charger *ch, const struct ocpp_profile **out)
{
    int n = 0;
    for (const struct sim_profile *sp = ch->profiles; sp && n < MAX_PROFILES; sp = sp->next)
        out[n++] = &sp->p;
    return n;
}

double sim__profile_limit_w(const struct sim_charger *ch, int t, const struct sim_tx *tx)
{
    const struct ocpp_profile *ps[MAX_PROFILES];
    int n = gather(ch, ps);
    struct ocpp_supply s = supply_of(ch);

    if (n == 0)
        return -1;
    return ocpp_composite_w(ps, n, sim__unit_id(ch, t), tx ? tx->id : NULL,
                            tx ? tx->started_at : 0, sim__wall_now(), &s);
}

static void drop_where(struct sim_charger *ch, int (*match)(const struct ocpp_profile *p,
                                                            const void *arg),
                       const void *arg, int *removed)
{
    for (struct sim_profile **pp = &ch->profiles; *pp;) {
        if (match(&(*pp)->p, arg)) {
            struct sim_profile *gone = *pp;
            *pp = gone->next;
            json_decref(gone->raw);
            free(gone);
            (*removed)++;
        } else {
            pp = &(*pp)->next;
        }
    }
}

/* A new profile replaces the one with its id, and the one with its purpose, stack
 * level and connector. */
static int replaced_by(const struct ocpp_profile *p, const void *arg)
{
    const struct ocpp_profile *n = arg;
    return p->id == n->id || (p->purpose == n->purpose && p->stack_level == n->stack_level &&
                              p->evse_id == n->evse_id);
}

static int matches_filter(const struct ocpp_profile *p, const void *arg)
{
    const struct ocpp_profile_filter *f = arg;
    return (f->id < 0 || p->id == f->id) && (f->evse_id < 0 || p->evse_id == f->evse_id) &&
           (f->purpose < 0 || (int)p->purpose == f->purpose) &&
           (f->stack_level < 0 || p->stack_level == f->stack_level);
}

static int tx_profile_of(const struct ocpp_profile *p, const void *arg)
{
    return p->purpose == OCPP_PURPOSE_TX && p->evse_id == *(const int *)arg;
}

/* Why the charger refuses a well-formed profile, or NULL. */
static const char *refusal(struct sim_charger *ch, const struct ocpp_profile *p)
{
    int t = p->evse_id > 0 ? sim__find_target(ch, p->evse_id, 0) : -1;

    if (p->evse_id > 0 && t < 0)
        return "no such connector";
    if (p->purpose == OCPP_PURPOSE_MAX && p->evse_id != 0)
        return "a charge point maximum profile applies to connector 0 only";
    if (p->purpose == OCPP_PURPOSE_TX && (p->evse_id == 0 || !sim__conn_busy(ch, t)))
        return "a TxProfile needs a session on its connector";
    if (p->purpose == OCPP_PURPOSE_TX && p->tx_id[0] &&
        strcmp(p->tx_id, sim__conn_tx_id(ch, t)) != 0)
        return "a TxProfile for another transaction";
    if (p->kind == OCPP_KIND_RECURRING && !p->start)
        return "a recurring profile needs startSchedule";
    if (p->periods[0].start_s != 0)
        return "the first period starts at 0";
    for (int i = 1; i < p->n_periods; i++) {
        if (p->periods[i].start_s <= p->periods[i - 1].start_s)
            return "periods must start in increasing order";
    }
    for (int i = 0; i < p->n_periods; i++) {
        if (p->periods[i].limit < 0)
            return "limits are >= 0";
    }
    return NULL;
}

/* Installs p (copied) unless refused; returns the refusal or NULL. */
const char *sim__profile_install(struct sim_charger *ch, const struct ocpp_profile *p,
                                json_t *raw)
{
    const char *why = refusal(ch, p);
    int removed = 0, n = 0;

    if (why)
        return why;
    drop_where(ch, replaced_by, p, &removed);
    for (struct sim_profile *sp = ch->profiles; sp; sp = sp->next)
        n++;
    if (n >= MAX_PROFILES)
        return "too many charging profiles installed";
    struct sim_profile *sp = malloc(sizeof *sp);
    if (!sp)
        return "out of memory";
    sp->p = *p;
    sp->raw = json_incref(raw);
    sp->next = ch->profiles;
    ch->profiles = sp;
    CF_CLOG_INFO(ch->identity, "charging profile %d installed (purpose %d, level %d, unit %d)",
                p->id, (int)p->purpose, p->stack_level, p->evse_id);
    ch->hooks->limits_changed(ch);
    sim__touch(ch);
    return NULL;
}

void sim__profile_session_ended(struct sim_charger *ch, int t)
{
    int unit = sim__unit_id(ch, t), removed = 0;
    drop_where(ch, tx_profile_of, &unit, &removed);
}

enum sim__next sim__profile_csms_set(struct sim_charger *ch, json_t *payload,
                                    const union sim__request *req, struct sim__reply *r)
{
    const struct ocpp_profile *p = &req->profile;
    const char *why = sim__profile_install(ch, p, ch->version->set_profile_object(payload));

    if (why)
        CF_CLOG_INFO(ch->identity, "SetChargingProfile %d rejected: %s", p->id, why);
    return sim__reply_status(r, why ? "Rejected" : "Accepted");
}

enum sim__next sim__profile_csms_clear(struct sim_charger *ch, json_t *payload,
                                      const union sim__request *req, struct sim__reply *r)
{
    struct ocpp_profile_filter flt = req->filter;
    int removed = 0;

    drop_where(ch, matches_filter, &flt, &removed);
    if (removed) {
        ch->hooks->limits_changed(ch);
        sim__touch(ch);
    }
    return sim__reply_status(r, removed ? "Accepted" : "Unknown");
}

enum sim__next sim__profile_csms_composite(struct sim_charger *ch, json_t *payload,
                                          const union sim__request *req,
                                          struct sim__reply *r)
{
    const struct ocpp_profile *ps[MAX_PROFILES];
    struct ocpp_period out[OCPP_MAX_PERIODS];
    int evse = req->composite.evse_id, duration = req->composite.duration;
    int amps = req->composite.amps;
    char start[25];

    int t = evse > 0 ? sim__find_target(ch, evse, 0) : -1;
    if (evse > 0 && t < 0)
        return sim__reply_status(r, "Rejected");
    const struct sim_tx *tx = t >= 0 ? sim__conn_tx(ch, t) : NULL;
    struct ocpp_supply s = supply_of(ch);
    double now = sim__wall_now();
    double max_w = evse > 0 ? ch->max_power_w : ch->max_power_w * ch->connectors;
    int n = ocpp_composite_schedule(ps, gather(ch, ps), evse, tx ? tx->id : NULL,
                                    tx ? tx->started_at : 0, now, duration, amps, max_w, &s,
                                    out, OCPP_MAX_PERIODS);
    ocpp_time_format(now, start);
    r->result = ch->version->composite_answer(evse, start, duration, amps, out, n);
    return SIM__NEXT_NONE;
}

/* GetChargingProfiles (2.0.1): Accepted and one ReportChargingProfiles per EVSE with
 * matching profiles (tbc on all but the last), or NoProfiles. */
enum sim__next sim__profile_csms_get(struct sim_charger *ch, json_t *payload,
                                    const union sim__request *req, struct sim__reply *r)
{
    struct ocpp_profile_filter flt = req->get_profiles.filter;
    json_t *ids = req->get_profiles.ids, *by_evse = json_object();
    int request_id = req->get_profiles.request_id;
    char key[16];

    for (const struct sim_profile *sp = ch->profiles; sp; sp = sp->next) {
        int wanted = !ids;
        size_t i;
        json_t *x;
        json_array_foreach(ids, i, x) wanted |= json_integer_value(x) == sp->p.id;
        if (!wanted || !matches_filter(&sp->p, &flt) || !sp->raw)
            continue;
        snprintf(key, sizeof key, "%d", sp->p.evse_id);
        json_t *list = json_object_get(by_evse, key);
        if (!list)
            json_object_set_new(by_evse, key, list = json_array());
        json_array_append(list, sp->raw);
    }
    size_t left = json_object_size(by_evse);
    sim__reply_status(r, left ? "Accepted" : "NoProfiles");
    const char *k;
    json_t *list;
    json_object_foreach(by_evse, k, list) {
        left--;
        sim__call(ch, OCPP_ACTION_REPORT_CHARGING_PROFILES,
                  ch->version->report_profiles(request_id, atoi(k), json_incref(list), left > 0));
    }
    json_decref(by_evse);
    return SIM__NEXT_NONE;
}

void sim__profile_free(struct sim_charger *ch)
{
    while (ch->profiles) {
        struct sim_profile *next = ch->profiles->next;
        json_decref(ch->profiles->raw);
        free(ch->profiles);
        ch->profiles = next;
    }
}
