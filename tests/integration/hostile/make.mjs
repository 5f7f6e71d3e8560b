// Generates corpus.jsonl: hostile requests for every route of api/api_routes.c, each
// expected to be refused (a 4xx whose JSON body has `detail`) without writing anything.
// Run `node tests/integration/hostile/make.mjs` after changing it and commit both files;
// hostile_input.test.mjs replays the committed corpus.
//
// One line per request: {id, name, method, path, body? | raw? (text) | raw_b64? (bytes),
// field? (a name the detail must mention), closed_ok? (see SEG), ocpi? (see OCPI)}. Placeholders, filled in by the test:
// {location_id}, {cpo_id}, {charger_id} (a charger, location and CPO that exist),
// {missing} (a UUID nothing has), {ws} (an allowed ws_url), {ca_dir} (serve's --ca-dir).
//
// Structure-aware: each route's valid body is walked, and every leaf is replaced in turn
// (wrong types, numbers no parser keeps, hostile strings), every object gets an unknown
// field; a hostile string is put into a body that is also "poisoned" by one field the
// validator refuses after the document's schema (an unknown model, a bad country...), so
// that a string a field may legitimately hold (a name like "'; DROP TABLE x; --") still
// goes through every check and nothing is written. The bodies are also broken as text:
// invalid UTF-8, NUL bytes, duplicate keys, deep nesting, truncation.
import { writeFileSync } from 'node:fs';

const out = [];
const add = (e) => out.push({ id: out.length + 1, ...e });

const AC = { brand_slug: 'schneider', model_slug: 'evlink-pro-ac-22kw', ocpp_version: 'OCPP1.6' };
const routes = [
  { name: 'chargers', method: 'POST', path: '/ocpp/locations/{location_id}/chargers',
    body: [{ template: { ...AC, ws_url: '{ws}', identity_prefix: 'HX_', template_name: 'Hostile' }, charger_ids: ['HX1'] }],
    poison: b => { b[0].template.brand_slug = 'no-such-brand'; } },
  { name: 'update location chargers', method: 'PUT', path: '/ocpp/locations/{location_id}/chargers',
    body: { charger_ids: ['{charger_id}'], ws_url: '{ws}', template_name: 'Renamed' },
    poison: b => { b.ws_url = 'http://127.0.0.1/'; } },
  { name: 'update charger', method: 'PUT', path: '/ocpp/chargers/{charger_id}',
    body: { ws_url: '{ws}', template_name: 'Renamed', ocpp_version: 'OCPP2.0.1' },
    poison: b => { b.ws_url = 'http://127.0.0.1/'; } },
  { name: 'cpo', method: 'POST', path: '/ocpi/cpos',
    body: { template: 'small-urban-ac', ws_url: '{ws}', country_code: 'NL', party_id: 'HXX', name_prefix: 'hx',
      overrides: { locations: 1, chargers_per_location: 1 }, seed: 7, ttl_seconds: 600 },
    poison: b => { b.country_code = 'ZZ'; } },
  { name: 'cpo locations', method: 'POST', path: '/ocpi/cpos/{cpo_id}/locations',
    body: [{ name: 'Hostile site', address: '1 Street', city: 'Town', postal_code: '1000', country: 'NLD',
      coordinates: { latitude: '52.37', longitude: '4.89' }, charges: [] }],
    poison: b => { b[0].country = 'ZZZ'; } },
  { name: 'patch location', method: 'PATCH', path: '/ocpi/cpos/{cpo_id}/locations/{location_id}',
    body: { name: 'New name', city: 'City', address: 'Addr', coordinates: { latitude: '1.5', longitude: '2.5' } },
    poison: b => { b.country = 'ZZZ'; } },
  { name: 'model', method: 'POST', path: '/ocpp/catalog/brands/acme/models',
    body: { model_slug: 'volt-50', name: 'Volt 50', brand_name: 'Acme', vendor: 'Acme', model: 'V50', current_type: 'DC',
      max_power_kw: 50, connector_count: 2, connector_types: ['CCS2'], firmware: '2.1.0', ocpp_versions: ['OCPP2.0.1'] },
    poison: b => { b.current_type = 'AC/DC'; } },
];
const commandArgs = {
  'start-session': { connector_id: 1, id_tag: 'TAG1', id_type: 'ISO14443' },
  'stop-session': { connector_id: 1, transaction_id: '42' },
  authorize: { id_tag: 'TAG1', id_type: 'Local' },
  'inject-fault': { connector_id: 1 }, 'clear-fault': { connector_id: 1 },
  'start-generator': {}, 'stop-generator': {}, plug: { connector_id: 1 }, unplug: { connector_id: 1 },
  'ev-suspend': { connector_id: 1 }, 'ev-resume': { connector_id: 1 },
  'stop-runtime': {}, 'start-runtime': {}, restart: {}, retry: {},
  'set-configuration': { key: 'HeartbeatInterval', value: '60' },
  'proxy-message': { action: 'DataTransfer', payload: { vendorId: 'v', messageId: 'm' } },
};
for (const [c, args] of Object.entries(commandArgs))
  routes.push({ name: `command ${c}`, method: 'POST', path: `/ocpp/commands/${c}`,
    body: { target: { charger_id: '{charger_id}' }, ...args },
    poison: b => { b.target = { charger_id: '{missing}' }; } });

const STRINGS = [
  ["sql", "'; DROP TABLE chargers; --"],
  ["sql-or", "x' OR '1'='1"],
  ["traversal", '../../../../etc/passwd'],
  ["percent-traversal", '..%2F..%2Fetc%2Fshadow'],
  ["long", 'A'.repeat(5000)],
  ["control", 'a\r\nX-Injected: 1'],
  ["unicode", 'Zürich ☃ \u202e'],
  ["lone-surrogate", '\ud800'],
  ["format", '%s%n%x%p'],
];

// every leaf of a JSON value: [path, value]
function leaves(v, path = []) {
  if (v === null || typeof v !== 'object') return [[path, v]];
  const r = [];
  for (const [k, x] of Object.entries(v)) r.push(...leaves(x, [...path, Array.isArray(v) ? Number(k) : k]));
  return r;
}
function objects(v, path = []) {
  if (v === null || typeof v !== 'object') return [];
  const r = Array.isArray(v) ? [] : [path];
  for (const [k, x] of Object.entries(v)) r.push(...objects(x, [...path, Array.isArray(v) ? Number(k) : k]));
  return r;
}
const clone = v => JSON.parse(JSON.stringify(v));
function setAt(body, path, value) {
  const b = clone(body);
  if (path.length === 0) return value;
  let o = b;
  for (const k of path.slice(0, -1)) o = o[k];
  o[path.at(-1)] = value;
  return b;
}
const where = p => p.join('.') || '(body)';

for (const r of routes) {
  const base = { method: r.method, path: r.path };
  const poisoned = clone(r.body);
  r.poison(poisoned);
  // wrong types at every leaf (plain body: the type alone is refused)
  for (const [p, v] of leaves(r.body)) {
    // a coordinate may be a number or a decimal string: 0 is no wrong type there
    const coord = ['latitude', 'longitude'].includes(p.at(-1));
    const wrong = typeof v === 'string' ? (coord ? [true, {}] : [0, true]) : typeof v === 'number' ? ['1', true, [], {}] : ['x', 1];
    for (const w of wrong.slice(0, 2))
      add({ ...base, name: `${r.name}: ${where(p)} = ${JSON.stringify(w)}`, body: setAt(r.body, p, w) });
    if (typeof v === 'number') {
      // numbers the parser cannot keep: an integer past 64 bits, a real past double
      const text = JSON.stringify(setAt(r.body, p, 'NUMBER_HERE'));
      add({ ...base, name: `${r.name}: ${where(p)} = 2^70`, raw: text.replace('"NUMBER_HERE"', '1180591620717411303424') });
      add({ ...base, name: `${r.name}: ${where(p)} = 1e400`, raw: text.replace('"NUMBER_HERE"', '1e400') });
      add({ ...base, name: `${r.name}: ${where(p)} = -1e300`, body: setAt(r.body, p, -1e300) });
    }
  }
  // hostile strings in every string field (poisoned body: refused whatever the field takes)
  for (const [p, v] of leaves(poisoned)) {
    if (typeof v !== 'string') continue;
    for (const [label, s] of STRINGS.slice(0, 4))
      add({ ...base, name: `${r.name}: ${where(p)} ${label}`, body: setAt(poisoned, p, s) });
  }
  const firstString = leaves(poisoned).find(([, v]) => typeof v === 'string')[0];
  for (const [label, s] of STRINGS.slice(4))
    add({ ...base, name: `${r.name}: ${where(firstString)} ${label}`, body: setAt(poisoned, firstString, s) });
  // an unknown field in every object
  for (const p of objects(r.body)) {
    const b = clone(r.body);
    let o = b;
    for (const k of p) o = o[k];
    o.zz_unknown = 1;
    add({ ...base, name: `${r.name}: unknown field in ${where(p)}`, body: b, field: 'zz_unknown' });
  }
  // the body as text
  const text = JSON.stringify(r.body);
  const obj = text.startsWith('[') ? text.slice(1, -1) : text;
  const some = leaves(r.body).find(([, v]) => typeof v === 'string')[1];
  add({ ...base, name: `${r.name}: invalid UTF-8`, raw_b64: Buffer.concat([Buffer.from(text.replace(`"${some}"`, '"a')), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(`"${text.slice(text.indexOf(`"${some}"`) + some.length + 2)}`)]).toString('base64') });
  add({ ...base, name: `${r.name}: overlong UTF-8 '/'`, raw_b64: Buffer.concat([Buffer.from(text.replace(`"${some}"`, '"..')), Buffer.from([0xc0, 0xaf]), Buffer.from(`etc"${text.slice(text.indexOf(`"${some}"`) + some.length + 2)}`)]).toString('base64') });
  add({ ...base, name: `${r.name}: NUL escape in a string`, raw: text.replace(`"${some}"`, '"a\\u0000b"') });
  add({ ...base, name: `${r.name}: NUL byte in the body`, raw_b64: Buffer.from(text.replace(`"${some}"`, '"a\u0000b"')).toString('base64') });
  if (obj.startsWith('{'))
    add({ ...base, name: `${r.name}: duplicate keys`, raw: (text.startsWith('[') ? '[' : '') + obj.slice(0, -1) + ',' + obj.slice(1) + (text.startsWith('[') ? ']' : '') });
  // past the parser's depth limit (2048) for the first routes, within it for the others
  const deep = r.path.startsWith('/ocpp/commands/') ? 200 : 3000;
  add({ ...base, name: `${r.name}: ${deep} nested arrays`, raw: '['.repeat(deep) + ']'.repeat(deep) });
  add({ ...base, name: `${r.name}: ${deep} nested objects`, raw: '{"a":'.repeat(deep) + '1' + '}'.repeat(deep) });
  add({ ...base, name: `${r.name}: truncated`, raw: text.slice(0, Math.floor(text.length / 2)) });
  add({ ...base, name: `${r.name}: not JSON`, raw: "<xml>' OR 1=1</xml>" });
  add({ ...base, name: `${r.name}: empty body`, raw: '' });
  add({ ...base, name: `${r.name}: wrong top-level type`, body: text.startsWith('[') ? { items: r.body } : [r.body] });
  add({ ...base, name: `${r.name}: JSON null`, raw: 'null' });
}

// ws_url: other schemes, hosts the serve under test does not allow (--allow-ws-hosts
// 127.0.0.0/8,::1), request-line injection
const WS = ['http://127.0.0.1/', 'file:///etc/passwd', 'javascript:alert(1)', 'ftp://127.0.0.1/', 'ws:/127.0.0.1/',
  'ws://169.254.169.254/latest/meta-data/', 'ws://10.0.0.1/ocpp', 'ws://192.168.1.1/', 'ws://172.16.0.1/',
  'ws://[fd00::1]/ocpp', 'ws://[::ffff:169.254.169.254]/', 'ws://2130706433/', 'ws://0x7f.1/', 'ws://localhost/',
  'wss://metadata.google.internal/', 'ws://user:pw@127.0.0.1/', 'ws://127.0.0.1:0/', 'ws://127.0.0.1:99999/',
  'ws://127.0.0.1/a b', 'ws://127.0.0.1/\r\nHost: evil'];
for (const ws of WS) {
  add({ name: `chargers: ws_url ${JSON.stringify(ws)}`, method: 'POST', path: '/ocpp/locations/{location_id}/chargers',
    body: [{ template: { ...AC, ws_url: ws }, charger_ids: ['HXW'] }], field: 'ws_url' });
  add({ name: `update charger: ws_url ${JSON.stringify(ws)}`, method: 'PUT', path: '/ocpp/chargers/{charger_id}',
    body: { ws_url: ws }, field: 'ws_url' });
}
for (const ws of WS.slice(5, 10))
  add({ name: `cpo: ws_url ${ws}`, method: 'POST', path: '/ocpi/cpos',
    body: { template: 'small-urban-ac', ws_url: ws, overrides: { locations: 1, chargers_per_location: 0 } }, field: 'ws_url' });

// identities: URL-safe characters only, at most 48
const IDS = ['A'.repeat(49), '../etc', 'a/b', 'a%2Fb', 'a b', 'Zürich', 'a?b', 'a#b', '.', '..', '', 'a;b', '<script>',
  "x'--", 'a+b', 'a:b', 'a@b', 'a\\b', 'tab\there', '\u00a0'];
IDS.forEach((id, i) => add({ name: `chargers: charger_ids ${JSON.stringify(id.slice(0, 20))}`, method: 'POST',
  path: '/ocpp/locations/{location_id}/chargers', body: [{ template: { ...AC, ws_url: '{ws}' }, charger_ids: ['OK' + i, id] }], field: 'charger_ids' }));
for (const p of ['a/', 'x y', 'P'.repeat(43), 'ü_', '%2e%2e'])
  add({ name: `chargers: identity_prefix ${JSON.stringify(p.slice(0, 20))}`, method: 'POST', path: '/ocpp/locations/{location_id}/chargers',
    body: [{ template: { ...AC, ws_url: '{ws}', identity_prefix: p }, chargers_number: 2 }], field: 'identity_prefix' });
add({ name: 'chargers: identity_prefix + id over 48', method: 'POST', path: '/ocpp/locations/{location_id}/chargers',
  body: [{ template: { ...AC, ws_url: '{ws}', identity_prefix: 'P'.repeat(40) }, charger_ids: ['I'.repeat(9)] }], field: 'charger_ids' });
add({ name: 'location template: identity_prefix override + the template group prefix + suffix over 48', method: 'POST',
  path: '/ocpi/cpos/{cpo_id}/locations', body: [{ template: 'urban-ac-hub', overrides: { identity_prefix: 'P'.repeat(42) } }], field: 'identity_prefix' });
add({ name: 'cpo: name_prefix not URL-safe', method: 'POST', path: '/ocpi/cpos',
  body: { template: 'small-urban-ac', ws_url: '{ws}', name_prefix: 'a/b', overrides: { locations: 1, chargers_per_location: 0 } }, field: 'name_prefix' });
add({ name: 'cpo: name_prefix + template prefixes leave no room for the suffix', method: 'POST', path: '/ocpi/cpos',
  body: { template: 'small-urban-ac', ws_url: '{ws}', name_prefix: 'N'.repeat(32), overrides: { locations: 2, chargers_per_location: 2 } } });

// ca_file: only a readable PEM file inside --ca-dir ({ca_dir}: escape.pem is a link to a
// certificate outside it, notpem.pem a text file, both made by the test)
const CA = ['/etc/shadow', '/etc/passwd', '/proc/self/environ', '{ca_dir}/../../../etc/passwd', '{ca_dir}/escape.pem',
  '{ca_dir}/notpem.pem', '{ca_dir}/missing.pem', '{ca_dir}', '{ca_dir}/', 'relative/ca.pem', '/dev/zero',
  '{ca_dir}/../outside.pem'];
for (const ca of CA) {
  add({ name: `chargers: ca_file ${ca}`, method: 'POST', path: '/ocpp/locations/{location_id}/chargers',
    body: [{ template: { ...AC, ws_url: 'wss://127.0.0.1:1/', ca_file: ca }, charger_ids: ['HXCA'] }], field: 'ca_file' });
  add({ name: `update charger: ca_file ${ca}`, method: 'PUT', path: '/ocpp/chargers/{charger_id}',
    body: { ca_file: ca }, field: 'ca_file' });
}

// proxy-message payloads the charger's OCPP version (1.6) refuses
const PROXY = [['DataTransfer', {}], ['DataTransfer', { vendorId: 'v'.repeat(256) }], ['DataTransfer', { vendorId: 'v', data: 7 }],
  ['StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Resting' }], ['Heartbeat', { extra: 1 }],
  ['MeterValues', { connectorId: 'one', meterValue: [] }], ['Authorize', { idTag: 'T'.repeat(21) }],
  ['Reset', { type: 'Hard' }], ['RemoteStartTransaction', { idTag: 'x' }], ['TransactionEvent', {}], ['NoSuchAction', {}],
  ['../../etc', {}], ['BootNotification', { chargePointVendor: 'v', chargePointModel: 'm'.repeat(21) }],
  ['StartTransaction', { connectorId: 1, idTag: 'x', meterStart: 0, timestamp: 'yesterday' }]];
for (const [action, payload] of PROXY)
  add({ name: `proxy-message: ${action} ${JSON.stringify(payload).slice(0, 40)}`, method: 'POST', path: '/ocpp/commands/proxy-message',
    body: { target: { charger_id: '{charger_id}' }, action, payload } });
add({ name: 'proxy-message: to every charger of the location, payload 1.6 refuses', method: 'POST', path: '/ocpp/commands/proxy-message',
  body: { target: { location_id: '{location_id}' }, action: 'DataTransfer', payload: { vendorId: 'v', data: {} } }, field: 'payload' });

// paths and queries: traversal, SQL, malformed ids, unknown things
// libwebsockets refuses a %00 inside the URI itself: it closes the connection without
// an answer (closed_ok: the test accepts that, and that serve answers on); one at the
// very end it drops (/ocpp/chargers/%00 is /ocpp/chargers/, the list), so none is here.
const SEG = ["'%20OR%201=1--", '..%2F..%2Fetc%2Fpasswd', 'a%00b', '%ff%fe', '%c0%af', 'A'.repeat(49), 'not-a-uuid', '{missing}'];
for (const s of SEG) {
  add({ name: `GET charger ${s.slice(0, 20)}`, method: 'GET', path: `/ocpp/chargers/${s}` });
  add({ name: `GET charger logs ${s.slice(0, 20)}`, method: 'GET', path: `/ocpp/chargers/${s}/logs` });
  add({ name: `DELETE charger ${s.slice(0, 20)}`, method: 'DELETE', path: `/ocpp/chargers/${s}` });
  add({ name: `GET command ${s.slice(0, 20)}`, method: 'GET', path: `/ocpp/commands/${s}` });
  add({ name: `GET cpo ${s.slice(0, 20)}`, method: 'GET', path: `/ocpi/cpos/${s}` });
  add({ name: `DELETE cpo ${s.slice(0, 20)}`, method: 'DELETE', path: `/ocpi/cpos/${s}` });
  add({ name: `GET cpo status ${s.slice(0, 20)}`, method: 'GET', path: `/ocpi/cpos/${s}/status` });
  add({ name: `GET cpo report ${s.slice(0, 20)}`, method: 'GET', path: `/ocpi/cpos/${s}/report` });
  add({ name: `GET location ${s.slice(0, 20)}`, method: 'GET', path: `/ocpi/cpos/{cpo_id}/locations/${s}` });
  add({ name: `DELETE location ${s.slice(0, 20)}`, method: 'DELETE', path: `/ocpi/cpos/{cpo_id}/locations/${s}` });
  add({ name: `GET location chargers ${s.slice(0, 20)}`, method: 'GET', path: `/ocpp/locations/${s}/chargers` });
  add({ name: `DELETE location chargers ${s.slice(0, 20)}`, method: 'DELETE', path: `/ocpp/locations/${s}/chargers` });
  add({ name: `GET location logs ${s.slice(0, 20)}`, method: 'GET', path: `/ocpp/locations/${s}/logs` });
  add({ name: `GET chargers job ${s.slice(0, 20)}`, method: 'GET', path: `/ocpp/locations/{location_id}/chargers/jobs/${s}` });
  add({ name: `GET locations job ${s.slice(0, 20)}`, method: 'GET', path: `/ocpi/cpos/{cpo_id}/locations/jobs/${s}` });
  add({ name: `GET model ${s.slice(0, 20)}`, method: 'GET', path: `/ocpp/catalog/brands/schneider/models/${s}` });
}
for (const q of ['limit=-1', 'limit=abc', 'limit=1e309', 'limit=99999999999999999999', 'page=0', 'status=BROKEN',
  "ocpp_version='%20OR%201=1", 'location_id=..%2F..', 'location_id=%00'])
  add({ name: `GET chargers ?${q}`, method: 'GET', path: `/ocpp/chargers?${q}` });
for (const q of ['start_date=yesterday', "end_date='%20OR%201=1", 'limit=0', 'offset=-1', 'tail=5&limit=3', 'event=%00',
  'direction=sideways', 'order=random', 'follow=2'])
  add({ name: `GET charger logs ?${q}`, method: 'GET', path: `/ocpp/chargers/{charger_id}/logs?${q}` });
add({ name: 'DELETE location chargers ?charger_ids= (empty)', method: 'DELETE', path: '/ocpp/locations/{location_id}/chargers?charger_ids=' });
add({ name: 'GET location templates ?type=XX', method: 'GET', path: '/ocpi/templates/locations?type=XX' });
add({ name: 'POST model for brand with a space', method: 'POST', path: '/ocpp/catalog/brands/BAD%20BRAND/models', body: routes.find(r => r.name === 'model').body });
add({ name: 'POST model for brand ../..', method: 'POST', path: '/ocpp/catalog/brands/..%2F../models', body: routes.find(r => r.name === 'model').body });
for (const c of ['fly', '..%2F..%2Fetc', "'%20OR%201=1", 'A'.repeat(200)])
  add({ name: `POST command ${c.slice(0, 20)}`, method: 'POST', path: `/ocpp/commands/${c}`, body: { target: { charger_id: '{charger_id}' } } });
add({ name: 'no bearer token', method: 'POST', path: '/ocpi/cpos', body: { template: 'small-urban-ac' }, token: null });
add({ name: 'wrong bearer token', method: 'PUT', path: '/ocpp/chargers/{charger_id}', body: { template_name: 'x' }, token: "x' OR '1'='1" });
add({ name: 'unknown route', method: 'GET', path: '/ocpp/../../etc/passwd' });
add({ name: 'chunked body', method: 'POST', path: '/ocpi/cpos', raw: '{}', headers: { 'transfer-encoding': 'chunked' } });

// OCPI routes (their own token, OCPI's envelope: ocpi: the test wants status_message, not
// detail): without a token, with a hostile one, on hostile party segments
const OCPI = ['versions', '2.2.1', '2.2.1/credentials', '2.2.1/locations', '2.2.1/locations/x', '2.2.1/locations/x/y',
  '2.2.1/locations/x/y/z', '2.1.1', '2.1.1/credentials', '2.1.1/locations', '2.1.1/locations/x/y/z'];
const OCPI_TOKENS = [null, "Token ' OR '1'='1", 'Token ../../etc/passwd', 'Bearer ' + 'A'.repeat(400)];
OCPI.forEach((sub, i) => {
  for (const [k, party] of ['{cpo_id}', "x'%20OR%201=1", '..%2F..'].entries()) {
    const headers = OCPI_TOKENS[(i + k) % OCPI_TOKENS.length] ? { authorization: OCPI_TOKENS[(i + k) % OCPI_TOKENS.length] } : {};
    add({ name: `OCPI GET ${party.slice(0, 12)}/${sub}`, method: 'GET', path: `/ocpi/${party}/${sub}`, token: null, headers, ocpi: true });
  }
});
for (const m of ['POST', 'PUT', 'DELETE'])
  for (const v of ['2.2.1', '2.1.1'])
    add({ name: `OCPI ${m} ${v} credentials, hostile token and body`, method: m, path: `/ocpi/{cpo_id}/${v}/credentials`, token: null,
      headers: { authorization: "Token x' OR '1'='1" }, body: { token: "'; DROP TABLE ocpi_peers; --", url: 'file:///etc/passwd', roles: [{}] }, ocpi: true });

for (const e of out) if (e.path.includes('%00')) e.closed_ok = true;
writeFileSync(new URL('corpus.jsonl', import.meta.url), out.map(e => JSON.stringify(e)).join('\n') + '\n');
console.log(`${out.length} hostile requests`);
