-- chargefleet schema, version 28: running out of room is said, not silent.
-- cf_room_left(): chargers the live runtimes can still take (their capacity less the
-- rows they hold now: not the count each publishes, a second late), less what already
-- waits for them: rows no
-- runtime holds that a claim would take, and the rows of plans not yet written. A
-- write that reads it in its own statement does not see its own rows: the answer is
-- the room before the write.
CREATE FUNCTION cf_room_left() RETURNS bigint
LANGUAGE sql STABLE AS $$
SELECT (SELECT COALESCE(sum(GREATEST(r.capacity - (SELECT count(*) FROM chargers c
                                                     WHERE c.lease_owner = r.owner), 0)), 0)
        FROM runtimes r WHERE r.lease_until >= now())
     - (SELECT count(*) FROM chargers WHERE lease_owner IS NULL
        AND (status <> 'FAILED' OR step_error IS NOT NULL)
        AND pending_change IS DISTINCT FROM 'delete')
     - (SELECT COALESCE(sum(planned), 0) FROM jobs WHERE plan IS NOT NULL)
$$;

-- Chargers no runtime took within the provision timeout: their step FAILED with the
-- reason (they stay claimable, sql/023_retry.sql: room that comes later runs them).
-- Returns how many.
CREATE FUNCTION cf_fail_unclaimed(timeout interval) RETURNS bigint
LANGUAGE sql AS $$
WITH room AS (SELECT count(*) AS n, COALESCE(sum(capacity), 0) AS cap FROM runtimes
              WHERE lease_until >= now()),
why AS (SELECT 'no runtime has room: not claimed within the provision timeout (' ||
          n || ' live runtime(s), capacity ' || cap || '); add workers or --capacity' AS t
        FROM room),
f AS (UPDATE chargers SET status = 'FAILED', error = (SELECT t FROM why),
        step_error = (SELECT t FROM why), updated_at = now()
      WHERE lease_owner IS NULL AND status = 'PENDING'
        AND pending_change IS DISTINCT FROM 'delete'
        AND created_at < now() - timeout
      RETURNING 1)
SELECT count(*) FROM f
$$;
