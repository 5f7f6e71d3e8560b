/* Charging profiles: reading 1.6 and 2.0.1 JSON, the limit a profile sets over time,
 * how profiles stack (purpose, stack level, connector), the composite schedule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ocpp_profile.h"

static const struct ocpp_supply ac = {230.0, 3};

static struct ocpp_profile make(int id, enum ocpp_purpose purpose, int level, int evse,
                                double start, double watts)
{
    struct ocpp_profile p;
    memset(&p, 0, sizeof p);
    p.id = id;
    p.purpose = purpose;
    p.stack_level = level;
    p.evse_id = evse;
    p.kind = OCPP_KIND_ABSOLUTE;
    p.start = start;
    p.n_periods = 1;
    p.periods[0].limit = watts;
    return p;
}

static void reading(void **state)
{
    struct ocpp_profile p;
    char reason[160];
    (void)state;

    json_t *j = json_pack("{s:i,s:i,s:s,s:s,s:{s:s,s:s,s:i,s:[{s:i,s:f},{s:i,s:f,s:i}]}}",
                          "chargingProfileId", 7, "stackLevel", 2, "chargingProfilePurpose",
                          "TxDefaultProfile", "chargingProfileKind", "Absolute",
                          "chargingSchedule", "chargingRateUnit", "A", "startSchedule",
                          "2026-01-01T00:00:00Z", "duration", 3600, "chargingSchedulePeriod",
                          "startPeriod", 0, "limit", 16.0, "startPeriod", 600, "limit", 8.0,
                          "numberPhases", 1);
    assert_int_equal(ocpp_profile_read(j, 0, 1, &p, reason, sizeof reason), OCPP_ERR_NONE);
    assert_int_equal(p.id, 7);
    assert_int_equal(p.purpose, OCPP_PURPOSE_TX_DEFAULT);
    assert_true(p.amps);
    assert_int_equal(p.n_periods, 2);
    assert_int_equal(p.duration, 3600);
    double t0 = ocpp_time_parse("2026-01-01T00:00:00Z");
    assert_true(p.start == t0);
    /* 16 A on three phases of 230 V; the second period on one phase; none past 3600 s */
    assert_true(ocpp_profile_limit_w(&p, t0 + 10, 0, &ac) == 16 * 230 * 3);
    assert_true(ocpp_profile_limit_w(&p, t0 + 700, 0, &ac) == 8 * 230);
    assert_true(ocpp_profile_limit_w(&p, t0 + 3600, 0, &ac) < 0);
    assert_true(ocpp_profile_limit_w(&p, t0 - 1, 0, &ac) < 0);
    /* the same in 2.0.1 names: id, a schedule array, ChargingStationMaxProfile */
    json_object_del(j, "chargingProfileId");
    json_object_set_new(j, "id", json_integer(8));
    json_object_set_new(j, "chargingProfilePurpose", json_string("ChargingStationMaxProfile"));
    assert_int_equal(ocpp_profile_read(j, 1, 0, &p, reason, sizeof reason),
                     OCPP_ERR_OCCURRENCE_CONSTRAINT);           /* not an array */
    json_t *sch = json_incref(json_object_get(j, "chargingSchedule"));
    json_object_set_new(sch, "id", json_integer(1));
    json_object_set_new(j, "chargingSchedule", json_pack("[o]", sch));
    assert_int_equal(ocpp_profile_read(j, 1, 0, &p, reason, sizeof reason), OCPP_ERR_NONE);
    assert_int_equal(p.purpose, OCPP_PURPOSE_MAX);
    json_object_set_new(j, "chargingProfilePurpose", json_string("ChargePointMaxProfile"));
    assert_int_equal(ocpp_profile_read(j, 1, 0, &p, reason, sizeof reason),
                     OCPP_ERR_PROPERTY_CONSTRAINT);             /* the 1.6 name */
    json_decref(j);
    assert_true(ocpp_time_parse("2026-01-01T01:00:00+01:00") == t0);
    assert_true(ocpp_time_parse("yesterday") < 0);
}

static void stacking(void **state)
{
    (void)state;
    double t = 1e9;
    struct ocpp_profile max = make(1, OCPP_PURPOSE_MAX, 0, 0, t - 10, 7000);
    struct ocpp_profile def = make(2, OCPP_PURPOSE_TX_DEFAULT, 0, 0, t - 10, 11000);
    struct ocpp_profile tx_low = make(3, OCPP_PURPOSE_TX, 0, 1, t - 10, 3000);
    struct ocpp_profile tx_high = make(4, OCPP_PURPOSE_TX, 5, 1, t - 10, 5000);
    const struct ocpp_profile *ps[4] = {&def, &max, &tx_low, &tx_high};

    /* the maximum caps the default; without a session the TxProfiles do not apply */
    assert_true(ocpp_composite_w(ps, 2, 1, NULL, 0, t, &ac) == 7000);
    assert_true(ocpp_composite_w(ps, 4, 1, NULL, 0, t, &ac) == 7000);
    /* in a session the highest stack level of TxProfile replaces the default */
    assert_true(ocpp_composite_w(ps, 4, 1, "42", t - 5, t, &ac) == 5000);
    assert_true(ocpp_composite_w(ps, 3, 1, "42", t - 5, t, &ac) == 3000);
    /* another connector: only the station-wide ones */
    assert_true(ocpp_composite_w(ps, 4, 2, "9", t - 5, t, &ac) == 7000);
    /* a TxProfile for another transaction does not apply */
    strcpy(tx_high.tx_id, "77");
    assert_true(ocpp_composite_w(ps, 4, 1, "42", t - 5, t, &ac) == 3000);
    assert_true(ocpp_composite_w(ps, 0, 1, NULL, 0, t, &ac) < 0);
}

static void recurring_and_relative(void **state)
{
    (void)state;
    double day0 = ocpp_time_parse("2026-01-01T00:00:00Z");
    struct ocpp_profile p = make(1, OCPP_PURPOSE_TX_DEFAULT, 0, 0, day0, 11000);
    p.kind = OCPP_KIND_RECURRING;
    p.n_periods = 2;
    p.periods[1].start_s = 18 * 3600;     /* evenings: 2 kW */
    p.periods[1].limit = 2000;
    assert_true(ocpp_profile_limit_w(&p, day0 + 3 * 86400 + 19 * 3600, 0, &ac) == 2000);
    assert_true(ocpp_profile_limit_w(&p, day0 + 3 * 86400 + 3600, 0, &ac) == 11000);
    struct ocpp_profile r = make(2, OCPP_PURPOSE_TX_DEFAULT, 0, 0, 0, 4000);
    r.kind = OCPP_KIND_RELATIVE;
    r.duration = 600;
    assert_true(ocpp_profile_limit_w(&r, day0, 0, &ac) < 0);          /* no session */
    assert_true(ocpp_profile_limit_w(&r, day0 + 100, day0, &ac) == 4000);
    assert_true(ocpp_profile_limit_w(&r, day0 + 700, day0, &ac) < 0);  /* past duration */
}

static void composite_schedule(void **state)
{
    (void)state;
    double t = 1e9;
    struct ocpp_profile p = make(1, OCPP_PURPOSE_TX_DEFAULT, 0, 0, t, 11000);
    p.n_periods = 2;
    p.periods[1].start_s = 300;
    p.periods[1].limit = 6900;
    p.duration = 900;
    const struct ocpp_profile *ps[1] = {&p};
    struct ocpp_period out[8];

    int n = ocpp_composite_schedule(ps, 1, 1, NULL, 0, t, 1200, 0, 22000, &ac, out, 8);
    assert_int_equal(n, 3);
    assert_int_equal(out[0].start_s, 0);
    assert_true(out[0].limit == 11000);
    assert_int_equal(out[1].start_s, 300);
    assert_true(out[1].limit == 6900);
    assert_int_equal(out[2].start_s, 900);       /* past its duration: the connector's own */
    assert_true(out[2].limit == 22000);
    n = ocpp_composite_schedule(ps, 1, 1, NULL, 0, t, 600, 1, 22000, &ac, out, 8);
    assert_int_equal(n, 2);
    assert_true(out[1].limit == 10.0);           /* 6900 W / (3 x 230 V) */
    assert_int_equal(out[1].phases, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reading),
        cmocka_unit_test(stacking),
        cmocka_unit_test(recurring_and_relative),
        cmocka_unit_test(composite_schedule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
