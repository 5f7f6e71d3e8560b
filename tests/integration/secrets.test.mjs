// Secrets at rest: basic-auth passwords (profile 1) and client private keys (profile 3)
// are sealed (AES-256-GCM) in the database under serve's key (made 0600 in its state
// directory on the first start), the chargers still authenticate at the strict peer,
// no key ever lies on disk (not while running, not after kill -9), serve killed and
// restarted opens them again, and a worker opens them with the key it is given — or
// fails those chargers saying why, without one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { startPostgres, startPeer, startServe, startWorker, waitJob, group, createLocation, until, makeCerts } from './harness.mjs';

const PASSWORD = 'pa55-word-5ecret-7f3a';
let pg, plain, secure, srv, dir, stateDir, pem, keyBody;
const seen = [];   // {identity, password, authorized}

before(async () => {
  dir = mkdtempSync('/tmp/cf-test-secrets-');
  stateDir = `${dir}/state`;
  pem = makeCerts(dir, 'SECRET3');
  // a line from the middle of the client key: what a leaked copy would contain
  const lines = pem('client.key').split('\n');
  keyBody = lines[Math.floor(lines.length / 2)];
  assert.ok(keyBody.length >= 40);
  const check = hs => {
    const entry = { identity: hs.identity, password: hs.password?.toString(), authorized: hs.request.client?.authorized };
    seen.push(entry);
    if (hs.identity.startsWith('SECRET3')) return entry.authorized ? 0 : 401;
    return entry.password === PASSWORD ? 0 : 401;
  };
  pg = await startPostgres();
  plain = await startPeer({ reject: check });
  secure = await startPeer({ reject: check, tls: { key: readFileSync(`${dir}/server.key`), cert: readFileSync(`${dir}/server.pem`), ca: readFileSync(`${dir}/ca.pem`) } });
});
after(async () => {
  try {
    if (srv && srv.child.exitCode === null) await srv.kill();
    await plain?.close();
    await secure?.close();
    await pg?.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const serve = (extra = []) => startServe({ db: pg.url, provisionTimeout: 10, extraArgs: ['--state-dir', stateDir, ...extra] });

async function post(locationId, tmpl, ids) {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group(tmpl, { charger_ids: ids })] });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return waitJob(srv, r.body.status_url);
}

// every file under the directories a charger's TLS material may be written to (and
// serve's state directory) that holds the client key
function keyCopies() {
  const found = [];
  const walk = d => {
    let names;
    try { names = readdirSync(d); } catch { return; }
    for (const n of names) {
      const p = `${d}/${n}`;
      let st;
      try { st = statSync(p); } catch { continue; }
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size < 1 << 20) {
        try { if (readFileSync(p, 'utf8').includes(keyBody)) found.push(p); } catch { /* gone meanwhile */ }
      }
    }
  };
  for (const n of readdirSync('/tmp')) if (n.startsWith('chargefleet')) walk(`/tmp/${n}`);
  walk(stateDir);
  return found;
}

const sealed = v => typeof v === 'string' && v.startsWith('cfsecret:v1:');

test('passwords and client keys are sealed in the database; the chargers still authenticate', async () => {
  srv = await serve();
  const { locationId } = await createLocation(srv, plain.url);
  const p1 = await post(locationId, { ws_url: plain.url, security_profile: 1, password: PASSWORD }, ['SECRET1']);
  assert.equal(p1.status, 'READY', JSON.stringify(p1));
  assert.equal(seen.find(s => s.identity === 'SECRET1').password, PASSWORD);
  const p3 = await post(locationId, { ws_url: secure.url, security_profile: 3, ca_pem: pem('ca.pem'),
    client_cert_pem: pem('client.pem'), client_key_pem: pem('client.key') }, ['SECRET3']);
  assert.equal(p3.status, 'READY', JSON.stringify(p3));
  assert.equal(seen.find(s => s.identity === 'SECRET3').authorized, true);

  // (psql gives lines: a PEM's newlines would split a row)
  const rows = pg.query(`SELECT identity, translate(basic_password, E'\\n', ' '), translate(client_key_pem, E'\\n', ' ')
    FROM chargers WHERE identity LIKE 'SECRET%' ORDER BY identity`);
  assert.equal(rows.length, 2);
  const [[, pw1], [, , key3]] = rows;
  assert.ok(sealed(pw1), `password stored as ${pw1.slice(0, 20)}...`);
  assert.ok(sealed(key3), `key stored as ${key3.slice(0, 20)}...`);
  // nothing of them anywhere in the database's text: the chargers, the jobs' plans
  const [[hits]] = pg.query(`SELECT count(*) FROM (SELECT c::text AS t FROM chargers c UNION ALL SELECT j::text FROM jobs j) x
    WHERE strpos(t, '${PASSWORD}') > 0 OR strpos(t, '${keyBody}') > 0 OR strpos(t, 'PRIVATE KEY') > 0`);
  assert.equal(Number(hits), 0, 'a secret in plaintext in the database');
  // a fresh nonce per value: the same password sealed twice differs
  const again = await post(locationId, { ws_url: plain.url, security_profile: 1, password: PASSWORD }, ['SECRET1B']);
  assert.equal(again.status, 'READY');
  const [[pw1b]] = pg.query(`SELECT basic_password FROM chargers WHERE identity = 'SECRET1B'`);
  assert.ok(sealed(pw1b) && pw1b !== pw1);
  // the key: made by serve on its first start, 0600 in its 0700 state directory
  assert.equal(statSync(`${stateDir}/secret-key`).mode & 0o777, 0o600, 'the key file is 0600');
  assert.equal(statSync(stateDir).mode & 0o777, 0o700);
});

test('no client key on disk, running or after kill -9; a restarted serve opens the secrets again', async () => {
  await until(() => plain.live.get('SECRET1') === 1 && secure.live.get('SECRET3') === 1, { what: 'connected' });
  assert.deepEqual(keyCopies(), [], 'the client key written to a file');
  // the CA and certificate files are in a private directory of this process
  const tlsDirs = pid => readdirSync('/tmp').filter(n => n.startsWith(`chargefleet-tls-${pid}-`));
  const killed = srv.child.pid;
  assert.equal(tlsDirs(killed).length, 1);
  assert.equal(statSync(`/tmp/${tlsDirs(killed)[0]}`).mode & 0o777, 0o700);
  await srv.kill('SIGKILL');
  assert.deepEqual(keyCopies(), [], 'a client key file left after kill -9');
  await until(() => !plain.live.get('SECRET1') && !secure.live.get('SECRET3'), { what: 'gone at the peers' });
  const before = { p1: seen.filter(s => s.identity === 'SECRET1').length, p3: seen.filter(s => s.identity === 'SECRET3').length };
  srv = await serve();   // the same state directory: the same key
  await until(() => plain.live.get('SECRET1') === 1 && secure.live.get('SECRET3') === 1,
    { what: 'reconnected after the restart', timeoutMs: 40000 });
  const p1 = seen.filter(s => s.identity === 'SECRET1').slice(before.p1);
  const p3 = seen.filter(s => s.identity === 'SECRET3').slice(before.p3);
  assert.ok(p1.length >= 1 && p1.every(s => s.password === PASSWORD), JSON.stringify(p1));
  assert.ok(p3.length >= 1 && p3.at(-1).authorized === true);
  assert.deepEqual(keyCopies(), []);
  // the killed process's directory went when the new one made its own
  assert.deepEqual(tlsDirs(killed), []);
  assert.equal(tlsDirs(srv.child.pid).length, 1);
  const r = await srv.stop();
  assert.deepEqual(r, { code: 0, signal: null }, srv.log);
});

test('a worker opens the secrets with --secret-key-file; without the key it fails them saying why', async () => {
  srv = await serve(['--own-capacity', '0', '--workers', '0']);
  const { locationId } = await createLocation(srv, plain.url, 'Worker site');
  // no key: CHARGEFLEET_SECRET_KEY is not set here, and the default state directory's
  // key (if any) is not this serve's
  let worker = await startWorker({ db: pg.url });
  const bad = await post(locationId, { ws_url: plain.url, security_profile: 1, password: PASSWORD }, ['SECRETW_NOKEY']);
  assert.equal(bad.status, 'FAILED');
  assert.match(bad.results.failed[0].error, /secret key/, JSON.stringify(bad.results));
  assert.ok(!seen.some(s => s.identity === 'SECRETW_NOKEY'), 'no connection without the password');
  assert.deepEqual(await worker.stop(), { code: 0, signal: null });

  worker = await startWorker({ db: pg.url, extraArgs: ['--secret-key-file', `${stateDir}/secret-key`] });
  try {
    const ok = await post(locationId, { ws_url: plain.url, security_profile: 1, password: PASSWORD }, ['SECRETW_KEY']);
    assert.equal(ok.status, 'READY', JSON.stringify(ok.results));
    assert.equal(seen.find(s => s.identity === 'SECRETW_KEY').password, PASSWORD);
  } finally {
    assert.deepEqual(await worker.stop(), { code: 0, signal: null });
    assert.deepEqual(await srv.stop(), { code: 0, signal: null });
  }
});

test("serve's local workers get the key from serve", async () => {
  srv = await serve(['--own-capacity', '0', '--workers', '1']);
  try {
    const { locationId } = await createLocation(srv, secure.url, 'Local workers');
    const ok = await post(locationId, { ws_url: secure.url, security_profile: 3, ca_pem: pem('ca.pem'),
      client_cert_pem: pem('client.pem'), client_key_pem: pem('client.key') }, ['SECRET3_LOCAL']);
    assert.equal(ok.status, 'READY', JSON.stringify(ok.results));
    assert.equal(seen.find(s => s.identity === 'SECRET3_LOCAL').authorized, true);
    assert.deepEqual(keyCopies(), []);
  } finally {
    assert.deepEqual(await srv.stop(), { code: 0, signal: null });
  }
});
