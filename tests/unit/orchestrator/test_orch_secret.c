/* Secrets at rest: seal/open round trip, fresh nonces, the column bound as associated
 * data, tampering and a wrong key refused, rows from before sealing read as they are,
 * key texts (base64, hex) checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "orch_secret.h"

#define KEY_A "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="   /* "0123456789abcdef" x2 */
#define KEY_A_HEX "3031323334353637383961626364656630313233343536373839616263646566"
#define KEY_B "ZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmY="

static int load(const char *key)
{
    char where[64], err[256];
    setenv(ORCH_SECRET_ENV, key, 1);
    return orch_secret_load(NULL, NULL, 0, where, sizeof where, err, sizeof err);
}

/* {"basic_password": plain} sealed: the sealed text (new string) */
static char *sealed_password(const char *plain)
{
    json_t *row = json_pack("{s:s,s:s}", "basic_password", plain, "ws_url", "ws://x/");
    assert_int_equal(orch_secret_seal_tree(row), 0);
    assert_string_equal(json_string_value(json_object_get(row, "ws_url")), "ws://x/");
    char *s = strdup(json_string_value(json_object_get(row, "basic_password")));
    json_decref(row);
    return s;
}

static void round_trip(void **state)
{
    char *out;
    assert_int_equal(load(KEY_A), 0);
    char *a = sealed_password("pa55-word"), *b = sealed_password("pa55-word");
    assert_memory_equal(a, ORCH_SECRET_PREFIX, strlen(ORCH_SECRET_PREFIX));
    assert_null(strstr(a, "pa55"));
    assert_string_not_equal(a, b);                    /* a fresh nonce each time */
    assert_int_equal(orch_secret_open(a, "basic_password", &out), ORCH_SECRET_OK);
    assert_string_equal(out, "pa55-word");
    orch_secret_free(out);
    /* the column is the associated data: a password is not a key */
    assert_int_equal(orch_secret_open(a, "client_key_pem", &out), ORCH_SECRET_BAD);
    assert_null(out);
    /* one bit changed in the ciphertext */
    size_t i = strlen(ORCH_SECRET_PREFIX) + 20;
    a[i] = a[i] == 'A' ? 'B' : 'A';
    assert_int_equal(orch_secret_open(a, "basic_password", &out), ORCH_SECRET_BAD);
    /* the hex spelling of the same key opens b; another key does not */
    assert_int_equal(load(KEY_A_HEX), 0);
    assert_int_equal(orch_secret_open(b, "basic_password", &out), ORCH_SECRET_OK);
    orch_secret_free(out);
    assert_int_equal(load(KEY_B), 0);
    assert_int_equal(orch_secret_open(b, "basic_password", &out), ORCH_SECRET_BAD);
    free(a);
    free(b);
}

static void nested_plan_and_legacy_rows(void **state)
{
    char *out;
    assert_int_equal(load(KEY_A), 0);
    json_t *plan = json_pack("{s:[{s:{s:s,s:s,s:s}}]}", "groups", "row", "basic_password", "pw",
                             "client_key_pem", "-----BEGIN PRIVATE KEY-----\n",
                             "ca_pem", "-----BEGIN CERTIFICATE-----\n");
    assert_int_equal(orch_secret_seal_tree(plan), 0);
    json_t *row = json_object_get(json_array_get(json_object_get(plan, "groups"), 0), "row");
    const char *key = json_string_value(json_object_get(row, "client_key_pem"));
    char *first = strdup(key);
    assert_memory_equal(key, ORCH_SECRET_PREFIX, strlen(ORCH_SECRET_PREFIX));
    assert_string_equal(json_string_value(json_object_get(row, "ca_pem")),
                        "-----BEGIN CERTIFICATE-----\n");      /* not a secret */
    /* sealing a plan twice seals once */
    assert_int_equal(orch_secret_seal_tree(plan), 0);
    assert_string_equal(json_string_value(json_object_get(row, "client_key_pem")), first);
    assert_int_equal(orch_secret_open(first, "client_key_pem", &out), ORCH_SECRET_OK);
    assert_string_equal(out, "-----BEGIN PRIVATE KEY-----\n");
    orch_secret_free(out);
    /* a row written before sealing: read as it is; NULL stays NULL */
    assert_int_equal(orch_secret_open("old-plain", "basic_password", &out), ORCH_SECRET_OK);
    assert_string_equal(out, "old-plain");
    orch_secret_free(out);
    assert_int_equal(orch_secret_open(NULL, "basic_password", &out), ORCH_SECRET_OK);
    assert_null(out);
    /* damaged base64 */
    assert_int_equal(orch_secret_open(ORCH_SECRET_PREFIX "abc", "basic_password", &out),
                     ORCH_SECRET_BAD);
    free(first);
    json_decref(plan);
}

static void key_texts(void **state)
{
    assert_int_equal(load(KEY_A), 0);
    assert_non_null(orch_secret_key_text());
    assert_string_equal(orch_secret_key_text(), KEY_A);
    assert_int_equal(load("too-short"), -1);
    assert_int_equal(load(KEY_A "x"), -1);
    assert_int_equal(load(KEY_A_HEX "00"), -1);
    assert_int_equal(load("  " KEY_A_HEX "\n"), 0);        /* whitespace around is fine */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(nested_plan_and_legacy_rows),
        cmocka_unit_test(key_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
