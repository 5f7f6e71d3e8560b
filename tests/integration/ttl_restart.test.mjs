// A fleet whose TTL ended while serve was stopped never connects again: the restarted
// serve deletes it before its runtime claims anything. A fleet with ttl_seconds null
// is kept and comes back.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, startPeer, startServe, waitJob, until, stopAll } from './harness.mjs';

let pg, peer, srv;
after(() => stopAll({ srv, peer, pg }));

test('after a restart an expired fleet is deleted before any of its chargers connects; a kept one comes back', async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url });
  const make = async (prefix, ttl) => {
    const r = await srv.api('POST', '/ocpi/cpos', { body: { template: 'small-urban-ac', name_prefix: prefix, ws_url: peer.url,
      ttl_seconds: ttl, overrides: { locations: 1, chargers_per_location: 3 } } });
    assert.equal(r.status, 202);
    const job = await waitJob(srv, r.body.status_url);
    assert.equal(job.status, 'READY');
    return { id: r.body.cpo_id, identities: job.results.created[0].chargers.map(c => c.identity) };
  };
  const expiring = await make('exp', 3600);
  const kept = await make('kept', null);
  assert.equal((await srv.api('GET', `/ocpi/cpos/${kept.id}`)).body.expires_at, null);
  await until(() => [...expiring.identities, ...kept.identities].every(id => peer.live.get(id) === 1), { what: 'all 6 connected' });
  assert.deepEqual(await srv.stop(), { code: 0, signal: null });

  // the hour passes while nothing runs
  pg.query(`UPDATE cpos SET expires_at = now() - interval '1 second' WHERE id = ${Number(expiring.id)}`);
  const before = new Map(expiring.identities.map(id => [id, peer.connects.get(id)]));
  srv = await startServe({ db: pg.url });
  await until(() => kept.identities.every(id => peer.live.get(id) === 1), { what: 'the kept fleet back' });
  await until(async () => (await srv.api('GET', `/ocpi/cpos/${expiring.id}`)).status === 404, { what: 'expired CPO gone' });
  await new Promise(res => setTimeout(res, 1500));
  for (const id of expiring.identities)
    assert.equal(peer.connects.get(id), before.get(id), `${id} connected again after its TTL ended`);
  assert.match(srv.log, /1 CPO\(s\) reached their TTL while nothing ran/);
});
