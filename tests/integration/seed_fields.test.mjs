// Every field the seed pages name is kept (visible in the API and over OCPI) or refused
// with a 422 that names it; nothing is accepted and dropped. One test per field or
// refusal: each fails when its field is ignored again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, startPeer, startServe, waitJob, request, stopAll, group, until, startMiniEmsp } from './harness.mjs';

let pg, peer, srv, emsp, cpo, tokenC;
const b64 = s => Buffer.from(s).toString('base64');

before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  emsp = await startMiniEmsp();
  srv = await startServe({ db: pg.url });
  const r = await srv.api('POST', '/ocpi/cpos', { body: { template: 'small-urban-ac', name_prefix: 'f', ws_url: peer.url,
    overrides: { locations: 1, chargers_per_location: 0 } } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  cpo = r.body;
  const reg = await request(srv.base, 'POST', `/ocpi/${cpo.cpo_id}/2.2.1/credentials`, { token: null,
    headers: { authorization: `Token ${b64(cpo.token_a)}` },
    body: emsp.creds221('tb') });
  assert.equal(reg.status, 200, JSON.stringify(reg.body));
  tokenC = reg.body.data.token;
});
after(async () => { await emsp?.close(); await stopAll({ srv, peer, pg }); });

const RAW = { name: 'Site', address: '1 Main St', city: 'Ghent', country: 'BE', coordinates: { latitude: 51.05, longitude: 3.72 } };

// Creates locations (body of POST /ocpi/cpos/{id}/locations); resolves their OCPI
// Locations, as the registered eMSP reads them, and the API's view.
async function create(items, query = '') {
  const r = await srv.api('POST', `/ocpi/cpos/${cpo.cpo_id}/locations${query}`, { body: { locations: items } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job));
  const out = [];
  for (const c of job.results.created) {
    const o = await request(srv.base, 'GET', `/ocpi/${cpo.cpo_id}/2.2.1/locations/${c.location_id}`, { token: null,
      headers: { authorization: `Token ${b64(tokenC)}` } });
    assert.equal(o.status, 200, JSON.stringify(o.body));
    const api = (await srv.api('GET', `/ocpi/cpos/${cpo.cpo_id}/locations/${c.location_id}`)).body;
    const chargers = (await srv.api('GET', `/ocpp/locations/${c.location_id}/chargers`)).body.data;
    out.push({ ocpi: o.body.data, api, chargers, warnings: r.body.warnings });
  }
  return out;
}

// Posts a body expecting a 422 with an item at loc (and of type); nothing is written.
async function refused(path, body, loc, type, query = '') {
  const before = pg.query('SELECT (SELECT count(*) FROM locations) + (SELECT count(*) FROM cpos) + (SELECT count(*) FROM chargers)')[0][0];
  const r = await srv.api('POST', path + query, { body });
  assert.equal(r.status, 422, JSON.stringify(r.body));
  const hit = r.body.detail.find(d => JSON.stringify(d.loc) === JSON.stringify(loc));
  assert.ok(hit, `no error at ${JSON.stringify(loc)}: ${JSON.stringify(r.body.detail)}`);
  if (type) assert.equal(hit.type, type);
  const after = pg.query('SELECT (SELECT count(*) FROM locations) + (SELECT count(*) FROM cpos) + (SELECT count(*) FROM chargers)')[0][0];
  assert.equal(after, before, 'nothing written');
  return hit;
}
const locs = () => `/ocpi/cpos/${cpo.cpo_id}/locations`;

test('country: alpha-2 or alpha-3 in, alpha-3 out; unknown is a 422', async () => {
  const [a, b] = await create([{ ...RAW, country: 'BE' }, { ...RAW, name: 'Three', country: 'fra' }]);
  assert.equal(a.ocpi.country, 'BEL');
  assert.equal(a.api.country, 'BEL');
  assert.equal(b.ocpi.country, 'FRA');
  await refused(locs(), { locations: [{ ...RAW, country: 'XX' }] }, ['body', 'locations', 0, 'country'], 'value_error.country');
});

test('timezone, owner_name and public reach OCPI as time_zone, owner and publish', async () => {
  const [l] = await create([{ ...RAW, timezone: 'America/Chicago', owner_name: 'Owner Co', public: false }]);
  assert.equal(l.ocpi.time_zone, 'America/Chicago');
  assert.deepEqual(l.ocpi.owner, { name: 'Owner Co' });
  assert.equal(l.ocpi.publish, false);
  await refused(locs(), { locations: [{ ...RAW, timezone: 'Mars/Olympus' }] }, ['body', 'locations', 0, 'timezone']);
  await refused(locs(), { locations: [{ ...RAW, public: 'yes' }] }, ['body', 'locations', 0, 'public']);
});

test('coordinates are range-checked', async () => {
  await refused(locs(), { locations: [{ ...RAW, coordinates: { latitude: 90.5, longitude: 0 } }] }, ['body', 'locations', 0, 'coordinates', 'latitude']);
  await refused(locs(), { locations: [{ ...RAW, coordinates: { latitude: 0, longitude: '-180.01' } }] }, ['body', 'locations', 0, 'coordinates', 'longitude']);
  const [l] = await create([{ ...RAW, coordinates: { latitude: -90, longitude: 180 } }]);
  assert.deepEqual(l.ocpi.coordinates, { latitude: '-90.000000', longitude: '180.000000' });
});

test("the eMabler page's camelCase OCPI names are its snake_case fields", async () => {
  const [l] = await create([{ ...RAW,
    publishAllowedTo: [{ uid: 'TAG1', type: 'RFID' }],
    relatedLocations: [{ latitude: '51.05000', longitude: '3.72000', name: { language: 'en', text: 'Gate' } }],
    openingTimes: { twentyfourseven: false, regularHours: [{ weekday: 1, periodBegin: '08:00', periodEnd: '18:00' }] },
    locationEnergyMix: { isGreenEnergy: true },
    chargingWhenClosed: false }]);
  assert.deepEqual(l.ocpi.publish_allowed_to, [{ uid: 'TAG1', type: 'RFID' }]);
  assert.equal(l.ocpi.related_locations[0].name.text, 'Gate');
  assert.deepEqual(l.ocpi.opening_times, { twentyfourseven: false, regular_hours: [{ weekday: 1, period_begin: '08:00', period_end: '18:00' }] });
  assert.deepEqual(l.ocpi.energy_mix, { is_green_energy: true });
  assert.equal(l.ocpi.charging_when_closed, false);
  await refused(locs(), { locations: [{ ...RAW, openingTimes: { twentyfourseven: true }, opening_times: { twentyfourseven: true } }] },
    ['body', 'locations', 0, 'openingTimes'], 'value_error.duplicate');
});

test('empty_location=true creates locations without their chargers', async () => {
  const [l] = await create([{ template: 'urban-ac-hub' }], '?empty_location=true');
  assert.deepEqual(l.chargers, []);
  assert.deepEqual(l.ocpi.evses, []);
  await refused(locs(), { locations: [{ ...RAW, charges: [group({ ws_url: peer.url }, { chargers_number: 1 })] }] },
    ['body', 'locations', 0, 'charges'], 'value_error.empty_location', '?empty_location=true');
  const r = await srv.api('POST', `${locs()}?empty_location=maybe`, { body: { locations: [RAW] } });
  assert.equal(r.status, 422);
  assert.deepEqual(r.body.detail[0].loc, ['query', 'empty_location']);
});

test("a location template's overrides are applied, its parking type kept", async () => {
  const [plain] = await create([{ template: 'residential-ac-single' }]);
  assert.equal(plain.ocpi.parking_type, 'ON_DRIVEWAY');
  const [l] = await create([{ template: 'urban-ac-hub', overrides: {
    name: 'Renamed', address: '2 Other St', city: 'Lyon', postal_code: '69001', country: 'FR',
    coordinates: { latitude: 45.76, longitude: 4.83 }, timezone: 'Europe/Paris', owner_name: 'Lyon Energie',
    public: false, parking_type: 'PARKING_GARAGE', ocpp_version: 'OCPP2.0.1', identity_prefix: 'LYON_' } }]);
  const o = l.ocpi;
  assert.deepEqual([o.name, o.address, o.city, o.postal_code, o.country], ['Renamed', '2 Other St', 'Lyon', '69001', 'FRA']);
  assert.deepEqual(o.coordinates, { latitude: '45.760000', longitude: '4.830000' });
  assert.equal(o.time_zone, 'Europe/Paris');
  assert.deepEqual(o.owner, { name: 'Lyon Energie' });
  assert.equal(o.publish, false);
  assert.equal(o.parking_type, 'PARKING_GARAGE');
  assert.ok(l.chargers.length > 0);
  for (const c of l.chargers) {
    assert.equal(c.ocpp_version, 'OCPP2.0.1');
    assert.match(c.identity, /^LYON_/);
  }
  await refused(locs(), { locations: [{ template: 'urban-ac-hub', overrides: { citty: 'Lyon' } }] },
    ['body', 'locations', 0, 'overrides', 'citty'], 'value_error.extra');
});

test('connector types: the names people use, an override honoured with a warning, OCPI follows', async () => {
  const [l] = await create([{ ...RAW, charges: [
    group({ ws_url: peer.url, identity_prefix: 'CT_A_', connector_type: 'type 2' }, { charger_ids: ['1'] }),
    group({ ws_url: peer.url, identity_prefix: 'CT_B_', connector_type: 'IEC_62196_T3C' }, { charger_ids: ['1'] })] }]);
  const byId = Object.fromEntries(l.chargers.map(c => [c.identity, c.connector_type]));
  assert.deepEqual(byId, { CT_A_1: 'TYPE2', CT_B_1: 'IEC_62196_T3C' });
  assert.equal(l.warnings.length, 1, JSON.stringify(l.warnings));    // T3C is not the model's
  assert.match(l.warnings[0], /IEC_62196_T3C/);
  const standards = l.ocpi.evses.map(e => e.connectors[0].standard).sort();
  assert.deepEqual(standards, ['IEC_62196_T2', 'IEC_62196_T3C']);
});

test('unknown fields are refused wherever a create body has them', async () => {
  await refused(locs(), { locations: [{ ...RAW, colour: 'blue' }] }, ['body', 'locations', 0, 'colour'], 'value_error.extra');
  await refused(locs(), { locations: [RAW], extra: 1 }, ['body', 'extra'], 'value_error.extra');
  await refused(locs(), { locations: [{ template: 'urban-ac-hub', overides: {} }] }, ['body', 'locations', 0, 'overides'], 'value_error.extra');
  await refused('/ocpi/cpos', { template: 'small-urban-ac', ws_url: peer.url, colour: 1 }, ['body', 'colour'], 'value_error.extra');
  await refused('/ocpi/cpos', { template: 'small-urban-ac', ws_url: peer.url, overrides: { location: 2 } }, ['body', 'overrides', 'location'], 'value_error.extra');
});

test('role: cpo is kept, emsp is a clear 422', async () => {
  const ok = await srv.api('POST', '/ocpi/cpos', { body: { template: 'small-urban-ac', ws_url: `${peer.url}/role`, role: 'cpo',
    overrides: { locations: 1, chargers_per_location: 0 } } });
  assert.equal(ok.status, 202, JSON.stringify(ok.body));
  assert.equal(ok.body.party.role, 'CPO');
  const hit = await refused('/ocpi/cpos', { template: 'small-urban-ac', ws_url: peer.url, role: 'emsp' }, ['body', 'role'], 'value_error.const');
  assert.match(hit.msg, /emsp/);
  await refused('/ocpi/cpos', { template: 'small-urban-ac', ws_url: peer.url, role: 'admin' }, ['body', 'role']);
});

test('name_prefix starts every identity: two CPOs of one template and seed no longer collide', async () => {
  const body = p => ({ template: 'small-urban-ac', seed: 7, ws_url: peer.url, name_prefix: p, overrides: { locations: 1, chargers_per_location: 2 } });
  const ids = [];
  for (const p of ['tenant_a', 'tenant_b']) {
    const r = await srv.api('POST', '/ocpi/cpos', { body: body(p) });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const job = await waitJob(srv, r.body.status_url);
    assert.equal(job.status, 'READY');
    ids.push(...job.results.created[0].chargers.map(c => c.identity));
  }
  assert.equal(new Set(ids).size, 4, ids.join());
  assert.ok(ids.every(i => i.startsWith('tenant_a_') || i.startsWith('tenant_b_')), ids.join());
  for (const i of ids) assert.equal(peer.boots.get(i)?.length, 1, `${i} booted once at the CSMS`);
  // the same prefix, template and seed again: its identities are live there already
  const hit = await refused('/ocpi/cpos', body('tenant_a'), ['body'], 'value_error.duplicate_live');
  assert.match(hit.msg, /tenant_a_/);
  await refused('/ocpi/cpos', body('has space'), ['body', 'name_prefix'], 'value_error.identity');
});

test('a charger deleted a moment ago: its identity is refused saying it is still being deleted', async () => {
  const [l] = await create([{ ...RAW, charges: [group({ ws_url: peer.url, identity_prefix: 'DEL_' }, { charger_ids: ['1'] })] }]);
  const id = l.api.location_id;
  await until(() => peer.live.get('DEL_1') === 1, { what: 'DEL_1 connected' });
  const d = await srv.api('DELETE', `/ocpp/locations/${id}/chargers`);
  assert.ok([200, 202].includes(d.status), JSON.stringify(d.body));
  const r = await srv.api('POST', `/ocpp/locations/${id}/chargers`, { body: [group({ ws_url: peer.url, identity_prefix: 'DEL_' }, { charger_ids: ['1'] })] });
  if (r.status === 422) {
    assert.match(r.body.detail[0].msg, /still being deleted/);
    // the next tests count rows: the deleted one goes first
    await until(() => pg.query(`SELECT count(*) FROM chargers WHERE location_id = '${id}'`)[0][0] === '0', { what: 'DEL_1 deleted' });
  } else {
    assert.equal(r.status, 202, JSON.stringify(r.body));   // the runtime was quicker
    await waitJob(srv, r.body.status_url);
  }
});

test('dates are strict RFC 3339: 2026-02-30 is a 4xx naming the field, never a 503', async () => {
  const [l] = await create([{ ...RAW, charges: [group({ ws_url: peer.url, identity_prefix: 'DATE_' }, { charger_ids: ['1'] })] }]);
  const charger = l.chargers[0].charger_id;
  for (const bad of ['2026-02-30T00:00:00Z', '2026-02-28T00:00:00', '2026-2-28T00:00:00Z', '2026-02-28T24:00:00Z']) {
    const r = await srv.api('GET', `/ocpp/chargers/${charger}/logs?start_date=${encodeURIComponent(bad)}`);
    assert.equal(r.status, 422, `${bad}: ${JSON.stringify(r.body)}`);
    assert.deepEqual(r.body.detail[0].loc, ['query', 'start_date']);
  }
  const ok = await srv.api('GET', `/ocpp/chargers/${charger}/logs?start_date=${encodeURIComponent('2026-02-28T00:00:00.5+01:00')}`);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  // over OCPI: a 400 with status_code 2001, not a database error
  const o = await request(srv.base, 'GET', `/ocpi/${cpo.cpo_id}/2.2.1/locations?date_from=2026-02-30T00:00:00Z`, { token: null,
    headers: { authorization: `Token ${b64(tokenC)}` } });
  assert.equal(o.status, 400, JSON.stringify(o.body));
  assert.equal(o.body.status_code, 2001);
  // in a body: an exceptional opening on a day that does not exist
  await refused(locs(), { locations: [{ ...RAW, opening_times: { twentyfourseven: true, exceptional_openings: [
    { period_begin: '2026-02-30T08:00:00Z', period_end: '2026-02-30T18:00:00Z' }] } }] },
    ['body', 'locations', 0, 'opening_times', 'exceptional_openings', 0, 'period_begin']);
});

test('one identity twice toward one CSMS in a request is refused, naming the location', async () => {
  const twice = { ...RAW, charges: [group({ ws_url: peer.url, identity_prefix: 'SAME_' }, { charger_ids: ['1'] })] };
  const hit = await refused(locs(), { locations: [twice, { ...twice, name: 'Other' }] }, ['body', 'locations', 1], 'value_error.duplicate');
  assert.match(hit.msg, /SAME_/);
});
