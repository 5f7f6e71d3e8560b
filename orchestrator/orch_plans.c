#include "orch_plans.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_log.h"
#include "orch_expand.h"
#include "orch_jobs.h"

/* The oldest job waiting for its rows that no live runtime holds, with the identities
 * its location has. */
static const char SQL_TAKE[] =
    "WITH t AS (SELECT id FROM jobs WHERE plan IS NOT NULL AND NOT cf_live(expand_owner) "
    "  ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED) "
    "UPDATE jobs j SET expand_owner = $1 FROM t WHERE j.id = t.id "
    "RETURNING j.id, j.plan::text, cf_taken_identities(j.location_id, j.id, NULL)::text";

/* The rows ($4) and the end of the plan, only while the take ($2) is ours; $3: why the
 * plan could not be expanded (then no rows). The job's first_seq comes before its rows'
 * seq (the connect_rate turns count from it). No rows go into a location being deleted
 * (the sweep removes it, and its jobs with it). */
static const char SQL_WRITE[] =
    "WITH j AS MATERIALIZED (UPDATE jobs SET plan = NULL, expand_owner = NULL, "
    "    expand_error = $3, "
    "    first_seq = nextval(pg_get_serial_sequence('chargers', 'seq')) "
    "  WHERE id = $1::uuid AND expand_owner = $2 AND plan IS NOT NULL "
    "  RETURNING id, location_id), "
    "c AS (INSERT INTO chargers (location_id, job_id, " ORCH_SQL_CHARGER_COLS ") "
    "  SELECT j.location_id, j.id, r.* FROM j "
    "    JOIN locations l ON l.id = j.location_id AND NOT l.deleting, "
    "    json_to_recordset($4::json) AS r(" ORCH_SQL_CHARGER_TYPES ") RETURNING 1) "
    "SELECT (SELECT count(*) FROM c), (SELECT count(*) FROM j)";

/* A take given back: the next round takes it again. */
static const char SQL_GIVE_BACK[] =
    "UPDATE jobs SET expand_owner = NULL "
    "WHERE id = $1::uuid AND expand_owner = $2";

/* The same after a failed write, unless this was the job's WRITE_TRIES-th ($3): then
 * the plan ends, FAILED with $4. */
static const char SQL_WRITE_FAILED[] =
    "UPDATE jobs SET expand_owner = NULL, expand_failures = expand_failures + 1, "
    "  plan = CASE WHEN expand_failures + 1 >= $3::int THEN NULL ELSE plan END, "
    "  expand_error = CASE WHEN expand_failures + 1 >= $3::int THEN $4 ELSE expand_error END "
    "WHERE id = $1::uuid AND expand_owner = $2 "
    "RETURNING plan IS NULL";

#define WRITE_TRIES 5

struct round {
    uv_loop_t *loop;
    struct db *db;
    uv_work_t work;
    char owner[64];
    char job[40];
    char *plan, *have;      /* as taken (texts) */
    char *rows;             /* as expanded (text) */
    char error[300];        /* why it could not be expanded */
    long n;                 /* rows written, -1: the job FAILED */
    void (*cb)(long n, void *arg);
    void *arg;
};

static void end(struct round *r, long n)
{
    r->cb(n, r->arg);
    free(r->plan);
    free(r->have);
    free(r->rows);
    free(r);
}

static void given_back(PGresult *res, const char *err, void *arg)
{
    struct round *r = arg;

    /* not given back (err): the take expires */
    if (!err && PQntuples(res) == 1 && PQnfields(res) == 1 && !strcmp(PQgetvalue(res, 0, 0), "t")) {
        CF_LOG_WARN("orch", "job %s FAILED: %s", r->job, r->error);
        end(r, -1);
        return;
    }
    end(r, 0);
}

static void written(PGresult *res, const char *err, void *arg)
{
    struct round *r = arg;

    if (err) {
        CF_LOG_WARN("orch", "job %s: writing its chargers: %s (tried again)", r->job, err);
        char tries[16];
        snprintf(tries, sizeof tries, "%d", WRITE_TRIES);
        snprintf(r->error, sizeof r->error, "its chargers could not be written (%d tries): "
                 "%.200s: no charger created", WRITE_TRIES, err);
        const char *p[] = {r->job, r->owner, tries, r->error};
        db_query(r->db, SQL_WRITE_FAILED, 4, p, given_back, r);
        return;
    }
    if (atol(PQgetvalue(res, 0, 1)) == 0) {   /* our lease had lapsed: someone else's now */
        end(r, 0);
        return;
    }
    if (r->n >= 0)
        r->n = atol(PQgetvalue(res, 0, 0));
    end(r, r->n);
}

/* The first identity the plan names that `taken` has already, copied to buf; NULL if
 * none. */
static const char *named_taken(json_t *groups, json_t *taken, char *buf, size_t n)
{
    json_t *named = orch_plan_named(groups), *id;
    const char *clash = NULL;
    size_t i;

    json_array_foreach(named, i, id) {
        if (json_object_get(taken, json_string_value(id))) {
            snprintf(buf, n, "%s", json_string_value(id));
            clash = buf;
            break;
        }
    }
    json_decref(named);
    return clash;
}

/* In the thread pool: the plan and the taken set (texts) → the rows (text) or an
 * error. Only strings cross threads; the JSON lives and dies here. */
static void expand_work(uv_work_t *w)
{
    struct round *r = w->data;
    json_t *groups = json_loads(r->plan, 0, NULL);
    json_t *have = json_loads(r->have, 0, NULL);
    json_t *rows = NULL;
    char identity[256];
    const char *clash = named_taken(groups, have, identity, sizeof identity);
    struct orch_rng rng;

    orch_rng_init_random(&rng);
    if (clash)
        snprintf(r->error, sizeof r->error, "identity '%.60s' was taken by another request "
                 "after this job was accepted: no charger created", clash);
    else if (!groups || !have || !(rows = orch_expand_plan(groups, have, &rng)))
        snprintf(r->error, sizeof r->error, "the chargers could not be expanded (no free "
                 "identity left for a prefix): no charger created");
    json_decref(groups);
    json_decref(have);
    if (r->error[0] || !rows) {
        json_decref(rows);
        rows = json_array();
    }
    r->rows = json_dumps(rows, JSON_COMPACT);
    r->n = r->error[0] ? -1 : (long)json_array_size(rows);
    json_decref(rows);
}

static void expand_done(uv_work_t *w, int status)
{
    struct round *r = w->data;

    (void)status;
    if (r->error[0])
        CF_LOG_WARN("orch", "job %s FAILED: %s", r->job, r->error);
    const char *p[] = {r->job, r->owner, r->error[0] ? r->error : NULL,
                       r->rows ? r->rows : "[]"};
    db_query(r->db, SQL_WRITE, 4, p, written, r);
}

static void taken(PGresult *res, const char *err, void *arg)
{
    struct round *r = arg;

    if (err || PQntuples(res) == 0) {
        if (err)
            CF_LOG_DEBUG("orch", "taking a job to expand: %s", err);
        end(r, 0);
        return;
    }
    snprintf(r->job, sizeof r->job, "%s", PQgetvalue(res, 0, 0));
    r->plan = strdup(PQgetvalue(res, 0, 1));
    r->have = strdup(PQgetvalue(res, 0, 2));
    r->work.data = r;
    if (!r->plan || !r->have ||
        uv_queue_work(r->loop, &r->work, expand_work, expand_done) != 0) {
        const char *p[] = {r->job, r->owner};
        db_query(r->db, SQL_GIVE_BACK, 2, p, given_back, r);
    }
}

void orch_plans_expand(uv_loop_t *loop, struct db *db, const char *owner,
                       void (*cb)(long n, void *arg), void *arg)
{
    struct round *r = calloc(1, sizeof *r);

    if (!r) {
        cb(0, arg);
        return;
    }
    r->loop = loop;
    r->db = db;
    snprintf(r->owner, sizeof r->owner, "%s", owner);
    r->cb = cb;
    r->arg = arg;
    const char *p[] = {r->owner};
    db_query(db, SQL_TAKE, 1, p, taken, r);
}
