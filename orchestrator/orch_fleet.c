#include "orch_fleet.h"
#include "orch_spec.h"

#include <stdio.h>

#define TS(x) ORCH_SQL_RFC3339(x)

/* A page of rows of a filtered set `f` ordered by `ord`, with its total. */
#define PAGE_OF(json_of_row, ord)                                                       \
    "'data', COALESCE((SELECT json_agg(" json_of_row " ORDER BY " ord ") FROM "        \
    "  (SELECT * FROM f ORDER BY " ord " LIMIT $3::int OFFSET ($2::int - 1) * $3::int) r), " \
    "  '[]'::json), 'page', $2::int, 'limit', $3::int, 'total', (SELECT count(*) FROM f)"

/* ---- CPOs ---- */

/* Topology counts and status of the CPO row `c` (one EVSE per connector). */
#define CPO_JSON(c)                                                                     \
    "(SELECT json_build_object('cpo_id', " c ".id::text, "                             \
    "  'party', json_build_object('country_code', " c ".country_code, "                \
    "    'party_id', " c ".party_id, 'role', 'CPO'), "                                  \
    "  'requested_party_id', " c ".requested_party_id, "                                \
    "  'name_prefix', " c ".name_prefix, 'template', " c ".template, "                 \
    "  'template_version', " c ".template_version, 'seed', " c ".seed, "               \
    "  'ws_url', " c ".ws_url, 'ttl_seconds', " c ".ttl_seconds, "                     \
    "  'expires_at', " TS(c ".expires_at") ", 'created_at', " TS(c ".created_at") ", "  \
    "  'job_id', " c ".job_id, 'ocpi_version', " c ".ocpi_version, "                  \
    "  'ocpi_registered', EXISTS (SELECT 1 FROM ocpi_peers p WHERE p.cpo_id = " c ".id), " \
    "  'status', cf_steps_status(k.chargers, k.pending, k.ready, k.failed), "           \
    "  'counts', json_build_object('locations', k.locations, 'chargers', k.chargers, "  \
    "    'evses', k.connectors, 'connectors', k.connectors, 'ready', k.ready, "         \
    "    'failed', k.failed, 'connected', k.connected)) "                               \
    " FROM (SELECT (SELECT count(*) FROM locations l "                                  \
    "               WHERE l.cpo_id = " c ".id AND NOT l.deleting) AS locations, "       \
    "         count(ch.id) AS chargers, COALESCE(sum(ch.connectors), 0) AS connectors, " \
    "         count(*) FILTER (WHERE ch.status = 'PENDING') AS pending, "               \
    "         count(*) FILTER (WHERE ch.status = 'READY') AS ready, "                   \
    "         count(*) FILTER (WHERE ch.status = 'FAILED') AS failed, "                 \
    "         count(*) FILTER (WHERE ch.connected) AS connected "                       \
    "       FROM locations l JOIN chargers ch ON ch.location_id = l.id "                \
    "       WHERE l.cpo_id = " c ".id AND NOT l.deleting "                              \
    "         AND ch.pending_change IS DISTINCT FROM 'delete') k)"

#define CPO_WHERE "c.id = $2::bigint AND c.tenant = $1 AND NOT c.deleting"

static const char SQL_LIST_CPOS[] =
    "WITH f AS (SELECT * FROM cpos c WHERE c.tenant = $1 AND NOT c.deleting) "
    "SELECT json_build_object(" PAGE_OF(CPO_JSON("r"), "id") ")";

static const char SQL_GET_CPO[] = "SELECT " CPO_JSON("c") " FROM cpos c WHERE " CPO_WHERE;

static const char SQL_CPO_REPORT[] =
    "SELECT json_build_object('cpo', " CPO_JSON("c") ", "
    "  'locations', COALESCE((SELECT json_agg(json_build_object('name', x.name, "
    "      'location_id', x.id, 'chargers', x.chargers, 'ready', x.ready, "
    "      'failed', x.failed, 'connected', x.connected) ORDER BY x.created_at, x.name) "
    "    FROM (SELECT l.id, l.name, l.created_at, count(ch.id) AS chargers, "
    "        count(*) FILTER (WHERE ch.status = 'READY') AS ready, "
    "        count(*) FILTER (WHERE ch.status = 'FAILED') AS failed, "
    "        count(*) FILTER (WHERE ch.connected) AS connected "
    "      FROM locations l LEFT JOIN chargers ch ON ch.location_id = l.id "
    "        AND ch.pending_change IS DISTINCT FROM 'delete' "
    "      WHERE l.cpo_id = c.id AND NOT l.deleting GROUP BY l.id) x), '[]'::json), "
    "  'errors', COALESCE((SELECT json_agg(json_build_object('error', e.error, "
    "      'count', e.n) ORDER BY e.n DESC, e.error) "
    "    FROM (SELECT COALESCE(ch.step_error, ch.error) AS error, count(*) AS n "
    "          FROM locations l JOIN chargers ch ON ch.location_id = l.id "
    "          WHERE l.cpo_id = c.id AND NOT l.deleting AND ch.status = 'FAILED' "
    "          GROUP BY 1 LIMIT 20) e), '[]'::json)) "
    "FROM cpos c WHERE " CPO_WHERE;

static const char SQL_DELETE_CPO[] =
    "SELECT CASE WHEN cf_delete_cpo($1, $2::bigint) "
    "  THEN json_build_object('cpo_id', $2::text, 'status', 'DELETING') END";

/* ---- locations ---- */

#define LOCATION_JSON(l)                                                                \
    "json_build_object('location_id', " l ".id, 'cpo_id', " l ".cpo_id::text, "        \
    "  'name', " l ".name, 'address', " l ".address, 'city', " l ".city, "             \
    "  'postal_code', " l ".postal_code, 'country', " l ".country, "                   \
    "  'coordinates', json_build_object('latitude', " l ".latitude, "                  \
    "    'longitude', " l ".longitude), 'template', " l ".template, "                   \
    "  'chargers', (SELECT count(*) FROM chargers ch WHERE ch.location_id = " l ".id "  \
    "    AND ch.pending_change IS DISTINCT FROM 'delete'), "                            \
    "  'ocpi', " l ".ocpi, 'created_at', " TS(l ".created_at") ", "                    \
    "  'updated_at', " TS(l ".updated_at") ")"

#define LOCATION_WHERE                                                                  \
    "l.id = $3::uuid AND l.cpo_id = $2::bigint AND l.tenant = $1 AND NOT l.deleting"

static const char SQL_LIST_LOCATIONS[] =
    "WITH f AS (SELECT l.* FROM locations l WHERE l.cpo_id = $4::bigint AND l.tenant = $1 "
    "  AND NOT l.deleting) "
    "SELECT json_build_object(" PAGE_OF(LOCATION_JSON("r"), "created_at, name") ") "
    "WHERE EXISTS (SELECT 1 FROM cpos c WHERE c.id = $4::bigint AND c.tenant = $1 "
    "  AND NOT c.deleting)";

static const char SQL_GET_LOCATION[] =
    "SELECT " LOCATION_JSON("l") " FROM locations l WHERE " LOCATION_WHERE;

static const char SQL_PATCH_LOCATION[] =
    "WITH d AS (SELECT $4::jsonb AS d), "
    "u AS (UPDATE locations l SET "
    "    name = COALESCE(d->>'name', l.name), "
    "    address = CASE WHEN d ? 'address' THEN d->>'address' ELSE l.address END, "
    "    city = CASE WHEN d ? 'city' THEN d->>'city' ELSE l.city END, "
    "    postal_code = CASE WHEN d ? 'postal_code' THEN d->>'postal_code' ELSE l.postal_code END, "
    "    country = CASE WHEN d ? 'country' THEN d->>'country' ELSE l.country END, "
    "    latitude = COALESCE(d->>'latitude', l.latitude), "
    "    longitude = COALESCE(d->>'longitude', l.longitude), "
    "    ocpi = l.ocpi || COALESCE(d->'ocpi', '{}'::jsonb), "
    "    updated_at = now() "
    "  FROM d WHERE " LOCATION_WHERE " RETURNING l.*) "
    "SELECT " LOCATION_JSON("u") " FROM u";

static const char SQL_DELETE_LOCATION[] =
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM locations l WHERE " LOCATION_WHERE ") "
    "  THEN CASE WHEN cf_delete_location($1, $3::uuid) "
    "    THEN json_build_object('location_id', $3::uuid, 'status', 'DELETING') END END";

/* ---- chargers ---- */

/* The live state of a charger that did nothing since its boot (its runtime writes one
 * once something changes): connected and booted, every connector Available. */
#define BOOT_STATE(c)                                                                   \
    "CASE WHEN " c ".status = 'READY' THEN json_build_object("                          \
    "  'connection', CASE WHEN " c ".connected THEN 'connected' ELSE 'disconnected' END, " \
    "  'booted', " c ".connected, 'connectors', (SELECT json_agg(json_build_object("      \
    "    'connector_id', n, 'status', CASE WHEN " c ".connected THEN 'Available' "       \
    "    ELSE 'Unknown' END, 'energy_wh', 0)) FROM generate_series(1, " c ".connectors) n)) " \
    "END"

#define CHARGER_JSON(c)                                                                 \
    "json_build_object('charger_id', " c ".id, 'identity', " c ".identity, "           \
    "  'location_id', " c ".location_id" ORCH_SQL_CHARGER_SHOWN(c) ", "                 \
    "  'status', " c ".status, 'connected', " c ".connected, "                         \
    "  'security', json_build_object('profile', " c ".security_profile, "               \
    "    'password_set', " c ".basic_password IS NOT NULL, "                            \
    "    'ca_pem_set', " c ".ca_pem IS NOT NULL, "                                      \
    "    'client_cert_set', " c ".client_cert_pem IS NOT NULL), "                       \
    "  'live', COALESCE(" c ".live::json, " BOOT_STATE(c) "), "                        \
    "  'error', " c ".error, 'job_id', " c ".job_id, "                                 \
    "  'reconnect_pending', " c ".pending_change IS NOT NULL, "                         \
    "  'created_at', " TS(c ".created_at") ", 'updated_at', " TS(c ".updated_at") ", "  \
    "  'ready_at', " TS(c ".ready_at") ")"

/* The chargers a tenant sees: not being deleted, in a location not being deleted. */
#define VISIBLE_CHARGERS                                                                \
    "chargers c JOIN locations l ON l.id = c.location_id "                              \
    "WHERE l.tenant = $1 AND NOT l.deleting AND c.pending_change IS DISTINCT FROM 'delete' "

#define LOCATION_EXISTS(p)                                                              \
    "(" p "::uuid IS NULL OR EXISTS (SELECT 1 FROM locations l WHERE l.id = " p "::uuid " \
    "  AND l.tenant = $1 AND NOT l.deleting))"

static const char SQL_LIST_CHARGERS[] =
    "WITH f AS (SELECT c.* FROM " VISIBLE_CHARGERS
    "  AND ($4::uuid IS NULL OR c.location_id = $4::uuid) "
    "  AND ($5::text IS NULL OR c.status = $5) AND ($6::text IS NULL OR c.ocpp_version = $6)) "
    "SELECT json_build_object(" PAGE_OF(CHARGER_JSON("r"), "seq") ") "
    "WHERE " LOCATION_EXISTS("$4");

static const char SQL_GET_CHARGER[] =
    "SELECT " CHARGER_JSON("c") " FROM " VISIBLE_CHARGERS " AND c.id = $2::uuid";

static const char SQL_FIND_CHARGERS[] =
    "SELECT json_build_object('matches', COALESCE(json_agg(json_build_object("
    "  'charger_id', c.id, 'identity', c.identity, 'location_id', c.location_id, "
    "  'location_name', l.name) ORDER BY c.seq), '[]'::json)) "
    "FROM " VISIBLE_CHARGERS " AND c.identity = $2";

/* The chargers a bulk call targets ($2 location or NULL, $3 ids/identities or NULL,
 * and the condition `more`), and the given ids that matched nothing. */
#define TARGETS_WHERE(more)                                                             \
    "ids AS (SELECT json_array_elements_text($3::json) AS v WHERE $3 IS NOT NULL), "     \
    "t AS MATERIALIZED (SELECT c.* FROM " VISIBLE_CHARGERS more                          \
    "  AND ($2::uuid IS NULL OR c.location_id = $2::uuid) "                              \
    "  AND ($3 IS NULL OR c.id::text IN (SELECT v FROM ids) "                            \
    "       OR c.identity IN (SELECT v FROM ids)) FOR UPDATE OF c), "                    \
    "nf AS (SELECT COALESCE(json_agg(ids.v), '[]'::json) AS v FROM ids "                 \
    "  WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.id::text = ids.v OR t.identity = ids.v)) "
#define TARGETS TARGETS_WHERE("")

/* What a change does to each target: new values, whether the charger must reconnect
 * (what it connects with changed), whether its lease is live (a runtime holds it). */
static const char SQL_UPDATE_CHARGERS[] =
    "WITH d AS (SELECT $4::jsonb AS d), " TARGETS ", "
    "n AS (SELECT t.id, t.identity, "
    "    COALESCE(d->>'ws_url', t.ws_url) AS ws_url, "
    "    COALESCE(d->>'ocpp_version', t.ocpp_version) AS ocpp_version, "
    "    CASE WHEN d ? 'ca_file' THEN d->>'ca_file' ELSE t.ca_file END AS ca_file, "
    "    CASE WHEN d ? 'template_name' THEN (d->>'template_name') || ' ' || "
    "      row_number() OVER (ORDER BY t.seq) ELSE t.charge_point_name END AS name, "
    "    cf_live(t.lease_owner) AS live, "
    "    t.ws_url AS o_ws_url, t.ocpp_version AS o_version, t.ca_file AS o_ca_file, "
    "    t.charge_point_name AS o_name FROM t, d), "
    "x AS (SELECT n.*, ARRAY_REMOVE(ARRAY["
    "      CASE WHEN ws_url IS DISTINCT FROM o_ws_url THEN 'ws_url' END, "
    "      CASE WHEN ocpp_version IS DISTINCT FROM o_version THEN 'ocpp_version' END, "
    "      CASE WHEN ca_file IS DISTINCT FROM o_ca_file THEN 'ca_file' END, "
    "      CASE WHEN name IS DISTINCT FROM o_name THEN 'charge_point_name' END], NULL) "
    "      AS fields, "
    "    ws_url IS DISTINCT FROM o_ws_url OR ocpp_version IS DISTINCT FROM o_version "
    "      OR ca_file IS DISTINCT FROM o_ca_file AS restart FROM n), "
    "u AS (UPDATE chargers c SET ws_url = x.ws_url, ocpp_version = x.ocpp_version, "
    "    ca_file = x.ca_file, charge_point_name = x.name, "
    "    pending_change = CASE WHEN x.restart AND x.live THEN 'restart' "
    "                          ELSE c.pending_change END, "
    "    status = CASE WHEN NOT x.restart THEN c.status "
    "                  WHEN x.live THEN 'PROVISIONING' ELSE 'PENDING' END, "
    "    error = CASE WHEN x.restart THEN NULL ELSE c.error END, "
    "    step_error = CASE WHEN x.restart THEN NULL ELSE c.step_error END, "
    "    ready_at = CASE WHEN x.restart THEN NULL ELSE c.ready_at END, "
    "    connected = CASE WHEN x.restart AND NOT x.live THEN false ELSE c.connected END, "
    "    lease_owner = CASE WHEN x.restart AND NOT x.live THEN NULL ELSE c.lease_owner END, "
    "    updated_at = now() "
    "  FROM x WHERE c.id = x.id AND cardinality(x.fields) > 0 "
    "  RETURNING c.id, c.identity, c.seq, x.fields, x.restart) "
    "SELECT json_build_object('matched', (SELECT count(*) FROM t), "
    "  'changed', COALESCE((SELECT json_agg(json_build_object('charger_id', u.id, "
    "      'identity', u.identity, 'fields', u.fields, 'reconnects', u.restart) "
    "      ORDER BY u.seq) FROM u), '[]'::json), "
    "  'unchanged', COALESCE((SELECT json_agg(t.id ORDER BY t.seq) FROM t "
    "      WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.id = t.id)), '[]'::json), "
    "  'not_found', (SELECT v FROM nf)) "
    "WHERE " LOCATION_EXISTS("$2");

static const char SQL_DELETE_CHARGERS[] =
    "WITH " TARGETS ", "
    "del AS (SELECT cf_delete_chargers(ARRAY(SELECT id FROM t)) AS n) "
    "SELECT json_build_object('deleted', (SELECT n FROM del), "
    "  'charger_ids', COALESCE((SELECT json_agg(t.id ORDER BY t.seq) FROM t), '[]'::json), "
    "  'not_found', (SELECT v FROM nf)) "
    "WHERE " LOCATION_EXISTS("$2");

/* ---- commands ---- */

#define COMMAND_JSON(k)                                                                 \
    "json_build_object('command_id', " k ".id, 'charger_id', " k ".charger_id, "         \
    "  'command', " k ".command, 'args', " k ".args, 'status', " k ".status, "           \
    "  'result', " k ".result, 'error', " k ".error, 'created_at', " TS(k ".created_at") \
    ", 'done_at', " TS(k ".done_at") ")"

/* One command row per target that runs, $6 a job or NULL (a charger that FAILED with no
 * step_error never ran and never will: it is listed in `failed` with the ids that
 * matched nothing; one whose step FAILED keeps trying and takes commands). */
#define CANNOT_RUN(t) "(" t ".status = 'FAILED' AND " t ".step_error IS NULL)"
static const char SQL_QUEUE_COMMAND[] =
    "WITH " TARGETS_WHERE(" AND ($6::uuid IS NULL OR c.job_id = $6::uuid)") ", "
    "q AS (INSERT INTO commands (tenant, charger_id, command, args) "
    "  SELECT $1, t.id, $4, $5::jsonb FROM t WHERE NOT " CANNOT_RUN("t") " ORDER BY t.seq "
    "  RETURNING id, charger_id, seq), "
    "f AS (SELECT x AS id, 'not found' AS error FROM json_array_elements_text((SELECT v FROM nf)) x "
    "  UNION ALL SELECT t.id::text, 'the charger cannot run: ' || COALESCE(t.error, '') "
    "  FROM t WHERE " CANNOT_RUN("t") ") "
    "SELECT json_build_object('command', $4::text, "
    "  'targeted_count', (SELECT count(*) FROM t) + json_array_length((SELECT v FROM nf)), "
    "  'queued_count', (SELECT count(*) FROM q), 'failed_count', (SELECT count(*) FROM f), "
    "  'results', COALESCE((SELECT json_agg(json_build_object('charger_id', t.id, "
    "      'identity', t.identity, 'command_id', q.id, 'status', 'QUEUED', "
    "      'status_url', '/ocpp/commands/' || q.id) ORDER BY q.seq) "
    "    FROM q JOIN t ON t.id = q.charger_id), '[]'::json), "
    "  'failed', COALESCE((SELECT json_agg(json_build_object('charger_id', f.id, "
    "      'error', f.error)) FROM f), '[]'::json)) "
    "WHERE " LOCATION_EXISTS("$2") " AND ($6::uuid IS NULL OR EXISTS (SELECT 1 FROM jobs j "
    "  WHERE j.id = $6::uuid AND j.tenant = $1))";
#undef CANNOT_RUN

/* The OCPP versions of the chargers a command targets ($1..$4 as SQL_QUEUE_COMMAND's
 * $1, $2, $3, $6); the rows are not locked (a check before the queueing). */
static const char SQL_TARGET_VERSIONS[] =
    "WITH ids AS (SELECT json_array_elements_text($3::json) AS v WHERE $3 IS NOT NULL) "
    "SELECT json_build_object('versions', COALESCE(json_agg(DISTINCT c.ocpp_version), "
    "  '[]'::json)) FROM " VISIBLE_CHARGERS
    "  AND ($2::uuid IS NULL OR c.location_id = $2::uuid) "
    "  AND ($4::uuid IS NULL OR c.job_id = $4::uuid) "
    "  AND ($3 IS NULL OR c.id::text IN (SELECT v FROM ids) "
    "       OR c.identity IN (SELECT v FROM ids))";

void orch_target_versions(struct db *db, const char *tenant, const struct orch_targets *t,
                          orch_json_cb cb, void *arg)
{
    const char *p[] = {tenant, t->location_id, t->ids, t->job_id};
    orch_query_json(db, SQL_TARGET_VERSIONS, 4, p, cb, arg);
}

static const char SQL_GET_COMMAND[] =
    "SELECT " COMMAND_JSON("k") " FROM commands k WHERE k.tenant = $1 AND k.id = $2::uuid";

void orch_queue_command(struct db *db, const char *tenant, const struct orch_targets *t,
                        const char *command, const char *args, orch_json_cb cb, void *arg)
{
    const char *p[] = {tenant, t->location_id, t->ids, command, args, t->job_id};
    orch_query_json(db, SQL_QUEUE_COMMAND, 6, p, cb, arg);
}

void orch_get_command(struct db *db, const char *tenant, const char *command_id,
                      orch_json_cb cb, void *arg)
{
    const char *p[] = {tenant, command_id};
    orch_query_json(db, SQL_GET_COMMAND, 2, p, cb, arg);
}

/* ---- logs ---- */

/* A charger's ($2) or a location's ($3) log rows after id $8, filtered by time, event,
 * direction: the page is picked in id order `pick` (DESC: the latest) and answered in
 * id order `give`; with $11 the number of rows matching (every page's). No row at all
 * when the charger / location is not the tenant's (NOT_FOUND). */
#define SQL_LOGS(pick, give)                                                            \
    "WITH ch AS MATERIALIZED (SELECT c.id, c.identity FROM " VISIBLE_CHARGERS          \
    "  AND ($2::uuid IS NULL OR c.id = $2::uuid) "                                      \
    "  AND ($3::uuid IS NULL OR c.location_id = $3::uuid)), "                           \
    "m AS NOT MATERIALIZED (SELECT g.*, ch.identity FROM charger_logs g "               \
    "  JOIN ch ON ch.id = g.charger_id WHERE g.id > $8::bigint "                        \
    "    AND ($4::timestamptz IS NULL OR g.at >= $4::timestamptz) "                     \
    "    AND ($5::timestamptz IS NULL OR g.at <= $5::timestamptz) "                     \
    "    AND ($6::text IS NULL OR g.event = $6) AND ($7::text IS NULL OR g.direction = $7)) " \
    "SELECT json_build_object('data', COALESCE((SELECT json_agg(json_build_object("     \
    "    'id', r.id, 'at', "                                                            \
    "    to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "      \
    "    'charger_id', r.charger_id, "                                                  \
    "    'identity', r.identity, 'event', r.event, 'direction', r.direction, "          \
    "    'action', r.action, 'message_id', r.message_id, "                              \
    "    CASE WHEN r.event = 'frame' THEN 'frame' ELSE 'detail' END, r.detail) "        \
    "    ORDER BY r.id " give ") "                                                      \
    "  FROM (SELECT * FROM m ORDER BY m.id " pick " LIMIT $9::int OFFSET $10::int) r), " \
    "  '[]'::json), 'limit', $9::int, 'offset', $10::int, "                             \
    "  'order', lower('" give "'), "                                                    \
    "  'total', CASE WHEN $11::boolean THEN (SELECT count(*) FROM m) END) "             \
    "WHERE ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM ch)) AND " LOCATION_EXISTS("$3")

void orch_logs_query(struct db *db, const char *tenant, const struct orch_log_query *q,
                     orch_json_cb cb, void *arg)
{
    static const char *const sql[] = {SQL_LOGS("ASC", "ASC"), SQL_LOGS("DESC", "DESC"),
                                      SQL_LOGS("DESC", "ASC")};
    char after[24], limit[24], offset[24];
    snprintf(after, sizeof after, "%lld", q->after_id);
    snprintf(limit, sizeof limit, "%ld", q->limit);
    snprintf(offset, sizeof offset, "%ld", q->offset);
    const char *p[] = {tenant, q->charger_id, q->location_id, q->start, q->end, q->event,
                       q->direction, after, limit, offset, q->with_total ? "true" : "false"};
    orch_query_json(db, sql[q->desc ? 1 : q->tail ? 2 : 0], 11, p, cb, arg);
}

static void page_params(const struct orch_page *pg, char page[24], char limit[24])
{
    snprintf(page, 24, "%ld", pg->page);
    snprintf(limit, 24, "%ld", pg->limit);
}

void orch_list_cpos(struct db *db, const char *tenant, const struct orch_page *pg,
                    orch_json_cb cb, void *arg)
{
    char page[24], limit[24];
    page_params(pg, page, limit);
    const char *p[] = {tenant, page, limit};
    orch_query_json(db, SQL_LIST_CPOS, 3, p, cb, arg);
}

void orch_get_cpo(struct db *db, const char *tenant, const char *cpo_id, orch_json_cb cb,
                  void *arg)
{
    const char *p[] = {tenant, cpo_id};
    orch_query_json(db, SQL_GET_CPO, 2, p, cb, arg);
}

void orch_cpo_report(struct db *db, const char *tenant, const char *cpo_id, orch_json_cb cb,
                     void *arg)
{
    const char *p[] = {tenant, cpo_id};
    orch_query_json(db, SQL_CPO_REPORT, 2, p, cb, arg);
}

void orch_delete_cpo(struct db *db, const char *tenant, const char *cpo_id, orch_json_cb cb,
                     void *arg)
{
    const char *p[] = {tenant, cpo_id};
    orch_query_json(db, SQL_DELETE_CPO, 2, p, cb, arg);
}

void orch_list_locations(struct db *db, const char *tenant, const char *cpo_id,
                         const struct orch_page *pg, orch_json_cb cb, void *arg)
{
    char page[24], limit[24];
    page_params(pg, page, limit);
    const char *p[] = {tenant, page, limit, cpo_id};
    orch_query_json(db, SQL_LIST_LOCATIONS, 4, p, cb, arg);
}

void orch_get_location(struct db *db, const char *tenant, const char *cpo_id,
                       const char *location_id, orch_json_cb cb, void *arg)
{
    const char *p[] = {tenant, cpo_id, location_id};
    orch_query_json(db, SQL_GET_LOCATION, 3, p, cb, arg);
}

void orch_patch_location(struct db *db, const char *tenant, const char *cpo_id,
                         const char *location_id, const char *patch, orch_json_cb cb,
                         void *arg)
{
    const char *p[] = {tenant, cpo_id, location_id, patch};
    orch_query_json(db, SQL_PATCH_LOCATION, 4, p, cb, arg);
}

void orch_delete_location(struct db *db, const char *tenant, const char *cpo_id,
                          const char *location_id, orch_json_cb cb, void *arg)
{
    const char *p[] = {tenant, cpo_id, location_id};
    orch_query_json(db, SQL_DELETE_LOCATION, 3, p, cb, arg);
}

void orch_list_chargers(struct db *db, const char *tenant, const struct orch_charger_filter *f,
                        const struct orch_page *pg, orch_json_cb cb, void *arg)
{
    char page[24], limit[24];
    page_params(pg, page, limit);
    const char *p[] = {tenant, page, limit, f->location_id, f->status, f->ocpp_version};
    orch_query_json(db, SQL_LIST_CHARGERS, 6, p, cb, arg);
}

void orch_get_charger(struct db *db, const char *tenant, const char *charger_id,
                      orch_json_cb cb, void *arg)
{
    const char *p[] = {tenant, charger_id};
    orch_query_json(db, SQL_GET_CHARGER, 2, p, cb, arg);
}

void orch_find_chargers(struct db *db, const char *tenant, const char *identity,
                        orch_json_cb cb, void *arg)
{
    const char *p[] = {tenant, identity};
    orch_query_json(db, SQL_FIND_CHARGERS, 2, p, cb, arg);
}

void orch_update_chargers(struct db *db, const char *tenant, const char *location_id,
                          const char *ids, const char *changes, orch_json_cb cb, void *arg)
{
    const char *p[] = {tenant, location_id, ids, changes};
    orch_query_json(db, SQL_UPDATE_CHARGERS, 4, p, cb, arg);
}

void orch_delete_chargers(struct db *db, const char *tenant, const char *location_id,
                          const char *ids, orch_json_cb cb, void *arg)
{
    const char *p[] = {tenant, location_id, ids};
    orch_query_json(db, SQL_DELETE_CHARGERS, 3, p, cb, arg);
}
