-- chargefleet schema, version 1: CPOs, locations, jobs and chargers (one durable
-- provisioning step per charger row, claimed by simulator runtimes with leases).

CREATE TABLE cpos (
    id              bigserial PRIMARY KEY,
    tenant          text NOT NULL DEFAULT 'default',
    country_code    text NOT NULL,
    party_id        text NOT NULL,
    name_prefix     text NOT NULL,
    template        text NOT NULL,
    template_version integer NOT NULL DEFAULT 1,
    seed            bigint,
    ttl_seconds     integer,
    expires_at      timestamptz,
    ws_url          text,
    token_a_hash    text NOT NULL,
    job_id          uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE locations (
    id              uuid PRIMARY KEY,
    cpo_id          bigint REFERENCES cpos(id) ON DELETE CASCADE,
    job_id          uuid,
    name            text NOT NULL,
    address         text,
    city            text,
    postal_code     text,
    country         text,
    latitude        text NOT NULL,
    longitude       text NOT NULL,
    template        text,
    ocpi            jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX locations_cpo ON locations (cpo_id);

CREATE TABLE jobs (
    id              uuid PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('cpo', 'locations', 'chargers')),
    cpo_id          bigint,
    location_id     uuid,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE chargers (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    location_id       uuid NOT NULL REFERENCES locations(id) ON DELETE CASCADE,
    job_id            uuid NOT NULL REFERENCES jobs(id),
    identity          text NOT NULL,
    charge_point_name text NOT NULL,
    brand_slug        text NOT NULL,
    model_slug        text NOT NULL,
    ocpp_version      text NOT NULL CHECK (ocpp_version IN ('OCPP1.6', 'OCPP2.0.1')),
    ws_url            text NOT NULL,
    connector_type    text,
    connectors        integer NOT NULL CHECK (connectors >= 1),
    vendor            text NOT NULL,
    model             text NOT NULL,
    serial            text,
    firmware          text,
    max_power_kw      double precision,
    ca_file           text,
    -- PENDING: not claimed yet; PROVISIONING: a runtime is booting it; READY: the CSMS
    -- accepted its BootNotification (it keeps running); FAILED: ended with `error`.
    status            text NOT NULL DEFAULT 'PENDING'
                      CHECK (status IN ('PENDING', 'PROVISIONING', 'READY', 'FAILED')),
    error             text,
    connected         boolean NOT NULL DEFAULT false,
    lease_owner       text,
    lease_until       timestamptz,
    seq               bigserial,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    ready_at          timestamptz,
    UNIQUE (location_id, identity)
);
CREATE INDEX chargers_job ON chargers (job_id);
CREATE INDEX chargers_claimable ON chargers (lease_until NULLS FIRST, seq) WHERE status <> 'FAILED';
CREATE INDEX chargers_owner ON chargers (lease_owner) WHERE lease_owner IS NOT NULL;
