// The fleet outlives the process: kill -9 right after a 202 → a restarted server
// completes the job with no duplicate; a clean restart brings READY chargers back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, startPeer, startServe, waitJob, group, createLocation, until, stopAll } from './harness.mjs';

let pg, peer, srv, locationId;
before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url });
  ({ locationId } = await createLocation(srv, peer.url));
});
after(() => stopAll({ srv, peer, pg }));

test('kill -9 right after the 202, restart: the job completes, no charger duplicated', async () => {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [group({ ws_url: peer.url, identity_prefix: 'K_' }, { chargers_number: 50 })],
  });
  assert.equal(r.status, 202);
  const killed = await srv.kill('SIGKILL');
  assert.equal(killed.signal, 'SIGKILL');
  srv = await startServe({ db: pg.url });
  const job = await waitJob(srv, r.body.status_url, { timeoutMs: 60000 });
  assert.equal(job.status, 'READY', JSON.stringify(job.progress));
  assert.equal(job.progress.total, 50);
  const ids = job.results.created.map(c => c.identity);
  assert.equal(new Set(ids).size, 50);
  const list = await srv.api('GET', `/ocpp/locations/${locationId}/chargers`);
  assert.equal(list.body.total, 50);
  // one live connection per identity, none twice at once after the restart settled
  await until(() => ids.every(id => peer.live.get(id) === 1), { what: 'every charger connected once' });
  for (const id of ids) assert.ok((peer.boots.get(id) ?? []).length >= 1, id);
});

test('a clean restart brings READY chargers back (reconnect + boot)', async () => {
  const list = (await srv.api('GET', `/ocpp/locations/${locationId}/chargers`)).body.data;
  const id = list[0].identity;
  const bootsBefore = peer.boots.get(id).length;
  assert.deepEqual(await srv.stop(), { code: 0, signal: null }, srv.log);
  await until(() => list.every(c => peer.live.get(c.identity) === 0), { what: 'every charger disconnected' });
  srv = await startServe({ db: pg.url });
  await until(() => list.every(c => peer.live.get(c.identity) === 1), { what: 'every charger back' });
  // connected is not booted yet: the BootNotification follows the handshake
  await until(() => peer.boots.get(id).length > bootsBefore, { what: 'booted again' });
  await until(async () => (await srv.api('GET', `/ocpp/locations/${locationId}/chargers`)).body.data.every(c => c.connected && c.status === 'READY'),
    { what: 'the list shows them connected' });
  assert.ok(peer.maxLive <= 1, `an identity had ${peer.maxLive} connections at once`);
});

test('a CSMS restart: every charger comes back with backoff', async () => {
  const list = (await srv.api('GET', `/ocpp/locations/${locationId}/chargers`)).body.data;
  for (const c of peer.clients) c.close({ code: 1012, force: true });
  await until(() => list.every(c => peer.live.get(c.identity) === 1 && peer.connects.get(c.identity) >= 3),
    { what: 'every charger reconnected', timeoutMs: 60000 });
});

test('no frame failed strict validation', () => {
  assert.deepEqual(peer.failures, []);
});
