-- chargefleet schema, version 13: load figures.
-- chargers.boot_ms: how long its first accepted boot took (websocket connect started ->
-- BootNotification accepted), written with READY. The job status gains
-- "boot_latency_ms" {count, p50, p95, p99, max} over its chargers and "ready_after_ms"
-- {p50, p95, p99, max}: job written -> charger READY (null until one is READY).
-- runtimes: every simulator runtime (serve's own, each worker) writes its load figures
-- here every second; GET /metrics reads them (rows not seen for a while are stale).
ALTER TABLE chargers ADD COLUMN boot_ms integer;

CREATE TABLE runtimes (
    owner      text PRIMARY KEY,
    pid        integer NOT NULL,
    capacity   integer NOT NULL,
    held       integer NOT NULL,
    metrics    jsonb NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    seen_at    timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION cf_job_status(job uuid) RETURNS json
LANGUAGE sql STABLE AS $$
WITH j AS (SELECT * FROM jobs WHERE id = job),
c AS (SELECT * FROM chargers WHERE job_id = job),
n AS (
    SELECT count(*) AS total,
           count(*) FILTER (WHERE status = 'PENDING') AS pending,
           count(*) FILTER (WHERE status = 'PROVISIONING') AS provisioning,
           count(*) FILTER (WHERE status = 'READY') AS ready,
           count(*) FILTER (WHERE status = 'FAILED') AS failed,
           max(ready_at) AS last_ready
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
          FROM c, j WHERE c.boot_ms IS NOT NULL) x),
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
                      ORDER BY c.seq) FROM c WHERE c.status = 'READY'), '[]'::json)
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
                          'error', c.error) ORDER BY c.seq)
                      FROM c WHERE c.status = 'FAILED'), '[]'::json)),
    'error', CASE WHEN s.status = 'FAILED'
                  THEN n.failed || ' of ' || n.total || ' chargers failed' END,
    'provisioned_at', CASE WHEN s.status = 'READY' THEN
                          to_char(COALESCE(n.last_ready, j.created_at) AT TIME ZONE 'UTC',
                                  'YYYY-MM-DD"T"HH24:MI:SS"Z"') END)
FROM j, n, s, lat
$$;
