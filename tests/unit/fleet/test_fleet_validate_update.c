/* Updates and custom models: the document's schema speaks first (unknown fields,
 * types, enums, ranges: every problem at once, the semantic checks skipped), the
 * semantic checks only for a body the document accepts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fleet_schema.h"
#include "fleet_validate_update.h"

static json_t *load(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
    if (!j)
        fail_msg("bad test JSON: %s: %s", text, e.text);
    return j;
}

enum which { CHARGERS, CHARGER, PATCH, MODEL };

/* Runs the validator; OK: returns the result (new reference); INVALID: asserts the
 * problems are exactly want, a JSON list of [loc, type] in order, and returns NULL. */
static json_t *run(enum which w, const char *body, const char *want)
{
    json_t *b = load(body), *out = NULL, *ids = NULL, *errors = NULL;
    enum fleet_valid r = FLEET_VALID_NOT_FOUND;

    switch (w) {
    case CHARGERS:
    case CHARGER:
        r = fleet_validate_charger_update(b, w == CHARGERS, &out, &ids, &errors);
        json_decref(ids);
        break;
    case PATCH:
        r = fleet_validate_location_patch(b, &out, &errors);
        break;
    case MODEL:
        r = fleet_validate_model(b, "acme", &out, &errors);
        break;
    }
    json_decref(b);
    if (!want) {
        if (r != FLEET_VALID_OK)
            fail_msg("%s: %s", body, json_dumps(errors, JSON_COMPACT));
        return out;
    }
    if (r != FLEET_VALID_INVALID)
        fail_msg("%s: accepted, want %s", body, want);
    assert_null(out);
    json_t *got = json_array(), *d, *expected = load(want);
    size_t i;
    json_array_foreach(errors, i, d)
        json_array_append_new(got, json_pack("[O,O]", json_object_get(d, "loc"),
                                             json_object_get(d, "type")));
    if (!json_equal(got, expected))
        fail_msg("%s:\n  got  %s\n  want %s", body, json_dumps(errors, JSON_COMPACT), want);
    json_decref(got);
    json_decref(expected);
    json_decref(errors);
    return NULL;
}

#define MODEL_OK "\"model_slug\":\"volt-50\",\"name\":\"Volt 50\",\"current_type\":\"DC\"," \
                 "\"max_power_kw\":50,\"connector_count\":2,\"connector_types\":[\"CCS2\"]"

/* Bodies each validator refuses, with exactly the problems expected. */
static const struct {
    enum which w;
    const char *body, *want;
} REFUSED[] = {
    /* the schema: a typo, a wrong enum, a wrong type and a bad scheme at once */
    {CHARGERS, "{\"wsurl\":\"ws://x\",\"ocpp_version\":\"1.6\",\"ca_file\":1,\"ws_url\":\"http://x\"}",
     "[[[\"body\",\"wsurl\"],\"value_error.extra\"],[[\"body\",\"ocpp_version\"],\"value_error.const\"],"
     "[[\"body\",\"ca_file\"],\"type_error.string\"],[[\"body\",\"ws_url\"],\"value_error.str.regex\"]]"},
    {CHARGERS, "[]", "[[[\"body\"],\"type_error.object\"]]"},
    {CHARGERS, "{\"charger_ids\":[]}", "[[[\"body\",\"charger_ids\"],\"value_error.list.min_items\"]]"},
    /* the semantic checks, for bodies the document accepts */
    {CHARGERS, "{\"ws_url\":\"http://x\",\"ca_file\":\"rel/ca.pem\"}",
     "[[[\"body\",\"ws_url\"],\"value_error.str.regex\"],[[\"body\",\"ca_file\"],\"value_error.str.regex\"]]"},
    {CHARGERS, "{}", "[[[\"body\"],\"value_error.missing\"]]"},
    {CHARGER, "{\"ws_url\":\"ws://h\",\"charger_ids\":[\"a\"]}",
     "[[[\"body\",\"charger_ids\"],\"value_error.extra\"]]"},
    {CHARGERS, "{\"ws_url\":\"ws://h\",\"charger_ids\":[\"a\",\"\"]}",
     "[[[\"body\",\"charger_ids\",1],\"value_error.any_str.min_length\"]]"},
        {PATCH, "{\"name\":\"X\",\"colour\":\"red\",\"coordinates\":{\"latitude\":\"52\"}}",
     "[[[\"body\",\"colour\"],\"value_error.extra\"],"
     "[[\"body\",\"coordinates\",\"longitude\"],\"value_error.missing\"]]"},
    {PATCH, "{}", "[[[\"body\"],\"value_error.missing\"]]"},
    {PATCH, "{\"country\":\"zz\"}", "[[[\"body\",\"country\"],\"value_error.country\"]]"},
    {PATCH, "{\"country\":\"NLDX\"}", "[[[\"body\",\"country\"],\"value_error.str.regex\"]]"},
    {PATCH, "{\"ocpi\":{\"parking_type\":\"ROOF\"}}",
     "[[[\"body\",\"ocpi\",\"parking_type\"],\"value_error.const\"]]"},

    {MODEL, "{" MODEL_OK ",\"current_type\":\"AC/DC\",\"connector_count\":0,"
            "\"connector_types\":[\"SCHUKO\"],\"extra\":1,\"max_power_kw\":0}",
     "[[[\"body\",\"current_type\"],\"value_error.const\"],"
     "[[\"body\",\"max_power_kw\"],\"value_error.number.not_gt\"],"
     "[[\"body\",\"connector_count\"],\"value_error.number.not_ge\"],"
     "[[\"body\",\"connector_types\",0],\"value_error.const\"],[[\"body\",\"extra\"],\"value_error.extra\"]]"},
    {MODEL, "{\"name\":\"N\",\"vendor\":\"A vendor name over twenty\"}",
     "[[[\"body\",\"model_slug\"],\"value_error.missing\"],[[\"body\",\"current_type\"],\"value_error.missing\"],"
     "[[\"body\",\"max_power_kw\"],\"value_error.missing\"],[[\"body\",\"connector_count\"],\"value_error.missing\"],"
     "[[\"body\",\"connector_types\"],\"value_error.missing\"],"
     "[[\"body\",\"vendor\"],\"value_error.any_str.max_length\"]]"},
    {MODEL, "{" MODEL_OK ",\"model_slug\":\"Volt 50\"}",
     "[[[\"body\",\"model_slug\"],\"value_error.str.regex\"]]"},
    {MODEL, "{" MODEL_OK ",\"name\":\"\",\"ocpp_versions\":[\"OCPP2.1\"]}",
     "[[[\"body\",\"name\"],\"value_error.any_str.min_length\"],[[\"body\",\"ocpp_versions\",0],\"value_error.const\"]]"},
    {MODEL, "{" MODEL_OK ",\"name\":\"\"}", "[[[\"body\",\"name\"],\"value_error.any_str.min_length\"]]"},
};

static void refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof REFUSED / sizeof REFUSED[0]; i++)
        run(REFUSED[i].w, REFUSED[i].body, REFUSED[i].want);
}

static void accepted(void **state)
{
    (void)state;
    json_t *c = run(CHARGERS, "{\"ws_url\":\"ws://h/ocpp\",\"ca_file\":null}", NULL);
    assert_string_equal(json_string_value(json_object_get(c, "ws_url")), "ws://h/ocpp");
    assert_true(json_is_null(json_object_get(c, "ca_file")));
    json_decref(c);
    json_t *p = run(PATCH, "{\"name\":\"N\",\"coordinates\":{\"latitude\":\"52.1\",\"longitude\":\"4.3\"}}",
                    NULL);
    assert_string_equal(json_string_value(json_object_get(p, "latitude")), "52.1");
    json_decref(p);
    json_t *m = run(MODEL, "{" MODEL_OK "}", NULL);
    assert_string_equal(json_string_value(json_object_get(m, "vendor")), "acme");
    assert_string_equal(json_string_value(json_object_get(m, "current_type")), "DC");
    assert_int_equal(json_integer_value(json_object_get(m, "connector_count")), 2);
    assert_int_equal(json_array_size(json_object_get(m, "ocpp_versions")), 2);   /* default */
    json_decref(m);
    m = run(MODEL, "{" MODEL_OK ",\"ocpp_versions\":[\"OCPP2.0.1\"],\"vendor\":\"V\"}", NULL);
    assert_string_equal(json_string_value(json_object_get(m, "ocpp_version")), "OCPP2.0.1");
    assert_string_equal(json_string_value(json_object_get(m, "vendor")), "V");
    json_decref(m);
    json_t *ids = NULL, *changes = NULL, *errors = NULL;
    json_t *b = load("{\"template_name\":\"Bay\",\"charger_ids\":[\"a\"]}");
    assert_int_equal(fleet_validate_charger_update(b, 1, &changes, &ids, &errors), FLEET_VALID_OK);
    assert_true(json_equal(ids, json_object_get(b, "charger_ids")));
    json_decref(ids);
    json_decref(changes);
    json_decref(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refused),
        cmocka_unit_test(accepted),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    fleet_schema_cleanup();
    return failed;
}
