// Shutdown: on SIGTERM, serve and `chargefleet worker` close every charger's websocket
// with a close frame, status 1001 (going away), before they exit, within a bound; each
// charger's log (and the process log) says so, and the database says disconnected.
// SHUTDOWN_N sets the fleet's size (200; 1,500 passed too).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, startPeer, startServe, startWorker, createLocation, group, waitJob, until } from './harness.mjs';

const N = Number(process.env.SHUTDOWN_N ?? 200);
const CLOSING = 'closing: serve stopping (1001 going away)';
let pg, peer;

before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
});
after(async () => {
  await peer?.close();
  await pg?.stop();
});

// N chargers of prefix READY and connected at the peer, held by `srv` (or its worker)
async function fleet(srv, prefix) {
  const { locationId } = await createLocation(srv, peer.url, `Site ${prefix}`);
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [group({ ocpp_version: 'OCPP1.6', identity_prefix: prefix }, { chargers_number: N })],
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job.results).slice(0, 500));
  const created = job.results.created;
  assert.equal(created.length, N);
  await until(() => created.every(c => peer.live.get(c.identity) === 1),
    { what: `${N} chargers connected`, timeoutMs: 60000 });
  return created;
}

// SIGTERM to `proc` ends every connection of `created` with 1001, and the process
// exits 0 within the bound.
async function sigtermCloses(proc, created) {
  const t0 = Date.now();
  proc.child.kill('SIGTERM');
  const exit = await Promise.race([proc.exited, new Promise(r => setTimeout(() => r('timeout'), 10000))]);
  assert.notEqual(exit, 'timeout', `did not exit within 10 s:\n${proc.log.slice(-2000)}`);
  assert.deepEqual(exit, { code: 0, signal: null }, proc.log.slice(-2000));
  assert.ok(Date.now() - t0 < 10000);
  // the peer has seen every close by the time the process is gone (a few ms of slack
  // for its own event loop)
  await until(() => created.every(c => peer.live.get(c.identity) === 0), { what: 'all closed at the peer', timeoutMs: 3000 });
  const codes = {};
  for (const c of created) {
    const code = (peer.closes.get(c.identity) ?? []).at(-1);
    codes[code] = (codes[code] ?? 0) + 1;
  }
  assert.deepEqual(codes, { 1001: N }, 'close codes seen at the peer');
  // the process log at info, one line per charger (a worker may hold others too)
  const lines = proc.log.split('\n').filter(l => l.includes(CLOSING));
  for (const c of created)
    assert.equal(lines.filter(l => l.includes(`[${c.identity}]`)).length, 1, `${c.identity} in the process log`);
}

// The database after the stop: every charger disconnected, each with its closing log row.
function assertDb(created) {
  const ids = created.map(c => `'${c.charger_id}'`).join(',');
  const [[logged]] = pg.query(`SELECT count(DISTINCT charger_id) FROM charger_logs
      WHERE charger_id IN (${ids}) AND event = 'disconnected' AND detail = '${CLOSING}'`);
  assert.equal(Number(logged), N, 'charger logs with the closing line');
  const [[connected]] = pg.query(`SELECT count(*) FROM chargers WHERE id IN (${ids}) AND connected`);
  assert.equal(Number(connected), 0, 'no charger connected in the database');
}

test('SIGTERM: serve closes every websocket with 1001, logs it per charger, exits 0', async () => {
  const srv = await startServe({ db: pg.url });
  try {
    const created = await fleet(srv, 'SD_');
    await sigtermCloses(srv, created);
    assertDb(created);
    // the log is there over the API too, once serve is back
    const again = await startServe({ db: pg.url, port: srv.port });
    try {
      const r = await again.api('GET', `/ocpp/chargers/${created[0].charger_id}/logs`);
      assert.equal(r.status, 200);
      assert.ok(r.body.data.some(x => x.event === 'disconnected' && x.detail === CLOSING),
        JSON.stringify(r.body.data.slice(-3)));
    } finally {
      await again.stop();
    }
  } finally {
    if (srv.child.exitCode === null) await srv.kill();
  }
});

test('SIGTERM: a chargefleet worker closes its chargers with 1001 too', async () => {
  // serve takes none itself: the worker holds the fleet
  const srv = await startServe({ db: pg.url, extraArgs: ['--own-capacity', '0'] });
  let worker;
  try {
    worker = await startWorker({ db: pg.url });
    const created = await fleet(srv, 'SW_');
    await sigtermCloses(worker, created);
    await until(() => {
      try { assertDb(created); return true; } catch { return false; }
    }, { what: 'worker closing rows in the database', timeoutMs: 5000 });
    assertDb(created);
  } finally {
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await srv.stop();
  }
});
