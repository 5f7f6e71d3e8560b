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

