// Pipelined HTTP requests (several in one TCP segment) never hang serve: lws 4.1.6
// spun in a busy loop on a GET followed by a POST with a body (api_http.c, http_cb).
// After each hostile packet /healthz answers and a charger's heartbeats go on.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startFleet, until, stopAll, TOKEN } from './harness.mjs';

let fleet;
after(() => stopAll(fleet ?? {}));

// Sends raw bytes in one write; resolves everything the server sent until it closed
// the connection or 2 s passed.
function raw(port, text) {
  return new Promise(resolve => {
    const sock = connect(port, '127.0.0.1', () => sock.write(text));
    let got = '';
    const done = () => { sock.destroy(); resolve(got); };
    sock.on('data', d => { got += d; });
    sock.on('close', done);
    sock.on('error', done);
    setTimeout(done, 2000);
  });
}

const GET = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
const post = body => `POST /ocpi/cpos HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n` +
  `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

test('pipelined requests: serve keeps answering and its chargers keep their heartbeats', async () => {
  fleet = await startFleet([[{ brand_slug: 'schneider', model_slug: 'evlink-pro-ac-22kw', ocpp_version: 'OCPP1.6' }, 'PIPE_1']],
    { peer: { boot: () => ({ status: 'Accepted', interval: 1 }) } });
  const { srv, peer, pg } = fleet;
  const cpos = () => Number(pg.query('SELECT count(*) FROM cpos')[0][0]);
  const before = cpos();
  const cpo = JSON.stringify({ template: 'small-urban-ac', overrides: { locations: 1, chargers_per_location: 0 } });
  const packets = [
    GET + 'POST /ocpi/cpos HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n[]',   // the one that hung serve
    GET + post(cpo),
    GET + GET + GET,
    post('[]') + GET,
    post('{}') + post('{}'),
  ];
  for (const p of packets) {
    const beats = peer.heartbeats.get('PIPE_1') ?? 0;
    const got = await raw(srv.port, p);
    assert.ok(got === '' || got.startsWith('HTTP/1.1 '), `only HTTP answers: ${JSON.stringify(got.slice(0, 200))}`);
    const h = await srv.api('GET', '/healthz', { token: null });
    assert.equal(h.status, 200, `healthz after ${JSON.stringify(p.slice(0, 60))}`);
    await until(() => (peer.heartbeats.get('PIPE_1') ?? 0) >= beats + 2, { what: 'two more heartbeats', timeoutMs: 6000 });
  }
  // the GET of the first packet is answered; GET, GET, GET all three
  assert.match(await raw(srv.port, packets[0]), /^HTTP\/1\.1 200 OK\r\n[\s\S]*"status":"ok"/);
  assert.equal((await raw(srv.port, packets[2])).match(/HTTP\/1\.1 200 OK/g)?.length, 3);
  // a POST pipelined behind a GET is refused unread: no CPO was made by any of these
  assert.equal(cpos(), before);
  assert.match(srv.log, /a pipelined request behind it: closing the connection/);
});
