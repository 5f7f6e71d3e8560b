#include "orch_migrate.h"

#include <libpq-fe.h>
#include <string.h>
#include <time.h>

#include "cf_log.h"
#include "orch_migrations.h"

/* Any constant: it only has to be the same in every chargefleet process. */
#define MIGRATE_LOCK "7301952"

static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    CF_LOG_DEBUG("migrate", "%s", message);
}

static int exec_ok(PGconn *c, const char *sql, int nparams, const char *const *params,
                   const char *what)
{
    PGresult *r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

    if (!ok)
        CF_LOG_ERROR("migrate", "%s: %s", what, PQresultErrorMessage(r));
    PQclear(r);
    return ok ? 0 : -1;
}

static int is_applied(PGconn *c, const char *name)
{
    const char *p[1] = {name};
    PGresult *r = PQexecParams(c, "SELECT 1 FROM schema_migrations WHERE version = $1", 1,
                               NULL, p, NULL, NULL, 0);
    int applied = PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) > 0 : -1;

    if (applied < 0)
        CF_LOG_ERROR("migrate", "reading schema_migrations: %s", PQresultErrorMessage(r));
    PQclear(r);
    return applied;
}

static int apply_all(PGconn *c)
{
    int applied = 0;

    if (exec_ok(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                   " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                0, NULL, "creating schema_migrations") != 0)
        return -1;
    for (size_t i = 0; i < orch_migrations_count; i++) {
        const struct orch_migration *m = &orch_migrations[i];
        const char *p[1] = {m->name};
        int done = is_applied(c, m->name);

        if (done < 0)
            return -1;
        if (done)
            continue;
        if (exec_ok(c, "BEGIN", 0, NULL, "BEGIN") != 0)
            return -1;
        /* PQexec (no parameters) runs a multi-statement script. */
        PGresult *r = PQexec(c, m->sql);
        if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
            CF_LOG_ERROR("migrate", "%s: %s", m->name, PQresultErrorMessage(r));
            PQclear(r);
            exec_ok(c, "ROLLBACK", 0, NULL, "ROLLBACK");
            return -1;
        }
        PQclear(r);
        if (exec_ok(c, "INSERT INTO schema_migrations (version) VALUES ($1)", 1, p,
                    "recording migration") != 0 ||
            exec_ok(c, "COMMIT", 0, NULL, "COMMIT") != 0)
            return -1;
        CF_LOG_INFO("migrate", "applied %s", m->name);
        applied++;
    }
    return applied;
}

int orch_migrate(const char *conninfo, int wait_s)
{
    PGconn *c = NULL;
    time_t until = time(NULL) + wait_s;
    int n;

    for (;;) {
        c = PQconnectdb(conninfo);
        if (PQstatus(c) == CONNECTION_OK)
            break;
        if (time(NULL) >= until) {
            CF_LOG_ERROR("migrate", "cannot connect to the database: %s", PQerrorMessage(c));
            PQfinish(c);
            return -1;
        }
        PQfinish(c);
        struct timespec ts = {0, 250 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    PQsetNoticeProcessor(c, quiet_notice, NULL);
    if (exec_ok(c, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", 0, NULL, "advisory lock") != 0) {
        PQfinish(c);
        return -1;
    }
    n = apply_all(c);
    exec_ok(c, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")", 0, NULL, "advisory unlock");
    PQfinish(c);
    return n;
}
