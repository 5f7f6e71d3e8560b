-- chargefleet schema, version 22: API tokens get an id, may be read-only and may be
-- revoked; a charger is found by its identity; an OCPI EVSE's status follows its
-- connector.

-- `id` names a token in `chargefleet token list / revoke` (the token itself is never
-- stored, and its hash is not shown whole). A read-only token may only read (GET).
-- A revoked token stays listed, with when it was revoked, and is refused.
ALTER TABLE api_tokens ADD COLUMN id bigserial UNIQUE;
ALTER TABLE api_tokens ADD COLUMN read_only boolean NOT NULL DEFAULT false;
ALTER TABLE api_tokens ADD COLUMN revoked_at timestamptz;
CREATE INDEX api_tokens_tenant ON api_tokens (tenant, id);

-- GET /ocpp/chargers/{identity} (and commands naming an identity) look chargers up by
-- identity across a tenant's locations; identities are unique per location only.
CREATE INDEX chargers_identity ON chargers (identity);

-- The OCPI 2.2.1 Status of connector n of a charger: an offline charger is UNKNOWN (or
-- INOPERATIVE when it FAILED to provision); a connected one's is its connector's live
-- OCPP status (sim_live.c), AVAILABLE while nothing was written since its boot.
--   Available → AVAILABLE; Preparing, Charging, SuspendedEV, SuspendedEVSE, Finishing,
--   Occupied (2.0.1) → CHARGING (the EVSE is in use); Reserved → RESERVED;
--   Unavailable → INOPERATIVE (not broken, not available); Faulted → OUTOFORDER.
CREATE FUNCTION cf_ocpi_connector_status(ch chargers, n integer) RETURNS text
LANGUAGE sql STABLE AS $$
SELECT CASE
    WHEN NOT ch.connected THEN CASE WHEN ch.status = 'FAILED' THEN 'INOPERATIVE' ELSE 'UNKNOWN' END
    ELSE CASE COALESCE((SELECT c->>'status' FROM jsonb_array_elements(ch.live->'connectors') c
                        WHERE (c->>'connector_id')::integer = n LIMIT 1), 'Available')
        WHEN 'Available' THEN 'AVAILABLE'
        WHEN 'Preparing' THEN 'CHARGING' WHEN 'Charging' THEN 'CHARGING'
        WHEN 'SuspendedEV' THEN 'CHARGING' WHEN 'SuspendedEVSE' THEN 'CHARGING'
        WHEN 'Finishing' THEN 'CHARGING' WHEN 'Occupied' THEN 'CHARGING'
        WHEN 'Reserved' THEN 'RESERVED'
        WHEN 'Unavailable' THEN 'INOPERATIVE'
        WHEN 'Faulted' THEN 'OUTOFORDER'
        ELSE 'UNKNOWN' END
    END
$$;

-- 005's EVSE with the status above: 005's function stays, renamed, for the rest.
ALTER FUNCTION cf_ocpi_evse(chargers, text, text, integer) RENAME TO cf_ocpi_evse_shape;
CREATE FUNCTION cf_ocpi_evse(ch chargers, cc text, pid text, n integer) RETURNS jsonb
LANGUAGE sql STABLE AS $$
SELECT cf_ocpi_evse_shape(ch, cc, pid, n)
       || jsonb_build_object('status', cf_ocpi_connector_status(ch, n))
$$;

-- 021's statement trigger, now also when a connector's live state changed (what
-- cf_ocpi_queue_change queues is still only the EVSEs whose status differs).
CREATE OR REPLACE FUNCTION cf_ocpi_queue_statuses() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM ocpi_peers) THEN
        RETURN NULL;
    END IF;
    PERFORM cf_ocpi_queue_change(o, n)
    FROM ocpi_old o JOIN ocpi_new n ON n.id = o.id
    WHERE o.connected IS DISTINCT FROM n.connected OR o.status IS DISTINCT FROM n.status
       OR o.live->'connectors' IS DISTINCT FROM n.live->'connectors';
    RETURN NULL;
END
$$;
