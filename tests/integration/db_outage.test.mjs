// PostgreSQL goes away and comes back: requests get 503 with detail meanwhile (never
// hang), the server reconnects by itself, and outcomes reached during the outage are
// written once it is back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { startPostgres, startPeer, startServe, waitJob, group, createLocation, until, stopAll, TOKEN } from './harness.mjs';

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
    // the loop answers all along: liveness holds, readiness says the database is away
    assert.equal((await srv.api('GET', '/livez', { token: null })).status, 200);
    assert.equal((await srv.api('GET', '/readyz', { token: null })).status, 503);
    const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({ identity_prefix: 'OUT_' }, { chargers_number: 1 })] });
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.match(r.body.detail, /^workflow queue unavailable \(database/);
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

test('a request the database holds longer than 10 s still gets its whole answer', async () => {
  // another session holds the chargers table for 12 s: the list waits for it (lws
  // would close a connection that holds its headers 10 s: an empty reply)
  const locker = spawn('psql', ['-h', pg.dir, '-p', String(pg.port), '-U', 'postgres', '-d', 'postgres', '-c',
    'BEGIN; LOCK TABLE chargers IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(12); COMMIT;'], { stdio: 'ignore' });
  const done = new Promise(r => locker.on('exit', r));
  try {
    await until(() => pg.query("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation " +
      "WHERE c.relname = 'chargers' AND l.mode = 'AccessExclusiveLock' AND l.granted")[0][0] === '1', { what: 'the lock' });
    const t0 = Date.now();
    const r = await srv.api('GET', `/ocpp/locations/${locationId}/chargers`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(Date.now() - t0 > 10000, `answered in ${Date.now() - t0} ms: the lock did not hold it`);
    assert.ok(Array.isArray(r.body.data));
  } finally {
    await done;
  }
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

test('PostgreSQL stopped for 30 s: chargers keep running, 503 meanwhile, nothing lost', async () => {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({ identity_prefix: 'LONG_' }, { chargers_number: 10 })] });
  assert.equal(r.status, 202);
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY');
  const ids = job.results.created.map(c => c.identity);
  const one = job.results.created[0];
  const connects = ids.map(id => peer.connects.get(id));

  pg.pause();
  const down = Date.now();
  await until(async () => (await srv.api('GET', '/healthz', { token: null })).status === 503, { what: 'healthz 503' });
  // the API: 503 with the seed's detail, for reads and writes
  const w = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({ identity_prefix: 'NO_' }, { chargers_number: 1 })] });
  assert.equal(w.status, 503);
  assert.match(w.body.detail, /^workflow queue unavailable/);
  assert.equal((await srv.api('GET', r.body.status_url)).status, 503);
  // the load figures are still served: this process's runtime, the database down
  const m = await srv.api('GET', '/metrics', { token: null });
  assert.equal(m.status, 200);
  assert.match(m.body, /^chargefleet_database_up 0$/m);
  assert.match(m.body, /^chargefleet_runtime_chargers\{runtime="[^"]+",state="accepted"\} (\d+)$/m);
  // the CSMS keeps talking to the chargers: what they answer is logged later
  const during = [];
  for (const id of ids.slice(0, 3)) {
    const ans = await peer.client(id).call('TriggerMessage', { requestedMessage: 'Heartbeat' });
    assert.equal(ans.status, 'Accepted');
    during.push(id);
  }
  while (Date.now() - down < 30000) {
    await sleep(1000);
    assert.ok(ids.every(id => peer.live.get(id) === 1), 'a charger went away during the outage');
  }
  pg.resume();
  await until(async () => (await srv.api('GET', '/healthz', { token: null })).status === 200, { what: 'healthz 200 again', timeoutMs: 20000 });
  // nobody reconnected: the chargers never noticed
  assert.deepEqual(ids.map(id => peer.connects.get(id)), connects);
  // nothing lost: the frames of the outage reach the charger's logs
  await until(async () => {
    const l = await srv.api('GET', `/ocpp/chargers/${one.charger_id}/logs?event=frame&limit=1000`);
    return l.status === 200 && l.body.data.some(e => e.action === 'TriggerMessage' && Date.parse(e.at) >= down);
  }, { what: 'the TriggerMessage of the outage in the logs', timeoutMs: 20000 });
  // and the API works again
  const again = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({ identity_prefix: 'AFTER_' }, { chargers_number: 2 })] });
  assert.equal(again.status, 202);
  assert.equal((await waitJob(srv, again.body.status_url)).status, 'READY');
  assert.deepEqual(peer.failures, []);
});
