-- chargefleet schema, version 25: fencing (docs/fencing.md has the rule and its timing).
-- runtimes.lease_s: the lease the runtime renews (seconds); renewed_at is lease_until
-- less it. runtimes.since: when its current unbroken run of renewals began (a renewal
-- more than 3 s, or half the lease, after the one before starts a new run: the runtime
-- did not see the database throughout, so it cannot tell who else could not). A runtime takes over another's
-- chargers only when that one has not renewed for a whole lease counted from the later
-- of its last renewal and the taker's own since: so after a database outage, when
-- every lease lapsed together, each runtime first gets a lease to come back.
-- chargers.lease_gen: the fencing token of the claim holding the row (every claim
-- draws a new one from cf_lease_gen); a runtime's writes of a row count only with the
-- token it claimed the row with, and a runtime that finds its token superseded drops
-- the charger at once.
ALTER TABLE runtimes ADD COLUMN lease_s integer NOT NULL DEFAULT 15;
ALTER TABLE runtimes ADD COLUMN since timestamptz NOT NULL DEFAULT now();
ALTER TABLE chargers ADD COLUMN lease_gen bigint NOT NULL DEFAULT 0;
CREATE SEQUENCE cf_lease_gen;
