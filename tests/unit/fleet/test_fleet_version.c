/* fleet_version: the version names as requests and messages spell them, from protocol/'s
 * list; the messages built from it are the ones the API has always given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fleet_version.h"

static void test_bits(void **state)
{
    (void)state;
    assert_int_equal(fleet_version_bit("OCPP1.6"), 1);
    assert_int_equal(fleet_version_bit("OCPP2.0.1"), 2);
    assert_int_equal(fleet_version_bit("OCPP2.0"), 0);
    assert_int_equal(fleet_version_bit("ocpp1.6"), 0);
    assert_int_equal(fleet_version_bit(NULL), 0);
    assert_ptr_equal(FLEET_DEFAULT_VERSION, ocpp_version_by_name("OCPP1.6"));
}

static void test_lists(void **state)
{
    (void)state;
    json_t *all = fleet_versions_json(FLEET_VERSIONS_ALL), *one = fleet_versions_json(2);
    char *a = json_dumps(all, JSON_COMPACT), *o = json_dumps(one, JSON_COMPACT);
    assert_string_equal(a, "[\"OCPP1.6\",\"OCPP2.0.1\"]");
    assert_string_equal(o, "[\"OCPP2.0.1\"]");
    free(a);
    free(o);
    json_decref(all);
    json_decref(one);

    json_t *list = json_pack("[s,i,s]", "OCPP2.0.1", 16, "OCPP9");
    assert_int_equal(fleet_versions_mask(list), 2);
    json_decref(list);
    assert_int_equal(fleet_versions_mask(NULL), 0);

    const char *names[8];
    assert_int_equal(fleet_version_names(names, 8), 2);
    assert_string_equal(names[0], "OCPP1.6");
    assert_string_equal(names[1], "OCPP2.0.1");
    assert_null(names[2]);
    assert_int_equal(fleet_version_names(names, 2), 1);
    assert_null(names[1]);
}

static void test_texts(void **state)
{
    (void)state;
    char buf[80], tiny[8];
    assert_string_equal(fleet_versions_text(buf, sizeof buf, "'", " or "),
                        "'OCPP1.6' or 'OCPP2.0.1'");
    assert_string_equal(fleet_versions_text(buf, sizeof buf, "", ", "), "OCPP1.6, OCPP2.0.1");
    assert_string_equal(fleet_versions_text(buf, sizeof buf, "\"", " or "),
                        "\"OCPP1.6\" or \"OCPP2.0.1\"");
    assert_string_equal(fleet_versions_text(tiny, sizeof tiny, "'", " or "), "'OCPP1.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bits),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
