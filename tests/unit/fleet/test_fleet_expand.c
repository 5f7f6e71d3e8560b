/* Identity expansion: ids first, padding, truncation, no collision, seeded determinism. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fleet_expand.h"

static int is_suffixed(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(s, prefix, n) != 0 || strlen(s) != n + FLEET_SUFFIX_HEX)
        return 0;
    for (const char *p = s + n; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F')))
            return 0;
    return 1;
}

static void ids_then_padding(void **state)
{
    struct fleet_rng r;
    json_t *ids = json_pack("[s,s]", "001", "002"), *taken = json_object(), *out = json_array();

    fleet_rng_init_random(&r);
    assert_int_equal(fleet_expand_identities("SITE_", ids, 5, taken, &r, out), 0);
    assert_int_equal(json_array_size(out), 5);
    assert_string_equal(json_string_value(json_array_get(out, 0)), "SITE_001");
    assert_string_equal(json_string_value(json_array_get(out, 1)), "SITE_002");
    for (size_t i = 2; i < 5; i++)
        assert_true(is_suffixed(json_string_value(json_array_get(out, i)), "SITE_"));
    assert_int_equal(json_object_size(taken), 5);
    json_decref(ids);
    json_decref(taken);
    json_decref(out);
}

static void truncation_and_no_number(void **state)
{
    struct fleet_rng r;
    json_t *ids = json_pack("[s,s,s]", "a", "b", "c"), *taken = json_object(), *out = json_array();

    fleet_rng_init_random(&r);
    assert_int_equal(fleet_expand_identities("P", ids, 2, taken, &r, out), 0);
    assert_int_equal(json_array_size(out), 2);
    assert_string_equal(json_string_value(json_array_get(out, 1)), "Pb");
    json_array_clear(out);
    assert_int_equal(fleet_expand_identities("Q", ids, -1, taken, &r, out), 0);
    assert_int_equal(json_array_size(out), 3);
    json_array_clear(out);
    assert_int_equal(fleet_expand_identities("R", NULL, 0, taken, &r, out), 0);
    assert_int_equal(json_array_size(out), 0);
    json_decref(ids);
    json_decref(taken);
    json_decref(out);
}

/* With most of a small space taken, random suffixes still never collide. */
static void never_collides_with_taken(void **state)
{
    struct fleet_rng r;
    json_t *taken = json_object(), *out = json_array();
    char id[32];

    /* take every suffix whose first byte is < 0xF0: 15/16 of the space's first byte */
    for (int b = 0; b < 0xF0; b += 1)
        for (int c = 0; c < 256; c += 64) {
            snprintf(id, sizeof(id), "X%02X%02X00", b, c);
            json_object_set_new(taken, id, json_true());
        }
    size_t before = json_object_size(taken);
    fleet_rng_init_seeded(&r, "collide");
    assert_int_equal(fleet_expand_identities("X", NULL, 2000, taken, &r, out), 0);
    assert_int_equal(json_object_size(taken), before + 2000);   /* all new, all distinct */
    json_decref(taken);
    json_decref(out);
}

static json_t *seeded(const char *seed, int n)
{
    struct fleet_rng r;
    json_t *taken = json_object(), *out = json_array();

    fleet_rng_init_seeded(&r, seed);
    assert_int_equal(fleet_expand_identities("S_", NULL, n, taken, &r, out), 0);
    json_decref(taken);
    return out;
}

static void seeded_is_deterministic(void **state)
{
    json_t *a = seeded("42:small-urban-ac", 50), *b = seeded("42:small-urban-ac", 50);
    json_t *c = seeded("43:small-urban-ac", 50);

    assert_true(json_equal(a, b));
    assert_false(json_equal(a, c));
    json_decref(a);
    json_decref(b);
    json_decref(c);
}

static void serials(void **state)
{
    char a[16], b[16];

    fleet_serial_for("SITE_001", a);
    fleet_serial_for("SITE_001", b);
    assert_string_equal(a, b);
    assert_int_equal(strlen(a), 12);
    fleet_serial_for("SITE_002", b);
    assert_string_not_equal(a, b);
}

/* A plan's groups: rows carry the group's shared columns, numbered names, serials; a
 * random identity of an earlier group never takes one a later group names (the first
 * draw of a seeded stream is named by the second group: the first group must skip it). */
static void plan_rows(void **state)
{
    struct fleet_rng r;
    json_t *first = json_array(), *none = json_object();

    fleet_rng_init_seeded(&r, "plan");
    assert_int_equal(fleet_expand_identities("P_", NULL, 1, none, &r, first), 0);
    const char *drawn = json_string_value(json_array_get(first, 0)) + 2;   /* after P_ */
    json_t *groups = json_pack("[{s:{s:s,s:i},s:s,s:i,s:s},{s:{s:s},s:s,s:[s],s:i,s:s}]",
                               "row", "vendor", "V", "connectors", 2, "prefix", "P_",
                               "number", 3, "name", "Post",
                               "row", "vendor", "W", "prefix", "P_", "ids", drawn,
                               "number", 1, "name", "Named");
    json_t *taken = json_object();

    fleet_rng_init_seeded(&r, "plan");
    json_t *rows = fleet_expand_plan(groups, taken, &r);
    assert_non_null(rows);
    assert_int_equal(json_array_size(rows), 4);
    for (size_t i = 0; i < 3; i++) {
        json_t *row = json_array_get(rows, i);
        char name[16], serial[16];
        snprintf(name, sizeof name, "Post %zu", i + 1);
        assert_string_equal(json_string_value(json_object_get(row, "charge_point_name")), name);
        assert_string_equal(json_string_value(json_object_get(row, "vendor")), "V");
        assert_int_equal(json_integer_value(json_object_get(row, "connectors")), 2);
        const char *id = json_string_value(json_object_get(row, "identity"));
        assert_true(is_suffixed(id, "P_"));
        assert_string_not_equal(id, json_string_value(json_array_get(first, 0)));
        fleet_serial_for(id, serial);
        assert_string_equal(json_string_value(json_object_get(row, "serial")), serial);
    }
    json_t *named = json_array_get(rows, 3);
    assert_string_equal(json_string_value(json_object_get(named, "identity")),
                        json_string_value(json_array_get(first, 0)));
    assert_string_equal(json_string_value(json_object_get(named, "charge_point_name")), "Named 1");
    assert_int_equal(json_object_size(taken), 4);
    json_decref(rows);
    json_decref(groups);
    json_decref(taken);
    json_decref(first);
    json_decref(none);
}

/* What fleet_expand_plan_each gives, row by row. */
struct seen {
    json_t *rows;       /* [[group, identity, name, serial]] */
    size_t stop_at;     /* fn fails at this row (0: never) */
};

static int see(void *arg, size_t group, const char *identity, const char *name,
               const char *serial)
{
    struct seen *s = arg;
    if (s->stop_at && json_array_size(s->rows) + 1 == s->stop_at)
        return -1;
    return json_array_append_new(s->rows, json_pack("[i,s,s,s]", (int)group, identity,
                                                     name, serial));
}

/* The plan expanded without building rows: the same identities, names and serials, in
 * the same order, as the rows fleet_expand_plan builds from the same seed, each with
 * the index of its group; a callback's failure stops it. */
static void plan_each(void **state)
{
    json_t *groups = json_pack("[{s:{s:s},s:s,s:i,s:s},{s:{s:s},s:s,s:[s],s:i,s:s}]",
                               "row", "vendor", "V", "prefix", "A_", "number", 3, "name", "A",
                               "row", "vendor", "W", "prefix", "B_", "ids", "7", "number", 2,
                               "name", "B");
    json_t *taken = json_object(), *taken2 = json_object();
    struct fleet_rng r;
    struct seen s = {json_array(), 0};

    fleet_rng_init_seeded(&r, "each");
    json_t *rows = fleet_expand_plan(groups, taken, &r);
    fleet_rng_init_seeded(&r, "each");
    assert_int_equal(fleet_expand_plan_each(groups, taken2, &r, see, &s), 0);
    assert_int_equal(json_array_size(s.rows), 5);
    assert_int_equal(json_array_size(rows), 5);
    for (size_t i = 0; i < 5; i++) {
        json_t *row = json_array_get(rows, i), *got = json_array_get(s.rows, i);
        assert_int_equal(json_integer_value(json_array_get(got, 0)), i < 3 ? 0 : 1);
        assert_string_equal(json_string_value(json_array_get(got, 1)),
                            json_string_value(json_object_get(row, "identity")));
        assert_string_equal(json_string_value(json_array_get(got, 2)),
                            json_string_value(json_object_get(row, "charge_point_name")));
        assert_string_equal(json_string_value(json_array_get(got, 3)),
                            json_string_value(json_object_get(row, "serial")));
    }
    assert_string_equal(json_string_value(json_array_get(json_array_get(s.rows, 3), 1)), "B_7");
    assert_true(json_equal(taken, taken2));

    json_decref(s.rows);
    s.rows = json_array();
    s.stop_at = 2;
    json_object_clear(taken2);
    assert_int_equal(fleet_expand_plan_each(groups, taken2, &r, see, &s), -1);
    assert_int_equal(json_array_size(s.rows), 1);
    json_decref(s.rows);
    json_decref(rows);
    json_decref(groups);
    json_decref(taken);
    json_decref(taken2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_then_padding),
        cmocka_unit_test(truncation_and_no_number),
        cmocka_unit_test(never_collides_with_taken),
        cmocka_unit_test(seeded_is_deterministic),
        cmocka_unit_test(serials),
        cmocka_unit_test(plan_rows),
        cmocka_unit_test(plan_each),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
