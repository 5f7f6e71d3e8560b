-- chargefleet schema, version 17: chargers.lease_until goes. Since version 15 a charger
-- is held while its lease_owner's runtime is alive (runtimes.lease_until); the column
-- and its index chargers_claimable were no longer read, but every claim still wrote the
-- column, and every claim and outcome write (a status change) added an entry to the
-- index: a tenth of the index work of booting a fleet, for nothing.
DROP INDEX chargers_claimable;
ALTER TABLE chargers DROP COLUMN lease_until;
