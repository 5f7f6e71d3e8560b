// Checks answers of the API against api/openapi.json: the response schema of the
// path + method + status it documents (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses).
// Any test can opt in by wrapping its serve (or a fetch-based client's fetch):
//   const oc = openapiChecker(); oc.wrap(srv);  ...  oc.assertClean();
//   createClient({ baseUrl, fetch: oc.fetch() })
// A status the document does not list for that operation is a failure too, and so is
// a content type it does not list. What was seen is kept (oc.seen: "get /path 200")
// so a test can require that every documented answer was exercised.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const DOC_ID = 'https://chargefleet.invalid/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

export function loadDocument() {
  return JSON.parse(readFileSync(new URL('../../api/openapi.json', import.meta.url)));
}

const ptr = parts => '#' + parts.map(p => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');

export function openapiChecker(doc = loadDocument()) {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: DOC_ID });
  // path templates as regexps; a literal segment wins over a parameter (the server's
  // route table lists literal routes first)
  const templates = Object.keys(doc.paths).map(t => ({
    t,
    params: (t.match(/\{/g) ?? []).length,
    re: new RegExp('^' + t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+') + '/*$'),
  })).sort((a, b) => a.params - b.params);
  const compiled = new Map();
  const validator = pointer => {
    if (!compiled.has(pointer)) compiled.set(pointer, ajv.compile({ $ref: DOC_ID + pointer }));
    return compiled.get(pointer);
  };
  // a response object (following one $ref to components/responses) and its pointer
  const responseAt = (parts) => {
    let r = parts.reduce((o, k) => o?.[k], doc), at = parts;
    if (r?.$ref) {
      at = r.$ref.slice(2).split('/').map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      r = at.reduce((o, k) => o?.[k], doc);
    }
    return r ? { r, at } : null;
  };

  const oc = {
    doc, failures: [], seen: new Set(),
    // the documented path template of a concrete path for this method, or null
    template(method, path) {
      const m = method.toLowerCase();
      const hits = templates.filter(x => x.re.test(path));
      return { withMethod: hits.find(x => doc.paths[x.t][m])?.t ?? null, any: hits.length > 0 };
    },
    // validates one answer; returns the problems (also kept in oc.failures)
    check(method, fullPath, res) {
      const m = method.toLowerCase();
      const path = fullPath.split('?')[0];
      const { withMethod, any } = oc.template(m, path);
      const status = String(res.status);
      const problems = [];
      let parts;
      if (withMethod) {
        parts = ['paths', withMethod, m, 'responses', status];
        oc.seen.add(`${m} ${withMethod} ${status}`);
      } else {
        // a path it lists with a method it does not (405), or a path it does not
        // list at all (404): the document says what those look like once
        parts = ['components', 'responses', any ? 'MethodNotAllowed' : 'NoRoute'];
        oc.seen.add(`${m} ${path} ${status}`);
        if (status !== (any ? '405' : '404')) problems.push(`answered ${status}, expected ${any ? 405 : 404}`);
      }
      const found = responseAt(parts);
      const where = `${method.toUpperCase()} ${fullPath} → ${status}`;
      if (!found) {
        problems.push(`status ${status} is not documented for ${m} ${withMethod}`);
      } else {
        const ctype = String(res.headers?.['content-type'] ?? '').split(';')[0].trim();
        const content = found.r.content;
        if (!content) {
          if (res.body !== '' && res.body !== undefined) problems.push(`a body where the document has none: ${JSON.stringify(res.body).slice(0, 200)}`);
        } else if (!content[ctype]) {
          problems.push(`content type '${ctype}' is not documented (${Object.keys(content).join(', ')})`);
        } else {
          const v = validator(ptr([...found.at, 'content', ctype, 'schema']));
          const body = ctype === 'application/json' && typeof res.body === 'string' ? safeParse(res.body) : res.body;
          if (!v(body)) {
            for (const e of v.errors.slice(0, 8))
              problems.push(`${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
            problems.push(`body: ${JSON.stringify(body).slice(0, 400)}`);
          }
        }
      }
      if (problems.length) oc.failures.push(`${where}\n    ${problems.join('\n    ')}`);
      return problems;
    },
    // srv.api from now on validates every answer it gets
    wrap(srv) {
      const api = srv.api;
      srv.api = async (method, path, opts) => {
        const r = await api(method, path, opts);
        oc.check(method, path, r);
        return r;
      };
      return srv;
    },
    // a fetch that checks every answer it gets (for fetch-based clients: openapi-fetch)
    fetch(inner = globalThis.fetch) {
      return async (input, init) => {
        const req = input instanceof Request ? input : new Request(input, init);
        const res = await inner(req.clone());
        const text = await res.clone().text();
        oc.check(req.method, new URL(req.url).pathname, { status: res.status, headers: { 'content-type': res.headers.get('content-type') }, body: safeParse(text) });
        return res;
      };
    },
    assertClean() {
      if (oc.failures.length)
        throw new Error(`${oc.failures.length} answers do not match api/openapi.json:\n  ${oc.failures.join('\n  ')}`);
    },
    // every operation + status of the document, as "method template status"
    documented() {
      const all = [];
      for (const [t, item] of Object.entries(doc.paths))
        for (const m of METHODS) if (item[m]) for (const s of Object.keys(item[m].responses)) all.push(`${m} ${t} ${s}`);
      return all;
    },
  };
  return oc;
}

function safeParse(t) { try { return JSON.parse(t); } catch { return t; } }
