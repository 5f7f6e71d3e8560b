// The HTTP API at its edges (issue 23): requests lws itself used to refuse with an HTML
// page or a silent close get a JSON `detail` and the right status; ambiguous body
// framing is refused unread; the token is checked before the body is read; slow
// clients time out and a connection cap holds. After each, /healthz answers and the
// charger's Heartbeats at the strict peer go on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFleet, until, stopAll, TOKEN } from './harness.mjs';

const HEADER_TIMEOUT = 3, BODY_TIMEOUT = 4, MAX_CONNECTIONS = 400;
let fleet;
before(async () => {
  fleet = await startFleet([[{ brand_slug: 'schneider', model_slug: 'evlink-pro-ac-22kw', ocpp_version: 'OCPP1.6' }, 'EDGE_1']], {
    peer: { boot: () => ({ status: 'Accepted', interval: 1 }) },
    serve: { extraArgs: ['--http-header-timeout', String(HEADER_TIMEOUT), '--http-body-timeout', String(BODY_TIMEOUT),
      '--http-max-connections', String(MAX_CONNECTIONS)] },
  });
});
after(() => stopAll(fleet ?? {}));

const cpos = () => Number(fleet.pg.query('SELECT count(*) FROM cpos')[0][0]);
const beats = () => fleet.peer.heartbeats.get('EDGE_1') ?? 0;

// A raw connection: send(text) writes, `got` is all the server sent, `closed` resolves
// (with the ms since open) when the server closed it.
function open(port) {
  const t0 = Date.now();
  const sock = connect(port, '127.0.0.1');
  const c = { sock, got: '', closedAt: null };
  c.connected = new Promise((resolve, reject) => { sock.on('connect', resolve); sock.on('error', reject); });
  c.closed = new Promise(resolve => sock.on('close', () => { c.closedAt = Date.now() - t0; resolve(c.closedAt); }));
  sock.on('data', d => { c.got += d; });
  sock.on('error', () => {});
  c.send = text => sock.write(text);
  return c;
}

// Sends bytes in one write; resolves what the server answered until it closed or 3 s.
async function raw(text) {
  const c = open(fleet.srv.port);
  c.send(text);
  await Promise.race([c.closed, sleep(3000)]);
  c.sock.destroy();
  return c.got;
}

// An answer's status and parsed JSON body.
function parse(got) {
  const m = got.match(/^HTTP\/1\.[01] (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/);
  assert.ok(m, `an HTTP answer: ${JSON.stringify(got.slice(0, 300))}`);
  assert.match(m[2], /content-type: application\/json/i);
  return { status: Number(m[1]), body: JSON.parse(m[3]) };
}

// /healthz answers quickly and the charger's heartbeats go on (interval 1 s).
async function stillServing(what) {
  const b = beats();
  const t = Date.now();
  const h = await fleet.srv.api('GET', '/healthz', { token: null });
  assert.equal(h.status, 200, `healthz after ${what}`);
  assert.ok(Date.now() - t < 1000, `healthz after ${what} took ${Date.now() - t} ms`);
  await until(() => beats() >= b + 2, { what: `two more heartbeats after ${what}`, timeoutMs: 5000 });
}

const post = (headers, body = '') => `POST /ocpi/cpos HTTP/1.1\r\nHost: x\r\n${headers}\r\n${body}`;
const cpoBody = JSON.stringify({ template: 'small-urban-ac', overrides: { locations: 1, chargers_per_location: 0 } });

test('what lws refused by itself is a JSON error with the right status', async () => {
  const cases = [
    ['GET /healthz?' + 'a'.repeat(9000) + ' HTTP/1.1\r\nHost: x\r\n\r\n', 414, /path or query is too long/],
    ['GET /' + 'a'.repeat(9000) + ' HTTP/1.1\r\nHost: x\r\n\r\n', 414, /too long/],
    ['GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: ' + 'b'.repeat(9000) + '\r\n\r\n', 431, /header is too large/],
    ['TRACE / HTTP/1.1\r\nHost: x\r\n\r\n', 501, /method TRACE is not implemented/],
    ['FOO /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 501, /method FOO is not implemented/],
    ['CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n', 501, /method CONNECT/],
    ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 505, /HTTP\/2/],
    ['\x16\x03\x01\x00\x05hello', 400, /not an HTTP\/1\.1 request/],
    ['GET /healthz HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
      'Sec-WebSocket-Version: 13\r\n\r\n', 400, /no websocket upgrade/],
  ];
  for (const [bytes, status, detail] of cases) {
    const what = JSON.stringify(bytes.slice(0, 40));
    const a = parse(await raw(bytes));
    assert.equal(a.status, status, what);
    assert.match(a.body.detail, detail, what);
    await stillServing(what);
  }
});

test('ambiguous body framing (RFC 9112 6.3) is a 400 and writes nothing', async () => {
  const before = cpos();
  const auth = `Authorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\n`;
  const n = Buffer.byteLength(cpoBody);
  const cases = [
    [post(`${auth}Content-Length: ${n}\r\nContent-Length: ${n + 5}\r\n`, cpoBody + 'xxxxx'), /conflicting Content-Length/],
    [post(`${auth}Content-Length: ${n}\r\nTransfer-Encoding: chunked\r\n`, cpoBody), /Content-Length and Transfer-Encoding/],
    [post(`${auth}Transfer-Encoding: chunked\r\nContent-Length: ${n}\r\n`, cpoBody), /Content-Length and Transfer-Encoding/],
    [post(`${auth}Content-Length: ${n}, ${n}\r\n`, cpoBody), /Content-Length is not a length/],
  ];
  for (const [bytes, detail] of cases) {
    const a = parse(await raw(bytes));
    assert.equal(a.status, 400, bytes.slice(0, 200));
    assert.match(a.body.detail, detail);
    await stillServing('ambiguous framing');
  }
  // the same length twice is one length: that request is taken
  const same = parse(await raw(post(`${auth}Content-Length: ${n}\r\nContent-Length: ${n}\r\nConnection: close\r\n`, cpoBody)));
  assert.equal(same.status, 202, JSON.stringify(same.body));
  assert.equal(cpos(), before + 1);
});

test('a wrong or missing token is refused on the headers, before the body is sent', async () => {
  const before = cpos();
  for (const auth of ['', 'Authorization: Bearer not-the-token\r\n', 'Authorization: Basic dXNlcjpwdw==\r\n']) {
    const c = open(fleet.srv.port);
    await c.connected;
    const t = Date.now();
    c.send(post(`${auth}Content-Type: application/json\r\nContent-Length: 900000\r\n`));   // no body yet
    await until(() => c.got.includes('\r\n\r\n{'), { what: '401 before the body', timeoutMs: 2000 });
    assert.ok(Date.now() - t < 1000, `401 took ${Date.now() - t} ms`);
    await sleep(50);
    const a = parse(c.got);
    assert.equal(a.status, 401);
    assert.match(a.body.detail, /bearer token/);
    assert.match(c.got, /connection: close/i);   // the body is never read
    await c.closed;
    await stillServing('401 before the body');
  }
  // the right token waits for the body
  const c = open(fleet.srv.port);
  await c.connected;
  c.send(post(`Authorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(cpoBody)}\r\n`));
  await sleep(500);
  assert.equal(c.got, '', 'no answer before the body');
  c.send(cpoBody);
  await until(() => c.got.includes('\r\n\r\n{'), { what: 'the answer once the body is in' });
  assert.equal(parse(c.got).status, 202);
  c.sock.destroy();
  assert.equal(cpos(), before + 1);
});

test('a body that trickles in gets 408 after --http-body-timeout', async () => {
  const before = cpos();
  const c = open(fleet.srv.port);
  await c.connected;
  const t = Date.now();
  c.send(post(`Authorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n`, '{'));
  const drip = setInterval(() => c.sock.writable && c.send(' '), 500);   // a byte every 0.5 s
  await Promise.race([c.closed, sleep((BODY_TIMEOUT + 6) * 1000)]);
  clearInterval(drip);
  const took = Date.now() - t;
  assert.ok(c.closedAt !== null, 'closed by serve');
  assert.ok(took >= (BODY_TIMEOUT - 0.5) * 1000 && took < (BODY_TIMEOUT + 3) * 1000, `closed after ${took} ms`);
  const a = parse(c.got);
  assert.equal(a.status, 408);
  assert.match(a.body.detail, /--http-body-timeout/);
  assert.equal(cpos(), before);
  await stillServing('a slow body');
});

test('slowloris: 300 slow or idle clients; /healthz and the heartbeats go on, the slow ones are closed after the timeout', async () => {
  const slow = [];
  for (let i = 0; i < 300; i++) {
    const c = open(fleet.srv.port);
    slow.push(c);
    if (i % 3 === 2) {   // a body byte by byte
      c.send(post(`Authorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n`, '{'));
      c.kind = 'body';
    } else if (i % 3 === 1) {   // connected, never a byte
      c.kind = 'idle';
    } else {             // a header line now and then, never the end of the headers
      c.send(`GET /healthz HTTP/1.1\r\nHost: x\r\n`);
      c.kind = 'headers';
    }
  }
  await Promise.all(slow.map(c => c.connected));
  const opened = Date.now();
  let n = 0;
  const drip = setInterval(() => {
    n++;
    for (const c of slow) {
      if (c.closedAt === null && c.sock.writable && c.kind !== 'idle') c.send(c.kind === 'body' ? ' ' : `X-Filler-${n}: ${n}\r\n`);
    }
  }, 1000);
  try {
    const b = beats();
    for (let i = 0; i < 5; i++) {
      const t = Date.now();
      const h = await fleet.srv.api('GET', '/healthz', { token: null });
      assert.equal(h.status, 200);
      assert.ok(Date.now() - t < 1000, `healthz under 300 slow clients took ${Date.now() - t} ms`);
      await sleep(400);
    }
    // heartbeats at their 1 s interval meanwhile (some slack for a loaded machine)
    const window = (Date.now() - opened) / 1000;
    assert.ok(beats() - b >= Math.floor(window) - 1, `${beats() - b} heartbeats in ${window.toFixed(1)} s`);
    await Promise.race([Promise.all(slow.map(c => c.closed)), sleep((BODY_TIMEOUT + 6) * 1000)]);
  } finally {
    clearInterval(drip);
    for (const c of slow) c.sock.destroy();
  }
  const open_ = slow.filter(c => c.closedAt === null);
  assert.equal(open_.length, 0, `${open_.length} slow connections still open`);
  for (const c of slow) {
    const limit = c.kind === 'body' ? BODY_TIMEOUT : HEADER_TIMEOUT;
    assert.ok(c.closedAt >= (limit - 0.5) * 1000 && c.closedAt < (limit + 4) * 1000, `${c.kind} closed after ${c.closedAt} ms`);
    if (c.kind === 'body') assert.equal(parse(c.got).status, 408);
    else assert.equal(c.got, '');
  }
  await stillServing('300 slow clients');
});

test('over --http-max-connections a new connection is closed at once; one already open is still answered', async () => {
  http.globalAgent.destroy();   // the harness's kept-alive sockets would count too
  await sleep(300);
  // a keep-alive connection made before the flood
  const keep = open(fleet.srv.port);
  await keep.connected;
  keep.send('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  await until(() => /"status":"ok"/.test(keep.got), { what: 'first answer on the kept connection' });
  keep.got = '';
  const idle = [];
  for (let i = 0; i < MAX_CONNECTIONS - 1; i++) idle.push(open(fleet.srv.port));
  await Promise.all(idle.map(c => c.connected));
  await sleep(300);
  try {
    const over = open(fleet.srv.port);
    const t = Date.now();
    await Promise.race([over.closed, sleep(2000)]);
    assert.ok(over.closedAt !== null && Date.now() - t < 1000, `the connection over the cap closed at once (${over.closedAt} ms)`);
    assert.equal(over.got, '');
    // the count is exact: every connection of the tests before was let go
    assert.equal(idle.filter(c => c.closedAt !== null).length, 0, 'the connections under the cap stay open');
    assert.match(fleet.srv.log, new RegExp(`${MAX_CONNECTIONS} connections open \\(serve --http-max-connections\\)`));
    keep.send('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => /"status":"ok"/.test(keep.got), { what: 'the kept connection answered over the cap', timeoutMs: 2000 });
    assert.match(fleet.srv.log, /closing new ones at accept/);
  } finally {
    for (const c of idle) c.sock.destroy();
    keep.sock.destroy();
  }
  await sleep(300);
  await stillServing('the connection cap');
});
