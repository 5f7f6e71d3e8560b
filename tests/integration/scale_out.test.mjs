// Scale-out and load figures: serve with local worker processes (--workers), a worker
// killed with -9 in the middle of a job and serve killed with -9 (no charger lost or
// running twice, counted at the strict peer and in the database), GET /metrics in the
// Prometheus text format, boot latency percentiles in the job status, the global
// connect rate and source addresses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { BIN, freePort, startPostgres, startPeer, startServe, waitJob, group, createLocation, until, stopAll } from './harness.mjs';

const N = 600;
let pg, peer, srv, locationId, ids;

// samples of one metric: [{labels: {...}, value}]
function samples(text, name) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-z_]+)(?:\{(.*)\})? (\S+)$/);
    if (!m || m[1] !== name) continue;
    const labels = {};
    for (const l of (m[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}
const sum = (text, name, pred = () => true) =>
  samples(text, name).filter(s => pred(s.labels)).reduce((a, s) => a + s.value, 0);

async function metrics() {
  const r = await srv.api('GET', '/metrics', { token: null });
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  return typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
}

// one column of a query's rows, as text lines
const psql = sql => pg.query(sql).map(r => r[0]).join('\n');

const workerPids = log => [...log.matchAll(/worker (\d+) started \(pid (\d+)\)/g)].map(m => Number(m[2]));
const alive = pid => { try { process.kill(pid, 0); return true; } catch { return false; } };

before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url, workers: 2, extraArgs: ['--capacity', String(N)] });
  ({ locationId } = await createLocation(srv, peer.url));
});
after(async () => {
  const pids = workerPids(srv?.log ?? '');
  await stopAll({ srv, peer, pg });
  for (const pid of pids) assert.ok(!alive(pid), `worker ${pid} outlived serve`);
});

test('serve and two local workers run one job; each charger runs once', async () => {
  // the workers are up once their runtimes are known (they share the claims with them)
  await until(async () => samples(await metrics(), 'chargefleet_runtime_held').length === 3,
    { what: 'serve and two workers in /metrics', timeoutMs: 15000 });
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [group({ identity_prefix: 'S_' }, { chargers_number: N })],
  });
  assert.equal(r.status, 202);
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job.progress));
  ids = job.results.created.map(c => c.identity);
  assert.equal(ids.length, N);
  await until(() => ids.every(id => peer.live.get(id) === 1), { what: 'all connected once' });
  assert.equal(peer.maxLive, 1);
  for (const id of ids) assert.equal(peer.boots.get(id).length, 1, id);
  assert.deepEqual(peer.failures, []);

  // boot latency percentiles of the job: connect -> accepted, for every charger
  const lat = job.boot_latency_ms;
  assert.equal(lat.count, N);
  assert.ok(lat.p50 >= 0 && lat.p50 <= lat.p95 && lat.p95 <= lat.p99 && lat.p99 <= lat.max,
    JSON.stringify(lat));
  const ready = job.ready_after_ms;
  assert.ok(ready.p50 <= ready.p99 && ready.p99 <= ready.max && ready.max < 60000, JSON.stringify(ready));

  // three runtimes held the chargers: serve and both workers (each could take them all)
  const held = psql(`SELECT count(DISTINCT lease_owner) FROM chargers WHERE identity LIKE 'S\\_%'`);
  assert.equal(Number(held), 3, `the job was not spread over serve and its workers:\n${srv.log.split('\n').filter(l => /claimed|started|LISTEN/.test(l)).join('\n')}`);
});

test('GET /metrics: the fleet in the Prometheus text format', async () => {
  // every runtime's figures reach the database every second
  let text;
  await until(async () => {
    text = await metrics();
    return samples(text, 'chargefleet_runtime_held').length === 3 &&
      sum(text, 'chargefleet_runtime_held') === N &&
      sum(text, 'chargefleet_boot_latency_seconds_count') >= N;
  }, { what: 'three runtimes holding every charger', timeoutMs: 15000 });
  assert.equal(sum(text, 'chargefleet_database_up'), 1);
  assert.equal(sum(text, 'chargefleet_chargers', l => l.status === 'READY'), N);
  assert.equal(sum(text, 'chargefleet_chargers_connected'), N);
  assert.equal(sum(text, 'chargefleet_runtime_chargers', l => l.state === 'accepted'), N);
  assert.equal(sum(text, 'chargefleet_boots_total', l => l.result === 'accepted'), N);
  assert.equal(sum(text, 'chargefleet_connections_total'), N);
  // a histogram: cumulative buckets ending in +Inf = count, per runtime
  for (const { labels, value } of samples(text, 'chargefleet_boot_latency_seconds_count')) {
    const buckets = samples(text, 'chargefleet_boot_latency_seconds_bucket').filter(s => s.labels.runtime === labels.runtime);
    const values = buckets.map(b => b.value);
    assert.deepEqual(values, [...values].sort((a, b) => a - b), 'buckets are cumulative');
    assert.equal(buckets.at(-1).labels.le, '+Inf');
    assert.equal(buckets.at(-1).value, value);
  }
  // frames by direction and action: each charger sent a BootNotification and had it answered
  assert.equal(sum(text, 'chargefleet_frames_total', l => l.direction === 'out' && l.action === 'BootNotification'), N);
  assert.equal(sum(text, 'chargefleet_frames_total', l => l.direction === 'in' && l.action === 'BootNotification'), N);
  assert.ok(sum(text, 'chargefleet_frames_total', l => l.direction === 'out' && l.action === 'StatusNotification') >= N);
  assert.ok(sum(text, 'chargefleet_db_statements_total') > 0);
  assert.ok(samples(text, 'chargefleet_db_latency_seconds_bucket').length > 0);
  assert.ok(samples(text, 'chargefleet_queue_depth').some(s => s.labels.queue === 'connect_wait'));
  for (const name of ['chargefleet_connections_total', 'chargefleet_boot_latency_seconds',
    'chargefleet_frames_total', 'chargefleet_call_errors_total', 'chargefleet_queue_depth'])
    assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'));
});

test('CallErrors are counted by direction and code, the CSMS\'s code escaped', async () => {
  const id = ids[0];
  // a call the charger does not implement: it answers NotImplemented (out)
  const answer = await peer.rawCall(id, 'CostUpdated', { totalCost: 1, transactionId: '1' });
  assert.equal(answer[0], 4);
  let text;
  await until(async () => {
    text = await metrics();
    return sum(text, 'chargefleet_call_errors_total', l => l.direction === 'out') >= 1;
  }, { what: 'the CallError counted', timeoutMs: 15000 });
  assert.ok(samples(text, 'chargefleet_call_errors_total').some(s => s.labels.direction === 'out' &&
    ['NotImplemented', 'NotSupported'].includes(s.labels.code)), text);
});

test('a worker killed with -9 mid-job: its chargers move, none lost or twice', async () => {
  // connect_rate stretches the job over 4 s: the kill lands in its middle
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers?connect_rate=50`, {
    body: [group({ identity_prefix: 'K_' }, { chargers_number: 200 })],
  });
  assert.equal(r.status, 202);
  // kill a worker as soon as one holds chargers of this job
  const workers = workerPids(srv.log).filter(alive);
  let victim;
  await until(() => {
    const held = psql(`SELECT DISTINCT r.pid FROM chargers c JOIN runtimes r ON r.owner = c.lease_owner
      WHERE c.identity LIKE 'K\\_%'`).split('\n').map(Number);
    victim = workers.find(pid => held.includes(pid));
    return victim !== undefined;
  }, { what: 'a worker holding chargers of the job', timeoutMs: 20000 });
  const lost = psql(`SELECT c.identity FROM chargers c JOIN runtimes r ON r.owner = c.lease_owner WHERE r.pid = ${victim}`).split('\n').filter(Boolean);
  assert.ok(lost.length > 0, 'the worker held nothing');
  const bootsBefore = new Map(lost.map(id => [id, (peer.boots.get(id) ?? []).length]));
  const mid = await srv.api('GET', r.body.status_url);
  assert.notEqual(mid.body.status, 'READY', 'the job was over before the kill');
  process.kill(victim, 'SIGKILL');
  const killedAt = Date.now();

  const job = await waitJob(srv, r.body.status_url, { timeoutMs: 90000 });
  assert.equal(job.status, 'READY', JSON.stringify(job.progress));
  const all = [...ids, ...job.results.created.map(c => c.identity)];
  // within about two lease periods (5 s) the chargers it held are back, each booted again
  await until(() => all.every(id => peer.live.get(id) === 1), { what: 'every charger connected', timeoutMs: 30000 });
  const took = (Date.now() - killedAt) / 1000;
  assert.ok(took < 25, `took ${took} s`);
  for (const id of lost)
    assert.ok(peer.boots.get(id).length > bootsBefore.get(id) || bootsBefore.get(id) === 0, `${id} did not boot again`);
  assert.equal(peer.maxLive, 1, 'a charger ran twice at once');
  assert.equal(psql(`SELECT count(*) FROM chargers WHERE status = 'READY'`), String(N + 200));
  assert.equal(psql(`SELECT count(*) FROM chargers WHERE status <> 'READY'`), '0');
  assert.equal(psql(`SELECT count(DISTINCT identity) FROM chargers`), String(N + 200));
  // serve started the worker again
  await until(() => workerPids(srv.log).length >= 3, { what: 'the worker restarted', timeoutMs: 10000 });
  assert.match(srv.log, /worker \d \(pid \d+\) killed by signal 9/);
  assert.deepEqual(peer.failures, []);
});

test('serve killed with -9 mid-job: its workers stop, a new serve finishes the job', async () => {
  const pids = workerPids(srv.log).filter(alive);
  assert.ok(pids.length >= 2, `workers alive: ${pids}`);
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers?connect_rate=60`, {
    body: [group({ identity_prefix: 'M_' }, { chargers_number: 300 })],
  });
  assert.equal(r.status, 202);
  await until(() => [...peer.boots.keys()].some(id => id.startsWith('M_')), { what: 'the job started' });
  await srv.kill('SIGKILL');
  const booted = [...peer.boots.keys()].filter(id => id.startsWith('M_')).length;
  assert.ok(booted < 300, `the job was over before the kill (${booted} booted)`);
  await until(() => pids.every(pid => !alive(pid)), { what: 'the workers stopped with serve', timeoutMs: 20000 });
  const total = N + 200 + 300;
  srv = await startServe({ db: pg.url, workers: 2, extraArgs: ['--capacity', String(total)] });
  const job = await waitJob(srv, r.body.status_url, { timeoutMs: 90000 });
  assert.equal(job.status, 'READY', JSON.stringify(job.progress));
  const all = psql('SELECT identity FROM chargers').split('\n');
  assert.equal(all.length, total);
  assert.equal(new Set(all).size, total, 'an identity twice in the database');
  await until(() => all.every(id => peer.live.get(id) === 1), { what: 'every charger back', timeoutMs: 40000 });
  assert.equal(peer.maxLive, 1, 'a charger ran twice at once');
  assert.equal(psql(`SELECT count(*) FROM chargers WHERE status = 'READY'`), String(total));
  assert.deepEqual(peer.failures, []);
});

test('a job\'s connect_rate paces its chargers across serve and the workers', async () => {
  const bad = await srv.api('POST', `/ocpp/locations/${locationId}/chargers?connect_rate=0`, {
    body: [group({ identity_prefix: 'B_' }, { chargers_number: 5 })],
  });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.body.detail[0].loc, ['query', 'connect_rate']);
  assert.equal(psql(`SELECT count(*) FROM chargers WHERE identity LIKE 'B\\_%'`), '0');

  const from = peer.connectTimes.length;
  const t0 = Date.now();
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers?connect_rate=20`, {
    body: [group({ identity_prefix: 'P_' }, { chargers_number: 60 })],
  });
  assert.equal(r.status, 202);
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job.progress));
  const took = (Date.now() - t0) / 1000;
  assert.ok(took >= 2.8, `60 chargers at 20/s were READY in ${took} s`);
  const times = peer.connectTimes.slice(from);
  assert.equal(times.length, 60);
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  assert.ok(peak <= 22, `peak ${peak} connections in one second`);
  assert.ok(job.ready_after_ms.max >= 2800, JSON.stringify(job.ready_after_ms));
});

test('--connect-rate caps new connections per second; --source-addresses spreads them', async () => {
  const pg2 = await startPostgres();
  const peer2 = await startPeer();
  const srv2 = await startServe({ db: pg2.url, extraArgs: ['--connect-rate', '40', '--source-addresses', '127.0.0.2-127.0.0.4'] });
  try {
    const { locationId: loc } = await createLocation(srv2, peer2.url);
    const t0 = Date.now();
    const r = await srv2.api('POST', `/ocpp/locations/${loc}/chargers`, {
      body: [group({ identity_prefix: 'R_' }, { chargers_number: 120 })],
    });
    assert.equal(r.status, 202);
    const job = await waitJob(srv2, r.body.status_url);
    assert.equal(job.status, 'READY');
    const took = (Date.now() - t0) / 1000;
    assert.ok(took >= 2.5, `120 chargers at 40/s were READY in ${took} s`);
    // no second of connections above the cap (plus its tenth-of-a-second burst)
    const times = peer2.connectTimes;
    let peak = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] >= 1000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    assert.ok(peak <= 46, `peak ${peak} connections in one second`);
    const text = (await srv2.api('GET', '/metrics', { token: null })).body;
    const reported = sum(text, 'chargefleet_connections_peak_per_second');
    assert.ok(reported >= 1 && reported <= 46, `reported peak ${reported}`);
    const from = new Set(job.results.created.map(c => peer2.addresses.get(c.identity)));
    assert.deepEqual([...from].sort(), ['127.0.0.2', '127.0.0.3', '127.0.0.4']);
  } finally {
    await stopAll({ srv: srv2, peer: peer2, pg: pg2 });
  }
});

test('chargers stopped while their handshake is in flight close at once (no stuck stop)', async () => {
  // the CSMS holds every handshake 2 s; serve is stopped in the middle of them
  const pg2 = await startPostgres();
  const peer2 = await startPeer({ authDelayMs: () => 2000 });
  const srv2 = await startServe({ db: pg2.url });
  try {
    const { locationId: loc } = await createLocation(srv2, peer2.url);
    const r = await srv2.api('POST', `/ocpp/locations/${loc}/chargers`, {
      body: [group({ identity_prefix: 'H_' }, { chargers_number: 20 })],
    });
    assert.equal(r.status, 202);
    await until(() => (peer2.handshakes ?? 0) >= 20, { what: 'every handshake waiting at the CSMS' });
    const t0 = Date.now();
    const exit = await srv2.stop();
    const took = Date.now() - t0;
    assert.deepEqual(exit, { code: 0, signal: null }, srv2.log);
    // the held handshakes complete after the stop: they must not keep serve waiting
    assert.ok(took < 10000, `stop took ${took} ms:\n${srv2.log}`);
    assert.doesNotMatch(srv2.log, /did not close within/);
  } finally {
    await stopAll({ srv: srv2, peer: peer2, pg: pg2 });
  }
});

test('the built-in CSMS as a sink: two ports dealt out over two processes', async () => {
  const [p1, p2] = [await freePort(), await freePort()];
  const sink = spawn(BIN, ['csms', '--listen', `127.0.0.1:${p1}`, '--listen', `127.0.0.1:${p2}`,
    '--processes', '2', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  sink.stdout.on('data', d => { out += d; });
  sink.stderr.on('data', d => { out += d; });
  const exited = new Promise(r => sink.on('exit', (code, signal) => r({ code, signal })));
  const pg2 = await startPostgres();
  const srv2 = await startServe({ db: pg2.url });
  try {
    await until(() => (out.match(/listening on/g) ?? []).length === 2, { what: 'both ports listening' });
    const pids = [...out.matchAll(/\(process (\d), pid (\d+)\)/g)].map(m => Number(m[2]));
    assert.equal(new Set(pids).size, 2, out);
    const { locationId: loc } = await createLocation(srv2, `ws://127.0.0.1:${p1}/ocpp`);
    const r = await srv2.api('POST', `/ocpp/locations/${loc}/chargers`, {
      body: [group({ identity_prefix: 'A_', ws_url: `ws://127.0.0.1:${p1}/ocpp` }, { chargers_number: 10 }),
        group({ identity_prefix: 'B_', ws_url: `ws://127.0.0.1:${p2}/ocpp` }, { chargers_number: 10 })],
    });
    assert.equal(r.status, 202);
    assert.equal((await waitJob(srv2, r.body.status_url)).status, 'READY');
    // SIGTERM to the first process ends the other one too, cleanly
    sink.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 0, signal: null }, out);
    await until(() => pids.every(pid => { try { process.kill(pid, 0); return false; } catch { return true; } }),
      { what: 'both sink processes gone', timeoutMs: 10000 });
  } finally {
    sink.kill('SIGKILL');
    await stopAll({ srv: srv2, pg: pg2 });
  }
});

test('bad scale-out options are refused with a clear message', () => {
  for (const [args, msg] of [
    [['--workers', '-1'], /--workers wants an integer in 0\.\.256/],
    [['--source-addresses', '127.0.0.9-127.0.0.2'], /not a range of IPv4 addresses/],
    [['--source-addresses', 'nope'], /'nope' is not an IP address/],
    [['--source-addresses', '192.0.2.1'], /cannot connect from 192\.0\.2\.1/],
    [['--connect-rate', 'fast'], /--connect-rate wants an integer/],
  ]) {
    let out = '';
    try {
      execFileSync(BIN, ['serve', ...args], { encoding: 'utf8', stdio: 'pipe' });
      assert.fail(`${args} accepted`);
    } catch (e) {
      out = String(e.stderr);
      assert.equal(e.status, 2, out);
    }
    assert.match(out, msg);
  }
});
