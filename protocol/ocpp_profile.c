#define _GNU_SOURCE   /* timegm */
#include "ocpp_profile.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double ocpp_time_parse(const char *s)
{
    struct tm tm;
    const char *end;
    double frac = 0;

    if (!s)
        return -1;
    memset(&tm, 0, sizeof tm);
    end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end)
        return -1;
    if (*end == '.') {
        char *e;
        frac = strtod(end, &e);
        end = e;
    }
    double t = (double)timegm(&tm) + frac;
    if (*end == 'Z' && !end[1])
        return t;
    if ((*end == '+' || *end == '-') && isdigit((unsigned char)end[1]) && strlen(end) == 6 &&
        end[3] == ':') {
        int off = ((end[1] - '0') * 10 + (end[2] - '0')) * 3600 +
                  ((end[4] - '0') * 10 + (end[5] - '0')) * 60;
        return *end == '+' ? t - off : t + off;
    }
    return *end ? -1 : t;
}

void ocpp_time_format(double t, char out[25])
{
    time_t s = (time_t)t;
    struct tm tm;
    gmtime_r(&s, &tm);
    size_t n = strftime(out, 25, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 25 - n, ".%03dZ", (int)((t - (double)s) * 1000) % 1000);
}

#define FAIL(kind, ...) (snprintf(reason, len, __VA_ARGS__), (kind))

static int name_index(const char *s, const char *const *names)
{
    for (int i = 0; s && names[i]; i++) {
        if (strcmp(names[i], s) == 0)
            return i;
    }
    return -1;
}

static enum ocpp_error read_time(json_t *obj, const char *key, double *out, char *reason,
                                 size_t len)
{
    json_t *v = json_object_get(obj, key);

    *out = 0;
    if (!v)
        return OCPP_ERR_NONE;
    *out = ocpp_time_parse(json_string_value(v));
    if (*out < 0)
        return FAIL(OCPP_ERR_FORMAT, "%s: an RFC 3339 date-time", key);
    return OCPP_ERR_NONE;
}

static enum ocpp_error read_schedule(json_t *sch, struct ocpp_profile *p, char *reason,
                                     size_t len)
{
    static const char *const units[] = {"W", "A", NULL};
    json_t *periods = json_object_get(sch, "chargingSchedulePeriod");
    json_t *duration = json_object_get(sch, "duration"), *x;
    int unit = name_index(json_string_value(json_object_get(sch, "chargingRateUnit")), units);
    size_t i;

    if (!json_is_object(sch))
        return FAIL(OCPP_ERR_OCCURRENCE_CONSTRAINT, "chargingSchedule: required");
    if (unit < 0)
        return FAIL(OCPP_ERR_PROPERTY_CONSTRAINT, "chargingSchedule.chargingRateUnit: W or A");
    if (!json_is_array(periods) || json_array_size(periods) == 0)
        return FAIL(OCPP_ERR_OCCURRENCE_CONSTRAINT,
                    "chargingSchedule.chargingSchedulePeriod: a non-empty array");
    if (json_array_size(periods) > OCPP_MAX_PERIODS)
        return FAIL(OCPP_ERR_OCCURRENCE_CONSTRAINT,
                    "chargingSchedule.chargingSchedulePeriod: at most %d periods",
                    OCPP_MAX_PERIODS);
    if (duration && !json_is_integer(duration))
        return FAIL(OCPP_ERR_TYPE_CONSTRAINT, "chargingSchedule.duration: an integer");
    p->amps = unit == 1;
    p->duration = duration ? (int)json_integer_value(duration) : 0;
    enum ocpp_error e = read_time(sch, "startSchedule", &p->start, reason, len);
    if (e != OCPP_ERR_NONE)
        return e;
    json_array_foreach(periods, i, x) {
        json_t *start = json_object_get(x, "startPeriod"), *limit = json_object_get(x, "limit");
        json_t *phases = json_object_get(x, "numberPhases");
        if (!json_is_integer(start) || !json_is_number(limit))
            return FAIL(OCPP_ERR_TYPE_CONSTRAINT,
                        "chargingSchedulePeriod[%zu]: startPeriod (integer) and limit (number)",
                        i);
        p->periods[i].start_s = (int)json_integer_value(start);
        p->periods[i].limit = json_number_value(limit);
        p->periods[i].phases = json_is_integer(phases) ? (int)json_integer_value(phases) : 0;
    }
    p->n_periods = (int)json_array_size(periods);
    return OCPP_ERR_NONE;
}

static const char *const purposes16[] = {"ChargePointMaxProfile", "TxDefaultProfile",
                                         "TxProfile", NULL};
static const char *const purposes201[] = {"ChargingStationMaxProfile", "TxDefaultProfile",
                                          "TxProfile", "ChargingStationExternalConstraints",
                                          NULL};

int ocpp_purpose_of(const char *name, int v201)
{
    return name_index(name, v201 ? purposes201 : purposes16);
}

json_t *ocpp_periods_json(const struct ocpp_period *p, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        json_t *x = json_pack("{s:i,s:f}", "startPeriod", p[i].start_s, "limit", p[i].limit);
        if (p[i].phases > 0)
            json_object_set_new(x, "numberPhases", json_integer(p[i].phases));
        json_array_append_new(a, x);
    }
    return a;
}

enum ocpp_error ocpp_profile_read(json_t *obj, int v201, int evse_id, struct ocpp_profile *out,
                                  char *reason, size_t len)
{
    static const char *const kinds[] = {"Absolute", "Recurring", "Relative", NULL};
    static const char *const recurrency[] = {"Daily", "Weekly", NULL};

    memset(out, 0, sizeof *out);
    if (!json_is_object(obj))
        return FAIL(OCPP_ERR_OCCURRENCE_CONSTRAINT, "chargingProfile: required");
    json_t *id = json_object_get(obj, v201 ? "id" : "chargingProfileId");
    json_t *level = json_object_get(obj, "stackLevel");
    if (!json_is_integer(id) || !json_is_integer(level) || json_integer_value(level) < 0)
        return FAIL(OCPP_ERR_TYPE_CONSTRAINT, "%s and stackLevel: integers (stackLevel >= 0)",
                    v201 ? "id" : "chargingProfileId");
    int purpose = name_index(json_string_value(json_object_get(obj, "chargingProfilePurpose")),
                             v201 ? purposes201 : purposes16);
    int kind = name_index(json_string_value(json_object_get(obj, "chargingProfileKind")), kinds);
    json_t *rec = json_object_get(obj, "recurrencyKind");
    if (purpose < 0)
        return FAIL(OCPP_ERR_PROPERTY_CONSTRAINT, "chargingProfilePurpose: unknown");
    if (purpose == 3)
        return FAIL(OCPP_ERR_PROPERTY_CONSTRAINT,
                    "chargingProfilePurpose: ChargingStationExternalConstraints is not set "
                    "by a CSMS");
    if (kind < 0)
        return FAIL(OCPP_ERR_PROPERTY_CONSTRAINT,
                    "chargingProfileKind: Absolute, Recurring or Relative");
    if (rec && name_index(json_string_value(rec), recurrency) < 0)
        return FAIL(OCPP_ERR_PROPERTY_CONSTRAINT, "recurrencyKind: Daily or Weekly");
    out->id = (int)json_integer_value(id);
    out->stack_level = (int)json_integer_value(level);
    out->purpose = (enum ocpp_purpose)purpose;
    out->kind = (enum ocpp_kind)kind;
    out->weekly = rec && name_index(json_string_value(rec), recurrency) == 1;
    out->evse_id = evse_id;
    json_t *tx = json_object_get(obj, "transactionId");
    if (json_is_integer(tx))
        snprintf(out->tx_id, sizeof out->tx_id, "%" JSON_INTEGER_FORMAT, json_integer_value(tx));
    else if (json_is_string(tx))
        snprintf(out->tx_id, sizeof out->tx_id, "%s", json_string_value(tx));
    enum ocpp_error e = read_time(obj, "validFrom", &out->valid_from, reason, len);
    if (e == OCPP_ERR_NONE)
        e = read_time(obj, "validTo", &out->valid_to, reason, len);
    if (e != OCPP_ERR_NONE)
        return e;
    json_t *sch = json_object_get(obj, "chargingSchedule");
    if (v201) {                   /* 1..3 schedules: the first is used */
        if (!json_is_array(sch) || json_array_size(sch) == 0)
            return FAIL(OCPP_ERR_OCCURRENCE_CONSTRAINT, "chargingSchedule: a non-empty array");
        sch = json_array_get(sch, 0);
    }
    return read_schedule(sch, out, reason, len);
}

/* Watts of `limit` in the profile's unit. */
static double to_watts(const struct ocpp_profile *p, const struct ocpp_period *per,
                       const struct ocpp_supply *s)
{
    if (!p->amps)
        return per->limit;
    if (s->phases == 0)
        return per->limit * s->volts;
    return per->limit * s->volts * (per->phases > 0 ? per->phases : s->phases);
}

/* Where the schedule's time 0 is for time t, or -1 when it has none. */
static double base_of(const struct ocpp_profile *p, double t, double tx_start)
{
    switch (p->kind) {
    case OCPP_KIND_ABSOLUTE:
        return p->start ? p->start : p->valid_from;
    case OCPP_KIND_RELATIVE:
        return tx_start > 0 ? tx_start : -1;
    case OCPP_KIND_RECURRING: {
        double cycle = p->weekly ? 604800.0 : 86400.0;
        if (!p->start || t < p->start)
            return -1;
        return p->start + floor((t - p->start) / cycle) * cycle;
    }
    }
    return -1;
}

double ocpp_profile_limit_w(const struct ocpp_profile *p, double t, double tx_start,
                            const struct ocpp_supply *s)
{
    if ((p->valid_from && t < p->valid_from) || (p->valid_to && t >= p->valid_to))
        return -1;
    double base = base_of(p, t, tx_start);
    if (base < 0 || t < base || (p->duration && t - base >= p->duration))
        return -1;
    const struct ocpp_period *found = NULL;
    for (int i = 0; i < p->n_periods; i++) {
        if (p->periods[i].start_s <= t - base &&
            (!found || p->periods[i].start_s >= found->start_s))
            found = &p->periods[i];
    }
    return found ? to_watts(p, found, s) : -1;
}

/* The limit of the highest stack level of `purpose` that sets one at t, or -1. */
static double purpose_limit(const struct ocpp_profile *const *ps, int n,
                            enum ocpp_purpose purpose, int evse_id, const char *tx_id,
                            double tx_start, double t, const struct ocpp_supply *s)
{
    double best = -1;
    int best_level = -1, best_specific = 0;

    for (int i = 0; i < n; i++) {
        const struct ocpp_profile *p = ps[i];
        if (p->purpose != purpose)
            continue;
        if (purpose == OCPP_PURPOSE_MAX ? p->evse_id != 0
                                        : p->evse_id != 0 && p->evse_id != evse_id)
            continue;
        if (purpose == OCPP_PURPOSE_TX &&
            (!tx_id || (p->tx_id[0] && strcmp(p->tx_id, tx_id) != 0)))
            continue;
        double w = ocpp_profile_limit_w(p, t, tx_start, s);
        int specific = p->evse_id != 0;
        if (w < 0 || p->stack_level < best_level ||
            (p->stack_level == best_level && specific <= best_specific))
            continue;
        best = w;
        best_level = p->stack_level;
        best_specific = specific;
    }
    return best;
}

double ocpp_composite_w(const struct ocpp_profile *const *ps, int n, int evse_id,
                        const char *tx_id, double tx_start, double t,
                        const struct ocpp_supply *s)
{
    double max = purpose_limit(ps, n, OCPP_PURPOSE_MAX, evse_id, tx_id, tx_start, t, s);
    double tx = purpose_limit(ps, n, OCPP_PURPOSE_TX, evse_id, tx_id, tx_start, t, s);
    if (tx < 0)
        tx = purpose_limit(ps, n, OCPP_PURPOSE_TX_DEFAULT, evse_id, tx_id, tx_start, t, s);
    if (max < 0)
        return tx;
    return tx < 0 || max < tx ? max : tx;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int ocpp_composite_schedule(const struct ocpp_profile *const *ps, int n, int evse_id,
                            const char *tx_id, double tx_start, double start, int duration,
                            int amps, double max_w, const struct ocpp_supply *s,
                            struct ocpp_period *out, int max)
{
    enum { MAX_POINTS = 4096 };
    double *pts = malloc(MAX_POINTS * sizeof *pts), end = start + duration;
    int np = 0;

    if (!pts)
        return 0;
    pts[np++] = start;
    /* every instant a profile can change its limit inside the window */
    for (int i = 0; i < n && np < MAX_POINTS - 4; i++) {
        const struct ocpp_profile *p = ps[i];
        double marks[2] = {p->valid_from, p->valid_to};
        for (int k = 0; k < 2; k++) {
            if (marks[k] > start && marks[k] < end)
                pts[np++] = marks[k];
        }
        double cycle = p->kind == OCPP_KIND_RECURRING ? (p->weekly ? 604800.0 : 86400.0) : 0;
        double base = base_of(p, start, tx_start);
        if (base < 0 && p->kind == OCPP_KIND_RECURRING && p->start > start)
            base = p->start;
        for (; base >= 0 && base < end && np < MAX_POINTS - 2; base += cycle) {
            for (int k = 0; k < p->n_periods && np < MAX_POINTS - 2; k++) {
                double at = base + p->periods[k].start_s;
                if (at > start && at < end)
                    pts[np++] = at;
            }
            if (p->duration && base + p->duration > start && base + p->duration < end)
                pts[np++] = base + p->duration;
            if (cycle == 0)
                break;
        }
    }
    qsort(pts, (size_t)np, sizeof *pts, cmp_double);
    int count = 0;
    for (int i = 0; i < np && count < max; i++) {
        if (i > 0 && pts[i] == pts[i - 1])
            continue;
        double w = ocpp_composite_w(ps, n, evse_id, tx_id, tx_start, pts[i], s);
        if (w < 0)
            w = max_w;
        double v = !amps ? w : s->phases ? w / (s->volts * s->phases) : w / s->volts;
        v = round(v * 10) / 10;
        if (count > 0 && out[count - 1].limit == v)
            continue;
        out[count].start_s = (int)(pts[i] - start);
        out[count].limit = v;
        out[count].phases = amps && s->phases ? s->phases : 0;
        count++;
    }
    free(pts);
    return count;
}

int ocpp_opt_int(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (int)json_integer_value(v) : -1;
}

/* 1.6 {connectorId, csChargingProfiles}, 2.0.1 {evseId, chargingProfile} */
json_t *ocpp_profile_object(json_t *payload, int v201)
{
    return json_object_get(payload, v201 ? "chargingProfile" : "csChargingProfiles");
}

enum ocpp_error ocpp_profile_set_read(json_t *payload, int v201, struct ocpp_profile *out,
                                      char *reason, size_t len)
{
    const char *unit_key = v201 ? "evseId" : "connectorId";
    json_t *c = json_object_get(payload, unit_key);

    if (!json_is_integer(c) || json_integer_value(c) < 0)
        return FAIL(c ? OCPP_ERR_TYPE_CONSTRAINT : OCPP_ERR_OCCURRENCE_CONSTRAINT,
                    "%s: an integer >= 0", unit_key);
    return ocpp_profile_read(ocpp_profile_object(payload, v201), v201,
                             (int)json_integer_value(c), out, reason, len);
}

/* 1.6 {id?, connectorId?, chargingProfilePurpose?, stackLevel?}; 2.0.1
 * {chargingProfileId?, chargingProfileCriteria?: {evseId?, chargingProfilePurpose?,
 * stackLevel?}} */
enum ocpp_error ocpp_profile_clear_read(json_t *payload, int v201,
                                        struct ocpp_profile_filter *out, char *reason,
                                        size_t len)
{
    json_t *crit = v201 ? json_object_get(payload, "chargingProfileCriteria") : payload;
    json_t *purpose = json_object_get(crit, "chargingProfilePurpose");

    out->id = ocpp_opt_int(payload, v201 ? "chargingProfileId" : "id");
    out->evse_id = ocpp_opt_int(crit, v201 ? "evseId" : "connectorId");
    out->stack_level = ocpp_opt_int(crit, "stackLevel");
    out->purpose = purpose ? ocpp_purpose_of(json_string_value(purpose), v201) : -1;
    if (purpose && out->purpose < 0)
        return FAIL(OCPP_ERR_PROPERTY_CONSTRAINT, "chargingProfilePurpose: unknown");
    return OCPP_ERR_NONE;
}

/* 1.6 {connectorId, duration, chargingRateUnit?}, 2.0.1 {evseId, duration,
 * chargingRateUnit?} */
enum ocpp_error ocpp_composite_read(json_t *payload, int v201, int *evse_id, int *duration,
                                    int *amps, char *reason, size_t len)
{
    const char *unit = json_string_value(json_object_get(payload, "chargingRateUnit"));
    const char *unit_key = v201 ? "evseId" : "connectorId";

    *evse_id = ocpp_opt_int(payload, unit_key);
    *duration = ocpp_opt_int(payload, "duration");
    if (*evse_id < 0 || *duration < 0)
        return FAIL(OCPP_ERR_OCCURRENCE_CONSTRAINT, "%s and duration: integers >= 0",
                    unit_key);
    if (unit && strcmp(unit, "A") != 0 && strcmp(unit, "W") != 0)
        return FAIL(OCPP_ERR_PROPERTY_CONSTRAINT, "chargingRateUnit: W or A");
    *amps = unit && strcmp(unit, "A") == 0;
    return OCPP_ERR_NONE;
}
