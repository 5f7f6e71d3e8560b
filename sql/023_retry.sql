-- chargefleet schema, version 23: a charger whose provisioning step FAILED keeps trying.
-- The step and the charger part: chargers.status / error say what the charger is now
-- (a charger whose step FAILED stays FAILED, with the reason it waits, until the CSMS
-- accepts it: then READY, error NULL); step_error is the reason its provisioning step
-- FAILED within --provision-timeout (NULL: it did not), set once and kept, so its
-- job stays FAILED and lists it whatever the charger does later. A PUT that reconnects
-- the charger starts a new step (step_error NULL again).
-- A FAILED charger with no step_error never ran (a ws_url or version its runtime cannot
-- use): it is not claimed, as before. Every other FAILED charger is claimed and run, so
-- it keeps being retried across restarts and takeovers.
ALTER TABLE chargers ADD COLUMN step_error text;

UPDATE chargers SET step_error = COALESCE(error, 'no BootNotification accepted')
WHERE status = 'FAILED' AND error IS DISTINCT FROM 'bad ws_url'
  AND error IS DISTINCT FROM 'unknown ocpp_version';

DROP INDEX chargers_unowned;
CREATE INDEX chargers_unowned ON chargers (seq)
    WHERE lease_owner IS NULL AND (status <> 'FAILED' OR step_error IS NOT NULL);

-- The job counts steps: FAILED when its step failed (step_error) or the charger never
-- ran, READY when accepted within its window. results.failed says what each failed
-- charger is now: "status" (READY once the CSMS accepted it later) and "ready_at"
-- (when; null until then). The latency figures are the window's: a late acceptance is
-- not counted.
CREATE OR REPLACE FUNCTION cf_job_status(job uuid) RETURNS json
LANGUAGE sql STABLE AS $$
WITH j AS (SELECT * FROM jobs WHERE id = job),
c AS (SELECT *, status = 'FAILED' OR step_error IS NOT NULL AS step_failed
      FROM chargers WHERE job_id = job),
n AS (
    SELECT count(*) AS total,
           count(*) FILTER (WHERE status = 'PENDING') AS pending,
           count(*) FILTER (WHERE status = 'PROVISIONING' AND NOT step_failed) AS provisioning,
           count(*) FILTER (WHERE status = 'READY' AND NOT step_failed) AS ready,
           count(*) FILTER (WHERE step_failed) AS failed,
           max(ready_at) FILTER (WHERE NOT step_failed) AS last_ready
    FROM c),
lat AS (
    SELECT count(boot_ms) AS n,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY boot_ms) AS p50,
           percentile_disc(0.95) WITHIN GROUP (ORDER BY boot_ms) AS p95,
           percentile_disc(0.99) WITHIN GROUP (ORDER BY boot_ms) AS p99,
           max(boot_ms) AS mx,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY r) AS r50,
           percentile_disc(0.95) WITHIN GROUP (ORDER BY r) AS r95,
           percentile_disc(0.99) WITHIN GROUP (ORDER BY r) AS r99,
           max(r) AS rmx
    FROM (SELECT c.boot_ms,
                 round(extract(epoch FROM c.ready_at - j.created_at) * 1000)::bigint AS r
          FROM c, j WHERE c.boot_ms IS NOT NULL AND NOT c.step_failed) x),
s AS (
    SELECT CASE WHEN n.ready = n.total THEN 'READY'
                WHEN n.failed > 0 AND n.ready + n.failed = n.total THEN 'FAILED'
                WHEN n.pending = n.total THEN 'PENDING'
                ELSE 'PROVISIONING' END AS status
    FROM n)
SELECT json_build_object(
    'job_id', j.id,
    'job_type', j.kind,
    'status', s.status,
    'workflow_run_id', j.id,
    'progress', json_build_object('total', n.total, 'pending', n.pending,
                                  'provisioning', n.provisioning, 'ready', n.ready,
                                  'failed', n.failed),
    'boot_latency_ms', CASE WHEN lat.n > 0 THEN json_build_object(
        'count', lat.n, 'p50', lat.p50, 'p95', lat.p95, 'p99', lat.p99, 'max', lat.mx) END,
    'ready_after_ms', CASE WHEN lat.n > 0 THEN json_build_object(
        'p50', lat.r50, 'p95', lat.r95, 'p99', lat.r99, 'max', lat.rmx) END,
    'results', json_build_object(
        'created', CASE WHEN j.kind = 'chargers' THEN
            COALESCE((SELECT json_agg(json_build_object(
                          'identity', c.identity, 'charger_id', c.id,
                          'charge_point_name', c.charge_point_name, 'status', c.status)
                      ORDER BY c.seq) FROM c WHERE c.status = 'READY' AND NOT c.step_failed),
                     '[]'::json)
          ELSE
            COALESCE((SELECT json_agg(json_build_object(
                          'location_id', l.id, 'name', l.name,
                          'chargers', COALESCE((SELECT json_agg(json_build_object(
                                  'identity', c.identity, 'charger_id', c.id,
                                  'charge_point_name', c.charge_point_name,
                                  'status', c.status) ORDER BY c.seq)
                              FROM c WHERE c.location_id = l.id), '[]'::json))
                      ORDER BY l.created_at, l.name)
                      FROM locations l WHERE l.job_id = job), '[]'::json)
          END,
        'failed', COALESCE((SELECT json_agg(json_build_object(
                          'identity', c.identity, 'charger_id', c.id, 'location_id', c.location_id,
                          'error', COALESCE(c.step_error, c.error), 'status', c.status,
                          'ready_at', to_char(c.ready_at AT TIME ZONE 'UTC',
                                              'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
                          ORDER BY c.seq)
                      FROM c WHERE c.step_failed), '[]'::json)),
    'error', CASE WHEN s.status = 'FAILED'
                  THEN n.failed || ' of ' || n.total || ' chargers failed' END,
    'provisioned_at', CASE WHEN s.status = 'READY' THEN
                          to_char(COALESCE(n.last_ready, j.created_at) AT TIME ZONE 'UTC',
                                  'YYYY-MM-DD"T"HH24:MI:SS"Z"') END)
FROM j, n, s, lat
$$;
