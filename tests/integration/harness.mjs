// Shared by the integration tests: a throwaway PostgreSQL, the independent OCPP peer
// (ocpp-rpc in strictMode: every frame is checked against the official OCPP JSON
// schemas) and the real `chargefleet serve` binary. Everything stops by itself.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, chownSync, chmodSync, existsSync, readdirSync, appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { RPCServer } from 'ocpp-rpc';

export const BIN = process.env.CHARGEFLEET_BIN ?? new URL('../../build/chargefleet', import.meta.url).pathname;
export const TOKEN = 'test-token-0123456789';
const isRoot = process.getuid() === 0;

// A port nobody listens on, taken below the kernel's ephemeral range (32768-60999
// here): a port from listen(0) comes from that range, so an outgoing connection of
// any process (serve's own database connections, say) could take it as its local
// port between this check and the listen that needs it (seen in CI: EADDRINUSE).
export async function freePort() {
  for (let i = 0; ; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const ok = await new Promise(resolve => {
      const s = net.createServer();
      s.on('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
    if (i === 100) throw new Error('no free port in 20000-31999');
  }
}

function pgBin(name) {
  const root = '/usr/lib/postgresql';
  const major = readdirSync(root).map(Number).filter(n => existsSync(`${root}/${n}/bin/${name}`)).sort((a, b) => b - a)[0];
  return `${root}/${major}/bin/${name}`;
}

function asPostgres(cmd, args) {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

// A private PostgreSQL cluster on a unix socket in a temp dir (and on TCP at the
// addresses in listen, e.g. '10.199.9.1', when given: trust, as on the socket).
export async function startPostgres({ listen = '' } = {}) {
  const dir = mkdtempSync('/tmp/cf-test-pg-');
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  const run = (cmd, args) => { const [c, a] = asPostgres(cmd, args); execFileSync(c, a, { stdio: 'pipe' }); };
  run(pgBin('initdb'), ['-D', `${dir}/data`, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  if (listen) appendFileSync(`${dir}/data/pg_hba.conf`, 'host all all samenet trust\n');
  const start = () => run(pgBin('pg_ctl'), ['-D', `${dir}/data`, '-l', `${dir}/server.log`, '-w', '-t', '30', '-o',
    `-p ${port} -k ${dir} -c listen_addresses='${listen}' -c fsync=off -c max_connections=50`, 'start']);
  start();
  return {
    url: `postgresql://postgres@/postgres?host=${dir}&port=${port}`,
    dir, port,
    // one SQL query through psql; resolves its rows as arrays of text fields
    query(sql) {
      const out = execFileSync('psql', ['-At', '-F', '\t', '-h', dir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', sql]).toString();
      return out.split('\n').filter(Boolean).map(l => l.split('\t'));
    },
    // a database outage: fast shutdown (clients are disconnected), then back
    pause() { run(pgBin('pg_ctl'), ['-D', `${dir}/data`, '-m', 'fast', '-w', 'stop']); },
    resume: start,
    async stop() {
      try { run(pgBin('pg_ctl'), ['-D', `${dir}/data`, '-m', 'immediate', '-w', 'stop']); } catch { /* already down */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The independent CSMS. boot(identity, params, n) returns the BootNotification answer
// fields {status, interval} (n = 1 for the first boot of that identity).
// reject(handshake) → an HTTP status to refuse the websocket upgrade with, or 0.
// authDelayMs(identity): hold that charger's websocket handshake this long (0: none).
export async function startPeer({ boot, reject, tls, blocked, port: fixedPort, hangFirst = [], authDelayMs, host = '127.0.0.1' } = {}) {
  const server = new RPCServer({ protocols: ['ocpp1.6', 'ocpp2.0.1'], strictMode: true });
  const peer = {
    boots: new Map(),        // identity → [params...]
    statuses: new Map(),     // identity → [params...]
    heartbeats: new Map(),   // identity → count
    protocols: new Map(),    // identity → negotiated subprotocol
    endpoints: new Map(),    // identity → path before the identity
    live: new Map(),         // identity → open connections now
    connects: new Map(),     // identity → connections so far
    addresses: new Map(),    // identity → the address its last connection came from
    connectTimes: [],        // Date.now() of every connection
    maxLive: 0,
    failures: [],            // strictValidationFailure events
    calls: new Map(),        // identity → [{method, params}] of session messages
    order: new Map(),        // identity → [method] of every message received, in order
    raw: new Map(),          // identity → [every frame received, parsed]
    sockets: new Map(),      // identity → [{opened, closed, frames, lastFrame}] per connection
    closes: new Map(),       // identity → [close code of each ended connection]
    nextTxId: 1,
    clients: new Set(),
  };
  server.auth((accept, rej, hs) => {
    const code = reject ? reject(hs) : 0;
    if (code) return rej(code, 'refused by test peer');
    peer.endpoints.set(hs.identity, hs.endpoint);
    peer.addresses.set(hs.identity, hs.remoteAddress);
    peer.handshakes = (peer.handshakes ?? 0) + 1;
    const delay = authDelayMs ? authDelayMs(hs.identity) : 0;
    if (delay) setTimeout(accept, delay); else accept();
  });
  const push = (m, id, v) => { if (!m.has(id)) m.set(id, []); m.get(id).push(v); };
  server.on('client', client => {
    const id = client.identity;
    const sock = { opened: Date.now(), closed: null, frames: 0, lastFrame: null };
    push(peer.sockets, id, sock);
    client.on('message', ({ message, outbound }) => {
      if (outbound) return;
      sock.frames++;
      sock.lastFrame = Date.now();
      try {
        const m = JSON.parse(String(message));
        push(peer.raw, id, m);
        if (m[0] === 2) push(peer.order, id, m[2]);
      } catch { /* not ours to judge */ }
    });
    peer.clients.add(client);
    peer.protocols.set(id, client.protocol);
    peer.connects.set(id, (peer.connects.get(id) ?? 0) + 1);
    peer.connectTimes.push(Date.now());
    peer.live.set(id, (peer.live.get(id) ?? 0) + 1);
    peer.maxLive = Math.max(peer.maxLive, peer.live.get(id));
    client.on('strictValidationFailure', ev => peer.failures.push({ identity: id, method: ev.method, error: String(ev.error), outbound: ev.outbound }));
    client.on('close', ({ code }) => {
      sock.closed = Date.now();
      peer.live.set(id, peer.live.get(id) - 1);
      peer.clients.delete(client);
      push(peer.closes, id, code);
    });
    client.handle('BootNotification', ({ params }) => {
      push(peer.boots, id, params);
      const ans = boot ? boot(id, params, peer.boots.get(id).length) : { status: 'Accepted', interval: 300 };
      return { status: ans.status, interval: ans.interval ?? 300, currentTime: new Date().toISOString() };
    });
    client.handle('StatusNotification', ({ params }) => { push(peer.statuses, id, params); return {}; });
    // Sessions: ids named in `blocked` are refused; 1.6 transaction ids count up.
    const idStatus = tag => (blocked ?? []).includes(tag) ? 'Blocked' : 'Accepted';
    // hangFirst: the first call of these methods from each charger is never answered
    const hung = new Set();
    const record = (method, answer) => client.handle(method, ({ params }) => {
      push(peer.calls, id, { method, params });
      if (hangFirst.includes(method) && !hung.has(`${id}/${method}`)) {
        hung.add(`${id}/${method}`);
        return new Promise(() => {});
      }
      return answer(params);
    });
    record('Authorize', p => client.protocol === 'ocpp1.6'
      ? { idTagInfo: { status: idStatus(p.idTag) } }
      : { idTokenInfo: { status: idStatus(p.idToken.idToken) } });
    record('StartTransaction', p => ({ transactionId: peer.nextTxId++, idTagInfo: { status: idStatus(p.idTag) } }));
    record('StopTransaction', () => ({}));
    record('MeterValues', () => ({}));
    record('DataTransfer', () => ({ status: 'Accepted' }));
    record('NotifyReport', () => ({}));
    record('ReservationStatusUpdate', () => ({}));
    record('ReportChargingProfiles', () => ({}));
    record('NotifyEvent', () => ({}));
    record('SecurityEventNotification', () => ({}));
    for (const m of ['FirmwareStatusNotification', 'DiagnosticsStatusNotification', 'LogStatusNotification'])
      record(m, () => ({}));
    record('TransactionEvent', p => p.eventType === 'Started' && p.idToken
      ? { idTokenInfo: { status: idStatus(p.idToken.idToken) } } : {});
    client.handle('Heartbeat', () => {
      peer.heartbeats.set(id, (peer.heartbeats.get(id) ?? 0) + 1);
      return { currentTime: new Date().toISOString() };
    });
  });
  const port = fixedPort ?? await freePort();
  let httpServer;
  if (tls) {   // wss: an https server handing upgrades to the RPC server
    const https = await import('node:https');
    httpServer = https.createServer({ key: tls.key, cert: tls.cert, ca: tls.ca,
      requestCert: Boolean(tls.ca), rejectUnauthorized: false });
    httpServer.on('upgrade', server.handleUpgrade);
    await new Promise(r => httpServer.listen(port, '127.0.0.1', r));
  } else {
    httpServer = await server.listen(port, host);
  }
  peer.port = port;
  peer.url = `${tls ? 'wss' : 'ws'}://${tls ? '127.0.0.1' : host}:${port}/ocpp`;
  peer.server = server;
  peer.client = id => [...peer.clients].find(c => c.identity === id);
  // session messages of a charger: how many so far, and those since such a mark
  peer.mark = id => (peer.calls.get(id) ?? []).length;
  peer.since = (id, n) => (peer.calls.get(id) ?? []).slice(n);
  // A CALL sent as raw text (no schema check: for actions the version does not define);
  // resolves the charger's answer frame.
  peer.rawCall = async (id, action, payload) => {
    const msgId = `raw-${Math.random().toString(16).slice(2)}`;
    await peer.client(id).sendRaw(JSON.stringify([2, msgId, action, payload]));
    const t = Date.now() + 10000;
    for (;;) {
      const answer = (peer.raw.get(id) ?? []).find(m => m[1] === msgId && m[0] !== 2);
      if (answer) return answer;
      if (Date.now() > t) throw new Error(`no answer to raw ${action}`);
      await new Promise(r => setTimeout(r, 50));
    }
  };
  peer.close = async () => {
    await server.close({ code: 1001, force: true, awaitPending: false });
    httpServer.closeAllConnections?.();
    httpServer.close?.();
  };
  return peer;
}

// One HTTP request; resolves {status, body (parsed JSON or raw text), headers}.
export function request(base, method, path, { body, token = TOKEN, rawBody, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const data = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (data !== undefined && !('transfer-encoding' in h)) h['content-length'] = Buffer.byteLength(data);
    if (data !== undefined) h['content-type'] = 'application/json';
    const req = http.request(base + path, { method, headers: h, timeout: 30000 }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed = text;
        try { parsed = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, body: parsed, headers: res.headers });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

// Starts `chargefleet serve`; resolves once GET /healthz answers 200.
// workers: serve's local worker processes (--workers); tests run serve alone unless
// they say otherwise, so what a test counts in serve's log is all that ran.
// token: null starts serve without --api-token; env: more environment variables.
export async function startServe({ db, port, provisionTimeout = 30, defaultWsUrl, workers = 0, extraArgs = [], token = TOKEN, env = {} } = {}) {
  port = port ?? await freePort();
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--db', db,
    '--provision-timeout', String(provisionTimeout), '--lease-seconds', '5',
    '--workers', String(workers), ...extraArgs];
  if (token !== null) args.push('--api-token', token);
  if (defaultWsUrl) args.push('--default-ws-url', defaultWsUrl);
  const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  child.stdout.on('data', d => { log += d; });
  child.stderr.on('data', d => { log += d; });
  const exited = new Promise(resolve => child.on('exit', (code, signal) => resolve({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  const srv = {
    base, port, child, exited,
    get log() { return log; },
    api: (method, path, opts) => request(base, method, path, opts),
    kill(sig = 'SIGKILL') { child.kill(sig); return exited; },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 30000);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
  const until = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited (${child.exitCode}):\n${log}`);
    try {
      const r = await srv.api('GET', '/healthz', { token: null });
      if (r.status === 200) return srv;
    } catch { /* not up yet */ }
    if (Date.now() > until) { child.kill('SIGKILL'); throw new Error(`serve not healthy in 30 s:\n${log}`); }
    await sleep(100);
  }
}

// Polls a job status URL until READY or FAILED.
export async function waitJob(srv, statusUrl, { timeoutMs = 60000 } = {}) {
  const until = Date.now() + timeoutMs;
  let last;
  while (Date.now() < until) {
    last = await srv.api('GET', statusUrl);
    if (last.status === 503) { await sleep(150); continue; }   // database away: poll on
    if (last.status !== 200) throw new Error(`GET ${statusUrl}: ${last.status} ${JSON.stringify(last.body)}`);
    if (last.body.status === 'READY' || last.body.status === 'FAILED') return last.body;
    await sleep(150);
  }
  throw new Error(`job ${statusUrl} not finished in ${timeoutMs} ms: ${JSON.stringify(last?.body)?.slice(0, 500)}`);
}

// A CPO with one empty raw location; returns {cpoId, locationId}.
// A bare OCPP 1.6 websocket CSMS (the `ws` package, no schema checks), for what the
// strict peer cannot do: frames that are not OCPP or not UTF-8, no pongs, counting
// pings. It answers every call (BootNotification Accepted, anything else {}), then
// calls onCall(ws, action); it counts connections and pings per identity (the URL's
// last part).
export async function startRawCsms({ autoPong = true, onCall = () => {} } = {}) {
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong, handleProtocols: () => 'ocpp1.6' });
  await new Promise(res => wss.on('listening', res));
  const connects = new Map(), pings = new Map();
  const bump = (m, id) => m.set(id, (m.get(id) ?? 0) + 1);
  wss.on('connection', (ws, req) => {
    const id = req.url.split('/').pop();
    bump(connects, id);
    ws.on('ping', () => bump(pings, id));
    ws.on('message', data => {
      const [type, msgId, action] = JSON.parse(data.toString());
      if (type !== 2) return;
      ws.send(JSON.stringify([3, msgId, action === 'BootNotification'
        ? { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 } : {}]));
      onCall(ws, action);
    });
  });
  return {
    url: `ws://127.0.0.1:${wss.address().port}/ocpp`, connects, pings,
    close() { for (const c of wss.clients) c.terminate(); wss.close(); },
  };
}

export async function createLocation(srv, wsUrl, name = 'Test site') {
  const cpo = await srv.api('POST', '/ocpi/cpos', {
    body: { template: 'small-urban-ac', ws_url: wsUrl, overrides: { locations: 1, chargers_per_location: 0 } },
  });
  if (cpo.status !== 202) throw new Error(`POST /ocpi/cpos: ${cpo.status} ${JSON.stringify(cpo.body)}`);
  const loc = await srv.api('POST', `/ocpi/cpos/${cpo.body.cpo_id}/locations`, {
    body: [{ name, address: '1 Test St', city: 'Testville', postal_code: '1000', country: 'NLD',
      coordinates: { latitude: '52.37', longitude: '4.89' }, charges: [] }],
  });
  if (loc.status !== 202) throw new Error(`POST locations: ${loc.status} ${JSON.stringify(loc.body)}`);
  const job = await waitJob(srv, loc.body.status_url);
  return { cpoId: cpo.body.cpo_id, locationId: job.results.created[0].location_id };
}

export function group(tmpl, extra = {}) {
  return { template: { brand_slug: 'schneider', model_slug: 'evlink-pro-ac-22kw', ocpp_version: 'OCPP1.6', ...tmpl }, ...extra };
}

export async function until(fn, { timeoutMs = 30000, what = 'condition' } = {}) {
  const t = Date.now() + timeoutMs;
  while (Date.now() < t) {
    if (await fn()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

// Starts `chargefleet worker` on the same database; resolves once it is running.
// netns: run it in that network namespace (`ip netns exec`, which execs: same pid).
export async function startWorker({ db, extraArgs = [], env = {}, netns } = {}) {
  const args = ['worker', '--db', db, '--lease-seconds', '5', ...extraArgs];
  const child = netns
    ? spawn('ip', ['netns', 'exec', netns, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
    : spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  child.stdout.on('data', d => { log += d; });
  child.stderr.on('data', d => { log += d; });
  const exited = new Promise(resolve => child.on('exit', (code, signal) => resolve({ code, signal })));
  await until(() => log.includes('[orch] runtime') || child.exitCode !== null, { what: 'worker start' });
  if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}):\n${log}`);
  return {
    child, exited,
    get log() { return log; },
    async stop() { child.kill('SIGTERM'); return exited; },
  };
}

// Every moment two sockets of one identity were open together at the peer (from
// peer.sockets): [{id, ms}], ms how long.
export function overlaps(peer, ids) {
  const out = [];
  for (const id of ids) {
    const s = peer.sockets.get(id) ?? [];
    for (let i = 0; i < s.length; i++)
      for (let j = i + 1; j < s.length; j++) {
        const from = Math.max(s[i].opened, s[j].opened);
        const to = Math.min(s[i].closed ?? Date.now(), s[j].closed ?? Date.now());
        if (to > from) out.push({ id, ms: to - from });
      }
  }
  return out;
}

// A test CA in dir (ca.pem, ca.key) and, signed by it, server.pem/.key for 127.0.0.1
// and client.pem/.key with CN clientCn (clientAuth), made with the openssl command.
// Returns pem(file): that file's text.
export function makeCerts(dir, clientCn) {
  const ssl = (...args) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-keyout', `${dir}/ca.key`,
    '-out', `${dir}/ca.pem`, '-subj', '/CN=chargefleet test CA');
  for (const [name, subj, ext] of [['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
    ['client', `/CN=${clientCn}`, 'extendedKeyUsage=clientAuth']]) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/${name}.key`, '-out', `${dir}/${name}.csr`, '-subj', subj);
    writeFileSync(`${dir}/${name}.ext`, `${ext}\n`);
    ssl('x509', '-req', '-in', `${dir}/${name}.csr`, '-CA', `${dir}/ca.pem`, '-CAkey', `${dir}/ca.key`,
      '-CAcreateserial', '-days', '2', '-out', `${dir}/${name}.pem`, '-extfile', `${dir}/${name}.ext`);
  }
  return f => readFileSync(`${dir}/${f}`, 'utf8');
}

// Stops serve (asserting a clean exit 0), the peer and PostgreSQL, whatever happened.
export async function stopAll({ srv, peer, pg }) {
  const r = await srv?.stop();
  await peer?.close();
  await pg?.stop();
  if (srv && (r.code !== 0 || r.signal !== null))
    throw new Error(`serve did not exit cleanly (${JSON.stringify(r)}):\n${srv.log}`);
}

// Charger templates the OCPP tests use: an AC 1.6 wallbox, a DC 2.0.1 fast charger.
export const AC16 = { brand_slug: 'schneider', model_slug: 'evlink-pro-ac-22kw', ocpp_version: 'OCPP1.6' };
export const DC201 = { brand_slug: 'abb', model_slug: 'terra-184', ocpp_version: 'OCPP2.0.1' };

// One PostgreSQL, one strict peer, one serve, one location, and the chargers
// [[template, identity], ...] READY and connected. Resolves {pg, peer, srv,
// locationId, ids: identity -> charger_id}.
export async function startFleet(chargers, { peer: peerOpts = {}, serve: serveOpts = {} } = {}) {
  let pg, peer, srv;
  try {
    pg = await startPostgres();
    peer = await startPeer(peerOpts);
    srv = await startServe({ db: pg.url, ...serveOpts });
    const { locationId } = await createLocation(srv, peer.url);
    const ids = {};
    for (const [tmpl, id] of chargers) {
      const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, { body: [group(tmpl, { charger_ids: [id] })] });
      if (r.status !== 202) throw new Error(`POST chargers: ${r.status} ${JSON.stringify(r.body)}`);
      const job = await waitJob(srv, r.body.status_url);
      if (job.status !== 'READY') throw new Error(`${id}: ${JSON.stringify(job.results)}`);
      ids[id] = job.results.created[0].charger_id;
    }
    await until(() => chargers.every(([, id]) => peer.live.get(id) === 1), { what: 'every charger connected' });
    return { pg, peer, srv, locationId, ids };
  } catch (e) {
    // the caller's after() never sees these: stop them here, or the test hangs
    await stopAll({ srv, peer, pg }).catch(() => {});
    throw e;
  }
}

// A minimal OCPI eMSP for the credentials handshake: its versions and version details
// (2.1.1 and 2.2.1), and every PATCH (an EVSE status push) accepted. creds221(token) /
// creds211(token): its credentials body, for POST .../credentials with token A.
export async function startMiniEmsp() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/emsp`;
  const ok = data => JSON.stringify({ data, status_code: 1000, status_message: 'Success', timestamp: new Date().toISOString() });
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    const v = (req.url.match(/^\/emsp\/(2\.[12]\.1)$/) ?? [])[1];
    if (req.url === '/emsp/versions') return res.end(ok([{ version: '2.1.1', url: `${base}/2.1.1` }, { version: '2.2.1', url: `${base}/2.2.1` }]));
    if (v) return res.end(ok({ version: v, endpoints: [
      { identifier: 'credentials', role: 'RECEIVER', url: `${base}/${v}/credentials` },
      { identifier: 'locations', role: 'RECEIVER', url: `${base}/${v}/locations` }] }));
    if (req.method === 'PATCH') return req.resume().on('end', () => res.end(ok(null)));
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise(r => server.listen(port, '127.0.0.1', r));
  return {
    base,
    creds221: token => ({ token, url: `${base}/versions`, roles: [{ role: 'EMSP', party_id: 'EMS', country_code: 'NL', business_details: { name: 'Test eMSP' } }] }),
    creds211: token => ({ token, url: `${base}/versions`, party_id: 'EMS', country_code: 'NL', business_details: { name: 'Test eMSP' } }),
    close: () => new Promise(r => server.close(r)),
  };
}
