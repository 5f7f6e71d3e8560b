-- chargefleet schema, version 19: the log trim reads only the oldest rows.
-- It looked for rows older than the retention in id order, with no index on `at`: when
-- none was old (the usual case) it read the whole table at every sweep (every 2 s) —
-- with 100,000 chargers live (over a million rows) 1.6 s of PostgreSQL each time.
-- Rows are written in time order (ids grow with time; a backlog written after a
-- database outage is at most the outage late), so the old rows are the first ids: when
-- the first row is old, take the first `batch` rows by id and delete those older than
-- `keep`.
CREATE OR REPLACE FUNCTION cf_logs_trim(keep interval, batch integer) RETURNS integer
LANGUAGE sql AS $$
    WITH first AS (SELECT at FROM charger_logs ORDER BY id LIMIT 1),
    old AS (SELECT id FROM (SELECT id, at FROM charger_logs
                            WHERE (SELECT at FROM first) < now() - keep
                            ORDER BY id LIMIT batch) f
            WHERE at < now() - keep),
    d AS (DELETE FROM charger_logs l USING old WHERE l.id = old.id RETURNING 1)
    SELECT count(*)::integer FROM d
$$;
