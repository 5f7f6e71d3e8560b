-- chargefleet schema, version 24: a charger's connector_type is the name
-- orch_connector.c keeps: the catalog's (TYPE2, CCS2, ...) or any other OCPI 2.2.1
-- ConnectorType as it is (IEC_62196_T3C, CHAOJI, ...). Those were all served as
-- IEC_62196_T2 AC sockets; the OCPI connector now says what the charger has.
CREATE FUNCTION cf_ocpi_connector(ch chargers) RETURNS jsonb
LANGUAGE sql STABLE AS $$
SELECT jsonb_build_object(
    'id', '1',
    'standard', CASE ch.connector_type
        WHEN 'TYPE1' THEN 'IEC_62196_T1' WHEN 'TYPE2' THEN 'IEC_62196_T2'
        WHEN 'CCS1' THEN 'IEC_62196_T1_COMBO' WHEN 'CCS2' THEN 'IEC_62196_T2_COMBO'
        WHEN 'NACS' THEN 'TESLA_S' WHEN 'DOMESTIC' THEN 'DOMESTIC_F'
        ELSE COALESCE(ch.connector_type, 'IEC_62196_T2') END,
    'format', CASE WHEN dc OR ch.connector_type IN ('CCS1', 'CCS2', 'NACS', 'TESLA_R')
                   THEN 'CABLE' ELSE 'SOCKET' END,
    'power_type', CASE WHEN dc THEN 'DC' ELSE 'AC_3_PHASE' END,
    'max_voltage', CASE WHEN dc THEN 920 ELSE 230 END,
    'max_amperage', CASE WHEN dc THEN round(COALESCE(ch.max_power_kw, 50) * 1000 / 920)
                         ELSE round(COALESCE(ch.max_power_kw, 11) * 1000 / 690) END,
    'max_electric_power', round(COALESCE(ch.max_power_kw, 11) * 1000),
    'last_updated', cf_ocpi_time(ch.created_at))
FROM (SELECT ch.connector_type IN ('CCS1', 'CCS2', 'CHADEMO', 'GBT_DC', 'NACS', 'CHAOJI',
                                   'PANTOGRAPH_BOTTOM_UP', 'PANTOGRAPH_TOP_DOWN') AS dc) d
$$;

-- 022 made cf_ocpi_evse this shape with the live status over it: the shape changes.
CREATE OR REPLACE FUNCTION cf_ocpi_evse_shape(ch chargers, cc text, pid text, n integer)
RETURNS jsonb
LANGUAGE sql STABLE AS $$
SELECT jsonb_build_object(
    'uid', replace(ch.id::text, '-', '') || '-' || n,
    'evse_id', cc || '*' || pid || '*E'
               || left(upper(regexp_replace(ch.identity, '[^A-Za-z0-9]', '', 'g')), 27) || '*' || n,
    'status', CASE WHEN ch.connected THEN 'AVAILABLE'
                   WHEN ch.status = 'FAILED' THEN 'INOPERATIVE' ELSE 'UNKNOWN' END,
    'capabilities', jsonb_build_array('REMOTE_START_STOP_CAPABLE', 'UNLOCK_CAPABLE'),
    'connectors', jsonb_build_array(cf_ocpi_connector(ch)),
    'last_updated', cf_ocpi_time(ch.updated_at))
$$;

-- A location's taken identities say which are only still there because their charger
-- is being deleted (it closes its connection first): "deleting" instead of true, so a
-- DELETE followed at once by a POST of the same identities hears why, and to retry.
CREATE OR REPLACE FUNCTION cf_taken_identities(location uuid, except_job uuid, named json)
RETURNS json LANGUAGE sql STABLE AS $$
WITH o AS (SELECT json_array_elements_text(named) AS i)
SELECT COALESCE(json_object_agg(t.i, t.v), '{}'::json) FROM (
    SELECT DISTINCT ON (i) i, v FROM (
        SELECT identity AS i, CASE WHEN pending_change = 'delete' THEN to_json('deleting'::text)
                                   ELSE to_json(true) END AS v
        FROM chargers WHERE location_id = location
            AND (named IS NULL OR identity IN (SELECT i FROM o))
        UNION ALL
        SELECT (g->>'prefix') || x, to_json(true) FROM jobs j, jsonb_array_elements(j.plan) g,
            jsonb_array_elements_text(CASE WHEN jsonb_typeof(g->'ids') = 'array'
                                           THEN g->'ids' ELSE '[]'::jsonb END) x
        WHERE j.location_id = location AND j.plan IS NOT NULL
          AND j.id IS DISTINCT FROM except_job) u
    ORDER BY i, v::text = 'true' DESC) t
WHERE named IS NULL OR t.i IN (SELECT i FROM o)
$$;
