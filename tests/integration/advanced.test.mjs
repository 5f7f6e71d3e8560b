// Reservations, the 2.0.1 device model report, firmware and diagnostics, against the
// strict ocpp-rpc peer: ReserveNow holds a connector for one id (Reserved; other ids are
// refused; the reserving id's session uses it), CancelReservation, expiry (2.0.1
// ReservationStatusUpdate); GetBaseReport answered by NotifyReport parts; UpdateFirmware
// and GetDiagnostics / GetLog answered, then their status progressions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFleet, stopAll, until, AC16, DC201 } from './harness.mjs';

let pg, peer, srv;
before(async () => ({ pg, peer, srv } = await startFleet([[AC16, 'V16'], [DC201, 'V201']])));
after(() => stopAll({ srv, peer, pg }));

const since = (id, n) => peer.since(id, n);
const mark = id => peer.mark(id);
const inSeconds = s => new Date(Date.now() + s * 1000).toISOString();
const lastStatus = id => { const s = peer.statuses.get(id).at(-1); return s.status ?? s.connectorStatus; };

test('1.6: a reserved connector takes only its id; the session uses the reservation', async () => {
  const c = peer.client('V16');
  assert.deepEqual(await c.call('ReserveNow', { connectorId: 1, expiryDate: inSeconds(600), idTag: 'RES1', reservationId: 11 }), { status: 'Accepted' });
  await until(() => lastStatus('V16') === 'Reserved', { what: 'Reserved' });
  // taken: another reservation there is Occupied, another id cannot start there
  assert.deepEqual(await c.call('ReserveNow', { connectorId: 1, expiryDate: inSeconds(600), idTag: 'OTHER', reservationId: 12 }), { status: 'Occupied' });
  assert.deepEqual(await c.call('ReserveNow', { connectorId: 9, expiryDate: inSeconds(600), idTag: 'OTHER', reservationId: 13 }), { status: 'Rejected' });
  assert.deepEqual(await c.call('RemoteStartTransaction', { idTag: 'OTHER', connectorId: 1 }), { status: 'Rejected' });
  const m = mark('V16');
  assert.deepEqual(await c.call('RemoteStartTransaction', { idTag: 'RES1', connectorId: 1 }), { status: 'Accepted' });
  await until(() => since('V16', m).some(x => x.method === 'StartTransaction'), { what: 'started' });
  assert.equal(since('V16', m).find(x => x.method === 'StartTransaction').params.reservationId, 11);
  assert.deepEqual(await c.call('CancelReservation', { reservationId: 11 }), { status: 'Rejected' }, 'used up');
  assert.deepEqual(await c.call('RemoteStopTransaction', { transactionId: peer.nextTxId - 1 }), { status: 'Accepted' });
  await until(() => lastStatus('V16') === 'Available', { what: 'Available after the session' });
  // cancel
  assert.deepEqual(await c.call('ReserveNow', { connectorId: 1, expiryDate: inSeconds(600), idTag: 'RES2', reservationId: 14 }), { status: 'Accepted' });
  await until(() => lastStatus('V16') === 'Reserved', { what: 'Reserved again' });
  assert.deepEqual(await c.call('CancelReservation', { reservationId: 14 }), { status: 'Accepted' });
  await until(() => lastStatus('V16') === 'Available', { what: 'Available after cancel' });
  assert.deepEqual(peer.failures, []);
});

// A CSMS's call is answered before any CALL its handling queued: the CSMS learns the
// outcome first (its own ReserveNow answer, then the StatusNotifications it caused).
test('1.6: ReserveNow with a reservation id in use: answered first, then the statuses it caused', async () => {
  const c = peer.client('V16');
  assert.deepEqual(await c.call('ReserveNow', { connectorId: 1, expiryDate: inSeconds(600), idTag: 'ORD1', reservationId: 31 }), { status: 'Accepted' });
  await until(() => lastStatus('V16') === 'Reserved', { what: 'Reserved' });
  const from = peer.raw.get('V16').length;
  // the same id again replaces it: Available (the old one cleared), then Reserved
  const answer = await peer.rawCall('V16', 'ReserveNow', { connectorId: 1, expiryDate: inSeconds(600), idTag: 'ORD2', reservationId: 31 });
  assert.deepEqual(answer[2], { status: 'Accepted' });
  await until(() => peer.raw.get('V16').slice(from).filter(m => m[0] === 2 && m[2] === 'StatusNotification').length >= 2,
    { what: 'Available and Reserved after the replacement' });
  const frames = peer.raw.get('V16').slice(from);
  const statuses = frames.filter(m => m[0] === 2 && m[2] === 'StatusNotification');
  assert.deepEqual(statuses.map(m => m[3].status), ['Available', 'Reserved']);
  assert.ok(frames.indexOf(answer) < frames.indexOf(statuses[0]),
    `the answer came after the StatusNotification: ${JSON.stringify(frames.map(m => m[2] ?? m[0]))}`);
  assert.deepEqual(await c.call('CancelReservation', { reservationId: 31 }), { status: 'Accepted' });
  await until(() => lastStatus('V16') === 'Available', { what: 'Available after cancel' });
  assert.deepEqual(peer.failures, []);
});

test('2.0.1: a reservation expires: ReservationStatusUpdate Expired, Available again', async () => {
  const c = peer.client('V201');
  const m = mark('V201');
  const r = await c.call('ReserveNow', { id: 21, expiryDateTime: inSeconds(2), idToken: { idToken: 'RES201', type: 'ISO14443' }, evseId: 1 });
  assert.equal(r.status, 'Accepted');
  await until(() => lastStatus('V201') === 'Reserved', { what: 'Reserved' });
  await until(() => since('V201', m).some(x => x.method === 'ReservationStatusUpdate'), { what: 'expired', timeoutMs: 10000 });
  assert.deepEqual(since('V201', m).find(x => x.method === 'ReservationStatusUpdate').params, { reservationId: 21, reservationUpdateStatus: 'Expired' });
  await until(() => lastStatus('V201') === 'Available', { what: 'Available after expiry' });
  // a reservation already expired is Rejected
  assert.equal((await c.call('ReserveNow', { id: 22, expiryDateTime: inSeconds(-60), idToken: { idToken: 'RES201', type: 'ISO14443' } })).status, 'Rejected');
  assert.deepEqual(peer.failures, []);
});

test('2.0.1 GetBaseReport: NotifyReport parts with seqNo and tbc cover the device model', async () => {
  const c = peer.client('V201');
  const m = mark('V201');
  assert.deepEqual(await c.call('GetBaseReport', { requestId: 5, reportBase: 'FullInventory' }), { status: 'Accepted' });
  await until(() => { const p = since('V201', m).filter(x => x.method === 'NotifyReport'); return p.length && !p.at(-1).params.tbc; },
    { what: 'the last part' });
  const parts = since('V201', m).filter(x => x.method === 'NotifyReport').map(x => x.params);
  assert.ok(parts.length >= 2);
  assert.deepEqual(parts.map(p => p.seqNo), parts.map((_, i) => i));
  assert.ok(parts.slice(0, -1).every(p => p.tbc === true) && !parts.at(-1).tbc);
  assert.ok(parts.every(p => p.requestId === 5));
  const items = parts.flatMap(p => p.reportData);
  const hb = items.find(i => i.component.name === 'OCPPCommCtrlr' && i.variable.name === 'HeartbeatInterval');
  assert.equal(hb.variableAttribute[0].mutability, 'ReadWrite');
  assert.equal(hb.variableCharacteristics.dataType, 'integer');
  // configuration inventory: the writable ones only
  const m2 = mark('V201');
  assert.deepEqual(await c.call('GetBaseReport', { requestId: 6, reportBase: 'ConfigurationInventory' }), { status: 'Accepted' });
  await until(() => { const p = since('V201', m2).filter(x => x.method === 'NotifyReport'); return p.length && !p.at(-1).params.tbc; },
    { what: 'configuration report' });
  const conf = since('V201', m2).filter(x => x.method === 'NotifyReport').flatMap(x => x.params.reportData);
  assert.ok(conf.length > 0 && conf.length <= items.length);
  assert.ok(conf.every(i => i.variableAttribute[0].mutability === 'ReadWrite'));
  assert.deepEqual(peer.failures, []);
});

test('UpdateFirmware and GetDiagnostics / GetLog: answered, then their status progressions', async () => {
  const c16 = peer.client('V16'), c201 = peer.client('V201');
  const m16 = mark('V16'), m201 = mark('V201');
  assert.deepEqual(await c16.call('UpdateFirmware', { location: 'https://example.com/fw.bin', retrieveDate: new Date().toISOString() }), {});
  const diag = await c16.call('GetDiagnostics', { location: 'ftp://example.com/upload/' });
  assert.match(diag.fileName, /V16/);
  assert.deepEqual(await c201.call('UpdateFirmware', { requestId: 41, firmware: { location: 'https://example.com/fw.bin', retrieveDateTime: new Date().toISOString() } }),
    { status: 'Accepted' });
  const log = await c201.call('GetLog', { logType: 'DiagnosticsLog', requestId: 42, log: { remoteLocation: 'https://example.com/logs/' } });
  assert.equal(log.status, 'Accepted');
  const statuses = (id, m, method) => since(id, m).filter(x => x.method === method).map(x => x.params);
  await until(() => statuses('V16', m16, 'FirmwareStatusNotification').length === 4 &&
    statuses('V201', m201, 'FirmwareStatusNotification').length === 4, { what: 'firmware progressions', timeoutMs: 15000 });
  await until(() => statuses('V16', m16, 'DiagnosticsStatusNotification').length === 2 &&
    statuses('V201', m201, 'LogStatusNotification').length === 2, { what: 'upload progressions' });
  assert.deepEqual(statuses('V16', m16, 'FirmwareStatusNotification').map(p => p.status), ['Downloading', 'Downloaded', 'Installing', 'Installed']);
  assert.deepEqual(statuses('V201', m201, 'FirmwareStatusNotification'), ['Downloading', 'Downloaded', 'Installing', 'Installed'].map(status => ({ status, requestId: 41 })));
  assert.deepEqual(statuses('V16', m16, 'DiagnosticsStatusNotification'), [{ status: 'Uploading' }, { status: 'Uploaded' }]);
  assert.deepEqual(statuses('V201', m201, 'LogStatusNotification'), [{ status: 'Uploading', requestId: 42 }, { status: 'Uploaded', requestId: 42 }]);
  // a malformed request (sent raw: the strict client would not) is a CallError naming the field
  const raw = await peer.rawCall('V16', 'GetDiagnostics', {});
  assert.equal(raw[0], 4);
  assert.equal(raw[2], 'OccurenceConstraintViolation');
  assert.match(raw[3], /location/);
  assert.deepEqual(peer.failures, []);
});

test('2.0.1 events: SecurityEventNotification at startup and after a reset; NotifyEvent when a connector faults', async () => {
  await until(() => (peer.calls.get('V201') ?? []).some(x => x.method === 'SecurityEventNotification' && x.params.type === 'StartupOfTheDevice'),
    { what: 'StartupOfTheDevice' });
  assert.ok(!(peer.calls.get('V16') ?? []).some(x => x.method === 'SecurityEventNotification'), 'none in 1.6');
  const m = mark('V201');
  assert.deepEqual(await peer.client('V201').call('Reset', { type: 'Immediate' }), { status: 'Accepted' });
  await until(() => since('V201', m).some(x => x.method === 'SecurityEventNotification' && x.params.type === 'ResetOrReboot'),
    { what: 'ResetOrReboot after the reboot', timeoutMs: 15000 });
  const id = (await srv.api('GET', '/ocpp/chargers')).body.data.find(c => c.identity === 'V201').charger_id;
  for (const cmd of ['inject-fault', 'clear-fault']) {
    const r = await srv.api('POST', `/ocpp/commands/${cmd}`, { body: { target: { charger_id: id }, connector_id: 1 } });
    assert.equal(r.status, 202);
  }
  await until(() => since('V201', m).filter(x => x.method === 'NotifyEvent').length === 2, { what: 'two events' });
  const ev = since('V201', m).filter(x => x.method === 'NotifyEvent').map(x => x.params.eventData[0]);
  assert.deepEqual(ev.map(e => [e.component.name, e.variable.name, e.actualValue, e.component.evse.id]),
    [['Connector', 'Problem', 'true', 1], ['Connector', 'Problem', 'false', 1]]);
  assert.ok(ev[1].eventId > ev[0].eventId);
  assert.deepEqual(peer.failures, []);
});
