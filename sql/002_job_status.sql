-- The job status document, built where the data is: one call, one round trip, whatever
-- the job's size. The API returns it as is.
--   status: READY when every step is READY (or there are none); FAILED when every step
--   has ended (READY or FAILED) and one FAILED; PENDING while none was picked up yet;
--   else PROVISIONING.

CREATE FUNCTION cf_job_status(job uuid) RETURNS json
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
FROM j, n, s
$$;
