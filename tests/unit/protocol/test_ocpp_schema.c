/* The official OCPP schemas (embedded) judge payloads: every message our version tables
 * build passes them, and broken payloads are refused naming where. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ocpp_schema.h"

#define TS "2026-11-30T12:00:00.000Z"

static void assert_valid(const struct ocpp_version *v, const char *action, int request,
                         json_t *payload)
{
    char err[256] = "";
    int rc = ocpp_schema_check(v, action, request, payload, err, sizeof err);
    if (rc != 0)
        fail_msg("%s %s: %s", v->name, action, err);
    json_decref(payload);
}

static void refusals(void **state)
{
    char err[256];
    (void)state;
    json_t *p = json_pack("{s:i}", "idTag", 5);
    assert_int_equal(ocpp_schema_check(&ocpp_v16, "Authorize", 1, p, err, sizeof err), -1);
    assert_non_null(strstr(err, "payload.idTag"));
    json_decref(p);
    p = json_pack("{s:s,s:s}", "idTag", "A", "color", "red");
    assert_int_equal(ocpp_schema_check(&ocpp_v16, "Authorize", 1, p, err, sizeof err), -1);
    assert_non_null(strstr(err, "payload.color"));
    json_decref(p);
    p = json_pack("{s:s}", "idTag", "ABCDEFGHIJKLMNOPQRSTUVWXYZ");     /* > 20 */
    assert_int_equal(ocpp_schema_check(&ocpp_v16, "Authorize", 1, p, err, sizeof err), -1);
    json_decref(p);
    p = json_pack("{s:{s:s,s:s}}", "idToken", "idToken", "A", "type", "Card");
    assert_int_equal(ocpp_schema_check(&ocpp_v201, "Authorize", 1, p, err, sizeof err), -1);
    assert_non_null(strstr(err, "payload.idToken.type"));
    json_decref(p);
    p = json_object();
    assert_int_equal(ocpp_schema_check(&ocpp_v16, "NoSuchAction", 1, p, err, sizeof err), -1);
    assert_int_equal(ocpp_schema_check(&ocpp_v16, "Heartbeat", 1, p, err, sizeof err), 0);
    json_decref(p);
}

/* What the charger sends, built by the version tables, as the CSMS's validator sees it. */
static void our_messages(void **state)
{
    static const struct ocpp_station_info info = {"Vendor", "Model", "SN1", "1.0", 2};
    const struct ocpp_version *vs[] = {&ocpp_v16, &ocpp_v201};
    struct ocpp_meter m = {.energy_wh = 1500.25, .power_w = 7400, .current_a = 10.7,
                           .voltage_v = 230, .phases = 3, .soc = 55,
                           .measurands = OCPP_MEAS_ENERGY | OCPP_MEAS_POWER | OCPP_MEAS_CURRENT |
                                         OCPP_MEAS_VOLTAGE | OCPP_MEAS_SOC};
    (void)state;

    for (int k = 0; k < 2; k++) {
        const struct ocpp_version *v = vs[k];
        struct ocpp_status_target t[4];
        int n = v->status_targets(2, t, 4);
        assert_valid(v, "BootNotification", 1, v->boot_request(&info, OCPP_BOOT_REMOTE_RESET));
        for (int s = OCPP_CONN_AVAILABLE; s <= OCPP_CONN_FAULTED; s++)
            assert_valid(v, "StatusNotification", 1,
                         v->status_request(&t[n - 1], (enum ocpp_connector_status)s, TS));
        assert_valid(v, "Authorize", 1, v->authorize_request("TAG1", "ISO14443"));
        assert_valid(v, "MeterValues", 1, v->meter_request(&t[n - 1], k ? NULL : "12", &m,
                                                           "Trigger", TS));
        for (int e = OCPP_TX_STARTED; e <= OCPP_TX_ENDED; e++) {
            struct ocpp_tx tx = {.event = (enum ocpp_tx_event)e,
                                 .cause = e == OCPP_TX_ENDED ? OCPP_CAUSE_EV_DISCONNECTED
                                                             : OCPP_CAUSE_REMOTE_START,
                                 .where = t[n - 1], .status = OCPP_CONN_CHARGING,
                                 .id_tag = "TAG1", .id_type = "ISO14443", .tx_id = "42",
                                 .seq_no = e, .remote_start_id = 3, .offline = 1,
                                 .reservation_id = 7, .timestamp = TS, .meter = &m};
            json_t *p = NULL;
            const char *action = ocpp_action_name(v, v->tx_request(&tx, &p));
            assert_valid(v, action, 1, p);
        }
        assert_valid(v, ocpp_action_name(v, OCPP_ACTION_DIAGNOSTICS_STATUS), 1, ocpp_progress_payload("Uploaded", k ? 4 : -1));
        assert_valid(v, "FirmwareStatusNotification", 1,
                     ocpp_progress_payload("Installed", k ? 4 : -1));
        struct ocpp_period per[2] = {{0, 11000, 0}, {300, 16.5, 3}};
        assert_valid(v, "GetCompositeSchedule", 0, v->composite_answer(1, TS, 600, 0, per, 2));
        assert_valid(v, "GetLocalListVersion", 0, v->local_version_answer(3));
        assert_valid(v, ocpp_action_name(v, OCPP_ACTION_GET_DIAGNOSTICS), 0, v->diagnostics_answer("x.log"));
        assert_valid(v, "UpdateFirmware", 0, v->firmware_answer());
    }
    assert_valid(&ocpp_v201, "SecurityEventNotification", 1,
                 ocpp_v201.security_event("StartupOfTheDevice", TS));
    struct ocpp_status_target e1 = {1, 1};
    assert_valid(&ocpp_v201, "NotifyEvent", 1, ocpp_v201.notify_problem(1, TS, &e1, 1));
    assert_valid(&ocpp_v201, "ReservationStatusUpdate", 1, ocpp_v201.reservation_expired(5));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refusals),
        cmocka_unit_test(our_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
