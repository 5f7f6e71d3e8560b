// Charger logs: every frame (direction, action, message id, raw frame) and connection
// event of every charger, read per charger and per location with filters, followed live
// over Server-Sent Events, and kept across a server restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startPostgres, startPeer, startServe, startRawCsms, createLocation, group, waitJob, until, stopAll, TOKEN } from './harness.mjs';

let pg, peer, srv, locationId, chargerId;

before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url });
  ({ locationId } = await createLocation(srv, peer.url));
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({ ocpp_version: 'OCPP1.6' }, { charger_ids: ['LOG1', 'LOG2'] })] });
  assert.equal(r.status, 202);
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY');
  chargerId = job.results.created.find(c => c.identity === 'LOG1').charger_id;
  // a charger that only booted: its live state is the boot state
  const log2 = job.results.created.find(c => c.identity === 'LOG2').charger_id;
  await until(async () => (await srv.api('GET', `/ocpp/chargers/${log2}`)).body.connected, { what: 'LOG2 connected' });
  const live = (await srv.api('GET', `/ocpp/chargers/${log2}`)).body.live;
  assert.equal(live.connection, 'connected');
  assert.ok(live.connectors.length >= 1 && live.connectors.every(c => c.status === 'Available'));
  await until(() => peer.live.get('LOG1') === 1 && peer.live.get('LOG2') === 1, { what: 'connected' });
});
after(() => stopAll({ srv, peer, pg }));

const logs = async (path, query = '') => {
  const r = await srv.api('GET', `${path}/logs${query}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.data;
};

test('every frame and connection event, in order, with direction, action and message id', async () => {
  let rows;
  await until(async () => (rows = await logs(`/ocpp/chargers/${chargerId}`)).some(x => x.action === 'StatusNotification' && x.direction === 'in'),
    { what: 'status answers logged' });
  assert.equal(rows[0].event, 'connected');
  assert.match(rows[0].detail, /ocpp1\.6/);
  const boot = rows.find(x => x.action === 'BootNotification' && x.direction === 'out');
  const answer = rows.find(x => x.action === 'BootNotification' && x.direction === 'in');
  assert.ok(boot && answer && boot.id < answer.id);
  assert.equal(answer.message_id, boot.message_id);
  assert.deepEqual(JSON.parse(boot.frame).slice(0, 3), [2, boot.message_id, 'BootNotification']);
  assert.equal(JSON.parse(answer.frame)[0], 3);
  assert.ok(rows.every(x => x.identity === 'LOG1' && x.charger_id === chargerId));
  assert.match(rows[0].at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  // a CSMS call and the charger's answer are logged under the call's action
  await peer.client('LOG1').call('GetConfiguration', { key: ['HeartbeatInterval'] });
  await until(async () => (await logs(`/ocpp/chargers/${chargerId}`, '?direction=out')).some(x => x.action === 'GetConfiguration'),
    { what: 'answer logged' });
  const outs = await logs(`/ocpp/chargers/${chargerId}`, '?direction=out');
  assert.ok(outs.every(x => x.direction === 'out'));
  assert.equal(JSON.parse(outs.find(x => x.action === 'GetConfiguration').frame)[0], 3);

  // a command given over REST: its frames are logged too (and every later one)
  const cmd = await srv.api('POST', '/ocpp/commands/authorize', { body: { target: { charger_id: chargerId }, id_tag: 'LOGTAG' } });
  assert.equal(cmd.status, 202);
  await until(async () => (await logs(`/ocpp/chargers/${chargerId}`, '?limit=1000')).some(x => x.action === 'Authorize' && x.direction === 'in'),
    { what: 'Authorize and its answer logged' });
  await peer.client('LOG1').call('TriggerMessage', { requestedMessage: 'Heartbeat' });
  await until(async () => (await logs(`/ocpp/chargers/${chargerId}`, '?limit=1000')).some(x => x.action === 'Heartbeat' && x.direction === 'in'),
    { what: 'frames after the command logged' });

  // filters and paging
  const frames = await logs(`/ocpp/chargers/${chargerId}`, '?event=frame&limit=2&offset=1');
  assert.equal(frames.length, 2);
  assert.equal(frames[0].id, rows.filter(x => x.event === 'frame')[1].id);
  const future = await logs(`/ocpp/chargers/${chargerId}`, '?start_date=2099-01-01T00:00:00Z');
  assert.deepEqual(future, []);
  const loc = await logs(`/ocpp/locations/${locationId}`, '?event=connected');
  assert.deepEqual(new Set(loc.map(x => x.identity)), new Set(['LOG1', 'LOG2']));

  // bad arguments say which; unknown resources are 404
  for (const [q, field] of [['?direction=up', 'direction'], ['?event=boot', 'event'], ['?limit=0', 'limit'],
    ['?start_date=yesterday', 'start_date'], ['?follow=2', 'follow']]) {
    const r = await srv.api('GET', `/ocpp/chargers/${chargerId}/logs${q}`);
    assert.equal(r.status, 422, q);
    assert.deepEqual(r.body.detail[0].loc, ['query', field]);
  }
  assert.equal((await srv.api('GET', '/ocpp/chargers/4a6e1a4c-0000-4000-8000-000000000000/logs')).status, 404);
  assert.equal((await srv.api('GET', '/ocpp/locations/4a6e1a4c-0000-4000-8000-000000000000/logs?follow=1')).status, 404);
});

test('follow=1 streams new entries as Server-Sent Events', async () => {
  const events = [];
  let buf = '';
  const req = http.get(`${srv.base}/ocpp/chargers/${chargerId}/logs?follow=1`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const res = await new Promise((resolve, reject) => { req.on('response', resolve); req.on('error', reject); });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'], /text\/event-stream/);
  res.on('data', chunk => {
    buf += chunk;
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = block.split('\n').find(l => l.startsWith('data: '));
      if (data) events.push(JSON.parse(data.slice(6)));
    }
  });
  await new Promise(r => setTimeout(r, 600));
  await peer.client('LOG1').call('TriggerMessage', { requestedMessage: 'Heartbeat' });
  await until(() => events.some(e => e.action === 'Heartbeat' && e.direction === 'in'), { what: 'heartbeat answer streamed' });
  const ids = events.map(e => e.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'in order');
  assert.ok(events.every(e => e.charger_id === chargerId));
  assert.ok(events.some(e => e.action === 'TriggerMessage'));
  req.destroy();
});

test('rows older than the retention (24 h by default) are trimmed by the sweep; newer ones stay', async () => {
  const rows = await logs(`/ocpp/chargers/${chargerId}`, '?event=frame&limit=1000');
  // rows are written in time order: everything up to this charger's first frame is aged
  const old = rows[0].id, kept = rows[1].id;
  pg.query(`UPDATE charger_logs SET at = now() - interval '25 hours' WHERE id <= ${old}`);
  pg.query(`UPDATE charger_logs SET at = now() - interval '23 hours' WHERE id = ${kept}`);
  await until(() => pg.query(`SELECT count(*) FROM charger_logs WHERE id <= ${old}`)[0][0] === '0',
    { what: 'the old rows trimmed', timeoutMs: 15000 });
  assert.equal(pg.query(`SELECT count(*) FROM charger_logs WHERE id = ${kept}`)[0][0], '1');
});

test('logs survive a server restart', async () => {
  const before = await logs(`/ocpp/chargers/${chargerId}`, '?limit=1000');
  const connectedBefore = before.filter(x => x.event === 'connected').length;
  // a stream still open at shutdown is ended; the server exits cleanly
  const req = http.get(`${srv.base}/ocpp/locations/${locationId}/logs?follow=1`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const res = await new Promise((resolve, reject) => { req.on('response', resolve); req.on('error', reject); });
  assert.equal(res.statusCode, 200);
  const ended = new Promise(resolve => { res.on('close', resolve); res.resume(); });
  const r = await srv.stop();
  await ended;
  assert.deepEqual(r, { code: 0, signal: null });
  srv = await startServe({ db: pg.url, port: srv.port });
  const after = await logs(`/ocpp/chargers/${chargerId}`, '?limit=1000');
  assert.deepEqual(after.slice(0, before.length).map(x => x.id), before.map(x => x.id));
  // and the new server's runtime logs on: the charger connected again
  await until(async () => (await logs(`/ocpp/chargers/${chargerId}`, '?event=connected&limit=1000')).length > connectedBefore,
    { what: 'reconnected after restart' });
});

test('a deleted charger\'s logs go with it; the others stay', async () => {
  const [[log2]] = pg.query(`SELECT id FROM chargers WHERE identity = 'LOG2'`);
  const count = id => Number(pg.query(`SELECT count(*) FROM charger_logs WHERE charger_id = '${id}'`)[0][0]);
  assert.ok(count(log2) > 0 && count(chargerId) > 0);
  const r = await srv.api('DELETE', `/ocpp/chargers/${log2}`);
  assert.ok(r.status === 200 || r.status === 202 || r.status === 204, `${r.status} ${JSON.stringify(r.body)}`);
  await until(() => pg.query(`SELECT count(*) FROM chargers WHERE id = '${log2}'`)[0][0] === '0', { what: 'LOG2 deleted' });
  await until(() => count(log2) === 0, { what: 'its logs deleted', timeoutMs: 5000 });
  assert.ok(count(chargerId) > 0);
});

// Frames are stored byte for byte (quotes, backslashes); a frame that is not UTF-8 text
// is logged as such and breaks nothing (the logs after it are written too). The CSMS is
// a bare websocket server: the strict peer would never send such a frame.
test('frames keep their bytes; a frame that is not UTF-8 is logged as such, later ones still', async () => {
  const odd = '[2,"odd-1","DataTransfer",{"vendorId":"a\\\\b\\"c","data":"{x, y}"}]';
  const csms = await startRawCsms({ onCall: (ws, action) => {
    if (action !== 'BootNotification') return;
    ws.send(odd);
    ws.send(Buffer.from([0x5b, 0x32, 0x2c, 0x22, 0xff, 0xfe, 0x22, 0x5d]), { binary: false });
    ws.send('[2,"after-1","DataTransfer",{"vendorId":"late"}]');
  } });
  try {
    const { locationId: loc } = await createLocation(srv, csms.url, 'Raw CSMS');
    const r = await srv.api('POST', `/ocpp/locations/${loc}/chargers`, { body: [group({ ocpp_version: 'OCPP1.6' }, { charger_ids: ['LOGRAW'] })] });
    assert.equal(r.status, 202);
    const id = (await waitJob(srv, r.body.status_url)).results.created[0].charger_id;
    let rows;
    await until(async () => (rows = await logs(`/ocpp/chargers/${id}`, '?direction=in&limit=1000')).some(x => x.message_id === 'after-1'),
      { what: 'the frame after the bad one logged' });
    assert.equal(rows.find(x => x.message_id === 'odd-1').frame, odd);
    const bad = rows.filter(x => x.frame === '(frame is not valid UTF-8)');
    assert.equal(bad.length, 1, JSON.stringify(rows.map(x => x.frame)));
    assert.ok(bad[0].id < rows.find(x => x.message_id === 'after-1').id);
  } finally {
    csms.close();
  }
});
