-- chargefleet schema, version 16: a chargers job is written as its groups.
-- POST /ocpp/locations/{id}/chargers validates the body, writes the job with its plan
-- (the groups: what their chargers share, explicit ids, how many) and answers 202; a
-- runtime then expands the plan into charger rows (orchestrator/orch_plans.c). Until
-- then the job is PENDING with `planned` chargers. expand_owner: the runtime expanding
-- it (held while that runtime's lease is live, as chargers are: cf_live). expand_error:
-- the plan could not be expanded (an explicit identity taken since the 202): the job
-- is FAILED.
ALTER TABLE jobs ADD COLUMN plan jsonb,
                 ADD COLUMN planned integer,
                 ADD COLUMN expand_owner text,
                 ADD COLUMN expand_error text;

CREATE INDEX jobs_unexpanded ON jobs (created_at) WHERE plan IS NOT NULL;

-- The identities a location has or will have: its chargers, and the explicit ids of
-- the plans not yet expanded there (but job `except_job`'s), as a JSON object used as
-- a set; only those in `named` (a JSON array) when it is not null — a request checks
-- the ids it names, not the whole location.
CREATE FUNCTION cf_taken_identities(location uuid, except_job uuid, named json) RETURNS json
LANGUAGE sql STABLE AS $$
WITH o AS (SELECT json_array_elements_text(named) AS i)
SELECT COALESCE(json_object_agg(t.i, true), '{}'::json) FROM (
    SELECT identity AS i FROM chargers WHERE location_id = location
        AND (named IS NULL OR identity IN (SELECT i FROM o))
    UNION
    SELECT (g->>'prefix') || x FROM jobs j, jsonb_array_elements(j.plan) g,
        jsonb_array_elements_text(CASE WHEN jsonb_typeof(g->'ids') = 'array'
                                       THEN g->'ids' ELSE '[]'::jsonb END) x
    WHERE j.location_id = location AND j.plan IS NOT NULL
      AND j.id IS DISTINCT FROM except_job) t
WHERE named IS NULL OR t.i IN (SELECT i FROM o)
$$;

-- A job's status: cf_job_status once its chargers exist, PENDING with its planned count
-- before, FAILED with the reason when it could not be expanded.
CREATE FUNCTION cf_job(job uuid) RETURNS json
LANGUAGE sql STABLE AS $$
SELECT CASE WHEN j.plan IS NULL AND j.expand_error IS NULL THEN cf_job_status(j.id)
  ELSE json_build_object(
    'job_id', j.id,
    'job_type', j.kind,
    'status', CASE WHEN j.plan IS NOT NULL THEN 'PENDING' ELSE 'FAILED' END,
    'workflow_run_id', j.id,
    'progress', json_build_object('total', j.planned,
        'pending', CASE WHEN j.plan IS NOT NULL THEN j.planned ELSE 0 END,
        'provisioning', 0, 'ready', 0,
        'failed', CASE WHEN j.plan IS NULL THEN j.planned ELSE 0 END),
    'boot_latency_ms', NULL,
    'ready_after_ms', NULL,
    'results', json_build_object('created', '[]'::json, 'failed', '[]'::json),
    'error', j.expand_error,
    'provisioned_at', NULL) END
FROM jobs j WHERE j.id = job
$$;
