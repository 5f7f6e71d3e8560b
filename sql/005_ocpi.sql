-- chargefleet schema, version 5: each CPO is an OCPI 2.2.1 party. An eMSP registers
-- with the CPO's token A (POST credentials); we keep its token B (to call it), the
-- hash of the token C we gave it, and its endpoints.

ALTER TABLE cpos ADD COLUMN token_a_used boolean NOT NULL DEFAULT false;

CREATE TABLE ocpi_peers (
    cpo_id        bigint PRIMARY KEY REFERENCES cpos(id) ON DELETE CASCADE,
    token_b       text NOT NULL,          -- the eMSP's token: needed to call it
    token_c_hash  text NOT NULL UNIQUE,   -- hex SHA-256 of the token we gave it
    versions_url  text NOT NULL,
    version       text NOT NULL,
    endpoints     jsonb NOT NULL,         -- its version details' endpoints
    roles         jsonb NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Which token of the CPO one of `hashes` is: 'A' (registration, until used), 'C' (a
-- registered eMSP), or NULL.
CREATE FUNCTION cf_ocpi_auth(cpo bigint, hashes text[]) RETURNS text
LANGUAGE sql STABLE AS $$
SELECT CASE
    WHEN EXISTS (SELECT 1 FROM ocpi_peers p WHERE p.cpo_id = cpo AND p.token_c_hash = ANY(hashes))
        THEN 'C'
    WHEN EXISTS (SELECT 1 FROM cpos c WHERE c.id = cpo AND NOT c.deleting AND NOT c.token_a_used
                 AND c.token_a_hash = ANY(hashes))
        THEN 'A'
    END
$$;

CREATE FUNCTION cf_ocpi_time(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- A stored decimal coordinate in OCPI's shape (5..7 decimals).
CREATE FUNCTION cf_ocpi_coord(v text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
SELECT CASE WHEN v ~ '^-?[0-9]{1,3}(\.[0-9]+)?$' THEN round(v::numeric, 6)::text ELSE v END
$$;

-- One EVSE per connector of a charger (OCPI: an EVSE with one Connector). The status
-- follows the simulated charger: connected and booted → AVAILABLE.
CREATE FUNCTION cf_ocpi_evse(ch chargers, cc text, pid text, n integer) RETURNS jsonb
LANGUAGE sql STABLE AS $$
SELECT jsonb_build_object(
    'uid', replace(ch.id::text, '-', '') || '-' || n,
    'evse_id', cc || '*' || pid || '*E'
               || left(upper(regexp_replace(ch.identity, '[^A-Za-z0-9]', '', 'g')), 27) || '*' || n,
    'status', CASE WHEN ch.connected THEN 'AVAILABLE'
                   WHEN ch.status = 'FAILED' THEN 'INOPERATIVE' ELSE 'UNKNOWN' END,
    'capabilities', jsonb_build_array('REMOTE_START_STOP_CAPABLE', 'UNLOCK_CAPABLE'),
    'connectors', jsonb_build_array(jsonb_build_object(
        'id', '1',
        'standard', CASE ch.connector_type
            WHEN 'TYPE1' THEN 'IEC_62196_T1' WHEN 'CCS1' THEN 'IEC_62196_T1_COMBO'
            WHEN 'CCS2' THEN 'IEC_62196_T2_COMBO' WHEN 'CHADEMO' THEN 'CHADEMO'
            WHEN 'GBT_AC' THEN 'GBT_AC' WHEN 'GBT_DC' THEN 'GBT_DC' WHEN 'NACS' THEN 'TESLA_S'
            WHEN 'DOMESTIC' THEN 'DOMESTIC_F' ELSE 'IEC_62196_T2' END,
        'format', CASE WHEN ch.connector_type IN ('TYPE1', 'TYPE2', 'DOMESTIC', 'GBT_AC')
                       THEN 'SOCKET' ELSE 'CABLE' END,
        'power_type', CASE WHEN ch.connector_type IN ('CCS1', 'CCS2', 'CHADEMO', 'GBT_DC')
                           THEN 'DC' ELSE 'AC_3_PHASE' END,
        'max_voltage', CASE WHEN ch.connector_type IN ('CCS1', 'CCS2', 'CHADEMO', 'GBT_DC')
                            THEN 920 ELSE 230 END,
        'max_amperage', CASE WHEN ch.connector_type IN ('CCS1', 'CCS2', 'CHADEMO', 'GBT_DC')
                             THEN round(COALESCE(ch.max_power_kw, 50) * 1000 / 920)
                             ELSE round(COALESCE(ch.max_power_kw, 11) * 1000 / 690) END,
        'max_electric_power', round(COALESCE(ch.max_power_kw, 11) * 1000),
        'last_updated', cf_ocpi_time(ch.created_at))),
    'last_updated', cf_ocpi_time(ch.updated_at))
$$;

-- The OCPI 2.2.1 Location of one of our locations: the OCPI fields given at creation
-- (operator, facilities, opening_times, ...) plus what we own (id, party, address,
-- coordinates, EVSEs). NULL when the location is unknown or being deleted.
CREATE FUNCTION cf_ocpi_location(loc uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
SELECT jsonb_strip_nulls(
    COALESCE((SELECT jsonb_object_agg(e.k, e.v) FROM jsonb_each(l.ocpi) AS e(k, v)
              WHERE e.k IN ('state', 'related_locations', 'parking_type', 'directions',
                            'operator', 'suboperator', 'owner', 'facilities', 'opening_times',
                            'charging_when_closed', 'images', 'energy_mix',
                            'publish_allowed_to')), '{}'::jsonb)
    || jsonb_build_object(
        'country_code', c.country_code, 'party_id', c.party_id, 'id', l.id::text,
        'publish', COALESCE((l.ocpi->>'publish')::boolean, true),
        'name', l.name, 'address', COALESCE(l.address, ''), 'city', COALESCE(l.city, ''),
        'postal_code', l.postal_code, 'country', COALESCE(l.country, 'NLD'),
        'coordinates', jsonb_build_object('latitude', cf_ocpi_coord(l.latitude),
                                          'longitude', cf_ocpi_coord(l.longitude)),
        'time_zone', COALESCE(l.ocpi->>'time_zone', CASE l.country
            WHEN 'NLD' THEN 'Europe/Amsterdam' WHEN 'DEU' THEN 'Europe/Berlin'
            WHEN 'BEL' THEN 'Europe/Brussels' WHEN 'FRA' THEN 'Europe/Paris'
            WHEN 'GBR' THEN 'Europe/London' WHEN 'ESP' THEN 'Europe/Madrid'
            WHEN 'ITA' THEN 'Europe/Rome' WHEN 'USA' THEN 'America/New_York'
            ELSE 'UTC' END),
        'evses', COALESCE((SELECT jsonb_agg(cf_ocpi_evse(ch, c.country_code, c.party_id, n)
                                            ORDER BY ch.seq, n)
                           FROM chargers ch, generate_series(1, ch.connectors) AS n
                           WHERE ch.location_id = l.id
                             AND ch.pending_change IS DISTINCT FROM 'delete'), '[]'::jsonb),
        'last_updated', cf_ocpi_time(GREATEST(l.updated_at,
            (SELECT max(ch.updated_at) FROM chargers ch WHERE ch.location_id = l.id)))))
FROM locations l JOIN cpos c ON c.id = l.cpo_id
WHERE l.id = loc AND NOT l.deleting AND NOT c.deleting
$$;
