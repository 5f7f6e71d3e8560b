// What a template says about behaviour: the automatic session generator (drivers
// arriving at random with ids from a pool, charging for a random time, leaving),
// stoppable by command; reconnect backoff and websocket pings per template; bad values
// refused naming the field. Against the strict ocpp-rpc peer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, startPeer, startServe, startRawCsms, createLocation, group, waitJob, until, stopAll } from './harness.mjs';

let pg, peer, srv, locationId, genId;

before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url });
  ({ locationId } = await createLocation(srv, peer.url));
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({
    sessions: { per_hour: 7200, duration_s: [1, 2], id_tags: ['GEN1', 'GEN2'] },
    reconnect: { backoff_min_ms: 200, backoff_max_ms: 400 }, call_timeout_s: 5, ping_interval_s: 2,
  }, { charger_ids: ['GEN_A'] })] });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY');
  genId = job.results.created[0].charger_id;
});
after(() => stopAll({ srv, peer, pg }));

const calls = method => (peer.calls.get('GEN_A') ?? []).filter(x => x.method === method);

test('the generator starts sessions with ids from the pool and ends them after their duration', async () => {
  await until(() => calls('StopTransaction').length >= 2, { what: 'two generated sessions', timeoutMs: 20000 });
  for (const s of calls('StartTransaction')) assert.ok(['GEN1', 'GEN2'].includes(s.params.idTag));
  assert.ok(calls('Authorize').length >= 2, 'each generated session authorizes first');
  for (const s of calls('StopTransaction').map(x => x.params)) assert.equal(s.reason, 'Local');
  // durations: from each start to its stop, within [1, 2] s (+ slack for the loop)
  const starts = calls('StartTransaction').map(x => Date.parse(x.params.timestamp));
  const stops = calls('StopTransaction').map(x => Date.parse(x.params.timestamp));
  for (let i = 0; i < Math.min(starts.length, stops.length); i++) {
    const d = stops[i] - starts[i];
    assert.ok(d >= 900 && d <= 2600, `session ${i} lasted ${d} ms`);
  }
  assert.deepEqual(peer.failures, []);
});

test('stop-generator: no new sessions; start-generator: they come again', async () => {
  const off = await srv.api('POST', '/ocpp/commands/stop-generator', { body: { target: { charger_id: genId } } });
  assert.equal(off.status, 202);
  await until(async () => (await srv.api('GET', off.body.results[0].status_url)).body.status === 'DONE', { what: 'stopped' });
  await new Promise(r => setTimeout(r, 2500));        // a running session ends by itself
  const n = calls('StartTransaction').length;
  await new Promise(r => setTimeout(r, 3000));
  assert.equal(calls('StartTransaction').length, n, 'no session while the generator is off');
  const on = await srv.api('POST', '/ocpp/commands/start-generator', { body: { target: { charger_id: genId } } });
  assert.equal(on.status, 202);
  await until(() => calls('StartTransaction').length > n, { what: 'sessions again', timeoutMs: 15000 });
  // a charger without a generator says so
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({}, { charger_ids: ['PLAIN'] })] });
  const plain = (await waitJob(srv, r.body.status_url)).results.created[0].charger_id;
  const no = await srv.api('POST', '/ocpp/commands/stop-generator', { body: { target: { charger_id: plain } } });
  let doc;
  await until(async () => (doc = (await srv.api('GET', no.body.results[0].status_url)).body).status === 'FAILED', { what: 'FAILED' });
  assert.match(doc.error, /no session generator/);
});

test('reconnect backoff and ping interval from the template', async () => {
  assert.equal((await peer.client('GEN_A').call('GetConfiguration', { key: ['WebSocketPingInterval'] })).configurationKey[0].value, '2');
  const port = peer.port;
  await peer.close();
  await new Promise(r => setTimeout(r, 2000));
  peer = await startPeer({ port });
  await until(() => peer.live.get('GEN_A') === 1, { what: 'back', timeoutMs: 10000 });
  const fails = (await srv.api('GET', `/ocpp/chargers/${genId}/logs?event=connect_failed&limit=1000`)).body.data;
  assert.ok(fails.length >= 2, 'it retried while the CSMS was away');
  for (const f of fails) {
    const ms = Number(/reconnect in (\d+) ms/.exec(f.detail)[1]);
    assert.ok(ms >= 100 && ms <= 400, `backoff ${ms} ms within the template's 200..400 (with jitter)`);
  }
});

// WebSocketPingInterval, seen by a raw websocket CSMS: a charger with ping_interval_s
// pings it every interval, one without (0, the default) never does; when the pongs stop
// coming the charger hangs up (after 2 x interval + 5 s) and connects again.
test('websocket pings at the template\'s interval, none at 0, a hang-up when pongs stop', async () => {
  const answering = await startRawCsms(), silent = await startRawCsms({ autoPong: false });
  const pings = id => answering.pings.get(id) ?? 0;
  const connects = id => (answering.connects.get(id) ?? 0) + (silent.connects.get(id) ?? 0);
  try {
    const make = async (csms, name, tmpl, ids) => {
      const { locationId: loc } = await createLocation(srv, csms.url, name);
      const r = await srv.api('POST', `/ocpp/locations/${loc}/chargers`, { body: [group(tmpl, { charger_ids: ids })] });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.equal((await waitJob(srv, r.body.status_url)).status, 'READY');
    };
    await make(answering, 'Pings', { ocpp_version: 'OCPP1.6', ping_interval_s: 1 }, ['PING_ON']);
    await make(answering, 'No pings', { ocpp_version: 'OCPP1.6' }, ['PING_OFF']);
    await make(silent, 'No pongs', { ocpp_version: 'OCPP1.6', ping_interval_s: 1 }, ['PING_DEAD']);
    await new Promise(res => setTimeout(res, 3500));
    assert.ok(pings('PING_ON') >= 2, `PING_ON pinged ${pings('PING_ON')} times in 3.5 s`);
    assert.equal(pings('PING_OFF'), 0, 'a charger with no ping interval pinged');
    assert.equal(connects('PING_ON'), 1, 'answered pings keep the connection');
    // no pong: hung up and connected again within 2 x 1 + 5 s (+ backoff and slack)
    await until(() => connects('PING_DEAD') >= 2, { what: 'PING_DEAD reconnected', timeoutMs: 15000 });
    assert.equal(connects('PING_OFF'), 1);
  } finally {
    answering.close();
    silent.close();
  }
});

test('generated sessions end when the driver has the energy wanted (energy_wh), before their duration', async () => {
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group({
    sessions: { per_hour: 7200, duration_s: [60, 120], energy_wh: [2, 3], id_tags: ['ENERGY1'] },
    call_timeout_s: 5 }, { charger_ids: ['GEN_E'] })] });
  assert.equal((await waitJob(srv, r.body.status_url)).status, 'READY');
  const mine = m => (peer.calls.get('GEN_E') ?? []).filter(x => x.method === m).map(x => x.params);
  await until(() => mine('StopTransaction').length >= 2, { what: 'two sessions ended by energy', timeoutMs: 30000 });
  const starts = mine('StartTransaction'), stops = mine('StopTransaction');
  for (let i = 0; i < 2; i++) {
    const wh = stops[i].meterStop - starts[i].meterStart;
    const lasted = Date.parse(stops[i].timestamp) - Date.parse(starts[i].timestamp);
    assert.ok(wh >= 1 && wh <= 4, `session ${i}: ${wh} Wh, wanted 2..3`);
    assert.ok(lasted < 30000, `ended by energy, not by its ${lasted} ms duration`);
  }
  const off = await srv.api('POST', '/ocpp/commands/stop-generator', { body: { target: { charger_id: (await waitJob(srv, r.body.status_url)).results.created[0].charger_id } } });
  assert.equal(off.status, 202);
});

test('bad behaviour settings are refused, naming the field', async () => {
  for (const [tmpl, field] of [
    [{ sessions: { duration_s: [1, 2] } }, 'per_hour'],
    [{ sessions: { per_hour: 1, duration_s: [5, 1] } }, 'duration_s'],
    [{ sessions: { per_hour: 1, id_tags: [] } }, 'id_tags'],
    [{ sessions: { per_hour: 1, energy_wh: [10, 5] } }, 'energy_wh'],
    [{ sessions: { per_hour: 1, color: 'red' } }, 'color'],
    [{ reconnect: { backoff_min_ms: 5000, backoff_max_ms: 1000 } }, 'backoff_max_ms'],
    [{ call_timeout_s: 0 }, 'call_timeout_s'],
    [{ ping_interval_s: -1 }, 'ping_interval_s'],
  ]) {
    const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group(tmpl, { chargers_number: 1 })] });
    assert.equal(r.status, 422, JSON.stringify(tmpl));
    assert.ok(r.body.detail.some(d => d.loc.includes(field)), `${JSON.stringify(r.body.detail)} names ${field}`);
  }
});
