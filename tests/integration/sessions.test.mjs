// Charging sessions driven by the strict ocpp-rpc peer playing the CSMS (every frame
// checked against the OCPP schemas): remote start / stop, the connector states, meter
// values that follow physics (the register never goes back and grows by power x time),
// ids the CSMS refuses, sessions ended by a reset, availability scheduled until a
// session ends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFleet, stopAll, until, AC16, DC201 } from './harness.mjs';

let pg, peer, srv;
before(async () => ({ pg, peer, srv } = await startFleet([[AC16, 'S16'], [DC201, 'S201']],
  { peer: { blocked: ['BLOCKED1'] } })));
after(() => stopAll({ srv, peer, pg }));

const calls = (id, method) => (peer.calls.get(id) ?? []).filter(c => method === undefined || c.method === method);
const since = (id, n) => peer.since(id, n);
const mark = id => peer.mark(id);
const statusMark = id => peer.statuses.get(id).length;
const statusesSince = (id, n, conn) => peer.statuses.get(id).slice(n)
  .filter(s => (s.connectorId === conn) || (s.evseId === conn)).map(s => s.status ?? s.connectorStatus);
const sample = (mv, measurand, phase) => mv.sampledValue.find(s => s.measurand === measurand && s.phase === phase);

test('1.6: remote start, meter values that follow physics, remote stop', async () => {
  const c = peer.client('S16');
  for (const [key, value] of [['MeterValueSampleInterval', '1'],
    ['MeterValuesSampledData', 'Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage']])
    assert.deepEqual(await c.call('ChangeConfiguration', { key, value }), { status: 'Accepted' });
  const m = mark('S16'), sm = statusMark('S16');
  assert.deepEqual(await c.call('RemoteStartTransaction', { idTag: 'TAG16', connectorId: 1 }), { status: 'Accepted' });
  await until(() => calls('S16', 'MeterValues').length >= 4, { what: '1.6 meter values', timeoutMs: 15000 });
  const start = since('S16', m).find(x => x.method === 'StartTransaction').params;
  assert.equal(start.idTag, 'TAG16');
  assert.equal(start.connectorId, 1);
  assert.deepEqual(statusesSince('S16', sm, 1).slice(0, 2), ['Preparing', 'Charging']);
  const txId = peer.nextTxId - 1;

  // the connector is busy: a second start there is Rejected
  assert.deepEqual(await c.call('RemoteStartTransaction', { idTag: 'TAG16', connectorId: 1 }), { status: 'Rejected' });
  assert.deepEqual(await c.call('RemoteStopTransaction', { transactionId: txId + 1000 }), { status: 'Rejected' });

  const mv = calls('S16', 'MeterValues').map(x => x.params);
  let last = start.meterStart, lastAt = Date.parse(start.timestamp);
  for (const p of mv) {
    assert.equal(p.transactionId, txId);
    const v = p.meterValue[0];
    const e = Number(sample(v, 'Energy.Active.Import.Register').value);
    const w = Number(sample(v, 'Power.Active.Import').value);
    assert.ok(e >= last, `the register never goes back (${e} < ${last})`);
    assert.ok(w > 0 && w <= 22000, `power within the charger's 22 kW: ${w}`);
    // current per phase: P / (3 x 230 V)
    for (const ph of ['L1', 'L2', 'L3'])
      assert.ok(Math.abs(Number(sample(v, 'Current.Import', ph).value) - w / 690) < 0.2, `current ${ph}`);
    assert.equal(sample(v, 'Voltage', 'L1-N').value, '230.0');
    const at = Date.parse(v.timestamp);
    // energy = power x time, within rounding (1 decimal Wh) and timer slack
    const expected = w * (at - lastAt) / 3.6e6;
    assert.ok(Math.abs(e - last - expected) < Math.max(0.5, expected * 0.35), `${e - last} Wh in ${at - lastAt} ms at ${w} W`);
    last = e; lastAt = at;
  }

  const sm2 = statusMark('S16');
  assert.deepEqual(await c.call('RemoteStopTransaction', { transactionId: txId }), { status: 'Accepted' });
  await until(() => calls('S16', 'StopTransaction').length === 1, { what: 'StopTransaction' });
  const stop = calls('S16', 'StopTransaction')[0].params;
  assert.equal(stop.transactionId, txId);
  assert.equal(stop.reason, 'Remote');
  assert.ok(stop.meterStop >= Math.floor(last), 'meterStop carries every Wh delivered');
  assert.equal(stop.transactionData[0].sampledValue[0].context, 'Transaction.End');
  await until(() => statusesSince('S16', sm2, 1).includes('Available'), { what: 'Available again' });
  assert.deepEqual(statusesSince('S16', sm2, 1), ['Finishing', 'Available']);
  // no meter values after the stop
  const n = calls('S16', 'MeterValues').length;
  await new Promise(r => setTimeout(r, 1500));
  assert.equal(calls('S16', 'MeterValues').length, n);
  assert.deepEqual(peer.failures, []);
});

test('2.0.1: RequestStart, TransactionEvent Started / Updated / Ended, DC state of charge', async () => {
  const c = peer.client('S201');
  const v = (component, variable, attributeValue) => ({ component: { name: component }, variable: { name: variable }, attributeValue });
  const set = await c.call('SetVariables', { setVariableData: [
    v('SampledDataCtrlr', 'TxUpdatedInterval', '1'),
    v('SampledDataCtrlr', 'TxUpdatedMeasurands', 'Energy.Active.Import.Register,Power.Active.Import,SoC')] });
  assert.deepEqual(set.setVariableResult.map(r => r.attributeStatus), ['Accepted', 'Accepted']);
  const m = mark('S201'), sm = statusMark('S201');
  const r = await c.call('RequestStartTransaction', { idToken: { idToken: 'TAG201', type: 'ISO14443' }, remoteStartId: 7, evseId: 1 });
  assert.equal(r.status, 'Accepted');
  await until(() => since('S201', m).filter(x => x.params.eventType === 'Updated').length >= 3, { what: '2.0.1 updates', timeoutMs: 15000 });
  const events = since('S201', m).map(x => x.params);
  const started = events[0];
  assert.equal(started.eventType, 'Started');
  assert.equal(started.triggerReason, 'RemoteStart');
  assert.equal(started.transactionInfo.remoteStartId, 7);
  assert.deepEqual(started.evse, { id: 1, connectorId: 1 });
  assert.equal(started.idToken.idToken, 'TAG201');
  assert.deepEqual(events.map(e => e.seqNo), events.map((_, i) => i), 'seqNo counts from 0 without gaps');
  assert.ok(statusesSince('S201', sm, 1).includes('Occupied'));
  const txId = started.transactionInfo.transactionId;
  let lastE = -1, lastSoc = -1;
  for (const e of events) {
    assert.equal(e.transactionInfo.transactionId, txId);
    const s = e.meterValue[0];
    const energy = sample(s, 'Energy.Active.Import.Register').value, soc = sample(s, 'SoC').value;
    const power = sample(s, 'Power.Active.Import').value;
    assert.equal(typeof energy, 'number');
    assert.ok(energy >= lastE && soc >= lastSoc, 'energy and SoC never go back');
    assert.ok(power > 0 && power <= 180000, `power within the charger's 180 kW: ${power}`);
    assert.ok(soc > 0 && soc <= 100);
    lastE = energy; lastSoc = soc;
  }
  assert.equal(events.at(-1).triggerReason, 'MeterValuePeriodic');

  // TriggerMessage TransactionEvent: an Updated with triggerReason Trigger
  assert.equal((await c.call('TriggerMessage', { requestedMessage: 'TransactionEvent', evse: { id: 1 } })).status, 'Accepted');
  await until(() => since('S201', m).some(x => x.params.triggerReason === 'Trigger'), { what: 'triggered TransactionEvent' });
  assert.equal((await c.call('RequestStopTransaction', { transactionId: 'not-a-session' })).status, 'Rejected');
  const sm2 = statusMark('S201');
  assert.equal((await c.call('RequestStopTransaction', { transactionId: txId })).status, 'Accepted');
  await until(() => since('S201', m).some(x => x.params.eventType === 'Ended'), { what: 'Ended' });
  const ended = since('S201', m).find(x => x.params.eventType === 'Ended').params;
  assert.equal(ended.triggerReason, 'RemoteStop');
  assert.equal(ended.transactionInfo.stoppedReason, 'Remote');
  assert.ok(sample(ended.meterValue[0], 'Energy.Active.Import.Register').value >= lastE);
  await until(() => statusesSince('S201', sm2, 1).includes('Available'), { what: '2.0.1 Available again' });
  assert.deepEqual(peer.failures, []);
});

test('ids the CSMS refuses: AuthorizeRemoteTxRequests asks first; a refused StartTransaction is stopped DeAuthorized', async () => {
  const c16 = peer.client('S16');
  // with AuthorizeRemoteTxRequests the charger asks first: Blocked → no session at all
  assert.deepEqual(await c16.call('ChangeConfiguration', { key: 'AuthorizeRemoteTxRequests', value: 'true' }), { status: 'Accepted' });
  let m = mark('S16');
  assert.deepEqual(await c16.call('RemoteStartTransaction', { idTag: 'BLOCKED1' }), { status: 'Accepted' });
  await until(() => since('S16', m).some(x => x.method === 'Authorize'), { what: 'Authorize' });
  await new Promise(r => setTimeout(r, 1000));
  assert.deepEqual(since('S16', m).map(x => x.method), ['Authorize']);
  assert.deepEqual(await c16.call('ChangeConfiguration', { key: 'AuthorizeRemoteTxRequests', value: 'false' }), { status: 'Accepted' });

  // without it the session starts, the CSMS answers Blocked, the charger stops it
  m = mark('S16');
  assert.deepEqual(await c16.call('RemoteStartTransaction', { idTag: 'BLOCKED1' }), { status: 'Accepted' });
  await until(() => since('S16', m).some(x => x.method === 'StopTransaction'), { what: 'StopTransaction DeAuthorized' });
  assert.equal(since('S16', m).find(x => x.method === 'StopTransaction').params.reason, 'DeAuthorized');

  const c201 = peer.client('S201');
  m = mark('S201');
  assert.equal((await c201.call('RequestStartTransaction', { idToken: { idToken: 'BLOCKED1', type: 'Central' }, remoteStartId: 8 })).status, 'Accepted');
  await until(() => since('S201', m).some(x => x.params.eventType === 'Ended'), { what: '2.0.1 Ended DeAuthorized' });
  const ended = since('S201', m).find(x => x.params.eventType === 'Ended').params;
  assert.equal(ended.transactionInfo.stoppedReason, 'DeAuthorized');
  assert.equal(ended.triggerReason, 'Deauthorized');
  assert.deepEqual(peer.failures, []);
});

test('ChangeAvailability during a session is Scheduled; Reset ends the session before the reboot', async () => {
  const c = peer.client('S16');
  let m = mark('S16');
  assert.deepEqual(await c.call('RemoteStartTransaction', { idTag: 'TAG16', connectorId: 1 }), { status: 'Accepted' });
  await until(() => since('S16', m).some(x => x.method === 'StartTransaction'), { what: 'started' });
  const txId = peer.nextTxId - 1;
  assert.deepEqual(await c.call('ChangeAvailability', { connectorId: 1, type: 'Inoperative' }), { status: 'Scheduled' });
  const sm = statusMark('S16');
  assert.deepEqual(await c.call('RemoteStopTransaction', { transactionId: txId }), { status: 'Accepted' });
  await until(() => statusesSince('S16', sm, 1).includes('Unavailable'), { what: 'Unavailable after the session' });
  assert.deepEqual(statusesSince('S16', sm, 1), ['Finishing', 'Unavailable']);
  assert.deepEqual(await c.call('RemoteStartTransaction', { idTag: 'TAG16', connectorId: 1 }), { status: 'Rejected' });
  assert.deepEqual(await c.call('ChangeAvailability', { connectorId: 1, type: 'Operative' }), { status: 'Accepted' });

  // Reset during a session: StopTransaction HardReset goes out before the reboot
  for (const [id, start, reset, check] of [
    ['S16', ['RemoteStartTransaction', { idTag: 'TAG16' }], { type: 'Hard' },
      x => x.method === 'StopTransaction' && x.params.reason === 'HardReset'],
    ['S201', ['RequestStartTransaction', { idToken: { idToken: 'TAG201', type: 'ISO14443' }, remoteStartId: 9 }], { type: 'Immediate' },
      x => x.params.eventType === 'Ended' && x.params.transactionInfo.stoppedReason === 'ImmediateReset']]) {
    m = mark(id);
    const cl = peer.client(id);
    assert.equal((await cl.call(...start)).status, 'Accepted');
    await until(() => since(id, m).length >= 1, { what: `${id} session` });
    const boots = peer.boots.get(id).length;
    assert.deepEqual(await cl.call('Reset', reset), { status: 'Accepted' });
    await until(() => peer.boots.get(id).length > boots && peer.live.get(id) === 1, { what: `${id} rebooted` });
    assert.ok(since(id, m).some(check), `${id}: the session ended by the reset before the reboot`);
  }
  assert.deepEqual(peer.failures, []);
});

test('GET /ocpp/chargers/{id}: the live state — connection, session, energy, configuration', async () => {
  const list = (await srv.api('GET', '/ocpp/chargers')).body.data;
  const id = list.find(c => c.identity === 'S201').charger_id;
  const c = peer.client('S201');
  const m = mark('S201');
  assert.equal((await c.call('RequestStartTransaction', { idToken: { idToken: 'LIVE1', type: 'ISO14443' }, remoteStartId: 77, evseId: 2 })).status, 'Accepted');
  await until(() => since('S201', m).some(x => x.params.eventType === 'Started'), { what: 'started' });
  const txId = since('S201', m).find(x => x.params.eventType === 'Started').params.transactionInfo.transactionId;
  let live;
  await until(async () => {
    live = (await srv.api('GET', `/ocpp/chargers/${id}`)).body.live;
    return live?.connectors?.find(x => x.connector_id === 2)?.transaction?.transaction_id === txId;
  }, { what: 'the session in the live state' });
  assert.equal(live.connection, 'connected');
  assert.equal(live.booted, true);
  const conn = live.connectors.find(x => x.connector_id === 2);
  assert.equal(conn.status, 'Charging');
  assert.equal(conn.transaction.id_tag, 'LIVE1');
  assert.ok(conn.power_w > 0 && conn.transaction.soc > 0);
  assert.equal(live.connectors.find(x => x.connector_id === 1).transaction, undefined);
  assert.equal(live.configuration_changed.MeterValueSampleInterval, "1");   // set by the earlier test
  const e0 = conn.energy_wh;
  await until(async () => {
    const now = (await srv.api('GET', `/ocpp/chargers/${id}`)).body.live;
    return now.connectors.find(x => x.connector_id === 2).energy_wh > e0;
  }, { what: 'energy growing in the live state' });
  assert.equal((await c.call('RequestStopTransaction', { transactionId: txId })).status, 'Accepted');
  await until(async () => {
    const now = (await srv.api('GET', `/ocpp/chargers/${id}`)).body.live;
    return now.connectors.find(x => x.connector_id === 2).status === 'Available';
  }, { what: 'Available in the live state' });
  assert.deepEqual(peer.failures, []);
});

test('2.0.1 Reset OnIdle during a session is Scheduled: the reboot waits for the session to end; 1.6 UnlockConnector ends a session', async () => {
  const c = peer.client('S201');
  let m = mark('S201');
  assert.equal((await c.call('RequestStartTransaction', { idToken: { idToken: 'IDLE1', type: 'ISO14443' }, remoteStartId: 90, evseId: 1 })).status, 'Accepted');
  await until(() => since('S201', m).some(x => x.params.eventType === 'Started'), { what: 'started' });
  const txId = since('S201', m).find(x => x.params.eventType === 'Started').params.transactionInfo.transactionId;
  const boots = peer.boots.get('S201').length;
  assert.deepEqual(await c.call('Reset', { type: 'OnIdle' }), { status: 'Scheduled' });
  await new Promise(r => setTimeout(r, 1500));
  assert.equal(peer.boots.get('S201').length, boots, 'no reboot while the session runs');
  assert.ok(!since('S201', m).some(x => x.params.eventType === 'Ended'));
  assert.equal((await c.call('RequestStopTransaction', { transactionId: txId })).status, 'Accepted');
  await until(() => peer.boots.get('S201').length > boots && peer.live.get('S201') === 1, { what: 'rebooted once idle' });
  assert.equal(peer.boots.get('S201').at(-1).reason, 'RemoteReset');
  assert.equal(since('S201', m).find(x => x.params.eventType === 'Ended').params.transactionInfo.stoppedReason, 'Remote');

  // 2.0.1: no unlocking during a session (a new connection since the reboot)
  const c2 = peer.client('S201');
  m = mark('S201');
  assert.equal((await c2.call('RequestStartTransaction', { idToken: { idToken: 'UNL2', type: 'ISO14443' }, remoteStartId: 91, evseId: 1 })).status, 'Accepted');
  await until(() => since('S201', m).some(x => x.params.eventType === 'Started'), { what: 'started (2.0.1)' });
  assert.deepEqual(await c2.call('UnlockConnector', { evseId: 1, connectorId: 1 }), { status: 'OngoingAuthorizedTransaction' });
  const tx2 = since('S201', m).find(x => x.params.eventType === 'Started').params.transactionInfo.transactionId;
  assert.equal((await c2.call('RequestStopTransaction', { transactionId: tx2 })).status, 'Accepted');

  const c16 = peer.client('S16');
  m = mark('S16');
  assert.deepEqual(await c16.call('RemoteStartTransaction', { idTag: 'UNL1', connectorId: 1 }), { status: 'Accepted' });
  await until(() => since('S16', m).some(x => x.method === 'StartTransaction'), { what: 'started (1.6)' });
  assert.deepEqual(await c16.call('UnlockConnector', { connectorId: 1 }), { status: 'Unlocked' });
  await until(() => since('S16', m).some(x => x.method === 'StopTransaction'), { what: 'stopped by the unlock' });
  assert.equal(since('S16', m).find(x => x.method === 'StopTransaction').params.reason, 'UnlockCommand');
  assert.deepEqual(peer.failures, []);
});
