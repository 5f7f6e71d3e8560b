/* Conformance plans: matching, variables, the built-in suites load, and a bad file is
 * refused with the field named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "run_plan.h"

static int match(const char *payload, const char *m, char *why, size_t n)
{
    json_t *p = json_loads(payload, 0, NULL), *mm = json_loads(m, 0, NULL);
    int rc = run_match(p, mm, why, n);
    json_decref(p);
    json_decref(mm);
    return rc;
}

static void matching(void **state)
{
    char why[300];
    const char *p = "{\"status\":\"Accepted\",\"interval\":300,\"idTagInfo\":{\"status\":\"Blocked\"},"
                    "\"list\":[{\"id\":7}]}";
    assert_int_equal(match(p, "{\"status\":\"Accepted\",\"interval\":300.0,\"list.0.id\":7}", why, sizeof why), 0);
    assert_int_equal(match(p, "{\"interval\":{\"type\":\"integer\"},\"status\":{\"type\":\"string\"}}", why, sizeof why), 0);
    assert_int_equal(match(p, "{\"idTagInfo.status\":\"Accepted\"}", why, sizeof why), -1);
    assert_string_equal(why, "idTagInfo.status is \"Blocked\", expected \"Accepted\"");
    assert_int_equal(match(p, "{\"interval\":{\"type\":\"string\"}}", why, sizeof why), -1);
    assert_string_equal(why, "interval is 300 (integer), expected type string");
    assert_int_equal(match(p, "{\"status\":{\"one_of\":[\"Pending\",\"Rejected\"]}}", why, sizeof why), -1);
    assert_string_equal(why, "status is \"Accepted\", expected one of [\"Pending\",\"Rejected\"]");
    assert_int_equal(match(p, "{\"nope\":{\"present\":false},\"status\":{\"present\":true}}", why, sizeof why), 0);
    assert_int_equal(match(p, "{\"list.1.id\":7}", why, sizeof why), -1);
    assert_string_equal(why, "list.1.id is missing");
}

static void variables(void **state)
{
    json_t *vars = json_pack("{s:i,s:s}", "tx", 42, "tag", "AB");
    json_t *in = json_pack("{s:s,s:s,s:[s],s:s}", "transactionId", "${tx}", "text", "id ${tag}/${tx}",
                           "list", "${tag}", "unknown", "${nope}");
    json_t *out = run_subst(in, vars);
    assert_int_equal(json_integer_value(json_object_get(out, "transactionId")), 42);
    assert_string_equal(json_string_value(json_object_get(out, "text")), "id AB/42");
    assert_string_equal(json_string_value(json_array_get(json_object_get(out, "list"), 0)), "AB");
    assert_string_equal(json_string_value(json_object_get(out, "unknown")), "${nope}");
    json_decref(in);
    json_decref(out);
    json_decref(vars);
}

static void suites_load(void **state)
{
    struct run_plan p;
    char err[300];
    for (int i = 0; run_suite_names[i]; i++) {
        assert_int_equal(run_plan_load(&p, NULL, "", run_suite_names[i], NULL, err, sizeof err), 0);
        assert_true(p.ncases >= 20);
        assert_non_null(p.cases[0].version);
        run_plan_free(&p);
    }
    /* --only: an id, or its prefix up to a '_' */
    assert_int_equal(run_plan_load(&p, NULL, "", "ocpp16-core", "TC_019,TC_001_CSMS", err, sizeof err), 0);
    assert_int_equal(p.ncases, 3);
    assert_string_equal(p.cases[0].id, "TC_001_CSMS");
    assert_string_equal(p.cases[1].id, "TC_019_1_CSMS");
    run_plan_free(&p);
    assert_int_equal(run_plan_load(&p, NULL, "", "ocpp16-core", "TC_01", err, sizeof err), -1);
    assert_string_equal(err, "--only: no case named TC_01");
}

static int load_err(const char *doc, char *err, size_t n)
{
    struct run_plan p;
    json_error_t je;
    json_t *f = json_loads(doc, 0, &je);
    assert_non_null(f);
    int rc = run_plan_load(&p, f, "f.json", NULL, NULL, err, n);
    json_decref(f);
    if (rc == 0)
        run_plan_free(&p);
    return rc;
}

#define CH "\"chargers\":[{\"template\":{}}]"

static void bad_files(void **state)
{
    char err[400];
    assert_int_equal(load_err("{" CH ",\"scenarios\":[{\"id\":\"a\",\"steps\":[{\"connect\":true},"
                              "{\"call\":\"Reset\",\"ask\":\"reset it\",\"answer\":{\"status\":\"Rejected\"}},"
                              "{\"ask\":\"just say it\"},{\"wait\":0.5}]}]}", err, sizeof err), 0);
    assert_int_equal(load_err("{" CH ",\"scenarios\":[{\"id\":\"a\",\"steps\":[{\"fly\":1}]}]}", err, sizeof err), -1);
    assert_non_null(strstr(err, "scenarios[0].steps[0]: no step kind"));
    assert_int_equal(load_err("{" CH ",\"scenarios\":[{\"id\":\"a\",\"steps\":[{\"wait\":1,\"connect\":true}]}]}", err, sizeof err), -1);
    assert_non_null(strstr(err, "scenarios[0].steps[0]: one step, one kind"));
    assert_int_equal(load_err("{" CH ",\"scenarios\":[{\"id\":\"a\",\"steps\":[{\"response\":\"Authorize\",\"answer\":{}}]}]}", err, sizeof err), -1);
    assert_string_equal(err, "scenarios[0].steps[0].answer: not an option of a \"response\" step");
    assert_int_equal(load_err("{" CH ",\"scenarios\":[{\"id\":\"a\",\"steps\":[{\"response\":\"StartTransaction\",\"save\":{\"tx\":\"transactionId\"}},"
                              "{\"call\":\"RemoteStopTransaction\",\"match\":{\"transactionId\":\"${tx}\"}},"
                              "{\"call\":\"Reset\",\"match\":{\"type\":\"${kind}\"}}]}]}", err, sizeof err), -1);
    assert_string_equal(err, "scenarios[0].steps[2]: unknown variable ${kind} (not in \"vars\" nor saved by an earlier step)");
    assert_int_equal(load_err("{" CH ",\"scenarios\":[{\"id\":\"a\",\"steps\":[{\"call\":\"Reset\",\"match\":{\"type\":{\"type\":\"text\"}}}]}]}", err, sizeof err), -1);
    assert_non_null(strstr(err, "scenarios[0].steps[0].match.type.type: must be one of"));
    assert_int_equal(load_err("{" CH ",\"scenarios\":[{\"id\":\"a\",\"group\":3,\"steps\":[{\"connect\":true}]}]}", err, sizeof err), -1);
    assert_string_equal(err, "scenarios[0].group: the index of a charger group, 0..0");
    assert_int_equal(load_err("{" CH ",\"scenarios\":[{\"id\":\"a\",\"steps\":[{\"connect\":true}]},"
                              "{\"id\":\"a\",\"steps\":[{\"connect\":true}]}]}", err, sizeof err), -1);
    assert_string_equal(err, "scenarios[1].id: \"a\" is used twice");
    /* a command's arguments are checked as the REST API checks them; a value saved by an
     * earlier step is checked when the step runs */
    assert_int_equal(load_err("{" CH ",\"scenarios\":[{\"id\":\"a\",\"steps\":[{\"do\":\"plug\",\"args\":{\"connector_id\":0}}]}]}", err, sizeof err), -1);
    assert_non_null(strstr(err, "scenarios[0].steps[0]: args.connector_id: "));
    assert_int_equal(load_err("{" CH ",\"scenarios\":[{\"id\":\"a\",\"steps\":[{\"do\":\"authorize\"}]}]}", err, sizeof err), -1);
    assert_string_equal(err, "scenarios[0].steps[0]: args.id_tag: required for authorize");
    assert_int_equal(load_err("{" CH ",\"scenarios\":[{\"id\":\"a\",\"steps\":[{\"call\":\"X\",\"save\":{\"c\":\"connectorId\"}},"
                              "{\"do\":\"plug\",\"args\":{\"connector_id\":\"${c}\"}}]}]}", err, sizeof err), 0);
    assert_int_equal(load_err("{" CH "}", err, sizeof err), -1);
    assert_string_equal(err, "scenarios: required unless --suite is given");
    assert_int_equal(load_err("{\"scenarios\":[]}", err, sizeof err), -1);
    assert_non_null(strstr(err, "chargers: required"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matching),
        cmocka_unit_test(variables),
        cmocka_unit_test(suites_load),
        cmocka_unit_test(bad_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
