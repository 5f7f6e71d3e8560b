// Scale-out: serve (capacity 5) and a worker share one database; every charger is
// claimed by exactly one of them (FOR UPDATE SKIP LOCKED leases).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, startPeer, startServe, startWorker, waitJob, group, createLocation, until, stopAll } from './harness.mjs';

let pg, peer, srv, worker, locationId;
before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url, extraArgs: ['--capacity', '5'] });
  ({ locationId } = await createLocation(srv, peer.url));
});
after(async () => {
  const w = await worker?.stop();
  await stopAll({ srv, peer, pg });
  assert.deepEqual(w, { code: 0, signal: null }, `worker did not exit cleanly:\n${worker?.log}`);
});

// serve alone writes a job's rows already held by itself (no claim round takes them
// back), but never more than its capacity: the rest waits, unowned, for a runtime.
test('serve alone holds at most its capacity of a job it writes; a worker takes the rest', async () => {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [group({ identity_prefix: 'A_' }, { chargers_number: 12 })],
  });
  assert.equal(r.status, 202);
  const counts = () => pg.query(`SELECT count(*) FILTER (WHERE lease_owner IS NOT NULL), count(*)
    FROM chargers WHERE identity LIKE 'A\\_%'`)[0].map(Number);
  await until(() => counts()[1] === 12, { what: 'the rows written' });
  await until(async () => (await srv.api('GET', r.body.status_url)).body.progress.ready === 5, { what: '5 READY' });
  await new Promise(res => setTimeout(res, 2500));        /* two claim rounds */
  assert.deepEqual(counts(), [5, 12]);
  const mid = (await srv.api('GET', r.body.status_url)).body;
  assert.deepEqual([mid.status, mid.progress.ready, mid.progress.pending], ['PROVISIONING', 5, 7]);
  worker = await startWorker({ db: pg.url });
  assert.equal((await waitJob(srv, r.body.status_url)).status, 'READY');
  assert.deepEqual(counts(), [12, 12]);
});

test('serve and a worker split one job; no charger runs twice', async () => {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [group({ identity_prefix: 'W_' }, { chargers_number: 40 })],
  });
  assert.equal(r.status, 202);
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job.progress));
  const ids = job.results.created.map(c => c.identity);
  await until(() => ids.every(id => peer.live.get(id) === 1), { what: 'all connected once' });
  assert.equal(peer.maxLive, 1);
  for (const id of ids) assert.equal(peer.boots.get(id).length, 1, id);
  const held = n => [...srv.log.matchAll(/claimed (\d+) charger/g)].reduce((a, m) => a + Number(m[1]), 0) + n;
  assert.ok(held(0) <= 5, `serve took more than its capacity:\n${srv.log}`);
  assert.ok(/claimed \d+ charger/.test(worker.log), 'the worker took none');
});

test('a worker that stops hands its chargers back', async () => {
  const before = new Map([...peer.connects]);
  assert.deepEqual(await worker.stop(), { code: 0, signal: null });
  worker = await startWorker({ db: pg.url });
  // the new worker reconnects every charger the old one had (leases were released)
  await until(() => [...before.keys()].filter(id => id.startsWith('W_')).every(id => peer.live.get(id) === 1),
    { what: 'every charger back', timeoutMs: 30000 });
  assert.ok([...peer.connects].some(([id, n]) => n > (before.get(id) ?? 0)), 'nobody reconnected');
  assert.equal(peer.maxLive, 1);
  assert.deepEqual(peer.failures, []);
});

// --own-capacity 0: a serve that only answers the API and writes plans. Its runtime
// keeps none of the rows it writes and claims none; the worker runs them.
test('serve with --own-capacity 0 runs no charger of the jobs it writes', async () => {
  const front = await startServe({ db: pg.url, extraArgs: ['--own-capacity', '0'] });
  try {
    assert.match(front.log, /--own-capacity 0 and no --workers: chargers wait for `chargefleet worker`/);
    const mine = () => pg.query(`SELECT capacity, held FROM runtimes WHERE pid = ${front.child.pid}`)
      .map(row => row.map(Number));
    await until(() => mine().length === 1, { what: "the API-only serve's runtime published" });
    const r = await front.api('POST', `/ocpp/locations/${locationId}/chargers`, {
      body: [group({ identity_prefix: 'F_' }, { chargers_number: 8 })],
    });
    assert.equal(r.status, 202);
    const job = await waitJob(front, r.body.status_url);
    assert.equal(job.status, 'READY', JSON.stringify(job.progress));
    const owners = pg.query(`SELECT DISTINCT r.pid FROM chargers c JOIN runtimes r ON r.owner = c.lease_owner
      WHERE c.identity LIKE 'F\\_%'`).map(row => Number(row[0]));
    assert.ok(owners.length > 0, 'no runtime holds the job');
    assert.ok(!owners.includes(front.child.pid), `the API-only serve holds chargers (owners ${owners})`);
    assert.doesNotMatch(front.log, /claimed \d+ charger/);
    assert.deepEqual(mine(), [[0, 0]]);
  } finally {
    assert.deepEqual(await front.stop(), { code: 0, signal: null });
  }
});
