#include "orch_sweep.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

#include "cf_log.h"

struct orch_sweep {
    uv_timer_t timer;
    struct db *db;
    char keep_s[16];    /* log retention, seconds */
    char timeout_s[16]; /* the provision timeout, seconds */
    int busy, closed;   /* a query in flight; the timer has closed */
};

static void maybe_free(struct orch_sweep *s)
{
    if (s->closed && !s->busy)
        free(s);
}

static void swept(PGresult *res, const char *err, void *arg)
{
    struct orch_sweep *s = arg;
    s->busy = 0;
    if (err)
        CF_LOG_DEBUG("orch", "sweep failed (will retry): %s", err);
    else if (PQntuples(res) == 1) {
        if (atoi(PQgetvalue(res, 0, 0)) > 0)
            CF_LOG_INFO("orch", "%s CPO(s) reached their TTL: deleting", PQgetvalue(res, 0, 0));
        if (atoi(PQgetvalue(res, 0, 2)) > 0)
            CF_LOG_WARN("orch", "%s charger(s) FAILED: no runtime had room for them within the "
                        "provision timeout (they run when room comes: add workers or "
                        "--capacity)", PQgetvalue(res, 0, 2));
    }
    maybe_free(s);
}

static void tick(uv_timer_t *t)
{
    struct orch_sweep *s = t->data;
    if (s->busy || !db_ready(s->db))
        return;
    s->busy = 1;
    const char *params[2] = {s->keep_s, s->timeout_s};
    db_query(s->db, "SELECT cf_sweep(), cf_logs_trim(make_interval(secs => $1::int), 20000), "
                    "cf_fail_unclaimed(make_interval(secs => $2::int))",
             2, params, swept, s);
}

struct orch_sweep *orch_sweep_start(uv_loop_t *loop, struct db *db, int interval_ms,
                                    int log_retention_s, int provision_timeout_s)
{
    struct orch_sweep *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->db = db;
    snprintf(s->keep_s, sizeof s->keep_s, "%d", log_retention_s);
    snprintf(s->timeout_s, sizeof s->timeout_s, "%d", provision_timeout_s);
    uv_timer_init(loop, &s->timer);
    s->timer.data = s;
    uv_timer_start(&s->timer, tick, (uint64_t)interval_ms, (uint64_t)interval_ms);
    return s;
}

static void closed(uv_handle_t *h)
{
    struct orch_sweep *s = h->data;
    s->closed = 1;
    maybe_free(s);
}

void orch_sweep_stop(struct orch_sweep *s)
{
    if (s)
        uv_close((uv_handle_t *)&s->timer, closed);
}

int orch_sweep_now(const char *conninfo)
{
    PGconn *c = PQconnectdb(conninfo);
    PGresult *res = NULL;
    int n = -1;

    if (PQstatus(c) == CONNECTION_OK)
        res = PQexec(c, "SELECT cf_sweep()");
    if (res && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        n = atoi(PQgetvalue(res, 0, 0));
    else
        CF_LOG_WARN("orch", "sweep at start failed: %s", PQerrorMessage(c));
    if (n > 0)
        CF_LOG_INFO("orch", "%d CPO(s) reached their TTL while nothing ran: deleted, their "
                            "chargers will not connect", n);
    PQclear(res);
    PQfinish(c);
    return n;
}
