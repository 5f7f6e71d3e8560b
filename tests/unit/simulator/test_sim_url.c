/* The websocket URL of a charger: ws_url + "/" + percent-encoded identity, no double
 * slash; bad schemes refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sim_runtime.h"

static void plain_and_tls(void **state)
{
    struct sim_url u;

    assert_int_equal(sim_url_parse("ws://127.0.0.1:9000/ocpp", "CP1", &u), 0);
    assert_int_equal(u.tls, 0);
    assert_string_equal(u.host, "127.0.0.1");
    assert_int_equal(u.port, 9000);
    assert_string_equal(u.path, "/ocpp/CP1");

    assert_int_equal(sim_url_parse("wss://csms.example.com/ocpp/", "CP1", &u), 0);
    assert_int_equal(u.tls, 1);
    assert_int_equal(u.port, 443);
    assert_string_equal(u.path, "/ocpp/CP1");     /* no double slash */

    assert_int_equal(sim_url_parse("ws://host", "CP1", &u), 0);
    assert_int_equal(u.port, 80);
    assert_string_equal(u.path, "/CP1");
}

static void identity_is_encoded(void **state)
{
    struct sim_url u;

    assert_int_equal(sim_url_parse("ws://h:1/o", "A B#?%", &u), 0);
    assert_string_equal(u.path, "/o/A%20B%23%3F%25");
    assert_int_equal(sim_url_parse("ws://h:1/o", "L01_UAH-1.x~", &u), 0);
    assert_string_equal(u.path, "/o/L01_UAH-1.x~");
}

static void refused(void **state)
{
    struct sim_url u;

    assert_int_equal(sim_url_parse("http://h/o", "CP1", &u), -1);
    assert_int_equal(sim_url_parse("ws://", "CP1", &u), -1);
    assert_int_equal(sim_url_parse("ws:///path", "CP1", &u), -1);
    assert_int_equal(sim_url_parse("ws://h:99999/o", "CP1", &u), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_and_tls),
        cmocka_unit_test(identity_is_encoded),
        cmocka_unit_test(refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
