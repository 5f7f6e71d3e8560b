// `chargefleet run`: the built-in suites played against the independent strict peer
// (ocpp-rpc, every frame checked against the official OCPP schemas) scripted as a CSMS
// that behaves correctly (every case PASSES), then scripted to misbehave in one way at a
// time: each misbehaviour must FAIL exactly the cases it touches, with a message that
// names the cause. The JUnit report is validated against the usual JUnit schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import http from 'node:http';
import rpc from 'ocpp-rpc';
import { BIN, freePort } from './harness.mjs';

const { RPCServer, NOREPLY, createRPCError } = rpc;   // CommonJS: spread names are not exports
const XSD = new URL('./junit.xsd', import.meta.url).pathname;

const VALID = 'CF-VALID-01';
const TAGS = { [VALID]: 'Accepted', 'CF-INVALID-01': 'Invalid', 'CF-EXPIRED-01': 'Expired',
  'CF-BLOCKED-01': 'Blocked' };
const now = () => new Date().toISOString();

// A CSMS on the strict peer. Asks from the run (--ask-cmd appends "CASE IDENTITY" to a
// file) make it act as each case needs; `bad` names one misbehaviour.
async function startCsms(bad = null) {
  const server = new RPCServer({ protocols: ['ocpp1.6', 'ocpp2.0.1'], strictMode: true });
  const dir = mkdtempSync('/tmp/cf-conf-');
  const csms = { dir, clients: new Map(), failures: [], tx: new Map(), pending: new Set(),
    acted: [], answers: {} };
  let nextTx = 100;
  const tagStatus = tag => (bad === 'rejectsValid' && tag === VALID) ? 'Invalid' : (TAGS[tag] ?? 'Invalid');

  server.on('client', client => {
    const id = client.identity;
    csms.clients.set(id, client);
    client.on('strictValidationFailure', ev => csms.failures.push(`${id} ${ev.method}: ${ev.error}`));
    const v16 = client.protocol === 'ocpp1.6';
    client.handle('BootNotification', () => {
      csms.boots = (csms.boots ?? 0) + 1;
      const pending = csms.pending.delete(id);
      return { status: pending ? 'Pending' : 'Accepted', currentTime: now(), interval: pending ? 1 : 300 };
    });
    client.handle('Heartbeat', () => ({ currentTime: now() }));
    client.handle('StatusNotification', () => ({}));
    client.handle('MeterValues', () => ({}));
    if (v16) {
      client.handle('Authorize', ({ params }) => {
        if (params.idTag === 'CF-ERROR-01')
          throw createRPCError('InternalError', 'scripted failure');
        return { idTagInfo: { status: tagStatus(params.idTag) } };
      });
      client.handle('StartTransaction', ({ params }) => {
        const transactionId = nextTx++;
        csms.tx.set(id, transactionId);
        return { transactionId, idTagInfo: { status: tagStatus(params.idTag) } };
      });
      client.handle('StopTransaction', () => ({}));
      client.handle('DataTransfer', ({ messageId }) => {
        if (bad === 'wrongEnum')
          client.sendRaw(JSON.stringify([3, messageId, { status: 'OK' }]));   // not an enum value
        else if (bad === 'badErrorCode')
          client.sendRaw(JSON.stringify([4, messageId, 'Oops', 'no such code', {}]));
        else
          return { status: 'Accepted' };
        return NOREPLY;
      });
      client.handle('StatusNotification', () => ({}));
    } else {
      client.handle('Authorize', ({ params }) => ({ idTokenInfo: { status: tagStatus(params.idToken.idToken) } }));
      client.handle('TransactionEvent', ({ params }) => {
        if (params.eventType === 'Started')
          csms.tx.set(id, params.transactionInfo.transactionId);
        return params.idToken ? { idTokenInfo: { status: tagStatus(params.idToken.idToken) } } : {};
      });
      client.handle('NotifyEvent', () => ({}));
      client.handle('NotifyReport', () => ({}));
      client.handle('SecurityEventNotification', () => ({}));
    }
    client.handle(() => ({}));   // FirmwareStatusNotification and the like: empty answers
  });
  const port = await freePort();
  csms.http = await server.listen(port, '127.0.0.1');
  csms.url = `ws://127.0.0.1:${port}/ocpp`;

  // What each case asks the CSMS to do.
  const inHour = () => new Date(Date.now() + 3600e3).toISOString();
  const profile16 = (purpose, extra = {}) => ({ connectorId: 1, csChargingProfiles: {
    chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: purpose, chargingProfileKind: 'Relative',
    chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7000 }] }, ...extra } });
  const act = {
    TC_010_CSMS: c => c.call('RemoteStartTransaction', { connectorId: 1, idTag: VALID }),
    TC_011_1_CSMS: c => c.call('RemoteStartTransaction', { connectorId: 1, idTag: VALID }),
    TC_012_CSMS: (c, id) => bad === 'neverSends' ? null : c.call('RemoteStopTransaction', { transactionId: csms.tx.get(id) }),
    TC_013_CSMS: c => c.call('Reset', { type: 'Hard' }),
    TC_014_CSMS: c => c.call('Reset', { type: 'Soft' }),
    TC_017_1_CSMS: c => c.call('UnlockConnector', { connectorId: 1 }),
    TC_018_1_CSMS: c => c.call('UnlockConnector', { connectorId: 1 }),
    TC_019_1_CSMS: c => c.call('GetConfiguration', {}),
    TC_019_2_CSMS: c => c.call('GetConfiguration', { key: ['HeartbeatInterval'] }),
    TC_021_CSMS: c => bad === 'missingField'
      ? c.sendRaw(JSON.stringify([2, 'bad-1', 'ChangeConfiguration', { key: 'MeterValueSampleInterval' }]))
      : c.call('ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '60' }),
    TC_026_CSMS: c => c.call('RemoteStartTransaction', { connectorId: 1, idTag: VALID }),
    TC_028_CSMS: (c, id) => c.call('RemoteStopTransaction', { transactionId: csms.tx.get(id) }),
    TC_042_1_CSMS: c => c.call('GetLocalListVersion', {}),
    TC_043_CSMS: c => c.call('SendLocalList', { listVersion: 1, updateType: 'Full',
      localAuthorizationList: [{ idTag: VALID, idTagInfo: { status: 'Accepted' } }] }),
    TC_048_CSMS: c => c.call('ReserveNow', { connectorId: 1, expiryDate: inHour(), idTag: VALID, reservationId: 7 }),
    TC_054_CSMS: c => c.call('TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 1 }),
    TC_055_CSMS: c => c.call('TriggerMessage', { requestedMessage: 'Heartbeat' }),
    TC_056_CSMS: c => c.call('SetChargingProfile', profile16('TxDefaultProfile')),
    TC_057_CSMS: (c, id) => c.call('SetChargingProfile', profile16('TxProfile', { transactionId: csms.tx.get(id) })),
    TC_061_CSMS: c => c.call('ClearCache', {}),
    TC_066_CSMS: c => c.call('GetCompositeSchedule', { connectorId: 1, duration: 3600 }),
    TC_067_CSMS: c => c.call('ClearChargingProfile', {}),
    TC_B_02_CSMS: (c, id) => { csms.pending.add(id); },
    TC_B_06_CSMS: c => c.call('GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }),
    TC_B_09_CSMS: c => bad === 'wrongType'
      ? c.sendRaw(JSON.stringify([2, 'bad-2', 'SetVariables', { setVariableData: [{ attributeValue: 60, component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }]))
      : c.call('SetVariables', { setVariableData: [{ attributeValue: '60', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }),
    TC_B_20_CSMS: c => c.call('Reset', { type: 'OnIdle' }),
    TC_B_21_CSMS: c => c.call('Reset', { type: 'OnIdle' }),
    TC_B_22_CSMS: c => c.call('Reset', { type: 'Immediate' }),
    TC_F_01_CSMS: c => c.call('RequestStartTransaction', { idToken: { idToken: VALID, type: 'ISO14443' }, remoteStartId: 42, evseId: 1 }),
    TC_F_02_CSMS: c => c.call('RequestStartTransaction', { idToken: { idToken: VALID, type: 'ISO14443' }, remoteStartId: 43 }),
    TC_F_03_CSMS: (c, id) => c.call('RequestStopTransaction', { transactionId: csms.tx.get(id) }),
    TC_F_06_CSMS: c => c.call('UnlockConnector', { evseId: 1, connectorId: 1 }),
    TC_F_20_CSMS: c => c.call('TriggerMessage', { requestedMessage: 'Heartbeat' }),
    TC_F_23_CSMS: c => c.call('TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } }),
  };
  // --ask-cmd posts the case and the charger here (curl); a case that asks before it
  // connects (B02) is prepared before the answer, the others are acted on once their
  // charger is connected.
  const askServer = http.createServer((req, res) => {
    const q = new URL(req.url, 'http://x').searchParams;
    const caseId = q.get('case'), identity = q.get('identity'), fn = act[caseId];
    if (fn) {
      csms.acted.push(caseId);
      const go = () => {
        const c = csms.clients.get(identity);
        if (!c)
          return setTimeout(go, 50);
        Promise.resolve(fn(c, identity)).then(answer => { csms.answers[caseId] = answer; },
          () => {});
      };
      if (caseId === 'TC_B_02_CSMS')
        fn(null, identity);
      else
        go();
    }
    res.end('ok');
  });
  const askPort = await freePort();
  await new Promise(r => askServer.listen(askPort, '127.0.0.1', r));
  csms.askCmd = `curl -sf -G --data-urlencode "case=$CF_CASE" --data-urlencode "identity=$CF_IDENTITY" http://127.0.0.1:${askPort}/ask >/dev/null`;
  csms.stop = async () => {
    askServer.close();
    await server.close({ force: true }).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  return csms;
}

// Runs `chargefleet run` to its end (SIGINT after interruptAfterMs, if given). Resolves
// {code, out, junit, report, ms}.
function run(args, csms, { ask = true, interruptAfterMs } = {}) {
  const junit = `${csms.dir}/junit.xml`, json = `${csms.dir}/report.json`;
  rmSync(junit, { force: true });
  rmSync(json, { force: true });
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, ['run', ...args, '--csms', csms.url, '--junit', junit, '--json', json,
      ...(ask ? ['--ask-cmd', csms.askCmd] : [])],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', d => { out += d; });
    p.stderr.on('data', d => { out += d; });
    const kill = setTimeout(() => p.kill('SIGKILL'), 240000);
    const int = interruptAfterMs ? setTimeout(() => p.kill('SIGINT'), interruptAfterMs) : null;
    p.on('error', reject);
    p.on('close', code => {
      clearTimeout(kill);
      clearTimeout(int);
      resolve({ code, out, ms: Date.now() - started,
        junit: existsSync(junit) ? readFileSync(junit, 'utf8') : null,
        junitPath: junit,
        report: existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) : null });
    });
  });
}

const verdicts = r => Object.fromEntries(r.report.cases.map(c => [c.id, c.verdict]));
const failed = r => r.report.cases.filter(c => c.verdict !== 'PASS').map(c => c.id).sort();

function xmllintOk(path) {
  execFileSync('xmllint', ['--noout', '--schema', XSD, path], { stdio: 'pipe' });
}

test('ocpp16-core: every case PASSES against a CSMS that behaves, and the JUnit file is valid', async () => {
  const csms = await startCsms();
  try {
    const r = await run(['--suite', 'ocpp16-core'], csms);
    assert.equal(r.code, 0, r.out);
    const v = verdicts(r);
    assert.equal(Object.keys(v).length, 30, r.out);
    assert.deepEqual(failed(r), [], r.out);
    assert.deepEqual(csms.failures, [], 'the strict peer saw only conformant frames');
    // the cases that need the CSMS to act asked for it
    for (const c of ['TC_010_CSMS', 'TC_012_CSMS', 'TC_013_CSMS', 'TC_021_CSMS', 'TC_048_CSMS'])
      assert.ok(csms.acted.includes(c), `${c} asked the CSMS to act`);
    // "answer" steps answered in the charger's place; elsewhere the charger answered
    for (const c of ['TC_026_CSMS', 'TC_028_CSMS', 'TC_055_CSMS'])
      assert.equal(csms.answers[c]?.status, 'Rejected', c);
    assert.equal(csms.answers.TC_010_CSMS?.status, 'Accepted');
    assert.equal(csms.answers.TC_054_CSMS?.status, 'Accepted');
    xmllintOk(r.junitPath);
    assert.match(r.junit, /<testsuites name="ocpp16-core" tests="30" failures="0" errors="0"/);
    assert.match(r.out, /30 passed, 0 failed, 0 errors, 0 not applicable/);
    // load figures: every case's charger booted (one charger per case), each counted
    const load = r.report.load;
    assert.equal(load.chargers_booted, 30, JSON.stringify(load));
    const lat = load.boot_latency_ms;
    assert.ok(lat.p50 <= lat.p95 && lat.p95 <= lat.p99 && lat.p99 <= lat.max, JSON.stringify(lat));
    assert.ok(load.frames.out.BootNotification >= 30 && load.frames.in.BootNotification >= 30, JSON.stringify(load.frames));
    assert.equal(load.frames.out.BootNotification, csms.boots, 'boots counted as the peer saw them');
    assert.match(r.out, /load: 30 charger boots, boot latency \(connect to accepted\) p50 \d+ ms, p95 \d+ ms, p99 \d+ ms/);
  } finally { await csms.stop(); }
});

test('ocpp201-core: every case PASSES; 1.6 cases are NOT APPLICABLE to a 2.0.1 group', async () => {
  const csms = await startCsms();
  try {
    const r = await run(['--suite', 'ocpp201-core'], csms);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.report.cases.length, 20, r.out);
    assert.deepEqual(failed(r), [], r.out);
    assert.equal(verdicts(r).TC_B_02_CSMS, 'PASS', 'B02: Pending, then Accepted');
    assert.deepEqual(csms.failures, []);
    xmllintOk(r.junitPath);

    // not told to answer Pending (no --ask-cmd), the CSMS accepts at once: B02 is NOT
    // APPLICABLE ("otherwise"), which does not fail a run where another case passed
    const na02 = await run(['--suite', 'ocpp201-core', '--only', 'TC_B_01,TC_B_02'], csms, { ask: false });
    assert.equal(na02.code, 0, na02.out);
    assert.deepEqual(verdicts(na02), { TC_B_01_CSMS: 'PASS', TC_B_02_CSMS: 'NOT APPLICABLE' });
    assert.match(na02.report.cases[1].message, /BootNotification: status is "Accepted", expected "Pending"/);

    // the 1.6 suite on the 2.0.1 suite's charger: nothing applies, which is not a pass
    const file = `${csms.dir}/chargers201.json`;
    writeFileSync(file, JSON.stringify({ chargers: [{ template: { brand_slug: 'abb', model_slug: 'terra-184', ocpp_version: 'OCPP2.0.1' }, charger_ids: ['NA-1'] }] }));
    const na = await run([file, '--suite', 'ocpp16-core', '--only', 'TC_001,TC_003'], csms);
    assert.equal(na.code, 1, na.out);
    assert.deepEqual(na.report.cases.map(c => c.verdict), ['NOT APPLICABLE', 'NOT APPLICABLE']);
    assert.match(na.junit, /<skipped message="a case for OCPP1.6 chargers; this group runs OCPP2.0.1"\/>/);
    xmllintOk(na.junitPath);
  } finally { await csms.stop(); }
});

// One misbehaviour at a time; the whole 1.6 suite runs each time, so "only these cases
// FAIL" is checked against every other case passing.
const MISBEHAVIOURS = [
  { bad: 'wrongEnum', suite: 'ocpp16-core', fails: ['TC_064_CSMS'],
    msg: /answer to DataTransfer does not conform to OCPP1\.6: payload\.status: not one of the allowed values — frame: .*"OK"/ },
  { bad: 'badErrorCode', suite: 'ocpp16-core', fails: ['TC_064_CSMS'],
    msg: /the CSMS answered DataTransfer with CallError code "Oops", which OCPP1\.6 does not define/ },
  { bad: 'missingField', suite: 'ocpp16-core', fails: ['TC_021_CSMS'],
    msg: /ChangeConfiguration call does not conform to OCPP1\.6: payload: value is required/ },
  { bad: 'neverSends', suite: 'ocpp16-core', fails: ['TC_012_CSMS'], args: ['--timeout', '4'],
    msg: /waited 4 s for the CSMS to send RemoteStopTransaction \(stop the session running on connector 1 \(transactionId \d+\)\); none came/ },
  { bad: 'rejectsValid', suite: 'ocpp16-core',
    fails: ['TC_003_CSMS', 'TC_004_1_CSMS', 'TC_005_1_CSMS', 'TC_010_CSMS', 'TC_011_1_CSMS', 'TC_012_CSMS',
      'TC_018_1_CSMS', 'TC_028_CSMS', 'TC_048_CSMS', 'TC_057_CSMS'],
    msg: /idTagInfo\.status is "Invalid", expected "Accepted"/ },
  { bad: 'wrongType', suite: 'ocpp201-core', fails: ['TC_B_09_CSMS'],
    msg: /SetVariables call does not conform to OCPP2\.0\.1: payload\.setVariableData\[0\]\.attributeValue: must be of type string/ },
];

for (const m of MISBEHAVIOURS) {
  test(`misbehaviour ${m.bad}: FAIL on exactly ${m.fails.join(', ')}, naming the cause`, async () => {
    const csms = await startCsms(m.bad);
    try {
      const r = await run(['--suite', m.suite, ...(m.args ?? [])], csms);
      assert.equal(r.code, 1, r.out);
      assert.deepEqual(failed(r), [...m.fails].sort(), r.out);
      for (const c of r.report.cases.filter(c => c.verdict !== 'PASS')) {
        assert.equal(c.verdict, 'FAIL', `${c.id}: ${c.message}`);
        assert.match(c.message, m.msg, c.id);
        assert.ok(c.frames.length > 0, 'the failing charger\'s last frames are in the report');
      }
      xmllintOk(r.junitPath);
      assert.match(r.junit, new RegExp(`<failure message="[^"]*" type="FAIL">`));
      assert.match(r.out, /last frames of /);
    } finally { await csms.stop(); }
  });
}

test('scenario files: steps, variables, saved values, scenario answers; bad files exit 2 naming the field', async () => {
  const csms = await startCsms();
  try {
    const file = `${csms.dir}/scenarios.json`;
    writeFileSync(file, JSON.stringify({
      chargers: [{ template: { brand_slug: 'schneider', model_slug: 'evlink-pro-ac-22kw', ocpp_version: 'OCPP1.6' }, charger_ids: ['S-1', 'S-2'] }],
      vars: { tag: VALID },
      scenarios: [
        { id: 'charge', name: 'Both chargers charge', steps: [
          { connect: true }, { boot: 'Accepted' },
          { disconnect: true }, { wait: 0.2 }, { reconnect: true }, { boot: true },
          { do: 'start-session', args: { connector_id: 1, id_tag: '${tag}' } },
          { response: 'StartTransaction', match: { 'idTagInfo.status': 'Accepted', transactionId: { type: 'integer' } }, save: { tx: 'transactionId' } },
          { wait: 0.2 },
          { do: 'stop-session', args: { connector_id: 1 } },
          { response: 'StopTransaction', request: { transactionId: '${tx}', reason: 'Local' } },
        ] },
        { id: 'callerror-expected', charger: 'S-1', steps: [
          { connect: true }, { boot: 'Accepted' },
          { send: 'Authorize', payload: { idTag: 'CF-ERROR-01' } },
          { response: 'Authorize', error: 'InternalError' },
        ] },
        { id: 'callerror-unexpected', charger: 'S-1', steps: [
          { connect: true }, { boot: 'Accepted' },
          { send: 'Authorize', payload: { idTag: 'CF-ERROR-01' } },
          { response: 'Authorize', match: { 'idTagInfo.status': 'Accepted' } },
        ] },
        { id: 'bad-saved-args', charger: 'S-1', steps: [
          { connect: true }, { boot: 'Accepted', save: { c: 'interval' } },
          { do: 'plug', args: { connector_id: '${c}' } },
        ] },
        { id: 'wrong-expectation', charger: 'S-2', steps: [
          { connect: true }, { boot: 'Accepted' },
          { send: 'Authorize', payload: { idTag: 'CF-BLOCKED-01' } },
          { response: 'Authorize', match: { 'idTagInfo.status': { one_of: ['Accepted', 'ConcurrentTx'] } } },
        ] },
      ],
    }));
    const r = await run([file], csms);
    assert.equal(r.code, 1, r.out);
    const byId = Object.fromEntries(r.report.cases.map(c => [c.id, c]));
    assert.equal(byId.charge.verdict, 'PASS', r.out);
    assert.equal(byId['callerror-expected'].verdict, 'PASS', r.out);
    assert.equal(byId['callerror-unexpected'].verdict, 'FAIL');
    assert.match(byId['callerror-unexpected'].message,
      /S-1: the CSMS answered Authorize with CallError InternalError: scripted failure/);
    assert.equal(byId['bad-saved-args'].verdict, 'ERROR');
    assert.match(byId['bad-saved-args'].message, /S-1: step 3: plug: args\.connector_id: /);
    assert.equal(byId.charge.chargers, 2);
    assert.equal(byId['wrong-expectation'].verdict, 'FAIL');
    assert.match(byId['wrong-expectation'].message,
      /S-2: the CSMS's answer to Authorize: idTagInfo.status is "Blocked", expected one of \["Accepted","ConcurrentTx"\]/);

    // file errors: exit 2, nothing runs, the line or the field is named
    const bad = async (content, re) => {
      writeFileSync(file, content);
      const b = await run([file], csms);
      assert.equal(b.code, 2, b.out);
      assert.match(b.out, re);
      assert.equal(b.report, null, 'no report for a run that did not start');
    };
    await bad('{"chargers": [', /scenarios\.json: line 1, column \d+: /);
    const ch = [{ template: { brand_slug: 'schneider', model_slug: 'evlink-pro-ac-22kw' }, charger_ids: ['X-1'] }];
    await bad(JSON.stringify({ chargers: ch, scenarios: [{ id: 'a', steps: [{ call: 'Reset', within: -1 }] }] }),
      /scenarios\[0\]\.steps\[0\]\.within: seconds, a number above 0/);
    await bad(JSON.stringify({ chargers: ch, scenarios: [{ id: 'a', steps: [{ response: 'Authorize', match: { 'idTagInfo.status': '${nope}' } }] }] }),
      /scenarios\[0\]\.steps\[0\]: unknown variable \$\{nope\}/);
    await bad(JSON.stringify({ chargers: ch, scenarios: [{ id: 'a', steps: [{ do: 'fly' }] }] }),
      /scenarios\[0\]\.steps\[0\]\.do: no command "fly"/);
    await bad(JSON.stringify({ chargers: ch, scenarios: [{ id: 'a', steps: [{ do: 'plug', args: { connector_id: 0 } }] }] }),
      /scenarios\[0\]\.steps\[0\]: args\.connector_id: /);
    await bad(JSON.stringify({ chargers: [{ template: { brand_slug: 'nope', model_slug: 'x' } }], scenarios: [{ id: 'a', steps: [{ connect: true }] }] }),
      /chargers\[0\]\.template/);
    await bad(JSON.stringify({ chargers: ch, scenarios: [{ id: 'a', steps: [{ connect: true }] }] }).replace('"id":"a"', '"id":"a","colour":"red"'),
      /scenarios\[0\]\.colour: unknown field/);
    writeFileSync(file, JSON.stringify({ chargers: ch, scenarios: [{ id: 'a', steps: [{ connect: true }] }] }));
    const usage = await run([file, '--only', 'TC_999'], csms);
    assert.equal(usage.code, 2, usage.out);
    assert.match(usage.out, /--only: no case named TC_999/);
  } finally { await csms.stop(); }
});

test('SIGINT ends the run at once: the running case is ERROR "interrupted", reports are written', async () => {
  const csms = await startCsms();
  try {
    // without --ask-cmd nothing tells the peer to reset: the case waits (up to 60 s)
    const r = await run(['--suite', 'ocpp16-core', '--only', 'TC_013,TC_014', '--timeout', '60'], csms,
      { ask: false, interruptAfterMs: 1500 });
    assert.equal(r.code, 1, r.out);
    assert.ok(r.ms < 20000, `stopped in ${r.ms} ms`);
    assert.deepEqual(r.report.cases.map(c => [c.id, c.verdict]), [['TC_013_CSMS', 'ERROR']]);
    assert.match(r.report.cases[0].message, /interrupted/);
    xmllintOk(r.junitPath);
    assert.match(r.junit, /<error message="CF-OCPP16-01: interrupted" type="ERROR">/);
  } finally { await csms.stop(); }
});
