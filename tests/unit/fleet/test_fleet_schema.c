/* The OpenAPI component-schema checker: each keyword of the subset against small
 * inline documents, every problem reported at its loc (nested keys, array indexes),
 * the oneOf / anyOf choice rule, the strict RFC 3339 parser, and the real document:
 * every component schema verifies (refs resolve, patterns compile) and walks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fleet_ocpi_schema.h"
#include "fleet_rfc3339.h"
#include "fleet_schema.h"

static json_t *load(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (!j)
        fail_msg("bad test JSON: %s: %s", text, e.text);
    return j;
}

/* Checks instance (JSON text) against component S of a document whose
 * components.schemas is schemas (JSON text); returns the errors (new reference). */
static json_t *check_in(const char *schemas, const char *instance)
{
    json_t *doc = json_pack("{s:{s:o}}", "components", "schemas", load(schemas));
    json_t *x = load(instance), *loc = json_pack("[s]", "body"), *errors = json_array();
    int n = fleet_schema_check_doc(doc, "S", x, loc, errors);

    assert_int_equal(n, (int)json_array_size(errors));
    json_decref(doc);
    json_decref(x);
    json_decref(loc);
    return errors;
}

/* Asserts the problems are exactly want: a JSON list of [loc..., type] in order, e.g.
 * [[["body","a"],"value_error.missing"]]. */
static void expect(const char *schemas, const char *instance, const char *want)
{
    json_t *errors = check_in(schemas, instance), *w = load(want), *d;
    json_t *got = json_array();
    size_t i;

    json_array_foreach(errors, i, d) {
        assert_non_null(json_string_value(json_object_get(d, "msg")));
        json_array_append_new(got, json_pack("[O,O]", json_object_get(d, "loc"),
                                             json_object_get(d, "type")));
    }
    if (!json_equal(got, w)) {
        char *g = json_dumps(errors, JSON_COMPACT);
        fail_msg("%s against %s:\n  got  %s\n  want %s", instance, schemas, g, want);
    }
    json_decref(got);
    json_decref(w);
    json_decref(errors);
}

/* Asserts the first problem's msg. */
static void expect_msg(const char *schemas, const char *instance, const char *msg)
{
    json_t *errors = check_in(schemas, instance);
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "msg")), msg);
    json_decref(errors);
}

#define VALID "[]"

static void types(void **state)
{
    (void)state;
    const char *str = "{\"S\":{\"type\":\"string\"}}";
    expect(str, "\"x\"", VALID);
    expect(str, "1", "[[[\"body\"],\"type_error.string\"]]");
    expect(str, "null", "[[[\"body\"],\"value_error.missing\"]]");
    const char *in = "{\"S\":{\"type\":\"integer\"}}";
    expect(in, "5", VALID);
    expect(in, "5.0", "[[[\"body\"],\"type_error.integer\"]]");
    expect(in, "\"5\"", "[[[\"body\"],\"type_error.integer\"]]");
    const char *num = "{\"S\":{\"type\":\"number\"}}";
    expect(num, "5", VALID);
    expect(num, "5.5", VALID);
    expect(num, "true", "[[[\"body\"],\"type_error.number\"]]");
    expect("{\"S\":{\"type\":\"boolean\"}}", "0", "[[[\"body\"],\"type_error.bool\"]]");
    expect("{\"S\":{\"type\":\"object\"}}", "[]", "[[[\"body\"],\"type_error.object\"]]");
    expect("{\"S\":{\"type\":\"array\"}}", "{}", "[[[\"body\"],\"type_error.list\"]]");
    expect("{\"S\":{\"type\":\"null\"}}", "0", "[[[\"body\"],\"type_error.none.allowed\"]]");
    const char *nullable = "{\"S\":{\"type\":[\"null\",\"string\"],\"maxLength\":1}}";
    expect(nullable, "null", VALID);
    expect(nullable, "\"a\"", VALID);
    expect(nullable, "2", "[[[\"body\"],\"type_error.string\"]]");
    /* the wrong type is the only problem: maxLength is not looked at */
    expect("{\"S\":{\"type\":\"string\",\"maxLength\":1,\"enum\":[\"a\"]}}", "123",
           "[[[\"body\"],\"type_error.string\"]]");
    /* no type: anything; unknown keywords and default are ignored */
    expect("{\"S\":{\"description\":\"d\",\"title\":\"t\",\"default\":5,\"examples\":[1]}}",
           "[1,{}]", VALID);
}

static void enum_and_const(void **state)
{
    (void)state;
    const char *en = "{\"S\":{\"enum\":[\"AC\",\"DC\",3]}}";
    expect(en, "\"DC\"", VALID);
    expect(en, "3", VALID);
    expect(en, "\"AC/DC\"", "[[[\"body\"],\"value_error.const\"]]");
    expect_msg(en, "\"x\"", "unexpected value; permitted: 'AC', 'DC', 3");
    /* a long enum is cut short in the message */
    json_t *many = json_array();
    for (int k = 0; k < 60; k++)
        json_array_append_new(many, json_sprintf("VALUE_NUMBER_%02d", k));
    json_t *schemas = json_pack("{s:{s:o}}", "S", "enum", many);
    char *text = json_dumps(schemas, 0);
    json_t *errors = check_in(text, "\"x\"");
    const char *msg = json_string_value(json_object_get(json_array_get(errors, 0), "msg"));
    assert_non_null(strstr(msg, "'VALUE_NUMBER_00', 'VALUE_NUMBER_01'"));
    assert_string_equal(msg + strlen(msg) - 3, "...");
    json_decref(errors);
    free(text);
    json_decref(schemas);
    const char *co = "{\"S\":{\"const\":\"OCPP1.6\"}}";
    expect(co, "\"OCPP1.6\"", VALID);
    expect(co, "\"OCPP2.0.1\"", "[[[\"body\"],\"value_error.const\"]]");
}

static void strings(void **state)
{
    (void)state;
    /* lengths in characters: "héé" is 3 characters in 5 bytes */
    const char *len = "{\"S\":{\"type\":\"string\",\"minLength\":2,\"maxLength\":3}}";
    expect(len, "\"h\\u00e9\\u00e9\"", VALID);
    expect(len, "\"\\u00e9\"", "[[[\"body\"],\"value_error.any_str.min_length\"]]");
    expect(len, "\"h\\u00e9\\u00e9\\u00e9\"", "[[[\"body\"],\"value_error.any_str.max_length\"]]");
    expect_msg(len, "\"abcd\"", "ensure this value has at most 3 characters");

    const char *slug = "{\"S\":{\"type\":\"string\",\"pattern\":\"^[a-z0-9-]{1,64}$\"}}";
    expect(slug, "\"volt-50\"", VALID);
    expect(slug, "\"Volt 50\"", "[[[\"body\"],\"value_error.str.regex\"]]");
    expect(slug, "\"volt\\u0000x\"", "[[[\"body\"],\"value_error.str.regex\"]]");   /* a NUL */
    /* JSON Schema patterns are not anchored */
    expect("{\"S\":{\"pattern\":\"b\"}}", "\"abc\"", VALID);
    /* a non-string is not looked at by string keywords */
    expect("{\"S\":{\"pattern\":\"^a$\",\"maxLength\":1}}", "12345", VALID);
    /* several problems of one value */
    expect("{\"S\":{\"maxLength\":2,\"pattern\":\"^[a-z]*$\"}}", "\"ABC\"",
           "[[[\"body\"],\"value_error.any_str.max_length\"],[[\"body\"],\"value_error.str.regex\"]]");

    const char *dt = "{\"S\":{\"type\":\"string\",\"format\":\"date-time\"}}";
    expect(dt, "\"2026-02-28T00:00:00Z\"", VALID);
    expect(dt, "\"2026-02-30T00:00:00Z\"", "[[[\"body\"],\"value_error.datetime\"]]");
    expect("{\"S\":{\"format\":\"uuid\"}}", "\"not-a-uuid\"", VALID);   /* an annotation */
}

static void numbers(void **state)
{
    (void)state;
    const char *r = "{\"S\":{\"type\":\"number\",\"exclusiveMinimum\":0,\"maximum\":1000}}";
    expect(r, "0.5", VALID);
    expect(r, "1000", VALID);
    expect(r, "0", "[[[\"body\"],\"value_error.number.not_gt\"]]");
    expect(r, "1000.5", "[[[\"body\"],\"value_error.number.not_le\"]]");
    const char *i = "{\"S\":{\"type\":\"integer\",\"minimum\":1,\"exclusiveMaximum\":8}}";
    expect(i, "1", VALID);
    expect(i, "0", "[[[\"body\"],\"value_error.number.not_ge\"]]");
    expect(i, "8", "[[[\"body\"],\"value_error.number.not_lt\"]]");
    expect_msg(i, "0", "ensure this value is greater than or equal to 1");
}

static void arrays(void **state)
{
    (void)state;
    const char *a = "{\"S\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":3,"
                    "\"items\":{\"enum\":[\"TYPE2\",\"CCS2\"]}}}";
    expect(a, "[\"TYPE2\",\"CCS2\"]", VALID);
    expect(a, "[]", "[[[\"body\"],\"value_error.list.min_items\"]]");
    expect(a, "[\"TYPE2\",\"TYPE2\",\"TYPE2\",\"TYPE2\"]",
           "[[[\"body\"],\"value_error.list.max_items\"]]");
    expect(a, "[\"TYPE2\",\"SCHUKO\",\"CCS2\",1]",
           "[[[\"body\"],\"value_error.list.max_items\"],[[\"body\",1],\"value_error.const\"],"
           "[[\"body\",3],\"value_error.const\"]]");
}

static void objects(void **state)
{
    (void)state;
    const char *o = "{\"S\":{\"type\":\"object\",\"additionalProperties\":false,"
                    "\"required\":[\"name\",\"count\"],"
                    "\"properties\":{\"name\":{\"type\":\"string\"},\"count\":{\"type\":\"integer\"}}}}";
    expect(o, "{\"name\":\"a\",\"count\":1}", VALID);
    expect(o, "{}", "[[[\"body\",\"name\"],\"value_error.missing\"],"
                    "[[\"body\",\"count\"],\"value_error.missing\"]]");
    /* every problem at once: a missing field, a wrong type, two unknown fields */
    expect(o, "{\"count\":\"1\",\"colour\":\"red\",\"nmae\":\"a\"}",
           "[[[\"body\",\"name\"],\"value_error.missing\"],[[\"body\",\"count\"],\"type_error.integer\"],"
           "[[\"body\",\"colour\"],\"value_error.extra\"],[[\"body\",\"nmae\"],\"value_error.extra\"]]");
    expect_msg(o, "{\"name\":\"a\",\"count\":1,\"colour\":1}", "extra field not permitted");
    /* additionalProperties as a schema; absent: anything goes */
    const char *map = "{\"S\":{\"additionalProperties\":{\"type\":\"integer\"}}}";
    expect(map, "{\"a\":1,\"b\":\"x\"}", "[[[\"body\",\"b\"],\"type_error.integer\"]]");
    expect("{\"S\":{\"properties\":{\"a\":{\"type\":\"string\"}}}}", "{\"z\":1}", VALID);
    const char *mp = "{\"S\":{\"minProperties\":1,\"maxProperties\":2}}";
    expect(mp, "{}", "[[[\"body\"],\"value_error.missing\"]]");
    expect(mp, "{\"a\":1,\"b\":2,\"c\":3}", "[[[\"body\"],\"value_error.extra\"]]");
    /* object keywords on a non-object are not looked at */
    expect("{\"S\":{\"required\":[\"a\"]}}", "[1]", VALID);
}

/* The loc names each key and each array index on the way down. */
static void nested_locs(void **state)
{
    (void)state;
    const char *s = "{\"S\":{\"properties\":{\"groups\":{\"type\":\"array\",\"items\":"
                    "{\"$ref\":\"#/components/schemas/Group\"}}}},"
                    "\"Group\":{\"type\":\"object\",\"required\":[\"template\"],\"properties\":"
                    "{\"template\":{\"properties\":{\"ids\":{\"items\":{\"type\":\"string\"}}}}}}}";
    expect(s, "{\"groups\":[{\"template\":{\"ids\":[\"a\"]}},"
              "{\"template\":{\"ids\":[\"b\",7]}},{}]}",
           "[[[\"body\",\"groups\",1,\"template\",\"ids\",1],\"type_error.string\"],"
           "[[\"body\",\"groups\",2,\"template\"],\"value_error.missing\"]]");
}

static void refs_and_all_of(void **state)
{
    (void)state;
    /* a $ref's siblings apply too */
    const char *s = "{\"S\":{\"$ref\":\"#/components/schemas/T\",\"maxLength\":2},"
                    "\"T\":{\"type\":\"string\",\"minLength\":2}}";
    expect(s, "\"ab\"", VALID);
    expect(s, "\"a\"", "[[[\"body\"],\"value_error.any_str.min_length\"]]");
    expect(s, "\"abc\"", "[[[\"body\"],\"value_error.any_str.max_length\"]]");
    /* an unknown $ref is a document bug (logged), not the client's problem */
    expect("{\"S\":{\"$ref\":\"#/components/schemas/Nope\"}}", "1", VALID);
    /* a $ref cycle ends at the depth limit */
    expect("{\"S\":{\"$ref\":\"#/components/schemas/S\"}}", "1", VALID);
    const char *all = "{\"S\":{\"allOf\":[{\"required\":[\"a\"]},{\"required\":[\"b\"]}]}}";
    expect(all, "{\"a\":1,\"b\":2}", VALID);
    expect(all, "{}", "[[[\"body\",\"a\"],\"value_error.missing\"],"
                      "[[\"body\",\"b\"],\"value_error.missing\"]]");
    expect("{\"S\":false}", "1", "[[[\"body\"],\"value_error.not_allowed\"]]");
}

/* oneOf: exactly one branch; when none passes, the branch whose type admits the value
 * and whose required properties the object has is the one reported. */
static void one_of_rule(void **state)
{
    (void)state;
    /* the shape of LocationCreate: {template, overrides} or a raw location */
    const char *loc = "{\"S\":{\"oneOf\":["
                      "{\"type\":\"object\",\"required\":[\"template\"],"
                      " \"properties\":{\"template\":{\"type\":\"string\"},\"overrides\":{\"type\":\"object\"}}},"
                      "{\"type\":\"object\",\"required\":[\"name\",\"coordinates\"],"
                      " \"properties\":{\"name\":{\"type\":\"string\"},\"coordinates\":{\"type\":\"object\"},"
                      "  \"charges\":{\"type\":\"array\"},\"city\":{\"type\":\"string\"}}}]}}";
    expect(loc, "{\"template\":\"urban\"}", VALID);
    expect(loc, "{\"name\":\"N\",\"coordinates\":{}}", VALID);
    /* raw, without coordinates and with a bad city: the template branch has fewer
     * problems (1: template) than the raw one (2), but only the raw one claims it */
    expect(loc, "{\"name\":\"N\",\"charges\":[],\"city\":3}",
           "[[[\"body\",\"coordinates\"],\"value_error.missing\"],[[\"body\",\"city\"],\"type_error.string\"]]");
    /* a template with a bad overrides: the template branch claims it */
    expect(loc, "{\"template\":\"urban\",\"overrides\":1}",
           "[[[\"body\",\"overrides\"],\"type_error.object\"]]");
    /* neither claims: fewest problems (the template branch: 1 < 2) */
    expect(loc, "{}", "[[[\"body\",\"template\"],\"value_error.missing\"]]");
    /* both pass: one problem at the value */
    expect(loc, "{\"template\":\"t\",\"name\":\"N\",\"coordinates\":{}}",
           "[[[\"body\"],\"value_error.one_of\"]]");
    const char *two = "{\"S\":{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":0}]}}";
    expect(two, "-1", VALID);
    expect(two, "1", "[[[\"body\"],\"value_error.one_of\"]]");
    /* the type rule: an array body or {"locations": [...]} (LocationsCreate) */
    const char *list = "{\"S\":{\"oneOf\":[{\"type\":\"array\"},"
                       "{\"type\":\"object\",\"properties\":{\"locations\":{\"type\":\"array\"}}}]}}";
    expect(list, "{\"locations\":\"x\"}", "[[[\"body\",\"locations\"],\"type_error.list\"]]");
    expect(list, "\"x\"", "[[[\"body\"],\"type_error.list\"]]");
}

static void any_of_rule(void **state)
{
    (void)state;
    const char *s = "{\"S\":{\"anyOf\":[{\"type\":\"integer\"},{\"minimum\":0}]}}";
    expect(s, "1", VALID);     /* both pass: fine for anyOf */
    expect(s, "-1", VALID);
    /* neither: the branch whose type admits -1.5 (the second, untyped) is reported */
    expect(s, "-1.5", "[[[\"body\"],\"value_error.number.not_ge\"]]");
}

static void unknown_component(void **state)
{
    (void)state;
    json_t *doc = json_pack("{s:{s:{}}}", "components", "schemas"), *x = json_integer(1);
    json_t *loc = json_pack("[s]", "body"), *errors = json_array();
    assert_int_equal(fleet_schema_check_doc(doc, "Nope", x, loc, errors), -1);
    assert_int_equal(fleet_schema_check("NoSuchComponent", x, loc, errors), -1);
    assert_int_equal(json_array_size(errors), 0);
    json_decref(doc);
    json_decref(x);
    json_decref(loc);
    json_decref(errors);
}

/* A caller's loc is the prefix of every problem's loc and is left as it was. */
static void loc_prefix(void **state)
{
    (void)state;
    json_t *doc = json_pack("{s:{s:{s:{s:[s]}}}}", "components", "schemas", "S", "required", "a");
    json_t *x = json_object(), *loc = json_pack("[s,i,s]", "body", 2, "ocpi"), *errors = json_array();
    json_t *want = json_pack("[s,i,s,s]", "body", 2, "ocpi", "a");
    assert_int_equal(fleet_schema_check_doc(doc, "S", x, loc, errors), 1);
    assert_true(json_equal(json_object_get(json_array_get(errors, 0), "loc"), want));
    assert_int_equal(json_array_size(loc), 3);
    json_decref(want);
    json_decref(doc);
    json_decref(x);
    json_decref(loc);
    json_decref(errors);
}

static void rfc3339(void **state)
{
    (void)state;
    time_t t = 0;
    assert_int_equal(fleet_rfc3339_parse("2026-02-28T00:00:00Z", &t), 0);
    assert_int_equal(t, 1772236800);
    assert_int_equal(fleet_rfc3339_parse("2026-02-28T00:00:00.123+01:00", &t), 0);
    assert_int_equal(t, 1772236800 - 3600);
    assert_int_equal(fleet_rfc3339_parse("2026-02-27T19:30:00-04:30", &t), 0);
    assert_int_equal(t, 1772236800);
    assert_int_equal(fleet_rfc3339_parse("2028-02-29T23:59:59z", &t), 0);   /* leap year */
    assert_int_equal(t, 1835481599);
    assert_int_equal(fleet_rfc3339_parse("2000-02-29t00:00:00Z", NULL), 0);
    assert_int_equal(fleet_rfc3339_parse("1969-12-31T23:00:00Z", &t), 0);
    assert_int_equal(t, -3600);
    assert_int_equal(fleet_rfc3339_parse("2026-02-28T00:00:00-00:00", NULL), 0);

    static const char *const bad[] = {
        "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
        "2026-02-00T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-02-28 00:00:00Z", "2026-02-28T00:00:00",
        "2026-2-28T00:00:00Z", "2026-02-28T24:00:00Z", "2026-02-28T00:60:00Z",
        "2026-02-28T23:59:60Z", "2026-02-28T00:00:00Zx", "2026-02-28T00:00:00Z ",
        "2026-02-28T00:00:00.Z", "2026-02-28T00:00:00+01", "2026-02-28T00:00:00+0100",
        "2026-02-28T00:00:00+1:00", "2026-02-28T00:00:00+24:00", "2026-02-28T00:00:00+01:60",
        "2026-02-28T00:00:00+01:00:00", "2026-02-28T0:00:00Z", "2026-02-28", "", "T",
        "20260228T000000Z", "+2026-02-28T00:00:00Z", "2026-02-28T00:00:00,5Z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t = 42;
        if (fleet_rfc3339_parse(bad[i], &t) != -1)
            fail_msg("%s accepted", bad[i]);
        assert_int_equal(t, 42);   /* untouched */
    }
    assert_int_equal(fleet_rfc3339_parse(NULL, &t), -1);
}

/* OCPI's DateTime is RFC 3339 through the same parser, a missing offset meaning UTC. */
static void ocpi_datetime(void **state)
{
    (void)state;
    assert_true(fleet_ocpi_datetime_ok("2026-02-28T00:00:00Z"));
    assert_true(fleet_ocpi_datetime_ok("2026-02-28T00:00:00"));
    assert_true(fleet_ocpi_datetime_ok("2026-02-28T00:00:00.5+01:00"));
    assert_false(fleet_ocpi_datetime_ok("2026-02-30T00:00:00Z"));
    assert_false(fleet_ocpi_datetime_ok("2026-02-30T00:00:00"));
    assert_false(fleet_ocpi_datetime_ok("2026-2-28T00:00:00Z"));
    assert_false(fleet_ocpi_datetime_ok("2026-02-28T00:00:00ZZ"));
    assert_false(fleet_ocpi_datetime_ok("2026-02-28T00:00:00+01:00Z"));
    assert_false(fleet_ocpi_datetime_ok(NULL));
}

/* The verifier names what the checker could not honour. */
static void verify_flags_flaws(void **state)
{
    (void)state;
    json_t *doc = json_pack("{s:{s:o}}", "components", "schemas", load(
        "{\"A\":{\"properties\":{\"x\":{\"$ref\":\"#/components/schemas/Nope\"},"
        "                    \"y\":{\"type\":\"float\"},\"z\":{\"pattern\":\"[a-\"}}},"
        " \"B\":{\"oneOf\":[{\"pattern\":\"^\\\\d+$\"},{\"uniqueItems\":true}]},"
        " \"C\":{\"items\":{\"$ref\":\"#/components/schemas/A\"},\"type\":[\"string\",\"null\"]}}"));
    json_t *problems = json_array();
    assert_int_equal(fleet_schema_verify(doc, problems), 5);
    const char *want[] = {"A/properties/x: $ref", "A/properties/y: type float",
                          "A/properties/z: pattern", "B/oneOf/0: pattern", "B/oneOf/1: uniqueItems"};
    char *all = json_dumps(problems, 0);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (!strstr(all, want[i]))
            fail_msg("no problem %s in %s", want[i], all);
    }
    free(all);
    json_decref(problems);
    json_decref(doc);
}

/* The document the server serves: every component schema verifies, and walks over a
 * few instances without a missing component. */
static void real_document(void **state)
{
    (void)state;
    json_t *doc = fleet_schema_document(), *problems = json_array(), *s;
    const char *name;

    assert_non_null(doc);
    int n = fleet_schema_verify(doc, problems);
    if (n != 0) {
        char *p = json_dumps(problems, JSON_INDENT(1));
        fail_msg("api/openapi.json: %s", p);
    }
    json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
    assert_true(json_object_size(schemas) > 10);
    static const char *const instances[] = {"null", "{}", "[]", "[{}]", "\"x\"", "1",
                                            "{\"a\":[1,{\"b\":null}]}"};
    json_object_foreach(schemas, name, s) {
        for (size_t i = 0; i < sizeof instances / sizeof instances[0]; i++) {
            json_t *x = load(instances[i]), *loc = json_pack("[s]", "body"), *errors = json_array();
            assert_true(fleet_schema_check(name, x, loc, errors) >= 0);
            json_decref(x);
            json_decref(loc);
            json_decref(errors);
        }
    }
    json_decref(problems);
    /* the bodies the update validators are given */
    static const char *const bodies[] = {"UpdateChargersRequest", "UpdateChargerRequest",
                                         "UpdateLocationRequest", "CreateModelRequest",
                                         "CommandRequest", "CreateCpoRequest", "LocationsBody",
                                         "CreateChargersRequest"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
        assert_non_null(json_object_get(schemas, bodies[i]));
    fleet_schema_cleanup();
    fleet_schema_cleanup();   /* twice is harmless */
    assert_non_null(fleet_schema_document());   /* parsed again */
    fleet_schema_cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(types),
        cmocka_unit_test(enum_and_const),
        cmocka_unit_test(strings),
        cmocka_unit_test(numbers),
        cmocka_unit_test(arrays),
        cmocka_unit_test(objects),
        cmocka_unit_test(nested_locs),
        cmocka_unit_test(refs_and_all_of),
        cmocka_unit_test(one_of_rule),
        cmocka_unit_test(any_of_rule),
        cmocka_unit_test(unknown_component),
        cmocka_unit_test(loc_prefix),
        cmocka_unit_test(rfc3339),
        cmocka_unit_test(ocpi_datetime),
        cmocka_unit_test(verify_flags_flaws),
        cmocka_unit_test(real_document),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    fleet_schema_cleanup();
    return failed;
}
