// A charger whose provisioning step FAILED is not dead: its job stays FAILED with the
// reason, the charger keeps trying (reconnect backoff with jitter up to the cap, the
// CSMS's boot interval), says why while it waits, and turns READY when the CSMS accepts
// it later, across a serve restart too. POST /ocpp/commands/retry tries again at once.
// Against the strict ocpp-rpc peer; times are measured at the peer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, startPeer, startServe, startWorker, waitJob, group, createLocation, until, stopAll } from './harness.mjs';

const TIMEOUT = 3;
let pg, peer, srv, locationId;
const accept = new Set();           // identities the peer accepts now
const handshakes = new Map();       // identity -> Date.now() of every upgrade request
before(async () => {
  pg = await startPostgres();
  peer = await startPeer({
    boot: id => (id.startsWith('LATE_') && !accept.has(id) ? { status: 'Pending', interval: 1 }
                                                           : { status: 'Accepted', interval: 60 }),
    reject: hs => {
      const id = hs.identity;
      if (!handshakes.has(id)) handshakes.set(id, []);
      handshakes.get(id).push(Date.now());
      return /^(DOWN|SLOW|TAKE)_/.test(id) && !accept.has(id) ? 503 : 0;
    },
  });
  srv = await startServe({ db: pg.url, provisionTimeout: TIMEOUT, defaultWsUrl: peer.url });
  ({ locationId } = await createLocation(srv, peer.url));
});
after(() => stopAll({ srv, peer, pg }));

async function post(tmpl, id) {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group(tmpl, { charger_ids: [id] })] });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return r.body;
}

// The charger's row in its location's listing.
async function listed(identity) {
  const r = await srv.api('GET', `/ocpp/locations/${locationId}/chargers?limit=100`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.data.find(c => c.identity === identity);
}

async function command(name, body) {
  const r = await srv.api('POST', `/ocpp/commands/${name}`, { body });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const done = [];
  for (const q of r.body.results) {
    let doc;
    await until(async () => ['DONE', 'FAILED'].includes((doc = (await srv.api('GET', q.status_url)).body).status),
      { what: `${name} carried out` });
    done.push(doc);
  }
  return { queued: r.body, done };
}

const seen = id => (handshakes.get(id) ?? []).length;

test('Pending past the timeout: FAILED job, the reason shown while waiting, READY when accepted later', async () => {
  const job = await post({ identity_prefix: 'LATE_' }, '1');
  // while it waits, the listing says why (not null until the timeout)
  let row;
  await until(async () => (row = await listed('LATE_1'))?.error, { what: 'a reason while waiting', timeoutMs: 10000 });
  assert.match(row.error, /^BootNotification Pending at CSMS \(retry in 1 s\)$/);
  assert.notEqual(row.status, 'READY');
  const failed = await waitJob(srv, job.status_url);
  assert.equal(failed.status, 'FAILED', JSON.stringify(failed));
  assert.match(failed.results.failed[0].error, /BootNotification Pending at CSMS.*gave up after 3 s/);
  assert.equal(failed.results.failed[0].status, 'FAILED');
  const boots = peer.boots.get('LATE_1').length;
  // it keeps booting at the CSMS's interval after the step FAILED
  await until(() => peer.boots.get('LATE_1').length >= boots + 2, { what: 'boots after the timeout', timeoutMs: 10000 });
  row = await listed('LATE_1');
  assert.equal(row.status, 'FAILED');
  assert.match(row.error, /^BootNotification Pending at CSMS \(retry in 1 s\)$/);
  // the CSMS accepts it now: READY with no user action, the job stays FAILED
  accept.add('LATE_1');
  await until(async () => (row = await listed('LATE_1')).status === 'READY' && row.connected,
    { what: 'READY in the listing', timeoutMs: 15000 });
  assert.equal(row.error, null);
  assert.ok(row.ready_at);
  await until(() => (peer.statuses.get('LATE_1') ?? []).length >= 1, { what: 'StatusNotification after the boot' });
  const one = await srv.api('GET', `/ocpp/chargers/${row.charger_id}`);
  assert.equal(one.body.status, 'READY');
  assert.equal(one.body.error, null);
  const after = (await srv.api('GET', job.status_url)).body;
  assert.equal(after.status, 'FAILED', 'the job reported what happened within its window');
  assert.deepEqual(after.progress, { total: 1, pending: 0, provisioning: 0, ready: 0, failed: 1 });
  assert.equal(after.results.failed[0].status, 'READY', 'the late acceptance is noted');
  assert.ok(after.results.failed[0].ready_at);
  assert.match(after.results.failed[0].error, /gave up after 3 s/);
  assert.deepEqual(after.results.created, []);
});

test('an upgrade refused: reconnects spaced by growing, jittered delays up to the cap, past the timeout', async () => {
  const MIN = 200, MAX = 1600;
  const job = await post({ identity_prefix: 'DOWN_', reconnect: { backoff_min_ms: MIN, backoff_max_ms: MAX } }, '1');
  let row;
  await until(async () => (row = await listed('DOWN_1'))?.error, { what: 'a reason while waiting', timeoutMs: 10000 });
  assert.match(row.error, /^websocket handshake: HTTP 503 \(retry in \d+(\.\d)? s\)$/);
  const failed = await waitJob(srv, job.status_url);
  assert.equal(failed.status, 'FAILED');
  assert.match(failed.results.failed[0].error, /websocket handshake: HTTP 503.*gave up after 3 s/);
  // attempts go on after the step FAILED: 0.1-0.2, 0.2-0.4, 0.4-0.8, then 0.8-1.6 s
  await until(() => seen('DOWN_1') >= 9, { what: 'nine attempts', timeoutMs: 30000 });
  const t = handshakes.get('DOWN_1').slice(0, 9);
  const gaps = t.slice(1).map((x, i) => x - t[i]);
  const SLACK = 600;          // a loaded 2-core machine, the handshake itself
  gaps.forEach((g, i) => {
    const nominal = Math.min(MAX, MIN * 2 ** i);
    assert.ok(g >= nominal / 2 - 20 && g <= nominal + SLACK, `gap ${i}: ${g} ms, nominal ${nominal} ms (${gaps})`);
  });
  assert.ok(gaps[0] < 600 && gaps.slice(4).every(g => g >= MAX / 2 - 20), `they grow: ${gaps}`);
  // jitter: a delay is a random point of [nominal / 2, nominal]; with none every gap
  // would be the nominal delay plus the handshake
  const early = gaps.filter((g, i) => g < 0.9 * Math.min(MAX, MIN * 2 ** i));
  assert.ok(early.length >= 2, `jittered: ${gaps}`);
  const capped = gaps.slice(4);
  assert.ok(Math.max(...capped) - Math.min(...capped) > 30, `jittered at the cap: ${capped}`);
  row = await listed('DOWN_1');
  assert.equal(row.status, 'FAILED');
  assert.match(row.error, /^websocket handshake: HTTP 503 \(retry in \d+(\.\d)? s\)$/);
});

test('POST /ocpp/commands/retry on a charger, its location and its job: a new attempt at once', async () => {
  const job = await post({ identity_prefix: 'SLOW_', reconnect: { backoff_min_ms: 30000, backoff_max_ms: 60000 } }, '1');
  await until(() => seen('SLOW_1') >= 1, { what: 'the first attempt' });
  const done = await waitJob(srv, job.status_url);
  assert.equal(done.status, 'FAILED');
  const chargerId = done.results.failed[0].charger_id;
  const targets = [{ charger_id: chargerId }, { charger_id: 'SLOW_1' }, { location_id: locationId }, { job_id: job.job_id }];
  for (const target of targets) {
    await until(async () => (await listed('SLOW_1')).error?.includes('retry in'), { what: 'waiting', timeoutMs: 5000 });
    const n = seen('SLOW_1');
    const t0 = Date.now();
    const { done: results } = await command('retry', { target });
    const mine = results.find(d => d.charger_id === chargerId);
    assert.equal(mine.status, 'DONE', JSON.stringify(mine));
    assert.deepEqual(mine.result, { retried: true, status: 'connecting' });
    // the next backoff is 15-30 s away: the attempt comes well before
    await until(() => seen('SLOW_1') > n, { what: `an attempt after retry ${JSON.stringify(target)}`, timeoutMs: 5000 });
    assert.ok(Date.now() - t0 < 5000);
  }
  // a READY charger has nothing to retry: done, and the answer says so
  const ready = await listed('LATE_1');
  assert.equal(ready.status, 'READY');
  const { done: [r] } = await command('retry', { target: { charger_id: ready.charger_id } });
  assert.equal(r.status, 'DONE');
  assert.deepEqual(r.result, { retried: false, status: 'accepted' });
});

test('retry targets: a bad or unknown job or location is refused naming the field', async () => {
  const bad = async (body, status) => {
    const r = await srv.api('POST', '/ocpp/commands/retry', { body });
    assert.equal(r.status, status, JSON.stringify(r.body));
    return r.body.detail;
  };
  let d = await bad({ target: { job_id: 'nope' } }, 422);
  assert.deepEqual(d[0].loc, ['body', 'target', 'job_id']);
  d = await bad({ target: { job_id: '4a6e1a4c-0000-4000-8000-000000000000' } }, 404);
  assert.match(d, /job not found/);
  d = await bad({ target: { location_id: '4a6e1a4c-0000-4000-8000-000000000000' } }, 404);
  assert.match(d, /location not found/);
  d = await bad({ target: { charger_id: 'NO_SUCH' } }, 404);
  assert.match(d, /charger not found/);
  d = await bad({ target: { job_id: '4a6e1a4c-0000-4000-8000-000000000000', location_id: locationId } }, 422);
  assert.deepEqual(d[0].loc, ['body', 'target']);
  d = await bad({ target: { job_id: '4a6e1a4c-0000-4000-8000-000000000000', charger_ids: ['x'] } }, 422);
  assert.ok(d.some(e => e.loc.join('.') === 'body.target.charger_ids'), JSON.stringify(d));
  d = await bad({ target: { charger_id: 'SLOW_1' }, connector_id: 1 }, 422);
  assert.ok(d.some(e => e.loc.join('.') === 'body.connector_id'), JSON.stringify(d));
});

test('restart and start-runtime are carried out on a FAILED charger', async () => {
  const row = await listed('SLOW_1');
  assert.equal(row.status, 'FAILED');
  const n = seen('SLOW_1');
  const { done: [restart] } = await command('restart', { target: { charger_id: row.charger_id } });
  assert.equal(restart.status, 'DONE', JSON.stringify(restart));
  await until(() => seen('SLOW_1') > n, { what: 'an attempt after restart', timeoutMs: 5000 });
  const { done: [off] } = await command('stop-runtime', { target: { charger_id: row.charger_id } });
  assert.equal(off.status, 'DONE', JSON.stringify(off));
  const m = seen('SLOW_1');
  const { done: [on] } = await command('start-runtime', { target: { charger_id: row.charger_id } });
  assert.equal(on.status, 'DONE', JSON.stringify(on));
  await until(() => seen('SLOW_1') > m, { what: 'an attempt after start-runtime', timeoutMs: 5000 });
});

test('after a serve restart a FAILED charger is still retried, and READY once accepted', async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, srv.log);
  const n = seen('DOWN_1');
  srv = await startServe({ db: pg.url, provisionTimeout: TIMEOUT, defaultWsUrl: peer.url });
  await until(() => seen('DOWN_1') > n + 1, { what: 'attempts after the restart', timeoutMs: 20000 });
  assert.equal((await listed('DOWN_1')).status, 'FAILED');
  accept.add('DOWN_1');
  let row;
  await until(async () => (row = await listed('DOWN_1')).status === 'READY' && row.connected,
    { what: 'READY after the restart', timeoutMs: 20000 });
  assert.equal(row.error, null);
  const job = (await srv.api('GET', `/ocpp/locations/${locationId}/chargers/jobs/${row.job_id}`)).body;
  assert.equal(job.status, 'FAILED');
  assert.equal(job.results.failed[0].status, 'READY');
});

test('a dead runtime\'s FAILED charger is taken over by a worker and retried there', async () => {
  const job = await post({ identity_prefix: 'TAKE_', reconnect: { backoff_min_ms: 500, backoff_max_ms: 1000 } }, '1');
  assert.equal((await waitJob(srv, job.status_url)).status, 'FAILED');   // held by serve alone
  const worker = await startWorker({ db: pg.url });
  try {
    await srv.kill();                 // its lease (5 s) runs out: the worker takes over
    const n = seen('TAKE_1');
    await until(() => worker.log.includes('claimed') && seen('TAKE_1') > n + 1,
      { what: 'attempts from the worker', timeoutMs: 30000 });
    accept.add('TAKE_1');
    await until(() => peer.live.get('TAKE_1') === 1 && (peer.statuses.get('TAKE_1') ?? []).length >= 1,
      { what: 'accepted through the worker', timeoutMs: 15000 });
  } finally {
    srv = await startServe({ db: pg.url, provisionTimeout: TIMEOUT, defaultWsUrl: peer.url });
    await worker.stop();
  }
  let row;
  await until(async () => (row = await listed('TAKE_1'))?.status === 'READY', { what: 'READY', timeoutMs: 20000 });
  assert.equal(row.error, null);
  assert.equal((await srv.api('GET', job.status_url)).body.status, 'FAILED');
});

test('no frame failed strict validation', () => {
  assert.deepEqual(peer.failures, []);
});
