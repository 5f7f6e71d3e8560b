// serve --workers auto (the default): local workers start on demand, one at a time,
// only when chargers wait that no live runtime has room for.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, startPeer, startServe, createLocation, group, waitJob, until, stopAll } from './harness.mjs';

let pg, peer, srv;
after(() => stopAll({ srv, peer, pg }));

test('--workers auto starts a worker only when serve has no room left, and only as many as needed', async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url, workers: 'auto', extraArgs: ['--own-capacity', '4'] });
  const { locationId } = await createLocation(srv, peer.url);
  const post = async (prefix, n) => {
    const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({ identity_prefix: prefix }, { chargers_number: n })] });
    assert.equal(r.status, 202);
    return waitJob(srv, r.body.status_url);
  };
  assert.equal((await post('FIT_', 3)).status, 'READY');
  await new Promise(res => setTimeout(res, 4500));        // two looks for demand
  assert.doesNotMatch(srv.log, /starting worker/, 'serve had room: no worker');
  assert.equal(pg.query(`SELECT count(*) FROM runtimes`)[0][0], '1', 'serve alone');

  const job = await post('MORE_', 10);                    // 1 room left in serve: 9 wait
  assert.equal(job.status, 'READY');
  assert.match(srv.log, /starting worker 1 of at most \d+/);
  const owners = pg.query(`SELECT lease_owner, count(*) FROM chargers GROUP BY 1`);
  assert.equal(owners.length, 2, `serve and one worker hold the 13: ${JSON.stringify(owners)}`);
  await new Promise(res => setTimeout(res, 4500));
  assert.doesNotMatch(srv.log, /starting worker 2/, 'the first worker had room for the rest');
  await until(() => peer.live.size === 13 && [...peer.live.values()].every(n => n === 1), { what: '13 connected once' });
});
