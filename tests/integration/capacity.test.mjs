// Running out of room is said (issue 23, point 7): serve runs at most --capacity
// chargers (here 10, as the open-files limit would cap it); a job beyond the room of the
// live runtimes gets a capacity warning in its 202, GET /metrics counts the chargers
// waiting without room, those no runtime claimed within the provision timeout FAIL with
// "no runtime has room", and a worker started later runs them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, startPeer, startServe, startWorker, waitJob, group, createLocation, until, stopAll } from './harness.mjs';

let pg, peer, srv, worker, locationId;

before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url, provisionTimeout: 6, extraArgs: ['--capacity', '10'] });
  ({ locationId } = await createLocation(srv, peer.url));
});
after(async () => {
  await worker?.stop();
  await stopAll({ srv, peer, pg });
});

const metric = async name => {
  const r = await srv.api('GET', '/metrics', { token: null });
  const m = r.body.match(new RegExp(`^${name} (\\d+)$`, 'm'));
  return m ? Number(m[1]) : null;
};

test('a job within the room: no capacity warning', async () => {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [group({ identity_prefix: 'F_' }, { chargers_number: 4 })],
  });
  assert.equal(r.status, 202);
  assert.ok(!(r.body.warnings ?? []).some(w => w.startsWith('capacity')), JSON.stringify(r.body.warnings));
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY');
});

test('a job beyond the room: said in the 202, in /metrics, in the job; a worker runs the rest', async () => {
  // the runtime published that it holds 4 of its 10
  await until(async () => (await metric('chargefleet_room_left')) === 6, { what: 'room 6 in /metrics' });
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [group({ identity_prefix: 'B_' }, { chargers_number: 10 })],
  });
  assert.equal(r.status, 202);
  const w = (r.body.warnings ?? []).filter(x => x.startsWith('capacity'));
  assert.equal(w.length, 1, JSON.stringify(r.body));
  assert.match(w[0], /^capacity: 4 of these 10 chargers have no room yet \(the runtimes running can take 6 more\)/);
  await until(async () => (await metric('chargefleet_chargers_without_room')) === 4, { what: '4 without room in /metrics' });
  assert.equal(await metric('chargefleet_room_left'), 0);

  const job = await waitJob(srv, r.body.status_url, { timeoutMs: 30000 });
  assert.equal(job.status, 'FAILED');
  assert.equal(job.results.created.length + job.results.failed.length, 10);
  assert.equal(job.results.failed.length, 4, JSON.stringify(job.results.failed));
  for (const f of job.results.failed)
    assert.match(f.error, /^no runtime has room: not claimed within the provision timeout \(1 live runtime\(s\), capacity 10\); add workers or --capacity$/);
  assert.match(srv.log, /4 charger\(s\) FAILED: no runtime had room for them within the provision timeout/);
  const ids = [...job.results.created, ...job.results.failed].map(c => c.identity);
  assert.equal(ids.filter(id => peer.live.get(id) === 1).length, 6);

  // room comes: the four run (late: the job stays FAILED, each becomes READY)
  worker = await startWorker({ db: pg.url, extraArgs: ['--capacity', '10'] });
  await until(() => ids.every(id => peer.live.get(id) === 1), { what: 'all ten connected', timeoutMs: 20000 });
  let again;
  await until(async () => {
    again = await srv.api('GET', r.body.status_url);
    return again.body.results.failed.every(f => f.status === 'READY');
  }, { what: 'the four READY late' });
  assert.equal(again.body.status, 'FAILED');
  assert.equal(again.body.results.failed.length, 4);
  assert.equal(peer.maxLive, 1);
  assert.deepEqual(peer.failures, []);
});
