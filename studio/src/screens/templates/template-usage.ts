// Where a template is sent from decides what it may read: a workflow's `notify` effect renders it
// with the record (and the actor, the move's input...), an OTP policy with the code, an import's
// completion email with the import job. The Studio reads the authored definitions to find the uses,
// only to *suggest* variables and to build preview data; whether a variable is allowed stays the
// engine's call (its answer is the change set's problems, shown inline).
import type { Studio } from '../../studio-context.tsx';

export type Use =
  | { kind: 'workflow'; definition: string; entity: string; stateField: string; inputFields: string[] }
  | { kind: 'otp'; definition: string; validityMinutes: number }
  | { kind: 'import'; definition: string; label: string };

type Content = Record<string, unknown>;

const isObject = (v: unknown): v is Content => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether any `notify: { template: <name> }` sits anywhere inside a definition (onCreate, transitions, workflow-wide effects). */
function notifies(node: unknown, name: string): boolean {
  if (Array.isArray(node)) return node.some((n) => notifies(n, name));
  if (!isObject(node)) return false;
  if (isObject(node.notify) && node.notify.template === name) return true;
  return Object.values(node).some((v) => notifies(v, name));
}

export function usesOf(studio: Studio, name: string): Use[] {
  const uses: Use[] = [];
  for (const wf of studio.definitionsOf<Content>('workflow')) {
    if (!notifies(wf.content, name)) continue;
    uses.push({
      kind: 'workflow',
      definition: wf.name,
      entity: String(wf.content.entity ?? ''),
      stateField: typeof wf.content.field === 'string' ? wf.content.field : 'status',
      inputFields: isObject(wf.content.input) ? Object.keys(wf.content.input) : [],
    });
  }
  for (const otp of studio.definitionsOf<Content>('otp')) {
    const templates = isObject(otp.content.templates) ? Object.values(otp.content.templates) : [];
    if (templates.includes(name)) uses.push({ kind: 'otp', definition: otp.name, validityMinutes: Number(otp.content.validityMinutes ?? 5) });
  }
  for (const imp of studio.definitionsOf<Content>('import')) {
    if (isObject(imp.content.notify) && imp.content.notify.template === name) uses.push({ kind: 'import', definition: imp.name, label: String(imp.content.label ?? imp.name) });
  }
  return uses;
}

export function describeUse(u: Use): string {
  if (u.kind === 'workflow') return `sent by workflow “${u.definition}” about a ${u.entity}`;
  if (u.kind === 'otp') return `the code message of OTP policy “${u.definition}”`;
  return `the completion email of import “${u.label}”`;
}

export interface Variable {
  path: string;
  /** What it is, for the suggestion list. */
  hint: string;
}

const APP_VARS: Variable[] = [
  { path: 'app.name', hint: 'the app’s name' },
  { path: 'app.id', hint: 'the app’s id' },
];

/** The import job an import's completion email is rendered with (its public view). */
const IMPORT_JOB_FIELDS: [string, string][] = [
  ['id', 'job id'], ['import', 'import name'], ['status', 'completed or failed'], ['message', 'summary sentence'],
  ['totalRows', 'rows in the file'], ['rowsDone', 'rows read'], ['rowsApplied', 'rows applied'], ['rowsFailed', 'rows refused'],
  ['createdAt', 'registered at'], ['updatedAt', 'finished at'],
];

/** Variables to suggest for a template, from every place that sends it (the first use leads). */
export function variablesFor(studio: Studio, uses: Use[]): Variable[] {
  const out = new Map<string, Variable>();
  const add = (path: string, hint: string) => void (out.has(path) || out.set(path, { path, hint }));
  for (const u of uses) {
    if (u.kind === 'otp') {
      add('otp.code', 'the one-time code');
      add('otp.validMinutes', 'minutes the code is valid');
    } else if (u.kind === 'import') {
      for (const [f, hint] of IMPORT_JOB_FIELDS) add(`record.${f}`, hint);
    } else {
      const entity = studio.definition<Content>('entity', u.entity);
      const fields = isObject(entity?.fields) ? entity.fields : {};
      for (const [f, spec] of Object.entries(fields)) {
        const label = isObject(spec) && typeof spec.label === 'string' ? spec.label : isObject(spec) && typeof spec.type === 'string' ? spec.type : 'field';
        add(`record.${f}`, `${u.entity}: ${label}`);
      }
      add('record.id', `${u.entity} id`);
      add(`record.${u.stateField}`, `${u.entity} state`);
      add('record.createdAt', 'created at');
      add('record.updatedAt', 'last changed at');
      add('record.version', 'version number');
      for (const f of u.inputFields) add(`input.${f}`, 'given with the move');
      add('actor.id', 'who made the change');
      add('actor.role', 'their role');
      add('actor.email', 'their email');
      add('actor.phone', 'their phone');
      add('remarks', 'remarks given with the move');
      add('now', 'when the change happened');
    }
  }
  for (const v of APP_VARS) add(v.path, v.hint);
  return [...out.values()];
}

/** The entity whose real records a preview can use (the first workflow use's). */
export const previewEntity = (uses: Use[]) => uses.find((u): u is Extract<Use, { kind: 'workflow' }> => u.kind === 'workflow')?.entity;

/** Render data for a preview, shaped as the engine renders the template for that use. */
export function previewData(studio: Studio, uses: Use[], record: Content | undefined): Content {
  const app = { id: studio.app.id, name: studio.app.name };
  const first = uses[0];
  if (first?.kind === 'otp') return { otp: { code: '123456', validMinutes: first.validityMinutes }, app };
  if (first?.kind === 'import') {
    const now = new Date().toISOString();
    const job = { id: '00000000-0000-4000-8000-000000000000', import: first.definition, status: 'completed', message: '98 of 100 rows applied, 2 refused', totalRows: 100, rowsDone: 100, rowsApplied: 98, rowsFailed: 2, createdAt: now, updatedAt: now };
    return { record: job, actor: actorOf(studio), input: {}, now, app };
  }
  return { record: record ?? {}, actor: actorOf(studio), input: {}, remarks: '', now: new Date().toISOString(), app };
}

function actorOf(studio: Studio): Content {
  const u = studio.session.user;
  return { id: u.id, role: u.role, ...(u.email ? { email: u.email } : {}), ...(u.phone ? { phone: u.phone } : {}) };
}
