// PostgreSQL goes away and comes back: requests get 503 with detail meanwhile (never
// hang), the server reconnects by itself, and outcomes reached during the outage are
// written once it is back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPostgres, startPeer, startServe, waitJob, group, createLocation, until, stopAll } from './harness.mjs';

let pg, peer, srv, locationId;
before(async () => {
  pg = await startPostgres();
  // MID_ chargers are accepted on their second boot, 2 s after the first: inside the outage
  peer = await startPeer({ boot: (id, p, n) => (id.startsWith('MID_') && n === 1 ? { status: 'Pending', interval: 2 } : { status: 'Accepted', interval: 300 }) });
  srv = await startServe({ db: pg.url });
  ({ locationId } = await createLocation(srv, peer.url));
});
after(() => stopAll({ srv, peer, pg }));

test('503 with detail while the database is down, then back by itself', async () => {
  pg.pause();
  try {
    await until(async () => (await srv.api('GET', '/healthz', { token: null })).status === 503, { what: 'healthz 503' });
    const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({ identity_prefix: 'OUT_' }, { chargers_number: 1 })] });
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.match(r.body.detail, /database/);
    const g = await srv.api('GET', `/ocpp/locations/${locationId}/chargers`);
    assert.equal(g.status, 503);
  } finally {
    pg.resume();
  }
  await until(async () => (await srv.api('GET', '/healthz', { token: null })).status === 200, { what: 'healthz 200 again' });
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({ identity_prefix: 'BACK_' }, { chargers_number: 3 })] });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal((await waitJob(srv, r.body.status_url)).status, 'READY');
});

test('an outage during provisioning: the outcomes are written when it is back', async () => {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({ identity_prefix: 'MID_' }, { chargers_number: 20 })] });
  assert.equal(r.status, 202);
  // wait until the chargers were claimed, then take the database away while they boot
  await until(async () => (await srv.api('GET', r.body.status_url)).body.progress.pending === 0, { what: 'claimed' });
  pg.pause();
  await until(() => [...peer.boots.keys()].filter(id => id.startsWith('MID_')).every(id => peer.boots.get(id).length >= 2),
    { what: 'the accepted boots, during the outage' });
  await sleep(500);
  pg.resume();
  const job = await waitJob(srv, r.body.status_url, { timeoutMs: 60000 });
  assert.equal(job.status, 'READY', JSON.stringify(job.progress));
  assert.equal(job.progress.ready, 20);
  assert.deepEqual(peer.failures, []);
});
