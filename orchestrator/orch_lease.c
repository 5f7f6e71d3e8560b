/* The lease renewal thread (see orch_lease.h). libpq is used non-blocking under poll()
 * in slices of SLICE_MS, so a stop is seen within a slice whatever the database does
 * (a hung TCP connection included). */
#include "orch_lease.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cf_time.h"

#define RENEW_MS 1000       /* one renewal a second */
#define SLICE_MS 100        /* how often a wait looks at the stop flag */
#define ATTEMPT_MAX_MS 3000 /* one attempt (connect + statement) gives up after this */
#define STREAK_GAP_MS 3000  /* renewals further apart (at most half the lease) break the
                             * runtime's unbroken run of them (runtimes.since) */

/* The row, created by the first renewal. since (sql/025_fencing.sql) restarts when the
 * previous renewal is more than $5 ms old: the runtime did not see the database
 * throughout, so it cannot tell who else could not; the answer says whether the lease
 * had lapsed. The CTE reads the row as it was before the statement (one snapshot for
 * every part of it). */
static const char SQL_RENEW[] =
    "WITH old AS (SELECT lease_until FROM runtimes WHERE owner = $1) "
    "INSERT INTO runtimes (owner, pid, capacity, held, metrics, lease_until, lease_s, since) "
    "VALUES ($1, $2::int, $3::int, 0, '{}', now() + make_interval(secs => $4::int), "
    "  $4::int, now()) "
    "ON CONFLICT (owner) DO UPDATE SET lease_until = EXCLUDED.lease_until, "
    "  lease_s = EXCLUDED.lease_s, seen_at = now(), "
    "  since = CASE WHEN runtimes.lease_until - make_interval(secs => runtimes.lease_s) "
    "                    < now() - make_interval(secs => $5::float8 / 1000) "
    "               THEN now() ELSE runtimes.since END "
    "RETURNING COALESCE((SELECT lease_until < now() FROM old), false)";

struct orch_lease {
    char *conninfo;
    char owner[64];
    int lease_s, fence_ms, capacity, attempt_ms;
    pthread_t thread;
    pthread_mutex_t mu;         /* guards last_error and the sleep */
    pthread_cond_t wake;
    atomic_int stopping;
    atomic_int_fast64_t valid_until;
    atomic_int down;
    atomic_uint renewals, lapses, gaps, failures;
    char last_error[256];
    PGconn *pg;                 /* the thread's own */
};

int orch_lease_db_down(const char *e)
{
    static const char *const down[] = {
        "Connection refused",                 /* nothing listens at the address */
        "No such file or directory",          /* no unix socket: the server is not running */
        "the database system is starting up",
        "the database system is shutting down",
        "the database system is not yet accepting connections",
        "the database system is not accepting connections",
        "the database system is in recovery mode",
    };
    if (!e)
        return 0;
    for (size_t i = 0; i < sizeof down / sizeof *down; i++)
        if (strstr(e, down[i]))
            return 1;
    return 0;
}

/* Waits for fd to be ready for events, in slices; -1 on a stop, at the deadline, or
 * when poll fails. */
static int wait_fd(struct orch_lease *l, int fd, short events, int64_t deadline)
{
    for (;;) {
        if (atomic_load(&l->stopping))
            return -1;
        int64_t left = deadline - cf_mono_ms();
        if (left <= 0)
            return -1;
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, left < SLICE_MS ? (int)left : SLICE_MS);
        if (n > 0)
            return 0;
        if (n < 0 && errno != EINTR)
            return -1;
    }
}

static void set_error(struct orch_lease *l, const char *msg)
{
    pthread_mutex_lock(&l->mu);
    snprintf(l->last_error, sizeof l->last_error, "%s", msg);
    size_t n = strlen(l->last_error);
    while (n > 0 && (l->last_error[n - 1] == '\n' || l->last_error[n - 1] == ' '))
        l->last_error[--n] = '\0';
    for (char *p = l->last_error; *p; p++)   /* one line */
        if (*p == '\n')
            *p = ' ';
    pthread_mutex_unlock(&l->mu);
}

static void drop_conn(struct orch_lease *l)
{
    if (l->pg)
        PQfinish(l->pg);
    l->pg = NULL;
}

/* Connects; 0, or -1 with the reason in last_error. */
static int connect_db(struct orch_lease *l, int64_t deadline)
{
    const char *const kw[] = {"dbname", "application_name", NULL};
    const char *const val[] = {l->conninfo, "chargefleet lease", NULL};
    l->pg = PQconnectStartParams(kw, val, 1);
    if (!l->pg) {
        set_error(l, "out of memory");
        return -1;
    }
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (PQstatus(l->pg) != CONNECTION_BAD) {
        if (st == PGRES_POLLING_OK)
            return 0;
        if (st == PGRES_POLLING_FAILED)
            break;
        if (wait_fd(l, PQsocket(l->pg), st == PGRES_POLLING_READING ? POLLIN : POLLOUT,
                    deadline) != 0) {
            set_error(l, "connecting to the database timed out");
            drop_conn(l);
            return -1;
        }
        st = PQconnectPoll(l->pg);
    }
    set_error(l, PQerrorMessage(l->pg));
    drop_conn(l);
    return -1;
}

/* Runs the renewal on the open connection. 1 (lapsed) or 0 (held), or -1 with the
 * reason in last_error (the connection is dropped). */
static int renew(struct orch_lease *l, int64_t deadline)
{
    char pid[16], cap[16], lease[16], gap[16];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    snprintf(cap, sizeof cap, "%d", l->capacity);
    snprintf(lease, sizeof lease, "%d", l->lease_s);
    snprintf(gap, sizeof gap, "%d", l->lease_s * 500 < STREAK_GAP_MS ? l->lease_s * 500
                                                                     : STREAK_GAP_MS);
    const char *const params[5] = {l->owner, pid, cap, lease, gap};
    int lapsed = -1;
    if (!PQsendQueryParams(l->pg, SQL_RENEW, 5, NULL, params, NULL, NULL, 0))
        goto fail;
    int f;
    while ((f = PQflush(l->pg)) == 1)
        if (wait_fd(l, PQsocket(l->pg), POLLOUT, deadline) != 0)
            goto timeout;
    if (f < 0)
        goto fail;
    while (PQisBusy(l->pg)) {
        if (wait_fd(l, PQsocket(l->pg), POLLIN, deadline) != 0)
            goto timeout;
        if (!PQconsumeInput(l->pg))
            goto fail;
    }
    PGresult *res;
    char why[256] = "";
    while ((res = PQgetResult(l->pg)) != NULL) {
        if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
            lapsed = !strcmp(PQgetvalue(res, 0, 0), "t");
        else if (!why[0])
            snprintf(why, sizeof why, "%s", PQresultErrorMessage(res));
        PQclear(res);
    }
    if (lapsed >= 0)
        return lapsed;
    set_error(l, why[0] ? why : "no answer to the renewal");
    drop_conn(l);
    return -1;
timeout:
    set_error(l, "the renewal timed out");
    drop_conn(l);
    return -1;
fail:
    set_error(l, PQerrorMessage(l->pg));
    drop_conn(l);
    return -1;
}

/* One attempt: on an open connection that turns out broken, one reconnect at once, so
 * the failure is classified by what the server says now (a restart closes open
 * connections with the same words as an administrator's terminate). */
static void attempt(struct orch_lease *l, int *last_failure_down)
{
    int64_t deadline = cf_mono_ms() + l->attempt_ms;
    for (int tries = 0; tries < 2; tries++) {
        int had_conn = l->pg != NULL;
        if (!l->pg && connect_db(l, deadline) != 0)
            break;
        int64_t sent = cf_mono_ms();
        int lapsed = renew(l, deadline);
        if (lapsed < 0) {
            if (had_conn && !atomic_load(&l->stopping))
                continue;               /* it broke while idle: reconnect once now */
            break;
        }
        int64_t before = atomic_load(&l->valid_until);
        if (atomic_load(&l->renewals) > 0 && sent > before && !*last_failure_down)
            atomic_fetch_add(&l->gaps, 1);
        atomic_store(&l->valid_until, sent + l->fence_ms);
        set_error(l, "");
        atomic_store(&l->down, 0);
        if (lapsed)
            atomic_fetch_add(&l->lapses, 1);
        atomic_fetch_add(&l->renewals, 1);
        *last_failure_down = 0;
        return;
    }
    char e[256];
    orch_lease_last_error(l, e, sizeof e);
    *last_failure_down = orch_lease_db_down(e);
    atomic_store(&l->down, *last_failure_down);
    atomic_fetch_add(&l->failures, 1);
}

static void *run(void *arg)
{
    struct orch_lease *l = arg;
    int last_failure_down = 0;
    while (!atomic_load(&l->stopping)) {
        int64_t next = cf_mono_ms() + RENEW_MS;
        attempt(l, &last_failure_down);
        pthread_mutex_lock(&l->mu);
        while (!atomic_load(&l->stopping) && cf_mono_ms() < next) {
            int64_t at = next;     /* cf_mono_ms is CLOCK_MONOTONIC: the condition's clock */
            struct timespec ts = {.tv_sec = at / 1000, .tv_nsec = (at % 1000) * 1000000};
            pthread_cond_timedwait(&l->wake, &l->mu, &ts);
        }
        pthread_mutex_unlock(&l->mu);
    }
    drop_conn(l);
    return NULL;
}

struct orch_lease *orch_lease_start(const char *conninfo, const char *owner, int lease_s,
                                    int fence_ms, int capacity)
{
    struct orch_lease *l = calloc(1, sizeof *l);
    if (!l || !(l->conninfo = strdup(conninfo))) {
        free(l);
        return NULL;
    }
    snprintf(l->owner, sizeof l->owner, "%s", owner);
    l->lease_s = lease_s;
    l->fence_ms = fence_ms;
    l->capacity = capacity;
    l->attempt_ms = fence_ms / 2 < ATTEMPT_MAX_MS ? fence_ms / 2 : ATTEMPT_MAX_MS;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&l->wake, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&l->mu, NULL);
    if (pthread_create(&l->thread, NULL, run, l) != 0) {
        pthread_cond_destroy(&l->wake);
        pthread_mutex_destroy(&l->mu);
        free(l->conninfo);
        free(l);
        return NULL;
    }
    return l;
}

void orch_lease_stop(struct orch_lease *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->mu);
    atomic_store(&l->stopping, 1);
    pthread_cond_signal(&l->wake);
    pthread_mutex_unlock(&l->mu);
    pthread_join(l->thread, NULL);
    pthread_cond_destroy(&l->wake);
    pthread_mutex_destroy(&l->mu);
    free(l->conninfo);
    free(l);
}

int64_t orch_lease_valid_until(const struct orch_lease *l)
{
    return atomic_load(&((struct orch_lease *)l)->valid_until);
}

int orch_lease_down(const struct orch_lease *l)
{
    return atomic_load(&((struct orch_lease *)l)->down);
}

unsigned orch_lease_renewals(const struct orch_lease *l)
{
    return atomic_load(&((struct orch_lease *)l)->renewals);
}

unsigned orch_lease_lapses(const struct orch_lease *l)
{
    return atomic_load(&((struct orch_lease *)l)->lapses);
}

unsigned orch_lease_gaps(const struct orch_lease *l)
{
    return atomic_load(&((struct orch_lease *)l)->gaps);
}

unsigned orch_lease_failures(const struct orch_lease *l)
{
    return atomic_load(&((struct orch_lease *)l)->failures);
}

void orch_lease_last_error(struct orch_lease *l, char *out, size_t n)
{
    pthread_mutex_lock(&l->mu);
    snprintf(out, n, "%s", l->last_error);
    pthread_mutex_unlock(&l->mu);
}
