// Request validation and the document agree: a body the document's schema refuses is
// answered 422, a body it accepts is not, and every seed example (the REST contract) is
// accepted as written (only ws_url pointed at the test CSMS). Each case is its own test.
// What a schema cannot say (a catalog lookup, "nothing to change") is a SEMANTIC case: the
// document accepts the body's shape, the server refuses it with a 422 that says why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startPostgres, startPeer, startServe, stopAll, createLocation, waitJob } from './harness.mjs';
import { loadDocument, openapiChecker } from './openapi_check.mjs';

const doc = loadDocument();
const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: false });
addFormats(ajv);
ajv.addSchema({ ...doc, $id: 'https://chargefleet.invalid/openapi.json' });
const oc = openapiChecker(doc);
let pg, peer, srv, cpoId, locationId, chargerId;

before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = oc.wrap(await startServe({ db: pg.url, defaultWsUrl: peer.url }));
  ({ cpoId, locationId } = await createLocation(srv, peer.url));
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [{ template: { brand_slug: 'schneider', model_slug: 'evlink-pro-ac-22kw' }, charger_ids: ['REQ1'] }] });
  chargerId = (await waitJob(srv, r.body.status_url)).results.created[0].charger_id;
});
after(() => stopAll({ srv, peer, pg }));

// the schema of an operation's request body
function bodySchema(method, template, path) {
  let ref = doc.paths[template][method].requestBody.content['application/json'].schema.$ref;
  // a command's body: the schema of the path's command (what the checker picks)
  if (template === '/ocpp/commands/{command}')
    ref = `#/components/schemas/${path.split('/').pop().split('-').map(w => w[0].toUpperCase() + w.slice(1)).join('')}CommandRequest`;
  return ajv.getSchema(`https://chargefleet.invalid/openapi.json${ref}`) ??
    ajv.compile({ $ref: `https://chargefleet.invalid/openapi.json${ref}` });
}

const AC = { brand_slug: 'schneider', model_slug: 'evlink-pro-ac-22kw' };
const RAW = { name: 'Req site', coordinates: { latitude: '52.1', longitude: '4.3' }, country: 'NLD' };
const CPO = { template: 'small-urban-ac', overrides: { locations: 1, chargers_per_location: 0 } };
const SEMANTIC = 'semantic';
// [name, method, path template, concrete path (fn), body, SEMANTIC?]
const cases = [
  ['CPO: the minimal body', 'post', '/ocpi/cpos', () => '/ocpi/cpos', CPO],
  ['CPO: an unknown field', 'post', '/ocpi/cpos', () => '/ocpi/cpos', { ...CPO, colour: 'red' }],
  ['CPO: an unknown override', 'post', '/ocpi/cpos', () => '/ocpi/cpos', { ...CPO, overrides: { locations: 1, floors: 2 } }],
  ['CPO: role emsp', 'post', '/ocpi/cpos', () => '/ocpi/cpos', { ...CPO, role: 'emsp' }],
  ['CPO: a role that is not one', 'post', '/ocpi/cpos', () => '/ocpi/cpos', { ...CPO, role: 'boss' }],
  ['CPO: an alpha-3 country_code', 'post', '/ocpi/cpos', () => '/ocpi/cpos', { ...CPO, country_code: 'NLD' }],
  ['CPO: ttl_seconds below 60', 'post', '/ocpi/cpos', () => '/ocpi/cpos', { ...CPO, ttl_seconds: 5 }],
  ['CPO: a ws_url that is not ws://', 'post', '/ocpi/cpos', () => '/ocpi/cpos', { ...CPO, ws_url: 'http://x' }],
  ['locations: a raw location', 'post', '/ocpi/cpos/{cpo_id}/locations', () => `/ocpi/cpos/${cpoId}/locations`, [RAW]],
  ['locations: an unknown field', 'post', '/ocpi/cpos/{cpo_id}/locations', () => `/ocpi/cpos/${cpoId}/locations`, [{ ...RAW, colour: 'red' }]],
  ['locations: an alpha-2 country', 'post', '/ocpi/cpos/{cpo_id}/locations', () => `/ocpi/cpos/${cpoId}/locations`, [{ ...RAW, country: 'FR' }]],
  ['locations: latitude 91', 'post', '/ocpi/cpos/{cpo_id}/locations', () => `/ocpi/cpos/${cpoId}/locations`, [{ ...RAW, coordinates: { latitude: 91, longitude: 0 } }]],
  ['locations: a bad facility', 'post', '/ocpi/cpos/{cpo_id}/locations', () => `/ocpi/cpos/${cpoId}/locations`, [{ ...RAW, facilities: ['DISCO'] }]],
  ['locations: an unknown template override', 'post', '/ocpi/cpos/{cpo_id}/locations', () => `/ocpi/cpos/${cpoId}/locations`, [{ template: 'urban-ac-hub', overrides: { floors: 1 } }]],
  ['locations: no locations', 'post', '/ocpi/cpos/{cpo_id}/locations', () => `/ocpi/cpos/${cpoId}/locations`, { locations: [] }],
  ['chargers: a group', 'post', '/ocpp/locations/{location_id}/chargers', () => `/ocpp/locations/${locationId}/chargers`, [{ template: AC, chargers_number: 1 }]],
  ['chargers: an unknown template field', 'post', '/ocpp/locations/{location_id}/chargers', () => `/ocpp/locations/${locationId}/chargers`, [{ template: { ...AC, wheels: 4 }, chargers_number: 1 }]],
  ['chargers: an unknown group field', 'post', '/ocpp/locations/{location_id}/chargers', () => `/ocpp/locations/${locationId}/chargers`, [{ template: AC, chargers_number: 1, colour: 'red' }]],
  ['chargers: connector_type "Type 2"', 'post', '/ocpp/locations/{location_id}/chargers', () => `/ocpp/locations/${locationId}/chargers`, [{ template: { ...AC, connector_type: 'Type 2' }, chargers_number: 1 }]],
  ['chargers: a connector type nobody has', 'post', '/ocpp/locations/{location_id}/chargers', () => `/ocpp/locations/${locationId}/chargers`, [{ template: { ...AC, connector_type: 'Type 9' }, chargers_number: 1 }], SEMANTIC],
  ['chargers: a model not in the catalog', 'post', '/ocpp/locations/{location_id}/chargers', () => `/ocpp/locations/${locationId}/chargers`, [{ template: { ...AC, model_slug: 'no-such' }, chargers_number: 1 }], SEMANTIC],
  ['locations: an unknown country', 'post', '/ocpi/cpos/{cpo_id}/locations', () => `/ocpi/cpos/${cpoId}/locations`, [{ ...RAW, country: 'ZZZ' }], SEMANTIC],
  ['chargers: a negative chargers_number', 'post', '/ocpp/locations/{location_id}/chargers', () => `/ocpp/locations/${locationId}/chargers`, [{ template: AC, chargers_number: -1 }]],
  ['location update: an unknown field', 'patch', '/ocpi/cpos/{cpo_id}/locations/{location_id}', () => `/ocpi/cpos/${cpoId}/locations/${locationId}`, { colour: 'red' }],
  ['location update: a name', 'patch', '/ocpi/cpos/{cpo_id}/locations/{location_id}', () => `/ocpi/cpos/${cpoId}/locations/${locationId}`, { name: 'Renamed' }],
  ['chargers update: nothing to change', 'put', '/ocpp/locations/{location_id}/chargers', () => `/ocpp/locations/${locationId}/chargers`, { charger_ids: ['REQ1'] }, SEMANTIC],
  ['chargers update: a name', 'put', '/ocpp/locations/{location_id}/chargers', () => `/ocpp/locations/${locationId}/chargers`, { template_name: 'Bay' }],
  ['charger update: charger_ids', 'put', '/ocpp/chargers/{charger_id}', () => `/ocpp/chargers/${chargerId}`, { template_name: 'Bay', charger_ids: ['x'] }],
  ['model: an unknown field', 'post', '/ocpp/catalog/brands/{brand}/models', () => '/ocpp/catalog/brands/acme/models', { model_slug: 'm1', name: 'M', current_type: 'AC', max_power_kw: 11, connector_count: 1, connector_types: ['TYPE2'], colour: 'red' }],
  ['model: a model', 'post', '/ocpp/catalog/brands/{brand}/models', () => '/ocpp/catalog/brands/acme/models', { model_slug: 'm1', name: 'M', current_type: 'AC', max_power_kw: 11, connector_count: 1, connector_types: ['TYPE2'] }],
  ['command: an argument another command takes', 'post', '/ocpp/commands/{command}', () => '/ocpp/commands/plug', { target: { charger_id: 'REQ1' }, id_tag: 'x' }],
  ['command: its arguments', 'post', '/ocpp/commands/{command}', () => '/ocpp/commands/set-configuration', { target: { charger_id: 'REQ1' }, key: 'HeartbeatInterval', value: '60' }],
  ['command: a required argument missing', 'post', '/ocpp/commands/{command}', () => '/ocpp/commands/authorize', { target: { charger_id: 'REQ1' } }],
  ['command: both charger_id and location_id', 'post', '/ocpp/commands/{command}', () => '/ocpp/commands/plug', { target: { charger_id: 'REQ1', location_id: locationId } }],
];

for (const [name, method, template, path, body, semantic] of cases) {
  test(name, async () => {
    const valid = bodySchema(method, template, path())(body);
    const r = await srv.api(method.toUpperCase(), path(), { body });
    assert.notEqual(r.status, 400, JSON.stringify(r.body));
    if (semantic) {
      assert.ok(valid, 'a semantic case has a shape the document accepts');
      assert.equal(r.status, 422, JSON.stringify(r.body));
      return;
    }
    assert.equal(r.status === 422, !valid,
      `the document says ${valid ? 'valid' : 'invalid'}, the server answered ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  });
}

// The seed pages' example requests, as the document carries them.
const seedCases = [];
for (const [template, item] of Object.entries(doc.paths))
  for (const [method, op] of Object.entries(item))
    for (const [key, ex] of Object.entries(op.requestBody?.content?.['application/json']?.examples ?? {}))
      seedCases.push({ template, method, key, ex });
const withWs = v => JSON.parse(JSON.stringify(v).replace(/wss:\/\/ocpp\.ocpplab\.com/g, '__WS__'));
for (const { template, method, key, ex } of seedCases) {
  test(`seed example ${key} (${method} ${template}) is accepted: ${ex.summary}`, async () => {
    // each in its own location toward its own CSMS endpoint: the examples share
    // identities (SITE_A_001 ...), unique in a location and toward one ws_url
    const own = (await createLocation(srv, `${peer.url}/${key}`, key)).locationId;
    const path = template.replace('{cpo_id}', cpoId).replace('{location_id}', own);
    const body = JSON.parse(JSON.stringify(withWs(ex.value)).replaceAll('__WS__', `${peer.url}/${key}`));
    const r = await srv.api(method.toUpperCase(), path, { body });
    assert.equal(r.status, 202, JSON.stringify(r.body).slice(0, 500));
  });
}

test('every answer here matches the document', () => {
  oc.assertClean();
});
