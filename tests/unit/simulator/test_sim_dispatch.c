/* Calls from the CSMS through the dispatch, over a fake transport: an action the charge
 * point does not take is answered NotImplemented; a bad frame or payload gets the
 * spec's code in the version's spelling; an answer for no outstanding CALL changes
 * nothing; a handler's answer goes before the CALLs it queued; a Reset asks the
 * lifecycle to reboot. Each test ends with uv_loop_close() == 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_charger.h"

static void assert_call_error(const struct fake *fk, int i, const char *id, const char *code)
{
    const struct fake_frame *f = fake_out(fk, i);
    assert_non_null(f);
    assert_int_equal(fake_type(f), 4);
    assert_string_equal(fake_str(f, 1), id);
    assert_string_equal(fake_str(f, 2), code);
}

static void unknown_action_not_implemented(void **state)
{
    struct fake *fk = fake_new(&ocpp_v16, 2);

    assert_int_equal(fake_in(fk, "[2,\"m1\",\"NoSuchAction\",{}]"), SIM__NEXT_NONE);
    assert_call_error(fk, 0, "m1", "NotImplemented");
    /* a 2.0.1 action is not one of 1.6's */
    fake_in(fk, "[2,\"m2\",\"RequestStartTransaction\",{}]");
    assert_call_error(fk, 1, "m2", "NotImplemented");
    /* a message the charge point sends, not the CSMS */
    fake_in(fk, "[2,\"m3\",\"BootNotification\",{}]");
    assert_call_error(fk, 2, "m3", "NotImplemented");
    /* a renamed action reaches its row by the version's name (GetDiagnostics = GetLog) */
    fake_in(fk, "[2,\"m4\",\"GetDiagnostics\",{\"location\":\"ftp://x\"}]");
    assert_int_equal(fake_type(fake_out(fk, 3)), 3);
    assert_int_equal(fake_out_count(fk), 4);
    assert_int_equal(fake_free(fk), 0);

    fk = fake_new(&ocpp_v201, 1);    /* defined by 2.0.1, not taken by the charger */
    fake_in(fk, "[2,\"n1\",\"GetDisplayMessages\",{\"requestId\":1}]");
    assert_call_error(fk, 0, "n1", "NotImplemented");
    assert_int_equal(fake_free(fk), 0);
}

/* A payload the version's parser refuses: the spec's code, each version's spelling;
 * a frame that is not OCPP-J: the framing codes. */
static void bad_payload_spec_code(void **state)
{
    struct fake *fk = fake_new(&ocpp_v16, 1);

    fake_in(fk, "[2,\"a1\",\"Reset\",{}]");
    assert_call_error(fk, 0, "a1", "OccurenceConstraintViolation");   /* sic, 1.6 */
    fake_in(fk, "[2,\"a2\",\"Reset\",{\"type\":\"Sideways\"}]");
    assert_call_error(fk, 1, "a2", "PropertyConstraintViolation");
    fake_in(fk, "[2,\"a3\",\"Reset\",[]]");
    assert_call_error(fk, 2, "a3", "FormationViolation");
    fake_in(fk, "[7,\"a4\",\"Reset\",{}]");
    assert_call_error(fk, 3, "a4", "NotSupported");
    fake_in(fk, "not json");                       /* no id: nothing to answer */
    assert_int_equal(fake_out_count(fk), 4);
    assert_int_equal(fake_free(fk), 0);

    fk = fake_new(&ocpp_v201, 1);
    fake_in(fk, "[2,\"b1\",\"Reset\",{}]");
    assert_call_error(fk, 0, "b1", "OccurrenceConstraintViolation");
    fake_in(fk, "[2,\"b2\",\"Reset\",[]]");
    assert_call_error(fk, 1, "b2", "FormatViolation");
    fake_in(fk, "[2,\"b3\",\"DataTransfer\",{}]");   /* a handler's own check */
    assert_call_error(fk, 2, "b3", "OccurrenceConstraintViolation");
    assert_int_equal(fake_free(fk), 0);
}

/* A CALLRESULT / CALLERROR for no outstanding CALL is dropped: the outstanding one
 * stays outstanding, nothing is sent. */
static void result_for_unknown_id_ignored(void **state)
{
    struct fake *fk = fake_new(&ocpp_v201, 1);

    sim__call(&fk->ch, OCPP_ACTION_HEARTBEAT, ocpp_empty_payload());
    const struct fake_frame *hb = fake_out(fk, 0);
    assert_non_null(hb);
    char id[OCPP_MSGID_MAX + 1];
    snprintf(id, sizeof id, "%s", hb->id);
    assert_int_equal(fake_in(fk, "[3,\"not-%s\",{}]", id), SIM__NEXT_NONE);
    assert_int_equal(fake_in(fk, "[4,\"other\",\"InternalError\",\"\",{}]"), SIM__NEXT_NONE);
    assert_non_null(sim__rpc_outstanding(&fk->ch.rpc, id));
    assert_int_equal(fake_out_count(fk), 1);
    assert_int_equal(fake_in(fk, "[3,\"%s\",{\"currentTime\":\"2026-01-01T00:00:00Z\"}]", id),
                     SIM__NEXT_DRAINED);
    assert_true(sim__rpc_idle(&fk->ch.rpc));
    assert_int_equal(fake_free(fk), 0);
}

static uint64_t seen_sent, seen_answered;
static enum sim_call_outcome seen_outcome;

static void times_cb(struct sim_call *c, const struct sim_call_answer *a)
{
    seen_outcome = a->outcome;
    seen_sent = c->sent_ns;
    seen_answered = c->answered_ns;
}

/* The answer frame reaches the CALL's callback with the time it was parsed. */
static void answer_reaches_callback_with_time(void **state)
{
    struct fake *fk = fake_new(&ocpp_v16, 1);

    sim__call_cb(&fk->ch, OCPP_ACTION_HEARTBEAT, ocpp_empty_payload(), -1, 0, times_cb, NULL);
    char id[OCPP_MSGID_MAX + 1];
    snprintf(id, sizeof id, "%s", fake_out(fk, 0)->id);
    uint64_t before = uv_hrtime();
    fake_in(fk, "[4,\"%s\",\"InternalError\",\"busy\",{}]", id);
    uint64_t after = uv_hrtime();
    assert_int_equal(seen_outcome, SIM_CALL_ERROR);
    assert_true(seen_sent > 0 && seen_sent <= before);
    assert_true(seen_answered >= before && seen_answered <= after);
    assert_int_equal(fake_free(fk), 0);
}

/* TriggerMessage: the answer is written before the Heartbeat it triggers. */
static void answer_before_its_calls(void **state)
{
    struct fake *fk = fake_new(&ocpp_v201, 1);

    fake_in(fk, "[2,\"t1\",\"TriggerMessage\",{\"requestedMessage\":\"Heartbeat\"}]");
    assert_int_equal(fake_out_count(fk), 2);
    assert_int_equal(fake_type(fake_out(fk, 0)), 3);
    assert_string_equal(fake_str(fake_out(fk, 0), 1), "t1");
    assert_string_equal(json_string_value(json_object_get(fake_payload(fake_out(fk, 0)),
                                                          "status")), "Accepted");
    assert_int_equal(fake_type(fake_out(fk, 1)), 2);
    assert_string_equal(fake_str(fake_out(fk, 1), 2), "Heartbeat");
    assert_int_equal(fake_free(fk), 0);
}

/* Handlers return what follows: Reset (Accepted) → reboot; TriggerMessage
 * BootNotification → boot; a Reset of one EVSE is Rejected and nothing follows. */
static void handler_returns_next(void **state)
{
    struct fake *fk = fake_new(&ocpp_v201, 2);

    assert_int_equal(fake_in(fk, "[2,\"r1\",\"Reset\",{\"type\":\"Immediate\"}]"),
                     SIM__NEXT_REBOOT);
    assert_int_equal(fake_in(fk, "[2,\"r2\",\"Reset\",{\"type\":\"Immediate\",\"evseId\":1}]"),
                     SIM__NEXT_NONE);
    assert_string_equal(json_string_value(json_object_get(fake_payload(fake_out(fk, 1)),
                                                          "status")), "Rejected");
    assert_int_equal(fake_in(fk, "[2,\"r3\",\"TriggerMessage\","
                                 "{\"requestedMessage\":\"BootNotification\"}]"),
                     SIM__NEXT_BOOT);
    assert_int_equal(fake_free(fk), 0);
}

/* GetConfiguration / GetVariables, ChangeConfiguration / SetVariables are one row each:
 * the station's settings, in each version's shape. */
static void configuration_rows(void **state)
{
    struct fake *fk = fake_new(&ocpp_v16, 1);

    fake_in(fk, "[2,\"c1\",\"ChangeConfiguration\",{\"key\":\"MeterValueSampleInterval\","
                "\"value\":\"15\"}]");
    assert_string_equal(json_string_value(json_object_get(fake_payload(fake_out(fk, 0)),
                                                          "status")), "Accepted");
    char v[16];
    sim__setting_get(&fk->ch, OCPP_CFG_METER_SAMPLE_INTERVAL, v, sizeof v);
    assert_string_equal(v, "15");
    fake_in(fk, "[2,\"c2\",\"GetConfiguration\",{\"key\":[\"MeterValueSampleInterval\"]}]");
    json_t *keys = json_object_get(fake_payload(fake_out(fk, 1)), "configurationKey");
    assert_string_equal(json_string_value(json_object_get(json_array_get(keys, 0), "value")),
                        "15");
    assert_int_equal(fake_free(fk), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unknown_action_not_implemented),
        cmocka_unit_test(bad_payload_spec_code),
        cmocka_unit_test(result_for_unknown_id_ignored),
        cmocka_unit_test(answer_reaches_callback_with_time),
        cmocka_unit_test(answer_before_its_calls),
        cmocka_unit_test(handler_returns_next),
        cmocka_unit_test(configuration_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
