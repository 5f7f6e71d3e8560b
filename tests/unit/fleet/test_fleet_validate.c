/* Request validation: good bodies become the right plan; each bad field is reported at
 * its loc; repeated templates get L01_/L02_; seeded CPO plans repeat. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fleet_validate.h"
#include "fleet_expand.h"

#define WS "ws://127.0.0.1:9000/ocpp"

static json_t *load(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    assert_non_null(j);
    return j;
}

/* Runs the chargers validator; asserts it fails with an item at loc (JSON text). */
static void expect_422(const char *body, const char *taken, const char *loc, const char *type)
{
    json_t *b = load(body), *t = taken ? load(taken) : NULL, *plan = NULL, *errors = NULL;
    json_t *want = load(loc);
    size_t i;
    json_t *d;
    int found = 0;

    assert_int_equal(fleet_validate_chargers(b, t, NULL, WS, &plan, &errors), FLEET_VALID_INVALID);
    assert_null(plan);
    json_array_foreach(errors, i, d) {
        assert_string_equal(json_string_value(json_array_get(json_object_get(d, "loc"), 0)), "body");
        if (json_equal(json_object_get(d, "loc"), want) &&
            (!type || strcmp(json_string_value(json_object_get(d, "type")), type) == 0))
            found = 1;
    }
    if (!found)
        fail_msg("no %s error at %s in %s", type ? type : "", loc, json_dumps(errors, 0));
    json_decref(b);
    json_decref(t);
    json_decref(want);
    json_decref(errors);
}

/* errors[i].loc equals the JSON text loc */
static void assert_loc(json_t *errors, size_t i, const char *loc)
{
    json_t *want = load(loc);
    if (!json_equal(json_object_get(json_array_get(errors, i), "loc"), want))
        fail_msg("error %zu is not at %s: %s", i, loc, json_dumps(errors, 0));
    json_decref(want);
}

static void good_chargers_plan(void **state)
{
    json_t *b = load("[{\"template\":{\"brand_slug\":\"schneider\",\"model_slug\":\"evlink-pro-ac-22kw\","
                     "\"ocpp_version\":\"OCPP2.0.1\",\"identity_prefix\":\"A_\",\"template_name\":\"Post\"},"
                     "\"charger_ids\":[\"1\"],\"chargers_number\":3}]");
    json_t *plan, *errors;

    assert_int_equal(fleet_validate_chargers(b, NULL, NULL, WS, &plan, &errors), FLEET_VALID_OK);
    /* the plan keeps the group; its rows come from expanding it (after the 202) */
    assert_int_equal(json_integer_value(json_object_get(plan, "count")), 3);
    assert_int_equal(json_array_size(json_object_get(plan, "groups")), 1);
    struct fleet_rng rng;
    fleet_rng_init_random(&rng);
    json_t *taken = json_object();
    json_t *rows = fleet_expand_plan(json_object_get(plan, "groups"), taken, &rng);
    json_decref(plan);
    json_decref(taken);
    plan = rows;
    assert_int_equal(json_array_size(plan), 3);
    json_t *row = json_array_get(plan, 0);
    assert_string_equal(json_string_value(json_object_get(row, "identity")), "A_1");
    assert_string_equal(json_string_value(json_object_get(row, "charge_point_name")), "Post 1");
    assert_string_equal(json_string_value(json_object_get(row, "ocpp_version")), "OCPP2.0.1");
    assert_string_equal(json_string_value(json_object_get(row, "ws_url")), WS);   /* fallback */
    assert_string_equal(json_string_value(json_object_get(row, "vendor")), "Schneider Electric");
    assert_string_equal(json_string_value(json_object_get(row, "connector_type")), "TYPE2");
    assert_int_equal(json_integer_value(json_object_get(row, "connectors")), 1);
    assert_non_null(json_object_get(row, "serial"));
    assert_int_equal(strlen(json_string_value(json_object_get(json_array_get(plan, 2), "identity"))), 8);
    json_decref(plan);
    json_decref(b);
}

static void bad_chargers(void **state)
{
    const char *g = "{\"brand_slug\":\"schneider\",\"model_slug\":\"evlink-pro-ac-22kw\"}";
    char body[512];

    expect_422("{}", NULL, "[\"body\"]", "type_error.list");
    expect_422("[]", NULL, "[\"body\"]", NULL);
    expect_422("[{\"chargers_number\":1}]", NULL, "[\"body\",0,\"template\"]", "value_error.missing");
    snprintf(body, sizeof(body), "[{\"template\":%s,\"chargers_number\":\"5\"}]", g);
    expect_422(body, NULL, "[\"body\",0,\"chargers_number\"]", "type_error.integer");
    snprintf(body, sizeof(body), "[{\"template\":%s,\"chargers_number\":-1}]", g);
    expect_422(body, NULL, "[\"body\",0,\"chargers_number\"]", "value_error.number.not_ge");
    snprintf(body, sizeof(body), "[{\"template\":%s,\"chargers_number\":100001}]", g);
    expect_422(body, NULL, "[\"body\",0,\"chargers_number\"]", "value_error.number.not_le");
    snprintf(body, sizeof(body), "[{\"template\":%s}]", g);
    expect_422(body, NULL, "[\"body\",0,\"chargers_number\"]", "value_error.missing");
    snprintf(body, sizeof(body), "[{\"template\":%s,\"charger_ids\":[\"a\",\"a\"]}]", g);
    expect_422(body, NULL, "[\"body\",0,\"charger_ids\",1]", "value_error.duplicate");
    snprintf(body, sizeof(body), "[{\"template\":%s,\"charger_ids\":[\"a\"]},{\"template\":%s,\"charger_ids\":[\"a\"]}]", g, g);
    expect_422(body, NULL, "[\"body\",1,\"charger_ids\",0]", "value_error.duplicate");
    snprintf(body, sizeof(body), "[{\"template\":%s,\"charger_ids\":[\"a\"]}]", g);
    expect_422(body, "{\"a\":true}", "[\"body\",0,\"charger_ids\",0]", "value_error.duplicate");
    snprintf(body, sizeof(body), "[{\"template\":%s,\"charger_ids\":[\"a/b\"]}]", g);
    expect_422(body, NULL, "[\"body\",0,\"charger_ids\",0]", "value_error.identity");
    expect_422("[{\"template\":{\"brand_slug\":\"schneider\",\"model_slug\":\"x\"},\"chargers_number\":1}]",
               NULL, "[\"body\",0,\"template\",\"model_slug\"]", "value_error.unknown_model");
    expect_422("[{\"template\":{\"brand_slug\":\"schneider\",\"model_slug\":\"evlink-pro-ac-22kw\",\"ws_url\":\"http://x\"},\"chargers_number\":1}]",
               NULL, "[\"body\",0,\"template\",\"ws_url\"]", "value_error.url.scheme");
    expect_422("[{\"template\":{\"brand_slug\":\"schneider\",\"model_slug\":\"evlink-pro-ac-22kw\",\"ocpp_version\":\"OCPP2.1\"},\"chargers_number\":1}]",
               NULL, "[\"body\",0,\"template\",\"ocpp_version\"]", "value_error.const");
}

static void no_ws_url_anywhere(void **state)
{
    json_t *b = load("[{\"template\":{\"brand_slug\":\"schneider\",\"model_slug\":\"evlink-pro-ac-22kw\"},\"chargers_number\":1}]");
    json_t *plan, *errors;

    assert_int_equal(fleet_validate_chargers(b, NULL, NULL, NULL, &plan, &errors), FLEET_VALID_INVALID);
    assert_loc(errors, 0, "[\"body\",0,\"template\",\"ws_url\"]");
    json_decref(errors);
    json_decref(b);
}

static void locations_prefixes_and_coordinates(void **state)
{
    json_t *b = load("{\"locations\":[{\"template\":\"highway-dc-station\"},{\"template\":\"highway-dc-station\"},"
                     "{\"template\":\"urban-ac-hub\"},"
                     "{\"name\":\"Raw\",\"coordinates\":{\"latitude\":\"1.5\",\"longitude\":2.25},\"charges\":[]}]}");
    json_t *plan, *errors;

    assert_int_equal(fleet_validate_locations(b, NULL, WS, 0, &plan, &errors), FLEET_VALID_OK);
    json_t *all = plan;
    plan = json_incref(json_object_get(all, "locations"));
    json_decref(all);
    assert_int_equal(json_array_size(plan), 4);
    const char *id0 = json_string_value(json_object_get(json_array_get(json_object_get(json_array_get(plan, 0), "chargers"), 0), "identity"));
    const char *id1 = json_string_value(json_object_get(json_array_get(json_object_get(json_array_get(plan, 1), "chargers"), 0), "identity"));
    const char *id2 = json_string_value(json_object_get(json_array_get(json_object_get(json_array_get(plan, 2), "chargers"), 0), "identity"));
    assert_int_equal(strncmp(id0, "L01_HDC_", 8), 0);
    assert_int_equal(strncmp(id1, "L02_HDC_", 8), 0);
    assert_int_equal(strncmp(id2, "UAH_", 4), 0);   /* used once: no L prefix */
    json_t *raw = json_array_get(plan, 3);
    assert_string_equal(json_string_value(json_object_get(raw, "latitude")), "1.5");
    assert_string_equal(json_string_value(json_object_get(raw, "longitude")), "2.2500000");
    json_decref(plan);
    json_decref(b);

    b = load("[{\"name\":\"No coordinates\"}]");
    assert_int_equal(fleet_validate_locations(b, NULL, WS, 0, &plan, &errors), FLEET_VALID_INVALID);
    assert_loc(errors, 0, "[\"body\",0,\"coordinates\"]");
    json_decref(errors);
    json_decref(b);
}

static void cpo_plans(void **state)
{
    json_t *b = load("{\"template\":\"small-urban-ac\",\"seed\":42,\"overrides\":{\"locations\":2,\"chargers_per_location\":3}}");
    json_t *p1, *p2, *errors;

    assert_int_equal(fleet_validate_cpo(b, WS, &p1, &errors), FLEET_VALID_OK);
    assert_int_equal(fleet_validate_cpo(b, WS, &p2, &errors), FLEET_VALID_OK);
    assert_true(json_equal(p1, p2));          /* same seed + template: same fleet */
    json_t *locs = json_object_get(p1, "locations");
    assert_int_equal(json_array_size(locs), 2);
    assert_int_equal(json_array_size(json_object_get(json_array_get(locs, 0), "chargers")), 3);
    assert_int_equal(json_integer_value(json_object_get(p1, "ttl_seconds")), 3600);
    assert_string_equal(json_string_value(json_object_get(p1, "country_code")), "NL");
    json_decref(p1);
    json_decref(p2);
    json_decref(b);

    b = load("{\"template\":\"no-such\"}");
    assert_int_equal(fleet_validate_cpo(b, WS, &p1, &errors), FLEET_VALID_NOT_FOUND);
    assert_non_null(strstr(json_string_value(errors), "no-such"));
    json_decref(errors);
    json_decref(b);

    b = load("{\"template\":\"small-urban-ac\",\"ttl_seconds\":null}");
    assert_int_equal(fleet_validate_cpo(b, WS, &p1, &errors), FLEET_VALID_OK);
    assert_true(json_is_null(json_object_get(p1, "ttl_seconds")));
    json_decref(p1);
    json_decref(b);

    /* alpha-3 (any case) is taken as its alpha-2; name_prefix starts every identity */
    b = load("{\"template\":\"small-urban-ac\",\"country_code\":\"fra\",\"name_prefix\":\"alice\","
             "\"role\":\"cpo\"}");
    assert_int_equal(fleet_validate_cpo(b, WS, &p1, &errors), FLEET_VALID_OK);
    assert_string_equal(json_string_value(json_object_get(p1, "country_code")), "FR");
    locs = json_object_get(p1, "locations");
    const char *id = json_string_value(json_object_get(json_array_get(json_object_get(
        json_array_get(locs, 0), "chargers"), 0), "identity"));
    assert_int_equal(strncmp(id, "alice_L01_UAH_", 14), 0);
    json_decref(p1);
    json_decref(b);

    b = load("{\"template\":\"small-urban-ac\",\"role\":\"emsp\",\"name_prefix\":\"a b\","
             "\"typo\":1}");
    assert_int_equal(fleet_validate_cpo(b, WS, &p1, &errors), FLEET_VALID_INVALID);
    assert_loc(errors, 0, "[\"body\",\"role\"]");
    assert_loc(errors, 1, "[\"body\",\"name_prefix\"]");
    assert_loc(errors, 2, "[\"body\",\"typo\"]");
    /* the validator's words where it and the document both found the problem */
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(errors, 0), "msg")),
                           "not simulated"));
    json_decref(errors);
    json_decref(b);

    b = load("{\"template\":\"small-urban-ac\",\"ttl_seconds\":1,\"country_code\":\"QQ\"}");
    assert_int_equal(fleet_validate_cpo(b, NULL, &p1, &errors), FLEET_VALID_INVALID);
    assert_int_equal(json_array_size(errors), 3);   /* ttl, ws_url (none at all), country_code */
    json_decref(errors);
    json_decref(b);
}

/* The seed's location fields reach the plan under their OCPI names; nothing is dropped. */
static void location_seed_fields(void **state)
{
    json_t *b = load("{\"locations\":[{\"name\":\"La Defense\",\"address\":\"14 Rue de la Paix\","
                     "\"city\":\"Paris\",\"country\":\"FR\",\"coordinates\":{\"latitude\":48.8566,"
                     "\"longitude\":2.3522},\"timezone\":\"Europe/Paris\",\"owner_name\":\"VINCI\","
                     "\"public\":false,\"publishAllowedTo\":[{\"uid\":\"U1\",\"type\":\"RFID\"}],"
                     "\"openingTimes\":{\"twentyfourseven\":true},\"locationEnergyMix\":{\"isGreenEnergy\":true},"
                     "\"charges\":[{\"template\":"
                     "{\"brand_slug\":\"wallbox\",\"model_slug\":\"wallbox-pulsar-plus\","
                     "\"connector_type\":\"ccs 2\"},\"charger_ids\":[\"1\"]}]},"
                     "{\"template\":\"residential-ac-single\",\"overrides\":{\"city\":\"Ghent\","
                     "\"country\":\"BEL\",\"timezone\":\"Europe/Brussels\",\"ocpp_version\":\"OCPP2.0.1\","
                     "\"coordinates\":{\"latitude\":51.05,\"longitude\":3.72}}}]}");
    json_t *plan, *errors;

    assert_int_equal(fleet_validate_locations(b, NULL, WS, 0, &plan, &errors), FLEET_VALID_OK);
    json_t *raw = json_array_get(json_object_get(plan, "locations"), 0);
    json_t *ocpi = json_object_get(raw, "ocpi");
    assert_string_equal(json_string_value(json_object_get(raw, "country")), "FRA");
    assert_string_equal(json_string_value(json_object_get(ocpi, "time_zone")), "Europe/Paris");
    assert_string_equal(json_string_value(json_object_get(json_object_get(ocpi, "owner"), "name")),
                        "VINCI");
    assert_true(json_is_false(json_object_get(ocpi, "publish")));
    assert_non_null(json_object_get(ocpi, "publish_allowed_to"));
    assert_non_null(json_object_get(json_object_get(ocpi, "opening_times"), "twentyfourseven"));
    assert_true(json_is_true(json_object_get(json_object_get(ocpi, "energy_mix"), "is_green_energy")));
    assert_null(json_object_get(ocpi, "timezone"));
    assert_null(json_object_get(ocpi, "publishAllowedTo"));
    json_t *row = json_array_get(json_object_get(raw, "chargers"), 0);
    assert_string_equal(json_string_value(json_object_get(row, "connector_type")), "CCS2");
    assert_int_equal(json_array_size(json_object_get(plan, "warnings")), 1);   /* not the model's */
    json_t *tl = json_array_get(json_object_get(plan, "locations"), 1);
    assert_string_equal(json_string_value(json_object_get(tl, "city")), "Ghent");
    assert_string_equal(json_string_value(json_object_get(tl, "country")), "BEL");
    assert_string_equal(json_string_value(json_object_get(tl, "latitude")), "51.0500000");
    assert_string_equal(json_string_value(json_object_get(json_object_get(tl, "ocpi"), "time_zone")),
                        "Europe/Brussels");
    assert_string_equal(json_string_value(json_object_get(json_object_get(tl, "ocpi"),
                                                          "parking_type")), "ON_DRIVEWAY");
    json_t *trow = json_array_get(json_object_get(tl, "chargers"), 0);
    assert_string_equal(json_string_value(json_object_get(trow, "ocpp_version")), "OCPP2.0.1");
    json_decref(plan);
    json_decref(b);

    /* bad values and unknown fields are errors, each at its place */
    b = load("[{\"name\":\"X\",\"country\":\"ZZ\",\"coordinates\":{\"latitude\":91,\"longitude\":\"-181\"},"
             "\"timezone\":\"Mars/Base\",\"charges\":[{\"template\":{\"brand_slug\":\"wallbox\","
             "\"model_slug\":\"wallbox-pulsar-plus\",\"connector_type\":\"Type9\"},\"chargers_number\":1}]},"
             "{\"template\":\"urban-ac-hub\",\"overrides\":{\"citty\":\"x\"}}]");
    assert_int_equal(fleet_validate_locations(b, NULL, WS, 0, &plan, &errors), FLEET_VALID_INVALID);
    /* the document's findings first (structure), then the validator's (meaning) */
    const char *want[] = {"[\"body\",0,\"coordinates\",\"latitude\"]",
                          "[\"body\",0,\"coordinates\",\"longitude\"]",
                          "[\"body\",1,\"overrides\",\"citty\"]",
                          "[\"body\",0,\"charges\",0,\"template\",\"connector_type\"]",
                          "[\"body\",0,\"country\"]", "[\"body\",0,\"timezone\"]"};
    assert_int_equal(json_array_size(errors), 6);
    for (size_t i = 0; i < 6; i++)
        assert_loc(errors, i, want[i]);
    json_decref(errors);
    json_decref(b);

    /* empty_location: no chargers, and charges with it are an error */
    b = load("[{\"template\":\"urban-ac-hub\"}]");
    assert_int_equal(fleet_validate_locations(b, NULL, WS, FLEET_VALID_EMPTY_LOCATIONS, &plan, &errors),
                     FLEET_VALID_OK);
    assert_int_equal(json_array_size(json_object_get(json_array_get(json_object_get(plan, "locations"),
                                                                    0), "chargers")), 0);
    json_decref(plan);
    json_decref(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_chargers_plan),
        cmocka_unit_test(bad_chargers),
        cmocka_unit_test(no_ws_url_anywhere),
        cmocka_unit_test(locations_prefixes_and_coordinates),
        cmocka_unit_test(location_seed_fields),
        cmocka_unit_test(cpo_plans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
