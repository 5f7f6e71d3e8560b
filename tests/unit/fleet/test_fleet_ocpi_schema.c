/* OCPI 2.2.1 Location fields: a full, valid object passes; each bad value is reported
 * at its place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fleet_ocpi_schema.h"

static const char FULL[] =
    "{\"name\": \"Hub\", \"parking_type\": \"PARKING_LOT\","
    " \"facilities\": [\"CAFE\", \"WIFI\"],"
    " \"operator\": {\"name\": \"Op\", \"website\": \"https://op.example\","
    "   \"logo\": {\"url\": \"https://op.example/l.png\", \"category\": \"OPERATOR\","
    "              \"type\": \"png\", \"width\": 100, \"height\": 50}},"
    " \"suboperator\": {\"name\": \"Sub\"}, \"owner\": {\"name\": \"Owner\"},"
    " \"opening_times\": {\"twentyfourseven\": false,"
    "   \"regular_hours\": [{\"weekday\": 1, \"period_begin\": \"08:00\", \"period_end\": \"20:00\"},"
    "                       {\"weekday\": 7, \"period_begin\": \"00:00\", \"period_end\": \"24:00\"}],"
    "   \"exceptional_openings\": [{\"period_begin\": \"2026-12-24T08:00:00Z\","
    "                               \"period_end\": \"2026-12-24T12:00:00Z\"}],"
    "   \"exceptional_closings\": [{\"period_begin\": \"2026-12-25T00:00:00+01:00\","
    "                               \"period_end\": \"2026-12-26T00:00:00.000Z\"}]},"
    " \"directions\": [{\"language\": \"en\", \"text\": \"Second floor\"}],"
    " \"images\": [{\"url\": \"https://x/i.jpg\", \"category\": \"LOCATION\", \"type\": \"jpeg\"}],"
    " \"energy_mix\": {\"is_green_energy\": true,"
    "   \"energy_sources\": [{\"source\": \"WIND\", \"percentage\": 60},"
    "                        {\"source\": \"SOLAR\", \"percentage\": 40}],"
    "   \"environ_impact\": [{\"category\": \"CARBON_DIOXIDE\", \"amount\": 0}],"
    "   \"supplier_name\": \"Green\", \"energy_product_name\": \"100% green\"},"
    " \"related_locations\": [{\"latitude\": \"52.1\", \"longitude\": \"4.3\","
    "   \"name\": {\"language\": \"nl\", \"text\": \"Ingang\"}}],"
    " \"publish\": true, \"publish_allowed_to\": [{\"uid\": \"12345\", \"type\": \"RFID\"}],"
    " \"time_zone\": \"Europe/Amsterdam\", \"charging_when_closed\": true, \"state\": \"NH\"}";

static json_t *errors_of(const char *text)
{
    json_error_t e;
    json_t *obj = json_loads(text, 0, &e), *loc = json_pack("[s]", "body"), *errors = json_array();
    assert_non_null(obj);
    fleet_ocpi_check_location(obj, loc, errors);
    json_decref(obj);
    json_decref(loc);
    return errors;
}

static void full_location_is_valid(void **state)
{
    (void)state;
    json_t *errors = errors_of(FULL);
    if (json_array_size(errors))
        fail_msg("%s", json_dumps(errors, 0));
    json_decref(errors);
}

/* One bad value: exactly one error, at loc. */
static void expect(const char *key, const char *value, const char *loc)
{
    json_error_t e;
    json_t *obj = json_loads(FULL, 0, &e), *v = json_loads(value, JSON_DECODE_ANY, &e);
    assert_non_null(v);
    json_object_set_new(obj, key, v);
    char *text = json_dumps(obj, 0);
    json_t *errors = errors_of(text);
    char *got = json_dumps(json_object_get(json_array_get(errors, 0), "loc"), JSON_COMPACT);
    if (json_array_size(errors) != 1 || strcmp(got, loc) != 0)
        fail_msg("%s=%s: want one error at %s, got %s", key, value, loc, json_dumps(errors, 0));
    free(got);
    free(text);
    json_decref(errors);
    json_decref(obj);
}

static void bad_values_are_located(void **state)
{
    (void)state;
    expect("parking_type", "\"CAR_PARK\"", "[\"body\",\"parking_type\"]");
    expect("facilities", "[\"WIFI\", \"SPA\"]", "[\"body\",\"facilities\",1]");
    expect("facilities", "\"WIFI\"", "[\"body\",\"facilities\"]");
    expect("operator", "{\"website\": \"x\"}", "[\"body\",\"operator\",\"name\"]");
    expect("owner", "{\"name\": \"o\", \"logo\": {\"url\": \"u\", \"category\": \"LOGO\", \"type\": \"png\"}}",
           "[\"body\",\"owner\",\"logo\",\"category\"]");
    expect("opening_times", "{\"regular_hours\": []}", "[\"body\",\"opening_times\",\"twentyfourseven\"]");
    expect("opening_times", "{\"twentyfourseven\": false, \"regular_hours\": [{\"weekday\": 8, "
           "\"period_begin\": \"08:00\", \"period_end\": \"20:00\"}]}",
           "[\"body\",\"opening_times\",\"regular_hours\",0,\"weekday\"]");
    expect("opening_times", "{\"twentyfourseven\": false, \"regular_hours\": [{\"weekday\": 2, "
           "\"period_begin\": \"8:00\", \"period_end\": \"20:00\"}]}",
           "[\"body\",\"opening_times\",\"regular_hours\",0,\"period_begin\"]");
    expect("opening_times", "{\"twentyfourseven\": true, \"exceptional_closings\": "
           "[{\"period_begin\": \"2026-12-25\", \"period_end\": \"2026-12-26T00:00:00Z\"}]}",
           "[\"body\",\"opening_times\",\"exceptional_closings\",0,\"period_begin\"]");
    expect("energy_mix", "{\"is_green_energy\": true, \"energy_sources\": [{\"source\": \"WIND\", "
           "\"percentage\": 120}]}", "[\"body\",\"energy_mix\",\"energy_sources\",0,\"percentage\"]");
    expect("energy_mix", "{\"is_green_energy\": true, \"energy_sources\": [{\"source\": \"OIL\", "
           "\"percentage\": 20}]}", "[\"body\",\"energy_mix\",\"energy_sources\",0,\"source\"]");
    expect("images", "[{\"url\": \"u\", \"category\": \"CHARGER\", \"type\": \"jpeg2\"}]",
           "[\"body\",\"images\",0,\"type\"]");
    expect("directions", "[{\"language\": \"eng\", \"text\": \"x\"}]",
           "[\"body\",\"directions\",0,\"language\"]");
    expect("related_locations", "[{\"latitude\": \"north\", \"longitude\": \"4.3\"}]",
           "[\"body\",\"related_locations\",0,\"latitude\"]");
    expect("publish_allowed_to", "[{\"type\": \"NFC\"}]", "[\"body\",\"publish_allowed_to\",0,\"type\"]");
    expect("publish", "\"yes\"", "[\"body\",\"publish\"]");
    expect("charging_when_closed", "1", "[\"body\",\"charging_when_closed\"]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_location_is_valid),
        cmocka_unit_test(bad_values_are_located),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
