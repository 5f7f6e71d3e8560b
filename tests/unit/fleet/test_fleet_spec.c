/* fleet_spec: a plan row read into the typed spec, and a spec's SHARED columns written as a
 * plan group's row, both driven by the one column list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fleet_spec.h"

static void test_from_json(void **state)
{
    (void)state;
    json_t *row = json_loads("{\"identity\":\"CP1\",\"charge_point_name\":\"Post 1\","
                             "\"serial\":\"CF01\",\"vendor\":\"V\",\"connectors\":2,"
                             "\"max_power_kw\":22.5,\"security_profile\":1,"
                             "\"behavior\":{\"call_timeout_s\":5}}", 0, NULL);
    struct cf_charger_spec s;
    memset(&s, 0xff, sizeof s);   /* every member is set, absent ones to NULL / 0 */
    fleet_spec_from_json(row, &s);
    assert_string_equal(s.identity, "CP1");
    assert_string_equal(s.charge_point_name, "Post 1");
    assert_string_equal(s.serial, "CF01");
    assert_string_equal(s.vendor, "V");
    assert_int_equal(s.connectors, 2);
    assert_true(s.max_power_kw == 22.5);
    assert_int_equal(s.security_profile, 1);
    assert_ptr_equal(s.behavior, json_object_get(row, "behavior"));
    assert_null(s.model);
    assert_null(s.ca_file);
    assert_null(s.client_key_pem);
    json_decref(row);
}

static void test_shared_json(void **state)
{
    (void)state;
    json_t *behavior = json_pack("{s:i}", "ping_interval_s", 30);
    struct cf_charger_spec s = {
        .identity = "CP1", .charge_point_name = "Post 1", .serial = "CF01",
        .brand_slug = "abb", .model_slug = "terra", .vendor = "ABB", .model = "Terra",
        .firmware = "1.0", .connectors = 2, .connector_type = "CCS2", .max_power_kw = 50,
        .ocpp_version = "OCPP2.0.1", .ws_url = "ws://csms", .security_profile = 0,
        .behavior = behavior,
    };
    json_t *row = fleet_spec_shared_json(&s);
    /* OWN columns are the expansion's; unset strings are left out; numbers are always there */
    assert_null(json_object_get(row, "identity"));
    assert_null(json_object_get(row, "charge_point_name"));
    assert_null(json_object_get(row, "serial"));
    assert_null(json_object_get(row, "ca_file"));
    assert_null(json_object_get(row, "basic_password"));
    assert_string_equal(json_string_value(json_object_get(row, "model_slug")), "terra");
    assert_int_equal(json_integer_value(json_object_get(row, "connectors")), 2);
    assert_true(json_is_real(json_object_get(row, "max_power_kw")));
    assert_true(json_is_integer(json_object_get(row, "security_profile")));
    assert_ptr_equal(json_object_get(row, "behavior"), behavior);
    assert_int_equal(json_object_size(row), 12);

    struct cf_charger_spec back;
    fleet_spec_from_json(row, &back);
    assert_string_equal(back.ws_url, "ws://csms");
    assert_string_equal(back.connector_type, "CCS2");
    assert_true(back.max_power_kw == 50);
    json_decref(row);
    json_decref(behavior);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_json),
        cmocka_unit_test(test_shared_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
