#include "orch_ocpi.h"

#include <stdio.h>

static const char SQL_AUTH[] =
    "SELECT json_build_object("
    "  'kind', cf_ocpi_auth(c.id, ARRAY(SELECT json_array_elements_text($2::json))), "
    "  'country_code', c.country_code, 'party_id', c.party_id, 'name', c.name_prefix, "
    "  'ocpi_version', c.ocpi_version, "
    "  'registered', EXISTS (SELECT 1 FROM ocpi_peers p WHERE p.cpo_id = c.id)) "
    "FROM cpos c WHERE c.id = $1::bigint AND NOT c.deleting";

#define PEER_VALUES                                                                     \
    "d->>'token_b', d->>'token_c_hash', d->>'versions_url', d->>'version', "           \
    "d->'endpoints', d->'roles'"

static const char SQL_REGISTER[] =
    "WITH d AS (SELECT $2::jsonb AS d), "
    "ins AS (INSERT INTO ocpi_peers (cpo_id, token_b, token_c_hash, versions_url, version, "
    "    endpoints, roles) "
    "  SELECT $1::bigint, " PEER_VALUES " FROM d "
    "  WHERE EXISTS (SELECT 1 FROM cpos c WHERE c.id = $1::bigint AND NOT c.token_a_used) "
    "  ON CONFLICT (cpo_id) DO NOTHING RETURNING cpo_id), "
    "u AS (UPDATE cpos SET token_a_used = true WHERE id IN (SELECT cpo_id FROM ins)) "
    "SELECT json_build_object('ok', EXISTS (SELECT 1 FROM ins))";

static const char SQL_REREGISTER[] =
    "WITH d AS (SELECT $2::jsonb AS d), "
    "u AS (UPDATE ocpi_peers p SET token_b = d->>'token_b', token_c_hash = d->>'token_c_hash', "
    "    versions_url = d->>'versions_url', version = d->>'version', "
    "    endpoints = d->'endpoints', roles = d->'roles', updated_at = now() "
    "  FROM d WHERE p.cpo_id = $1::bigint RETURNING 1) "
    "SELECT json_build_object('ok', EXISTS (SELECT 1 FROM u))";

static const char SQL_UNREGISTER[] =
    "WITH d AS (DELETE FROM ocpi_peers WHERE cpo_id = $1::bigint RETURNING 1) "
    "SELECT json_build_object('ok', EXISTS (SELECT 1 FROM d))";

static const char SQL_LOCATIONS[] =
    "WITH f AS MATERIALIZED (SELECT l.created_at, l.id, cf_ocpi_location_v(l.id) AS doc "
    "    FROM locations l WHERE l.cpo_id = $1::bigint AND NOT l.deleting), "
    "g AS (SELECT * FROM f WHERE doc IS NOT NULL "
    "  AND ($4::timestamptz IS NULL OR (doc->>'last_updated')::timestamptz >= $4::timestamptz) "
    "  AND ($5::timestamptz IS NULL OR (doc->>'last_updated')::timestamptz < $5::timestamptz)) "
    "SELECT json_build_object('total', (SELECT count(*) FROM g), "
    "  'data', COALESCE((SELECT json_agg(p.doc ORDER BY p.created_at, p.id) FROM "
    "    (SELECT * FROM g ORDER BY created_at, id OFFSET $2::int LIMIT $3::int) p), "
    "    '[]'::json))";

static const char SQL_LOCATION[] =
    "SELECT cf_ocpi_location_v(l.id) FROM locations l "
    "WHERE l.id = $2::uuid AND l.cpo_id = $1::bigint";

void orch_ocpi_auth(struct db *db, const char *cpo_id, const char *hashes, orch_json_cb cb,
                    void *arg)
{
    const char *p[] = {cpo_id, hashes};
    orch_query_json(db, SQL_AUTH, 2, p, cb, arg);
}

void orch_ocpi_register(struct db *db, const char *cpo_id, const char *peer, int replace,
                        orch_json_cb cb, void *arg)
{
    const char *p[] = {cpo_id, peer};
    orch_query_json(db, replace ? SQL_REREGISTER : SQL_REGISTER, 2, p, cb, arg);
}

void orch_ocpi_unregister(struct db *db, const char *cpo_id, orch_json_cb cb, void *arg)
{
    const char *p[] = {cpo_id};
    orch_query_json(db, SQL_UNREGISTER, 1, p, cb, arg);
}

void orch_ocpi_locations(struct db *db, const char *cpo_id, long offset, long limit,
                         const char *date_from, const char *date_to, orch_json_cb cb,
                         void *arg)
{
    char off[24], lim[24];
    snprintf(off, sizeof off, "%ld", offset);
    snprintf(lim, sizeof lim, "%ld", limit);
    const char *p[] = {cpo_id, off, lim, date_from, date_to};
    orch_query_json(db, SQL_LOCATIONS, 5, p, cb, arg);
}

void orch_ocpi_location(struct db *db, const char *cpo_id, const char *location_id,
                        orch_json_cb cb, void *arg)
{
    const char *p[] = {cpo_id, location_id};
    orch_query_json(db, SQL_LOCATION, 2, p, cb, arg);
}

static const char SQL_PUSH_CLAIM[] =
    "WITH due AS (SELECT id FROM ocpi_push WHERE next_at <= now() ORDER BY next_at "
    "  LIMIT $1::int FOR UPDATE SKIP LOCKED), "
    "u AS (UPDATE ocpi_push q SET next_at = now() + make_interval(secs => $2::int), "
    "  attempts = q.attempts + 1 FROM due WHERE q.id = due.id RETURNING q.*) "
    "SELECT json_build_object('items', COALESCE(json_agg(json_build_object("
    "  'id', u.id, 'seq', u.seq, 'attempts', u.attempts, 'body', u.body, "
    "  'token_b', p.token_b, 'ocpi_version', c.ocpi_version, 'url', rtrim((SELECT e->>'url' "
    "      FROM jsonb_array_elements(p.endpoints) e WHERE e->>'identifier' = 'locations' "
    "        AND COALESCE(e->>'role', 'RECEIVER') = 'RECEIVER' LIMIT 1), '/') "
    "    || '/' || c.country_code || '/' || c.party_id || '/' || u.location_id "
    "    || '/' || u.evse_uid) ORDER BY u.next_at), '[]'::json)) "
    "FROM u JOIN ocpi_peers p ON p.cpo_id = u.cpo_id JOIN cpos c ON c.id = u.cpo_id";

static const char SQL_PUSH_SENT[] =
    "DELETE FROM ocpi_push WHERE id = $1::bigint AND seq = $2::bigint "
    "RETURNING json_build_object('ok', true)";

static const char SQL_PUSH_FAILED[] =
    "UPDATE ocpi_push SET last_error = $3, "
    "  next_at = now() + make_interval(secs => least(300, 2 ^ least(attempts, 9))) "
    "WHERE id = $1::bigint AND seq = $2::bigint RETURNING json_build_object('ok', true)";

void orch_ocpi_push_claim(struct db *db, int limit, int hold_s, orch_json_cb cb, void *arg)
{
    char lim[16], hold[16];
    snprintf(lim, sizeof lim, "%d", limit);
    snprintf(hold, sizeof hold, "%d", hold_s);
    const char *p[] = {lim, hold};
    orch_query_json(db, SQL_PUSH_CLAIM, 2, p, cb, arg);
}

void orch_ocpi_push_done(struct db *db, const char *id, const char *seq, const char *error,
                         orch_json_cb cb, void *arg)
{
    const char *p[] = {id, seq, error};
    orch_query_json(db, error ? SQL_PUSH_FAILED : SQL_PUSH_SENT, error ? 3 : 2, p, cb, arg);
}
