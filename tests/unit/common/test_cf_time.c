/* The two clocks of common/ (cf_time.h): the wall clock's text is RFC 3339 UTC with
 * milliseconds, 24 characters, and agrees with time(); the monotonic milliseconds never
 * go back and follow CLOCK_MONOTONIC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "cf_time.h"

static void rfc3339_has_its_shape(void **state)
{
    char out[25];
    struct tm tm = {0};
    time_t before = time(NULL);

    memset(out, 'x', sizeof out);
    cf_now_rfc3339(out);
    assert_int_equal(strlen(out), 24);
    /* 2026-11-24T10:00:00.000Z */
    for (int i = 0; i < 24; i++) {
        const char want = "0000-00-00T00:00:00.000Z"[i];
        if (want == '0')
            assert_in_range(out[i], '0', '9');
        else
            assert_int_equal(out[i], want);
    }
    assert_int_equal(sscanf(out, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
                            &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec), 6);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    assert_in_range(t, before - 1, time(NULL) + 1);
}

static void mono_ms_follows_the_monotonic_clock(void **state)
{
    struct timespec ts;
    int64_t a = cf_mono_ms();

    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t ref = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    int64_t b = cf_mono_ms();
    assert_true(a <= ref && ref <= b);
    nanosleep(&(struct timespec){0, 20 * 1000000}, NULL);
    assert_in_range(cf_mono_ms() - b, 20, 2000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc3339_has_its_shape),
        cmocka_unit_test(mono_ms_follows_the_monotonic_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
