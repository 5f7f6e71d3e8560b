// How provisioning ends: Pending then Accepted, Rejected, an unreachable CSMS, a CSMS
// that refuses the websocket upgrade, a CSMS that agrees no subprotocol.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startPostgres, startPeer, startServe, waitJob, group, createLocation, freePort, stopAll } from './harness.mjs';

let pg, peer, srv, locationId;
const TIMEOUT = 4;
before(async () => {
  pg = await startPostgres();
  peer = await startPeer({
    boot: (id, params, n) => {
      if (id.startsWith('PEND_')) return n < 3 ? { status: 'Pending', interval: 1 } : { status: 'Accepted', interval: 60 };
      if (id.startsWith('REJ_')) return { status: 'Rejected', interval: 1 };
      return { status: 'Accepted', interval: 60 };
    },
    reject: hs => (hs.identity.startsWith('AUTH_') ? 401 : 0),
  });
  srv = await startServe({ db: pg.url, provisionTimeout: TIMEOUT, defaultWsUrl: peer.url });
  ({ locationId } = await createLocation(srv, peer.url));
});
after(() => stopAll({ srv, peer, pg }));

async function post(groups) {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: groups });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return waitJob(srv, r.body.status_url, { timeoutMs: 60000 });
}

test('Pending, then Accepted at the interval → READY', async () => {
  const job = await post([group({ identity_prefix: 'PEND_' }, { charger_ids: ['1'] })]);
  assert.equal(job.status, 'READY', JSON.stringify(job));
  assert.equal(peer.boots.get('PEND_1').length, 3);
});

test('Rejected until the provision timeout → FAILED with the reason', async () => {
  const t0 = Date.now();
  const job = await post([group({ identity_prefix: 'REJ_', ocpp_version: 'OCPP2.0.1' }, { charger_ids: ['1'] })]);
  assert.equal(job.status, 'FAILED', JSON.stringify(job));
  assert.ok(Date.now() - t0 >= (TIMEOUT - 1) * 1000, 'gave up before the timeout');
  assert.equal(job.results.failed.length, 1);
  assert.equal(job.results.failed[0].identity, 'REJ_1');
  assert.match(job.results.failed[0].error, /BootNotification Rejected by CSMS/);
  assert.ok(peer.boots.get('REJ_1').length >= 2, 'retried after the interval');
  assert.deepEqual(job.progress, { total: 1, pending: 0, provisioning: 0, ready: 0, failed: 1 });
});

test('CSMS unreachable → FAILED "connect: connection refused" at the timeout', async () => {
  const port = await freePort();
  const job = await post([group({ identity_prefix: 'DOWN_', ws_url: `ws://127.0.0.1:${port}/ocpp` }, { charger_ids: ['1'] })]);
  assert.equal(job.status, 'FAILED', JSON.stringify(job));
  assert.match(job.results.failed[0].error, /connect: connection refused/);
});

test('upgrade refused with 401 → FAILED "websocket handshake: HTTP 401"', async () => {
  const job = await post([group({ identity_prefix: 'AUTH_' }, { charger_ids: ['1'] })]);
  assert.equal(job.status, 'FAILED', JSON.stringify(job));
  assert.match(job.results.failed[0].error, /websocket handshake: HTTP 401/);
});

test('a server that agrees no subprotocol is a clear failure', async () => {
  // a bare websocket server that answers 101 without Sec-WebSocket-Protocol
  const { createHash } = await import('node:crypto');
  const server = http.createServer();
  server.on('upgrade', (req, socket) => {
    const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  });
  const port = await freePort();
  await new Promise(r => server.listen(port, '127.0.0.1', r));
  try {
    const job = await post([group({ identity_prefix: 'NOSUB_', ws_url: `ws://127.0.0.1:${port}/ocpp` }, { charger_ids: ['1'] })]);
    assert.equal(job.status, 'FAILED', JSON.stringify(job));
    assert.match(job.results.failed[0].error, /did not agree subprotocol ocpp1\.6/);
  } finally {
    server.closeAllConnections?.();
    server.close();
  }
});

test('a mixed job is FAILED and lists both outcomes', async () => {
  const job = await post([
    group({ identity_prefix: 'OK_' }, { chargers_number: 2 }),
    group({ identity_prefix: 'REJ_' }, { charger_ids: ['2'] }),
  ]);
  assert.equal(job.status, 'FAILED');
  assert.equal(job.results.created.length, 2);
  assert.deepEqual(job.results.failed.map(f => f.identity), ['REJ_2']);
  assert.equal(job.error, '1 of 3 chargers failed');
});

test('no frame failed strict validation', () => {
  assert.deepEqual(peer.failures, []);
});
