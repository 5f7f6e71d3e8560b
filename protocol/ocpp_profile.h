/* Smart charging: charging profiles in version-neutral terms, read from 1.6 and 2.0.1
 * JSON, and the composite limit they put on a connector at a given time (profiles stack
 * by purpose and level: the charge point's maximum caps the transaction's profile, or
 * its default when it has none; within a purpose the highest stack level that is valid
 * and has a period then wins). Pure: jansson and libc only. */
#ifndef OCPP_PROFILE_H
#define OCPP_PROFILE_H

#include <stddef.h>
#include <jansson.h>

#include "ocpp_wire.h"

enum ocpp_purpose { OCPP_PURPOSE_MAX, OCPP_PURPOSE_TX_DEFAULT, OCPP_PURPOSE_TX };
enum ocpp_kind { OCPP_KIND_ABSOLUTE, OCPP_KIND_RECURRING, OCPP_KIND_RELATIVE };

#define OCPP_MAX_PERIODS 48

struct ocpp_period {
    int start_s;                 /* from the start of the schedule */
    double limit;                /* in the profile's unit */
    int phases;                  /* 0: not given */
};

struct ocpp_profile {
    int id, stack_level;
    enum ocpp_purpose purpose;
    enum ocpp_kind kind;
    int weekly;                  /* Recurring: weekly, else daily */
    int evse_id;                 /* 1.6 connectorId / 2.0.1 evseId; 0: the whole station */
    char tx_id[40];              /* TxProfile: its transaction ("" = the running one) */
    double valid_from, valid_to; /* unix seconds; 0 = open */
    double start;                /* startSchedule, unix seconds; 0 = not given */
    int duration;                /* seconds; 0 = open-ended */
    int amps;                    /* unit A (else W) */
    int n_periods;
    struct ocpp_period periods[OCPP_MAX_PERIODS];
};

/* What ClearChargingProfile names; -1 = any. */
struct ocpp_profile_filter {
    int id, evse_id, purpose, stack_level;
};

/* How amperes become watts on this connector. */
struct ocpp_supply {
    double volts;                /* per phase (AC) or of the DC link */
    int phases;                  /* AC phases; 0 = DC */
};

/* Reads a profile object (1.6 csChargingProfiles / chargingProfile, 2.0.1
 * chargingProfile) into out, for evse_id. Returns OCPP_ERR_NONE or the error kind with
 * reason[len] naming the field. */
enum ocpp_error ocpp_profile_read(json_t *obj, int v201, int evse_id, struct ocpp_profile *out,
                                  char *reason, size_t len);

/* The limit p sets at unix time t in watts (converted with s), or -1 when it sets none
 * then (not valid, no period yet, past its duration). tx_start: when the session began
 * (Relative profiles), 0 when none runs. */
double ocpp_profile_limit_w(const struct ocpp_profile *p, double t, double tx_start,
                            const struct ocpp_supply *s);

/* The composite limit in watts on connector evse_id at time t from the n installed
 * profiles (tx_id: the session running there, NULL when none), or -1 for no limit. */
double ocpp_composite_w(const struct ocpp_profile *const *ps, int n, int evse_id,
                        const char *tx_id, double tx_start, double t,
                        const struct ocpp_supply *s);

/* The composite schedule of [start, start + duration) as periods (start offsets,
 * limits in W or A): a new period wherever the composite changes. Returns the count
 * (<= max); a gap without any limit is given the connector's own maximum max_w. */
int ocpp_composite_schedule(const struct ocpp_profile *const *ps, int n, int evse_id,
                            const char *tx_id, double tx_start, double start, int duration,
                            int amps, double max_w, const struct ocpp_supply *s,
                            struct ocpp_period *out, int max);

/* The purpose a chargingProfilePurpose names in that version, or -1 (2.0.1's
 * ChargingStationExternalConstraints is 3). */
int ocpp_purpose_of(const char *name, int v201);
/* [{startPeriod, limit, numberPhases?}] */
json_t *ocpp_periods_json(const struct ocpp_period *p, int n);

/* The request shapes of SetChargingProfile, ClearChargingProfile and
 * GetCompositeSchedule in 1.6 (v201 0) and 2.0.1; ocpp_profile_object is the profile
 * object of a SetChargingProfile payload (borrowed). */
enum ocpp_error ocpp_profile_set_read(json_t *payload, int v201, struct ocpp_profile *out,
                                      char *reason, size_t len);
enum ocpp_error ocpp_profile_clear_read(json_t *payload, int v201,
                                        struct ocpp_profile_filter *out, char *reason,
                                        size_t len);
enum ocpp_error ocpp_composite_read(json_t *payload, int v201, int *evse_id, int *duration,
                                    int *amps, char *reason, size_t len);
json_t *ocpp_profile_object(json_t *payload, int v201);
/* An integer member, or -1 when absent or not an integer. */
int ocpp_opt_int(json_t *obj, const char *key);

/* RFC 3339 UTC text <-> unix seconds (-1 when it is not such a time). */
double ocpp_time_parse(const char *s);
void ocpp_time_format(double t, char out[25]);

#endif
