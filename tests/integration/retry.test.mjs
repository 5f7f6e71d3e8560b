// A session message the CSMS does not answer is sent again (up to 3 attempts, after
// the template's call_timeout_s), never lost: the strict peer leaves the first
// StartTransaction / TransactionEvent unanswered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFleet, stopAll, until } from './harness.mjs';

let pg, peer, srv;
before(async () => ({ pg, peer, srv } = await startFleet([
  [{ ocpp_version: 'OCPP1.6', call_timeout_s: 2 }, 'RT16'], [{ ocpp_version: 'OCPP2.0.1', call_timeout_s: 2 }, 'RT201']],
  { peer: { hangFirst: ['StartTransaction', 'TransactionEvent'] } })));
after(() => stopAll({ srv, peer, pg }));

const calls = (id, m) => (peer.calls.get(id) ?? []).filter(x => x.method === m).map(x => x.params);

test('an unanswered session message is sent again, then the session goes on', async () => {
  assert.deepEqual(await peer.client('RT16').call('RemoteStartTransaction', { idTag: 'RETRY1', connectorId: 1 }), { status: 'Accepted' });
  assert.equal((await peer.client('RT201').call('RequestStartTransaction', { idToken: { idToken: 'RETRY2', type: 'ISO14443' }, remoteStartId: 3, evseId: 1 })).status, 'Accepted');
  await until(() => calls('RT16', 'StartTransaction').length === 2 && calls('RT201', 'TransactionEvent').length >= 2,
    { what: 'sent again after the timeout', timeoutMs: 10000 });
  const [first, again] = calls('RT16', 'StartTransaction');
  assert.deepEqual(again, first, 'the same message');
  const [e1, e2] = calls('RT201', 'TransactionEvent');
  assert.deepEqual(e2, e1);
  assert.equal(e1.eventType, 'Started');
  // the session goes on with the id the CSMS gave on the second attempt
  assert.deepEqual(await peer.client('RT16').call('RemoteStopTransaction', { transactionId: peer.nextTxId - 1 }), { status: 'Accepted' });
  await until(() => calls('RT16', 'StopTransaction').length === 1, { what: 'stopped' });
  assert.deepEqual(peer.failures, []);
});
