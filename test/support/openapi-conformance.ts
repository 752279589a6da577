// Holds real answers to the OpenAPI document the server publishes: every response is matched to
// its documented path, method and status, and its body validated (ajv, draft 2020-12) against the
// schema documented for that status; an undocumented status fails. Bodies the server accepted must
// be valid against the documented request schema too. Coverage is kept per operation.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Ajv } from 'ajv';
import type { Response } from 'supertest';
import { addFieldFormats } from '../../engine/support/field-formats.ts';

type Json = Record<string, any>;
const DOC_ID = 'https://rulepath.test/openapi.json';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Documented {
  key: string;
  path: string;
  method: string;
  pattern: RegExp;
  params: number;
  operation: Json;
}

export interface Coverage {
  ok: Set<string>;
  refused: Set<string>;
}

const COMPONENT = '#/components/schemas/';

/** A documented schema whose `#/components/schemas/X` references point into one schema holding them all. */
function pointTo(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(pointTo);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) => {
      if (k !== '$ref') return [k, pointTo(v)];
      if (typeof v !== 'string' || !v.startsWith(COMPONENT)) throw new Error(`Unexpected reference ${String(v)}`);
      return [k, `${DOC_ID}#/$defs/${v.slice(COMPONENT.length).replace(/~/g, '~0').replace(/\//g, '~1')}`];
    }),
  );
}

export function conformance(doc: Json) {
  const ajv = new Ajv2020({ strict: true, allErrors: true, strictRequired: false, strictTypes: false });
  (addFormats as unknown as (a: Ajv, f: string[]) => Ajv)(ajv as unknown as Ajv, ['email', 'date', 'date-time', 'uuid', 'uri']);
  addFieldFormats(ajv as unknown as Ajv);
  ajv.addSchema({ $id: DOC_ID, $defs: pointTo(doc.components.schemas) });

  const compiled = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: unknown) => {
    let v = compiled.get(key);
    if (!v) compiled.set(key, (v = ajv.compile({ $id: `https://rulepath.test/${encodeURIComponent(key)}`, ...(pointTo(schema) as Json) })));
    return v;
  };

  const documented: Documented[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
      documented.push({ key: `${method.toUpperCase()} ${path}`, path, method, pattern: new RegExp(`^${source}$`), params: (path.match(/\{/g) ?? []).length, operation });
    }
  }
  const coverage: Coverage = { ok: new Set(), refused: new Set() };

  /** The documented operation a request went to: a concrete segment wins over a parameter (/promotions/evaluate over /promotions/{id}). */
  function find(method: string, url: string): Documented {
    const pathname = new URL(url, 'http://x').pathname;
    const hits = documented.filter((d) => d.method === method.toLowerCase() && d.pattern.test(pathname)).sort((a, b) => a.params - b.params);
    if (!hits[0]) throw new Error(`${method} ${pathname} is not documented`);
    return hits[0];
  }

  const problems = (v: ValidateFunction) => JSON.stringify(v.errors?.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));

  return {
    coverage,
    operations: documented,
    find,
    /** Checks one real exchange against the document; returns the response for the test to look at. */
    check(method: string, url: string, res: Response, sent?: unknown): Response {
      const d = find(method, url);
      const status = String(res.status);
      const documentedAnswer = d.operation.responses[status];
      if (!documentedAnswer) throw new Error(`${d.key} answered ${status}, which is not documented (${Object.keys(d.operation.responses).join(', ')}): ${JSON.stringify(res.body)}`);
      const [contentType, media] = Object.entries(documentedAnswer.content as Json)[0]!;
      // A download is documented as any type (*/*): it is what was uploaded.
      if (contentType !== '*/*' && !String(res.headers['content-type']).startsWith(contentType)) throw new Error(`${d.key} ${status}: content type ${res.headers['content-type']}, documented ${contentType}`);
      if (contentType === 'application/json') {
        const v = validator(`${d.key} ${status}`, media.schema);
        if (!v(res.body)) throw new Error(`${d.key} ${status}: the body does not match the documented schema: ${problems(v)}\n${JSON.stringify(res.body)}`);
      } else if (contentType !== '*/*' && typeof res.text !== 'string') throw new Error(`${d.key} ${status}: no text body`);
      if (res.status < 300) {
        coverage.ok.add(d.key);
        const requestSchema = d.operation.requestBody?.content?.['application/json']?.schema;
        if (requestSchema && sent !== undefined) {
          const v = validator(`${d.key} request`, requestSchema);
          if (!v(sent)) throw new Error(`${d.key}: the server accepted a body the document refuses: ${problems(v)}\n${JSON.stringify(sent)}`);
        }
      } else if (res.status < 500) coverage.refused.add(d.key);
      return res;
    },
  };
}

export type Conformance = ReturnType<typeof conformance>;
