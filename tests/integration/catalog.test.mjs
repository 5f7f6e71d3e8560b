// The catalog: built-in models plus a tenant's custom ones (POST), usable in charger
// groups of that tenant only; template galleries filtered by type and OCPP version.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startPostgres, startPeer, startServe, createLocation, waitJob, until, BIN, stopAll } from './harness.mjs';

let pg, peer, srv, locationId;
before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url });
  ({ locationId } = await createLocation(srv, peer.url));
});
after(() => stopAll({ srv, peer, pg }));

const model = { model_slug: 'volt-50', name: 'Volt 50 DC', brand_name: 'Acme Power', vendor: 'AcmePower', model: 'VOLT-50',
  current_type: 'DC', max_power_kw: 50, connector_count: 2, connector_types: ['CCS2', 'CHADEMO'], firmware: '2.1.0', ocpp_versions: ['OCPP2.0.1'] };

test('POST a custom model: validated, stored, listed with the built-in ones', async () => {
  const before = (await srv.api('GET', '/ocpp/catalog/brands')).body;
  const bad = await srv.api('POST', '/ocpp/catalog/brands/acme/models', { body: { ...model, current_type: 'AC/DC', connector_count: 0, connector_types: ['SCHUKO'], extra: 1 } });
  assert.equal(bad.status, 422);
  const locs = bad.body.detail.map(d => d.loc.join('.')).sort();
  assert.deepEqual(locs, ['body.connector_count', 'body.connector_types.0', 'body.current_type', 'body.extra']);
  const long = await srv.api('POST', '/ocpp/catalog/brands/acme/models', { body: { ...model, vendor: 'A vendor name over twenty' } });
  assert.equal(long.status, 422);
  assert.deepEqual(long.body.detail[0].loc, ['body', 'vendor']);
  assert.equal((await srv.api('GET', '/ocpp/catalog/brands')).body.models, before.models, 'nothing stored');

  const r = await srv.api('POST', '/ocpp/catalog/brands/acme/models', { body: model });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.custom, true);
  assert.equal(r.body.connector_count, 2);
  assert.equal((await srv.api('POST', '/ocpp/catalog/brands/acme/models', { body: model })).status, 409);
  assert.equal((await srv.api('POST', '/ocpp/catalog/brands/abb/models', { body: { ...model, model_slug: 'terra-184' } })).status, 409, 'a built-in model');
  const after = (await srv.api('GET', '/ocpp/catalog/brands')).body;
  assert.equal(after.models, before.models + 1);
  assert.deepEqual(after.data.find(b => b.slug === 'acme'), { slug: 'acme', name: 'Acme Power', models: ['volt-50'] });
  const one = await srv.api('GET', '/ocpp/catalog/brands/acme/models/volt-50');
  assert.equal(one.status, 200);
  assert.deepEqual([one.body.current_type, one.body.max_power_kw, one.body.connector_types, one.body.ocpp_versions],
    ['DC', 50, ['CCS2', 'CHADEMO'], ['OCPP2.0.1']]);
  const builtin = await srv.api('GET', '/ocpp/catalog/brands/abb/models');
  assert.ok(builtin.body.data.every(m => m.custom === false && m.connector_count >= 1 && m.ocpp_versions.length === 2));
});

test('a custom model boots with its own vendor and model, in its own versions only', async () => {
  const wrong = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [{ template: { brand_slug: 'acme', model_slug: 'volt-50', ocpp_version: 'OCPP1.6' }, charger_ids: ['V1'] }] });
  assert.equal(wrong.status, 422);
  assert.deepEqual(wrong.body.detail[0].loc, ['body', 0, 'template', 'ocpp_version']);
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [{ template: { brand_slug: 'acme', model_slug: 'volt-50', ocpp_version: 'OCPP2.0.1' }, charger_ids: ['V1'] }] });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal((await waitJob(srv, r.body.status_url)).status, 'READY');
  const boot = peer.boots.get('V1')[0];
  assert.deepEqual([boot.chargingStation.vendorName, boot.chargingStation.model, boot.chargingStation.firmwareVersion],
    ['AcmePower', 'VOLT-50', '2.1.0']);
  await until(() => (peer.statuses.get('V1') ?? []).length >= 2, { what: 'a status per connector' });
  assert.deepEqual(peer.failures, []);
});

test('another tenant neither sees nor uses the custom model', async () => {
  const token = execFileSync(BIN, ['token', 'create', '--tenant', 'other', '--db', pg.url]).toString().trim();
  const other = (m, p, o = {}) => srv.api(m, p, { ...o, token });
  assert.equal((await other('GET', '/ocpp/catalog/brands/acme/models')).status, 404);
  assert.equal((await other('GET', '/ocpp/catalog/brands/acme/models/volt-50')).status, 404);
  const cpo = await other('POST', '/ocpi/cpos', { body: { template: 'residential-estate', ws_url: peer.url, overrides: { locations: 1, chargers_per_location: 0 } } });
  assert.equal(cpo.status, 202, JSON.stringify(cpo.body));
  const loc = await other('POST', `/ocpi/cpos/${cpo.body.cpo_id}/locations`, {
    body: [{ name: 'X', coordinates: { latitude: '1', longitude: '2' }, charges: [{ template: { brand_slug: 'acme', model_slug: 'volt-50', ocpp_version: 'OCPP2.0.1' }, chargers_number: 1 }] }] });
  assert.equal(loc.status, 422);
  assert.equal(loc.body.detail[0].type, 'value_error.unknown_model');
  // and may add its own model with the same slugs
  assert.equal((await other('POST', '/ocpp/catalog/brands/acme/models', { body: { ...model, ocpp_versions: ['OCPP1.6'] } })).status, 201);
});

test('galleries filter by current type and OCPP version', async () => {
  for (const path of ['/ocpi/cpos/templates', '/ocpi/templates/locations']) {
    const all = (await srv.api('GET', path)).body.data;
    for (const type of ['AC', 'DC', 'AC-DC']) {
      const some = (await srv.api('GET', `${path}?type=${type}`)).body;
      assert.equal(some.total, all.filter(t => t.current_type === type).length, `${path} ${type}`);
      assert.ok(some.data.every(t => t.current_type === type));
    }
    const v2 = (await srv.api('GET', `${path}?ocpp_version=OCPP2.0.1`)).body.data;
    assert.deepEqual(v2.map(t => t.slug), all.filter(t => t.ocpp_versions.includes('OCPP2.0.1')).map(t => t.slug));
    assert.equal((await srv.api('GET', `${path}?type=ACDC`)).status, 422);
    assert.deepEqual((await srv.api('GET', `${path}?ocpp_version=2.0.1`)).body.detail[0].loc, ['query', 'ocpp_version']);
  }
  const dc = (await srv.api('GET', '/ocpi/templates/locations?type=DC')).body.data;
  assert.ok(dc.some(t => t.slug === 'highway-dc-station'));
});
