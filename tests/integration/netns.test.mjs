// Workers as separate machines would be: each `chargefleet worker` in a network
// namespace of its own with its own address (10.199.N.2), reaching PostgreSQL over TCP
// (10.199.9.1) and the strict peer (10.199.1.1) through a veth link to this host, which
// runs serve. Then the network fails as networks do: one worker loses its route to the
// database while it still reaches the CSMS (it must fence before the other takes over),
// and PostgreSQL stops (connections refused over TCP: every charger stays connected).
// Counted at the peer from every socket's open and close times, as in fencing.test.mjs.
// Needs root (network namespaces); skipped otherwise.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPostgres, startPeer, startServe, startWorker, waitJob, group, createLocation, until, stopAll, overlaps } from './harness.mjs';

const LEASE_MS = 5000;
const tag = String(process.pid % 100000);
const ip = (...a) => execFileSync('ip', a, { stdio: 'pipe' }).toString();
const spaces = [];
let canRun = process.getuid() === 0;
let pg, peer, srv, w1, w2;

function netns(i) {
  const ns = `cf${tag}n${i}`, host = `cf${tag}h${i}`, inner = `cf${tag}v${i}`;
  ip('netns', 'add', ns);
  spaces.push(ns);
  ip('link', 'add', host, 'type', 'veth', 'peer', 'name', inner);
  ip('link', 'set', inner, 'netns', ns);
  ip('addr', 'add', `10.199.${i}.1/24`, 'dev', host);
  ip('link', 'set', host, 'up');
  ip('-n', ns, 'addr', 'add', `10.199.${i}.2/24`, 'dev', inner);
  ip('-n', ns, 'link', 'set', inner, 'up');
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  ip('-n', ns, 'route', 'add', 'default', 'via', `10.199.${i}.1`);
  return { ns, host };
}

const holders = prefix => pg.query(`SELECT r.pid FROM chargers c JOIN runtimes r ON r.owner = c.lease_owner
  WHERE c.identity LIKE '${prefix}%' GROUP BY r.pid`).map(r => Number(r[0]));

before(async () => {
  if (!canRun) return;
  try {
    const a = netns(1);
    netns(2);
    ip('addr', 'add', '10.199.9.1/32', 'dev', a.host);   // the database's address
  } catch (e) {
    canRun = false;
    console.log(`# no network namespaces here: ${e.message}`);
    return;
  }
  pg = await startPostgres({ listen: '10.199.9.1' });
  peer = await startPeer({ host: '10.199.1.1' });
  srv = await startServe({ db: pg.url, extraArgs: ['--own-capacity', '0'] });
  const tcp = `postgresql://postgres@10.199.9.1:${pg.port}/postgres`;
  w1 = await startWorker({ db: tcp, netns: spaces[0] });
  w2 = await startWorker({ db: tcp, netns: spaces[1] });
});

after(async () => {
  await w1?.stop();
  await w2?.stop();
  if (srv) await stopAll({ srv, peer, pg });
  for (const ns of spaces) { try { ip('netns', 'del', ns); } catch { /* gone */ } }
});

test('a worker that loses its route to the database fences; the other takes over; never two sockets', async t => {
  if (!canRun) return t.skip('needs root and network namespaces');
  const { locationId } = await createLocation(srv, peer.url);
  // both workers claim their share; the chargers come from the workers' own addresses
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [group({ identity_prefix: 'N_' }, { chargers_number: 60 })],
  });
  assert.equal(r.status, 202);
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job.progress));
  const ids = job.results.created.map(c => c.identity);
  await until(() => ids.every(id => peer.live.get(id) === 1), { what: 'every charger connected' });
  const from = new Set(ids.map(id => peer.addresses.get(id).replace(/^::ffff:/, '')));
  assert.ok([...from].every(a => a === '10.199.1.2' || a === '10.199.2.2'), [...from].join());
  // the worker with more of them is cut off (a claim round takes up to 50 at once: one
  // worker may hold all 60)
  const on = i => ids.filter(id => peer.addresses.get(id).endsWith(`10.199.${i}.2`));
  const [i, j] = on(1).length >= on(2).length ? [1, 2] : [2, 1];
  const [gone, stays] = i === 1 ? [w1, w2] : [w2, w1];
  const cut = on(i);
  assert.ok(cut.length >= 30);

  const t0 = Date.now();
  ip('-n', spaces[i - 1], 'route', 'add', 'blackhole', '10.199.9.1/32');
  await until(() => cut.every(id => peer.live.get(id) === 1 && peer.sockets.get(id).length === 2),
    { what: 'the cut worker\'s chargers back at the other', timeoutMs: 2 * LEASE_MS + 2000 });
  const back = Date.now() - t0;
  assert.match(gone.log, /fenced: lease not renewed for \d+ ms/);
  for (const id of cut) {
    const [old, next] = peer.sockets.get(id);
    assert.ok(old.closed !== null && old.closed <= next.opened, `${id}: ${JSON.stringify(peer.sockets.get(id))}`);
    assert.ok(peer.addresses.get(id).endsWith(`10.199.${j}.2`), id);
  }
  assert.deepEqual(holders('N_'), [stays.child.pid]);

  ip('-n', spaces[i - 1], 'route', 'del', 'blackhole', '10.199.9.1/32');
  await until(() => gone.log.includes('lease renewed after a fence'), { what: 'the cut worker back', timeoutMs: 15000 });
  await sleep(1000);
  assert.deepEqual(overlaps(peer, ids), []);
  assert.equal(peer.maxLive, 1);
  assert.ok(back < 2 * LEASE_MS + 2000, `back after ${back} ms`);
  assert.deepEqual(peer.failures, []);
});

test('PostgreSQL stops (refused over TCP) for two lease periods: every charger stays connected, once', async t => {
  if (!canRun) return t.skip('needs root and network namespaces');
  const ids = [...peer.live.keys()].filter(id => peer.live.get(id) === 1);
  const before = new Map(ids.map(id => [id, peer.sockets.get(id).length]));
  pg.pause();
  await sleep(2 * LEASE_MS + 1000);
  pg.resume();
  await sleep(2 * LEASE_MS);
  assert.doesNotMatch(w1.log.split('lease renewed after a fence').pop() +
    w2.log.split('lease renewed after a fence').pop(), /fenced:|taken over/);
  assert.ok(ids.every(id => peer.sockets.get(id).length === before.get(id) && peer.live.get(id) === 1),
    JSON.stringify(ids.filter(id => peer.sockets.get(id).length !== before.get(id))));
  assert.equal(peer.maxLive, 1);
});
