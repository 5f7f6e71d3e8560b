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
    p = ocpp_v201.status_request(&t[1], OCPP_CONN_OCCUPIED, "2026-01-01T00:00:00.000Z");
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
    /* every setting has a 1.6 key or a 2.0.1 component/variable, and 2.0.1 names pair */
    for (int i = 0; i < OCPP_CFG__COUNT; i++) {
        const struct ocpp_config_key *k = &ocpp_config_keys[i];
        assert_true(k->key16 || k->component);
        assert_true(!k->component == !k->variable);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(boot_requests),
        cmocka_unit_test(config_values),
        cmocka_unit_test(status_targets_and_payloads),
        cmocka_unit_test(boot_results),
        cmocka_unit_test(lookups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
