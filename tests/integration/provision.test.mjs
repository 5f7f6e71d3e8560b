// All three create endpoints, both OCPP versions, against the ocpp-rpc strict peer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, startPeer, startServe, waitJob, group, until, stopAll } from './harness.mjs';

let pg, peer, srv;
before(async () => {
  pg = await startPostgres();
  peer = await startPeer({ boot: () => ({ status: 'Accepted', interval: 1 }) });
  srv = await startServe({ db: pg.url });
});
after(() => stopAll({ srv, peer, pg }));

test('catalog and template galleries', async () => {
  const brands = await srv.api('GET', '/ocpp/catalog/brands');
  assert.equal(brands.status, 200);
  const slugs = brands.body.data.map(b => b.slug);
  assert.ok(slugs.includes('schneider') && slugs.includes('wallbox'));
  const models = brands.body.data.reduce((n, b) => n + b.models.length, 0);
  assert.ok(models >= 8, `only ${models} models`);
  const m = await srv.api('GET', '/ocpp/catalog/brands/schneider/models/evlink-pro-ac-22kw');
  assert.equal(m.status, 200);
  assert.equal(m.body.max_power_kw, 22);
  assert.equal((await srv.api('GET', '/ocpp/catalog/brands/wallbox/models/wallbox-pulsar-plus')).status, 200);
  assert.equal((await srv.api('GET', '/ocpp/catalog/brands/wallbox/models')).body.data[0].model_slug, 'wallbox-pulsar-plus');
  assert.equal((await srv.api('GET', '/ocpp/catalog/brands/nope/models')).status, 404);

  const locs = await srv.api('GET', '/ocpi/templates/locations');
  assert.equal(locs.status, 200);
  for (const s of ['urban-ac-hub', 'highway-dc-station', 'residential-ac-single'])
    assert.ok(locs.body.data.some(t => t.slug === s), s);
  const cpos = await srv.api('GET', '/ocpi/cpos/templates');
  assert.equal(cpos.status, 200);
  assert.ok(cpos.body.data.length >= 3);
  assert.ok(cpos.body.data.some(t => t.slug === 'small-urban-ac' && t.version >= 1));
  assert.deepEqual((await srv.api('GET', '/ocpi/templates/cpos')).body, cpos.body);
});

let cpoId, locationId;

test('POST /ocpi/cpos provisions a CPO from a template', async () => {
  const r = await srv.api('POST', '/ocpi/cpos', {
    body: { template: 'small-urban-ac', ws_url: peer.url, seed: 7, ttl_seconds: 600,
      overrides: { locations: 2, chargers_per_location: 2 } },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.match(r.body.cpo_id, /^\d+$/);
  assert.equal(r.body.status, 'PENDING');
  assert.equal(r.body.status_url, `/ocpi/cpos/${r.body.cpo_id}/status`);
  assert.equal(r.body.destroy_url, `/ocpi/cpos/${r.body.cpo_id}`);
  for (const k of ['token_a', 'job_id', 'workflow_run_id', 'expires_at', 'ocpi_peer_url'])
    assert.ok(r.body[k], k);
  assert.equal(r.body.party.role, 'CPO');
  assert.equal(r.body.roam_helper.credentials_payload.token, r.body.token_a);
  cpoId = r.body.cpo_id;
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job));
  assert.equal(job.cpo_id, cpoId);
  assert.deepEqual(job.progress, { total: 4, pending: 0, provisioning: 0, ready: 4, failed: 0 });
  assert.equal(job.results.created.length, 2);
  const ids = job.results.created.flatMap(l => l.chargers.map(c => c.identity));
  assert.equal(new Set(ids).size, 4);
  // one template used twice: L01_/L02_ keep identities apart
  assert.ok(ids.some(i => i.startsWith('L01_')) && ids.some(i => i.startsWith('L02_')), ids.join());
  for (const id of ids)
    assert.equal(peer.boots.get(id)?.[0]?.chargePointVendor, id.includes('_ALF_') ? 'Alfen BV' : 'Schneider Electric', id);
});

test('POST /ocpi/cpos/{id}/locations: raw (OCPP 2.0.1) and templated', async () => {
  const r = await srv.api('POST', `/ocpi/cpos/${cpoId}/locations`, {
    body: [
      { name: 'Depot', address: '1 Main St', city: 'Utrecht', postal_code: '3511', country: 'NLD',
        coordinates: { latitude: '52.09', longitude: '5.12' },
        charges: [group({ brand_slug: 'abb', model_slug: 'terra-184', ocpp_version: 'OCPP2.0.1', identity_prefix: 'DEPOT_' }, { charger_ids: ['A', 'B'] })] },
      { template: 'residential-ac-single', overrides: { name: 'Home', identity_prefix: 'HOME_' } },
    ],
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.match(r.body.status_url, new RegExp(`^/ocpi/cpos/${cpoId}/locations/jobs/`));
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job));
  assert.equal(job.job_type, 'locations');
  assert.equal(job.results.created.length, 2);
  const depot = job.results.created.find(l => l.name === 'Depot');
  assert.deepEqual(depot.chargers.map(c => c.identity), ['DEPOT_A', 'DEPOT_B']);
  assert.equal(peer.protocols.get('DEPOT_A'), 'ocpp2.0.1');
  const b = peer.boots.get('DEPOT_A')[0];
  assert.equal(b.reason, 'PowerUp');
  assert.equal(b.chargingStation.vendorName, 'ABB');
  assert.equal(b.chargingStation.model, 'Terra 184');
  // 2.0.1: one StatusNotification per EVSE (the Terra 184 has two), evseId >= 1
  await until(() => (peer.statuses.get('DEPOT_A') ?? []).length >= 2, { what: 'DEPOT_A statuses' });
  assert.deepEqual(peer.statuses.get('DEPOT_A').map(s => [s.evseId, s.connectorId]).sort(), [[1, 1], [2, 1]]);
  const home = job.results.created.find(l => l.name === 'Home');
  assert.equal(home.chargers.length, 1);
  assert.match(home.chargers[0].identity, /^HOME_RES_[0-9A-F]{6}$/);
  locationId = depot.location_id;
});

test('POST /ocpp/locations/{id}/chargers: 1.6 and 2.0.1 groups, ids then padding', async () => {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [
      group({ ws_url: peer.url, identity_prefix: 'S16_', template_name: 'Post', connector_type: 'TYPE2' },
        { charger_ids: ['001', '002'], chargers_number: 4 }),
      group({ brand_slug: 'wallbox', model_slug: 'wallbox-pulsar-plus', ocpp_version: 'OCPP2.0.1', identity_prefix: 'S201_' },
        { chargers_number: 2 }),
      group({ identity_prefix: 'TRUNC_' }, { charger_ids: ['x', 'y', 'z'], chargers_number: 1 }),
    ],
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.status, 'PENDING');
  assert.equal(r.body.status_url, `/ocpp/locations/${locationId}/chargers/jobs/${r.body.job_id}`);
  assert.ok(r.body.workflow_run_id);
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job));
  assert.equal(job.job_type, 'chargers');
  assert.deepEqual(job.progress, { total: 7, pending: 0, provisioning: 0, ready: 7, failed: 0 });
  const ids = job.results.created.map(c => c.identity);
  assert.deepEqual(ids.slice(0, 2), ['S16_001', 'S16_002']);
  assert.match(ids[2], /^S16_[0-9A-F]{6}$/);
  assert.match(ids[3], /^S16_[0-9A-F]{6}$/);
  assert.match(ids[4], /^S201_[0-9A-F]{6}$/);
  assert.equal(ids[6], 'TRUNC_x');
  for (const c of job.results.created) {
    assert.match(c.charger_id, /^[0-9a-f-]{36}$/);
    assert.equal(c.status, 'READY');
  }
  assert.equal(job.results.created[0].charge_point_name, 'Post 1');
  assert.deepEqual(job.results.failed, []);

  // what the peer saw
  assert.equal(peer.protocols.get('S16_001'), 'ocpp1.6');
  assert.equal(peer.protocols.get(ids[4]), 'ocpp2.0.1');
  assert.equal(peer.endpoints.get('S16_001'), '/ocpp');
  const b16 = peer.boots.get('S16_001')[0];
  assert.equal(b16.chargePointVendor, 'Schneider Electric');
  assert.equal(b16.chargePointModel, 'EVlink Pro AC');
  assert.ok(b16.chargePointSerialNumber && b16.firmwareVersion);
  assert.equal(peer.boots.get(ids[4])[0].chargingStation.vendorName, 'Wallbox');
  // 1.6: connector 0 (the charge point) and connector 1
  await until(() => (peer.statuses.get('S16_001') ?? []).length >= 2, { what: 'S16_001 statuses' });
  assert.deepEqual(peer.statuses.get('S16_001').map(s => s.connectorId).sort(), [0, 1]);
  // the CSMS gave interval 1: heartbeats follow
  await until(() => (peer.heartbeats.get('S16_001') ?? 0) >= 1, { what: 'a heartbeat', timeoutMs: 10000 });

  const list = await srv.api('GET', `/ocpp/locations/${locationId}/chargers`);
  assert.equal(list.status, 200);
  assert.equal(list.body.total, 9);   // 2 from the location job + 7
  await until(async () => (await srv.api('GET', `/ocpp/locations/${locationId}/chargers`)).body.data.every(c => c.connected),
    { what: 'every charger connected in the list' });
  const row = (await srv.api('GET', `/ocpp/locations/${locationId}/chargers`)).body.data.find(c => c.identity === ids[4]);
  assert.equal(row.ocpp_version, 'OCPP2.0.1');
  assert.equal(row.status, 'READY');
  assert.equal(row.connected, true);
});

test('a CSMS call the charger does not implement gets NotImplemented', async () => {
  const raw = await peer.rawCall('S16_001', 'GetTransactionStatus', {});
  assert.deepEqual(raw.slice(0, 3), [4, raw[1], 'NotImplemented']);
  const c2 = peer.client('DEPOT_A');
  await assert.rejects(c2.call('GetTransactionStatus', {}),
    e => e.rpcErrorCode === 'NotImplemented');
});

test('no frame failed strict validation', () => {
  assert.deepEqual(peer.failures, []);
});
