/* The lease thread without a database: how a failure is classified (the database itself
 * down, so nobody can take over; or cannot tell, so the runtime must fence), against
 * real sockets (nothing listening; a unix socket path that does not exist; a listener
 * that never answers), and that a stop is prompt whatever the thread waits on. Its
 * renewals against a real PostgreSQL are tested in tests/integration/fencing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "orch_lease.h"

static int64_t ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int n)
{
    struct timespec ts = {n / 1000, (long)(n % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static void messages(void **state)
{
    assert_true(orch_lease_db_down("connection to server at \"127.0.0.1\", port 1 failed: "
                                   "Connection refused\n\tIs the server running on that host?"));
    assert_true(orch_lease_db_down("connection to server on socket \"/tmp/x/.s.PGSQL.5432\" "
                                   "failed: No such file or directory"));
    assert_true(orch_lease_db_down("FATAL:  the database system is starting up"));
    assert_true(orch_lease_db_down("FATAL:  the database system is shutting down"));
    assert_false(orch_lease_db_down("FATAL:  role \"cut\" is not permitted to log in"));
    assert_false(orch_lease_db_down("FATAL:  terminating connection due to administrator command"));
    assert_false(orch_lease_db_down("the renewal timed out"));
    assert_false(orch_lease_db_down("connecting to the database timed out"));
    assert_false(orch_lease_db_down(""));
    assert_false(orch_lease_db_down(NULL));
}

/* Waits up to limit ms for the first failed attempt. */
static void wait_failure(struct orch_lease *l, int limit)
{
    int64_t end = ms() + limit;
    while (orch_lease_failures(l) == 0 && ms() < end)
        sleep_ms(20);
    assert_true(orch_lease_failures(l) > 0);
}

static void refused_is_down(void **state)
{
    struct orch_lease *l = orch_lease_start("host=127.0.0.1 port=1 dbname=x connect_timeout=2",
                                            "test-owner", 5, 3000, 10);
    assert_non_null(l);
    wait_failure(l, 3000);
    assert_int_equal(orch_lease_down(l), 1);
    assert_int_equal(orch_lease_renewals(l), 0);
    assert_int_equal(orch_lease_valid_until(l), 0);
    char e[256];
    orch_lease_last_error(l, e, sizeof e);
    assert_non_null(strstr(e, "Connection refused"));
    orch_lease_stop(l);
}

static void no_socket_is_down(void **state)
{
    struct orch_lease *l = orch_lease_start("postgresql://u@/db?host=/nonexistent-cf-dir&port=5",
                                            "test-owner", 5, 3000, 10);
    assert_non_null(l);
    wait_failure(l, 3000);
    assert_int_equal(orch_lease_down(l), 1);
    orch_lease_stop(l);
}

/* A listener that accepts at the TCP level (the backlog) and never says a word: the
 * attempt times out, which cannot tell; and a stop meanwhile is prompt. */
static void silence_cannot_tell(void **state)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s, 8), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
    char conninfo[128];
    snprintf(conninfo, sizeof conninfo, "host=127.0.0.1 port=%d dbname=x user=u",
             ntohs(a.sin_port));
    /* fence 1000 ms: an attempt gives up after 500 */
    struct orch_lease *l = orch_lease_start(conninfo, "test-owner", 2, 1000, 10);
    assert_non_null(l);
    wait_failure(l, 3000);
    assert_int_equal(orch_lease_down(l), 0);
    char e[256];
    orch_lease_last_error(l, e, sizeof e);
    assert_non_null(strstr(e, "timed out"));
    sleep_ms(1100);                    /* into the next attempt, which waits again */
    int64_t t = ms();
    orch_lease_stop(l);
    assert_true(ms() - t < 400);
    close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(messages),
        cmocka_unit_test(refused_is_down),
        cmocka_unit_test(no_socket_is_down),
        cmocka_unit_test(silence_cannot_tell),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
