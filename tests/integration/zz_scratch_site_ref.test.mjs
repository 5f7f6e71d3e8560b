import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, startPeer, startServe, waitJob, group, stopAll } from './harness.mjs';
let pg, peer, srv;
before(async () => {
  pg = await startPostgres();
  peer = await startPeer({ boot: () => ({ status: 'Accepted', interval: 1 }) });
  srv = await startServe({ db: pg.url });
});
after(() => stopAll({ srv, peer, pg }));
test('a new GIVEN field goes from the request to the charger document', async () => {
  const cpo = await srv.api('POST', '/ocpi/cpos', { body: { template: 'small-urban-ac', ws_url: peer.url, seed: 1, ttl_seconds: 600, overrides: { locations: 1, chargers_per_location: 1 } } });
  assert.equal(cpo.status, 202, JSON.stringify(cpo.body));
  const job = await waitJob(srv, cpo.body.status_url);
  const loc = job.results.created[0].location_id;
  for (const [ids, n] of [[['X1', 'X2'], undefined], [undefined, 3]]) {
    const r = await srv.api('POST', `/ocpp/locations/${loc}/chargers`, { body: [group({ ws_url: peer.url, identity_prefix: 'SR_', site_ref: 'SITE-42' }, ids ? { charger_ids: ids } : { chargers_number: n })] });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const j = await waitJob(srv, r.body.status_url);
    assert.equal(j.status, 'READY', JSON.stringify(j));
  }
  const list = await srv.api('GET', `/ocpp/chargers?location_id=${loc}&limit=100`);
  const sr = list.body.data.filter(c => c.identity.startsWith('SR_'));
  assert.equal(sr.length, 5);
  for (const c of sr) assert.equal(c.site_ref, 'SITE-42', JSON.stringify(c));
  const bad = await srv.api('POST', `/ocpp/locations/${loc}/chargers`, { body: [group({ ws_url: peer.url, site_ref: 7 }, { chargers_number: 1 })] });
  assert.equal(bad.status, 422, JSON.stringify(bad.body));
  console.log(JSON.stringify(bad.body));
});
