/* The version tables: BootNotification / StatusNotification payloads per version, the
 * connectors each reports, boot answers, lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ocpp_version.h"

static const struct ocpp_station_info info = {
    "Schneider Electric", "EVlink Pro AC with a very long model name", "CF0123456789", "3.4.0", 2,
};

static void boot_requests(void **state)
{
    json_t *p = ocpp_v16.boot_request(&info, OCPP_BOOT_POWER_UP);
    assert_string_equal(json_string_value(json_object_get(p, "chargePointVendor")), "Schneider Electric");
    /* cut to the 1.6 schema's maxLength 20 */
    assert_int_equal(strlen(json_string_value(json_object_get(p, "chargePointModel"))), 20);
    assert_string_equal(json_string_value(json_object_get(p, "chargePointSerialNumber")), "CF0123456789");
    assert_string_equal(json_string_value(json_object_get(p, "firmwareVersion")), "3.4.0");
    json_decref(p);

    p = ocpp_v201.boot_request(&info, OCPP_BOOT_POWER_UP);
    assert_string_equal(json_string_value(json_object_get(p, "reason")), "PowerUp");
    json_t *cs = json_object_get(p, "chargingStation");
    assert_string_equal(json_string_value(json_object_get(cs, "vendorName")), "Schneider Electric");
    assert_int_equal(strlen(json_string_value(json_object_get(cs, "model"))), 20);
    assert_string_equal(json_string_value(json_object_get(cs, "serialNumber")), "CF0123456789");
    assert_null(json_object_get(p, "chargePointVendor"));
    json_decref(p);
}

static void status_targets_and_payloads(void **state)
{
    struct ocpp_status_target t[8];
    int n = ocpp_v16.status_targets(2, t, 8);

    assert_int_equal(n, 3);             /* connector 0 (the charge point), 1, 2 */
    assert_int_equal(t[0].connector_id, 0);
    assert_int_equal(t[2].connector_id, 2);
    json_t *p = ocpp_v16.status_request(&t[1], OCPP_CONN_AVAILABLE, "2026-01-01T00:00:00.000Z");
    assert_int_equal(json_integer_value(json_object_get(p, "connectorId")), 1);
    assert_string_equal(json_string_value(json_object_get(p, "status")), "Available");
    assert_string_equal(json_string_value(json_object_get(p, "errorCode")), "NoError");
    json_decref(p);
    p = ocpp_v16.status_request(&t[1], OCPP_CONN_FAULTED, "2026-01-01T00:00:00.000Z");
    assert_string_equal(json_string_value(json_object_get(p, "errorCode")), "OtherError");
    json_decref(p);

    n = ocpp_v201.status_targets(2, t, 8);
    assert_int_equal(n, 2);             /* one per EVSE, from 1 */
    assert_int_equal(t[0].evse_id, 1);
    assert_int_equal(t[1].evse_id, 2);
    assert_int_equal(t[1].connector_id, 1);
    p = ocpp_v201.status_request(&t[1], OCPP_CONN_SUSPENDED_EV, "2026-01-01T00:00:00.000Z");
    assert_string_equal(json_string_value(json_object_get(p, "connectorStatus")), "Occupied");
    assert_int_equal(json_integer_value(json_object_get(p, "evseId")), 2);
    json_decref(p);
    assert_int_equal(ocpp_v16.status_targets(5, t, 3), 3);   /* never past max */
}

static void boot_results(void **state)
{
    struct ocpp_boot_result r;
    char reason[128];
    json_t *p = json_pack("{s:s,s:s,s:i}", "status", "Pending", "currentTime", "x", "interval", 7);

    assert_int_equal(ocpp_v16.boot_result(p, &r, reason, sizeof(reason)), 0);
    assert_int_equal(r.status, OCPP_BOOT_PENDING);
    assert_int_equal(r.interval, 7);
    json_decref(p);
    p = json_pack("{s:s,s:i}", "status", "Maybe", "interval", 1);
    assert_int_equal(ocpp_v201.boot_result(p, &r, reason, sizeof(reason)), -1);
    assert_non_null(strstr(reason, "status"));
    json_decref(p);
    p = json_pack("{s:s}", "status", "Accepted");
    assert_int_equal(ocpp_v201.boot_result(p, &r, reason, sizeof(reason)), -1);
    assert_non_null(strstr(reason, "interval"));
    json_decref(p);

    p = ocpp_v201.boot_response(OCPP_BOOT_REJECTED, 30, "2026-01-01T00:00:00.000Z");
    assert_string_equal(json_string_value(json_object_get(p, "status")), "Rejected");
    assert_int_equal(json_integer_value(json_object_get(p, "interval")), 30);
    json_decref(p);
}

static void lookups(void **state)
{
    assert_ptr_equal(ocpp_version_by_name("OCPP1.6"), &ocpp_v16);
    assert_ptr_equal(ocpp_version_by_name("OCPP2.0.1"), &ocpp_v201);
    assert_null(ocpp_version_by_name("OCPP2.1"));
    assert_ptr_equal(ocpp_version_by_subprotocol("ocpp2.0.1"), &ocpp_v201);
    assert_null(ocpp_version_by_subprotocol("ocpp1.5"));
    assert_non_null(ocpp_version_action(&ocpp_v16, "RemoteStartTransaction"));
    assert_null(ocpp_version_action(&ocpp_v16, "RequestStartTransaction"));
    assert_non_null(ocpp_version_action(&ocpp_v201, "RequestStartTransaction"));
    assert_int_equal(ocpp_version_action(&ocpp_v201, "Reset")->direction, OCPP_CSMS_TO_CP);
    assert_int_equal(ocpp_version_action(&ocpp_v16, "DataTransfer")->direction, OCPP_BOTH);
}

/* Configuration values are checked by type and range before a charger sees them. */
static void config_values(void **state)
{
    (void)state;
    assert_true(ocpp_config_value_ok(OCPP_CFG_HEARTBEAT_INTERVAL, "30"));
    assert_false(ocpp_config_value_ok(OCPP_CFG_HEARTBEAT_INTERVAL, "0"));
    assert_false(ocpp_config_value_ok(OCPP_CFG_HEARTBEAT_INTERVAL, "30s"));
    assert_false(ocpp_config_value_ok(OCPP_CFG_HEARTBEAT_INTERVAL, ""));
    assert_true(ocpp_config_value_ok(OCPP_CFG_METER_SAMPLE_INTERVAL, "0"));
    assert_true(ocpp_config_value_ok(OCPP_CFG_LOCAL_PRE_AUTHORIZE, "false"));
    assert_false(ocpp_config_value_ok(OCPP_CFG_LOCAL_PRE_AUTHORIZE, "False"));
    assert_true(ocpp_config_value_ok(OCPP_CFG_METER_SAMPLED_DATA, "Energy.Active.Import.Register,SoC"));
    assert_false(ocpp_config_value_ok(OCPP_CFG_METER_SAMPLED_DATA, "Temperature"));
    assert_false(ocpp_config_value_ok(OCPP_CFG_METER_SAMPLED_DATA, ""));
    /* every setting has a 1.6 key or a 2.0.1 component/variable, and 2.0.1 names pair */
    for (int i = 0; i < OCPP_CFG__COUNT; i++) {
        const struct ocpp_config_key *k = &ocpp_config_keys[i];
        assert_true(k->key16 || k->component);
        assert_true(!k->component == !k->variable);
    }
}

/* Measurand lists: known names (spaces allowed around commas), nothing else. */
static void measurands(void **state)
{
    unsigned bits = 0;

    (void)state;
    assert_int_equal(ocpp_measurands_parse("Energy.Active.Import.Register, Power.Active.Import,SoC",
                                           &bits), 0);
    assert_int_equal(bits, OCPP_MEAS_ENERGY | OCPP_MEAS_POWER | OCPP_MEAS_SOC);
    assert_int_equal(ocpp_measurands_parse("Energy.Active.Import", &bits), -1);
    assert_int_equal(ocpp_measurands_parse(",", &bits), -1);
}

/* The meter values of both versions: 1.6 string values and `unit`, 2.0.1 numbers and
 * unitOfMeasure; current and voltage per phase on AC, SoC only when known. */
static void meter_values(void **state)
{
    struct ocpp_meter m = {.energy_wh = 1234.56, .power_w = 11000, .current_a = 15.94,
                           .voltage_v = 230, .phases = 3, .soc = -1,
                           .measurands = OCPP_MEAS_ENERGY | OCPP_MEAS_CURRENT | OCPP_MEAS_SOC};
    (void)state;
    json_t *mv = ocpp_meter_values(&m, "Sample.Periodic", "2026-01-01T00:00:00.000Z", 0);
    json_t *sv = json_object_get(json_array_get(mv, 0), "sampledValue");
    assert_int_equal(json_array_size(sv), 4);            /* energy + 3 phases, no SoC */
    assert_string_equal(json_string_value(json_object_get(json_array_get(sv, 0), "value")),
                        "1234.6");
    assert_string_equal(json_string_value(json_object_get(json_array_get(sv, 0), "unit")), "Wh");
    assert_string_equal(json_string_value(json_object_get(json_array_get(sv, 3), "phase")), "L3");
    json_decref(mv);

    m.phases = 0;
    m.soc = 42;
    mv = ocpp_meter_values(&m, "Transaction.End", "2026-01-01T00:00:00.000Z", 1);
    sv = json_object_get(json_array_get(mv, 0), "sampledValue");
    assert_int_equal(json_array_size(sv), 3);            /* energy, one DC current, SoC */
    assert_true(json_is_real(json_object_get(json_array_get(sv, 0), "value")));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_array_get(sv, 2), "unitOfMeasure"), "unit")),
                        "Percent");
    assert_null(json_object_get(json_array_get(sv, 1), "phase"));
    json_decref(mv);
}

/* Transaction messages: 1.6 Start/MeterValues/Stop with the CSMS's integer id, 2.0.1
 * TransactionEvent with seqNo, triggerReason and stoppedReason. */
static void transactions(void **state)
{
    struct ocpp_meter m = {.energy_wh = 99.9, .measurands = OCPP_MEAS_ENERGY, .soc = -1};
    struct ocpp_tx t = {.event = OCPP_TX_STARTED, .cause = OCPP_CAUSE_REMOTE_START,
                        .where = {0, 2}, .status = OCPP_CONN_CHARGING, .id_tag = "TAG1",
                        .id_type = "ISO14443", .tx_id = "17", .seq_no = 0,
                        .remote_start_id = 5, .timestamp = "2026-01-01T00:00:00.000Z",
                        .meter = &m};
    json_t *p = NULL;
    (void)state;

    assert_int_equal(ocpp_v16.tx_request(&t, &p), OCPP_ACTION_START_TRANSACTION);
    assert_int_equal(json_integer_value(json_object_get(p, "meterStart")), 99);
    assert_int_equal(json_integer_value(json_object_get(p, "connectorId")), 2);
    json_decref(p);
    t.event = OCPP_TX_ENDED;
    t.cause = OCPP_CAUSE_HARD_RESET;
    assert_int_equal(ocpp_v16.tx_request(&t, &p), OCPP_ACTION_STOP_TRANSACTION);
    assert_int_equal(json_integer_value(json_object_get(p, "transactionId")), 17);
    assert_string_equal(json_string_value(json_object_get(p, "reason")), "HardReset");
    assert_non_null(json_object_get(p, "transactionData"));
    json_decref(p);

    t.where = (struct ocpp_status_target){1, 1};
    t.tx_id = "a1b2";
    t.seq_no = 3;
    assert_int_equal(ocpp_v201.tx_request(&t, &p), OCPP_ACTION_TRANSACTION_EVENT);
    assert_string_equal(json_string_value(json_object_get(p, "eventType")), "Ended");
    assert_string_equal(json_string_value(json_object_get(p, "triggerReason")), "ResetCommand");
    json_t *info = json_object_get(p, "transactionInfo");
    assert_string_equal(json_string_value(json_object_get(info, "stoppedReason")),
                        "ImmediateReset");
    assert_null(json_object_get(info, "remoteStartId"));   /* only on Started */
    assert_int_equal(json_integer_value(json_object_get(p, "seqNo")), 3);
    json_decref(p);

    struct ocpp_tx_answer a;
    char reason[128];
    p = json_pack("{s:{s:s},s:i}", "idTagInfo", "status", "Blocked", "transactionId", 9);
    assert_int_equal(ocpp_v16.tx_answer(OCPP_ACTION_START_TRANSACTION, p, &a, reason, sizeof reason), 0);
    assert_false(a.accepted);
    assert_string_equal(a.tx_id, "9");
    json_decref(p);
    p = json_object();
    assert_int_equal(ocpp_v16.tx_answer(OCPP_ACTION_START_TRANSACTION, p, &a, reason, sizeof reason), -1);
    assert_int_equal(ocpp_v201.tx_answer(OCPP_ACTION_TRANSACTION_EVENT, p, &a, reason, sizeof reason), 0);
    assert_true(a.accepted);
    json_decref(p);
}

static void remote_start_stop(void **state)
{
    struct ocpp_remote_start r;
    char reason[128], id[40];
    (void)state;

    json_t *p = json_pack("{s:s}", "idTag", "ABCDEFGHIJKLMNOPQRSTU");   /* 21 chars */
    assert_int_equal(ocpp_v16.remote_start_parse(p, &r, reason, sizeof reason),
                     OCPP_ERR_PROPERTY_CONSTRAINT);
    json_decref(p);
    p = json_pack("{s:s,s:i}", "idTag", "T1", "connectorId", 2);
    assert_int_equal(ocpp_v16.remote_start_parse(p, &r, reason, sizeof reason), OCPP_ERR_NONE);
    assert_int_equal(r.evse_id, 2);
    json_decref(p);
    p = json_pack("{s:{s:s,s:s}}", "idToken", "idToken", "T1", "type", "ISO14443");
    assert_int_equal(ocpp_v201.remote_start_parse(p, &r, reason, sizeof reason),
                     OCPP_ERR_OCCURRENCE_CONSTRAINT);
    assert_non_null(strstr(reason, "remoteStartId"));
    json_decref(p);
    p = json_pack("{s:i}", "transactionId", 12);
    assert_int_equal(ocpp_v16.remote_stop_parse(p, id, sizeof id, reason, sizeof reason),
                     OCPP_ERR_NONE);
    assert_string_equal(id, "12");
    assert_int_equal(ocpp_v201.remote_stop_parse(p, id, sizeof id, reason, sizeof reason),
                     OCPP_ERR_TYPE_CONSTRAINT);
    json_decref(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(boot_requests),
        cmocka_unit_test(config_values),
        cmocka_unit_test(status_targets_and_payloads),
        cmocka_unit_test(boot_results),
        cmocka_unit_test(lookups),
        cmocka_unit_test(measurands),
        cmocka_unit_test(meter_values),
        cmocka_unit_test(transactions),
        cmocka_unit_test(remote_start_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
