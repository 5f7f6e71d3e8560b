/* The one list of OCPP actions: every name a version gives has its official schemas
 * (request and response) in that version, the names the versions spell differently
 * are one row, lookups go both ways, and nothing outside the list is found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ocpp_schema.h"
#include "ocpp_version.h"

/* A schema exists for name (the check may fail on the empty payload, but not with
 * "no schema"). */
static int has_schema(const struct ocpp_version *v, const char *name, int request)
{
    char err[256] = "";
    json_t *p = json_object();
    int rc = ocpp_schema_check(v, name, request, p, err, sizeof err);
    json_decref(p);
    return rc == 0 || !strstr(err, "no schema");
}

static void every_name_has_its_schemas(void **state)
{
    const struct ocpp_version *vs[] = {&ocpp_v16, &ocpp_v201};
    for (size_t k = 0; k < 2; k++) {
        int defined = 0;
        for (int a = 0; a < OCPP_ACTION__COUNT; a++) {
            const char *name = ocpp_action_name(vs[k], (enum ocpp_action)a);
            assert_int_equal(vs[k]->actions[a].id, a);
            if (!name)
                continue;
            defined++;
            if (!has_schema(vs[k], name, 1) || !has_schema(vs[k], name, 0))
                fail_msg("%s: no schema for %s", vs[k]->name, name);
            assert_int_equal(ocpp_action_by_name(vs[k], name), a);
        }
        assert_int_equal(defined, k == 0 ? 28 : 64);   /* 1.6 and 2.0.1 define these many */
    }
}

static void renamed_actions_are_one_row(void **state)
{
    static const struct {
        enum ocpp_action a;
        const char *v16, *v201;
    } rows[] = {
        {OCPP_ACTION_GET_CONFIG, "GetConfiguration", "GetVariables"},
        {OCPP_ACTION_SET_CONFIG, "ChangeConfiguration", "SetVariables"},
        {OCPP_ACTION_REMOTE_START, "RemoteStartTransaction", "RequestStartTransaction"},
        {OCPP_ACTION_REMOTE_STOP, "RemoteStopTransaction", "RequestStopTransaction"},
        {OCPP_ACTION_GET_DIAGNOSTICS, "GetDiagnostics", "GetLog"},
        {OCPP_ACTION_DIAGNOSTICS_STATUS, "DiagnosticsStatusNotification",
         "LogStatusNotification"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_string_equal(ocpp_action_name(&ocpp_v16, rows[i].a), rows[i].v16);
        assert_string_equal(ocpp_action_name(&ocpp_v201, rows[i].a), rows[i].v201);
        assert_int_equal(ocpp_action_by_name(&ocpp_v16, rows[i].v16), rows[i].a);
        assert_int_equal(ocpp_action_by_name(&ocpp_v201, rows[i].v201), rows[i].a);
        assert_int_equal(ocpp_action_by_name(&ocpp_v16, rows[i].v201), -1);
    }
}

static void lookups_and_directions(void **state)
{
    assert_int_equal(ocpp_action_by_name(&ocpp_v16, "TransactionEvent"), -1);
    assert_int_equal(ocpp_action_by_name(&ocpp_v201, "StartTransaction"), -1);
    assert_int_equal(ocpp_action_by_name(&ocpp_v201, NULL), -1);
    assert_int_equal(ocpp_action_by_name(&ocpp_v201, "reset"), -1);     /* exact spelling */
    assert_null(ocpp_action_name(&ocpp_v16, OCPP_ACTION__COUNT));
    assert_null(ocpp_action_name(&ocpp_v16, OCPP_ACTION_NOTIFY_REPORT));
    assert_int_equal(ocpp_action_direction(OCPP_ACTION_BOOT_NOTIFICATION), OCPP_CP_TO_CSMS);
    assert_int_equal(ocpp_action_direction(OCPP_ACTION_RESET), OCPP_CSMS_TO_CP);
    assert_int_equal(ocpp_action_direction(OCPP_ACTION_DATA_TRANSFER), OCPP_BOTH);
    assert_int_equal(ocpp_version_action(&ocpp_v201, "GetLog")->id, OCPP_ACTION_GET_DIAGNOSTICS);
    assert_null(ocpp_version_action(&ocpp_v16, "GetLog"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_name_has_its_schemas),
        cmocka_unit_test(renamed_actions_are_one_row),
        cmocka_unit_test(lookups_and_directions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
