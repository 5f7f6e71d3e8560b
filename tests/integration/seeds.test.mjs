// The seed pages' examples, verbatim: every example request body of ../shared/seeds (read
// from those files, not retyped) against a serve started without --default-ws-url, the
// strict peer as the CSMS: 202, READY, and the fields they sent visible in the API and
// over OCPI. The one change a user makes is allowed: ws_url points at a CSMS they have.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { startPostgres, startPeer, startServe, waitJob, until, request, stopAll, startMiniEmsp } from './harness.mjs';

const SEEDS = new URL('../../../shared/seeds/', import.meta.url).pathname;

// Every ```python example of a seed page: {file, title, path, body}. The body is the
// page's Python literal read as JSON (True/False/None are Python's spellings).
function examples() {
  const out = [];
  for (const file of readdirSync(SEEDS).filter(f => f.endsWith('.txt')).sort()) {
    const text = readFileSync(SEEDS + file, 'utf8');
    for (const m of text.matchAll(/```python([^\n]*)\n([\s\S]*?)```/g)) {
      const code = m[2];
      const url = code.match(/^url = "https:\/\/host\.com([^"]+)"/m)?.[1];
      const literal = code.match(/^payload = ([\s\S]*?)\nheaders = /m)?.[1];
      if (!url || !literal) continue;
      const json = literal.replace(/\bTrue\b/g, 'true').replace(/\bFalse\b/g, 'false').replace(/\bNone\b/g, 'null');
      out.push({ file, title: m[1].trim() || '(untitled)', path: url, body: JSON.parse(json) });
    }
  }
  return out;
}

const all = examples();
const of = prefix => all.filter(e => e.file.startsWith(prefix));

let pg, peer, srv, emsp, cpo, tokenC;
const b64 = s => Buffer.from(s).toString('base64');


const ocpi = (method, path, token, body) =>
  request(srv.base, method, path, { token: null, body, headers: { authorization: `Token ${b64(token)}` } });

async function ocpiLocation(id) {
  const r = await ocpi('GET', `/ocpi/${cpo.cpo_id}/2.2.1/locations/${id}`, tokenC);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.data;
}

// The example as written, with its ws_url (if any) pointed at the peer and the ids in its
// path replaced by ours.
function asWritten(ex, ids) {
  const text = JSON.stringify(ex.body).replaceAll('wss://ocpp.ocpplab.com', peer.url);
  let path = ex.path;
  for (const [from, to] of Object.entries(ids)) path = path.replace(from, to);
  return { path, body: JSON.parse(text) };
}

before(async () => {
  assert.equal(all.length, 6, `the seed pages hold six example bodies: ${all.map(e => e.file).join()}`);
  pg = await startPostgres();
  peer = await startPeer();
  emsp = await startMiniEmsp();
  srv = await startServe({ db: pg.url });
});
after(async () => { await emsp?.close(); await stopAll({ srv, peer, pg }); });

test('003: the CPO example, which gives no ws_url, reaches READY on the built-in CSMS', async () => {
  const [ex] = of('003');
  const h = await srv.api('GET', '/healthz', { token: null });
  assert.equal(h.body.builtin_csms, true);
  assert.match(h.body.default_ws_url, /^ws:\/\/127\.0\.0\.1:\d+\/ocpp$/);
  const t0 = Date.now();
  const r = await srv.api('POST', ex.path, { body: ex.body });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  cpo = r.body;
  assert.deepEqual(cpo.party, { country_code: 'FR', party_id: 'ABC', role: 'CPO' });
  assert.equal(cpo.name_prefix, 'alice');
  assert.equal(cpo.template, 'small-urban-ac');
  assert.ok(cpo.warnings.some(w => w.includes('built-in CSMS') && w.includes(h.body.default_ws_url)), JSON.stringify(cpo.warnings));
  const ttl = (Date.parse(cpo.expires_at) - t0) / 1000;
  assert.ok(ttl > 7100 && ttl < 7300, `ttl_seconds 7200: expires in ${ttl} s`);
  const job = await waitJob(srv, cpo.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job));
  assert.equal(job.progress.total, 6);    // overrides: 2 locations x 3 chargers
  const ids = job.results.created.flatMap(l => l.chargers.map(c => c.identity));
  assert.equal(ids.length, 6);
  for (const id of ids) assert.match(id, /^alice_/, 'name_prefix starts every identity');
  // the seed: same seed + same template = the same output
  const again = await srv.api('GET', `/ocpi/cpos/${cpo.cpo_id}`);
  assert.equal(again.body.seed, 42);
  // OCPI: the handshake with token A, then the party as the seed asked
  const reg = await ocpi('POST', `/ocpi/${cpo.cpo_id}/2.2.1/credentials`, cpo.token_a, emsp.creds221('token-b'));
  assert.equal(reg.status, 200, JSON.stringify(reg.body));
  tokenC = reg.body.data.token;
  assert.deepEqual(reg.body.data.roles.map(x => [x.role, x.country_code, x.party_id]), [['CPO', 'FR', 'ABC']]);
});

let brussels, laDefense;

test('000: both location examples, with and without chargers; their fields over the API and OCPI', async () => {
  const [plain, withChargers] = of('000');
  // Brussels Midi Hub: no chargers
  let { path, body } = asWritten(plain, { cpo_id: cpo.cpo_id });
  let r = await srv.api('POST', path, { body });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  let job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job));
  brussels = job.results.created[0].location_id;
  const api = (await srv.api('GET', `/ocpi/cpos/${cpo.cpo_id}/locations/${brussels}`)).body;
  assert.equal(api.country, 'BEL');          // sent "BE": OCPI wants alpha-3
  assert.equal(api.ocpi.publish, true);
  let o = await ocpiLocation(brussels);
  assert.equal(o.name, 'Brussels Midi Hub');
  assert.equal(o.address, 'Place Victor Horta 1');
  assert.equal(o.city, 'Brussels');
  assert.equal(o.country, 'BEL');
  assert.equal(o.publish, true);
  assert.deepEqual(o.coordinates, { latitude: '50.835700', longitude: '4.335300' });
  assert.deepEqual(o.evses, []);

  // La Defense: three CCS2 chargers SITE_A_001..003 (the model lists TYPE2: honoured, said)
  ({ path, body } = asWritten(withChargers, { cpo_id: cpo.cpo_id }));
  r = await srv.api('POST', path, { body });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.ok(r.body.warnings?.some(w => w.includes('CCS2')), JSON.stringify(r.body));
  job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job));
  laDefense = job.results.created[0].location_id;
  for (const id of ['SITE_A_001', 'SITE_A_002', 'SITE_A_003'])
    assert.equal(peer.boots.get(id)?.length, 1, `${id} booted at the peer`);
  o = await ocpiLocation(laDefense);
  assert.equal(o.country, 'FRA');
  assert.equal(o.time_zone, 'Europe/Paris');
  assert.deepEqual(o.owner, { name: 'VINCI Autoroutes' });
  assert.equal(o.publish, true);
  assert.equal(o.evses.length, 3);
  for (const e of o.evses) assert.equal(e.connectors[0].standard, 'IEC_62196_T2_COMBO');
  const chargers = (await srv.api('GET', `/ocpp/locations/${laDefense}/chargers`)).body.data;
  assert.deepEqual(chargers.map(c => c.identity).sort(), ['SITE_A_001', 'SITE_A_002', 'SITE_A_003']);
  for (const c of chargers) {
    assert.equal(c.connector_type, 'CCS2');
    assert.equal(c.ocpp_version, 'OCPP1.6');
    assert.match(c.charge_point_name, /^Bay /);
  }
});

// Identities of a location's chargers, once its jobs are READY.
const identities = async id => (await srv.api('GET', `/ocpp/locations/${id}/chargers?limit=100`)).body.data.map(c => c.identity).sort();

async function clear(locationId) {
  const r = await srv.api('DELETE', `/ocpp/locations/${locationId}/chargers`);
  assert.ok([200, 202].includes(r.status), JSON.stringify(r.body));
  // gone from the listing at once; their rows go once each charger has closed
  assert.deepEqual(await identities(locationId), []);
  await until(() => pg.query(`SELECT count(*) FROM chargers WHERE location_id = '${locationId}'`)[0][0] === '0',
    { what: 'chargers deleted' });
}

test('001: an identity live toward the same CSMS elsewhere is refused, naming the other location', async () => {
  const [ex] = of('001');
  const { path, body } = asWritten(ex, { '4090477f-a416-4515-a302-97aa344a0a2a': brussels });
  const r = await srv.api('POST', path, { body });
  assert.equal(r.status, 422, JSON.stringify(r.body));
  const d = r.body.detail.find(x => x.msg.includes("'SITE_A_001'"));
  assert.ok(d, JSON.stringify(r.body.detail));
  assert.deepEqual(d.loc, ['body', 0, 'charger_ids', 0]);
  assert.equal(d.type, 'value_error.duplicate_live');
  assert.ok(d.msg.includes('La Defense Charging Hub') && d.msg.includes(laDefense), d.msg);
  assert.deepEqual(await identities(brussels), [], 'nothing written');
});

test('001: each of the three charger examples, in turn, answers 202 and reaches READY', async () => {
  await clear(laDefense);
  const want = [
    // ids first, padded with random hex to chargers_number
    ids => ids.length === 5 && ids.includes('SITE_A_001') && ids.includes('SITE_A_002') && ids.every(i => i.startsWith('SITE_A_')),
    // two groups, two templates: 3 random SITE_A_, and SITE_B_001/002 (Type2)
    ids => ids.length === 5 && ids.filter(i => i.startsWith('SITE_A_')).length === 3 && ids.includes('SITE_B_001') && ids.includes('SITE_B_002'),
    ids => JSON.stringify(ids) === JSON.stringify(['SITE_A_001', 'SITE_A_002', 'SITE_A_003']),
  ];
  const exs = of('001');
  assert.equal(exs.length, 3);
  for (const [i, ex] of exs.entries()) {
    const { path, body } = asWritten(ex, { '4090477f-a416-4515-a302-97aa344a0a2a': brussels });
    const r = await srv.api('POST', path, { body });
    assert.equal(r.status, 202, `${ex.title}: ${JSON.stringify(r.body)}`);
    const job = await waitJob(srv, r.body.status_url);
    assert.equal(job.status, 'READY', `${ex.title}: ${JSON.stringify(job)}`);
    const ids = await identities(brussels);
    assert.ok(want[i](ids), `${ex.title}: ${ids}`);
    for (const id of ids) assert.ok(peer.boots.get(id)?.length >= 1, `${id} booted at the peer`);
    if (i === 1) {
      const b = (await srv.api('GET', `/ocpp/locations/${brussels}/chargers?limit=100`)).body.data.filter(c => c.identity.startsWith('SITE_B_'));
      assert.deepEqual(b.map(c => [c.brand_slug, c.connector_type]), [['wallbox', 'TYPE2'], ['wallbox', 'TYPE2']]);
    }
    await clear(brussels);
  }
});
