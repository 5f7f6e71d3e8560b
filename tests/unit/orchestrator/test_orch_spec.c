/* orch_spec: the SQL lists generated from the charger spec, and a result's charger
 * columns read by name, in whatever order and among whatever other columns a
 * statement returns them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "orch_spec.h"

static void test_sql_lists(void **state)
{
    (void)state;
    assert_true(!strncmp(ORCH_SQL_CHARGER_COLS, "identity, charge_point_name, brand_slug, ", 41));
    assert_non_null(strstr(ORCH_SQL_CHARGER_TYPES, ", connectors int, "));
    assert_non_null(strstr(ORCH_SQL_CHARGER_TYPES, ", behavior jsonb"));
    assert_true(!strncmp(ORCH_SQL_CHARGER_VALUES("u"), "u.identity, u.charge_point_name, "
                         "brand_slug, ", 45));
    assert_non_null(strstr(ORCH_SQL_HELD_COLS("ch"), "ch.id, ch.status, ch.lease_gen, "
                           "ch.identity, "));
    assert_non_null(strstr(ORCH_SQL_CHARGER_SHOWN("c"), ", 'serial', c.serial"));
    assert_null(strstr(ORCH_SQL_CHARGER_SHOWN("c"), "password"));   /* secrets: hidden */
}

/* A result with the given column names and one row of values (NULL: SQL NULL). */
static PGresult *result(int n, const char *const *names, const char *const *values)
{
    PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresAttDesc *att = calloc((size_t)n, sizeof *att);
    for (int i = 0; i < n; i++) {
        att[i].name = (char *)names[i];
        att[i].format = 0;
        att[i].typlen = -1;
        att[i].atttypmod = -1;
    }
    assert_int_equal(PQsetResultAttrs(res, n, att), 1);
    free(att);
    for (int i = 0; i < n; i++)
        assert_int_equal(PQsetvalue(res, 0, i, (char *)values[i],
                                    values[i] ? (int)strlen(values[i]) : -1), 1);
    return res;
}

static void test_read_by_name(void **state)
{
    (void)state;
    /* other columns first, the spec's in another order than the list's, some absent */
    static const char *const names[] = {"nrows", "id", "max_power_kw", "behavior", "identity",
                                        "connectors", "ca_file", "ocpp_version"};
    static const char *const values[] = {"3", "17", "22", "{\"a\":1}", "CP1", "2", NULL,
                                         "OCPP1.6"};
    PGresult *res = result(8, names, values);
    struct orch_spec_cols cols;
    orch_spec_columns(res, &cols);
    assert_int_equal(cols.identity, 4);
    assert_int_equal(cols.at[CF_CHARGER_COL_connectors], 5);
    assert_int_equal(cols.at[CF_CHARGER_COL_serial], -1);

    struct cf_charger_spec s;
    orch_spec_read(res, 0, &cols, &s);
    assert_string_equal(s.identity, "CP1");
    assert_string_equal(s.ocpp_version, "OCPP1.6");
    assert_int_equal(s.connectors, 2);
    assert_true(s.max_power_kw == 22);
    assert_null(s.ca_file);          /* NULL */
    assert_null(s.serial);           /* not in the result */
    assert_int_equal(s.security_profile, 0);
    assert_int_equal(json_integer_value(json_object_get(s.behavior, "a")), 1);
    orch_spec_clear(&s);
    assert_null(s.behavior);
    PQclear(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sql_lists),
        cmocka_unit_test(test_read_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
