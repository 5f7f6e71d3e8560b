// Each CPO is an OCPI 2.2.1 party. A small independent eMSP written here registers with
// token A (credentials handshake: we fetch its versions and details with its token B
// and get token C), then reads the locations module with OCPI paging; EVSE status
// follows the simulated chargers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startPostgres, startPeer, startServe, waitJob, until, freePort, request, stopAll } from './harness.mjs';

let pg, peer, srv, cpo, emsp;
const b64 = s => Buffer.from(s).toString('base64');

// The eMSP: versions and version details behind its token B; records what it saw.
async function startEmsp() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/emsp`;
  const e = { base, tokens: new Set(['token-b-1']), seen: [], broken: false, patches: [], failPatches: 0 };
  const ok = data => JSON.stringify({ data, status_code: 1000, status_message: 'Success', timestamp: new Date().toISOString() });
  e.server = http.createServer((req, res) => {
    e.seen.push({ method: req.method, url: req.url, auth: req.headers.authorization });
    const token = (req.headers.authorization ?? '').replace(/^Token /, '');
    const decoded = Buffer.from(token, 'base64').toString();
    res.setHeader('content-type', 'application/json');
    if (!e.tokens.has(decoded) && !e.tokens.has(token)) { res.statusCode = 401; return res.end(JSON.stringify({ status_code: 2001, status_message: 'bad token', timestamp: new Date().toISOString() })); }
    if (e.broken) { res.statusCode = 500; return res.end('{}'); }
    if (req.method === 'PATCH' && /^\/emsp\/2\.[12]\.1\/locations\//.test(req.url)) {
      const chunks = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        if (e.failPatches > 0) { e.failPatches--; res.statusCode = 503; return res.end('{}'); }
        e.patches.push({ path: req.url.slice('/emsp/2.2.1/locations/'.length), version: req.url.slice(6, 11),
          auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) });
        res.end(JSON.stringify({ status_code: 1000, status_message: 'Success', timestamp: new Date().toISOString() }));
      });
      return;
    }
    if (req.url === '/emsp/versions') return res.end(ok([{ version: '2.1.1', url: `${base}/2.1.1` }, { version: '2.2.1', url: `${base}/2.2.1` }]));
    if (req.url === '/emsp/2.1.1') return res.end(ok({ version: '2.1.1', endpoints: [
      { identifier: 'credentials', url: `${base}/2.1.1/credentials` }, { identifier: 'locations', url: `${base}/2.1.1/locations` }] }));
    if (req.url === '/emsp/2.2.1') return res.end(ok({ version: '2.2.1', endpoints: [
      { identifier: 'credentials', role: 'RECEIVER', url: `${base}/2.2.1/credentials` },
      { identifier: 'locations', role: 'RECEIVER', url: `${base}/2.2.1/locations` }] }));
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise(r => e.server.listen(port, '127.0.0.1', r));
  e.credentials = (token, url = `${base}/versions`) => ({ token, url, roles: [{ role: 'EMSP', party_id: 'EMS', country_code: 'NL', business_details: { name: 'Test eMSP' } }] });
  e.close = () => new Promise(r => e.server.close(r));
  return e;
}

// An OCPI call with `Authorization: Token <base64(token)>` (raw: the token as is).
const ocpi = (method, path, token, { body, raw = false } = {}) =>
  request(srv.base, method, path, { token: null, body, headers: token ? { authorization: `Token ${raw ? token : b64(token)}` } : {} });

function assertOcpi(r, http, code) {
  assert.equal(r.status, http, JSON.stringify(r.body));
  assert.equal(r.body.status_code, code, JSON.stringify(r.body));
  assert.equal(typeof r.body.timestamp, 'string');
}

before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  emsp = await startEmsp();
  srv = await startServe({ db: pg.url });
  const r = await srv.api('POST', '/ocpi/cpos', {
    body: { template: 'small-urban-ac', ws_url: peer.url, overrides: { locations: 3, chargers_per_location: 1 } } });
  assert.equal(r.status, 202);
  cpo = r.body;
  assert.equal((await waitJob(srv, cpo.status_url)).status, 'READY');
});
after(async () => { await emsp?.close(); await stopAll({ srv, peer, pg }); });

const P = () => `/ocpi/${cpo.cpo_id}`;

test('versions and version details with token A, base64 or raw; bad tokens are 401/2001', async () => {
  assert.equal(cpo.ocpi_peer_url, `${srv.base}${P()}/versions`);
  for (const raw of [false, true]) {
    const v = await ocpi('GET', `${P()}/versions`, cpo.token_a, { raw });
    assertOcpi(v, 200, 1000);
    assert.deepEqual(v.body.data, [{ version: '2.2.1', url: `${srv.base}${P()}/2.2.1` }]);
  }
  const d = await ocpi('GET', `${P()}/2.2.1`, cpo.token_a);
  assertOcpi(d, 200, 1000);
  assert.deepEqual(d.body.data.endpoints.map(e => `${e.identifier}:${e.role}`).sort(),
    ['credentials:RECEIVER', 'credentials:SENDER', 'locations:SENDER']);
  assertOcpi(await ocpi('GET', `${P()}/versions`, 'wrong'), 401, 2001);
  assertOcpi(await ocpi('GET', `${P()}/versions`, null), 401, 2001);
  assertOcpi(await ocpi('GET', `/ocpi/999999/versions`, cpo.token_a), 404, 2000);
  // token A does not read locations, nor credentials
  assertOcpi(await ocpi('GET', `${P()}/2.2.1/locations`, cpo.token_a), 401, 2001);
  assertOcpi(await ocpi('GET', `${P()}/2.2.1/credentials`, cpo.token_a), 405, 2000);
  // the API's bearer token is not an OCPI token
  assertOcpi(await request(srv.base, 'GET', `${P()}/versions`), 401, 2001);
});

test('a bad credentials body is 2001, an unusable eMSP API is 3001; token A stays valid', async () => {
  assertOcpi(await ocpi('POST', `${P()}/2.2.1/credentials`, cpo.token_a, { body: { url: `${emsp.base}/versions` } }), 400, 2001);
  const r = await ocpi('POST', `${P()}/2.2.1/credentials`, cpo.token_a, { body: { ...emsp.credentials('token-b-1'), roles: [{ role: 'BOSS' }] } });
  assertOcpi(r, 400, 2001);
  assert.match(r.body.status_message, /roles\[0\]\.role/);
  const bad = await ocpi('POST', `${P()}/2.2.1/credentials`, cpo.token_a, { body: emsp.credentials('not-known-to-emsp') });
  assertOcpi(bad, 400, 3001);
  assert.match(bad.body.status_message, /HTTP 401/);
  const down = await ocpi('POST', `${P()}/2.2.1/credentials`, cpo.token_a, { body: emsp.credentials('token-b-1', 'http://127.0.0.1:1/versions') });
  assertOcpi(down, 400, 3001);
  assertOcpi(await ocpi('GET', `${P()}/versions`, cpo.token_a), 200, 1000);
});

let tokenC;
test('registration: we fetch the eMSP with base64(token B), answer token C; A is used up', async () => {
  emsp.seen.length = 0;
  const r = await ocpi('POST', `${P()}/2.2.1/credentials`, cpo.token_a, { body: emsp.credentials('token-b-1') });
  assertOcpi(r, 200, 1000);
  tokenC = r.body.data.token;
  assert.match(tokenC, /^[0-9a-f]{64}$/);
  assert.equal(r.body.data.url, `${srv.base}${P()}/versions`);
  assert.deepEqual(r.body.data.roles, [{ role: 'CPO', party_id: cpo.party.party_id, country_code: cpo.party.country_code, business_details: { name: cpo.name_prefix } }]);
  assert.deepEqual(emsp.seen.map(s => `${s.method} ${s.url} ${s.auth}`),
    [`GET /emsp/versions Token ${b64('token-b-1')}`, `GET /emsp/2.2.1 Token ${b64('token-b-1')}`]);
  assertOcpi(await ocpi('GET', `${P()}/versions`, cpo.token_a), 401, 2001);
  assertOcpi(await ocpi('POST', `${P()}/2.2.1/credentials`, tokenC, { body: emsp.credentials('token-b-1') }), 405, 2000);
  const g = await ocpi('GET', `${P()}/2.2.1/credentials`, tokenC);
  assertOcpi(g, 200, 1000);
  assert.equal(g.body.data.token, tokenC);
});

test('locations module: OCPI paging headers, Location / EVSE / Connector objects', async () => {
  const first = await ocpi('GET', `${P()}/2.2.1/locations?limit=2`, tokenC);
  assertOcpi(first, 200, 1000);
  assert.equal(first.headers['x-total-count'], '3');
  assert.equal(first.headers['x-limit'], '2');
  const next = first.headers.link.match(/^<([^>]+)>; rel="next"$/);
  assert.ok(next, first.headers.link);
  const second = await ocpi('GET', next[1].replace(srv.base, ''), tokenC);
  assertOcpi(second, 200, 1000);
  assert.equal(second.body.data.length, 1);
  assert.equal(second.headers.link, undefined);
  const all = [...first.body.data, ...second.body.data];
  assert.equal(new Set(all.map(l => l.id)).size, 3);
  for (const l of all) {
    assert.equal(l.country_code, cpo.party.country_code);
    assert.equal(l.party_id, cpo.party.party_id);
    assert.equal(l.publish, true);
    assert.match(l.coordinates.latitude, /^-?[0-9]{1,2}\.[0-9]{5,7}$/);
    assert.match(l.coordinates.longitude, /^-?[0-9]{1,3}\.[0-9]{5,7}$/);
    assert.match(l.country, /^[A-Z]{3}$/);
    assert.ok(l.time_zone && l.last_updated && l.address && l.city);
    assert.ok(l.evses.length >= 1);
    for (const e of l.evses) {
      assert.ok(e.uid.length <= 36);
      assert.match(e.evse_id, /^[A-Z]{2}\*[A-Z0-9]{3}\*E[A-Z0-9*]{1,30}$/);
      assert.equal(e.status, 'AVAILABLE');
      assert.equal(e.connectors.length, 1);
      const c = e.connectors[0];
      assert.ok(['IEC_62196_T2', 'IEC_62196_T2_COMBO', 'CHADEMO'].includes(c.standard), c.standard);
      assert.ok(['SOCKET', 'CABLE'].includes(c.format));
      assert.ok(['AC_3_PHASE', 'DC'].includes(c.power_type));
      assert.ok(c.max_voltage > 0 && c.max_amperage > 0 && c.max_electric_power > 0);
    }
  }
  const l = all[0], e = l.evses[0];
  assert.deepEqual((await ocpi('GET', `${P()}/2.2.1/locations/${l.id}`, tokenC)).body.data, l);
  assert.deepEqual((await ocpi('GET', `${P()}/2.2.1/locations/${l.id}/${e.uid}`, tokenC)).body.data, e);
  assert.deepEqual((await ocpi('GET', `${P()}/2.2.1/locations/${l.id}/${e.uid}/1`, tokenC)).body.data, e.connectors[0]);
  assertOcpi(await ocpi('GET', `${P()}/2.2.1/locations/${l.id}/${e.uid}/2`, tokenC), 404, 2003);
  assertOcpi(await ocpi('GET', `${P()}/2.2.1/locations/${l.id}/nope`, tokenC), 404, 2003);
  assertOcpi(await ocpi('GET', `${P()}/2.2.1/locations/00000000-0000-0000-0000-000000000000`, tokenC), 404, 2003);
  // date filters and bad paging
  const future = new Date(Date.now() + 3600e3).toISOString();
  const none = await ocpi('GET', `${P()}/2.2.1/locations?date_from=${future}`, tokenC);
  assert.deepEqual([none.body.data, none.headers['x-total-count']], [[], '0']);
  assert.equal((await ocpi('GET', `${P()}/2.2.1/locations?date_to=${future}`, tokenC)).body.data.length, 3);
  assertOcpi(await ocpi('GET', `${P()}/2.2.1/locations?offset=-1`, tokenC), 400, 2001);
  assertOcpi(await ocpi('GET', `${P()}/2.2.1/locations?date_from=yesterday`, tokenC), 400, 2001);
});

test('EVSE status follows the simulated charger', async () => {
  const [l] = (await ocpi('GET', `${P()}/2.2.1/locations?limit=1`, tokenC)).body.data;
  const charger = (await srv.api('GET', `/ocpp/locations/${l.id}/chargers`)).body.data[0];
  const statusOf = async () => (await ocpi('GET', `${P()}/2.2.1/locations/${l.id}`, tokenC)).body.data.evses.map(e => e.status);
  assert.ok((await statusOf()).every(s => s === 'AVAILABLE'));
  const evses = (await ocpi('GET', `${P()}/2.2.1/locations/${l.id}`, tokenC)).body.data.evses.map(e => e.uid);
  const pushed = uid => emsp.patches.filter(p => p.path === `${cpo.party.country_code}/${cpo.party.party_id}/${l.id}/${uid}`).map(p => p.body.status);
  // its CSMS goes away: the charger cannot connect
  assert.equal((await srv.api('PUT', `/ocpp/chargers/${charger.charger_id}`, { body: { ws_url: 'ws://127.0.0.1:1/ocpp' } })).status, 200);
  await until(async () => (await statusOf()).every(s => s === 'UNKNOWN'), { what: 'EVSEs UNKNOWN' });
  // the change is pushed to the eMSP (PATCH of each EVSE)
  await until(() => evses.every(uid => pushed(uid).at(-1) === 'UNKNOWN'), { what: 'UNKNOWN pushed' });
  // the eMSP fails the next PATCH: it is retried until accepted
  emsp.failPatches = 1;
  assert.equal((await srv.api('PUT', `/ocpp/chargers/${charger.charger_id}`, { body: { ws_url: peer.url } })).status, 200);
  await until(async () => (await statusOf()).every(s => s === 'AVAILABLE'), { what: 'EVSEs AVAILABLE again' });
  await until(() => evses.every(uid => pushed(uid).at(-1) === 'AVAILABLE'), { what: 'AVAILABLE pushed after a retry', timeoutMs: 20000 });
  assert.equal(emsp.failPatches, 0, 'a PATCH failed once');
  assert.match(srv.log, /PATCH .* HTTP 503 \(will retry\)/);
  for (const p of emsp.patches) assert.match(p.body.last_updated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // other CPOs' EVSEs were not pushed
  assert.ok(emsp.patches.every(p => p.path.startsWith(`${cpo.party.country_code}/${cpo.party.party_id}/`)));
});

// POST /ocpp/commands/{name} on one charger; resolves the command once it ended.
async function command(name, body) {
  const r = await srv.api('POST', `/ocpp/commands/${name}`, { body });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  let doc;
  await until(async () => ['DONE', 'FAILED'].includes((doc = (await srv.api('GET', r.body.results[0].status_url)).body).status),
    { what: `${name} done` });
  return doc;
}

test('an EVSE\'s status is its connector\'s: CHARGING in a session, OUTOFORDER faulted, AVAILABLE after', async () => {
  const [l] = (await ocpi('GET', `${P()}/2.2.1/locations?limit=1`, tokenC)).body.data;
  const charger = (await srv.api('GET', `/ocpp/locations/${l.id}/chargers`)).body.data[0];
  const evse = async () => (await ocpi('GET', `${P()}/2.2.1/locations/${l.id}`, tokenC)).body.data.evses
    .find(e => e.uid === `${charger.charger_id.replaceAll('-', '')}-1`);
  const pushed = uid => emsp.patches.filter(p => p.path.endsWith(`/${l.id}/${uid}`)).map(p => p.body.status);
  await until(async () => (await evse()).status === 'AVAILABLE', { what: 'AVAILABLE before the session' });
  const uid = (await evse()).uid;
  const t0 = Math.floor(Date.now() / 1000) * 1000;
  assert.equal((await command('start-session', { target: { charger_id: charger.charger_id }, id_tag: 'OCPI1' })).status, 'DONE');
  await until(async () => (await srv.api('GET', `/ocpp/chargers/${charger.charger_id}`)).body.live.connectors[0].status === 'Charging',
    { what: 'the connector Charging' });
  await until(async () => (await evse()).status === 'CHARGING', { what: 'the EVSE CHARGING' });
  // its last_updated (and its Location's, which date_from filters on) say when
  const charging = await evse();
  assert.ok(Date.parse(charging.last_updated) >= t0, `${charging.last_updated} >= ${new Date(t0).toISOString()}`);
  const located = (await ocpi('GET', `${P()}/2.2.1/locations?date_from=${new Date(t0).toISOString().replace('.000', '')}`, tokenC)).body.data;
  assert.ok(located.some(x => x.id === l.id), 'the location is among those changed since');
  await until(() => pushed(uid).at(-1) === 'CHARGING', { what: 'CHARGING pushed to the eMSP' });
  assert.equal((await command('stop-session', { target: { charger_id: charger.charger_id } })).status, 'DONE');
  await until(async () => (await evse()).status === 'AVAILABLE', { what: 'the EVSE AVAILABLE after the session' });
  await until(() => pushed(uid).at(-1) === 'AVAILABLE', { what: 'AVAILABLE pushed' });
  assert.equal((await command('inject-fault', { target: { charger_id: charger.charger_id } })).status, 'DONE');
  await until(async () => (await evse()).status === 'OUTOFORDER', { what: 'the EVSE OUTOFORDER' });
  await until(() => pushed(uid).at(-1) === 'OUTOFORDER', { what: 'OUTOFORDER pushed' });
  assert.equal((await command('clear-fault', { target: { charger_id: charger.charger_id } })).status, 'DONE');
  await until(async () => (await evse()).status === 'AVAILABLE', { what: 'AVAILABLE once the fault cleared' });
  // every push delivered before the next test watches what the eMSP is sent
  await until(() => pushed(uid).at(-1) === 'AVAILABLE' && pg.query('SELECT count(*) FROM ocpi_push')[0][0] === '0',
    { what: 'the pushes delivered' });
  assert.deepEqual(peer.failures, []);
});

test('a full OCPI Location given at creation is validated, stored and served back', async () => {
  const ocpiFields = {
    parking_type: 'UNDERGROUND_GARAGE', facilities: ['MALL', 'WIFI'],
    operator: { name: 'eMabler Ops', website: 'https://ops.example' }, suboperator: { name: 'Sub' }, owner: { name: 'Owner BV' },
    opening_times: { twentyfourseven: false, regular_hours: [{ weekday: 1, period_begin: '07:00', period_end: '22:00' }],
      exceptional_closings: [{ period_begin: '2026-12-25T00:00:00Z', period_end: '2026-12-26T00:00:00Z' }] },
    directions: [{ language: 'en', text: 'Level -1' }],
    images: [{ url: 'https://ops.example/site.jpg', category: 'LOCATION', type: 'jpeg' }],
    energy_mix: { is_green_energy: true, energy_sources: [{ source: 'WIND', percentage: 100 }] },
    related_locations: [{ latitude: '52.37100', longitude: '4.88900', name: { language: 'en', text: 'Entrance' } }],
    publish_allowed_to: [{ uid: 'ABC123', type: 'RFID' }], time_zone: 'Europe/Amsterdam', charging_when_closed: false,
  };
  const raw = { name: 'Mall garage', address: 'Kalverstraat 1', city: 'Amsterdam', postal_code: '1012 NX', country: 'NLD',
    coordinates: { latitude: '52.370500', longitude: '4.890100' }, ...ocpiFields,
    charges: [{ template: { brand_slug: 'schneider', model_slug: 'evlink-pro-ac-22kw', ocpp_version: 'OCPP1.6' }, charger_ids: ['MALL1'] }] };
  const bad = await srv.api('POST', `/ocpi/cpos/${cpo.cpo_id}/locations`, { body: [{ ...raw, parking_type: 'CAR_PARK', facilities: ['SPA'], country: 'ZZZ' }] });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.body.detail.map(d => d.loc.join('.')).sort(), ['body.0.country', 'body.0.facilities.0', 'body.0.parking_type']);
  const r = await srv.api('POST', `/ocpi/cpos/${cpo.cpo_id}/locations`, { body: [raw] });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY');
  const id = job.results.created[0].location_id;
  const l = (await ocpi('GET', `${P()}/2.2.1/locations/${id}`, tokenC)).body.data;
  for (const [k, v] of Object.entries(ocpiFields)) assert.deepEqual(l[k], v, k);
  assert.equal(l.name, 'Mall garage');
  assert.deepEqual(l.coordinates, { latitude: '52.370500', longitude: '4.890100' });
  const [mall] = (await srv.api('GET', `/ocpp/locations/${id}/chargers`)).body.data;
  assert.equal(l.evses.length, mall.connectors);   // one EVSE per connector
  // a PATCH of OCPI fields is validated the same way, and merged
  const p = await srv.api('PATCH', `/ocpi/cpos/${cpo.cpo_id}/locations/${id}`, { body: { ocpi: { parking_type: 'ROOF' } } });
  assert.equal(p.status, 422);
  assert.deepEqual(p.body.detail[0].loc, ['body', 'ocpi', 'parking_type']);
  assert.equal((await srv.api('PATCH', `/ocpi/cpos/${cpo.cpo_id}/locations/${id}`, { body: { ocpi: { parking_type: 'PARKING_LOT' } } })).status, 200);
  const after = (await ocpi('GET', `${P()}/2.2.1/locations/${id}`, tokenC)).body.data;
  assert.equal(after.parking_type, 'PARKING_LOT');
  assert.deepEqual(after.facilities, ocpiFields.facilities);
});

test('PUT credentials rotates tokens; DELETE unregisters', async () => {
  emsp.tokens.add('token-b-2');
  emsp.seen.length = 0;
  const r = await ocpi('PUT', `${P()}/2.2.1/credentials`, tokenC, { body: emsp.credentials('token-b-2') });
  assertOcpi(r, 200, 1000);
  const tokenC2 = r.body.data.token;
  assert.notEqual(tokenC2, tokenC);
  assert.equal(emsp.seen[0].auth, `Token ${b64('token-b-2')}`);
  assertOcpi(await ocpi('GET', `${P()}/2.2.1/locations`, tokenC), 401, 2001);
  assertOcpi(await ocpi('GET', `${P()}/2.2.1/locations`, tokenC2), 200, 1000);
  assertOcpi(await ocpi('DELETE', `${P()}/2.2.1/credentials`, tokenC2), 200, 1000);
  assertOcpi(await ocpi('GET', `${P()}/2.2.1/locations`, tokenC2), 401, 2001);
});

// Runs a CPO's roam_helper curl snippet with the eMSP's values filled in; the answer.
async function runSnippet(helper) {
  const cmd = helper.curl_snippet.replace('<YOUR TOKEN B>', 'token-b-1').replace('<YOUR VERSIONS URL>', `${emsp.base}/versions`)
    .replace('<PTY>', 'EMS').replace('<CC>', 'NL').replace('<YOUR NAME>', 'Test eMSP');
  assert.doesNotMatch(cmd, /<[A-Z ]+>/);
  const { execFile } = await import('node:child_process');
  const out = await new Promise((res, rej) => execFile('sh', ['-c', `${cmd} -s`], (e, so) => e ? rej(e) : res(so)));
  return JSON.parse(out);
}

test('roam_helper: the curl snippet performs the handshake as printed', async () => {
  const r = await srv.api('POST', '/ocpi/cpos', { body: { template: 'residential-estate', ws_url: peer.url, overrides: { locations: 1, chargers_per_location: 0 } } });
  assert.equal(r.status, 202);
  const h = r.body.roam_helper;
  assert.equal(h.credentials_payload.token, r.body.token_a);
  assert.equal(h.credentials_payload.url, r.body.ocpi_peer_url);
  assert.equal(h.credentials_payload.roles[0].party_id, r.body.party.party_id);
  const body = await runSnippet(h);
  assert.equal(body.status_code, 1000, JSON.stringify(body));
  assert.match(body.data.token, /^[0-9a-f]{64}$/);
});

test('an OCPI 2.1.1 network: 2.1.1 credentials and Locations, parking_type ignored', async () => {
  const r = await srv.api('POST', '/ocpi/cpos', { body: { template: 'residential-estate', ws_url: peer.url, ocpi_version: '2.1.1', overrides: { locations: 1, chargers_per_location: 1 } } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.ocpi_version, '2.1.1');
  await waitJob(srv, r.body.status_url);
  const id = r.body.cpo_id, A = r.body.token_a;
  const raw = { name: 'Old network site', address: 'Stationsplein 1', city: 'Utrecht', country: 'NLD',
    coordinates: { latitude: '52.089', longitude: '5.110' }, parking_type: 'ON_STREET', type: 'PARKING_LOT',
    charges: [{ template: { brand_slug: 'schneider', model_slug: 'evlink-pro-ac-22kw', ocpp_version: 'OCPP1.6' }, charger_ids: ['OLD1'] }] };
  const loc = await srv.api('POST', `/ocpi/cpos/${id}/locations`, { body: [raw] });
  assert.equal(loc.status, 202, JSON.stringify(loc.body));
  assert.equal((await srv.api('POST', `/ocpi/cpos/${id}/locations`, { body: [{ ...raw, type: 'CAR_PARK' }] })).status, 422);
  await waitJob(srv, loc.body.status_url);
  const v = await ocpi('GET', `/ocpi/${id}/versions`, A, { raw: true });
  assertOcpi(v, 200, 1000);
  assert.deepEqual(v.body.data, [{ version: '2.1.1', url: `${srv.base}/ocpi/${id}/2.1.1` }]);
  assertOcpi(await ocpi('GET', `/ocpi/${id}/2.2.1`, A, { raw: true }), 404, 2000);
  const d = await ocpi('GET', `/ocpi/${id}/2.1.1`, A, { raw: true });
  assert.ok(d.body.data.endpoints.every(e => !('role' in e)));
  // 2.1.1 credentials: the party at the top level; the eMSP is called with its raw token
  emsp.seen.length = 0;
  const cred = { token: 'token-b-1', url: `${emsp.base}/versions`, party_id: 'EMS', country_code: 'NL', business_details: { name: 'Old eMSP' } };
  assertOcpi(await ocpi('POST', `/ocpi/${id}/2.1.1/credentials`, A, { raw: true, body: { ...cred, party_id: 'TOOLONG' } }), 400, 2001);
  const reg = await ocpi('POST', `/ocpi/${id}/2.1.1/credentials`, A, { raw: true, body: cred });
  assertOcpi(reg, 200, 1000);
  assert.deepEqual(Object.keys(reg.body.data).sort(), ['business_details', 'country_code', 'party_id', 'token', 'url']);
  assert.deepEqual(emsp.seen.map(s => `${s.url} ${s.auth}`), ['/emsp/versions Token token-b-1', '/emsp/2.1.1 Token token-b-1']);
  const C = reg.body.data.token;
  const list = await ocpi('GET', `/ocpi/${id}/2.1.1/locations`, C, { raw: true });
  assertOcpi(list, 200, 1000);
  const site = list.body.data.find(l => l.name === 'Old network site');
  assert.ok(site);
  assert.equal(site.type, 'PARKING_LOT');
  for (const k of ['parking_type', 'country_code', 'party_id', 'publish']) assert.ok(!(k in site), k);
  const c = site.evses[0].connectors[0];
  assert.ok(c.voltage > 0 && c.amperage > 0 && !('max_voltage' in c) && !('max_electric_power' in c));
  const tmpl = list.body.data.find(l => l !== site);
  assert.equal(tmpl.type, 'UNKNOWN');
  // status changes are pushed to a 2.1.1 eMSP with its raw token
  const [old1] = (await srv.api('GET', `/ocpp/locations/${site.id}/chargers`)).body.data;
  assert.equal((await srv.api('PUT', `/ocpp/chargers/${old1.charger_id}`, { body: { ws_url: 'ws://127.0.0.1:1/ocpp' } })).status, 200);
  await until(() => emsp.patches.some(p => p.version === '2.1.1' && p.path.includes(site.id) && p.body.status === 'UNKNOWN'),
    { what: 'a PATCH to the 2.1.1 eMSP' });
  assert.ok(emsp.patches.filter(p => p.version === '2.1.1').every(p => p.auth === 'Token token-b-1'));
  // a second 2.1.1 CPO registers through its printed curl snippet
  const r2 = await srv.api('POST', '/ocpi/cpos', { body: { template: 'residential-estate', ws_url: peer.url, ocpi_version: '2.1.1', overrides: { locations: 1, chargers_per_location: 0 } } });
  assert.equal(r2.status, 202);
  const h = r2.body.roam_helper;
  assert.equal(h.credentials_payload.party_id, r2.body.party.party_id);
  assert.ok(!('roles' in h.credentials_payload));
  assert.match(h.curl_snippet, new RegExp(`Authorization: Token ${r2.body.token_a}'`));
  const body = await runSnippet(h);
  assert.equal(body.status_code, 1000, JSON.stringify(body));
  assert.deepEqual(Object.keys(body.data).sort(), ['business_details', 'country_code', 'party_id', 'token', 'url']);
});
