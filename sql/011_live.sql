-- chargefleet schema, version 11: each charger's live state as its runtime last wrote
-- it (connection, connectors with their sessions and energy, charging profiles,
-- configuration), shown by GET /ocpp/chargers/{charger_id}.
ALTER TABLE chargers ADD COLUMN live jsonb;
