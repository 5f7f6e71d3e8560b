// GET /openapi.json serves the document kept in the repo, and the running server
// answers every operation it lists (the unit test test_api_routes checks the route
// table against the document; this checks the served API itself).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
  command: 'start-session', command_id: '00000000-0000-0000-0000-000000000000' };

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
