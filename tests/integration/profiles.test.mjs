// Smart charging against the strict ocpp-rpc peer: SetChargingProfile /
// ClearChargingProfile / GetCompositeSchedule in both versions, and the delivered power
// that obeys the profiles (meter values never above the limit; a 0 limit suspends the
// session, SuspendedEVSE, and clearing it resumes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFleet, stopAll, until, AC16, DC201 } from './harness.mjs';

let pg, peer, srv;
before(async () => ({ pg, peer, srv } = await startFleet([[AC16, 'P16'], [DC201, 'P201']])));
after(() => stopAll({ srv, peer, pg }));

const since = (id, n) => peer.since(id, n);
const mark = id => peer.mark(id);
const power = mv => Number(mv.sampledValue.find(s => s.measurand === 'Power.Active.Import').value);
const now = () => new Date().toISOString();

test('1.6: a TxDefaultProfile in amperes caps the session; 0 A suspends it; clearing resumes', async () => {
  const c = peer.client('P16');
  for (const [key, value] of [['MeterValueSampleInterval', '1'], ['MeterValuesSampledData', 'Energy.Active.Import.Register,Power.Active.Import']])
    assert.deepEqual(await c.call('ChangeConfiguration', { key, value }), { status: 'Accepted' });
  const profile = (id, purpose, limit, extra = {}) => ({ chargingProfileId: id, stackLevel: 0, chargingProfilePurpose: purpose,
    chargingProfileKind: 'Absolute', ...extra,
    chargingSchedule: { chargingRateUnit: 'A', startSchedule: now(), chargingSchedulePeriod: [{ startPeriod: 0, limit }] } });
  // 6 A on three phases: 4,140 W
  assert.deepEqual(await c.call('SetChargingProfile', { connectorId: 1, csChargingProfiles: profile(1, 'TxDefaultProfile', 6) }), { status: 'Accepted' });
  // a TxProfile with no session is refused, so is a maximum on a connector
  assert.deepEqual(await c.call('SetChargingProfile', { connectorId: 1, csChargingProfiles: profile(2, 'TxProfile', 1) }), { status: 'Rejected' });
  assert.deepEqual(await c.call('SetChargingProfile', { connectorId: 1, csChargingProfiles: profile(3, 'ChargePointMaxProfile', 1) }), { status: 'Rejected' });
  const comp = await c.call('GetCompositeSchedule', { connectorId: 1, duration: 600, chargingRateUnit: 'W' });
  assert.equal(comp.status, 'Accepted');
  assert.equal(comp.chargingSchedule.chargingSchedulePeriod[0].limit, 4140);

  let m = mark('P16');
  assert.deepEqual(await c.call('RemoteStartTransaction', { idTag: 'SMART1', connectorId: 1 }), { status: 'Accepted' });
  await until(() => since('P16', m).filter(x => x.method === 'MeterValues').length >= 2, { what: 'meter values' });
  for (const x of since('P16', m).filter(x => x.method === 'MeterValues'))
    assert.ok(power(x.params.meterValue[0]) <= 4140, `${power(x.params.meterValue[0])} W within 6 A`);
  const txId = peer.nextTxId - 1;

  // a TxProfile of 0 A for this transaction: SuspendedEVSE, no power
  const sm = peer.statuses.get('P16').length;
  assert.deepEqual(await c.call('SetChargingProfile', { connectorId: 1,
    csChargingProfiles: profile(4, 'TxProfile', 0, { transactionId: txId }) }), { status: 'Accepted' });
  await until(() => peer.statuses.get('P16').slice(sm).some(s => s.status === 'SuspendedEVSE'), { what: 'SuspendedEVSE' });
  m = mark('P16');
  await until(() => since('P16', m).filter(x => x.method === 'MeterValues').length >= 1, { what: 'a sample while suspended' });
  assert.equal(power(since('P16', m).find(x => x.method === 'MeterValues').params.meterValue[0]), 0);
  // clearing the TxProfile: the default applies again, Charging
  assert.deepEqual(await c.call('ClearChargingProfile', { id: 4 }), { status: 'Accepted' });
  assert.deepEqual(await c.call('ClearChargingProfile', { id: 4 }), { status: 'Unknown' });
  await until(() => peer.statuses.get('P16').at(-1).status === 'Charging', { what: 'Charging again' });
  assert.deepEqual(await c.call('RemoteStopTransaction', { transactionId: txId }), { status: 'Accepted' });
  assert.deepEqual(await c.call('ClearChargingProfile', {}), { status: 'Accepted' });
  assert.deepEqual(peer.failures, []);
});

test('1.6: RemoteStartTransaction with a TxProfile shapes that session only', async () => {
  const c = peer.client('P16');
  const m = mark('P16');
  assert.deepEqual(await c.call('RemoteStartTransaction', { idTag: 'SMART2', connectorId: 1, chargingProfile: {
    chargingProfileId: 9, stackLevel: 1, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative',
    chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 2000 }] } } }), { status: 'Accepted' });
  await until(() => since('P16', m).filter(x => x.method === 'MeterValues').length >= 2, { what: 'meter values' });
  for (const x of since('P16', m).filter(x => x.method === 'MeterValues'))
    assert.ok(power(x.params.meterValue[0]) <= 2000);
  const txId = peer.nextTxId - 1;
  assert.deepEqual(await c.call('RemoteStopTransaction', { transactionId: txId }), { status: 'Accepted' });
  await until(() => since('P16', m).some(x => x.method === 'StopTransaction'), { what: 'stopped' });
  // the TxProfile went with its session
  assert.deepEqual(await c.call('ClearChargingProfile', { id: 9 }), { status: 'Unknown' });
  // a remote start whose profile is not a TxProfile is refused
  assert.deepEqual(await c.call('RemoteStartTransaction', { idTag: 'SMART3', connectorId: 1, chargingProfile: {
    chargingProfileId: 10, stackLevel: 1, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative',
    chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 2000 }] } } }), { status: 'Rejected' });
  assert.deepEqual(peer.failures, []);
});

test('2.0.1: a station maximum in watts caps a DC session; composite schedule; clear by criteria', async () => {
  const c = peer.client('P201');
  const v = (component, variable, attributeValue) => ({ component: { name: component }, variable: { name: variable }, attributeValue });
  await c.call('SetVariables', { setVariableData: [v('SampledDataCtrlr', 'TxUpdatedInterval', '1'),
    v('SampledDataCtrlr', 'TxUpdatedMeasurands', 'Energy.Active.Import.Register,Power.Active.Import,SoC')] });
  const r = await c.call('SetChargingProfile', { evseId: 0, chargingProfile: { id: 20, stackLevel: 0,
    chargingProfilePurpose: 'ChargingStationMaxProfile', chargingProfileKind: 'Absolute',
    chargingSchedule: [{ id: 1, chargingRateUnit: 'W', startSchedule: now(), chargingSchedulePeriod: [{ startPeriod: 0, limit: 20000 }] }] } });
  assert.equal(r.status, 'Accepted');
  const m = mark('P201');
  assert.equal((await c.call('RequestStartTransaction', { idToken: { idToken: 'SMART201', type: 'ISO14443' }, remoteStartId: 31, evseId: 1 })).status, 'Accepted');
  await until(() => since('P201', m).filter(x => x.params.eventType === 'Updated').length >= 2, { what: 'updates' });
  for (const x of since('P201', m))
    assert.ok(power(x.params.meterValue[0]) <= 20000, 'within the station maximum');
  const comp = await c.call('GetCompositeSchedule', { evseId: 1, duration: 300 });
  assert.equal(comp.status, 'Accepted');
  assert.equal(comp.schedule.chargingSchedulePeriod[0].limit, 20000);
  assert.equal(comp.schedule.chargingRateUnit, 'W');
  assert.equal((await c.call('ClearChargingProfile', { chargingProfileCriteria: { chargingProfilePurpose: 'ChargingStationMaxProfile' } })).status, 'Accepted');
  assert.equal((await c.call('ClearChargingProfile', { chargingProfileId: 20 })).status, 'Unknown');
  const txId = since('P201', m)[0].params.transactionInfo.transactionId;
  assert.equal((await c.call('RequestStopTransaction', { transactionId: txId })).status, 'Accepted');
  assert.deepEqual(peer.failures, []);
});

test('2.0.1 GetChargingProfiles: ReportChargingProfiles per EVSE, or NoProfiles', async () => {
  const c = peer.client('P201');
  const set = (evseId, id, purpose) => c.call('SetChargingProfile', { evseId, chargingProfile: { id, stackLevel: 2,
    chargingProfilePurpose: purpose, chargingProfileKind: 'Absolute',
    chargingSchedule: [{ id: 1, chargingRateUnit: 'W', startSchedule: now(), chargingSchedulePeriod: [{ startPeriod: 0, limit: 30000 }] }] } });
  assert.equal((await set(1, 40, 'TxDefaultProfile')).status, 'Accepted');
  assert.equal((await set(2, 41, 'TxDefaultProfile')).status, 'Accepted');
  assert.equal((await set(0, 42, 'ChargingStationMaxProfile')).status, 'Accepted');
  const m = mark('P201');
  assert.equal((await c.call('GetChargingProfiles', { requestId: 9, chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile' } })).status, 'Accepted');
  await until(() => since('P201', m).filter(x => x.method === 'ReportChargingProfiles').length === 2, { what: 'two reports' });
  const reports = since('P201', m).filter(x => x.method === 'ReportChargingProfiles').map(x => x.params);
  assert.deepEqual(reports.map(r => r.evseId).sort(), [1, 2]);
  assert.ok(reports.every(r => r.requestId === 9 && r.chargingProfile.every(p => p.chargingProfilePurpose === 'TxDefaultProfile')));
  assert.equal(reports.filter(r => r.tbc).length, 1, 'tbc on all but the last');
  assert.deepEqual(reports.flatMap(r => r.chargingProfile.map(p => p.id)).sort(), [40, 41]);
  assert.equal((await c.call('GetChargingProfiles', { requestId: 10, chargingProfile: { stackLevel: 7 } })).status, 'NoProfiles');
  // the TxProfile a RequestStartTransaction brought is listed while its session runs
  const m2 = mark('P201');
  assert.equal((await c.call('RequestStartTransaction', { idToken: { idToken: 'TXP', type: 'ISO14443' }, remoteStartId: 50, evseId: 2,
    chargingProfile: { id: 60, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative',
      chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 9000 }] }] } })).status, 'Accepted');
  await until(() => since('P201', m2).some(x => x.params.eventType === 'Started'), { what: 'started with its profile' });
  const m3 = mark('P201');
  assert.equal((await c.call('GetChargingProfiles', { requestId: 11, chargingProfile: { chargingProfilePurpose: 'TxProfile' } })).status, 'Accepted');
  await until(() => since('P201', m3).some(x => x.method === 'ReportChargingProfiles'), { what: 'TxProfile reported' });
  const rep = since('P201', m3).find(x => x.method === 'ReportChargingProfiles').params;
  assert.deepEqual([rep.evseId, rep.chargingProfile[0].id], [2, 60]);
  const tx = since('P201', m2).find(x => x.params.eventType === 'Started').params.transactionInfo.transactionId;
  assert.equal((await c.call('RequestStopTransaction', { transactionId: tx })).status, 'Accepted');
  assert.equal((await c.call('ClearChargingProfile', {})).status, 'Accepted');
  assert.deepEqual(peer.failures, []);
});
