// GET /openapi.json serves the document kept in the repo, and the running server
// answers every operation it lists (the unit test test_api_routes checks the route
// table against the document; this checks the served API itself).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startPostgres, startServe, stopAll } from './harness.mjs';

let pg, srv;
before(async () => {
  pg = await startPostgres();
  srv = await startServe({ db: pg.url, defaultWsUrl: 'ws://127.0.0.1:9/ocpp' });
});
after(() => stopAll({ srv, pg }));

const sample = { cpo_id: '999999', location_id: '00000000-0000-0000-0000-000000000000',
  charger_id: '00000000-0000-0000-0000-000000000000', job_id: '00000000-0000-0000-0000-000000000000',
  brand: 'nobrand', model: 'nomodel', cpo: '999999', evse_uid: 'x', connector_id: '1',
  command: 'start-session' };

test('the served document is the one in the repo, without a token', async () => {
  const r = await srv.api('GET', '/openapi.json', { token: null });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, JSON.parse(readFileSync(new URL('../../api/openapi.json', import.meta.url))));
  assert.equal(r.body.openapi, '3.1.0');
});

test('every documented operation is answered (never "no route" or 405)', async () => {
  const doc = (await srv.api('GET', '/openapi.json')).body;
  let n = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    const concrete = path.replace(/\{(\w+)\}/g, (_, k) => sample[k] ?? assert.fail(`no sample for {${k}}`));
    for (const method of Object.keys(item)) {
      const r = await srv.api(method.toUpperCase(), concrete, ['post', 'put', 'patch'].includes(method) ? { body: {} } : {});
      assert.notEqual(r.status, 405, `${method} ${path}`);
      assert.ok(!(r.status === 404 && /^no route/.test(r.body.detail)), `${method} ${path}: ${JSON.stringify(r.body)}`);
      // documented answers only
      assert.ok(String(r.status) in item[method].responses, `${method} ${path} answered ${r.status}, not documented`);
      n++;
    }
  }
  assert.ok(n > 25, `${n} operations`);
  // and an undocumented path is "no route"
  const none = await srv.api('GET', '/ocpi/cpos/1/nothing');
  assert.equal(none.status, 404);
  assert.match(none.body.detail, /^no route/);
});

// ---- the document itself: lint, names, strictness, the seed examples ----

const DOC = JSON.parse(readFileSync(new URL('../../api/openapi.json', import.meta.url)));
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const operations = () => Object.entries(DOC.paths).flatMap(([p, item]) =>
  METHODS.filter(m => item[m]).map(m => ({ path: p, method: m, op: item[m] })));

test('redocly lint (recommended rules, redocly.yaml): no error, no warning', () => {
  const cli = fileURLToPath(new URL('./node_modules/@redocly/cli/bin/cli.js', import.meta.url));
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const r = spawnSync(process.execPath, [cli, 'lint', '--config', 'redocly.yaml', '--format', 'json', 'api/openapi.json'],
    { cwd: root, encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' } });
  let report;
  try { report = JSON.parse(r.stdout); } catch { assert.fail(`redocly lint printed no JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`); }
  const problems = report.problems.filter(p => !p.ignored);
  assert.deepEqual(problems.map(p => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer}`), []);
  assert.equal(r.status, 0, r.stderr);
});

test('every operation has a unique camelCase operationId, a tag and a description', () => {
  const ids = operations().map(({ op }) => op.operationId);
  for (const { path, method, op } of operations()) {
    assert.match(op.operationId ?? '', /^[a-z][a-zA-Z0-9]*$/, `${method} ${path}`);
    assert.ok(op.tags?.length && op.description, `${method} ${path}`);
  }
  assert.equal(new Set(ids).size, ids.length, 'duplicate operationIds');
});

// Every object schema (inline or not) says what else it allows, and lists what it
// requires where the server sends it: additionalProperties false, or open with a reason.
test('every object schema is strict: additionalProperties given (false, or open with a description), required listed in answers', () => {
  const bad = [];
  const walk = (s, at, answer) => {
    if (!s || typeof s !== 'object') return;
    if (Array.isArray(s)) return s.forEach((x, i) => walk(x, `${at}/${i}`, answer));
    const isObj = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object'));
    if (isObj) {
      if (!('additionalProperties' in s)) bad.push(`${at}: no additionalProperties`);
      else if (s.additionalProperties !== false && !s.description) bad.push(`${at}: open without a description`);
      if (answer && s.properties && !Array.isArray(s.required)) bad.push(`${at}: no required`);
    }
    for (const k of ['properties', '$defs']) for (const [n, v] of Object.entries(s[k] ?? {})) walk(v, `${at}/${k}/${n}`, answer);
    for (const k of ['items', 'additionalProperties', 'not']) if (typeof s[k] === 'object') walk(s[k], `${at}/${k}`, answer);
    for (const k of ['oneOf', 'anyOf', 'allOf']) if (s[k]) walk(s[k], `${at}/${k}`, answer);
  };
  const answers = new Set();
  for (const { path, method, op } of operations()) {
    for (const [code, r] of Object.entries(op.responses)) {
      const rr = r.$ref ? DOC.components.responses[r.$ref.split('/').pop()] : r;
      for (const [ct, c] of Object.entries(rr.content ?? {})) {
        for (const r of JSON.stringify(c.schema).match(/#\/components\/schemas\/[A-Za-z0-9]+/g) ?? []) answers.add(r.split('/').pop());
        if (!c.schema?.$ref) walk(c.schema, `${method} ${path} ${code} ${ct}`, true);
      }
    }
    const b = op.requestBody?.content?.['application/json']?.schema;
    if (b && !b.$ref) bad.push(`${method} ${path}: an inline request body schema (name it in components)`);
  }
  // the component schemas answers use, directly or through others
  const refs = s => JSON.stringify(s).match(/#\/components\/schemas\/[A-Za-z0-9]+/g)?.map(r => r.split('/').pop()) ?? [];
  for (const todo = [...answers]; todo.length;)
    for (const r of refs(DOC.components.schemas[todo.pop()])) if (!answers.has(r)) { answers.add(r); todo.push(r); }
  assert.ok(answers.has('JobLocation') && answers.has('OcpiEvse221'));
  for (const [name, s] of Object.entries(DOC.components.schemas)) walk(s, `#/components/schemas/${name}`, answers.has(name));
  assert.deepEqual(bad, []);
});

// The C request checker looks these up by name; each route's body is one of them.
test('request bodies are named component schemas', () => {
  const bodies = {};
  for (const { path, method, op } of operations()) {
    const s = op.requestBody?.content?.['application/json']?.schema;
    if (s) bodies[`${method} ${path}`] = s.$ref?.replace('#/components/schemas/', '');
  }
  assert.deepEqual(bodies, {
    'post /ocpp/catalog/brands/{brand}/models': 'CreateModelRequest',
    'post /ocpi/cpos': 'CreateCpoRequest',
    'post /ocpi/cpos/{cpo_id}/locations': 'LocationsBody',
    'patch /ocpi/cpos/{cpo_id}/locations/{location_id}': 'UpdateLocationRequest',
    'post /ocpp/locations/{location_id}/chargers': 'CreateChargersRequest',
    'put /ocpp/locations/{location_id}/chargers': 'UpdateChargersRequest',
    'put /ocpp/chargers/{charger_id}': 'UpdateChargerRequest',
    'post /ocpp/commands/{command}': 'CommandRequest',
    'post /ocpi/{cpo}/2.2.1/credentials': 'OcpiCredentials',
    'put /ocpi/{cpo}/2.2.1/credentials': 'OcpiCredentials',
    'post /ocpi/{cpo}/2.1.1/credentials': 'OcpiCredentials211',
    'put /ocpi/{cpo}/2.1.1/credentials': 'OcpiCredentials211',
  });
  for (const name of ['CreateLocationsBulkRequest', 'OcpiCreateLocationRequest', 'LocationFromTemplateRequest', 'ChargerGroup', 'ChargerTemplate'])
    assert.ok(DOC.components.schemas[name], name);
});

const ajv = () => {
  const a = new Ajv2020({ allErrors: true, strict: false, validateSchema: false });
  addFormats(a);
  a.addSchema({ ...DOC, $id: 'https://chargefleet.invalid/openapi.json' });
  return name => a.compile({ $ref: `https://chargefleet.invalid/openapi.json#/components/schemas/${name}` });
};

test('the request schemas take what the server takes and refuse unknown fields, nested too', () => {
  const v = ajv();
  const ok = (name, body) => { const f = v(name); assert.ok(f(body), `${name} ${JSON.stringify(body)}: ${JSON.stringify(f.errors)}`); };
  const no = (name, body) => assert.ok(!v(name)(body), `${name} should refuse ${JSON.stringify(body)}`);
  ok('CreateCpoRequest', { template: 't', role: 'cpo', country_code: 'NLD', ttl_seconds: null, overrides: { locations: 2 } });
  no('CreateCpoRequest', { template: 't', colour: 1 });
  no('CreateCpoRequest', { template: 't', overrides: { locations: 2, floors: 3 } });
  no('CreateCpoRequest', { template: 't', country_code: 'nl1' });
  no('CreateCpoRequest', { template: 't', ttl_seconds: 5 });
  const raw = { name: 'n', coordinates: { latitude: '52.1', longitude: 4.8 }, country: 'FR', publish_allowed_to: [{ type: 'RFID' }] };
  ok('LocationsBody', [raw, { template: 'urban-ac-hub', overrides: { ocpp_version: 'OCPP2.0.1' } }]);
  ok('LocationsBody', { locations: [raw] });
  no('LocationsBody', []);
  no('LocationsBody', [{ ...raw, colour: 'red' }]);
  no('LocationsBody', [{ ...raw, coordinates: { latitude: 91, longitude: 0 } }]);
  no('LocationsBody', [{ ...raw, opening_times: { twentyfourseven: true, regular_hours: [{ weekday: 8, period_begin: '08:00', period_end: '18:00' }] } }]);
  no('LocationsBody', [{ template: 'urban-ac-hub', overrides: { floors: 1 } }]);
  ok('CreateChargersRequest', [{ template: { brand_slug: 'b', model_slug: 'm', connector_type: 'Type 2' }, chargers_number: 2 }]);
  no('CreateChargersRequest', [{ template: { brand_slug: 'b', model_slug: 'm', wheels: 4 }, chargers_number: 2 }]);
  no('CommandRequest', { target: { charger_id: 'a', location_id: '00000000-0000-0000-0000-000000000000' } });
  ok('CommandRequest', { target: { location_id: '00000000-0000-0000-0000-000000000000', charger_ids: ['a'] }, connector_id: 1 });
});

// The seed pages are the REST contract: their example requests are the document's examples.
test('the seed examples are in the document and fit its schemas', () => {
  const examples = {};
  for (const { op } of operations()) {
    const c = op.requestBody?.content?.['application/json'];
    if (c?.examples) examples[op.operationId] = { schema: c.schema, values: Object.values(c.examples).map(e => e.value) };
  }
  assert.deepEqual(Object.keys(examples).sort(), ['createChargers', 'createCpo', 'createLocations']);
  const v = ajv();
  for (const [id, { schema, values }] of Object.entries(examples)) {
    const f = v(schema.$ref.split('/').pop());
    for (const value of values) assert.ok(f(value), `${id}: ${JSON.stringify(value)}: ${JSON.stringify(f.errors)}`);
  }
  const seeds = new URL('../../../shared/seeds/', import.meta.url);
  if (!existsSync(seeds)) return;   // a checkout without the seed pages: the committed examples stand
  const payloads = f => [...readFileSync(new URL(f, seeds), 'utf8').matchAll(/```python[^\n]*\n[\s\S]*?^payload = ([\s\S]*?)^headers =/gm)]
    .map(m => JSON.parse(m[1].replace(/\bTrue\b/g, 'true').replace(/\bFalse\b/g, 'false').replace(/\bNone\b/g, 'null')));
  for (const [file, id] of [['000_4d0f99fc9d111929.txt', 'createLocations'], ['001_ef5bb6c36c637f1f.txt', 'createChargers'], ['003_818cfc4af050cbbb.txt', 'createCpo']]) {
    const want = payloads(file);
    assert.ok(want.length > 0, file);
    assert.deepEqual(examples[id].values, want, `${id}: the examples of ${file}`);
  }
});
