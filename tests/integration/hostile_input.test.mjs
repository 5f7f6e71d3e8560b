// Hostile input (issue 23): the corpus of hostile/corpus.jsonl (made by hostile/make.mjs)
// replayed against a real serve + PostgreSQL: every request is a 4xx with a `detail`,
// serve keeps answering, and no table changes. Then what the corpus stands on: ca_file
// only inside --ca-dir, --allow-ws-hosts at start, URL-safe identities.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, symlinkSync, rmSync, chmodSync } from 'node:fs';
import { BIN, TOKEN, request, startPostgres, startPeer, startServe, waitJob, group, createLocation, stopAll, until, AC16 } from './harness.mjs';

const corpus = readFileSync(new URL('hostile/corpus.jsonl', import.meta.url), 'utf8').trim().split('\n').map(l => JSON.parse(l));
const MISSING = '4a6e1a4c-0000-4000-8000-00000000dead';
let pg, peer, srv, dir, caDir, ids = {};

before(async () => {
  dir = mkdtempSync('/tmp/cf-test-hostile-');
  chmodSync(dir, 0o755);
  caDir = `${dir}/ca`;
  mkdirSync(caDir);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-keyout', `${dir}/key.pem`,
    '-out', `${dir}/outside.pem`, '-subj', '/CN=127.0.0.1'], { stdio: 'pipe' });
  writeFileSync(`${caDir}/good.pem`, readFileSync(`${dir}/outside.pem`));
  writeFileSync(`${caDir}/notpem.pem`, 'this is not a certificate\n');
  symlinkSync(`${dir}/outside.pem`, `${caDir}/escape.pem`);     // a link out of the dir
  symlinkSync(`${caDir}/good.pem`, `${caDir}/link.pem`);        // a link inside it
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url, extraArgs: ['--ca-dir', caDir, '--allow-ws-hosts', '127.0.0.0/8, ::1'] });
  const { cpoId, locationId } = await createLocation(srv, peer.url);
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group(AC16, { charger_ids: ['H16'] })] });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job));
  await until(() => peer.live.get('H16') === 1, { what: 'H16 connected' });
  ids = { cpo_id: cpoId, location_id: locationId, charger_id: job.results.created[0].charger_id,
    missing: MISSING, ws: peer.url, ca_dir: caDir };
});
after(async () => {
  try { await stopAll({ srv, peer, pg }); } finally { rmSync(dir, { recursive: true, force: true }); }
});

const fill = s => s.replace(/\{(location_id|cpo_id|charger_id|missing|ws|ca_dir)\}/g, (_, k) => ids[k]);

// Every table's rows, as one digest each. Left out: charger_logs (the frames and
// connection events of the running charger H16: its heartbeats add rows) and runtimes
// (each runtime renews its lease row every few seconds). The chargers table is kept:
// a connected, accepted charger's row does not change by itself.
const SKIP = new Set(['charger_logs', 'runtimes']);
function snapshot() {
  const tables = pg.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").map(r => r[0]);
  const digest = {};
  for (const t of tables.filter(t => !SKIP.has(t)))
    digest[t] = pg.query(`SELECT count(*) || ':' || COALESCE(md5(string_agg(t::text, ',' ORDER BY t::text)), '-') FROM ${t} t`)[0][0];
  return digest;
}

test('the hostile corpus: every request a 4xx with detail, serve alive, no table changed', { timeout: 600000 }, async () => {
  assert.ok(corpus.length >= 200, `${corpus.length} requests`);
  const before = snapshot();
  assert.ok(Object.keys(before).includes('chargers') && Object.keys(before).includes('commands'), JSON.stringify(before));
  const wrong = [];
  for (let i = 0; i < corpus.length; i++) {
    const e = corpus[i];
    const opts = { headers: e.headers ?? {} };
    if (e.token !== undefined) opts.token = e.token;
    if (e.raw_b64 !== undefined) opts.rawBody = Buffer.from(fill(Buffer.from(e.raw_b64, 'base64').toString('latin1')), 'latin1');
    else if (e.raw !== undefined) opts.rawBody = fill(e.raw);
    else if (e.body !== undefined) opts.rawBody = fill(JSON.stringify(e.body));
    let r;
    try {
      r = await request(srv.base, e.method, fill(e.path), opts);
    } catch (err) {
      // closed_ok: libwebsockets closes on a %00 inside the URI before serve sees it
      if (!(e.closed_ok && err.code === 'ECONNRESET')) wrong.push(`#${e.id} ${e.name}: ${err.message}`);
      continue;
    }
    // OCPI routes answer in OCPI's envelope: its status_message is their detail (a path
    // that '..' moved off them is our own 404)
    const detail = r.body && typeof r.body === 'object' ? r.body.detail ?? (e.ocpi ? r.body.status_message : undefined) : undefined;
    if (r.status < 400 || r.status > 499 || detail === undefined ||
        (e.field && !JSON.stringify(detail).includes(e.field)))
      wrong.push(`#${e.id} ${e.name}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    if (i % 25 === 24 || i === corpus.length - 1) {
      const h = await srv.api('GET', '/healthz', { token: null });
      assert.equal(h.status, 200, `serve answers /healthz after request #${e.id}`);
    }
  }
  assert.deepEqual(wrong, [], `${wrong.length} of ${corpus.length} requests not refused as they should be`);
  assert.deepEqual(snapshot(), before, 'no table changed');
  assert.equal(srv.child.exitCode, null, 'serve still runs');
});

test('ca_file: a PEM file inside --ca-dir is kept by its canonical path; inline ca_pem needs no dir', async () => {
  const post = (id, tmpl) => srv.api('POST', `/ocpp/locations/${ids.location_id}/chargers`,
    { body: [group({ ...AC16, ws_url: 'wss://127.0.0.1:1/', ...tmpl }, { charger_ids: [id] })] });
  const r = await post('CA_LINK', { ca_file: `${caDir}/./link.pem` });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const job = await waitJob(srv, r.body.status_url, { timeoutMs: 5000 }).catch(() => null);
  const row = pg.query("SELECT ca_file FROM chargers WHERE identity = 'CA_LINK'");
  assert.deepEqual(row, [[`${caDir}/good.pem`]], JSON.stringify(job));
  const inline = await post('CA_INLINE', { ca_pem: readFileSync(`${dir}/outside.pem`, 'utf8') });
  assert.equal(inline.status, 202, JSON.stringify(inline.body));
  // a ca_file is for a wss:// CSMS
  const plain = await post('CA_WS', { ws_url: peer.url, ca_file: `${caDir}/good.pem` });
  assert.equal(plain.status, 422);
  assert.deepEqual(plain.body.detail[0].loc, ['body', 0, 'template', 'ca_file']);
});

test('serve without --ca-dir refuses every ca_file, saying to use ca_pem or ask for --ca-dir', async () => {
  const other = await startServe({ db: pg.url, extraArgs: ['--own-capacity', '0'] });
  try {
    const r = await other.api('POST', `/ocpp/locations/${ids.location_id}/chargers`,
      { body: [group({ ...AC16, ws_url: 'wss://127.0.0.1:1/', ca_file: `${caDir}/good.pem` }, { charger_ids: ['NODIR'] })] });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.deepEqual(r.body.detail[0].loc, ['body', 0, 'template', 'ca_file']);
    assert.match(r.body.detail[0].msg, /ca_pem.*--ca-dir/);
    const u = await other.api('PUT', `/ocpp/chargers/${ids.charger_id}`, { body: { ca_file: '/etc/shadow' } });
    assert.equal(u.status, 422, JSON.stringify(u.body));
    assert.deepEqual(u.body.detail[0].loc, ['body', 'ca_file']);
  } finally {
    await other.stop();
  }
});

test('--allow-ws-hosts: a bad entry or a default ws_url it does not allow stops serve at start', () => {
  const run = args => spawnSync(BIN, ['serve', '--db', pg.url, '--api-token', TOKEN, '--listen', '127.0.0.1:1', ...args], { encoding: 'utf8', timeout: 20000 });
  const bad = run(['--allow-ws-hosts', '127.0.0.0/33']);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /--allow-ws-hosts: '127.0.0.0\/33' is not/);
  const def = run(['--allow-ws-hosts', 'csms.example.com', '--default-ws-url', 'ws://169.254.169.254/ocpp']);
  assert.equal(def.status, 2, def.stderr);
  assert.match(def.stderr, /default ws_url ws:\/\/169\.254\.169\.254\/ocpp names a host --allow-ws-hosts does not allow/);
  const builtin = run(['--allow-ws-hosts', '10.0.0.0/8']);   // the built-in CSMS is on 127.0.0.1
  assert.equal(builtin.status, 2, builtin.stderr);
  assert.match(builtin.stderr, /default ws_url ws:\/\/127\.0\.0\.1:\d+\/ocpp names a host/);
  const nodir = run(['--ca-dir', `${dir}/nowhere`]);
  assert.equal(nodir.status, 2, nodir.stderr);
  assert.match(nodir.stderr, /--ca-dir .*nowhere: not a directory/);
});

test('--allow-ws-hosts: listed IPv4 / IPv6 CIDRs are accepted, on create and on PUT', async () => {
  const post = (id, ws) => srv.api('POST', `/ocpp/locations/${ids.location_id}/chargers`,
    { body: [group({ ...AC16, ws_url: ws }, { charger_ids: [id] })] });
  for (const [id, ws] of [['ALLOW_V4', 'ws://127.9.9.9:1/ocpp'], ['ALLOW_V6', 'ws://[::1]:1/ocpp'], ['ALLOW_MAPPED', 'ws://[::ffff:127.0.0.1]:1/']]) {
    const r = await post(id, ws);
    assert.equal(r.status, 202, `${ws}: ${JSON.stringify(r.body)}`);
  }
  const refused = await post('REFUSED', 'ws://127.0.0.1.nip.io/');
  assert.equal(refused.status, 422);
  assert.match(refused.body.detail[0].msg, /--allow-ws-hosts 127\.0\.0\.0\/8, ::1/);
  const put = await srv.api('PUT', `/ocpp/chargers/${ids.charger_id}`, { body: { ws_url: 'ws://[fe80::1]/' } });
  assert.equal(put.status, 422);
  assert.deepEqual(put.body.detail[0].loc, ['body', 'ws_url']);
});

test('identities: every URL-safe character is accepted, 48 at most', async () => {
  const id = 'Az09-._~' + 'x'.repeat(40);
  const r = await srv.api('POST', `/ocpp/locations/${ids.location_id}/chargers`,
    { body: [group({ ...AC16, ws_url: 'ws://127.0.0.1:1/' }, { charger_ids: [id] })] });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const long = await srv.api('POST', `/ocpp/locations/${ids.location_id}/chargers`,
    { body: [group({ ...AC16, ws_url: 'ws://127.0.0.1:1/' }, { charger_ids: [id + 'y'] })] });
  assert.equal(long.status, 422);
  assert.deepEqual(long.body.detail[0].loc, ['body', 0, 'charger_ids', 0]);
});
