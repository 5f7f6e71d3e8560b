-- chargefleet schema, version 7: a CPO may be an OCPI 2.1.1 network instead of 2.2.1.
-- Its Locations are served in 2.1.1's shape: no country_code / party_id / publish
-- fields, `parking_type` ignored (2.1.1 has none) and the 2.1.1 `type` (LocationType)
-- instead, connectors with voltage / amperage.

ALTER TABLE cpos ADD COLUMN ocpi_version text NOT NULL DEFAULT '2.2.1'
    CHECK (ocpi_version IN ('2.1.1', '2.2.1'));

CREATE FUNCTION cf_ocpi_as_211(doc jsonb, given jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
SELECT (doc - 'country_code' - 'party_id' - 'parking_type' - 'publish' - 'publish_allowed_to')
    || jsonb_build_object(
        'type', CASE WHEN given->>'type' IN ('ON_STREET', 'PARKING_GARAGE', 'UNDERGROUND_GARAGE',
                                            'PARKING_LOT', 'OTHER', 'UNKNOWN')
                     THEN given->>'type' ELSE 'UNKNOWN' END,
        'evses', COALESCE((SELECT jsonb_agg(e.evse || jsonb_build_object('connectors',
                    (SELECT jsonb_agg((c.con - 'max_voltage' - 'max_amperage'
                                       - 'max_electric_power')
                                      || jsonb_build_object('voltage', c.con->'max_voltage',
                                                            'amperage', c.con->'max_amperage'))
                     FROM jsonb_array_elements(e.evse->'connectors') AS c(con)))
                    ORDER BY e.ord)
                   FROM jsonb_array_elements(doc->'evses') WITH ORDINALITY AS e(evse, ord)),
                  '[]'::jsonb))
$$;

-- The Location in the CPO's OCPI version.
CREATE FUNCTION cf_ocpi_location_v(loc uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
SELECT CASE WHEN c.ocpi_version = '2.1.1' THEN cf_ocpi_as_211(cf_ocpi_location(l.id), l.ocpi)
            ELSE cf_ocpi_location(l.id) END
FROM locations l JOIN cpos c ON c.id = l.cpo_id WHERE l.id = loc
$$;

-- 2.1.1 endpoints have no role: a 2.1.1 eMSP's locations endpoint receives.
CREATE OR REPLACE FUNCTION cf_ocpi_queue_status() RETURNS trigger
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
