-- chargefleet schema, version 6: EVSE status changes pushed to a registered eMSP's
-- locations endpoint (OCPI PATCH), through an outbox so that nothing is lost when the
-- eMSP is down: one pending row per EVSE holding the newest status (`seq` tells a newer
-- change from the one being sent), retried with backoff until the eMSP accepts it.

CREATE TABLE ocpi_push (
    id          bigserial PRIMARY KEY,
    cpo_id      bigint NOT NULL REFERENCES ocpi_peers(cpo_id) ON DELETE CASCADE,
    location_id uuid NOT NULL,
    evse_uid    text NOT NULL,
    body        jsonb NOT NULL,
    seq         bigint NOT NULL DEFAULT 1,
    attempts    integer NOT NULL DEFAULT 0,
    next_at     timestamptz NOT NULL DEFAULT now(),
    last_error  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cpo_id, evse_uid)
);
CREATE INDEX ocpi_push_due ON ocpi_push (next_at);

-- When what an EVSE's status is made of changes (connected, status), queue a PATCH of
-- each of the charger's EVSEs whose OCPI status changed, for CPOs with a registered
-- eMSP that receives locations.
CREATE FUNCTION cf_ocpi_queue_status() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    c record;
    n integer;
    old_status text;
    new_status text;
BEGIN
    -- most fleets have no registered eMSP: keep flushes of charger outcomes cheap
    IF NOT EXISTS (SELECT 1 FROM ocpi_peers) THEN
        RETURN NULL;
    END IF;
    -- (2.1.1 endpoints have no role: a 2.1.1 eMSP's locations endpoint receives)
    SELECT cp.id, cp.country_code, cp.party_id INTO c
    FROM locations l JOIN cpos cp ON cp.id = l.cpo_id
    JOIN ocpi_peers p ON p.cpo_id = cp.id
    WHERE l.id = NEW.location_id
      AND EXISTS (SELECT 1 FROM jsonb_array_elements(p.endpoints) e
                  WHERE e->>'identifier' = 'locations'
                    AND COALESCE(e->>'role', 'RECEIVER') = 'RECEIVER');
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    FOR n IN 1 .. NEW.connectors LOOP
        old_status := cf_ocpi_evse(OLD, c.country_code, c.party_id, n)->>'status';
        new_status := cf_ocpi_evse(NEW, c.country_code, c.party_id, n)->>'status';
        IF old_status IS DISTINCT FROM new_status THEN
            INSERT INTO ocpi_push (cpo_id, location_id, evse_uid, body)
            VALUES (c.id, NEW.location_id, replace(NEW.id::text, '-', '') || '-' || n,
                    jsonb_build_object('status', new_status,
                                       'last_updated', cf_ocpi_time(now())))
            ON CONFLICT (cpo_id, evse_uid) DO UPDATE
            SET body = EXCLUDED.body, seq = ocpi_push.seq + 1, attempts = 0,
                next_at = now(), last_error = NULL;
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER chargers_ocpi_status AFTER UPDATE OF connected, status ON chargers
    FOR EACH ROW WHEN (OLD.connected IS DISTINCT FROM NEW.connected
                       OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION cf_ocpi_queue_status();
