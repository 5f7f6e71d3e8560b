#include "orch_plans.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_log.h"
#include "fleet_expand.h"
#include "orch_jobs.h"

/* The oldest job waiting for its rows that no live runtime holds, with the identities
 * its location has. A location being deleted gets no rows: the sweep removes it and its
 * jobs with it. */
static const char SQL_TAKE[] =
    "WITH t AS (SELECT j.id FROM jobs j JOIN locations l ON l.id = j.location_id "
    "  WHERE j.plan IS NOT NULL AND NOT cf_live(j.expand_owner) AND NOT l.deleting "
    "  ORDER BY j.created_at LIMIT 1 FOR UPDATE OF j SKIP LOCKED) "
    "UPDATE jobs j SET expand_owner = $1 FROM t WHERE j.id = t.id "
    "RETURNING j.id, j.plan::text, cf_taken_identities(j.location_id, j.id, NULL)::text";

/* The rows and the end of the plan, only while the take ($2) is ours and the location
 * is not being deleted (marked since the take: the plan stays, and goes with the
 * location); $3: why the plan could not be expanded (then no rows). A row is what its
 * group of the plan shares (the group's "row", read here from the plan as the job
 * holds it) and what the expansion drew for it: $4 its group (from 1), $5 identity, $6
 * charge_point_name, $7 serial, one array element per row ($9 rows). The job's
 * first_seq comes before its rows' seq (the connect_rate turns count from it).
 * The writer keeps its share of the rows (what a claim round would take: the rows over
 * the runtimes alive, at most $8, its room): they are written held by it, and come
 * back after the two counts (rows written, jobs ended), one per row; none: one row of
 * counts. A claim taking them instead would write each row a second time (a non-HOT
 * update with all its index entries): the larger part of a claim's cost. The writer
 * keeps its share also when other runtimes are alive: its peers' claim rounds could
 * otherwise take the whole job before it claims any. The per-row values come as one
 * array per column ($4-$7), not as a JSON array of row objects, which PostgreSQL would
 * parse twice (json_in, json_to_recordset) and serve build object by object
 * (BENCHMARKS.md, "Why the SQL has its shape"). */
static const char SQL_WRITE[] =
    "WITH p AS MATERIALIZED (SELECT plan FROM jobs WHERE id = $1::uuid), "
    "j AS MATERIALIZED (UPDATE jobs SET plan = NULL, expand_owner = NULL, "
    "    expand_error = $3, "
    "    first_seq = nextval(pg_get_serial_sequence('chargers', 'seq')) "
    "  WHERE id = $1::uuid AND expand_owner = $2 AND plan IS NOT NULL "
    "    AND NOT (SELECT deleting FROM locations l WHERE l.id = jobs.location_id) "
    "  RETURNING id, location_id, first_seq, connect_rate, created_at), "
    "g AS MATERIALIZED (SELECT e.n, r.* FROM p, jsonb_array_elements(p.plan) "
    "    WITH ORDINALITY AS e(grp, n), "
    "    jsonb_to_record(e.grp->'row') AS r(" ORCH_SQL_CHARGER_TYPES ")), "
    "share AS (SELECT LEAST($8::int, ceil($9::int / (SELECT GREATEST(1, count(*)) "
    "    FROM runtimes WHERE lease_until >= now())::numeric))::int AS take), "
    "c AS (INSERT INTO chargers (location_id, job_id, lease_owner, status, "
    "    " ORCH_SQL_CHARGER_COLS ") "
    "  SELECT j.location_id, j.id, CASE WHEN u.n <= share.take THEN $2 END, "
    "    CASE WHEN u.n <= share.take THEN 'PROVISIONING' ELSE 'PENDING' END, "
    "    " ORCH_SQL_CHARGER_VALUES("u") " "
    "  FROM j, share, unnest($4::int[], $5::text[], $6::text[], $7::text[]) "
    "    WITH ORDINALITY AS u(grp, identity, charge_point_name, serial, n) "
    "    JOIN g ON g.n = u.grp "
    "  ORDER BY u.n "
    "  RETURNING *), "
    "n AS (SELECT (SELECT count(*) FROM c) AS nrows, (SELECT count(*) FROM j) AS njobs) "
    "SELECT n.nrows, n.njobs, h.* FROM n LEFT JOIN ("
    "  SELECT " ORCH_SQL_HELD_COLS("c") ", "
    "    CASE WHEN j.connect_rate IS NOT NULL THEN " ORCH_SQL_START_DELAY("c", "j") " END "
    "      AS start_delay_ms, "
    "    c.seq AS held_seq "
    "  FROM c, j WHERE c.lease_owner IS NOT NULL) h ON true "
    "ORDER BY h.held_seq";

/* A take given back: the next round takes it again. $3 = 1 counts a write the database
 * refused; at the WRITE_TRIES-th ($4) the plan ends instead, FAILED with $5. */
static const char SQL_GIVE_BACK[] =
    "UPDATE jobs SET expand_owner = NULL, expand_failures = expand_failures + $3::int, "
    "  plan = CASE WHEN expand_failures + $3::int >= $4::int THEN NULL ELSE plan END, "
    "  expand_error = CASE WHEN expand_failures + $3::int >= $4::int THEN $5 "
    "                      ELSE expand_error END "
    "WHERE id = $1::uuid AND expand_owner = $2 "
    "RETURNING plan IS NULL";

#define WRITE_TRIES 5

enum { ROW_GROUP, ROW_IDENTITY, ROW_NAME, ROW_SERIAL, ROW_COLS };

struct round {
    uv_loop_t *loop;
    struct db *db;
    uv_work_t work;
    char owner[64];
    char job[40];
    char *plan, *have;      /* as taken (texts) */
    struct db_array col[ROW_COLS]; /* as expanded: what differs between its rows */
    char error[300];        /* why it could not be expanded */
    int oom;                /* out of memory while expanding: taken again later */
    int (*room)(void *arg); /* rows the writer may keep for itself, asked at the write */
    void (*cb)(long n, PGresult *held, void *arg);
    void *arg;
};

static void end(struct round *r, long n, PGresult *held)
{
    r->cb(n, held, r->arg);
    free(r->plan);
    free(r->have);
    for (int i = 0; i < ROW_COLS; i++)
        db_array_free(&r->col[i]);
    free(r);
}

static void given_back(PGresult *res, const char *err, void *arg)
{
    struct round *r = arg;

    /* not given back (err): the take expires */
    if (!err && PQntuples(res) == 1 && !strcmp(PQgetvalue(res, 0, 0), "t")) {
        CF_LOG_WARN("orch", "job %s FAILED: %s", r->job, r->error);
        end(r, -1, NULL);
        return;
    }
    end(r, 0, NULL);
}

/* refused: PostgreSQL refused the write (its error carries a SQLSTATE; counted), else
 * the write got no answer from it (a lost connection, not counted). */
static void give_back(struct round *r, int refused)
{
    char tries[16];
    snprintf(tries, sizeof tries, "%d", WRITE_TRIES);
    const char *p[] = {r->job, r->owner, refused ? "1" : "0", tries, r->error};
    db_query(r->db, SQL_GIVE_BACK, 5, p, given_back, r);
}

static void written(PGresult *res, const char *err, void *arg)
{
    struct round *r = arg;

    if (err) {
        CF_LOG_WARN("orch", "job %s: writing its chargers: %s (tried again)", r->job, err);
        snprintf(r->error, sizeof r->error, "its chargers could not be written (%d tries): "
                 "%.200s: no charger created", WRITE_TRIES, err);
        give_back(r, res && PQresultErrorField(res, PG_DIAG_SQLSTATE));
        return;
    }
    /* our lease had lapsed (someone else's now), or the location is being deleted */
    if (atol(PQgetvalue(res, 0, 1)) == 0) {
        end(r, 0, NULL);
        return;
    }
    long n = r->error[0] ? -1 : atol(PQgetvalue(res, 0, 0));   /* -1: ended FAILED */
    end(r, n, n > 0 ? res : NULL);
}

/* The first identity the plan names that `taken` has already, copied to buf; NULL if
 * none. */
static const char *named_taken(json_t *groups, json_t *taken, char *buf, size_t n)
{
    json_t *named = fleet_plan_named(groups), *id;
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

/* fleet_row_fn: one row's own values, one per array. */
static int add_row(void *arg, size_t group, const char *identity, const char *name,
                   const char *serial)
{
    struct round *r = arg;
    char g[24];

    snprintf(g, sizeof g, "%zu", group + 1);
    if (db_array_add(&r->col[ROW_GROUP], g, strlen(g)) != 0 ||
        db_array_add(&r->col[ROW_IDENTITY], identity, strlen(identity)) != 0 ||
        db_array_add(&r->col[ROW_NAME], name, strlen(name)) != 0 ||
        db_array_add(&r->col[ROW_SERIAL], serial, strlen(serial)) != 0) {
        r->oom = 1;
        return -1;
    }
    return 0;
}

/* In the thread pool: the plan and the taken set (texts) → the rows (arrays) or an
 * error. Only strings cross threads; the JSON lives and dies here. */
static void expand_work(uv_work_t *w)
{
    struct round *r = w->data;
    json_t *groups = json_loads(r->plan, 0, NULL);
    json_t *have = json_loads(r->have, 0, NULL);
    char identity[256];
    const char *clash = named_taken(groups, have, identity, sizeof identity);
    struct fleet_rng rng;

    fleet_rng_init_random(&rng);
    if (clash)
        snprintf(r->error, sizeof r->error, "identity '%.60s' was taken by another request "
                 "after this job was accepted: no charger created", clash);
    else if (!groups || !have)
        r->oom = 1;         /* the texts came from PostgreSQL: only memory can fail */
    else if (fleet_expand_plan_each(groups, have, &rng, add_row, r) != 0 && !r->oom)
        snprintf(r->error, sizeof r->error, "the chargers could not be expanded (no free "
                 "identity left for a prefix): no charger created");
    json_decref(groups);
    json_decref(have);
    if (r->error[0] || r->oom) {
        for (int i = 0; i < ROW_COLS; i++)
            db_array_free(&r->col[i]);
    }
}

static void expand_done(uv_work_t *w, int status)
{
    struct round *r = w->data;
    const char *col[ROW_COLS];
    int oom = r->oom;

    (void)status;
    for (int i = 0; i < ROW_COLS && !oom; i++)      /* a FAILED plan writes no row */
        oom = !(col[i] = r->error[0] ? "{}" : db_array_text(&r->col[i]));
    if (oom) {
        CF_LOG_WARN("orch", "job %s: out of memory expanding its chargers (tried again)",
                    r->job);
        give_back(r, 0);
        return;
    }
    if (r->error[0])
        CF_LOG_WARN("orch", "job %s FAILED: %s", r->job, r->error);
    size_t rows = r->col[ROW_IDENTITY].count;
    int keep = rows > 0 ? r->room(r->arg) : 0;
    char room[16], count[24];
    snprintf(room, sizeof room, "%d", keep > 0 ? keep : 0);
    snprintf(count, sizeof count, "%zu", rows);
    const char *p[] = {r->job, r->owner, r->error[0] ? r->error : NULL, col[ROW_GROUP],
                       col[ROW_IDENTITY], col[ROW_NAME], col[ROW_SERIAL], room, count};
    db_query(r->db, SQL_WRITE, 9, p, written, r);
}

static void taken(PGresult *res, const char *err, void *arg)
{
    struct round *r = arg;

    if (err || PQntuples(res) == 0) {
        if (err)
            CF_LOG_DEBUG("orch", "taking a job to expand: %s", err);
        end(r, 0, NULL);
        return;
    }
    snprintf(r->job, sizeof r->job, "%s", PQgetvalue(res, 0, 0));
    r->plan = strdup(PQgetvalue(res, 0, 1));
    r->have = strdup(PQgetvalue(res, 0, 2));
    r->work.data = r;
    if (!r->plan || !r->have ||
        uv_queue_work(r->loop, &r->work, expand_work, expand_done) != 0)
        give_back(r, 0);
}

void orch_plans_expand(uv_loop_t *loop, struct db *db, const char *owner,
                       int (*room)(void *arg), void (*cb)(long n, PGresult *held, void *arg),
                       void *arg)
{
    struct round *r = calloc(1, sizeof *r);

    if (!r) {
        cb(0, NULL, arg);
        return;
    }
    r->room = room;
    r->loop = loop;
    r->db = db;
    snprintf(r->owner, sizeof r->owner, "%s", owner);
    r->cb = cb;
    r->arg = arg;
    const char *p[] = {r->owner};
    db_query(db, SQL_TAKE, 1, p, taken, r);
}
