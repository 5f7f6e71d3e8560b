// The document is one a client generator can use: openapi-typescript generates the types
// of api/openapi.json, tsc type-checks client/flow.ts (an openapi-fetch client) against
// them, and the flow runs against a real serve: create CPO + location -> poll the job ->
// create chargers -> poll -> list -> delete. Every answer the client gets is validated
// against the document too (openapi_check.mjs, through the client's fetch).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, copyFileSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { startPostgres, startPeer, startServe, stopAll, TOKEN } from './harness.mjs';
import { openapiChecker } from './openapi_check.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cf-client-'));
let pg, peer, srv;

before(async () => {
  // the generated types, next to a copy of the flow; node_modules for both tsc and node
  // defaultNonNullable false: openapi-typescript 7 otherwise makes every field with a
  // `default` required, request bodies included (its issues #1741, #2012); the document
  // keeps its defaults (they are what the server assumes)
  const ast = await openapiTS(new URL('../../api/openapi.json', import.meta.url), { defaultNonNullable: false });
  writeFileSync(join(dir, 'schema.d.ts'), astToString(ast));
  copyFileSync(join(here, 'client', 'flow.ts'), join(dir, 'flow.ts'));
  symlinkSync(join(here, 'node_modules'), join(dir, 'node_modules'), 'dir');
  pg = await startPostgres();
  peer = await startPeer();
  srv = await startServe({ db: pg.url });
});
after(async () => { rmSync(dir, { recursive: true, force: true }); await stopAll({ srv, peer, pg }); });

const OPTIONS = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], skipLibCheck: true,
  types: [] };

// tsc --noEmit of these files: the diagnostics, as text
function typeCheck(files, { lines = false } = {}) {
  const program = ts.createProgram(files.map(f => join(dir, f)), OPTIONS);
  return ts.getPreEmitDiagnostics(program).map(d => {
    const line = d.file ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    const text = `${d.file ? d.file.fileName.replace(dir + '/', '') : ''}:${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    return lines ? { line, text } : text;
  });
}

test('client/flow.ts type-checks against the types generated from the document', () => {
  assert.deepEqual(typeCheck(['flow.ts']), []);
});

// The types are really used: calls the document does not describe do not compile.
test('a call the document does not describe fails the type check', () => {
  writeFileSync(join(dir, 'misuse.ts'), `
import createClient from 'openapi-fetch';
import type { paths } from './schema';
const c = createClient<paths>({ baseUrl: 'http://x' });
export async function f() {
  await c.POST('/ocpi/cpos', { body: { template: 1 } });                                  // template is a string
  await c.POST('/ocpi/cpos', { body: { template: 't', role: 'boss' } });                   // role: cpo or emsp
  await c.GET('/ocpp/chargers/{charger_id}', { params: { path: {} } });                     // charger_id missing
  await c.GET('/ocpp/no/such/path');                                                       // no such path
  const r = await c.GET('/ocpi/cpos/{cpo_id}', { params: { path: { cpo_id: '1' } } });
  const n: number = r.data!.cpo_id;                                                        // a string
  return n;
}`);
  // every line marked // ... has its error, and there is no other
  const errors = typeCheck(['misuse.ts'], { lines: true });
  const marked = readFileSync(join(dir, 'misuse.ts'), 'utf8').split('\n').map((l, i) => /\/\/ /.test(l) ? i + 1 : 0).filter(Boolean);
  assert.equal(marked.length, 5);
  assert.deepEqual([...new Set(errors.map(e => e.line))], marked, errors.map(e => e.text).join('\n'));
});

test('the generated client runs create -> poll -> list -> delete against serve', async () => {
  const oc = openapiChecker();
  const out = join(dir, 'flow.mjs');
  const js = ts.transpileModule(readFileSync(join(dir, 'flow.ts'), 'utf8'),
    { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  writeFileSync(out, js);
  const { flow } = await import(pathToFileURL(out).href);
  const r = await flow(srv.base, TOKEN, peer.url, oc.fetch());   // every answer checked
  assert.match(r.cpoId, /^[0-9]+$/);
  assert.deepEqual(r.chargers.map(c => c.identity).sort().slice(0, 2), ['TS_001', 'TS_002']);
  assert.equal(r.chargers.length, 3);
  assert.ok(r.chargers.every(c => c.status === 'READY' && c.location_id === r.locationId));
  assert.equal(r.deleted, 3);
  oc.assertClean();
  assert.ok(oc.seen.size >= 8, [...oc.seen].join('\n'));
});
