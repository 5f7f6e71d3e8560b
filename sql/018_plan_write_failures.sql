-- chargefleet schema, version 18: a plan whose rows cannot be written ends. A write that
-- fails gives the take back and the next round tries again; a failure that repeats
-- (the statement itself is refused, not the connection lost) was tried every second
-- without end. After a few failed writes the job is FAILED with the database's reason.
ALTER TABLE jobs ADD COLUMN expand_failures integer NOT NULL DEFAULT 0;
