// wss://: the CSMS certificate is verified (system CAs by default, or the group's
// ca_file, inside serve's --ca-dir); an untrusted certificate is a precise failure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { startPostgres, startPeer, startServe, waitJob, group, createLocation, stopAll } from './harness.mjs';

let pg, peer, srv, locationId, dir;
before(async () => {
  dir = mkdtempSync('/tmp/cf-test-tls-');
  chmodSync(dir, 0o755);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
  pg = await startPostgres();
  peer = await startPeer({ tls: { key: readFileSync(`${dir}/key.pem`), cert: readFileSync(`${dir}/cert.pem`) } });
  srv = await startServe({ db: pg.url, provisionTimeout: 4, extraArgs: ['--ca-dir', dir] });
  ({ locationId } = await createLocation(srv, peer.url));
});
after(async () => {
  try {
    await stopAll({ srv, peer, pg });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function post(tmpl) {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group(tmpl, { chargers_number: 2 })] });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return waitJob(srv, r.body.status_url);
}

test('a self-signed CSMS certificate is refused: "TLS: certificate verify failed"', async () => {
  const job = await post({ identity_prefix: 'TLSBAD_', ws_url: peer.url });
  assert.equal(job.status, 'FAILED', JSON.stringify(job));
  for (const f of job.results.failed) assert.match(f.error, /TLS: certificate verify failed/);
  assert.equal(peer.boots.size, 0);
});

test('with the CA file of the group, the chargers boot over wss', async () => {
  const job = await post({ identity_prefix: 'TLSOK_', ws_url: peer.url, ca_file: `${dir}/cert.pem`, ocpp_version: 'OCPP2.0.1' });
  assert.equal(job.status, 'READY', JSON.stringify(job));
  assert.equal(peer.boots.size, 2);
  assert.deepEqual(peer.failures, []);
});
