-- chargefleet schema, version 9: what every charger said and heard. One row per OCPP
-- frame (direction, action, message id, the raw frame) and per connection event
-- (connected, disconnected, connect_failed with the reason and the backoff). Written in
-- batches by the runtime holding the charger; read by GET .../logs (and followed by
-- the SSE stream); trimmed by the sweep past the retention (serve --log-retention).
CREATE TABLE charger_logs (
    id          bigserial PRIMARY KEY,
    charger_id  uuid NOT NULL REFERENCES chargers(id) ON DELETE CASCADE,
    at          timestamptz NOT NULL,
    event       text NOT NULL,
    direction   text CHECK (direction IN ('in', 'out')),
    action      text,
    message_id  text,
    detail      text NOT NULL
);
CREATE INDEX charger_logs_charger ON charger_logs (charger_id, id);

-- Deletes log rows older than `keep`, oldest first, at most `batch` at a time (the
-- sweep calls it again); returns how many went.
CREATE FUNCTION cf_logs_trim(keep interval, batch integer) RETURNS integer
LANGUAGE sql AS $$
    WITH old AS (SELECT id FROM charger_logs WHERE at < now() - keep ORDER BY id LIMIT batch),
    d AS (DELETE FROM charger_logs l USING old WHERE l.id = old.id RETURNING 1)
    SELECT count(*)::integer FROM d
$$;
