-- chargefleet schema, version 12: how a charger behaves beyond OCPP defaults, from its
-- group's template: {"reconnect": {"backoff_min_ms", "backoff_max_ms"}, "call_timeout_s",
-- "ping_interval_s", "sessions": {"per_hour", "duration_s": [min, max], "id_tags"}}
-- (only what the template gave). NULL: the defaults.
ALTER TABLE chargers ADD COLUMN behavior jsonb;
