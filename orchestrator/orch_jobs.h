/* The durable side of the REST API: every statement that writes or reads jobs, CPOs,
 * locations and chargers for a request. Each write is ONE statement (data-modifying
 * CTEs), so a job and all its steps exist together or not at all, before the 202 — a
 * chargers job's steps are its plan, expanded into rows after the 202 (orch_plans.h).
 * Each call answers through an orch_json_cb with one JSON document built in SQL. */
#ifndef ORCH_JOBS_H
#define ORCH_JOBS_H

#include "db.h"
#include "orch_query.h"
#include "orch_spec.h"

/* The charger columns of a plan's rows and of what a runtime holds (ORCH_SQL_CHARGER_COLS,
 * ORCH_SQL_CHARGER_TYPES, ORCH_SQL_HELD_COLS): orch_spec.h, from the charger spec. */
/* A job's connect_rate: how long (ms) until this charger's turn, from the job's
 * first_seq, connect_rate and created_at (j) and the charger's seq (t). */
#define ORCH_SQL_START_DELAY(t, j)                                                      \
    "GREATEST(0, ((" t ".seq - " j ".first_seq - 1) / " j ".connect_rate "              \
    "  - extract(epoch FROM now() - " j ".created_at)) * 1000)::bigint"

/* The fleet's load figures, all tenants (GET /metrics): {"chargers": {status: n},
 * "connected": n, "runtimes": [{"owner", "pid", "age_s", "metrics"}]} with every
 * runtime (serve's own, each worker) that wrote its figures within stale_s seconds. */
void orch_fleet_metrics(struct db *db, int stale_s, orch_json_cb cb, void *arg);

/* Every call below sees only the resources of `tenant` (another tenant's are NOT_FOUND)
 * and never a location or CPO that is being deleted. */

/* {"ws_url": <the CPO's ws_url or null>, "models": {...}, "taken": {identity: true, ...}}
 * taken: the location's identities (and those its accepted jobs name) that are in
 * `identities` (a JSON array), or all of them when it is NULL. */
void orch_location_context(struct db *db, const char *tenant, const char *location_id,
                           const char *identities, orch_json_cb cb, void *arg);
/* {"conflicts": [{"n", "identity", "ws_url", "charger_id", "location_id", "location"}]}:
 * the tenant's chargers outside except_location (NULL: anywhere) that already are
 * identity n of identities toward ws_url n of ws_urls (PostgreSQL text arrays, 1-based
 * n; see db_array): a CSMS would see the identity twice. */
void orch_live_identities(struct db *db, const char *tenant, const char *except_location,
                          const char *identities, const char *ws_urls, orch_json_cb cb,
                          void *arg);
/* {"ws_url": <the CPO's ws_url or null>} */
void orch_cpo_context(struct db *db, const char *tenant, const char *cpo_id, orch_json_cb cb,
                      void *arg);

/* connect_rate of the creates below: the job's chargers connect at most this many per
 * second (decimal text), NULL: as fast as the runtimes go. */

/* Writes a job and one step per row of plan (a JSON array of charger rows, see
 * fleet_validate.h). {"job_id": "...", "count": N} */
void orch_create_chargers(struct db *db, const char *tenant, const char *location_id,
                          const char *plan, const char *connect_rate, orch_json_cb cb,
                          void *arg);
/* plan: JSON array of locations, each with its "chargers" rows.
 * {"job_id": "...", "locations": N, "chargers": M} */
void orch_create_locations(struct db *db, const char *tenant, const char *cpo_id,
                           const char *plan, const char *connect_rate, orch_json_cb cb,
                           void *arg);
/* plan: the CPO plan with its "locations"; token_hash: hex SHA-256 of token A. A
 * party_id the tenant already uses (same country) is mangled deterministically.
 * {"cpo_id": "1", "job_id": "...", "party_id": "...", "requested_party_id": <the
 * requested one when mangled, else null>, "expires_at": "...Z" or null, "locations": N,
 * "chargers": M} */
void orch_create_cpo(struct db *db, const char *tenant, const char *plan,
                     const char *token_hash, const char *connect_rate, orch_json_cb cb,
                     void *arg);

/* Job status documents (see sql/002_job_status.sql). */
void orch_chargers_job(struct db *db, const char *tenant, const char *location_id,
                       const char *job_id, orch_json_cb cb, void *arg);
void orch_locations_job(struct db *db, const char *tenant, const char *cpo_id,
                        const char *job_id, orch_json_cb cb, void *arg);
void orch_cpo_status(struct db *db, const char *tenant, const char *cpo_id, orch_json_cb cb,
                     void *arg);

#endif
