// A charger is named by its charger_id or its OCPP identity wherever one is taken
// (GET / PUT / DELETE /ocpp/chargers/{charger_id}, .../logs, .../logs?follow=1); an
// identity two of the tenant's locations both have is 409 with the candidates. And the
// logs' order=desc, tail=N and a real total.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { TOKEN, startPostgres, startPeer, startServe, createLocation, group, waitJob, until, stopAll } from './harness.mjs';

let pg, peer, srv;
const loc = {}, id = {};

async function add(locationId, identity) {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({}, { charger_ids: [identity] })] });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job.results));
  return job.results.created[0].charger_id;
}

before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url });
  loc.a = (await createLocation(srv, peer.url, 'Site A')).locationId;
  // toward another endpoint of the CSMS: one identity twice toward one ws_url is refused
  loc.b = (await createLocation(srv, `${peer.url}/b`, 'Site B')).locationId;
  id.uniq = await add(loc.a, 'UNIQ_1');
  id.twinA = await add(loc.a, 'SITE_A_001');
  id.twinB = await add(loc.b, 'SITE_A_001');
  await until(() => peer.live.get('UNIQ_1') === 1 && peer.live.get('SITE_A_001') === 2, { what: 'all connected' });
});
after(() => stopAll({ srv, peer, pg }));

// The first `n` SSE "log" events of a stream, then the stream closed.
function firstEvents(path, n) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${srv.base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } }, res => {
      if (res.statusCode !== 200) { res.resume(); return resolve({ status: res.statusCode }); }
      let buf = '';
      const rows = [];
      res.on('data', d => {
        buf += d;
        for (let i; (i = buf.indexOf('\n\n')) >= 0;) {
          const ev = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = /^data: (.*)$/m.exec(ev);
          if (/^event: log$/m.test(ev) && data) rows.push(JSON.parse(data[1]));
        }
        if (rows.length >= n) { req.destroy(); resolve({ status: 200, rows }); }
      });
    });
    req.on('error', e => { if (e.code !== 'ECONNRESET') reject(e); });
    setTimeout(() => { req.destroy(); reject(new Error(`${path}: fewer than ${n} events`)); }, 15000);
  });
}

test('GET /ocpp/chargers/{identity}: the same document as by charger_id', async () => {
  const byId = await srv.api('GET', `/ocpp/chargers/${id.uniq}`);
  const byIdentity = await srv.api('GET', '/ocpp/chargers/UNIQ_1');
  assert.equal(byIdentity.status, 200, JSON.stringify(byIdentity.body));
  assert.equal(byIdentity.body.charger_id, id.uniq);
  assert.equal(byIdentity.body.identity, 'UNIQ_1');
  assert.equal(byIdentity.body.location_id, byId.body.location_id);
  const none = await srv.api('GET', '/ocpp/chargers/NOBODY_1');
  assert.equal(none.status, 404);
  assert.match(none.body.detail, /charger not found/);
  assert.equal((await srv.api('GET', `/ocpp/chargers/${'X'.repeat(49)}`)).status, 404);
});

test('an identity two locations have is 409 naming both; each is reached by its charger_id', async () => {
  for (const [m, p, body] of [['GET', '/ocpp/chargers/SITE_A_001'], ['GET', '/ocpp/chargers/SITE_A_001/logs'],
    ['GET', '/ocpp/chargers/SITE_A_001/logs?follow=1'],
    ['PUT', '/ocpp/chargers/SITE_A_001', { ws_url: 'ws://127.0.0.1:1/ocpp' }], ['DELETE', '/ocpp/chargers/SITE_A_001'],
    ['POST', '/ocpp/commands/plug', { target: { charger_id: 'SITE_A_001' } }]]) {
    const r = await srv.api(m, p, body ? { body } : {});
    assert.equal(r.status, 409, `${m} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    assert.match(r.body.detail, /identity SITE_A_001 names 2 chargers/);
    assert.ok(r.body.detail.includes(id.twinA) && r.body.detail.includes(id.twinB) && r.body.detail.includes(loc.b));
    assert.deepEqual(r.body.candidates.map(c => [c.charger_id, c.location_id, c.location_name]),
      [[id.twinA, loc.a, 'Site A'], [id.twinB, loc.b, 'Site B']]);
  }
  // nothing changed: both still there, on their CSMS, and no command queued
  assert.equal(peer.live.get('SITE_A_001'), 2);
  assert.equal(pg.query('SELECT count(*) FROM commands')[0][0], '0');
  assert.deepEqual(pg.query(`SELECT count(*), count(*) FILTER (WHERE ws_url IN ('${peer.url}', '${peer.url}/b') AND pending_change IS NULL) FROM chargers WHERE identity = 'SITE_A_001'`), [['2', '2']]);
  assert.equal((await srv.api('GET', `/ocpp/chargers/${id.twinB}`)).body.location_id, loc.b);
});

test('PUT and DELETE by identity; logs by identity, also followed', async () => {
  const logs = await srv.api('GET', '/ocpp/chargers/UNIQ_1/logs?event=frame&limit=5');
  assert.equal(logs.status, 200);
  assert.ok(logs.body.data.length > 0 && logs.body.data.every(r => r.charger_id === id.uniq && r.identity === 'UNIQ_1'));
  const streamed = await firstEvents('/ocpp/chargers/UNIQ_1/logs?follow=1&start_date=2000-01-01T00:00:00Z', 2);
  assert.equal(streamed.status, 200);
  assert.ok(streamed.rows.every(r => r.charger_id === id.uniq));
  const cmd = await srv.api('POST', '/ocpp/commands/plug', { body: { target: { charger_id: 'UNIQ_1' } } });
  assert.equal(cmd.status, 202, JSON.stringify(cmd.body));
  assert.deepEqual(cmd.body.results.map(r => [r.charger_id, r.identity]), [[id.uniq, 'UNIQ_1']]);
  assert.equal((await srv.api('POST', '/ocpp/commands/plug', { body: { target: { charger_id: 'NOBODY_1' } } })).status, 404);
  const put = await srv.api('PUT', '/ocpp/chargers/UNIQ_1', { body: { template_name: 'Renamed' } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.deepEqual(put.body.changed.map(c => [c.charger_id, c.fields]), [[id.uniq, ['charge_point_name']]]);
  const extra = await add(loc.b, 'GONE_1');
  await until(() => peer.live.get('GONE_1') === 1, { what: 'GONE_1 connected' });
  const del = await srv.api('DELETE', '/ocpp/chargers/GONE_1');
  assert.equal(del.status, 200, JSON.stringify(del.body));
  assert.deepEqual(del.body.charger_ids, [extra]);
  await until(() => peer.live.get('GONE_1') === 0, { what: 'GONE_1 closed' });
  assert.equal((await srv.api('GET', '/ocpp/chargers/GONE_1')).status, 404);
});

test('logs: order=desc, tail=N (the latest N, oldest first), and a total of every match', async () => {
  const path = `/ocpp/chargers/${id.twinA}/logs`;
  // the charger's boot is all written once two reads agree
  let all, again;
  await until(async () => {
    all = (await srv.api('GET', `${path}?limit=1000`)).body;
    again = (await srv.api('GET', `${path}?limit=1000`)).body;
    return all.data.length >= 4 && JSON.stringify(all.data) === JSON.stringify(again.data);
  }, { what: 'logs settled' });
  const ids = all.data.map(r => r.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'oldest first by default');
  assert.equal(all.total, ids.length);
  assert.equal(all.order, 'asc');
  const page = (await srv.api('GET', `${path}?limit=2`)).body;
  assert.equal(page.total, ids.length, 'the total of every match, not of the page');
  assert.deepEqual(page.data.map(r => r.id), ids.slice(0, 2));
  const desc = (await srv.api('GET', `${path}?order=desc&limit=3&offset=1`)).body;
  assert.deepEqual(desc.data.map(r => r.id), [...ids].reverse().slice(1, 4));
  assert.equal(desc.order, 'desc');
  assert.equal(desc.total, ids.length);
  const tail = (await srv.api('GET', `${path}?tail=3`)).body;
  assert.deepEqual(tail.data.map(r => r.id), ids.slice(-3));
  assert.equal(tail.total, ids.length);
  assert.deepEqual((await srv.api('GET', `${path}?tail=3&order=desc`)).body.data.map(r => r.id), ids.slice(-3).reverse());
  assert.deepEqual((await srv.api('GET', `${path}?tail=1000`)).body.data.map(r => r.id), ids);
  // filtered: the total counts what the filters match
  const outs = all.data.filter(r => r.event === 'frame' && r.direction === 'out');
  const f = (await srv.api('GET', `${path}?event=frame&direction=out&tail=1`)).body;
  assert.equal(f.total, outs.length);
  assert.deepEqual(f.data.map(r => r.id), [outs.at(-1).id]);
  // per location too: the latest of every charger of the location
  await until(async () => {
    const locAll = (await srv.api('GET', `/ocpp/locations/${loc.a}/logs?limit=1000`)).body;
    const locTail = (await srv.api('GET', `/ocpp/locations/${loc.a}/logs?tail=2`)).body;
    return locAll.total > ids.length && locTail.total === locAll.total &&
      JSON.stringify(locTail.data.map(r => r.id)) === JSON.stringify(locAll.data.map(r => r.id).slice(-2));
  }, { what: 'the location\'s latest 2' });
  // a stream may start with the latest N
  const streamed = await firstEvents(`${path}?follow=1&tail=2`, 2);
  assert.deepEqual(streamed.rows.map(r => r.id), ids.slice(-2));
});

test('logs: bad order / tail are 422 naming the argument, and tail excludes limit / offset', async () => {
  const path = `/ocpp/chargers/${id.uniq}/logs`;
  for (const [q, arg] of [['order=up', 'order'], ['order=', 'order'], ['tail=0', 'tail'], ['tail=x', 'tail'],
    ['tail=1001', 'tail'], ['tail=2&limit=5', 'tail'], ['tail=2&offset=1', 'tail'], ['follow=1&order=desc', 'order']]) {
    const r = await srv.api('GET', `${path}?${q}`);
    assert.equal(r.status, 422, `${q}: ${r.status}`);
    assert.deepEqual(r.body.detail[0].loc, ['query', arg], q);
    assert.equal(typeof r.body.detail[0].msg, 'string');
  }
  const r = await srv.api('GET', `/ocpp/locations/${loc.a}/logs?tail=-1`);
  assert.deepEqual(r.body.detail[0].loc, ['query', 'tail']);
});
