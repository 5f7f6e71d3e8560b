-- chargefleet schema, version 14: a job's connect rate (POST ...?connect_rate=N): its
-- chargers connect at most N per second, in the order they were written. first_seq is
-- taken from the chargers' seq sequence just before they are inserted, so a charger's
-- turn is (seq - first_seq - 1) / connect_rate seconds after the job was written.
ALTER TABLE jobs ADD COLUMN connect_rate double precision CHECK (connect_rate > 0),
                 ADD COLUMN first_seq bigint;
