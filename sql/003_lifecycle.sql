-- chargefleet schema, version 3: tenants and tokens, and the fleet lifecycle (delete,
-- update, TTL).
--
-- A change to a running charger is written as `pending_change` on its row; the runtime
-- that holds the lease sees it on its next poll, closes the websocket cleanly, then
-- deletes the row ('delete') or gives the lease back so the charger is claimed again
-- with its new configuration ('restart'). Rows nobody holds are changed at once.
-- A location or CPO being deleted is hidden from the API at once (`deleting`) and its
-- row goes when its last charger has gone.

CREATE TABLE api_tokens (
    hash        text PRIMARY KEY,            -- hex SHA-256 of the token; the token is never stored
    tenant      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE cpos ADD COLUMN deleting boolean NOT NULL DEFAULT false;
ALTER TABLE cpos ADD COLUMN requested_party_id text;   -- when party_id was mangled
CREATE INDEX cpos_tenant ON cpos (tenant, id) WHERE NOT deleting;
CREATE INDEX cpos_expiry ON cpos (expires_at) WHERE expires_at IS NOT NULL AND NOT deleting;

ALTER TABLE locations ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE locations ADD COLUMN deleting boolean NOT NULL DEFAULT false;
ALTER TABLE locations ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
UPDATE locations l SET tenant = c.tenant FROM cpos c WHERE c.id = l.cpo_id;

ALTER TABLE chargers ADD COLUMN pending_change text
    CHECK (pending_change IN ('restart', 'delete'));
CREATE INDEX chargers_pending ON chargers (lease_owner) WHERE pending_change IS NOT NULL;
CREATE INDEX chargers_location ON chargers (location_id, seq);

-- jobs of a deleted location or CPO go with it
ALTER TABLE jobs ADD COLUMN tenant text NOT NULL DEFAULT 'default';
UPDATE jobs j SET tenant = c.tenant FROM cpos c WHERE c.id = j.cpo_id;
UPDATE jobs j SET tenant = l.tenant FROM locations l WHERE l.id = j.location_id;
ALTER TABLE chargers DROP CONSTRAINT chargers_job_id_fkey;
ALTER TABLE chargers ADD CONSTRAINT chargers_job_id_fkey
    FOREIGN KEY (job_id) REFERENCES jobs(id) ON DELETE CASCADE;

-- Marks chargers for deletion: rows nobody holds go now, held ones when their runtime
-- has closed them. Returns how many were marked or deleted.
CREATE FUNCTION cf_delete_chargers(ids uuid[]) RETURNS bigint
LANGUAGE sql AS $$
WITH gone AS (
    DELETE FROM chargers
    WHERE id = ANY(ids) AND (lease_owner IS NULL OR lease_until < now())
    RETURNING 1),
marked AS (
    UPDATE chargers SET pending_change = 'delete', updated_at = now()
    WHERE id = ANY(ids) AND lease_owner IS NOT NULL AND lease_until >= now()
    RETURNING 1)
SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM marked)
$$;

-- The sweep, run by every `serve` every few seconds (idempotent): expired CPOs start
-- deleting; chargers of deleting locations are deleted; rows of deleting locations and
-- CPOs go when nothing is left under them; chargers marked for deletion whose holder
-- died (lease ran out) go too. Returns the number of CPOs that started expiring.
CREATE FUNCTION cf_sweep() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    expired integer;
BEGIN
    WITH e AS (
        UPDATE cpos SET deleting = true, updated_at = now()
        WHERE NOT deleting AND expires_at < now() RETURNING id)
    SELECT count(*) INTO expired FROM e;
    UPDATE locations l SET deleting = true, updated_at = now()
    FROM cpos c WHERE c.id = l.cpo_id AND c.deleting AND NOT l.deleting;
    PERFORM cf_delete_chargers(ARRAY(
        SELECT ch.id FROM chargers ch JOIN locations l ON l.id = ch.location_id
        WHERE l.deleting AND ch.pending_change IS DISTINCT FROM 'delete'
           OR ch.pending_change = 'delete' AND (ch.lease_owner IS NULL OR ch.lease_until < now())));
    DELETE FROM locations l WHERE l.deleting
        AND NOT EXISTS (SELECT 1 FROM chargers ch WHERE ch.location_id = l.id);
    DELETE FROM cpos c WHERE c.deleting
        AND NOT EXISTS (SELECT 1 FROM locations l WHERE l.cpo_id = c.id);
    DELETE FROM jobs j WHERE (j.location_id IS NOT NULL
                              AND NOT EXISTS (SELECT 1 FROM locations l WHERE l.id = j.location_id))
        OR (j.cpo_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cpos c WHERE c.id = j.cpo_id));
    RETURN expired;
END
$$;

-- DELETE of a CPO / a location by the API: hidden at once, gone after the sweep closed
-- its chargers. False when it does not exist for that tenant (or is already deleting).
CREATE FUNCTION cf_delete_cpo(t text, cpo bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cpos SET deleting = true, updated_at = now()
    WHERE id = cpo AND tenant = t AND NOT deleting;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM cf_sweep();
    RETURN true;
END
$$;

CREATE FUNCTION cf_delete_location(t text, loc uuid) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE locations SET deleting = true, updated_at = now()
    WHERE id = loc AND tenant = t AND NOT deleting;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM cf_sweep();
    RETURN true;
END
$$;

-- The status of a set of provisioning steps, by the job rules (see cf_job_status).
CREATE FUNCTION cf_steps_status(total bigint, pending bigint, ready bigint, failed bigint)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT CASE WHEN ready = total THEN 'READY'
            WHEN failed > 0 AND ready + failed = total THEN 'FAILED'
            WHEN pending = total THEN 'PENDING'
            ELSE 'PROVISIONING' END
$$;
