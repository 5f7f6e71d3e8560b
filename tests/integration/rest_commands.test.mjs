// Driving chargers over REST: POST /ocpp/commands/{command} queues a command per
// targeted charger and answers 202 at once; the runtime carries it out and
// GET /ocpp/commands/{id} tells the outcome. Checked on the strict ocpp-rpc peer:
// local sessions (Authorize first), faults fanned out to a location, proxy messages,
// bad input, and a session stopped while the CSMS is away whose stop message arrives,
// in order, after the reconnect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, startPeer, startServe, createLocation, group, waitJob, until, stopAll } from './harness.mjs';

let pg, peer, srv, locationId;
const AC = { brand_slug: 'schneider', model_slug: 'evlink-pro-ac-22kw', ocpp_version: 'OCPP1.6' };
const DC = { brand_slug: 'abb', model_slug: 'terra-184', ocpp_version: 'OCPP2.0.1' };
const ids = {};

before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url });
  ({ locationId } = await createLocation(srv, peer.url));
  for (const [tmpl, id] of [[AC, 'R16'], [DC, 'R201']]) {
    const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group(tmpl, { charger_ids: [id] })] });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const job = await waitJob(srv, r.body.status_url);
    assert.equal(job.status, 'READY');
    ids[id] = job.results.created[0].charger_id;
  }
  await until(() => peer.live.get('R16') === 1 && peer.live.get('R201') === 1, { what: 'both connected' });
});
after(() => stopAll({ srv, peer, pg }));

const since = (id, n) => (peer.calls.get(id) ?? []).slice(n);
const mark = id => (peer.calls.get(id) ?? []).length;

// Sends a command; resolves the command documents once every one has ended.
async function command(name, body) {
  const r = await srv.api('POST', `/ocpp/commands/${name}`, { body });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.queued_count, r.body.results.length);
  const done = [];
  for (const q of r.body.results) {
    let doc;
    await until(async () => {
      doc = (await srv.api('GET', q.status_url)).body;
      return doc.status === 'DONE' || doc.status === 'FAILED';
    }, { what: `${name} on ${q.identity}` });
    done.push(doc);
  }
  return { queued: r.body, done };
}

test('start-session / stop-session: Authorize, then the session; stopped locally', async () => {
  for (const id of ['R16', 'R201']) {
    const m = mark(id);
    const { queued, done } = await command('start-session', { target: { charger_id: ids[id] }, id_tag: 'LOCAL1' });
    assert.deepEqual([queued.targeted_count, queued.queued_count, queued.failed_count], [1, 1, 0]);
    assert.equal(done[0].status, 'DONE', JSON.stringify(done[0]));
    assert.deepEqual(done[0].result, { status: 'Authorizing', connector_id: 1 });
    await until(() => since(id, m).length >= 2, { what: `${id} session start` });
    const [auth, start] = since(id, m);
    assert.equal(auth.method, 'Authorize');
    if (id === 'R16') assert.equal(start.method, 'StartTransaction');
    else assert.deepEqual([start.params.eventType, start.params.triggerReason], ['Started', 'Authorized']);

    const stop = await command('stop-session', { target: { charger_id: ids[id] } });
    assert.equal(stop.done[0].status, 'DONE');
    assert.deepEqual(stop.done[0].result, { stopped: 1 });
    await until(() => since(id, m).some(x => x.method === 'StopTransaction' || x.params.eventType === 'Ended'), { what: `${id} stop` });
    const end = since(id, m).find(x => x.method === 'StopTransaction' || x.params.eventType === 'Ended').params;
    assert.equal(id === 'R16' ? end.reason : end.transactionInfo.stoppedReason, 'Local');
    // nothing to stop now: the command FAILED and says why
    const again = await command('stop-session', { target: { charger_id: ids[id] } });
    assert.equal(again.done[0].status, 'FAILED');
    assert.match(again.done[0].error, /no session/);
  }
  assert.deepEqual(peer.failures, []);
});

test('a location target fans out: inject-fault / clear-fault on every charger', async () => {
  const n16 = peer.statuses.get('R16').length, n201 = peer.statuses.get('R201').length;
  const { queued, done } = await command('inject-fault', { target: { location_id: locationId } });
  assert.equal(queued.targeted_count, 2);
  assert.deepEqual(done.map(d => d.status), ['DONE', 'DONE']);
  await until(() => peer.statuses.get('R16').slice(n16).some(s => s.status === 'Faulted') &&
    peer.statuses.get('R201').slice(n201).some(s => s.connectorStatus === 'Faulted'), { what: 'Faulted' });
  // a faulted connector starts no session
  const blocked = await command('start-session', { target: { charger_id: ids.R16 }, connector_id: 1 });
  assert.equal(blocked.done[0].status, 'FAILED');
  const some = await command('clear-fault', { target: { location_id: locationId, charger_ids: ['R16', 'NOPE'] } });
  assert.deepEqual([some.queued.targeted_count, some.queued.queued_count, some.queued.failed_count], [2, 1, 1]);
  assert.deepEqual(some.queued.failed, [{ charger_id: 'NOPE', error: 'not found' }]);
  await until(() => peer.statuses.get('R16').at(-1).status === 'Available', { what: 'R16 Available again' });
  await command('clear-fault', { target: { charger_id: ids.R201 } });
  await until(() => peer.statuses.get('R201').at(-1).connectorStatus === 'Available', { what: 'R201 Available again' });
  assert.deepEqual(peer.failures, []);
});

test('proxy-message, set-configuration, and bad input changes nothing', async () => {
  const m = mark('R16');
  const p = await command('proxy-message', { target: { charger_id: ids.R16 }, action: 'DataTransfer', payload: { vendorId: 'chargefleet', messageId: 'hello' } });
  assert.equal(p.done[0].status, 'DONE');
  await until(() => since('R16', m).some(x => x.method === 'DataTransfer'), { what: 'DataTransfer at the peer' });
  assert.equal(since('R16', m).find(x => x.method === 'DataTransfer').params.messageId, 'hello');
  // checked against the official schema of the charger's version before anything is
  // queued: a 422 naming the field, no command row
  const rows = async () => (await pg.query('SELECT count(*) FROM commands'))[0][0];
  const queuedBefore = await rows();
  const refused = async (body, field, re) => {
    const r = await srv.api('POST', '/ocpp/commands/proxy-message', { body: { target: { charger_id: ids.R16 }, ...body } });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    const d = r.body.detail.find(e => e.loc[1] === field);
    assert.ok(d, JSON.stringify(r.body.detail));
    assert.match(d.msg, re);
  };
  await refused({ action: 'DataTransfer', payload: { messageId: 'x' } }, 'payload', /OCPP1\.6.*payload: vendorId is required/);
  await refused({ action: 'StatusNotification', payload: { connectorId: 1, errorCode: 'NoError', status: 'Resting' } },
    'payload', /payload.status: not one of the allowed values/);
  await refused({ action: 'Reset', payload: {} }, 'action', /the CSMS sends it/);
  await refused({ action: 'TransactionEvent', payload: {} }, 'action', /no such action in that version/);
  // the location's chargers are 1.6 and 2.0.1: a payload 2.0.1 accepts (data of any type)
  // but 1.6 does not (data is a string) is refused for the 1.6 one
  const mixed = await srv.api('POST', '/ocpp/commands/proxy-message', { body: { target: { location_id: locationId }, action: 'DataTransfer', payload: { vendorId: 'v', data: 7 } } });
  assert.equal(mixed.status, 422, JSON.stringify(mixed.body));
  assert.match(mixed.body.detail[0].msg, /OCPP1\.6.*payload.data: must be of type string/);
  assert.equal(await rows(), queuedBefore, 'a refused proxy-message queues nothing');

  const cfg = await command('set-configuration', { target: { charger_id: ids.R16 }, key: 'HeartbeatInterval', value: '77' });
  assert.equal(cfg.done[0].status, 'DONE');
  const got = await peer.client('R16').call('GetConfiguration', { key: ['HeartbeatInterval'] });
  assert.equal(got.configurationKey[0].value, '77');
  const ro = await command('set-configuration', { target: { charger_id: ids.R16 }, key: 'NumberOfConnectors', value: '9' });
  assert.equal(ro.done[0].status, 'FAILED');

  const count = async () => (await pg.query('SELECT count(*) FROM commands'))[0][0];
  const before = await count();
  const bad = async (name, body, status, field) => {
    const r = await srv.api('POST', `/ocpp/commands/${name}`, { body });
    assert.equal(r.status, status, JSON.stringify(r.body));
    if (field) assert.ok(JSON.stringify(r.body.detail).includes(field), `${JSON.stringify(r.body.detail)} names ${field}`);
  };
  await bad('fly', { target: { charger_id: ids.R16 } }, 404);
  await bad('start-session', {}, 422, 'target');
  await bad('start-session', { target: { charger_id: ids.R16 }, connector_id: 0 }, 422, 'connector_id');
  await bad('start-session', { target: { charger_id: ids.R16 }, color: 'red' }, 422, 'color');
  await bad('start-session', { target: { charger_id: ids.R16, location_id: locationId } }, 422, 'target');
  await bad('authorize', { target: { charger_id: ids.R16 } }, 422, 'id_tag');
  await bad('start-session', { target: { charger_id: ids.R16 }, id_type: 'Card' }, 422, 'id_type');
  await bad('proxy-message', { target: { charger_id: ids.R16 }, action: 'DataTransfer' }, 422, 'payload');
  await bad('start-session', { target: { charger_id: '4a6e1a4c-0000-4000-8000-000000000000' } }, 404);
  await bad('start-session', { target: { location_id: '4a6e1a4c-0000-4000-8000-000000000000' } }, 404);
  assert.equal(await count(), before, 'no command was queued by a bad request');
  assert.deepEqual(peer.failures, []);
});

test('offline: a session stopped while the CSMS is away is reported after the reconnect, in order', async () => {
  for (const id of ['R16', 'R201']) {
    const m = mark(id);
    await command('start-session', { target: { charger_id: ids[id] }, id_tag: 'OFF1' });
    await until(() => since(id, m).length >= 2, { what: `${id} started` });
  }
  const port = peer.port;
  const marks = { R16: mark('R16'), R201: mark('R201') };
  await peer.close();
  await until(async () => {
    const list = (await srv.api('GET', `/ocpp/chargers?location_id=${locationId}`)).body.data;
    return list.every(c => !c.connected);
  }, { what: 'chargers offline' });
  const stop = await command('stop-session', { target: { location_id: locationId } });
  assert.deepEqual(stop.done.map(d => d.status), ['DONE', 'DONE']);

  const old = peer;
  peer = await startPeer({ port });
  await until(() => peer.live.get('R16') === 1 && peer.live.get('R201') === 1, { what: 'back online', timeoutMs: 45000 });
  await until(() => mark('R16') >= 1 && mark('R201') >= 1, { what: 'queued stops delivered' });
  const stop16 = since('R16', 0).find(x => x.method === 'StopTransaction');
  assert.equal(stop16.params.reason, 'Local');
  assert.equal(stop16.params.transactionId, old.nextTxId - 1);
  const ended = since('R201', 0).find(x => x.params.eventType === 'Ended');
  assert.equal(ended.params.offline, true);
  const started = old.calls.get('R201').slice(marks.R201 - 2).find(x => x.params.eventType === 'Started');
  assert.equal(ended.params.transactionInfo.transactionId, started.params.transactionInfo.transactionId);
  // on the new connection the queued stops came after the BootNotification (OCPP-J:
  // nothing before an accepted boot)
  assert.equal(peer.order.get('R16')[0], 'BootNotification');
  assert.equal(peer.order.get('R201')[0], 'BootNotification');
  assert.ok(peer.order.get('R16').includes('StopTransaction'));
  assert.deepEqual(peer.failures, []);
  assert.deepEqual(old.failures, []);
});

test('local authorization list: versions, and a session started and stopped while the CSMS is away', async () => {
  const c = peer.client('R16');
  const list = (version, updateType, entries) => ({ listVersion: version, updateType,
    localAuthorizationList: entries.map(([idTag, status]) => status ? { idTag, idTagInfo: { status } } : { idTag }) });
  assert.deepEqual(await c.call('SendLocalList', list(1, 'Full', [['LOCAL1', 'Accepted'], ['BAD1', 'Blocked']])), { status: 'Accepted' });
  assert.deepEqual(await c.call('GetLocalListVersion', {}), { listVersion: 1 });
  assert.deepEqual(await c.call('SendLocalList', list(1, 'Differential', [['X', 'Accepted']])), { status: 'VersionMismatch' });
  assert.deepEqual(await c.call('SendLocalList', list(2, 'Differential', [['LOCAL2', 'Accepted']])), { status: 'Accepted' });
  assert.deepEqual(await c.call('GetLocalListVersion', {}), { listVersion: 2 });
  const v201 = await peer.client('R201').call('GetLocalListVersion', {});
  assert.deepEqual(v201, { versionNumber: 0 });

  // the CSMS goes away: a listed id starts a session at once, an unknown or blocked one does not
  const port = peer.port;
  await peer.close();
  await until(async () => !(await srv.api('GET', `/ocpp/chargers/${ids.R16}`)).body.connected, { what: 'R16 offline' });
  for (const tag of ['NOBODY', 'BAD1']) {
    const refused = await command('start-session', { target: { charger_id: ids.R16 }, id_tag: tag });
    assert.equal(refused.done[0].status, 'FAILED');
    assert.match(refused.done[0].error, /LocalAuthorizeOffline/);
  }
  const started = await command('start-session', { target: { charger_id: ids.R16 }, id_tag: 'LOCAL2' });
  assert.equal(started.done[0].status, 'DONE', JSON.stringify(started.done[0]));
  assert.equal(started.done[0].result.status, 'Started');
  const stopped = await command('stop-session', { target: { charger_id: ids.R16 } });
  assert.equal(stopped.done[0].status, 'DONE');

  // back online: boot first, then the session's start and stop, in order, with the
  // transaction id the CSMS gives on the start
  peer = await startPeer({ port });
  await until(() => (peer.order.get('R16') ?? []).includes('StopTransaction'), { what: 'offline session delivered', timeoutMs: 45000 });
  const order = peer.order.get('R16');
  assert.equal(order[0], 'BootNotification');
  assert.ok(order.indexOf('StartTransaction') < order.indexOf('StopTransaction'));
  const start = peer.calls.get('R16').find(x => x.method === 'StartTransaction').params;
  const stop = peer.calls.get('R16').find(x => x.method === 'StopTransaction').params;
  assert.equal(start.idTag, 'LOCAL2');
  assert.equal(stop.transactionId, peer.nextTxId - 1);
  assert.equal(stop.reason, 'Local');
  assert.ok(stop.meterStop >= start.meterStart);
  assert.deepEqual(peer.failures, []);
});

test('the car side (plug, ev-suspend / ev-resume, unplug) and the charger switched off and on', async () => {
  const st = () => peer.statuses.get('R16').at(-1).status;
  const m = (peer.calls.get('R16') ?? []).length;
  let r = await command('plug', { target: { charger_id: ids.R16 } });
  assert.equal(r.done[0].status, 'DONE', JSON.stringify(r.done[0]));
  await until(() => st() === 'Preparing', { what: 'Preparing after plug' });
  assert.equal((await command('plug', { target: { charger_id: ids.R16 } })).done[0].status, 'FAILED', 'plugged already');
  await command('start-session', { target: { charger_id: ids.R16 }, id_tag: 'CAR1' });
  await until(() => st() === 'Charging', { what: 'Charging' });
  await command('ev-suspend', { target: { charger_id: ids.R16 } });
  await until(() => st() === 'SuspendedEV', { what: 'SuspendedEV' });
  await command('ev-resume', { target: { charger_id: ids.R16 } });
  await until(() => st() === 'Charging', { what: 'Charging again' });
  await command('unplug', { target: { charger_id: ids.R16 } });
  await until(() => (peer.calls.get('R16') ?? []).slice(m).some(x => x.method === 'StopTransaction'), { what: 'stopped by the unplug' });
  assert.equal((peer.calls.get('R16') ?? []).slice(m).find(x => x.method === 'StopTransaction').params.reason, 'EVDisconnected');
  await until(() => st() === 'Available', { what: 'Available' });
  // plugged, a session stopped at the charger: Finishing until the cable goes
  await command('plug', { target: { charger_id: ids.R16 } });
  await command('start-session', { target: { charger_id: ids.R16 }, id_tag: 'CAR2' });
  await until(() => st() === 'Charging', { what: 'Charging (2)' });
  await command('stop-session', { target: { charger_id: ids.R16 } });
  await until(() => st() === 'Finishing', { what: 'Finishing while plugged' });
  await new Promise(res => setTimeout(res, 500));
  assert.equal(st(), 'Finishing');
  await command('unplug', { target: { charger_id: ids.R16 } });
  await until(() => st() === 'Available', { what: 'Available after unplug' });

  // StopTransactionOnEVSideDisconnect false: unplugging suspends the session instead
  assert.deepEqual(await peer.client('R16').call('ChangeConfiguration', { key: 'StopTransactionOnEVSideDisconnect', value: 'false' }),
    { status: 'Accepted' });
  const m2 = (peer.calls.get('R16') ?? []).length;
  await command('plug', { target: { charger_id: ids.R16 } });
  await command('start-session', { target: { charger_id: ids.R16 }, id_tag: 'CAR3' });
  await until(() => st() === 'Charging', { what: 'Charging (3)' });
  await command('unplug', { target: { charger_id: ids.R16 } });
  await until(() => st() === 'SuspendedEV', { what: 'suspended, not stopped' });
  assert.ok(!(peer.calls.get('R16') ?? []).slice(m2).some(x => x.method === 'StopTransaction'));
  await command('stop-session', { target: { charger_id: ids.R16 } });
  await until(() => st() === 'Available', { what: 'Available (3)' });
  await peer.client('R16').call('ChangeConfiguration', { key: 'StopTransactionOnEVSideDisconnect', value: 'true' });

  // LocalPreAuthorize: an id of the local list starts at once, no Authorize
  assert.deepEqual(await peer.client('R16').call('ChangeConfiguration', { key: 'LocalPreAuthorize', value: 'true' }), { status: 'Accepted' });
  const m3 = (peer.calls.get('R16') ?? []).length;
  const pre = await command('start-session', { target: { charger_id: ids.R16 }, id_tag: 'LOCAL1' });
  assert.equal(pre.done[0].result.status, 'Started');
  await until(() => (peer.calls.get('R16') ?? []).slice(m3).some(x => x.method === 'StartTransaction'), { what: 'pre-authorized start' });
  assert.ok(!(peer.calls.get('R16') ?? []).slice(m3).some(x => x.method === 'Authorize'));
  await command('stop-session', { target: { charger_id: ids.R16 } });
  await until(() => st() === 'Available', { what: 'Available (4)' });

  // switched off: the websocket closes and stays closed; on: it connects and boots
  const boots = peer.boots.get('R16').length;
  assert.equal((await command('stop-runtime', { target: { charger_id: ids.R16 } })).done[0].status, 'DONE');
  await until(() => peer.live.get('R16') === 0, { what: 'disconnected' });
  await new Promise(res => setTimeout(res, 2500));
  assert.equal(peer.live.get('R16'), 0, 'no reconnect while off');
  await until(async () => (await srv.api('GET', `/ocpp/chargers/${ids.R16}`)).body.live.connection === 'disconnected', { what: 'live: disconnected' });
  assert.equal((await command('start-runtime', { target: { charger_id: ids.R16 } })).done[0].status, 'DONE');
  await until(() => peer.live.get('R16') === 1 && peer.boots.get('R16').length > boots, { what: 'back on' });
  assert.deepEqual(peer.failures, []);
});
