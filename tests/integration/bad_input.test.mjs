// Bad input gets a clear error with `detail` and changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startPostgres, startPeer, startServe, group, createLocation, request, stopAll, waitJob } from './harness.mjs';

let pg, peer, srv, locationId, cpoId;
before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url, extraArgs: ['--max-body', '4096'] });
  ({ locationId, cpoId } = await createLocation(srv, peer.url));
  // one existing charger, to collide with
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({ identity_prefix: 'HAS_' }, { charger_ids: ['1'] })] });
  assert.equal(r.status, 202);
  await waitJob(srv, r.body.status_url);   // its row exists (rows are written after the 202)
});
after(() => stopAll({ srv, peer, pg }));

const total = async () => (await srv.api('GET', `/ocpp/locations/${locationId}/chargers`)).body.total;
const cpoCount = async () => {
  let n = 0;
  for (let id = 1; id < 50; id++) if ((await srv.api('GET', `/ocpi/cpos/${id}/status`)).status === 200) n++;
  return n;
};

function assertDetail(r, status) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(typeof r.body, 'object', `body is not JSON: ${r.body}`);
  assert.ok('detail' in r.body, JSON.stringify(r.body));
}

// Posts a chargers body; expects a 422 with an item at `loc`; checks nothing was written.
async function reject422(body, loc, type) {
  const before = await total();
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body });
  assertDetail(r, 422);
  assert.ok(Array.isArray(r.body.detail));
  for (const d of r.body.detail) {
    assert.equal(d.loc[0], 'body');
    assert.equal(typeof d.msg, 'string');
    assert.equal(typeof d.type, 'string');
  }
  const hit = r.body.detail.find(d => JSON.stringify(d.loc) === JSON.stringify(loc));
  assert.ok(hit, `no error at ${JSON.stringify(loc)}: ${JSON.stringify(r.body.detail)}`);
  if (type) assert.equal(hit.type, type);
  assert.equal(await total(), before, 'something was written');
  return hit;
}

test('401 without or with a wrong token', async () => {
  assertDetail(await srv.api('GET', `/ocpp/locations/${locationId}/chargers`, { token: null }), 401);
  assertDetail(await srv.api('GET', `/ocpp/locations/${locationId}/chargers`, { token: 'wrong' }), 401);
  const before = await total();
  assertDetail(await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { token: 'wrong', body: [group({}, { chargers_number: 1 })] }), 401);
  assert.equal(await total(), before);
});

test('400 on malformed JSON', async () => {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { rawBody: '[{"template": ' });
  assertDetail(r, 400);
  assert.match(r.body.detail, /malformed JSON/);
  assertDetail(await srv.api('POST', '/ocpi/cpos', { rawBody: 'nope' }), 400);
  // a key given twice: refused, not "the last one wins"
  const before = await total();
  const dup = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    rawBody: '[{"template":{"brand_slug":"schneider","model_slug":"evlink-pro-ac-22kw","identity_prefix":"A_","identity_prefix":"B_"},"chargers_number":1}]' });
  assertDetail(dup, 400);
  assert.match(dup.body.detail, /duplicate/);
  assert.equal(await total(), before);
});

test('422: hostile ws_urls and identities that would change the handshake or the path', async () => {
  for (const ws of ['ws://127.0.0.1:9000/ocpp\r\nX-Evil: 1', 'ws://127.0.0.1:9000/oc pp', 'ws://127.0.0.1:99999/ocpp',
    'ws://user:pw@127.0.0.1:9000/ocpp', 'ws://127.0.0.1:/ocpp', 'ws://[::1/ocpp'])
    await reject422([group({ ws_url: ws }, { chargers_number: 1 })], ['body', 0, 'template', 'ws_url']);
  for (const id of ['.', '..'])
    await reject422([group({}, { charger_ids: [id] })], ['body', 0, 'charger_ids', 0], 'value_error.identity');
  // a group that creates no charger (an empty job)
  await reject422([group({}, { chargers_number: 0 })], ['body', 0, 'chargers_number'], 'value_error.empty');
  await reject422([group({}, { charger_ids: [] })], ['body', 0, 'charger_ids'], 'value_error.empty');
  // and what stays fine: an IPv6 literal with a port, a name without one
  for (const ws of ['ws://[::1]:9000/ocpp', 'wss://csms.example.com/ocpp/'])
    assert.equal((await srv.api('POST', '/ocpi/cpos', { body: { template: 'small-urban-ac', ws_url: ws, overrides: { locations: 1, chargers_per_location: 0 } } })).status, 202, ws);
});

test('411 without Content-Length (chunked body)', async () => {
  const r = await new Promise((resolve, reject) => {
    const req = http.request(`${srv.base}/ocpp/locations/${locationId}/chargers`, {
      method: 'POST', headers: { authorization: 'Bearer test-token-0123456789', 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, timeout: 10000,
    }, res => { let t = ''; res.on('data', c => { t += c; }); res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(t) })); });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout: the server hung on a chunked body')));
    req.write('[]');
    req.end();
  });
  assertDetail(r, 411);
});

test('413 when the body is over --max-body', async () => {
  const before = await total();
  const ids = Array.from({ length: 600 }, (_, i) => `ID${i}`);
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({}, { charger_ids: ids })] });
  assertDetail(r, 413);
  assert.match(r.body.detail, /4096/);
  assert.equal(await total(), before);
});

test('422: missing and wrong-typed fields, wrong shape', async () => {
  await reject422({ template: {} }, ['body'], 'type_error.list');
  await reject422([{ chargers_number: 1 }], ['body', 0, 'template'], 'value_error.missing');
  await reject422([group({}, { chargers_number: '5' })], ['body', 0, 'chargers_number'], 'type_error.integer');
  await reject422([group({}, { charger_ids: 'abc' })], ['body', 0, 'charger_ids']);
  await reject422([group({}, { charger_ids: [1] })], ['body', 0, 'charger_ids', 0]);
  await reject422([{ template: { model_slug: 'x' }, chargers_number: 1 }], ['body', 0, 'template', 'brand_slug'], 'value_error.missing');
  await reject422([group({})], ['body', 0, 'chargers_number'], 'value_error.missing');
  await reject422(['nope'], ['body', 0]);
});

test('422: duplicate identities in the body, across groups, already in the location', async () => {
  await reject422([group({ identity_prefix: 'D_' }, { charger_ids: ['1', '1'] })], ['body', 0, 'charger_ids', 1], 'value_error.duplicate');
  await reject422([group({ identity_prefix: 'D_' }, { charger_ids: ['1'] }), group({ identity_prefix: 'D_' }, { charger_ids: ['1'] })],
    ['body', 1, 'charger_ids', 0], 'value_error.duplicate');
  await reject422([group({ identity_prefix: 'HAS_' }, { charger_ids: ['1'] })], ['body', 0, 'charger_ids', 0], 'value_error.duplicate');
});

// A chargers job is written with its groups; its rows come after the 202 (a runtime
// expands the plan). These plans are written by hand, as a job accepted a moment ago.
// owner: an SQL expression for the runtime holding the take; row: the chargers' columns.
const planJob = (ids, { owner = null, row = { vendor: 'V' } } = {}) => {
  const [[tenant]] = pg.query(`SELECT tenant FROM locations WHERE id = '${locationId}'`);
  const plan = JSON.stringify([{ row, prefix: 'PLAN_', ids, number: ids.length, name: 'Late' }]);
  return pg.query(`INSERT INTO jobs (id, kind, location_id, tenant, plan, planned, expand_owner) ` +
    `VALUES (gen_random_uuid(), 'chargers', '${locationId}', '${tenant}', '${plan}'::jsonb, ${ids.length}, ` +
    `${owner ?? 'NULL'}) RETURNING id`)[0][0];
};

test('422: an identity named by a job accepted but not yet expanded is taken', async () => {
  // held by a live runtime (serve's own, which does not know: nobody expands it)
  const job = planJob(['HELD'], { owner: '(SELECT owner FROM runtimes LIMIT 1)' });
  const st = await srv.api('GET', `/ocpp/locations/${locationId}/chargers/jobs/${job}`);
  assert.equal(st.status, 200);
  assert.equal(st.body.status, 'PENDING');
  assert.deepEqual(st.body.progress, { total: 1, pending: 1, provisioning: 0, ready: 0, failed: 0 });
  await reject422([group({ identity_prefix: 'PLAN_' }, { charger_ids: ['HELD'] })], ['body', 0, 'charger_ids', 0], 'value_error.duplicate');
  pg.query(`DELETE FROM jobs WHERE id = '${job}'`);
});

test('POSTs back to back into one location, the first not expanded yet: all accepted, no identity twice', async () => {
  const jobs = [];
  for (let i = 0; i < 3; i++) {
    const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({ identity_prefix: 'B2B_' }, { chargers_number: 20 })] });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.count, 20);
    jobs.push(r.body.status_url);
  }
  const ids = [];
  for (const url of jobs) {
    const st = await waitJob(srv, url);
    assert.equal(st.status, 'READY', JSON.stringify(st.progress));
    ids.push(...st.results.created.map(c => c.identity));
  }
  assert.equal(new Set(ids).size, 60);
});

test('a job whose explicit identity was taken after its 202 ends FAILED naming it, nothing created', async () => {
  const before = total();
  pg.query(`UPDATE chargers SET identity = 'PLAN_TAKEN' WHERE identity = 'HAS_1'`);
  try {
    const job = planJob(['TAKEN']);
    const st = await waitJob(srv, `/ocpp/locations/${locationId}/chargers/jobs/${job}`, { timeoutMs: 15000 });
    assert.equal(st.status, 'FAILED');
    assert.match(st.error, /identity 'PLAN_TAKEN' was taken by another request/);
    assert.deepEqual(st.progress, { total: 1, pending: 0, provisioning: 0, ready: 0, failed: 1 });
    assert.equal(await total(), await before);
    assert.equal(pg.query(`SELECT count(*) FROM chargers WHERE job_id = '${job}'`)[0][0], '0');
  } finally {
    pg.query(`UPDATE chargers SET identity = 'HAS_1' WHERE identity = 'PLAN_TAKEN'`);
  }
});

test('a plan taken by a runtime that died (its lease ran out) is taken again: its chargers are written and boot', async () => {
  // the row of a charger of this location, as the API plans it
  const [[row]] = pg.query(`SELECT json_build_object('brand_slug', brand_slug, 'model_slug', model_slug, ` +
    `'ocpp_version', ocpp_version, 'ws_url', ws_url, 'connector_type', connector_type, 'connectors', connectors, ` +
    `'vendor', vendor, 'model', model, 'firmware', firmware, 'max_power_kw', max_power_kw, ` +
    `'security_profile', security_profile) FROM chargers WHERE identity = 'HAS_1'`);
  pg.query(`INSERT INTO runtimes (owner, pid, capacity, held, metrics, lease_until) ` +
    `VALUES ('killed-runtime', 1, 10, 0, '{}', now() - interval '1 minute')`);
  try {
    const job = planJob(['ORPHAN_1', 'ORPHAN_2'], { owner: "'killed-runtime'", row: JSON.parse(row) });
    const st = await waitJob(srv, `/ocpp/locations/${locationId}/chargers/jobs/${job}`, { timeoutMs: 30000 });
    assert.equal(st.status, 'READY', JSON.stringify(st));
    assert.deepEqual(st.results.created.map(c => c.identity).sort(), ['PLAN_ORPHAN_1', 'PLAN_ORPHAN_2']);
    assert.deepEqual(pg.query(`SELECT plan IS NULL, expand_owner IS NULL FROM jobs WHERE id = '${job}'`), [['t', 't']]);
  } finally {
    pg.query(`DELETE FROM runtimes WHERE owner = 'killed-runtime'`);
  }
});

test('a job whose rows the database refuses ends FAILED with the reason after 5 tries, nothing created', async () => {
  const job = planJob(['BROKEN']);   // its row lacks the model, brand, ws_url... (NOT NULL)
  const st = await waitJob(srv, `/ocpp/locations/${locationId}/chargers/jobs/${job}`, { timeoutMs: 30000 });
  assert.equal(st.status, 'FAILED');
  assert.match(st.error, /its chargers could not be written \(5 tries\): .*null value in column/);
  assert.deepEqual(st.progress, { total: 1, pending: 0, provisioning: 0, ready: 0, failed: 1 });
  assert.deepEqual(pg.query(`SELECT expand_failures, plan IS NULL, expand_owner IS NULL FROM jobs WHERE id = '${job}'`),
    [['5', 't', 't']]);
  assert.equal(pg.query(`SELECT count(*) FROM chargers WHERE job_id = '${job}'`)[0][0], '0');
});

test('422: ws_url scheme, ocpp_version, unknown model, connector type', async () => {
  await reject422([group({ ws_url: 'http://127.0.0.1:1/ocpp' }, { chargers_number: 1 })], ['body', 0, 'template', 'ws_url'], 'value_error.url.scheme');
  await reject422([group({ ocpp_version: 'OCPP2.1' }, { chargers_number: 1 })], ['body', 0, 'template', 'ocpp_version']);
  const hit = await reject422([group({ model_slug: 'no-such-model' }, { chargers_number: 1 })], ['body', 0, 'template', 'model_slug'], 'value_error.unknown_model');
  assert.match(hit.msg, /\/ocpp\/catalog\/brands/);
  await reject422([group({ brand_slug: 'acme' }, { chargers_number: 1 })], ['body', 0, 'template', 'brand_slug'], 'value_error.unknown_model');
  const c = await reject422([group({ connector_type: 'Type 9' }, { chargers_number: 1 })], ['body', 0, 'template', 'connector_type'], 'value_error.connector_type');
  assert.match(c.msg, /CCS2/);   // says which names are understood
  await reject422([group({ colour: 'red' }, { chargers_number: 1 })], ['body', 0, 'template', 'colour'], 'value_error.extra');
  await reject422([group({}, { chargers_number: 1, charger_idz: ['1'] })], ['body', 0, 'charger_idz'], 'value_error.extra');
});

test('422: chargers_number negative or too large', async () => {
  await reject422([group({}, { chargers_number: -1 })], ['body', 0, 'chargers_number'], 'value_error.number.not_ge');
  await reject422([group({}, { chargers_number: 100001 })], ['body', 0, 'chargers_number'], 'value_error.number.not_le');
  await reject422([group({ identity_prefix: 'A_' }, { chargers_number: 60000 }), group({ identity_prefix: 'B_' }, { chargers_number: 60000 })],
    ['body', 1, 'chargers_number'], 'value_error.number.not_le');
});

test('422: every problem is reported, not only the first', async () => {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [group({ ws_url: 'ftp://x' }, { chargers_number: -1 }), group({ ocpp_version: 'v9' }, { chargers_number: 1 })],
  });
  assertDetail(r, 422);
  assert.ok(r.body.detail.length >= 3, JSON.stringify(r.body.detail));
});

test('422: a raw location without coordinates; unknown location template', async () => {
  const job = async () => (await srv.api('GET', `/ocpi/cpos/${cpoId}/status`)).body;
  const r = await srv.api('POST', `/ocpi/cpos/${cpoId}/locations`, { body: [{ name: 'No coords', charges: [] }] });
  assertDetail(r, 422);
  assert.ok(r.body.detail.some(d => JSON.stringify(d.loc) === JSON.stringify(['body', 0, 'coordinates'])), JSON.stringify(r.body));
  const r2 = await srv.api('POST', `/ocpi/cpos/${cpoId}/locations`, { body: [{ template: 'moon-base' }] });
  assertDetail(r2, 422);
  assert.deepEqual(r2.body.detail[0].loc, ['body', 0, 'template']);
  const r3 = await srv.api('POST', `/ocpi/cpos/${cpoId}/locations`, { body: { locations: 'x' } });
  assertDetail(r3, 422);
  assert.equal((await job()).status, 'READY');
});

test('422 on CPO fields; 404 on an unknown CPO template', async () => {
  const before = await cpoCount();
  const bad = await srv.api('POST', '/ocpi/cpos', { body: { template: 'small-urban-ac', ttl_seconds: 5, ws_url: 'http://x', overrides: { locations: 0 } } });
  assertDetail(bad, 422);
  const locs = bad.body.detail.map(d => JSON.stringify(d.loc));
  for (const l of [['body', 'ttl_seconds'], ['body', 'ws_url'], ['body', 'overrides', 'locations']])
    assert.ok(locs.includes(JSON.stringify(l)), `${JSON.stringify(l)} in ${locs}`);
  assertDetail(await srv.api('POST', '/ocpi/cpos', { body: {} }), 422);
  const nf = await srv.api('POST', '/ocpi/cpos', { body: { template: 'no-such-template' } });
  assertDetail(nf, 404);
  assert.match(nf.body.detail, /no-such-template/);
  assert.equal(await cpoCount(), before);
});

test('404: unknown location, CPO, job, route', async () => {
  const uuid = '00000000-0000-4000-8000-000000000000';
  assertDetail(await srv.api('POST', `/ocpp/locations/${uuid}/chargers`, { body: [group({}, { chargers_number: 1 })] }), 404);
  assertDetail(await srv.api('GET', `/ocpp/locations/${uuid}/chargers`), 404);
  assertDetail(await srv.api('POST', '/ocpp/locations/not-a-uuid/chargers', { body: [group({}, { chargers_number: 1 })] }), 404);
  assertDetail(await srv.api('GET', `/ocpp/locations/${locationId}/chargers/jobs/${uuid}`), 404);
  assertDetail(await srv.api('GET', '/ocpi/cpos/999999/status'), 404);
  assertDetail(await srv.api('POST', '/ocpi/cpos/999999/locations', { body: [{ template: 'urban-ac-hub' }] }), 404);
  assertDetail(await srv.api('GET', `/ocpi/cpos/${cpoId}/locations/jobs/${uuid}`), 404);
  assertDetail(await srv.api('GET', '/no/such/route'), 404);
});

test('the default 1 MiB limit', async () => {
  const other = await startServe({ db: pg.url });
  try {
    // headers only: the server answers 413 from Content-Length, before any body is sent
    const big = await new Promise((resolve, reject) => {
      const sock = net.connect(other.port, '127.0.0.1', () => sock.write(
        `POST /ocpp/locations/${locationId}/chargers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-token-0123456789\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1100000\r\n\r\n'));
      let t = '';
      sock.setTimeout(10000, () => sock.destroy(new Error('no answer to an oversized body')));
      sock.on('data', d => { t += d; if (t.includes('\r\n\r\n') && t.endsWith('}')) sock.end(); });
      sock.on('close', () => resolve({ status: Number(t.split(' ')[1]), body: JSON.parse(t.slice(t.indexOf('\r\n\r\n') + 4)) }));
      sock.on('error', reject);
    });
    assertDetail(big, 413);
    assert.match(big.body.detail, /1048576/);
    const ok = await request(other.base, 'POST', `/ocpp/locations/${locationId}/chargers`, { rawBody: '[' + ' '.repeat(900000) + ']' });
    assertDetail(ok, 422);   // under the limit: read, then validated (an empty list)
  } finally {
    assert.deepEqual(await other.stop(), { code: 0, signal: null });
  }
});
