// API tokens made with the real CLI against the test's PostgreSQL: read-only tokens
// (GET only; anything else 403, nothing changes), `token list` (never the token),
// `token revoke` (refused within the documented recheck time), the command's usage
// errors, and tenants kept apart: another tenant's ids are 404 on every route taking
// one, and change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { BIN, TOKEN, startPostgres, startPeer, startServe, group, waitJob, until, stopAll } from './harness.mjs';

let pg, peer, srv;
const RECHECK_S = 5;        // ORCH_TOKEN_RECHECK_SECONDS: what `token revoke --help` promises

// `chargefleet token ...` against the test's database: {code, out, err}
function cli(...args) {
  const r = spawnSync(BIN, ['token', ...args, ...(args.includes('--help') ? [] : ['--db', pg.url])], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function create(...args) {
  const r = cli('create', ...args);
  assert.equal(r.code, 0, r.err);
  const token = r.out.trim();
  assert.match(token, /^[0-9a-f]{64}$/);
  const id = Number(/token (\d+) of tenant/.exec(r.err)[1]);
  return { token, id };
}
const count = sql => Number(pg.query(sql)[0][0]);
const as = token => (m, p, o = {}) => srv.api(m, p, { ...o, token });

// acme's fleet: a CPO with one location and one charger, a charger job, a command
let acme, fleet;
before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url });
  acme = create('--tenant', 'acme');
  const api = as(acme.token);
  const cpo = await api('POST', '/ocpi/cpos', { body: { template: 'residential-estate', ws_url: peer.url, overrides: { locations: 1, chargers_per_location: 1 } } });
  assert.equal(cpo.status, 202, JSON.stringify(cpo.body));
  const job = await waitJob({ api }, cpo.body.status_url);
  assert.equal(job.status, 'READY');
  const locationId = job.results.created[0].location_id;
  const locJob = await api('POST', `/ocpi/cpos/${cpo.body.cpo_id}/locations`, {
    body: [{ name: 'Second site', address: '2 Test St', city: 'Testville', postal_code: '1000', country: 'NLD',
      coordinates: { latitude: '52.37', longitude: '4.89' }, charges: [] }] });
  assert.equal(locJob.status, 202, JSON.stringify(locJob.body));
  assert.equal((await waitJob({ api }, locJob.body.status_url)).status, 'READY');
  const more = await api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({}, { charger_ids: ['ACME_2'] })] });
  assert.equal(more.status, 202, JSON.stringify(more.body));
  const chargersJob = await waitJob({ api }, more.body.status_url);
  const chargerId = chargersJob.results.created[0].charger_id;
  await until(() => peer.live.get('ACME_2') === 1, { what: 'ACME_2 connected' });
  const cmd = await api('POST', '/ocpp/commands/plug', { body: { target: { charger_id: chargerId } } });
  assert.equal(cmd.status, 202, JSON.stringify(cmd.body));
  fleet = { cpoId: cpo.body.cpo_id, cpoStatus: cpo.body.status_url, locationId, locJobUrl: locJob.body.status_url,
    chargersJobUrl: more.body.status_url, chargerId, identity: 'ACME_2', commandId: cmd.body.results[0].command_id };
});
after(() => stopAll({ srv, peer, pg }));

test('token --help of each command tells what it does; bad arguments are one line and exit 2', () => {
  assert.match(cli('--help').out, /token create --tenant NAME \[--read-only\]/);
  assert.match(cli('create', '--help').out, /--read-only +the token may only read: GET; any other method answers\s+403/);
  assert.match(cli('list', '--help').out, /last 4 hex digits[\s\S]*Never the tokens themselves/);
  assert.match(cli('revoke', '--help').out, new RegExp(`answers it 401 within ${RECHECK_S} seconds`));
  for (const args of [['create'], ['create', '--tenant', 'no spaces'], ['create', '--tenant', 'a', '--json'],
    ['list', '--read-only'], ['revoke'], ['revoke', 'abc'], ['revoke', '0'], ['revoke', '1', '2'],
    ['revoke', '1', '--tenant', 'acme'], ['frob'], ['list', '--nope']]) {
    const r = cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.code} ${r.err}`);
    assert.equal(r.err.trim().split('\n').length, 1, `${args.join(' ')}: one line: ${r.err}`);
    assert.match(r.err, /^chargefleet token/);
  }
  assert.equal(count(`SELECT count(*) FROM api_tokens WHERE tenant <> 'acme'`), 0, 'no token made by a bad call');
  const unknown = cli('revoke', '999999');
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /no token 999999/);
});

test('a read-only token reads its tenant\'s fleet; anything else is 403 and changes nothing', async () => {
  const ro = create('--tenant', 'acme', '--read-only');
  const api = as(ro.token);
  const cpos = await api('GET', '/ocpi/cpos');
  assert.equal(cpos.status, 200);
  assert.deepEqual(cpos.body.data.map(c => c.cpo_id), [fleet.cpoId]);
  const charger = await api('GET', `/ocpp/chargers/${fleet.chargerId}`);
  assert.equal(charger.status, 200);
  assert.equal(charger.body.identity, 'ACME_2');
  assert.equal((await api('GET', `/ocpp/chargers/${fleet.chargerId}/logs`)).status, 200);
  assert.equal((await api('GET', fleet.chargersJobUrl)).body.status, 'READY');
  const before = pg.query('SELECT (SELECT count(*) FROM cpos), (SELECT count(*) FROM commands), (SELECT count(*) FROM chargers), ' +
    "(SELECT string_agg(ws_url || COALESCE(pending_change, ''), ',' ORDER BY seq) FROM chargers), (SELECT string_agg(name, ',' ORDER BY name) FROM locations)");
  for (const [m, p, body] of [
    ['POST', '/ocpi/cpos', { template: 'residential-estate', ws_url: peer.url }],
    ['DELETE', `/ocpi/cpos/${fleet.cpoId}`],
    ['POST', `/ocpi/cpos/${fleet.cpoId}/locations`, []],
    ['PATCH', `/ocpi/cpos/${fleet.cpoId}/locations/${fleet.locationId}`, { name: 'renamed' }],
    ['DELETE', `/ocpi/cpos/${fleet.cpoId}/locations/${fleet.locationId}`],
    ['POST', `/ocpp/locations/${fleet.locationId}/chargers`, [group({}, { charger_ids: ['RO_1'] })]],
    ['PUT', `/ocpp/locations/${fleet.locationId}/chargers`, { ws_url: 'ws://127.0.0.1:1/ocpp' }],
    ['DELETE', `/ocpp/locations/${fleet.locationId}/chargers`],
    ['PUT', `/ocpp/chargers/${fleet.chargerId}`, { ws_url: 'ws://127.0.0.1:1/ocpp' }],
    ['DELETE', `/ocpp/chargers/${fleet.chargerId}`],
    ['POST', '/ocpp/commands/unplug', { target: { charger_id: fleet.chargerId } }],
    ['POST', '/ocpp/catalog/brands/acme/models', { model_slug: 'x' }],
  ]) {
    const r = await api(m, p, body === undefined ? {} : { body });
    assert.equal(r.status, 403, `${m} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    assert.match(r.body.detail, /read-only/, `${m} ${p}`);
  }
  // refused before the body is read: a malformed one is 403 too, not 400
  assert.equal((await api('POST', '/ocpi/cpos', { rawBody: '{nope' })).status, 403);
  assert.deepEqual(pg.query('SELECT (SELECT count(*) FROM cpos), (SELECT count(*) FROM commands), (SELECT count(*) FROM chargers), ' +
    "(SELECT string_agg(ws_url || COALESCE(pending_change, ''), ',' ORDER BY seq) FROM chargers), (SELECT string_agg(name, ',' ORDER BY name) FROM locations)"), before);
  assert.equal(peer.live.get('ACME_2'), 1, 'the charger was left alone');
  // the full token of the same tenant still changes things
  const full = await as(acme.token)('PATCH', `/ocpi/cpos/${fleet.cpoId}/locations/${fleet.locationId}`, { body: { name: 'renamed by acme' } });
  assert.equal(full.status, 200, JSON.stringify(full.body));
  assert.equal(full.body.name, 'renamed by acme');
});

test('token list: ids, tenant, access, when made, the hash\'s last 4 hex; never the token', () => {
  const other = create('--tenant', 'zeta', '--read-only');
  const json = cli('list', '--tenant', 'acme', '--json');
  assert.equal(json.code, 0, json.err);
  const list = JSON.parse(json.out);
  assert.ok(list.length >= 2);
  assert.ok(list.every(t => t.tenant === 'acme'), 'only acme\'s');
  const mine = list.find(t => t.id === acme.id);
  assert.deepEqual(Object.keys(mine).sort(), ['created_at', 'hash_tail', 'id', 'read_only', 'revoked_at', 'tenant']);
  assert.equal(mine.read_only, false);
  assert.equal(mine.revoked_at, null);
  assert.equal(mine.hash_tail, createHash('sha256').update(acme.token).digest('hex').slice(-4));
  assert.match(mine.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(list.some(t => t.read_only), 'the read-only token is listed as such');
  const table = cli('list');
  assert.equal(table.code, 0);
  const lines = table.out.trim().split('\n');
  assert.match(lines[0], /^ID +TENANT +ACCESS +CREATED +HASH +REVOKED$/);
  assert.match(lines.find(l => l.startsWith(`${other.id} `)), /^\d+ +zeta +read-only +\S+Z +\.\.\.[0-9a-f]{4} +-$/);
  for (const out of [json.out, table.out]) {
    assert.ok(!out.includes(acme.token) && !out.includes(other.token), 'no token is shown');
    assert.ok(!out.includes(createHash('sha256').update(acme.token).digest('hex')), 'nor its whole hash');
  }
});

test('token revoke: the token is refused (401) within the recheck time; the others go on', async () => {
  const victim = create('--tenant', 'acme', '--read-only');
  const api = as(victim.token);
  assert.equal((await api('GET', '/ocpi/cpos')).status, 200);   // seen valid: cached
  const r = cli('revoke', String(victim.id));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`revoked token ${victim.id} of tenant acme`));
  const t0 = Date.now();
  let last;
  await until(async () => (last = await api('GET', '/ocpi/cpos')).status === 401,
    { timeoutMs: (RECHECK_S + 5) * 1000, what: 'the revoked token refused' });
  assert.ok(Date.now() - t0 < (RECHECK_S + 5) * 1000);
  assert.match(last.body.detail, /revoked/);
  assert.equal((await api('GET', `/ocpp/chargers/${fleet.chargerId}`)).status, 401);
  // revoking again changes nothing; the list says when
  const again = cli('revoke', String(victim.id));
  assert.equal(again.code, 0);
  assert.match(again.out, /revoked already/);
  const listed = JSON.parse(cli('list', '--tenant', 'acme', '--json').out).find(t => t.id === victim.id);
  assert.match(listed.revoked_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // acme's full token and the bootstrap token still work
  assert.equal((await as(acme.token)('GET', '/ocpi/cpos')).status, 200);
  assert.equal((await srv.api('GET', '/ocpi/cpos')).status, 200);
});

test('another tenant\'s ids are 404 on every route taking one, and change nothing', async () => {
  const beta = as(create('--tenant', 'beta').token);
  const { cpoId, locationId, chargerId, identity, commandId } = fleet;
  const snapshot = () => pg.query('SELECT (SELECT count(*) FROM cpos WHERE NOT deleting), (SELECT count(*) FROM locations WHERE NOT deleting), ' +
    "(SELECT count(*) FROM chargers WHERE pending_change IS NULL), (SELECT count(*) FROM commands), (SELECT count(*) FROM jobs), " +
    "(SELECT string_agg(ws_url, ',' ORDER BY seq) FROM chargers), (SELECT string_agg(name, ',' ORDER BY name) FROM locations)");
  const before = snapshot();
  const routes = [
    ['GET', `/ocpi/cpos/${cpoId}`], ['DELETE', `/ocpi/cpos/${cpoId}`],
    ['GET', fleet.cpoStatus], ['GET', `/ocpi/cpos/${cpoId}/report`],
    ['GET', `/ocpi/cpos/${cpoId}/locations`], ['POST', `/ocpi/cpos/${cpoId}/locations`, []],
    ['GET', `/ocpi/cpos/${cpoId}/locations/${locationId}`],
    ['PATCH', `/ocpi/cpos/${cpoId}/locations/${locationId}`, { name: 'beta was here' }],
    ['DELETE', `/ocpi/cpos/${cpoId}/locations/${locationId}`],
    ['GET', `/ocpp/locations/${locationId}/chargers`], ['GET', `/ocpp/chargers?location_id=${locationId}`],
    ['POST', `/ocpp/locations/${locationId}/chargers`, [group({}, { charger_ids: ['BETA_1'] })]],
    ['PUT', `/ocpp/locations/${locationId}/chargers`, { ws_url: 'ws://127.0.0.1:1/ocpp' }],
    ['DELETE', `/ocpp/locations/${locationId}/chargers`],
    ['GET', fleet.chargersJobUrl], ['GET', `/ocpp/locations/${locationId}/logs`],
    ['GET', `/ocpp/locations/${locationId}/logs?follow=1`],
    ['GET', `/ocpp/chargers/${chargerId}`], ['GET', `/ocpp/chargers/${identity}`],
    ['PUT', `/ocpp/chargers/${chargerId}`, { ws_url: 'ws://127.0.0.1:1/ocpp' }],
    ['PUT', `/ocpp/chargers/${identity}`, { ws_url: 'ws://127.0.0.1:1/ocpp' }],
    ['DELETE', `/ocpp/chargers/${chargerId}`], ['DELETE', `/ocpp/chargers/${identity}`],
    ['GET', `/ocpp/chargers/${chargerId}/logs`], ['GET', `/ocpp/chargers/${identity}/logs`],
    ['GET', `/ocpp/chargers/${chargerId}/logs?follow=1`],
    ['POST', '/ocpp/commands/unplug', { target: { charger_id: chargerId } }],
    ['POST', '/ocpp/commands/unplug', { target: { charger_id: identity } }],
    ['POST', '/ocpp/commands/unplug', { target: { location_id: locationId } }],
    ['GET', `/ocpp/commands/${commandId}`], ['GET', fleet.locJobUrl],
  ];
  for (const [m, p, body] of routes) {
    const r = await beta(m, p, body === undefined ? {} : { body });
    assert.equal(r.status, 404, `${m} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    assert.equal(typeof r.body.detail, 'string', `${m} ${p}: a detail`);
  }
  assert.deepEqual((await beta('GET', '/ocpi/cpos')).body.data, []);
  assert.deepEqual((await beta('GET', '/ocpp/chargers')).body.data, []);
  assert.deepEqual(snapshot(), before, 'nothing changed');
  assert.equal(peer.live.get('ACME_2'), 1);
  // and acme still sees all of it
  assert.equal((await as(acme.token)('GET', `/ocpp/chargers/${chargerId}`)).status, 200);
  assert.equal((await as(acme.token)('GET', `/ocpp/commands/${commandId}`)).status, 200);
});

test('the bootstrap --api-token is a full token of tenant "default"', async () => {
  const r = await srv.api('POST', '/ocpi/cpos', { body: { template: 'residential-estate', ws_url: peer.url, overrides: { locations: 1, chargers_per_location: 0 } } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(pg.query(`SELECT tenant FROM cpos WHERE id = ${r.body.cpo_id}`)[0][0], 'default');
  assert.equal((await srv.api('DELETE', `/ocpi/cpos/${r.body.cpo_id}`)).status, 200);
  assert.ok(!cli('list', '--json').out.includes(TOKEN));
});
