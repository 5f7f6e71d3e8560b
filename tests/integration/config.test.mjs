// How serve and worker are configured: --version, options from CHARGEFLEET_* variables
// and a --config file (command line over environment over file), the API token from a
// file or kept in the state directory, --log-format json, the log level switched by
// SIGUSR1 / SIGUSR2 while chargers run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, TOKEN, freePort, request, startPostgres, startPeer, startServe, startWorker,
  createLocation, group, waitJob, until, stopAll } from './harness.mjs';

let pg, peer, dir;
before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  dir = mkdtempSync(join(tmpdir(), 'cf-config-'));
});
after(async () => {
  await stopAll({ peer, pg });
  rmSync(dir, { recursive: true, force: true });
});

// Runs a command that is expected to end by itself.
function run(args, env = {}) {
  const r = spawnSync(BIN, args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// serve with only what the test gives (no --listen, no --api-token): resolves once
// GET /healthz answers on port.
async function serveAt(port, args, env = {}) {
  const child = spawn(BIN, ['serve', '--workers', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  child.stdout.on('data', d => { log += d; });
  child.stderr.on('data', d => { log += d; });
  const exited = new Promise(res => child.on('exit', (code, signal) => res({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  try {
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`serve exited (${child.exitCode}):\n${log}`);
      try { return (await request(base, 'GET', '/healthz', { token: null })).status === 200; } catch { return false; }
    }, { what: `serve on ${port}`, timeoutMs: 15000 });
  } catch (e) {
    child.kill('SIGKILL');      // not where it should be: do not leave it running
    throw new Error(`${e.message}\n${log}`);
  }
  return {
    base, get log() { return log; }, api: (m, p, o) => request(base, m, p, o),
    async stop() { child.kill('SIGTERM'); return exited; },
  };
}

test('--version names the version and commit that /healthz and chargefleet_build_info report', async () => {
  const v = run(['--version']);
  assert.equal(v.code, 0);
  const m = v.out.match(/^chargefleet (\d+\.\d+\.\d+) \(git ([0-9a-f]{12}(-dirty)?|unknown)\)\n$/);
  assert.ok(m, `--version printed: ${JSON.stringify(v.out)}`);
  assert.equal(run(['version']).out, v.out);
  const srv = await startServe({ db: pg.url });
  try {
    const h = await srv.api('GET', '/healthz', { token: null });
    assert.deepEqual({ ...h.body, default_ws_url: undefined }, { status: 'ok', version: m[1], revision: m[2],
      default_ws_url: undefined, builtin_csms: true });
    assert.match(h.body.default_ws_url, /^ws:\/\/127\.0\.0\.1:\d+\/ocpp$/);
    const metrics = (await srv.api('GET', '/metrics', { token: null })).body;
    assert.ok(metrics.includes(`chargefleet_build_info{version="${m[1]}",revision="${m[2]}"} 1\n`), metrics.slice(0, 400));
  } finally {
    assert.deepEqual(await srv.stop(), { code: 0, signal: null });
  }
});

test('options come from the command line over CHARGEFLEET_* over the --config file', async () => {
  const [pFile, pEnv, pFlag] = [await freePort(), await freePort(), await freePort()];
  const config = join(dir, 'serve.json');
  writeFileSync(config, JSON.stringify({ listen: `127.0.0.1:${pFile}`, 'api-token': 'from-file-token', db: pg.url, lease_seconds: 5 }));

  let srv = await serveAt(pFile, ['--config', config]);
  assert.equal((await srv.api('GET', '/ocpi/cpos', { token: 'from-file-token' })).status, 200);
  assert.deepEqual(await srv.stop(), { code: 0, signal: null });

  // the environment wins over the file; CHARGEFLEET_CONFIG names the file
  const env = { CHARGEFLEET_CONFIG: config, CHARGEFLEET_LISTEN: `127.0.0.1:${pEnv}`, CHARGEFLEET_API_TOKEN: 'from-env-token' };
  srv = await serveAt(pEnv, [], env);
  assert.equal((await srv.api('GET', '/ocpi/cpos', { token: 'from-env-token' })).status, 200);
  assert.equal((await srv.api('GET', '/ocpi/cpos', { token: 'from-file-token' })).status, 401);
  assert.deepEqual(await srv.stop(), { code: 0, signal: null });

  // the command line wins over both
  srv = await serveAt(pFlag, ['--listen', `127.0.0.1:${pFlag}`, '--api-token', 'from-flag-token'], env);
  assert.equal((await srv.api('GET', '/ocpi/cpos', { token: 'from-flag-token' })).status, 200);
  assert.equal((await srv.api('GET', '/ocpi/cpos', { token: 'from-env-token' })).status, 401);
  assert.deepEqual(await srv.stop(), { code: 0, signal: null });
});

test('a bad value, an unknown key or a duplicate key is refused, naming where it came from', () => {
  let r = run(['serve', '--db', pg.url], { CHARGEFLEET_CONNECT_RATE: 'fast' });
  assert.equal(r.code, 2);
  assert.match(r.err, /--connect-rate wants an integer/);
  assert.match(r.err, /came from CHARGEFLEET_CONNECT_RATE/);

  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"listne": "127.0.0.1:1"}');
  r = run(['serve', '--config', bad]);
  assert.equal(r.code, 2);
  assert.match(r.err, /'listne' is not an option of serve/);

  writeFileSync(bad, '{"capacity": 5, "capacity": 6}');
  r = run(['worker', '--config', bad]);
  assert.equal(r.code, 2);
  assert.match(r.err, /duplicate object key/);

  writeFileSync(bad, '{"capacity": 0}');
  r = run(['worker', '--config', bad, '--db', pg.url]);
  assert.equal(r.code, 2);
  assert.match(r.err, /--capacity wants an integer in 1\.\.10000000, got '0'/);
  assert.match(r.err, /key 'capacity' of --config/);

  r = run(['serve', '--no-such-option']);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown option '--no-such-option'/);
});

test('a port in use is one clear line, before anything starts (serve and csms)', async () => {
  const { createServer } = await import('node:net');
  const holder = createServer();
  const port = await freePort();
  await new Promise(res => holder.listen(port, '127.0.0.1', res));
  try {
    for (const args of [['serve', '--db', pg.url, '--listen', `127.0.0.1:${port}`], ['csms', '--listen', `127.0.0.1:${port}`]]) {
      const r = await new Promise(res => {
        const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', d => { out += d; });
        child.stderr.on('data', d => { out += d; });
        child.on('exit', code => res({ code, out }));
      });
      assert.equal(r.code, 1, r.out);
      assert.equal(r.out, `chargefleet: cannot listen on 127.0.0.1:${port}: Address already in use (another program has it: ` +
        (args[0] === 'serve' ? 'choose another address with --listen HOST:PORT, or PORT=8081 ./scripts/run)\n'
          : 'choose another with --listen HOST:PORT, or CSMS_PORT=9001 ./scripts/run)\n'));
    }
  } finally {
    holder.close();
  }
});

test('a worker takes its database and capacity from the environment and skips serve-only variables', async () => {
  const srv = await startServe({ db: pg.url, extraArgs: ['--own-capacity', '0'] });
  const w = await startWorkerEnv({ CHARGEFLEET_DB: pg.url, CHARGEFLEET_CAPACITY: '3', CHARGEFLEET_LISTEN: '127.0.0.1:1', CHARGEFLEET_LEASE_SECONDS: '5' });
  try {
    const { locationId } = await createLocation(srv, peer.url);
    const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({ identity_prefix: 'ENVW_' }, { chargers_number: 5 })] });
    assert.equal(r.status, 202);
    assert.match(w.log, /capacity 3\b/);
    await until(async () => (await srv.api('GET', r.body.status_url)).body.progress.ready === 3, { what: '3 READY' });
    await new Promise(res => setTimeout(res, 2500));      // claim rounds: the worker takes no more
    const held = pg.query(`SELECT count(*) FROM chargers WHERE identity LIKE 'ENVW\\_%' AND lease_owner IS NOT NULL`)[0][0];
    assert.equal(Number(held), 3, 'CHARGEFLEET_CAPACITY=3 bounds the worker');
  } finally {
    assert.deepEqual(await w.stop(), { code: 0, signal: null }, w.log);
    assert.deepEqual(await srv.stop(), { code: 0, signal: null });
  }
});

async function startWorkerEnv(env) {
  const child = spawn(BIN, ['worker'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  child.stdout.on('data', d => { log += d; });
  child.stderr.on('data', d => { log += d; });
  const exited = new Promise(res => child.on('exit', (code, signal) => res({ code, signal })));
  await until(() => log.includes('[orch] runtime') || child.exitCode !== null, { what: 'worker start' })
    .catch(e => { child.kill('SIGKILL'); throw e; });
  if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}):\n${log}`);
  return { get log() { return log; }, async stop() { child.kill('SIGTERM'); return exited; } };
}

test('the API token from --api-token-file, or kept in the state directory across restarts', async () => {
  const file = join(dir, 'token');
  writeFileSync(file, '  file-token-abc \n');
  let srv = await startServe({ db: pg.url, token: null, extraArgs: ['--api-token-file', file] });
  assert.equal((await srv.api('GET', '/ocpi/cpos', { token: 'file-token-abc' })).status, 200);
  assert.equal((await srv.api('GET', '/ocpi/cpos', { token: TOKEN })).status, 401);
  assert.deepEqual(await srv.stop(), { code: 0, signal: null });

  const state = join(dir, 'state');
  srv = await startServe({ db: pg.url, token: null, extraArgs: ['--state-dir', state] });
  const kept = join(state, 'api-token');
  const made = readFileSync(kept, 'utf8').trim();
  assert.equal(statSync(kept).mode & 0o777, 0o600);
  assert.ok(srv.log.includes(made), 'the new token is printed once');
  assert.equal((await srv.api('GET', '/ocpi/cpos', { token: made })).status, 200);
  assert.deepEqual(await srv.stop(), { code: 0, signal: null });

  srv = await startServe({ db: pg.url, token: null, extraArgs: ['--state-dir', state] });
  assert.equal((await srv.api('GET', '/ocpi/cpos', { token: made })).status, 200, 'the same token after a restart');
  assert.ok(!srv.log.includes(made), 'a kept token is not printed again');
  assert.match(srv.log, /the one kept in/);
  assert.deepEqual(await srv.stop(), { code: 0, signal: null });
});

test('--log-format json: one object a line; SIGUSR1 / SIGUSR2 switch debug on and off', async () => {
  const srv = await startServe({ db: pg.url, env: { CHARGEFLEET_LOG_FORMAT: 'json' } });
  try {
    const { locationId } = await createLocation(srv, peer.url);
    const boot = async id => {
      const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({}, { charger_ids: [id] })] });
      assert.equal(r.status, 202);
      assert.equal((await waitJob(srv, r.body.status_url)).status, 'READY');
    };
    const lines = () => srv.log.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l));
    const debugOf = id => lines().filter(o => o.identity === id && o.level === 'debug');

    await boot('LOGJ_1');
    assert.equal(debugOf('LOGJ_1').length, 0, 'info level: no frame lines');
    process.kill(srv.child.pid, 'SIGUSR1');
    await until(() => lines().some(o => o.message === 'SIGUSR1: log level debug'), { what: 'SIGUSR1 taken' });
    await boot('LOGJ_2');
    await until(() => debugOf('LOGJ_2').some(o => o.message.startsWith('BootNotification accepted')), { what: 'debug lines of LOGJ_2' });
    const frame = debugOf('LOGJ_2').find(o => o.message.startsWith('-> '));
    assert.ok(frame, 'the frames sent are logged at debug');
    assert.equal(frame.component, 'charger');
    assert.match(frame.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    process.kill(srv.child.pid, 'SIGUSR2');
    await until(() => lines().some(o => o.message === 'SIGUSR2: log level info'), { what: 'SIGUSR2 taken' });
    await boot('LOGJ_3');
    await new Promise(res => setTimeout(res, 500));
    assert.equal(debugOf('LOGJ_3').length, 0, 'back to info');
  } finally {
    assert.deepEqual(await srv.stop(), { code: 0, signal: null });
  }
  // everything serve wrote to stderr is JSON, one object a line, with the four keys
  const stderrLines = srv.log.split('\n').filter(l => l && !l.startsWith('chargefleet: '));
  assert.ok(stderrLines.length > 10);
  for (const l of stderrLines) {
    const o = JSON.parse(l);
    for (const k of ['time', 'level', 'component', 'message']) assert.ok(k in o, `${k} in ${l}`);
  }
});

test('without --default-ws-url serve runs the built-in CSMS, which ends with it; --builtin-csms off refuses', async () => {
  const off = await startServe({ db: pg.url, extraArgs: ['--builtin-csms', 'off'] });
  try {
    const h = (await off.api('GET', '/healthz', { token: null })).body;
    assert.equal(h.builtin_csms, false);
    assert.equal(h.default_ws_url, null);
    const r = await off.api('POST', '/ocpi/cpos', { body: { template: 'small-urban-ac', overrides: { locations: 1, chargers_per_location: 1 } } });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.deepEqual(r.body.detail[0].loc, ['body', 'ws_url']);
  } finally {
    assert.deepEqual(await off.stop(), { code: 0, signal: null });
  }
  assert.equal(run(['serve', '--builtin-csms', 'nowhere']).code, 2);
  const srv = await startServe({ db: pg.url });
  const csms = () => spawnSync('pgrep', ['-P', String(srv.child.pid), '-f', 'chargefleet csms'], { encoding: 'utf8' }).stdout.trim();
  await until(() => csms() !== '', { what: 'the built-in CSMS child' });
  const pid = Number(csms());
  const r = await srv.api('POST', '/ocpi/cpos', { body: { template: 'small-urban-ac', name_prefix: 'builtin', overrides: { locations: 1, chargers_per_location: 2 } } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job));
  // killed, serve cannot stop it: the pipe that is the CSMS's stdin closes, and it ends
  await srv.kill('SIGKILL');
  await until(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, { what: 'the built-in CSMS to end with serve' });
});
