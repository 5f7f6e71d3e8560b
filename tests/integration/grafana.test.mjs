// The Grafana dashboard (deploy/grafana/chargefleet.json) against the real GET /metrics:
// every metric its PromQL names exists in the exposition, and every label it groups by,
// matches on or prints in a legend is on that metric. A dashboard that names a metric
// or a label serve does not emit fails here, one test per metric.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startPostgres, startPeer, startServe, createLocation, group, waitJob, until, stopAll, AC16, DC201 } from './harness.mjs';

const DASHBOARD = new URL('../../deploy/grafana/chargefleet.json', import.meta.url);
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'));

// Every PromQL expression of the dashboard with the legend it prints: panel targets
// (rows' nested panels too) and the template variables' queries.
function expressions(dash) {
  const out = [];
  const walk = (panels, where) => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? [])
        if (typeof t.expr === 'string' && t.expr.trim())
          out.push({ where: `${where}"${p.title}" ${t.refId}`, expr: t.expr, legend: t.legendFormat ?? '' });
      walk(p.panels, `${where}"${p.title}" > `);
    }
  };
  walk(dash.panels, '');
  for (const v of dash.templating?.list ?? []) {
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    if (v.type === 'query' && q) out.push({ where: `variable $${v.name}`, expr: q, legend: '' });
  }
  return out;
}

// The metric names of one expression, each with the labels it must carry: those of its
// own selector ({label=...}), of every by/without/on/ignoring clause and of the legend
// ({{label}}) — the last two for every metric of the expression; label_values(m, l) too.
function needs(expr, legend) {
  const clean = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');          // no names in strings
  const shared = new Set();
  for (const m of clean.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g))
    for (const l of m[1].split(',').map(s => s.trim()).filter(Boolean)) shared.add(l);
  for (const m of legend.matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)) shared.add(m[1]);
  const lv = clean.match(/^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/);
  if (lv) shared.add(lv[2]);
  const metrics = new Map();
  // a metric name, then maybe its selector; matchers read from the original text
  const re = /\b(chargefleet_[a-zA-Z0-9_:]*)(\s*\{([^}]*)\})?/g;
  for (const m of expr.matchAll(re)) {
    const labels = metrics.get(m[1]) ?? new Set();
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) labels.add(l[1]);
    metrics.set(m[1], labels);
  }
  for (const labels of metrics.values()) for (const l of shared) labels.add(l);
  return metrics;
}

// series name → {labels it must carry: [where it is used]}
const wanted = new Map();
for (const { where, expr, legend } of expressions(dashboard)) {
  for (const [name, labels] of needs(expr, legend)) {
    const w = wanted.get(name) ?? { labels: new Set(), where: new Set() };
    for (const l of labels) w.labels.add(l);
    w.where.add(where);
    wanted.set(name, w);
  }
}

// The exposition: families by # TYPE, samples by series name.
function parseExposition(text) {
  const types = new Map(), series = new Map();
  for (const line of text.split('\n')) {
    const t = line.match(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\S+)$/);
    if (t) { types.set(t[1], t[2]); continue; }
    const s = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/);
    if (!s) continue;
    const labels = {};
    for (const l of (s[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    if (!series.has(s[1])) series.set(s[1], []);
    series.get(s[1]).push({ labels, value: Number(s[3]) });
  }
  return { types, series };
}

// The family a series name belongs to: x_bucket / x_sum / x_count of histogram x are x's.
function family(expo, name) {
  const m = name.match(/^(.*)_(bucket|sum|count)$/);
  if (m && ['histogram', 'summary'].includes(expo.types.get(m[1])) && !(m[2] === 'bucket' && expo.types.get(m[1]) === 'summary'))
    return m[1];
  return name;
}

const N = 4;
let pg, peer, srv, expo, text;

before(async () => {
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url });
  const { locationId } = await createLocation(srv, peer.url);
  // both versions boot at the strict peer: boot latency, per-action frames, boots by result
  const r = await srv.api('POST', `/ocpp/locations/${locationId}/chargers`, {
    body: [group(AC16, { charger_ids: ['GF16_1', 'GF16_2'] }), group(DC201, { charger_ids: ['GF201_1', 'GF201_2'] })],
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const job = await waitJob(srv, r.body.status_url);
  assert.equal(job.status, 'READY', JSON.stringify(job.results));
  await until(() => ['GF16_1', 'GF16_2', 'GF201_1', 'GF201_2'].every(id => peer.live.get(id) === 1), { what: 'every charger connected' });
  // a call the 1.6 charger does not implement: a CallError (out) with its code
  const answer = await peer.rawCall('GF16_1', 'CostUpdated', { totalCost: 1, transactionId: '1' });
  assert.equal(answer[0], 4);
  const sum = (name, pred = () => true) =>
    (expo.series.get(name) ?? []).filter(s => pred(s.labels)).reduce((a, s) => a + s.value, 0);
  await until(async () => {
    const res = await srv.api('GET', '/metrics', { token: null });
    assert.equal(res.status, 200, 'GET /metrics without a token');
    text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
    expo = parseExposition(text);
    return sum('chargefleet_boot_latency_seconds_count') >= N &&
      sum('chargefleet_chargers', l => l.status === 'READY') >= N &&
      sum('chargefleet_call_errors_total', l => l.direction === 'out') >= 1 &&
      sum('chargefleet_db_latency_seconds_count') > 0;
  }, { what: 'the boots, the CallError and DB statements in /metrics', timeoutMs: 20000 });
  assert.deepEqual(peer.failures, []);
});
after(() => stopAll({ srv, peer, pg }));

test('the dashboard: importable shape, a Prometheus datasource variable, PromQL in every panel', () => {
  assert.equal(typeof dashboard.title, 'string');
  assert.ok(Array.isArray(dashboard.panels) && dashboard.panels.length > 0);
  const dsVar = dashboard.templating.list.find(v => v.type === 'datasource');
  assert.equal(dsVar?.query, 'prometheus');
  const ids = new Set();
  const check = panels => {
    for (const p of panels ?? []) {
      assert.ok(Number.isInteger(p.id) && !ids.has(p.id), `panel id ${p.id} missing or repeated`);
      ids.add(p.id);
      assert.ok(p.gridPos && ['h', 'w', 'x', 'y'].every(k => Number.isInteger(p.gridPos[k])), `"${p.title}": gridPos`);
      if (p.type !== 'row' && p.type !== 'text') {
        assert.ok(p.targets?.length > 0, `"${p.title}" has no query`);
        assert.equal(p.datasource?.uid, `\${${dsVar.name}}`, `"${p.title}": datasource`);
        const refIds = p.targets.map(t => t.refId);
        assert.equal(new Set(refIds).size, refIds.length, `"${p.title}": refIds repeat`);
        for (const t of p.targets) {
          assert.ok(t.expr?.trim(), `"${p.title}" ${t.refId}: no expr`);
          // brackets balance (no Prometheus here to parse the PromQL itself)
          const stack = [];
          for (const ch of t.expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
            if ('({['.includes(ch)) stack.push(')}]'['({['.indexOf(ch)]);
            else if (')}]'.includes(ch)) assert.equal(stack.pop(), ch, `"${p.title}" ${t.refId}: ${t.expr}`);
          }
          assert.equal(stack.length, 0, `"${p.title}" ${t.refId}: unclosed in ${t.expr}`);
        }
      }
      check(p.panels);
    }
  };
  check(dashboard.panels);
  // the extraction itself found what the dashboard is about
  assert.ok(wanted.size >= 15, `only ${wanted.size} metric names found: ${[...wanted.keys()]}`);
  for (const n of ['chargefleet_chargers', 'chargefleet_connections_total', 'chargefleet_boot_latency_seconds_bucket',
    'chargefleet_frames_total', 'chargefleet_call_errors_total', 'chargefleet_db_latency_seconds_bucket'])
    assert.ok(wanted.has(n), `${n} not found in the dashboard`);
  assert.ok(wanted.get('chargefleet_frames_total').labels.has('action'));
});

test('GET /metrics needs no token', async () => {
  const r = await srv.api('GET', '/metrics', { token: null });
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/plain; version=0\.0\.4/);
});

// One test per series name the dashboard uses: its family exists, its labels are on it.
for (const [name, { labels, where }] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
  test(`${name}${labels.size ? ` {${[...labels].sort().join(', ')}}` : ''}`, () => {
    const fam = family(expo, name);
    const samples = expo.series.get(name) ?? [];
    assert.ok(expo.types.has(fam) || samples.length > 0,
      `${name} is used by the dashboard (${[...where].join('; ')}) but GET /metrics has no such metric`);
    for (const l of labels) {
      assert.ok(samples.some(s => l in s.labels),
        `label ${l} of ${name} (used by ${[...where].join('; ')}) is on none of its ${samples.length} samples: ` +
        `${samples.slice(0, 3).map(s => JSON.stringify(s.labels)).join(' ') || '(no samples)'}`);
    }
  });
}
