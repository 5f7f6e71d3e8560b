// One POST of 1,000 chargers reaches READY (a functional check, not a timing test:
// figures come from scripts/bench).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, startPeer, startServe, waitJob, group, createLocation, stopAll } from './harness.mjs';

let pg, peer, srv, locationId;
before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url, provisionTimeout: 120 });
  ({ locationId } = await createLocation(srv, peer.url));
});
after(() => stopAll({ srv, peer, pg }));

test('one POST of 1,000 chargers reaches READY', async () => {
  const t0 = Date.now();
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [group({ identity_prefix: 'S_' }, { chargers_number: 1000 })],
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const accepted = Date.now() - t0;
  const job = await waitJob(srv, r.body.status_url, { timeoutMs: 180000 });
  assert.equal(job.status, 'READY', JSON.stringify(job.progress));
  assert.equal(job.progress.ready, 1000);
  assert.equal(new Set(job.results.created.map(c => c.identity)).size, 1000);
  assert.equal(peer.boots.size, 1000);
  assert.deepEqual(peer.failures, []);
  console.log(`# 202 after ${accepted} ms, READY after ${Date.now() - t0} ms (informational)`);
});
