#include "orch_jobs.h"

#include "orch_models.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The location columns of a plan item `p.loc` (see fleet_validate.h). */
#define LOCATION_COLS                                                                   \
    "id, cpo_id, job_id, name, address, city, postal_code, country, latitude, "          \
    "longitude, template, ocpi, created_at, tenant"
#define LOCATION_VALUES(lid, cpo, job, tenant)                                          \
    lid ", " cpo ", " job ", p.loc->>'name', p.loc->>'address', p.loc->>'city', "       \
        "p.loc->>'postal_code', p.loc->>'country', p.loc->>'latitude', "                \
        "p.loc->>'longitude', p.loc->>'template', "                                     \
        "COALESCE(p.loc->'ocpi', '{}'::json)::jsonb, "                                  \
        "now() + p.ord * interval '1 microsecond', " tenant

static const char SQL_LOCATION_CONTEXT[] =
    "SELECT json_build_object('ws_url', c.ws_url, "
    "  'models', " ORCH_SQL_CUSTOM_MODELS("$2") ", "
    "  'taken', cf_taken_identities(l.id, NULL, $3::json)) "
    "FROM locations l LEFT JOIN cpos c ON c.id = l.cpo_id "
    "WHERE l.id = $1::uuid AND l.tenant = $2 AND NOT l.deleting";

/* Chargers of the tenant, outside location $4 (NULL: anywhere), that already are one
 * of the identities $2 toward the same ws_url $3 (text arrays: element n of each). */
static const char SQL_LIVE_IDENTITIES[] =
    "SELECT json_build_object('conflicts', COALESCE(json_agg(json_build_object("
    "  'n', p.n, 'identity', ch.identity, 'ws_url', ch.ws_url, 'charger_id', ch.id, "
    "  'location_id', l.id, 'location', l.name) ORDER BY p.n), '[]'::json)) "
    "FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS p(identity, ws_url, n) "
    "JOIN chargers ch ON ch.identity = p.identity AND ch.ws_url = p.ws_url "
    "JOIN locations l ON l.id = ch.location_id "
    "WHERE l.tenant = $1 AND NOT l.deleting AND ch.pending_change IS DISTINCT FROM 'delete' "
    "  AND ($4::uuid IS NULL OR l.id <> $4::uuid)";

static const char SQL_CPO_CONTEXT[] =
    "SELECT json_build_object('ws_url', ws_url, "
    "  'models', " ORCH_SQL_CUSTOM_MODELS("$2") ") FROM cpos "
    "WHERE id = $1::bigint AND tenant = $2 AND NOT deleting";

/* The job and its plan (fleet_validate_chargers: {"groups", "count"}); its charger rows
 * are written after the 202 (orch_plans.c). */
static const char SQL_CREATE_CHARGERS[] =
    "WITH loc AS (SELECT id FROM locations "
    "  WHERE id = $1::uuid AND tenant = $3 AND NOT deleting FOR SHARE), "
    "j AS (INSERT INTO jobs (id, kind, location_id, tenant, connect_rate, plan, planned) "
    "  SELECT gen_random_uuid(), 'chargers', id, $3, $4::float8, $2::jsonb->'groups', "
    "    ($2::jsonb->>'count')::int FROM loc RETURNING id, planned) "
    "SELECT json_build_object('job_id', j.id, 'count', j.planned, "
    "  'room_left', cf_room_left()) FROM j";

static const char SQL_CREATE_LOCATIONS[] =
    "WITH cp AS (SELECT id FROM cpos "
    "  WHERE id = $1::bigint AND tenant = $3 AND NOT deleting FOR SHARE), "
    "j AS MATERIALIZED (INSERT INTO jobs (id, kind, cpo_id, tenant, connect_rate, first_seq) "
    "  SELECT gen_random_uuid(), 'locations', id, $3, $4::float8, "
    "    nextval(pg_get_serial_sequence('chargers', 'seq')) FROM cp RETURNING id), "
    "p AS MATERIALIZED (SELECT gen_random_uuid() AS lid, e.value AS loc, e.ord "
    "  FROM json_array_elements($2::json) WITH ORDINALITY AS e(value, ord)), "
    "l AS (INSERT INTO locations (" LOCATION_COLS ") "
    "  SELECT " LOCATION_VALUES("p.lid", "cp.id", "j.id", "$3") " FROM p, cp, j RETURNING 1), "
    "c AS (INSERT INTO chargers (location_id, job_id, " ORCH_SQL_CHARGER_COLS ") "
    "  SELECT p.lid, j.id, r.* FROM p, j, "
    "    json_to_recordset(p.loc->'chargers') AS r(" ORCH_SQL_CHARGER_TYPES ") RETURNING 1) "
    "SELECT json_build_object('job_id', j.id, 'locations', (SELECT count(*) FROM l), "
    "  'chargers', (SELECT count(*) FROM c), 'room_left', cf_room_left()) FROM j";

/* The CPO, its job, its locations and their chargers: one statement. */
static const char SQL_CREATE_CPO[] =
    "WITH d AS (SELECT $1::json AS d), "
    "ids AS MATERIALIZED (SELECT gen_random_uuid() AS job, "
    "  nextval(pg_get_serial_sequence('chargers', 'seq')) AS first_seq), "
    /* a party_id the tenant already has is mangled: AB0..AB9, then A10..A99 */
    "pty AS (SELECT COALESCE((SELECT x.cand FROM (SELECT d->>'party_id' AS cand, 0 AS o "
    "      UNION ALL SELECT left(d->>'party_id', 2) || g, g + 1 FROM generate_series(0, 9) g "
    "      UNION ALL SELECT left(d->>'party_id', 1) || g, g + 1 FROM generate_series(10, 99) g"
    "    ) x WHERE NOT EXISTS (SELECT 1 FROM cpos c WHERE c.tenant = $3 AND NOT c.deleting "
    "      AND c.country_code = d->>'country_code' AND c.party_id = x.cand) "
    "    ORDER BY x.o LIMIT 1), d->>'party_id') AS party FROM d), "
    "cp AS (INSERT INTO cpos (tenant, country_code, party_id, requested_party_id, "
    "    name_prefix, template, ocpi_version, "
    "    template_version, seed, ttl_seconds, expires_at, ws_url, token_a_hash, job_id) "
    "  SELECT $3, d->>'country_code', pty.party, "
    "    CASE WHEN pty.party <> d->>'party_id' THEN d->>'party_id' END, "
    "    d->>'name_prefix', d->>'template', d->>'ocpi_version', "
    "    (d->>'template_version')::int, (d->>'seed')::bigint, (d->>'ttl_seconds')::int, "
    "    now() + make_interval(secs => (d->>'ttl_seconds')::int), d->>'ws_url', $2, ids.job "
    "  FROM d, ids, pty RETURNING id, expires_at, party_id, requested_party_id), "
    "j AS (INSERT INTO jobs (id, kind, cpo_id, tenant, connect_rate, first_seq) "
    "  SELECT ids.job, 'cpo', cp.id, $3, $4::float8, ids.first_seq FROM ids, cp "
    "  RETURNING id), "
    "p AS MATERIALIZED (SELECT gen_random_uuid() AS lid, e.value AS loc, e.ord "
    "  FROM d, json_array_elements(d.d->'locations') WITH ORDINALITY AS e(value, ord)), "
    "l AS (INSERT INTO locations (" LOCATION_COLS ") "
    "  SELECT " LOCATION_VALUES("p.lid", "cp.id", "ids.job", "$3") " FROM p, cp, ids RETURNING 1), "
    "c AS (INSERT INTO chargers (location_id, job_id, " ORCH_SQL_CHARGER_COLS ") "
    "  SELECT p.lid, ids.job, r.* FROM p, ids, "
    "    json_to_recordset(p.loc->'chargers') AS r(" ORCH_SQL_CHARGER_TYPES ") RETURNING 1) "
    "SELECT json_build_object('cpo_id', cp.id::text, 'job_id', ids.job, "
    "  'party_id', cp.party_id, 'requested_party_id', cp.requested_party_id, "
    "  'expires_at', " ORCH_SQL_RFC3339("cp.expires_at") ", "
    "  'locations', (SELECT count(*) FROM l), 'chargers', (SELECT count(*) FROM c), "
    "  'room_left', cf_room_left()) "
    "FROM cp, ids";

static const char SQL_CHARGERS_JOB[] =
    "SELECT cf_job(id) FROM jobs "
    "WHERE id = $2::uuid AND location_id = $1::uuid AND kind = 'chargers' AND tenant = $3";

static const char SQL_LOCATIONS_JOB[] =
    "SELECT cf_job(id) FROM jobs "
    "WHERE id = $2::uuid AND cpo_id = $1::bigint AND kind = 'locations' AND tenant = $3";

static const char SQL_CPO_STATUS[] =
    "SELECT (jsonb_build_object('cpo_id', c.id::text) "
    "        || cf_job(c.job_id)::jsonb)::json "
    "FROM cpos c WHERE c.id = $1::bigint AND c.tenant = $2 AND NOT c.deleting";

static const char SQL_FLEET_METRICS[] =
    "SELECT json_build_object("
    "  'chargers', (SELECT COALESCE(json_object_agg(status, n), '{}') "
    "               FROM (SELECT status, count(*) AS n FROM chargers GROUP BY status) x), "
    "  'connected', (SELECT count(*) FROM chargers WHERE connected), "
    "  'room_left', cf_room_left(), "
    "  'runtimes', (SELECT COALESCE(json_agg(json_build_object('owner', owner, 'pid', pid, "
    "                  'age_s', round(extract(epoch FROM now() - seen_at)::numeric, 1), "
    "                  'metrics', metrics) ORDER BY started_at, owner), '[]') "
    "               FROM runtimes WHERE seen_at > now() - make_interval(secs => $1::int)))";

void orch_fleet_metrics(struct db *db, int stale_s, orch_json_cb cb, void *arg)
{
    char s[16];
    snprintf(s, sizeof s, "%d", stale_s);
    const char *p[] = {s};
    orch_query_json(db, SQL_FLEET_METRICS, 1, p, cb, arg);
}

void orch_location_context(struct db *db, const char *tenant, const char *location_id,
                           const char *identities, orch_json_cb cb, void *arg)
{
    const char *p[] = {location_id, tenant, identities};
    orch_query_json(db, SQL_LOCATION_CONTEXT, 3, p, cb, arg);
}

void orch_live_identities(struct db *db, const char *tenant, const char *except_location,
                          const char *identities, const char *ws_urls, orch_json_cb cb,
                          void *arg)
{
    const char *p[] = {tenant, identities, ws_urls, except_location};
    orch_query_json(db, SQL_LIVE_IDENTITIES, 4, p, cb, arg);
}

void orch_cpo_context(struct db *db, const char *tenant, const char *cpo_id, orch_json_cb cb,
                      void *arg)
{
    const char *p[] = {cpo_id, tenant};
    orch_query_json(db, SQL_CPO_CONTEXT, 2, p, cb, arg);
}

void orch_create_chargers(struct db *db, const char *tenant, const char *location_id,
                          const char *plan, const char *connect_rate, orch_json_cb cb,
                          void *arg)
{
    const char *p[] = {location_id, plan, tenant, connect_rate};
    orch_query_json(db, SQL_CREATE_CHARGERS, 4, p, cb, arg);
}

void orch_create_locations(struct db *db, const char *tenant, const char *cpo_id,
                           const char *plan, const char *connect_rate, orch_json_cb cb,
                           void *arg)
{
    const char *p[] = {cpo_id, plan, tenant, connect_rate};
    orch_query_json(db, SQL_CREATE_LOCATIONS, 4, p, cb, arg);
}

void orch_create_cpo(struct db *db, const char *tenant, const char *plan,
                     const char *token_hash, const char *connect_rate, orch_json_cb cb,
                     void *arg)
{
    const char *p[] = {plan, token_hash, tenant, connect_rate};
    orch_query_json(db, SQL_CREATE_CPO, 4, p, cb, arg);
}

void orch_chargers_job(struct db *db, const char *tenant, const char *location_id,
                       const char *job_id, orch_json_cb cb, void *arg)
{
    const char *p[] = {location_id, job_id, tenant};
    orch_query_json(db, SQL_CHARGERS_JOB, 3, p, cb, arg);
}

void orch_locations_job(struct db *db, const char *tenant, const char *cpo_id,
                        const char *job_id, orch_json_cb cb, void *arg)
{
    const char *p[] = {cpo_id, job_id, tenant};
    orch_query_json(db, SQL_LOCATIONS_JOB, 3, p, cb, arg);
}

void orch_cpo_status(struct db *db, const char *tenant, const char *cpo_id, orch_json_cb cb,
                     void *arg)
{
    const char *p[] = {cpo_id, tenant};
    orch_query_json(db, SQL_CPO_STATUS, 2, p, cb, arg);
}
