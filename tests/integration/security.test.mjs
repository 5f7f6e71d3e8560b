// OCPP security profiles with real certificates made here (a CA, the CSMS's server
// certificate, a client certificate): 1 basic auth over ws://, 2 TLS + basic auth,
// 3 TLS with a client certificate. The peer checks what it receives; secrets are never
// shown by the API; bad templates are refused naming the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { startPostgres, startPeer, startServe, waitJob, group, createLocation, stopAll, makeCerts } from './harness.mjs';

let pg, plain, secure, srv, locationId, dir, pem;
const seen = [];   // {identity, password, cert}


before(async () => {
  dir = mkdtempSync('/tmp/cf-test-sec-');
  pem = makeCerts(dir, 'SEC3_A');
  // the peers remember what each charger presented; a wrong password is a 401
  const check = hs => {
    const cert = hs.request.socket.getPeerCertificate?.();
    const entry = { identity: hs.identity, password: hs.password?.toString(),
      cert: cert && cert.subject ? cert.subject.CN : undefined, authorized: hs.request.client?.authorized };
    seen.push(entry);
    if (hs.identity.startsWith('SEC3') && !entry.authorized) return 401;
    if ((hs.identity.startsWith('SEC1') || hs.identity.startsWith('SEC2')) && entry.password !== 'pa55-word') return 401;
    return 0;
  };
  pg = await startPostgres();
  plain = await startPeer({ reject: check });
  secure = await startPeer({ reject: check, tls: { key: readFileSync(`${dir}/server.key`), cert: readFileSync(`${dir}/server.pem`), ca: readFileSync(`${dir}/ca.pem`) } });
  srv = await startServe({ db: pg.url, provisionTimeout: 5 });
  ({ locationId } = await createLocation(srv, plain.url));
});
after(async () => {
  try { await stopAll({ srv, peer: plain, pg }); await secure?.close(); } finally { rmSync(dir, { recursive: true, force: true }); }
});

async function post(tmpl, extra = { chargers_number: 1 }) {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group(tmpl, extra)] });
  if (r.status !== 202) return r;
  return waitJob(srv, r.body.status_url);
}

test('profile 1: basic auth over ws:// (identity and password); a wrong password is a precise failure', async () => {
  const ok = await post({ ws_url: plain.url, security_profile: 1, password: 'pa55-word' }, { charger_ids: ['SEC1_OK'] });
  assert.equal(ok.status, 'READY', JSON.stringify(ok));
  assert.deepEqual(seen.find(s => s.identity === 'SEC1_OK').password, 'pa55-word');
  const bad = await post({ ws_url: plain.url, security_profile: 1, password: 'wrong' }, { charger_ids: ['SEC1_BAD'] });
  assert.equal(bad.status, 'FAILED');
  assert.match(bad.results.failed[0].error, /websocket handshake: HTTP 401/);
  // the API never shows the password
  const c = (await srv.api('GET', `/ocpp/chargers/${ok.results.created[0].charger_id}`)).body;
  assert.deepEqual(c.security, { profile: 1, password_set: true, ca_pem_set: false, client_cert_set: false });
  const all = JSON.stringify((await srv.api('GET', `/ocpp/locations/${locationId}/chargers`)).body);
  assert.ok(!all.includes('pa55-word') && !all.includes('wrong'));
});

test('profile 2: TLS (the CA given as PEM) and basic auth', async () => {
  const job = await post({ ws_url: secure.url, security_profile: 2, password: 'pa55-word', ca_pem: pem('ca.pem'), ocpp_version: 'OCPP2.0.1' },
    { charger_ids: ['SEC2_OK'] });
  assert.equal(job.status, 'READY', JSON.stringify(job));
  assert.equal(seen.find(s => s.identity === 'SEC2_OK').password, 'pa55-word');
  assert.deepEqual(secure.failures, []);
});

test('profile 3: TLS with a client certificate; without one the CSMS refuses', async () => {
  const job = await post({ ws_url: secure.url, security_profile: 3, ca_pem: pem('ca.pem'),
    client_cert_pem: pem('client.pem'), client_key_pem: pem('client.key') }, { charger_ids: ['SEC3_A'] });
  assert.equal(job.status, 'READY', JSON.stringify(job));
  const s = seen.find(x => x.identity === 'SEC3_A');
  assert.equal(s.cert, 'SEC3_A');
  assert.equal(s.authorized, true);
  assert.equal(s.password, undefined, 'no basic auth in profile 3');
  const c = (await srv.api('GET', `/ocpp/chargers/${job.results.created[0].charger_id}`)).body;
  assert.equal(c.security.client_cert_set, true);
  assert.ok(!JSON.stringify(c).includes('PRIVATE KEY'));
  // the same CSMS, no client certificate (profile 0 over wss): refused
  const none = await post({ ws_url: secure.url, ca_pem: pem('ca.pem') }, { charger_ids: ['SEC3_NONE'] });
  assert.equal(none.status, 'FAILED');
  assert.match(none.results.failed[0].error, /HTTP 401/);
});

test('templates that cannot work are refused, naming the field', async () => {
  const cases = [
    [{ ws_url: plain.url, security_profile: 1 }, 'password'],
    [{ ws_url: plain.url, security_profile: 2, password: 'pa55-word' }, 'security_profile'],
    [{ ws_url: secure.url, security_profile: 1, password: 'pa55-word' }, 'security_profile'],
    [{ ws_url: secure.url, security_profile: 3, client_cert_pem: pem('client.pem') }, 'client_key_pem'],
    [{ ws_url: secure.url, security_profile: 3, client_cert_pem: 'not a pem', client_key_pem: pem('client.key') }, 'client_cert_pem'],
    [{ ws_url: plain.url, security_profile: 4 }, 'security_profile'],
    [{ ws_url: plain.url, password: 'pa55-word' }, 'security_profile'],
  ];
  for (const [tmpl, field] of cases) {
    const r = await post(tmpl);
    assert.equal(r.status, 422, JSON.stringify(tmpl));
    assert.ok(r.body.detail.some(d => d.loc.includes(field)), `${JSON.stringify(r.body.detail)} names ${field}`);
  }
});
