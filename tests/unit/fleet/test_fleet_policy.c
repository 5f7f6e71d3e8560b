/* serve's --allow-ws-hosts and --ca-dir (fleet_policy.h): which ws_url hosts pass a list,
 * which lists are refused, and which ca_file paths stay inside the directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fleet_policy.h"
#include "fleet_vctx.h"

static void test_no_list_allows_any_host(void **state)
{
    (void)state;
    char err[200];
    assert_int_equal(fleet_policy_set(NULL, NULL, err, sizeof err), 0);
    assert_true(fleet_policy_ws_host_ok("ws://169.254.169.254/"));
    assert_true(fleet_policy_ws_host_ok("wss://anything.example/ocpp"));
}

static void test_cidrs_and_names(void **state)
{
    (void)state;
    char err[200];
    assert_int_equal(fleet_policy_set(NULL, "127.0.0.0/8, 2001:db8::/32,CSMS.example.com.,10.1.2.3",
                                    err, sizeof err), 0);
    assert_true(fleet_policy_ws_host_ok("ws://127.1.2.3:9000/ocpp"));
    assert_true(fleet_policy_ws_host_ok("ws://[2001:db8:1::5]:80/"));
    assert_true(fleet_policy_ws_host_ok("ws://[::ffff:127.0.0.1]/"));     /* IPv4-mapped */
    assert_true(fleet_policy_ws_host_ok("wss://csms.EXAMPLE.com/ocpp"));  /* case-insensitive */
    assert_true(fleet_policy_ws_host_ok("ws://10.1.2.3"));
    assert_false(fleet_policy_ws_host_ok("ws://10.1.2.4/"));
    assert_false(fleet_policy_ws_host_ok("ws://128.0.0.1/"));
    assert_false(fleet_policy_ws_host_ok("ws://169.254.169.254/latest/meta-data"));
    assert_false(fleet_policy_ws_host_ok("ws://[2001:db9::1]/"));
    assert_false(fleet_policy_ws_host_ok("ws://[::1]/"));
    assert_false(fleet_policy_ws_host_ok("ws://2130706433/"));            /* not resolved */
    assert_false(fleet_policy_ws_host_ok("ws://evil.csms.example.com/"));
    assert_false(fleet_policy_ws_host_ok("ws://csms.example.com.evil/"));
    assert_string_equal(fleet_policy_ws_hosts(), "127.0.0.0/8, 2001:db8::/32,CSMS.example.com.,10.1.2.3");
    fleet_policy_reset();
}

static void test_bad_lists(void **state)
{
    (void)state;
    char err[200];
    const char *bad[] = {"127.0.0.0/33", "::1/129", "a_b.example", "host/8", ",", "-x.example", "1.2.3.4/"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(fleet_policy_set(NULL, bad[i], err, sizeof err), -1);
        assert_non_null(strstr(err, "--allow-ws-hosts"));
        assert_true(fleet_policy_ws_host_ok("ws://1.2.3.4/"));   /* a refused list sets nothing */
    }
}

static void test_ca_dir(void **state)
{
    (void)state;
    char dir[] = "/tmp/cf-unit-ca-XXXXXX", path[600], out[4096], why[512], err[200];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/ca.pem", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("not a certificate\n", f);
    fclose(f);

    assert_int_equal(fleet_policy_set(NULL, NULL, err, sizeof err), 0);
    assert_int_equal(fleet_policy_ca_file(path, out, sizeof out, why, sizeof why), -1);
    assert_non_null(strstr(why, "ca_pem"));
    assert_non_null(strstr(why, "--ca-dir"));

    assert_int_equal(fleet_policy_set(dir, NULL, err, sizeof err), 0);
    assert_int_equal(fleet_policy_ca_file(path, out, sizeof out, why, sizeof why), -1);
    assert_non_null(strstr(why, "not a PEM file"));
    assert_int_equal(fleet_policy_ca_file("/etc/passwd", out, sizeof out, why, sizeof why), -1);
    assert_non_null(strstr(why, "outside the CA directory"));
    snprintf(path, sizeof path, "%s/../%s/../../etc/passwd", dir, strrchr(dir, '/') + 1);
    assert_int_equal(fleet_policy_ca_file(path, out, sizeof out, why, sizeof why), -1);
    assert_int_equal(fleet_policy_ca_file(dir, out, sizeof out, why, sizeof why), -1);
    assert_int_equal(fleet_policy_ca_file("relative.pem", out, sizeof out, why, sizeof why), -1);

    assert_int_equal(fleet_policy_set("/no/such/dir", NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a directory"));
    snprintf(path, sizeof path, "%s/ca.pem", dir);
    unlink(path);
    rmdir(dir);
}

static void test_identities(void **state)
{
    (void)state;
    assert_true(vc_identity_ok("Az09-._~"));
    const char *bad[] = {".", "..", "a/b", "a b", "a%2Fb", "a:b", "a@b", "a?b", "a#b", "\xc3\xbc", "a\\b", "a+b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(vc_identity_ok(bad[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_list_allows_any_host),
        cmocka_unit_test(test_cidrs_and_names),
        cmocka_unit_test(test_bad_lists),
        cmocka_unit_test(test_ca_dir),
        cmocka_unit_test(test_identities),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
