// Every answer the server gives matches api/openapi.json: this drives every operation of
// the document (its success and its main errors) against a real serve, PostgreSQL, the
// strict OCPP peer and a small OCPI eMSP, and validates each answer against the schema
// the document gives for its path + method + status (openapi_check.mjs). An answer with
// a status the document does not list for that operation fails too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startPostgres, startPeer, startServe, stopAll, waitJob, until, freePort, request, group, AC16, DC201, startMiniEmsp } from './harness.mjs';
import { openapiChecker } from './openapi_check.mjs';

let pg, peer, srv, emsp;
const oc = openapiChecker();
const ZERO = '00000000-0000-0000-0000-000000000000';
const b64 = s => Buffer.from(s).toString('base64');


before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  emsp = await startMiniEmsp();
  srv = oc.wrap(await startServe({ db: pg.url, defaultWsUrl: peer.url, provisionTimeout: 3, extraArgs: ['--max-body', '200000'] }));
});
after(async () => { await emsp?.close(); await stopAll({ srv, peer, pg }); });

// the failures a test added; each test ends clean
function clean(since) {
  const mine = oc.failures.slice(since);
  assert.equal(mine.length, 0, `answers that do not match api/openapi.json:\n  ${mine.join('\n  ')}`);
}
const api = (...a) => srv.api(...a);
async function expect(status, method, path, opts) {
  const r = await api(method, path, opts);
  assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return r;
}

// A request with a body but no Content-Length (chunked), and one over --max-body.
function chunked(method, path) {
  return new Promise((resolve, reject) => {
    const req = http.request(srv.base + path, { method, headers: { authorization: 'Bearer test-token-0123456789', 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, res => {
      const c = [];
      res.on('data', x => c.push(x));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(Buffer.concat(c).toString()) }));
    });
    req.on('error', reject);
    req.write('{"a":');
    req.write('1}');
    req.end();
  });
}
// the start of a Server-Sent Events answer: its status, headers and first bytes
function sseStart(path) {
  return new Promise((resolve, reject) => {
    const req = http.get(srv.base + path, { headers: { authorization: 'Bearer test-token-0123456789' } }, res => {
      res.once('data', d => { resolve({ status: res.statusCode, headers: res.headers, body: String(d) }); req.destroy(); });
    });
    req.on('error', e => { if (e.code !== 'ECONNRESET') reject(e); });
  });
}
// an OCPI call with a token
const ocpi = (method, path, token, body) => api(method, path, { token: null, body, headers: token ? { authorization: `Token ${b64(token)}` } : {} });

let cpo, cpo211, locId, chargerId, commandId;

test('meta: health, this document, metrics; a method a path does not list is 405, a path not listed 404', async () => {
  const n = oc.failures.length;
  await expect(200, 'GET', '/healthz', { token: null });
  await expect(200, 'GET', '/livez', { token: null });
  await expect(200, 'GET', '/readyz', { token: null });
  await expect(200, 'GET', '/openapi.json', { token: null });
  await expect(200, 'GET', '/metrics', { token: null });
  await expect(405, 'DELETE', '/healthz');
  await expect(405, 'PATCH', '/ocpi/cpos', { body: {} });
  await expect(404, 'GET', '/ocpi/cpos/1/nothing');
  clean(n);
});

test('catalog: brands, models, a custom model', async () => {
  const n = oc.failures.length;
  await expect(200, 'GET', '/ocpp/catalog/brands');
  await expect(401, 'GET', '/ocpp/catalog/brands', { token: 'not-a-token' });
  await expect(401, 'GET', '/ocpp/catalog/brands', { token: null });
  await expect(200, 'GET', '/ocpp/catalog/brands/schneider/models');
  await expect(404, 'GET', '/ocpp/catalog/brands/nobrand/models');
  await expect(200, 'GET', '/ocpp/catalog/brands/schneider/models/evlink-pro-ac-22kw');
  await expect(404, 'GET', '/ocpp/catalog/brands/schneider/models/nomodel');
  const model = { model_slug: 'x1', name: 'X1', current_type: 'AC', max_power_kw: 11, connector_count: 1, connector_types: ['TYPE2'] };
  await expect(201, 'POST', '/ocpp/catalog/brands/acme/models', { body: model });
  await expect(200, 'GET', '/ocpp/catalog/brands/acme/models/x1');
  await expect(409, 'POST', '/ocpp/catalog/brands/acme/models', { body: model });
  await expect(422, 'POST', '/ocpp/catalog/brands/acme/models', { body: { model_slug: 'X!' } });
  await expect(400, 'POST', '/ocpp/catalog/brands/acme/models', { rawBody: '{"model_slug": ' });
  const r = await chunked('POST', '/ocpp/catalog/brands/acme/models');
  oc.check('POST', '/ocpp/catalog/brands/acme/models', r);
  assert.equal(r.status, 411);
  await expect(413, 'POST', '/ocpp/catalog/brands/acme/models', { rawBody: JSON.stringify({ name: 'x'.repeat(300000) }) });
  clean(n);
});

async function galleries(paths) {
  const n = oc.failures.length;
  for (const p of paths) {
    await expect(200, 'GET', p);
    await expect(200, 'GET', `${p}?type=AC&ocpp_version=OCPP1.6`);
    await expect(422, 'GET', `${p}?type=XX`);
  }
  clean(n);
}
test('CPO template galleries and their filters', () => galleries(['/ocpi/cpos/templates', '/ocpi/templates/cpos']));
// A server bug, reported: the residential-ac-single template's parking_type is PRIVATE,
// not an OCPI 2.2.1 ParkingType (its driveway is ON_DRIVEWAY).
test('location template galleries and their filters', { todo: 'fleet/fleet_catalog.c:42: parking_type "PRIVATE" is not OCPI 2.2.1 (ON_DRIVEWAY)' },
  () => galleries(['/ocpi/templates/locations', '/ocpp/templates/locations']));

test('CPOs: create, list, one, status, report; their errors', async () => {
  const n = oc.failures.length;
  const r = await expect(202, 'POST', '/ocpi/cpos', { body: { template: 'small-urban-ac', ws_url: peer.url, seed: 7, overrides: { locations: 1, chargers_per_location: 1 } } });
  cpo = r.body;
  // the same party again: replaced, with a warning
  await expect(202, 'POST', '/ocpi/cpos?connect_rate=50', { body: { template: 'small-urban-ac', ws_url: peer.url, ttl_seconds: null, overrides: { locations: 1, chargers_per_location: 0 } } });
  cpo211 = (await expect(202, 'POST', '/ocpi/cpos', { body: { template: 'residential-estate', ocpi_version: '2.1.1', country_code: 'BE', party_id: 'RS1', overrides: { locations: 1, chargers_per_location: 1 } } })).body;
  await expect(404, 'POST', '/ocpi/cpos', { body: { template: 'no-such-template' } });
  await expect(422, 'POST', '/ocpi/cpos', { body: { template: 'small-urban-ac', seed: 'x', ttl_seconds: 5 } });
  await expect(422, 'POST', '/ocpi/cpos?connect_rate=0', { body: { template: 'small-urban-ac' } });
  await expect(400, 'POST', '/ocpi/cpos', { rawBody: '{bad' });
  await expect(200, 'GET', '/ocpi/cpos');
  await expect(200, 'GET', '/ocpi/cpos?page=2&limit=1');
  await expect(422, 'GET', '/ocpi/cpos?limit=0');
  await expect(200, 'GET', `/ocpi/cpos/${cpo.cpo_id}`);
  await expect(404, 'GET', '/ocpi/cpos/999999');
  await expect(200, 'GET', cpo.status_url);   // PENDING or on its way
  assert.equal((await waitJob(srv, cpo.status_url)).status, 'READY');
  assert.equal((await waitJob(srv, cpo211.status_url)).status, 'READY');
  await expect(200, 'GET', cpo.status_url);
  await expect(404, 'GET', '/ocpi/cpos/999999/status');
  await expect(200, 'GET', `/ocpi/cpos/${cpo.cpo_id}/report`);
  await expect(404, 'GET', '/ocpi/cpos/999999/report');
  clean(n);
});

test('locations: bulk-create raw and from templates, list, one, patch; their errors', async () => {
  const n = oc.failures.length;
  const P = `/ocpi/cpos/${cpo.cpo_id}/locations`;
  const raw = { name: 'Raw site', address: '1 Test St', city: 'Testville', postal_code: '1000', country: 'NLD',
    coordinates: { latitude: '52.37', longitude: 4.89 }, parking_type: 'ON_STREET', facilities: ['CAFE'],
    opening_times: { twentyfourseven: false, regular_hours: [{ weekday: 1, period_begin: '08:00', period_end: '20:00' }],
      exceptional_closings: [{ period_begin: '2026-12-25T00:00:00Z', period_end: '2026-12-26T00:00:00Z' }] },
    operator: { name: 'Operator', website: 'https://example.invalid', logo: { url: 'https://example.invalid/l.png', category: 'OPERATOR', type: 'png', width: 10, height: 10 } },
    owner: { name: 'Owner' }, images: [{ url: 'https://example.invalid/i.jpg', category: 'LOCATION', type: 'jpg' }],
    directions: [{ language: 'en', text: 'Behind the station' }], charging_when_closed: true, state: 'NH',
    related_locations: [{ latitude: '52.1', longitude: '4.3', name: { language: 'en', text: 'Entrance' } }],
    energy_mix: { is_green_energy: true, energy_sources: [{ source: 'SOLAR', percentage: 100 }], supplier_name: 'Sun' },
    publish_allowed_to: [{ type: 'RFID', uid: 'ABC' }],
    charges: [group(AC16, { charger_ids: ['R1'] })] };
  const a = await expect(202, 'POST', P, { body: { locations: [raw, { template: 'urban-ac-hub', overrides: { name: 'Hub', identity_prefix: 'HUB_' } }] } });
  await expect(200, 'GET', a.body.status_url);
  const job = await waitJob(srv, a.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job));
  await expect(200, 'GET', a.body.status_url);
  locId = job.results.created[0].location_id;
  const b = await expect(202, 'POST', `${P}?connect_rate=10`, { body: [{ ...raw, name: 'Bare array', charges: [] }] });
  await waitJob(srv, b.body.status_url);
  await expect(404, 'POST', '/ocpi/cpos/999999/locations', { body: [raw] });
  await expect(422, 'POST', P, { body: { locations: [{ name: 'no coordinates' }, { template: 'no-such' }] } });
  await expect(422, 'POST', P, { body: [] });
  await expect(400, 'POST', P, { rawBody: '[{' });
  await expect(404, 'GET', `${P}/jobs/${ZERO}`);
  await expect(200, 'GET', P);
  await expect(404, 'GET', '/ocpi/cpos/999999/locations');
  await expect(422, 'GET', `${P}?page=0`);
  await expect(200, 'GET', `${P}/${locId}`);
  await expect(404, 'GET', `${P}/${ZERO}`);
  await expect(200, 'PATCH', `${P}/${locId}`, { body: { name: 'Renamed', coordinates: { latitude: '52.1', longitude: '4.2' }, ocpi: { facilities: ['WIFI'] } } });
  await expect(422, 'PATCH', `${P}/${locId}`, { body: { colour: 'blue' } });
  await expect(404, 'PATCH', `${P}/${ZERO}`, { body: { name: 'x' } });
  clean(n);
});

test('chargers: create, job, list, one, update; their errors', async () => {
  const n = oc.failures.length;
  const P = `/ocpp/locations/${locId}/chargers`;
  const r = await expect(202, 'POST', P, { body: [group(AC16, { charger_ids: ['OA1', 'OA2'] }), group({ ...DC201, identity_prefix: 'DC_' }, { chargers_number: 1 })] });
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job));
  await expect(200, 'GET', r.body.status_url);
  chargerId = job.results.created[0].charger_id;
  await expect(404, 'GET', `${P}/jobs/${ZERO}`);
  // a job that FAILS (no CSMS at its ws_url): failed results, a FAILED charger
  const f = await expect(202, 'POST', P, { body: [group({ ...AC16, ws_url: 'ws://127.0.0.1:9/ocpp' }, { charger_ids: ['DEAD1'] })] });
  const failed = await waitJob(srv, f.body.status_url, { timeoutMs: 30000 });
  assert.equal(failed.status, 'FAILED', JSON.stringify(failed));
  await expect(200, 'GET', f.body.status_url);
  await expect(200, 'GET', `/ocpp/chargers/${failed.results.failed[0].charger_id}`);
  const cf = await expect(200, 'GET', `/ocpp/chargers/${failed.results.failed[0].charger_id}/logs?event=connect_failed`);
  assert.ok(cf.body.data.length > 0);
  await expect(202, 'POST', '/ocpp/commands/plug', { body: { target: { location_id: locId, charger_ids: [failed.results.failed[0].charger_id] } } });
  await expect(200, 'DELETE', `/ocpp/chargers/${failed.results.failed[0].charger_id}`);
  await expect(404, 'POST', `/ocpp/locations/${ZERO}/chargers`, { body: [group(AC16, { charger_ids: ['X'] })] });
  await expect(422, 'POST', P, { body: [group(AC16, { charger_ids: ['OA1'] }), { template: { brand_slug: 'nope' } }] });
  await expect(400, 'POST', P, { rawBody: 'nope' });
  await expect(200, 'GET', P);
  await expect(200, 'GET', `${P}?status=READY&ocpp_version=OCPP2.0.1&limit=1`);
  await expect(422, 'GET', `${P}?status=SLEEPING`);
  await expect(404, 'GET', `/ocpp/locations/${ZERO}/chargers`);
  await expect(200, 'GET', '/ocpp/chargers');
  await expect(200, 'GET', `/ocpp/chargers?location_id=${locId}`);
  await expect(404, 'GET', `/ocpp/chargers?location_id=${ZERO}`);
  await expect(422, 'GET', '/ocpp/chargers?location_id=not-a-uuid');
  await until(async () => (await api('GET', `/ocpp/chargers/${chargerId}`)).body.connected, { what: 'connected' });
  await expect(200, 'GET', `/ocpp/chargers/${chargerId}`);
  await expect(404, 'GET', `/ocpp/chargers/${ZERO}`);
  await expect(200, 'PUT', P, { body: { template_name: 'Bay', charger_ids: ['OA1', 'nobody'] } });
  await expect(422, 'PUT', P, { body: {} });
  await expect(404, 'PUT', `/ocpp/locations/${ZERO}/chargers`, { body: { template_name: 'x' } });
  await expect(200, 'PUT', `/ocpp/chargers/${chargerId}`, { body: { template_name: 'Post' } });
  await expect(422, 'PUT', `/ocpp/chargers/${chargerId}`, { body: { ocpp_version: 'OCPP9' } });
  await expect(404, 'PUT', `/ocpp/chargers/${ZERO}`, { body: { template_name: 'x' } });
  clean(n);
});

test('commands: queue, read back; their errors', async () => {
  const n = oc.failures.length;
  const q = await expect(202, 'POST', '/ocpp/commands/plug', { body: { target: { charger_id: chargerId }, connector_id: 1 } });
  commandId = q.body.results[0].command_id;
  await expect(202, 'POST', '/ocpp/commands/set-configuration', { body: { target: { location_id: locId, charger_ids: [chargerId, 'nobody'] }, key: 'HeartbeatInterval', value: '120' } });
  await until(async () => (await api('GET', `/ocpp/commands/${commandId}`)).body.status === 'DONE', { what: 'plug done' });
  await expect(202, 'POST', '/ocpp/commands/start-session', { body: { target: { charger_id: chargerId }, id_tag: 'TAG1' } });
  await expect(200, 'GET', `/ocpp/commands/${commandId}`);
  await until(async () => (await api('GET', `/ocpp/chargers/${chargerId}`)).body.live?.connectors?.[0]?.transaction, { what: 'a session' });
  await expect(200, 'GET', `/ocpp/chargers/${chargerId}`);   // with a transaction in its live state
  await expect(404, 'GET', `/ocpp/commands/${ZERO}`);
  await expect(404, 'POST', '/ocpp/commands/dance', { body: { target: { charger_id: chargerId } } });
  await expect(404, 'POST', '/ocpp/commands/plug', { body: { target: { charger_id: ZERO } } });
  await expect(404, 'POST', '/ocpp/commands/plug', { body: { target: { location_id: ZERO } } });
  await expect(422, 'POST', '/ocpp/commands/authorize', { body: { target: {}, colour: 1 } });
  await expect(400, 'POST', '/ocpp/commands/plug', { rawBody: '{' });
  clean(n);
});

test('logs: a page of a charger and of a location, and the live stream', async () => {
  const n = oc.failures.length;
  await expect(200, 'GET', `/ocpp/chargers/${chargerId}/logs?limit=5`);
  await expect(200, 'GET', `/ocpp/chargers/${chargerId}/logs?event=frame&direction=out`);
  await expect(200, 'GET', `/ocpp/locations/${locId}/logs?event=connected`);
  await expect(422, 'GET', `/ocpp/chargers/${chargerId}/logs?event=party`);
  await expect(422, 'GET', `/ocpp/locations/${locId}/logs?limit=0`);
  await expect(404, 'GET', `/ocpp/chargers/${ZERO}/logs`);
  await expect(404, 'GET', `/ocpp/locations/${ZERO}/logs`);
  for (const p of [`/ocpp/chargers/${chargerId}/logs?follow=1&start_date=2000-01-01T00:00:00Z`, `/ocpp/locations/${locId}/logs?follow=1&start_date=2000-01-01T00:00:00Z`]) {
    const r = await sseStart(p);
    oc.check('GET', p, r);
    assert.equal(r.status, 200);
  }
  clean(n);
});

test('OCPI: versions, details, the credentials handshake, the locations module (2.2.1 and 2.1.1)', async () => {
  const n = oc.failures.length;
  for (const [c, v, creds] of [[cpo, '2.2.1', emsp.creds221], [cpo211, '2.1.1', emsp.creds211]]) {
    const P = `/ocpi/${c.cpo_id}`;
    const r = await ocpi('GET', `${P}/versions`, c.token_a);
    assert.equal(r.status, 200);
    assert.equal((await ocpi('GET', `${P}/versions`, 'bad-token')).status, 401);
    assert.equal((await ocpi('GET', '/ocpi/999999/versions', c.token_a)).status, 404);
    assert.equal((await ocpi('GET', `${P}/${v}`, c.token_a)).status, 200);
    assert.equal((await ocpi('GET', `${P}/${v}/credentials`, c.token_a)).status, 405);
    assert.equal((await ocpi('PUT', `${P}/${v}/credentials`, c.token_a, creds('token-b'))).status, 405);
    assert.equal((await ocpi('POST', `${P}/${v}/credentials`, c.token_a, { url: 'x' })).status, 400);
    const reg = await ocpi('POST', `${P}/${v}/credentials`, c.token_a, creds('token-b'));
    assert.equal(reg.status, 200, JSON.stringify(reg.body));
    let tokenC = reg.body.data.token;
    assert.equal((await ocpi('POST', `${P}/${v}/credentials`, tokenC, creds('token-b'))).status, 405);
    assert.equal((await ocpi('GET', `${P}/${v}/credentials`, tokenC)).status, 200);
    const upd = await ocpi('PUT', `${P}/${v}/credentials`, tokenC, creds('token-b2'));
    assert.equal(upd.status, 200, JSON.stringify(upd.body));
    tokenC = upd.body.data.token;
    const page = await ocpi('GET', `${P}/${v}/locations?limit=1`, tokenC);
    assert.equal(page.status, 200);
    assert.equal((await ocpi('GET', `${P}/${v}/locations?limit=0`, tokenC)).status, 400);
    const l = page.body.data[0], e = l.evses[0];
    const connector = e.connectors[0].id;
    assert.equal((await ocpi('GET', `${P}/${v}/locations/${l.id}`, tokenC)).status, 200);
    if (v === '2.2.1') {   // the raw location: with the OCPI fields it was given and patched
      const raw = await ocpi('GET', `${P}/${v}/locations/${locId}`, tokenC);
      assert.equal(raw.status, 200);
      assert.deepEqual([raw.body.data.parking_type, raw.body.data.facilities], ['ON_STREET', ['WIFI']]);
    }
    assert.equal((await ocpi('GET', `${P}/${v}/locations/${ZERO}`, tokenC)).status, 404);
    assert.equal((await ocpi('GET', `${P}/${v}/locations/${l.id}/${e.uid}`, tokenC)).status, 200);
    assert.equal((await ocpi('GET', `${P}/${v}/locations/${l.id}/${e.uid}/${connector}`, tokenC)).status, 200);
    assert.equal((await ocpi('GET', `${P}/${v}/locations/${l.id}/${e.uid}/99`, tokenC)).status, 404);
    assert.equal((await ocpi('DELETE', `${P}/${v}/credentials`, tokenC)).status, 200);
    assert.equal((await ocpi('DELETE', `${P}/${v}/credentials`, tokenC)).status, 401);
  }
  clean(n);
});

test('deletes: one charger, some, all of a location, a location, a CPO', async () => {
  const n = oc.failures.length;
  const P = `/ocpp/locations/${locId}/chargers`;
  await expect(200, 'DELETE', `/ocpp/chargers/${chargerId}`);
  await expect(404, 'DELETE', `/ocpp/chargers/${chargerId}`);
  await expect(200, 'DELETE', `${P}?charger_ids=OA2,nobody`);
  await expect(200, 'DELETE', P);
  await expect(404, 'DELETE', `/ocpp/locations/${ZERO}/chargers`);
  await expect(200, 'DELETE', `/ocpi/cpos/${cpo.cpo_id}/locations/${locId}`);
  await expect(404, 'DELETE', `/ocpi/cpos/${cpo.cpo_id}/locations/${ZERO}`);
  await expect(200, 'DELETE', `/ocpi/cpos/${cpo.cpo_id}`);
  await expect(404, 'DELETE', '/ocpi/cpos/999999');
  clean(n);
});

// The answers every operation shares, asked of each operation the document lists: a bad
// bearer token (401), a body without Content-Length (411) or over --max-body (413), a
// body that is not JSON (400, where the REST API parses it).
test('every operation: 401, 411, 413 and 400 where it documents them', async () => {
  const n = oc.failures.length;
  const sample = { cpo_id: '999999', location_id: ZERO, charger_id: ZERO, job_id: ZERO, brand: 'acme', model: 'x1',
    cpo: '999999', evse_uid: 'x', connector_id: '1', command: 'plug' };
  let asked = 0;
  for (const [t, item] of Object.entries(oc.doc.paths)) {
    const path = t.replace(/\{(\w+)\}/g, (_, k) => sample[k] ?? assert.fail(`no sample for {${k}}`));
    for (const m of ['get', 'post', 'put', 'patch', 'delete']) {
      const o = item[m];
      if (!o) continue;
      const M = m.toUpperCase();
      if ('401' in o.responses && !o.security) {
        await expect(401, M, path, { token: 'not-a-token', body: o.requestBody ? {} : undefined });
        asked++;
      }
      if (o.security?.[0]?.ocpiToken) {   // OCPI: an unknown CPO (404), a bad token (401)
        assert.equal((await ocpi(M, path, 'bad-token', o.requestBody ? {} : undefined)).status, 404, `${M} ${path}`);
        const mine = t.replace(/\{(\w+)\}/g, (_, k) => k === 'cpo' ? cpo211.cpo_id : sample[k]);
        assert.equal((await ocpi(M, mine, 'bad-token', o.requestBody ? {} : undefined)).status, 401, `${M} ${mine}`);
        asked += 2;
      }
      if (o.requestBody) {
        const r = await chunked(M, path);
        oc.check(M, path, r);
        assert.equal(r.status, 411, `${M} ${path}`);
        await expect(413, M, path, { rawBody: JSON.stringify({ x: 'y'.repeat(300000) }) });
        if (!o.security) await expect(400, M, path, { rawBody: '{"not json' });
        asked += 3;
      }
    }
  }
  await expect(422, 'DELETE', `/ocpp/locations/${ZERO}/chargers?charger_ids=,`);
  assert.ok(asked > 50, `${asked} asked`);
  clean(n);
});

// The database away: 503, in the REST API's shape and in OCPI's.
test('database down: 503 with detail (and OCPI 3000)', async () => {
  const n = oc.failures.length;
  pg.pause();
  try {
    await until(async () => (await api('GET', '/healthz', { token: null })).status === 503, { what: 'healthz 503' });
    await expect(503, 'GET', '/readyz', { token: null });
    await expect(503, 'GET', '/ocpi/cpos');
    await expect(503, 'POST', '/ocpi/cpos', { body: { template: 'small-urban-ac' } });
    await expect(503, 'GET', `/ocpp/chargers/${ZERO}`);
    await expect(503, 'GET', '/ocpp/catalog/brands');
    assert.equal((await ocpi('GET', `/ocpi/${cpo211.cpo_id}/versions`, cpo211.token_a)).status, 503);
  } finally {
    pg.resume();
  }
  await until(async () => (await api('GET', '/healthz', { token: null })).status === 200, { what: 'healthz 200 again', timeoutMs: 60000 });
  clean(n);
});

test('every operation of the document was answered with a success', () => {
  const ops = new Set(oc.documented().map(s => s.split(' ').slice(0, 2).join(' ')));
  const ok = new Set([...oc.seen].filter(s => /^2/.test(s.split(' ')[2])).map(s => s.split(' ').slice(0, 2).join(' ')));
  const missing = [...ops].filter(o => !ok.has(o));
  assert.deepEqual(missing, [], 'operations never answered with a 2xx here');
  // (the known server bugs of the todo tests above are left out)
  const others = oc.failures.filter(f => !/^GET \/ocp[ip]\/templates\/locations/.test(f));
  assert.equal(others.length, 0, others.join('\n'));
  // what the document lists and this never saw (informational: 500, 503, ...)
  const unseen = oc.documented().filter(s => !oc.seen.has(s) && !/ 500$/.test(s));
  if (unseen.length) console.log(`# documented answers not exercised here:\n#   ${unseen.join('\n#   ')}`);
});
