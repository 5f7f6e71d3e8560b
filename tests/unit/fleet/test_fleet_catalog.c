/* The catalog and the templates: the models the issue names, template integrity (every
 * group names a catalog model), gallery documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <regex.h>
#include <string.h>
#include <cmocka.h>

#include "fleet_catalog.h"
#include "ocpp_version.h"

static void models(void **state)
{
    const struct fleet_model *m = fleet_catalog_model("schneider", "evlink-pro-ac-22kw");
    int ac = 0, dc = 0;

    assert_true(fleet_catalog_model_count() >= 8);
    assert_non_null(m);
    assert_string_equal(m->current, "AC");
    assert_true(m->max_power_kw == 22);
    assert_non_null(fleet_catalog_model("wallbox", "wallbox-pulsar-plus"));
    assert_null(fleet_catalog_model("wallbox", "evlink-pro-ac-22kw"));
    assert_null(fleet_catalog_model(NULL, "x"));
    json_t *brands = fleet_catalog_brands_json(NULL);
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(brands, "data"), i, b) {
        json_t *ms = fleet_catalog_models_json(json_string_value(json_object_get(b, "slug")), NULL);
        size_t j;
        json_t *mj;
        json_array_foreach(json_object_get(ms, "data"), j, mj) {
            const char *cur = json_string_value(json_object_get(mj, "current_type"));
            ac += strcmp(cur, "AC") == 0;
            dc += strcmp(cur, "DC") == 0;
            /* OCPP 1.6 CiString20 limits */
            assert_true(strlen(json_string_value(json_object_get(mj, "vendor"))) <= 20);
            assert_true(strlen(json_string_value(json_object_get(mj, "model"))) <= 20);
        }
        json_decref(ms);
    }
    assert_int_equal(ac + dc, fleet_catalog_model_count());
    assert_true(ac >= 3 && dc >= 3);
    json_decref(brands);
    assert_null(fleet_catalog_models_json("acme", NULL));
    assert_null(fleet_catalog_model_json("schneider", "nope", NULL));
}

/* A tenant's custom models join the catalog: a new brand, or an existing one. */
static void custom_models(void **state)
{
    (void)state;
    json_error_t e;
    json_t *custom = json_loads(
        "{\"acme/a1\": {\"brand_slug\": \"acme\", \"brand_name\": \"Acme\", \"model_slug\": \"a1\","
        " \"name\": \"A1\", \"vendor\": \"Acme\", \"model\": \"A1\", \"current_type\": \"DC\","
        " \"max_power_kw\": 50, \"connectors\": 2, \"connector_types\": [\"CCS2\"],"
        " \"firmware\": \"1.0\", \"ocpp_version\": \"OCPP2.0.1\"},"
        " \"abb/x9\": {\"brand_slug\": \"abb\", \"model_slug\": \"x9\"}}", 0, &e);
    assert_non_null(custom);
    json_t *brands = fleet_catalog_brands_json(custom);
    assert_int_equal(json_integer_value(json_object_get(brands, "models")),
                     fleet_catalog_model_count() + 2);
    json_t *ms = fleet_catalog_models_json("acme", custom);
    assert_non_null(ms);
    assert_int_equal(json_integer_value(json_object_get(ms, "total")), 1);
    json_decref(ms);
    ms = fleet_catalog_models_json("abb", custom);
    assert_true(json_integer_value(json_object_get(ms, "total")) >= 2);
    json_decref(ms);
    json_t *m = fleet_catalog_model_json("acme", "a1", custom);
    struct fleet_model om;
    assert_int_equal(fleet_model_from_json(m, &om), 0);
    assert_int_equal(om.connectors, 2);
    assert_string_equal(om.connector_types[0], "CCS2");
    /* incomplete documents are refused */
    assert_int_equal(fleet_model_from_json(json_object_get(custom, "abb/x9"), &om), -1);
    json_decref(m);
    json_decref(brands);
    json_decref(custom);
}

static void gallery_filters(void **state)
{
    (void)state;
    json_t *all = fleet_templates_location_json(NULL, NULL);
    json_t *ac = fleet_templates_location_json("AC", NULL);
    json_t *dc = fleet_templates_location_json("DC", NULL);
    json_t *v2 = fleet_templates_cpo_json(NULL, "OCPP2.0.1");
    size_t n = json_array_size(json_object_get(all, "data"));
    assert_true(json_array_size(json_object_get(ac, "data")) >= 1);
    assert_true(json_array_size(json_object_get(dc, "data")) >= 1);
    assert_true(json_array_size(json_object_get(ac, "data")) + json_array_size(json_object_get(dc, "data")) <= n);
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(ac, "data"), i, t)
        assert_string_equal(json_string_value(json_object_get(t, "current_type")), "AC");
    json_array_foreach(json_object_get(v2, "data"), i, t) {
        json_t *vs = json_object_get(t, "ocpp_versions");
        assert_string_equal(json_string_value(json_array_get(vs, json_array_size(vs) - 1)), "OCPP2.0.1");
    }
    assert_false(fleet_gallery_filter_ok("ACDC", NULL));
    assert_false(fleet_gallery_filter_ok(NULL, "1.6"));
    assert_true(fleet_gallery_filter_ok("AC-DC", "OCPP1.6"));
    json_decref(all);
    json_decref(ac);
    json_decref(dc);
    json_decref(v2);
}

static void location_templates(void **state)
{
    const char *slugs[] = {"urban-ac-hub", "highway-dc-station", "residential-ac-single"};

    for (size_t i = 0; i < 3; i++) {
        const struct fleet_location_tmpl *t = fleet_location_template(slugs[i]);
        assert_non_null(t);
        assert_true(fleet_location_template_chargers(t) >= 1);
        for (int g = 0; g < FLEET_MAX_GROUPS && t->groups[g].brand_slug; g++) {
            assert_non_null(fleet_catalog_model(t->groups[g].brand_slug, t->groups[g].model_slug));
            assert_non_null(ocpp_version_by_name(t->groups[g].ocpp_version));
        }
    }
    assert_null(fleet_location_template("moon-base"));
    json_t *doc = fleet_templates_location_json(NULL, NULL);
    assert_int_equal(json_integer_value(json_object_get(doc, "total")), 3);
    json_decref(doc);
}

static void cpo_templates(void **state)
{
    json_t *doc = fleet_templates_cpo_json(NULL, NULL);
    size_t i;
    json_t *t;

    assert_true(json_array_size(json_object_get(doc, "data")) >= 3);
    assert_non_null(fleet_cpo_template("small-urban-ac"));
    json_array_foreach(json_object_get(doc, "data"), i, t) {
        const struct fleet_cpo_tmpl *c = fleet_cpo_template(json_string_value(json_object_get(t, "slug")));
        assert_non_null(c);
        assert_true(c->version >= 1);
        for (int k = 0; k < FLEET_MAX_CYCLE && c->locations[k]; k++)
            assert_non_null(fleet_location_template(c->locations[k]));
        assert_true(json_integer_value(json_object_get(t, "chargers")) > 0);
    }
    json_decref(doc);
}

/* 1 when s matches the extended regular expression re, whole. */
static int matches(const char *s, const char *re)
{
    regex_t r;
    assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
    int ok = s && regexec(&r, s, 0, NULL, 0) == 0;
    regfree(&r);
    return ok;
}

static int in_list(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

#define FIELD(o, k) json_string_value(json_object_get((o), (k)))

/* What the galleries say of a location or a CPO is what an OCPI 2.2.1 Location or party
 * may hold (the values as the spec lists them, not as the code does): ParkingType, the
 * ISO 3166-1 alpha-3 country, the coordinates' pattern, the string lengths; a CPO's
 * country_code (alpha-2) and party_id (CiString(3)). Every template is checked, so the
 * next one with a value OCPI has not is caught here. */
static void gallery_values_are_ocpi(void **state)
{
    static const char *const parking_types[] = {"ALONG_MOTORWAY", "PARKING_GARAGE",
        "PARKING_LOT", "ON_DRIVEWAY", "ON_STREET", "UNDERGROUND_GARAGE", NULL};
    json_t *locs = fleet_templates_location_json(NULL, NULL), *cpos = fleet_templates_cpo_json(NULL, NULL);
    size_t i;
    json_t *t;

    (void)state;
    assert_true(json_array_size(json_object_get(locs, "data")) >= 3);
    json_array_foreach(json_object_get(locs, "data"), i, t) {
        const char *slug = FIELD(t, "slug");
        json_t *coord = json_object_get(t, "coordinates");
        if (!in_list(FIELD(t, "parking_type"), parking_types))
            fail_msg("%s: parking_type %s is no OCPI 2.2.1 ParkingType", slug, FIELD(t, "parking_type"));
        assert_true(matches(FIELD(t, "country"), "^[A-Z]{3}$"));
        assert_true(matches(FIELD(coord, "latitude"), "^-?[0-9]{1,2}\\.[0-9]{5,7}$"));
        assert_true(matches(FIELD(coord, "longitude"), "^-?[0-9]{1,3}\\.[0-9]{5,7}$"));
        assert_true(strlen(FIELD(t, "address")) <= 45 && strlen(FIELD(t, "city")) <= 45);
        assert_true(strlen(FIELD(t, "postal_code")) <= 10 && strlen(FIELD(t, "name")) <= 255);
    }
    json_array_foreach(json_object_get(cpos, "data"), i, t) {
        assert_true(matches(FIELD(t, "country_code"), "^[A-Z]{2}$"));
        assert_true(matches(FIELD(t, "party_id"), "^[A-Z0-9]{3}$"));
    }
    /* the check itself refuses what is not OCPI */
    assert_false(in_list("PRIVATE", parking_types));
    assert_false(matches("52.09", "^-?[0-9]{1,2}\\.[0-9]{5,7}$"));
    json_decref(locs);
    json_decref(cpos);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(models),
        cmocka_unit_test(location_templates),
        cmocka_unit_test(custom_models),
        cmocka_unit_test(gallery_filters),
        cmocka_unit_test(cpo_templates),
        cmocka_unit_test(gallery_values_are_ocpi),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
