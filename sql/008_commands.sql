-- chargefleet schema, version 8: commands sent to chargers over REST
-- (POST /ocpp/commands/{command}). The API queues one row per targeted charger; the
-- runtime holding the charger takes it (QUEUED -> RUNNING), carries it out and writes
-- the outcome (DONE with `result`, or FAILED with `error`). A charger no runtime holds
-- keeps its commands QUEUED until one claims it.
CREATE TABLE commands (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant      text NOT NULL,
    charger_id  uuid NOT NULL REFERENCES chargers(id) ON DELETE CASCADE,
    command     text NOT NULL,
    args        jsonb NOT NULL DEFAULT '{}',
    status      text NOT NULL DEFAULT 'QUEUED'
                CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
    result      jsonb,
    error       text,
    seq         bigserial,
    created_at  timestamptz NOT NULL DEFAULT now(),
    done_at     timestamptz
);
CREATE INDEX commands_queued ON commands (charger_id, seq) WHERE status = 'QUEUED';
CREATE INDEX commands_charger ON commands (charger_id);
