// CSMS-initiated commands, played by the strict ocpp-rpc peer (every call and answer
// checked against the OCPP schemas): Reset reboots the charger (reconnect + boot, 2.0.1
// reason RemoteReset), TriggerMessage sends what was asked, anything not implemented
// yet is answered as such — never silence.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, startPeer, startServe, createLocation, group, waitJob, until, stopAll } from './harness.mjs';

let pg, peer, srv;
before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url });
  const { locationId } = await createLocation(srv, peer.url);
  for (const [v, id] of [['OCPP1.6', 'CMD16'], ['OCPP2.0.1', 'CMD201']]) {
    const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({ ocpp_version: v }, { charger_ids: [id] })] });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal((await waitJob(srv, r.body.status_url)).status, 'READY');
  }
  await until(() => peer.live.get('CMD16') === 1 && peer.live.get('CMD201') === 1, { what: 'both connected' });
});
after(() => stopAll({ srv, peer, pg }));

test('Reset: answered Accepted, then the charger reconnects and boots again', async () => {
  for (const [id, type] of [['CMD16', 'Hard'], ['CMD16', 'Soft'], ['CMD201', 'Immediate'], ['CMD201', 'OnIdle']]) {
    const boots = peer.boots.get(id).length, connects = peer.connects.get(id);
    const r = await peer.client(id).call('Reset', { type });
    assert.deepEqual(r, { status: 'Accepted' }, `${id} ${type}`);
    await until(() => peer.connects.get(id) > connects && peer.boots.get(id).length > boots && peer.live.get(id) === 1,
      { what: `${id} back after ${type} reset` });
    if (id === 'CMD201') assert.equal(peer.boots.get(id).at(-1).reason, 'RemoteReset');
  }
  // a 2.0.1 reset of one EVSE is not supported: Rejected, and nothing happens
  const connects = peer.connects.get('CMD201');
  assert.deepEqual(await peer.client('CMD201').call('Reset', { type: 'Immediate', evseId: 1 }), { status: 'Rejected' });
  await new Promise(r => setTimeout(r, 1500));
  assert.equal(peer.connects.get('CMD201'), connects);
  // the fleet API still sees them READY and connected
  await until(async () => {
    const list = (await srv.api('GET', '/ocpp/chargers')).body.data;
    return list.length === 2 && list.every(c => c.status === 'READY' && c.connected);
  }, { what: 'READY and connected in the API' });
  assert.deepEqual(peer.failures, []);
});

test('TriggerMessage: Heartbeat, StatusNotification, BootNotification are sent; others NotImplemented', async () => {
  for (const id of ['CMD16', 'CMD201']) {
    const c = peer.client(id);
    const hb = peer.heartbeats.get(id) ?? 0;
    assert.deepEqual(await c.call('TriggerMessage', { requestedMessage: 'Heartbeat' }), { status: 'Accepted' });
    await until(() => (peer.heartbeats.get(id) ?? 0) > hb, { what: `${id} triggered heartbeat` });

    const st = peer.statuses.get(id).length;
    const one = id === 'CMD16' ? { requestedMessage: 'StatusNotification', connectorId: 1 }
      : { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } };
    assert.deepEqual(await c.call('TriggerMessage', one), { status: 'Accepted' });
    await until(() => peer.statuses.get(id).length === st + 1, { what: `${id} one status` });
    const last = peer.statuses.get(id).at(-1);
    if (id === 'CMD16') assert.equal(last.connectorId, 1);
    else assert.deepEqual([last.evseId, last.connectorId], [1, 1]);
    const missing = id === 'CMD16' ? { requestedMessage: 'StatusNotification', connectorId: 7 }
      : { requestedMessage: 'StatusNotification', evse: { id: 7 } };
    assert.deepEqual(await c.call('TriggerMessage', missing), { status: 'Rejected' });

    const boots = peer.boots.get(id).length;
    assert.deepEqual(await c.call('TriggerMessage', { requestedMessage: 'BootNotification' }), { status: 'Accepted' });
    await until(() => peer.boots.get(id).length > boots, { what: `${id} triggered boot` });
    if (id === 'CMD201') assert.equal(peer.boots.get(id).at(-1).reason, 'Triggered');

    // MeterValues: the connector's meter, context Trigger; the firmware status: Idle
    const mv = (peer.calls.get(id) ?? []).length;
    const one1 = id === 'CMD16' ? { connectorId: 1 } : { evse: { id: 1 } };
    assert.deepEqual(await c.call('TriggerMessage', { requestedMessage: 'MeterValues', ...one1 }), { status: 'Accepted' });
    await until(() => (peer.calls.get(id) ?? []).slice(mv).some(x => x.method === 'MeterValues'), { what: `${id} triggered meter values` });
    const got = (peer.calls.get(id) ?? []).slice(mv).find(x => x.method === 'MeterValues').params;
    assert.equal(got.meterValue[0].sampledValue[0].context, 'Trigger');
    assert.deepEqual(await c.call('TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' }), { status: 'Accepted' });
    await until(() => (peer.calls.get(id) ?? []).some(x => x.method === 'FirmwareStatusNotification' && x.params.status === 'Idle'),
      { what: `${id} firmware status Idle` });
    // a TransactionEvent without a session: Rejected
    if (id === 'CMD201')
      assert.deepEqual(await c.call('TriggerMessage', { requestedMessage: 'TransactionEvent' }), { status: 'Rejected' });
  }
  // a message the charger does not send yet: NotImplemented
  assert.deepEqual(await peer.client('CMD201').call('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' }),
    { status: 'NotImplemented' });
  {
  }
  // a call not implemented (or not of the charger's version) is a CallError
  // NotImplemented, with its name
  const raw = await peer.rawCall('CMD16', 'GetTransactionStatus', {});
  assert.equal(raw[0], 4);
  assert.equal(raw[2], 'NotImplemented');
  assert.match(raw[3], /GetTransactionStatus/);
  await assert.rejects(peer.client('CMD201').call('GetTransactionStatus', {}),
    e => e.rpcErrorCode === 'NotImplemented');
  assert.deepEqual(peer.failures, []);
});

test('1.6 GetConfiguration / ChangeConfiguration: real keys, read-only, unknown; HeartbeatInterval takes effect', async () => {
  const c = peer.client('CMD16');
  const all = await c.call('GetConfiguration', {});
  const keys = Object.fromEntries(all.configurationKey.map(k => [k.key, k]));
  assert.equal(keys.HeartbeatInterval.value, '300');
  assert.equal(keys.HeartbeatInterval.readonly, false);
  assert.equal(keys.NumberOfConnectors.readonly, true);
  assert.ok(all.configurationKey.length >= 10);
  const some = await c.call('GetConfiguration', { key: ['MeterValueSampleInterval', 'NoSuchKey'] });
  assert.deepEqual(some.configurationKey.map(k => k.key), ['MeterValueSampleInterval']);
  assert.deepEqual(some.unknownKey, ['NoSuchKey']);
  assert.deepEqual(await c.call('ChangeConfiguration', { key: 'NumberOfConnectors', value: '4' }), { status: 'Rejected' });
  assert.deepEqual(await c.call('ChangeConfiguration', { key: 'NoSuchKey', value: '1' }), { status: 'NotSupported' });
  assert.deepEqual(await c.call('ChangeConfiguration', { key: 'MeterValueSampleInterval', value: 'often' }), { status: 'Rejected' });
  assert.deepEqual(await c.call('ChangeConfiguration', { key: 'LocalPreAuthorize', value: 'true' }), { status: 'Accepted' });
  assert.equal((await c.call('GetConfiguration', { key: ['LocalPreAuthorize'] })).configurationKey[0].value, 'true');
  // HeartbeatInterval 1: heartbeats come every second from now on
  assert.deepEqual(await c.call('ChangeConfiguration', { key: 'HeartbeatInterval', value: '1' }), { status: 'Accepted' });
  const hb = peer.heartbeats.get('CMD16') ?? 0;
  await until(() => (peer.heartbeats.get('CMD16') ?? 0) >= hb + 2, { what: 'heartbeats at the new interval', timeoutMs: 6000 });
  assert.equal((await c.call('GetConfiguration', { key: ['HeartbeatInterval'] })).configurationKey[0].value, '1');
  assert.deepEqual(peer.failures, []);
});

test('2.0.1 GetVariables / SetVariables over the device model', async () => {
  const c = peer.client('CMD201');
  const v = (component, variable, extra = {}) => ({ component: { name: component }, variable: { name: variable }, ...extra });
  const got = await c.call('GetVariables', { getVariableData: [
    v('OCPPCommCtrlr', 'HeartbeatInterval'), v('OCPPCommCtrlr', 'NoSuchVariable'), v('NoSuchCtrlr', 'X'),
    v('OCPPCommCtrlr', 'HeartbeatInterval', { attributeType: 'Target' })] });
  assert.deepEqual(got.getVariableResult.map(r => r.attributeStatus),
    ['Accepted', 'UnknownVariable', 'UnknownComponent', 'NotSupportedAttributeType']);
  assert.equal(got.getVariableResult[0].attributeValue, '300');
  const set = await c.call('SetVariables', { setVariableData: [
    { ...v('OCPPCommCtrlr', 'HeartbeatInterval'), attributeValue: '1' },
    { ...v('AuthCtrlr', 'LocalPreAuthorize'), attributeValue: 'maybe' },
    { ...v('AuthCtrlr', 'LocalPreAuthorize'), attributeValue: 'true' },
    { ...v('NoSuchCtrlr', 'X'), attributeValue: '1' }] });
  assert.deepEqual(set.setVariableResult.map(r => r.attributeStatus), ['Accepted', 'Rejected', 'Accepted', 'UnknownComponent']);
  const hb = peer.heartbeats.get('CMD201') ?? 0;
  await until(() => (peer.heartbeats.get('CMD201') ?? 0) >= hb + 2, { what: '2.0.1 heartbeats at the new interval', timeoutMs: 6000 });
  const back = await c.call('GetVariables', { getVariableData: [v('AuthCtrlr', 'LocalPreAuthorize'), v('OCPPCommCtrlr', 'HeartbeatInterval')] });
  assert.deepEqual(back.getVariableResult.map(r => r.attributeValue), ['true', '1']);
  assert.deepEqual(peer.failures, []);
});

test('ChangeAvailability, UnlockConnector, ClearCache, DataTransfer', async () => {
  // 1.6: connector 1 inoperative → StatusNotification Unavailable, then back
  const c = peer.client('CMD16');
  let n = peer.statuses.get('CMD16').length;
  assert.deepEqual(await c.call('ChangeAvailability', { connectorId: 1, type: 'Inoperative' }), { status: 'Accepted' });
  await until(() => peer.statuses.get('CMD16').length > n, { what: '1.6 status after ChangeAvailability' });
  assert.deepEqual([peer.statuses.get('CMD16').at(-1).connectorId, peer.statuses.get('CMD16').at(-1).status], [1, 'Unavailable']);
  // it stays Unavailable when asked again
  n = peer.statuses.get('CMD16').length;
  assert.deepEqual(await c.call('TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 1 }), { status: 'Accepted' });
  await until(() => peer.statuses.get('CMD16').length > n, { what: 'triggered status' });
  assert.equal(peer.statuses.get('CMD16').at(-1).status, 'Unavailable');
  n = peer.statuses.get('CMD16').length;
  assert.deepEqual(await c.call('ChangeAvailability', { connectorId: 0, type: 'Operative' }), { status: 'Accepted' });
  await until(() => peer.statuses.get('CMD16').length >= n + 2, { what: 'every connector Available' });
  assert.ok(peer.statuses.get('CMD16').slice(n).every(s => s.status === 'Available'));
  assert.deepEqual(await c.call('ChangeAvailability', { connectorId: 9, type: 'Inoperative' }), { status: 'Rejected' });
  assert.deepEqual(await c.call('UnlockConnector', { connectorId: 1 }), { status: 'Unlocked' });
  assert.deepEqual(await c.call('UnlockConnector', { connectorId: 9 }), { status: 'NotSupported' });
  assert.deepEqual(await c.call('ClearCache', {}), { status: 'Accepted' });
  assert.deepEqual(await c.call('DataTransfer', { vendorId: 'com.example' }), { status: 'UnknownVendorId' });

  // 2.0.1: EVSE 1 inoperative → connectorStatus Unavailable
  const d = peer.client('CMD201');
  n = peer.statuses.get('CMD201').length;
  assert.deepEqual(await d.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } }), { status: 'Accepted' });
  await until(() => peer.statuses.get('CMD201').length > n, { what: '2.0.1 status after ChangeAvailability' });
  const last = peer.statuses.get('CMD201').at(-1);
  assert.deepEqual([last.evseId, last.connectorStatus], [1, 'Unavailable']);
  assert.deepEqual(await d.call('ChangeAvailability', { operationalStatus: 'Operative' }), { status: 'Accepted' });
  assert.deepEqual(await d.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 5 } }), { status: 'Rejected' });
  assert.deepEqual(await d.call('UnlockConnector', { evseId: 1, connectorId: 1 }), { status: 'Unlocked' });
  assert.deepEqual(await d.call('UnlockConnector', { evseId: 4, connectorId: 1 }), { status: 'UnknownConnector' });
  assert.deepEqual(await d.call('ClearCache', {}), { status: 'Accepted' });
  assert.deepEqual(await d.call('DataTransfer', { vendorId: 'com.example' }), { status: 'UnknownVendorId' });
  assert.deepEqual(peer.failures, []);
});
