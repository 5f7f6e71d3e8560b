-- chargefleet schema, version 10: OCPP security profiles per charger (from its group's
-- template). 0: none; 1: basic auth (identity + password) over ws://; 2: TLS + basic
-- auth; 3: TLS with a client certificate. The password and the client key are secrets:
-- no API answer shows them.
ALTER TABLE chargers
    ADD COLUMN security_profile smallint NOT NULL DEFAULT 0
        CHECK (security_profile BETWEEN 0 AND 3),
    ADD COLUMN basic_password text,
    ADD COLUMN ca_pem text,
    ADD COLUMN client_cert_pem text,
    ADD COLUMN client_key_pem text;
