-- chargefleet schema, version 15: leases held by runtimes, not renewed row by row.
-- A charger is held while its lease_owner's runtime is alive: the runtime renews one
-- row (runtimes.lease_until) every second instead of updating every charger it holds
-- (100,000 rows every few seconds kept PostgreSQL busy and deadlocked with the outcome
-- writes). A runtime writes its row before it claims anything; a runtime not heard of
-- for its lease is dead and its chargers are claimable. chargers.lease_until is no
-- longer read.
ALTER TABLE runtimes ADD COLUMN lease_until timestamptz NOT NULL DEFAULT now();

-- Is this lease owner a live runtime?
CREATE FUNCTION cf_live(o text) RETURNS boolean
LANGUAGE sql STABLE AS $$
SELECT o IS NOT NULL AND EXISTS (SELECT 1 FROM runtimes WHERE owner = o AND lease_until >= now())
$$;

-- Claims look for unowned chargers and those of dead runtimes, never through the rows
-- held by live ones.
CREATE INDEX chargers_unowned ON chargers (seq) WHERE lease_owner IS NULL AND status <> 'FAILED';

CREATE OR REPLACE FUNCTION cf_delete_chargers(ids uuid[]) RETURNS bigint
LANGUAGE sql AS $$
WITH gone AS (
    DELETE FROM chargers
    WHERE id = ANY(ids) AND NOT cf_live(lease_owner)
    RETURNING 1),
marked AS (
    UPDATE chargers SET pending_change = 'delete', updated_at = now()
    WHERE id = ANY(ids) AND cf_live(lease_owner)
    RETURNING 1)
SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM marked)
$$;

-- As in version 3, with the runtime leases; the chargers to delete are found through
-- the deleting locations and the pending changes (indexes), not by a join over every
-- charger; runtimes dead for an hour that hold nothing are forgotten.
CREATE OR REPLACE FUNCTION cf_sweep() RETURNS integer
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
        SELECT ch.id FROM chargers ch
        WHERE ch.location_id IN (SELECT id FROM locations WHERE deleting)
          AND ch.pending_change IS DISTINCT FROM 'delete'
        UNION ALL
        SELECT ch.id FROM chargers ch
        WHERE ch.pending_change = 'delete' AND NOT cf_live(ch.lease_owner)));
    DELETE FROM locations l WHERE l.deleting
        AND NOT EXISTS (SELECT 1 FROM chargers ch WHERE ch.location_id = l.id);
    DELETE FROM cpos c WHERE c.deleting
        AND NOT EXISTS (SELECT 1 FROM locations l WHERE l.cpo_id = c.id);
    DELETE FROM jobs j WHERE (j.location_id IS NOT NULL
                              AND NOT EXISTS (SELECT 1 FROM locations l WHERE l.id = j.location_id))
        OR (j.cpo_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cpos c WHERE c.id = j.cpo_id));
    DELETE FROM runtimes r WHERE r.lease_until < now() - interval '1 hour'
        AND NOT EXISTS (SELECT 1 FROM chargers ch WHERE ch.lease_owner = r.owner);
    RETURN expired;
END
$$;

-- Leases taken before this version (no runtime row behind them) are let go: the
-- chargers are claimed again by the runtimes that start now.
UPDATE chargers SET lease_owner = NULL, lease_until = NULL
WHERE lease_owner IS NOT NULL AND lease_owner NOT IN (SELECT owner FROM runtimes);
