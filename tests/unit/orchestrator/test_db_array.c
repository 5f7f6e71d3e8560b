/* PostgreSQL text arrays built for unnest(): elements quoted, '"' and '\' escaped,
 * NULL elements bare, NUL bytes refused, "{}" when empty. (The integration tests read
 * what PostgreSQL made of them back through the API: tests/integration/logs.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "db.h"

static void empty_array(void **state)
{
    struct db_array a = {0};
    assert_string_equal(db_array_text(&a), "{}");
    db_array_free(&a);
}

static void quoting_and_null(void **state)
{
    struct db_array a = {0};
    assert_int_equal(db_array_add(&a, "plain", 5), 0);
    assert_int_equal(db_array_add(&a, NULL, 0), 0);
    const char *frame = "[2,\"id\",{\"k\":\"a\\\\b\"}]";
    assert_int_equal(db_array_add(&a, frame, strlen(frame)), 0);
    assert_int_equal(db_array_add(&a, "", 0), 0);
    assert_int_equal(db_array_add(&a, "NULL", 4), 0);
    assert_int_equal(db_array_add(&a, "{a, b}", 6), 0);
    assert_string_equal(db_array_text(&a),
                        "{\"plain\",NULL,\"[2,\\\"id\\\",{\\\"k\\\":\\\"a\\\\\\\\b\\\"}]\","
                        "\"\",\"NULL\",\"{a, b}\"}");
    assert_int_equal(a.count, 6);
    db_array_free(&a);
}

static void text_then_more(void **state)
{
    struct db_array a = {0};
    assert_int_equal(db_array_add(&a, "x", 1), 0);
    assert_string_equal(db_array_text(&a), "{\"x\"}");
    assert_int_equal(db_array_add(&a, "y", 1), 0);     /* overwrites the closing brace */
    assert_string_equal(db_array_text(&a), "{\"x\",\"y\"}");
    db_array_free(&a);
}

static void nul_byte_refused(void **state)
{
    struct db_array a = {0};
    assert_int_equal(db_array_add(&a, "a\0b", 3), -1);
    assert_int_equal(a.count, 0);
    assert_string_equal(db_array_text(&a), "{}");
    db_array_free(&a);
}

static void large_grows(void **state)
{
    struct db_array a = {0};
    char big[10000];
    memset(big, '"', sizeof big);
    for (int i = 0; i < 50; i++)
        assert_int_equal(db_array_add(&a, big, sizeof big), 0);
    const char *t = db_array_text(&a);
    assert_int_equal(strlen(t), 2 + 50 * (2 * sizeof big + 2) + 49);
    db_array_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_array),
        cmocka_unit_test(quoting_and_null),
        cmocka_unit_test(text_then_more),
        cmocka_unit_test(nul_byte_refused),
        cmocka_unit_test(large_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
