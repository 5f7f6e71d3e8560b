// The fleet after creation: listings with paging, reading, updating (chargers reconnect
// and boot again), deleting (websockets closed, then rows gone), TTL expiry, tenants.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startPostgres, startPeer, startServe, waitJob, until, BIN, stopAll, createLocation, group } from './harness.mjs';

let pg, peer, srv, cpo, ttlCpo, ttlCreated;
const rows = sql => pg.query(sql);
const count = sql => Number(rows(sql)[0][0]);

before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url });
  // a 3-location CPO of 2 chargers each
  const r = await srv.api('POST', '/ocpi/cpos', {
    body: { template: 'small-urban-ac', ws_url: peer.url, overrides: { locations: 3, chargers_per_location: 2 } },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  cpo = r.body;
  const job = await waitJob(srv, cpo.status_url);
  assert.equal(job.status, 'READY');
  // the shortest TTL there is, started now so that it ends while the other tests run
  ttlCreated = Date.now();
  const t = await srv.api('POST', '/ocpi/cpos', {
    body: { template: 'residential-estate', ws_url: peer.url, ttl_seconds: 60, overrides: { locations: 1, chargers_per_location: 1 } },
  });
  assert.equal(t.status, 202, JSON.stringify(t.body));
  ttlCpo = t.body;
  assert.equal((await waitJob(srv, ttlCpo.status_url)).status, 'READY');
});
after(() => stopAll({ srv, peer, pg }));

async function locations() {
  const r = await srv.api('GET', `/ocpi/cpos/${cpo.cpo_id}/locations`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.data;
}

async function chargersOf(locationId) {
  const r = await srv.api('GET', `/ocpp/locations/${locationId}/chargers`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.data;
}

test('CPOs: paged list, one CPO with topology counts, 422 on bad paging', async () => {
  const all = await srv.api('GET', '/ocpi/cpos');
  assert.equal(all.status, 200);
  assert.equal(all.body.total, 2);
  const p2 = await srv.api('GET', '/ocpi/cpos?page=2&limit=1');
  assert.deepEqual([p2.body.page, p2.body.limit, p2.body.data.length], [2, 1, 1]);
  assert.equal(p2.body.data[0].cpo_id, all.body.data[1].cpo_id);
  const one = await srv.api('GET', `/ocpi/cpos/${cpo.cpo_id}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.status, 'READY');
  assert.deepEqual(one.body.party, cpo.party);
  // one EVSE per connector, summed over the models of the template
  let connectors = 0;
  for (const l of await locations()) for (const c of await chargersOf(l.location_id)) connectors += c.connectors;
  assert.ok(connectors > 6);
  assert.deepEqual(one.body.counts, { locations: 3, chargers: 6, evses: connectors, connectors, ready: 6, failed: 0, connected: 6 });
  assert.equal(one.body.expires_at, cpo.expires_at);
  for (const q of ['limit=101', 'limit=0', 'page=0', 'page=x']) {
    const bad = await srv.api('GET', `/ocpi/cpos?${q}`);
    assert.equal(bad.status, 422, q);
    assert.equal(bad.body.detail[0].loc[0], 'query');
    assert.equal(bad.body.detail[0].loc[1], q.split('=')[0]);
  }
  assert.equal((await srv.api('GET', '/ocpi/cpos/999')).status, 404);
  const st = await srv.api('GET', `/ocpi/cpos/${cpo.cpo_id}/status`);
  assert.equal(st.body.progress.ready, 6);
});

test('report: one page of Markdown', async () => {
  const r = await srv.api('GET', `/ocpi/cpos/${cpo.cpo_id}/report`);
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/markdown/);
  assert.match(r.body, new RegExp(`^# CPO ${cpo.cpo_id} `));
  assert.match(r.body, /3 locations, 6 chargers/);
  assert.match(r.body, /\| status \| \*\*READY\*\* \|/);
});

test('locations: list, read, patch (validated, nothing written on error)', async () => {
  const locs = await locations();
  assert.equal(locs.length, 3);
  const l = locs[0];
  const one = await srv.api('GET', `/ocpi/cpos/${cpo.cpo_id}/locations/${l.location_id}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.chargers, 2);
  const bad = await srv.api('PATCH', `/ocpi/cpos/${cpo.cpo_id}/locations/${l.location_id}`,
    { body: { name: 'X', colour: 'red', coordinates: { latitude: '52' } } });
  assert.equal(bad.status, 422);
  const locs422 = bad.body.detail.map(d => d.loc.join('.'));
  assert.ok(locs422.includes('body.colour'), locs422);
  assert.ok(locs422.includes('body.coordinates.longitude'), locs422);
  assert.equal((await srv.api('GET', `/ocpi/cpos/${cpo.cpo_id}/locations/${l.location_id}`)).body.name, l.name);
  const ok = await srv.api('PATCH', `/ocpi/cpos/${cpo.cpo_id}/locations/${l.location_id}`,
    { body: { name: 'Renamed site', coordinates: { latitude: '51.5', longitude: '4.25' }, ocpi: { parking_type: 'ON_STREET' } } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.name, 'Renamed site');
  assert.deepEqual(ok.body.coordinates, { latitude: '51.5', longitude: '4.25' });
  assert.equal(ok.body.ocpi.parking_type, 'ON_STREET');
  assert.equal((await srv.api('GET', `/ocpi/cpos/${cpo.cpo_id}/locations/${l.location_id}`)).body.name, 'Renamed site');
  // a location under another CPO id is not found
  assert.equal((await srv.api('GET', `/ocpi/cpos/${ttlCpo.cpo_id}/locations/${l.location_id}`)).status, 404);
});

test('chargers: list across the fleet with filters and paging', async () => {
  const all = await srv.api('GET', '/ocpp/chargers?limit=100');
  assert.equal(all.status, 200);
  assert.equal(all.body.total, 7);
  const page = await srv.api('GET', '/ocpp/chargers?limit=2&page=2');
  assert.deepEqual(page.body.data.map(c => c.charger_id), all.body.data.slice(2, 4).map(c => c.charger_id));
  const l = (await locations())[1];
  const of = await srv.api('GET', `/ocpp/chargers?location_id=${l.location_id}`);
  assert.equal(of.body.total, 2);
  assert.ok(of.body.data.every(c => c.location_id === l.location_id));
  assert.equal((await srv.api('GET', '/ocpp/chargers?status=FAILED')).body.total, 0);
  assert.equal((await srv.api('GET', '/ocpp/chargers?status=READY&ocpp_version=OCPP1.6')).body.total,
    all.body.data.filter(c => c.ocpp_version === 'OCPP1.6').length);
  for (const q of ['status=DONE', 'ocpp_version=1.6', 'location_id=nope']) {
    const bad = await srv.api('GET', `/ocpp/chargers?${q}`);
    assert.equal(bad.status, 422, q);
    assert.equal(bad.body.detail[0].loc[1], q.split('=')[0]);
  }
  const one = await srv.api('GET', `/ocpp/chargers/${of.body.data[0].charger_id}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.identity, of.body.data[0].identity);
  assert.equal((await srv.api('GET', '/ocpp/chargers/00000000-0000-0000-0000-000000000000')).status, 404);
});

test('PUT chargers: a new ws_url / version makes them reconnect and boot again', async () => {
  const l = (await locations())[0];
  const [a, b] = await chargersOf(l.location_id);
  const bootsA = peer.boots.get(a.identity).length;
  const bootsB = peer.boots.get(b.identity).length;
  const newUrl = peer.url.replace(/\/ocpp$/, '/moved');
  const r = await srv.api('PUT', `/ocpp/locations/${l.location_id}/chargers`,
    { body: { ws_url: newUrl, ocpp_version: 'OCPP2.0.1', charger_ids: [a.identity, 'no-such-charger'] } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.matched, 1);
  assert.deepEqual(r.body.changed.map(c => [c.identity, c.reconnects, c.fields.sort().join()]),
    [[a.identity, true, 'ocpp_version,ws_url']]);
  assert.deepEqual(r.body.not_found, ['no-such-charger']);
  await until(() => peer.boots.get(a.identity).length > bootsA, { what: 'a boots again' });
  await until(() => peer.endpoints.get(a.identity) === '/moved' && peer.protocols.get(a.identity) === 'ocpp2.0.1' && peer.live.get(a.identity) === 1,
    { what: 'a on the new URL with OCPP 2.0.1' });
  const last = peer.boots.get(a.identity).at(-1);
  assert.ok(last.chargingStation, 'a 2.0.1 BootNotification');
  await until(async () => {
    const c = (await srv.api('GET', `/ocpp/chargers/${a.charger_id}`)).body;
    return c.status === 'READY' && c.connected && !c.reconnect_pending && c.ws_url === newUrl && c.ocpp_version === 'OCPP2.0.1';
  }, { what: 'a READY again with its new settings' });
  assert.equal(peer.boots.get(b.identity).length, bootsB, 'b was not targeted');

  // renaming only: no reconnect
  const connects = peer.connects.get(b.identity);
  const ren = await srv.api('PUT', `/ocpp/chargers/${b.charger_id}`, { body: { template_name: 'Bay' } });
  assert.equal(ren.status, 200, JSON.stringify(ren.body));
  assert.deepEqual(ren.body.changed.map(c => [c.reconnects, c.fields.join()]), [[false, 'charge_point_name']]);
  assert.equal((await srv.api('GET', `/ocpp/chargers/${b.charger_id}`)).body.charge_point_name, 'Bay 1');
  // the same values again: nothing changes
  const same = await srv.api('PUT', `/ocpp/chargers/${b.charger_id}`, { body: { template_name: 'Bay' } });
  assert.deepEqual([same.body.changed.length, same.body.unchanged], [0, [b.charger_id]]);
  await new Promise(r => setTimeout(r, 1500));
  assert.equal(peer.connects.get(b.identity), connects, 'b did not reconnect');
  assert.deepEqual(peer.failures, []);
});

test('PUT chargers: bad bodies are 422 with the field, 404 for unknown targets', async () => {
  const l = (await locations())[0];
  const [c] = await chargersOf(l.location_id);
  const cases = [
    [{ ws_url: 'http://x' }, 'body.ws_url'],
    [{ ocpp_version: '1.6' }, 'body.ocpp_version'],
    [{ wsurl: 'ws://x' }, 'body.wsurl'],
    [{}, 'body'],
    [{ ws_url: peer.url, charger_ids: [] }, 'body.charger_ids'],
  ];
  for (const [body, loc] of cases) {
    const r = await srv.api('PUT', `/ocpp/locations/${l.location_id}/chargers`, { body });
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.ok(r.body.detail.some(d => d.loc.join('.') === loc), `${loc}: ${JSON.stringify(r.body.detail)}`);
  }
  const ids = await srv.api('PUT', `/ocpp/chargers/${c.charger_id}`, { body: { ws_url: peer.url, charger_ids: ['x'] } });
  assert.equal(ids.status, 422);
  assert.equal((await srv.api('GET', `/ocpp/chargers/${c.charger_id}`)).body.ws_url, c.ws_url, 'nothing written');
  assert.equal((await srv.api('PUT', '/ocpp/chargers/00000000-0000-0000-0000-000000000000', { body: { template_name: 'x' } })).status, 404);
  assert.equal((await srv.api('PUT', '/ocpp/locations/00000000-0000-0000-0000-000000000000/chargers', { body: { template_name: 'x' } })).status, 404);
});

test('DELETE chargers: the websocket closes, then the row goes', async () => {
  const l = (await locations())[2];
  const [a, b] = await chargersOf(l.location_id);
  assert.equal(peer.live.get(a.identity), 1);
  const r = await srv.api('DELETE', `/ocpp/locations/${l.location_id}/chargers?charger_ids=${a.identity}&charger_ids=ghost`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.deleted, r.body.charger_ids, r.body.not_found], [1, [a.charger_id], ['ghost']]);
  assert.equal((await srv.api('GET', `/ocpp/chargers/${a.charger_id}`)).status, 404, 'hidden at once');
  await until(() => peer.live.get(a.identity) === 0, { what: 'a closed at the peer' });
  await until(() => count(`SELECT count(*) FROM chargers WHERE id = '${a.charger_id}'`) === 0, { what: 'a row gone' });
  await new Promise(res => setTimeout(res, 1500));
  assert.equal(peer.live.get(a.identity), 0, 'a does not come back');
  assert.equal(peer.live.get(b.identity), 1, 'b untouched');
  // one charger by id
  const one = await srv.api('DELETE', `/ocpp/chargers/${b.charger_id}`);
  assert.equal(one.status, 200);
  await until(() => peer.live.get(b.identity) === 0, { what: 'b closed' });
  assert.equal((await srv.api('DELETE', `/ocpp/chargers/${b.charger_id}`)).status, 404);
  assert.equal((await srv.api('GET', `/ocpp/locations/${l.location_id}/chargers`)).body.total, 0);
});

test('DELETE location and CPO: everything under them closes and goes', async () => {
  const [l0, l1] = await locations();
  const under = await chargersOf(l0.location_id);
  const del = await srv.api('DELETE', `/ocpi/cpos/${cpo.cpo_id}/locations/${l0.location_id}`);
  assert.equal(del.status, 200, JSON.stringify(del.body));
  assert.equal((await srv.api('GET', `/ocpi/cpos/${cpo.cpo_id}/locations/${l0.location_id}`)).status, 404);
  assert.equal((await srv.api('POST', `/ocpp/locations/${l0.location_id}/chargers`, { body: [] })).status, 404);
  await until(() => under.every(c => peer.live.get(c.identity) === 0), { what: 'location chargers closed' });
  await until(() => count(`SELECT count(*) FROM locations WHERE id = '${l0.location_id}'`) === 0, { what: 'location row gone' });
  assert.equal(count(`SELECT count(*) FROM chargers WHERE location_id = '${l0.location_id}'`), 0);

  const rest = [...await chargersOf(l1.location_id)];
  assert.ok(rest.length > 0);
  const d = await srv.api('DELETE', cpo.destroy_url);
  assert.equal(d.status, 200, JSON.stringify(d.body));
  assert.equal(d.body.status, 'DELETING');
  assert.equal((await srv.api('GET', `/ocpi/cpos/${cpo.cpo_id}`)).status, 404);
  assert.equal((await srv.api('DELETE', cpo.destroy_url)).status, 404);
  await until(() => rest.every(c => peer.live.get(c.identity) === 0), { what: 'CPO chargers closed' });
  await until(() => count(`SELECT count(*) FROM cpos WHERE id = ${cpo.cpo_id}`) === 0, { what: 'CPO row gone' });
  assert.equal(count(`SELECT count(*) FROM locations WHERE cpo_id = ${cpo.cpo_id}`), 0);
  assert.equal(count(`SELECT count(*) FROM jobs WHERE cpo_id = ${cpo.cpo_id}`), 0);
  assert.deepEqual(peer.failures, []);
});

// A location deleted right after a chargers POST. It has a charger already, so it
// stays (deleting) until that charger is closed and gone; the new job's rows are being
// drawn meanwhile (5,000 take ~0.1 s), and their write finds the location being
// deleted: none is written, no charger of the job ever connects, and nothing of the
// location is left in the end.
test('DELETE a location while its chargers job is new: none of the job is written', async () => {
  const { cpoId, locationId } = await createLocation(srv, peer.url, 'Short-lived');
  const first = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [group({}, { charger_ids: ['STAY_1'] })],
  });
  assert.equal((await waitJob(srv, first.body.status_url)).status, 'READY');
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [group({ identity_prefix: 'GONE_' }, { chargers_number: 5000 })],
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const del = await srv.api('DELETE', `/ocpi/cpos/${cpoId}/locations/${locationId}`);
  assert.equal(del.status, 200, JSON.stringify(del.body));
  await until(() => count(`SELECT count(*) FROM locations WHERE id = '${locationId}'`) === 0,
    { what: 'location row gone', timeoutMs: 30000 });
  assert.equal(count(`SELECT count(*) FROM chargers WHERE location_id = '${locationId}' OR identity LIKE 'GONE\\_%'`), 0);
  assert.equal(count(`SELECT count(*) FROM jobs WHERE location_id = '${locationId}'`), 0);
  assert.equal((await srv.api('GET', r.body.status_url)).status, 404);
  await until(() => peer.live.get('STAY_1') === 0, { what: 'STAY_1 closed' });
  const connected = [...peer.connects.keys()].filter(id => id.startsWith('GONE_')).length;
  assert.equal(connected, 0, 'chargers of a location being deleted were written and connected');
  assert.deepEqual(peer.failures, []);
});

// The topology of a CPO as text: locations (name, address, coordinates) and their
// chargers (identity, name, model, serial), in order.
async function topology(cpoId) {
  const locs = (await srv.api('GET', `/ocpi/cpos/${cpoId}/locations`)).body.data;
  const out = [];
  for (const l of locs) {
    const cs = (await chargersOf(l.location_id)).map(c => [c.identity, c.charge_point_name, c.brand_slug, c.model_slug, c.serial, c.connectors]);
    out.push([l.name, l.address, l.city, l.postal_code, l.coordinates, l.template, cs]);
  }
  return JSON.stringify(out);
}

test('seed: same seed + template + overrides gives a byte-identical topology', async () => {
  // each toward its own CSMS path: the same identities live twice toward one CSMS are refused
  const body = (seed, n) => ({ template: 'mixed-city', ws_url: `${peer.url}/n${n}`, overrides: { locations: 2, chargers_per_location: 3 }, ...(seed === undefined ? {} : { seed }) });
  const made = [];
  for (const [n, seed] of [1234, 1234, 1235, undefined].entries()) {
    const r = await srv.api('POST', '/ocpi/cpos', { body: body(seed, n) });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    await waitJob(srv, r.body.status_url);
    made.push(r.body.cpo_id);
  }
  const [a, b, c, d] = await Promise.all(made.map(topology));
  assert.ok(a.length > 200);
  assert.equal(a, b, 'same seed: identical');
  assert.notEqual(a, c, 'another seed: different');
  assert.notEqual(a, d, 'no seed: fresh randomness');
  assert.match(a, /_[0-9A-F]{6}"/, 'random hex suffixes are part of it');
  for (const id of made) assert.equal((await srv.api('DELETE', `/ocpi/cpos/${id}`)).status, 200);
});

test('tenants: a token per tenant; another tenant\'s resources are 404', async () => {
  const token = execFileSync(BIN, ['token', 'create', '--tenant', 'acme', '--db', pg.url]).toString().trim();
  assert.match(token, /^[0-9a-f]{64}$/);
  assert.equal(count(`SELECT count(*) FROM api_tokens WHERE tenant = 'acme'`), 1);
  assert.equal(count(`SELECT count(*) FROM api_tokens WHERE hash = '${token}'`), 0, 'only the hash is stored');
  const acme = (m, p, o = {}) => srv.api(m, p, { ...o, token });
  assert.equal((await acme('GET', '/ocpi/cpos')).body.total, 0);
  const mine = await acme('POST', '/ocpi/cpos', { body: { template: 'residential-estate', ws_url: peer.url, overrides: { locations: 1, chargers_per_location: 1 } } });
  assert.equal(mine.status, 202, JSON.stringify(mine.body));
  assert.equal((await srv.api('GET', mine.body.status_url)).status, 404, 'the default tenant cannot read acme\'s job');
  let acmeJob;
  await until(async () => (acmeJob = (await acme('GET', mine.body.status_url)).body).status === 'READY', { what: 'acme job READY' });
  const locId = acmeJob.results.created[0].location_id;
  const charger = acmeJob.results.created[0].chargers[0].charger_id;
  // default tenant: 404 on every acme resource, and acme's CPO is not listed
  for (const [m, p] of [['GET', `/ocpi/cpos/${mine.body.cpo_id}`], ['DELETE', `/ocpi/cpos/${mine.body.cpo_id}`],
    ['GET', `/ocpi/cpos/${mine.body.cpo_id}/locations`], ['GET', `/ocpp/locations/${locId}/chargers`],
    ['GET', `/ocpp/chargers/${charger}`], ['DELETE', `/ocpp/chargers/${charger}`],
    ['POST', `/ocpp/locations/${locId}/chargers`]]) {
    const r = await srv.api(m, p, m === 'POST' ? { body: [] } : {});
    assert.equal(r.status, 404, `${m} ${p}: ${r.status}`);
  }
  assert.ok(!(await srv.api('GET', '/ocpi/cpos')).body.data.some(c => c.cpo_id === mine.body.cpo_id));
  assert.equal((await srv.api('GET', `/ocpp/chargers?location_id=${locId}`)).status, 404);
  // acme sees its own
  assert.equal((await acme('GET', `/ocpp/chargers/${charger}`)).status, 200);
  assert.equal((await acme('GET', '/ocpi/cpos')).body.total, 1);
  // the same party_id again in acme is mangled, and said so
  const again = await acme('POST', '/ocpi/cpos', { body: { template: 'residential-estate', ws_url: peer.url, overrides: { locations: 1, chargers_per_location: 0 } } });
  assert.equal(again.status, 202);
  assert.notEqual(again.body.party.party_id, mine.body.party.party_id);
  assert.equal(again.body.requested_party_id, mine.body.party.party_id);
  assert.equal(again.body.party.party_id, mine.body.party.party_id.slice(0, 2) + '0');
  assert.match(again.body.warnings[0], /already used/);
  // a wrong token is still 401
  assert.equal((await srv.api('GET', '/ocpi/cpos', { token: token.replace(/.$/, c => c === '0' ? '1' : '0') })).status, 401);
  // bad tenant names are refused by the command
  assert.throws(() => execFileSync(BIN, ['token', 'create', '--tenant', 'no spaces', '--db', pg.url], { stdio: 'pipe' }));
});

test('TTL: a CPO is deleted when its time is up', async () => {
  const one = await srv.api('GET', `/ocpi/cpos/${ttlCpo.cpo_id}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.ttl_seconds, 60);
  assert.equal(Date.parse(one.body.expires_at) - Date.parse(one.body.created_at), 60000);
  const [loc] = (await srv.api('GET', `/ocpi/cpos/${ttlCpo.cpo_id}/locations`)).body.data;
  const ids = (await chargersOf(loc.location_id)).map(c => c.identity);
  assert.equal(ids.length, 1);
  assert.equal(peer.live.get(ids[0]), 1);
  await until(async () => (await srv.api('GET', `/ocpi/cpos/${ttlCpo.cpo_id}`)).status === 404,
    { what: 'the CPO expired', timeoutMs: Math.max(5000, 75000 - (Date.now() - ttlCreated)) });
  assert.ok(Date.now() - ttlCreated >= 59000, 'not before its TTL');
  await until(() => peer.live.get(ids[0]) === 0, { what: 'its charger closed' });
  await until(() => count(`SELECT count(*) FROM cpos WHERE id = ${ttlCpo.cpo_id}`) === 0, { what: 'rows gone' });
  assert.equal(count(`SELECT count(*) FROM locations WHERE id = '${loc.location_id}'`), 0);
  assert.match(srv.log, /reached their TTL/);
});
