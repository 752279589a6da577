// The plain-language diff of one definition, as a business admin reviews a change set: every
// difference once, at its JSON path, in a sentence ("Move quotation_shared → won now also allowed
// for role customer"). Workflows are compared move by move, whichever form wrote them; the common
// fields of each kind have their own sentences, and whatever else differs is still said, by a
// structural walk. Maps are walked in key order (a definition read back from the database has
// lost its authored key order), lists in their order, so the same two versions always read the same.
import { isDeepStrictEqual } from 'node:util';
import type { DefinitionKind, DefinitionOfKind } from '../registry/definition-kinds.ts';
import type { AnyDefinition, Effect, EntityPermission, FieldSchema, RoleDef, ScopeRule, WorkflowDef } from '../registry/definition-types.ts';
import { normalizeTransitions, type NormalizedTransition } from '../workflow/normalize-transitions.ts';

export interface Change {
  /** JSON path in the definition: in the new version, or in the old one for what was removed. */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  sentence: string;
  before?: unknown;
  after?: unknown;
}

const NOUNS: Partial<Record<DefinitionKind, string>> = {
  app: 'App',
  entity: 'Entity',
  workflow: 'Workflow',
  template: 'Template',
  otp: 'OTP policy',
  rules: 'Ruleset',
  job: 'Job',
  import: 'Import',
  demo: 'Demo data',
  test: 'Test',
};

/** "Template lead-won-sms": how a definition is named in a sentence (an app by its id). */
function titleOf(d: AnyDefinition): string {
  const name = d.kind === 'app' ? d.id : d.name;
  return `${NOUNS[d.kind] ?? d.kind} ${name}`;
}

/**
 * What changes from `before` to `after`, two versions of one definition as its kind's JSON Schema
 * allows them (absent: the definition is added or removed).
 */
export function describeChanges(before: AnyDefinition | undefined, after: AnyDefinition | undefined): Change[] {
  const out: Change[] = [];
  if (before && after && before.kind === after.kind) {
    const describe = DESCRIBERS[after.kind] as Describer<AnyDefinition> | undefined;
    if (describe) describe(before, after, out);
    else walkAll(walker(out, `${titleOf(after)}: `), '$', before, after);
    return out;
  }
  // A whole definition is one change: what is in it is read in the definition itself.
  if (before) out.push({ path: '$', kind: 'removed', sentence: `${titleOf(before)} removed`, before });
  if (after) out.push({ path: '$', kind: 'added', sentence: `${titleOf(after)} added`, after });
  return out;
}

type Describer<D> = (before: D, after: D, out: Change[]) => void;

function push(out: Change[], kind: Change['kind'], path: string, sentence: string, before?: unknown, after?: unknown) {
  const change: Change = { path, kind, sentence };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  out.push(change);
}

// ---------------------------------------------------------------------------------------------
// The structural walk, and how it names what it finds.

interface Spec {
  /** How the value is named in a sentence ("validity"); the path relative to the definition otherwise. */
  label?: string;
  /** Said after a value ("10 → 5 minutes"). */
  unit?: string;
  /** Compared as a whole and never printed (a condition, a text): "body changed". */
  whole?: boolean;
  /** How a value too large for a sentence reads where it is added or changed ("5 wrong codes within 10 minutes lock for 15 minutes"). */
  show?: (value: any) => string;
  /** A list of names compared as a set: what one added or removed item says. */
  item?: { added: (v: string) => string; removed: (v: string) => string };
  /** A list of objects matched by this key rather than by position (routes by method and path). */
  key?: (value: any, index: number) => string;
  /** How one object of a list is named ("route POST /leads", "step 2"). */
  itemLabel?: (value: any, index: number) => string;
}

interface Walker {
  out: Change[];
  /** Begins every sentence: "OTP policy login: ". */
  prefix: string;
  specOf: (rel: string) => Spec | undefined;
}

const walker = (out: Change[], prefix: string, specOf: (rel: string) => Spec | undefined = () => undefined): Walker => ({ out, prefix, specOf });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const sortedKeys = (...objects: unknown[]) => [...new Set(objects.flatMap((o) => (isObject(o) ? Object.keys(o) : [])))].sort();

/** A value short enough to say in a sentence, or undefined. */
function readable(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length <= 60 && !v.includes('\n') ? v : undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (v === null) return 'none';
  return undefined;
}

/** A value without a label of its own is named by its path; inside a list's item, from the item (its prefix names it). */
function labelOf(rel: string): string {
  const item = rel.lastIndexOf('[].');
  return item < 0 ? rel : rel.slice(item + 3);
}
const list = (names: readonly string[]) => names.join(', ');
const plural = (n: number, one: string, many = `${one}s`) => (n === 1 ? one : many);

/** Every key of an object but those a describer says itself (and `$schema`, `kind`, which say nothing to an admin). */
function walkAll(w: Walker, path: string, a: object, b: object, said: ReadonlySet<string> = new Set()) {
  for (const key of sortedKeys(a, b)) {
    if (said.has(key) || key === '$schema' || key === 'kind') continue;
    walk(w, `${path}.${key}`, key, (a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]);
  }
}

function walk(w: Walker, path: string, rel: string, a: unknown, b: unknown): void {
  if (isDeepStrictEqual(a, b)) return;
  const spec = w.specOf(rel) ?? {};
  const isList = (v: unknown) => v === undefined || Array.isArray(v);
  // A list of names or of keyed objects that appears or goes is its items appearing or going.
  if ((spec.item || spec.key) && isList(a) && isList(b)) return walkList(w, path, rel, (a ?? []) as unknown[], (b ?? []) as unknown[]);
  if (a === undefined || b === undefined || spec.whole) return leaf(w, path, rel, a, b);
  if (isObject(a) && isObject(b)) {
    for (const key of sortedKeys(a, b)) walk(w, `${path}.${key}`, `${rel}.${key}`, a[key], b[key]);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) return walkList(w, path, rel, a, b);
  leaf(w, path, rel, a, b);
}

/**
 * A list of names (roles, channels, states) is a set: what was added, what was removed, or a new
 * order. A list of objects is matched by its spec's key (a route is the same route wherever it
 * moved in the list), else by position.
 */
function walkList(w: Walker, path: string, rel: string, a: unknown[], b: unknown[]) {
  const spec = w.specOf(rel) ?? {};
  if ([...a, ...b].every(isScalar)) return walkNames(w, path, rel, a, b, spec);
  const keyOf = spec.key ?? ((_v: unknown, i: number) => String(i));
  const label = (v: unknown, i: number) => spec.itemLabel?.(v, i) ?? `${spec.label ?? labelOf(rel)} ${spec.key ? spec.key(v, i) : i + 1}`;
  const item = (i: number) => walker(w.out, `${w.prefix}${label(b[i], i)}: `, w.specOf);
  b.forEach((v, i) => {
    const j = a.findIndex((x, k) => keyOf(x, k) === keyOf(v, i));
    if (j < 0) push(w.out, 'added', `${path}[${i}]`, `${w.prefix}${label(v, i)} added${shown(spec, v)}`, undefined, v);
    else if (isDeepStrictEqual(a[j], v)) return;
    else if (w.specOf(`${rel}[]`)?.whole || !isObject(a[j]) || !isObject(v)) push(w.out, 'changed', `${path}[${i}]`, `${w.prefix}${label(v, i)} changed`, a[j], v);
    else for (const k of sortedKeys(a[j], v)) walk(item(i), `${path}[${i}].${k}`, `${rel}[].${k}`, (a[j] as Record<string, unknown>)[k], v[k]);
  });
  a.forEach((v, i) => b.some((x, k) => keyOf(x, k) === keyOf(v, i)) || push(w.out, 'removed', `${path}[${i}]`, `${w.prefix}${label(v, i)} removed`, v));
}

const shown = (spec: Spec, v: unknown) => (spec.show ? ` (${spec.show(v)})` : '');

function leaf(w: Walker, path: string, rel: string, a: unknown, b: unknown) {
  const spec = w.specOf(rel) ?? {};
  const label = spec.label ?? labelOf(rel);
  const unit = spec.unit ? ` ${spec.unit}` : '';
  const [ra, rb] = spec.whole ? [undefined, undefined] : [readable(a), readable(b)];
  if (a === undefined) return push(w.out, 'added', path, `${w.prefix}${rb !== undefined ? `${label} set to ${rb}${unit}` : `${label} added${shown(spec, b)}`}`, undefined, b);
  if (b === undefined) return push(w.out, 'removed', path, `${w.prefix}${ra !== undefined ? `${label} no longer set (was ${ra}${unit})` : `${label} removed`}`, a);
  const how = ra !== undefined && rb !== undefined ? ` ${ra} → ${rb}${unit}` : spec.show ? ` changed: ${spec.show(a)} → ${spec.show(b)}` : ' changed';
  push(w.out, 'changed', path, `${w.prefix}${label}${how}`, a, b);
}

function walkNames(w: Walker, path: string, rel: string, a: unknown[], b: unknown[], spec: Spec) {
  const label = spec.label ?? labelOf(rel);
  const say = spec.item ?? { added: (v: string) => `${label}: ${v} added`, removed: (v: string) => `${label}: ${v} removed` };
  const removed = a.filter((v) => !b.includes(v));
  const added = b.filter((v) => !a.includes(v));
  removed.forEach((v) => push(w.out, 'removed', `${path}[${a.indexOf(v)}]`, `${w.prefix}${say.removed(String(v))}`, v));
  added.forEach((v) => push(w.out, 'added', `${path}[${b.indexOf(v)}]`, `${w.prefix}${say.added(String(v))}`, undefined, v));
  // The same names in another order (an empty list and none at all are the same).
  if (!removed.length && !added.length && a.length && b.length) push(w.out, 'changed', path, `${w.prefix}${label}: order changed`, a, b);
}

// ---------------------------------------------------------------------------------------------
// Kind by kind.

const DESCRIBERS: { [K in DefinitionKind]?: Describer<DefinitionOfKind<K>> } = {
  template(a, b, out) {
    const specs: Record<string, Spec> = { subject: { label: 'subject', whole: true }, body: { label: 'body', whole: true }, html: { label: 'HTML body', whole: true } };
    walkAll(walker(out, `${titleOf(b)}: `, (rel) => specs[rel]), '$', a, b);
  },

  otp(a, b, out) {
    walkAll(walker(out, `${titleOf(b)}: `, (rel) => OTP_SPECS[rel]), '$', a, b);
  },

  rules(a, b, out) {
    const specOf = (rel: string): Spec | undefined => {
      const field = /^fields\.(\w+)$/.exec(rel);
      if (field) return { label: `${field[1]} read from field` };
      return RULES_SPECS[rel];
    };
    walkAll(walker(out, `${titleOf(b)}: `, specOf), '$', a, b);
  },

  job(a, b, out) {
    walkAll(walker(out, `${titleOf(b)}: `, (rel) => JOB_SPECS[rel]), '$', a, b);
  },

  import(a, b, out) {
    const specOf = (rel: string): Spec | undefined => {
      const column = /^columns\.([^.]+)$/.exec(rel);
      if (column) return { label: `column ${column[1]}`, whole: true, show: showColumn };
      return IMPORT_SPECS[rel];
    };
    walkAll(walker(out, `${titleOf(b)}: `, specOf), '$', a, b);
  },

  demo(a, b, out) {
    const specs: Record<string, Spec> = { records: { whole: false, itemLabel: (r: { entity: string }, i) => `record ${i + 1} (${r.entity})` }, 'records[]': { whole: true } };
    walkAll(walker(out, `${titleOf(b)}: `, (rel) => specs[rel]), '$', a, b);
  },

  entity(a, b, out) {
    const title = titleOf(b);
    describeFields(out, `${title}: field`, '$.fields', a.fields, b.fields);
    const names = walker(out, `${title}: `, (rel) => ENTITY_SPECS[rel]);
    walk(names, '$.required', 'required', a.required ?? [], b.required ?? []);
    walk(names, '$.filterable', 'filterable', a.filterable ?? [], b.filterable ?? []);
    walk(names, '$.sortable', 'sortable', a.sortable ?? [], b.sortable ?? []);
    walkAll(names, '$', a, b, new Set(['fields', 'required', 'filterable', 'sortable']));
  },

  app(a, b, out) {
    describeRoles(out, a.roles, b.roles);
    walkAll(walker(out, `${titleOf(b)}: `, (rel) => APP_SPECS[rel] ?? providerSpec(rel)), '$', a, b, new Set(['roles']));
  },

  workflow: describeWorkflow,
};

const showLockout = (l: { failures: number; withinMinutes: number; forMinutes: number }) => `${l.failures} wrong codes within ${l.withinMinutes} minutes lock for ${l.forMinutes} minutes`;
const OTP_SPECS: Record<string, Spec> = {
  digits: { label: 'digits' },
  validityMinutes: { label: 'validity', unit: 'minutes' },
  maxAttempts: { label: 'attempts per code' },
  lockout: { label: 'lockout', show: showLockout },
  'lockout.failures': { label: 'wrong codes before a lockout' },
  'lockout.withinMinutes': { label: 'lockout window', unit: 'minutes' },
  'lockout.forMinutes': { label: 'lockout length', unit: 'minutes' },
  resend: { label: 'resend limit', show: (r: { max: number; withinMinutes: number }) => `${r.max} per ${r.withinMinutes} minutes` },
  'resend.max': { label: 'resends per window' },
  'resend.withinMinutes': { label: 'resend window', unit: 'minutes' },
  channels: { label: 'channels', item: { added: (c) => `channel ${c} added`, removed: (c) => `channel ${c} removed` } },
  'templates.sms': { label: 'SMS template' },
  'templates.email': { label: 'email template' },
  mode: { label: 'mode' },
  fixedCode: { label: 'fixed code' },
  record: { label: 'record', show: (r: { entity: string }) => `codes about ${r.entity} records` },
  'record.entity': { label: 'record entity' },
  'record.when': { label: 'record condition', whole: true },
  'record.proofMinutes': { label: 'proof validity', unit: 'minutes' },
  roles: { label: 'roles', item: { added: (r) => `role ${r} may now ask for codes`, removed: (r) => `role ${r} may no longer ask for codes` } },
};

const RULES_SPECS: Record<string, Spec> = {
  entity: { label: 'entity' },
  evaluatedIn: { label: 'evaluated in', item: { added: (s) => `now evaluated in state ${s}`, removed: (s) => `no longer evaluated in state ${s}` } },
  compiledOn: { label: 'compiled on', item: { added: (s) => `now compiled on entering state ${s}`, removed: (s) => `no longer compiled on entering state ${s}` } },
  'stores.entity': { label: 'store entity' },
  'stores.key': { label: 'store key' },
  'products.entity': { label: 'product entity' },
  'products.key': { label: 'product key' },
  'products.price': { label: 'price field' },
  'storeGroups.attributes': { label: 'store group attributes', item: { added: (f) => `store groups may now filter on ${f}`, removed: (f) => `store groups may no longer filter on ${f}` } },
  'productGroups.attributes': { label: 'product group attributes', item: { added: (f) => `product groups may now filter on ${f}`, removed: (f) => `product groups may no longer filter on ${f}` } },
  'unitPrice.override': { label: 'client unit prices allowed' },
  pricing: { label: 'pricing', show: (p: { entity: string }) => `${p.entity} records priced by their promotion` },
  'pricing.entity': { label: 'priced entity' },
  'pricing.promotionField': { label: 'promotion field of priced records' },
  'pricing.storeField': { label: 'store field of priced records' },
  'pricing.itemsField': { label: 'items field of priced records' },
  'pricing.amounts.gross': { label: 'gross amount field' },
  'pricing.amounts.discount': { label: 'discount amount field' },
  'pricing.amounts.net': { label: 'net amount field' },
  console: { label: 'test console selections', whole: true },
};

const JOB_SPECS: Record<string, Spec> = {
  schedule: { label: 'schedule' },
  timezone: { label: 'time zone' },
  label: { label: 'label' },
  steps: { label: 'step', itemLabel: (_s, i) => `step ${i + 1}`, show: (s: { entity: string; event: string }) => `fire ${s.event} on ${s.entity} records` },
  'steps[].entity': { label: 'entity' },
  'steps[].event': { label: 'event' },
  'steps[].when': { label: 'condition', whole: true },
};

const showColumn = (c: string | { field?: string; type?: string; transition?: true }) =>
  typeof c === 'string' ? `into field ${c}` : c.transition ? 'the target state' : `into field ${c.field}${c.type ? ` as ${c.type}` : ''}`;
const IMPORT_SPECS: Record<string, Spec> = {
  entity: { label: 'entity' },
  mode: { label: 'mode' },
  key: { label: 'key' },
  required: { label: 'required columns', item: { added: (c) => `column ${c} now required`, removed: (c) => `column ${c} no longer required` } },
  roles: { label: 'roles', item: { added: (r) => `role ${r} may now run it`, removed: (r) => `role ${r} may no longer run it` } },
  maxBytes: { label: 'size limit', unit: 'bytes' },
  uploadMinutes: { label: 'upload window', unit: 'minutes' },
  'notify.template': { label: 'completion email template' },
};

const ENTITY_SPECS: Record<string, Spec> = {
  label: { label: 'label' },
  workflow: { label: 'workflow' },
  required: { item: { added: (f) => `field ${f} now required`, removed: (f) => `field ${f} no longer required` } },
  filterable: { item: { added: (f) => `field ${f} now filterable`, removed: (f) => `field ${f} no longer filterable` } },
  sortable: { item: { added: (f) => `field ${f} now sortable`, removed: (f) => `field ${f} no longer sortable` } },
  uniqueKeys: { key: (k: { name: string }) => k.name, itemLabel: (k: { name: string }) => `unique key ${k.name}`, show: (k: { fields: string[] }) => list(k.fields) },
  'uniqueKeys[].fields': { label: 'fields', item: { added: (f) => `field ${f} added`, removed: (f) => `field ${f} removed` } },
  'uniqueKeys[].caseInsensitive': { label: 'case-insensitive' },
  dedupe: { key: (d: { name: string }) => d.name, itemLabel: (d: { name: string }) => `duplicate check ${d.name}` },
  'dedupe[].windowDays': { label: 'window', unit: 'days' },
  'idempotency.field': { label: 'idempotency field' },
  proof: { label: 'proof' },
};

/** A field's type as an admin reads it: "string (email)", "one of a, b". */
const showField = (f: FieldSchema) => (f.enum ? `one of ${list(f.enum.map(String))}` : f.format ? `${f.type}, ${f.format}` : f.type);
const FIELD_SPECS: Record<string, Spec> = {
  type: { label: 'type' },
  format: { label: 'format' },
  label: { label: 'label' },
  enum: { label: 'values', item: { added: (v) => `value ${v} now allowed`, removed: (v) => `value ${v} no longer allowed` } },
  minLength: { label: 'minimum length' },
  maxLength: { label: 'maximum length' },
  minimum: { label: 'minimum' },
  maximum: { label: 'maximum' },
  exclusiveMinimum: { label: 'lower bound (excluded)' },
  exclusiveMaximum: { label: 'upper bound (excluded)' },
  immutable: { label: 'set at creation only' },
  editableIn: { label: 'editable in', item: { added: (s) => `now editable in state ${s}`, removed: (s) => `no longer editable in state ${s}` } },
  errorCode: { label: 'error code' },
};

/** Fields of an entity, or a workflow's input fields: "Entity lead: field city added (string)". */
function describeFields(out: Change[], noun: string, path: string, a: Record<string, FieldSchema> = {}, b: Record<string, FieldSchema> = {}) {
  for (const name of sortedKeys(a, b)) {
    const [fa, fb] = [a[name], b[name]];
    if (!fa) push(out, 'added', `${path}.${name}`, `${noun} ${name} added (${showField(fb!)})`, undefined, fb);
    else if (!fb) push(out, 'removed', `${path}.${name}`, `${noun} ${name} removed`, fa);
    else walkAll(walker(out, `${noun} ${name}: `, (rel) => FIELD_SPECS[rel]), `${path}.${name}`, fa, fb);
  }
}

const APP_SPECS: Record<string, Spec> = {
  name: { label: 'name' },
  basePath: { label: 'base path' },
  'auth.password': { label: 'sign-in by password' },
  'auth.otp.policy': { label: 'sign-in OTP policy' },
  'auth.accessTokenMinutes': { label: 'access token lifetime', unit: 'minutes' },
  'auth.refreshTokenHours': { label: 'refresh token lifetime', unit: 'hours' },
  routes: {
    key: (r: { method: string; path: string }) => `${r.method} ${r.path}`,
    itemLabel: (r: { method: string; path: string }) => `route ${r.method} ${r.path}`,
    show: (r: { operation: string; entity?: string }) => `${r.operation}${r.entity ? ` on ${r.entity}` : ''}`,
  },
  demoUsers: {
    key: (u: { email?: string; phone?: string }) => u.email ?? u.phone ?? '',
    itemLabel: (u: { email?: string; phone?: string }) => `demo user ${u.email ?? u.phone}`,
    show: (u: { role: string }) => `role ${u.role}`,
  },
  'demoUsers[].password': { label: 'password', whole: true },
};

/** Providers by kind: a chain ("sms provider 2") or one provider; their config is said to change, not printed. */
function providerSpec(rel: string): Spec | undefined {
  const kind = /^providers\.(\w+)/.exec(rel)?.[1];
  if (!kind) return undefined;
  if (rel === `providers.${kind}`) return { label: `${kind} provider`, itemLabel: (p: { provider: string }, i) => `${kind} provider ${i + 1} (${p.provider})`, show: (p: { provider?: string }) => p.provider ?? '' };
  if (rel.endsWith('.config')) return { label: 'config', whole: true };
  if (rel.endsWith('.provider')) return { label: 'plugin' };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// App roles: what each role may do, said of the role.

const ACTIONS: { action: 'read' | 'create' | 'delete' | 'transition'; verb: string }[] = [
  { action: 'read', verb: 'read' },
  { action: 'create', verb: 'create' },
  { action: 'delete', verb: 'delete' },
  { action: 'transition', verb: 'move' },
];

function describeRoles(out: Change[], a: Record<string, RoleDef>, b: Record<string, RoleDef>) {
  for (const role of sortedKeys(a, b)) {
    const [ra, rb] = [a[role], b[role]];
    const path = `$.roles.${role}`;
    if (!rb) {
      push(out, 'removed', path, `Role ${role} removed`, ra);
      continue;
    }
    if (!ra) push(out, 'added', path, `Role ${role} added${rb.label ? ` (${rb.label})` : ''}`, undefined, rb);
    const before = ra ?? {};
    if (ra) walk(walker(out, `Role ${role}: `, () => ({ label: 'label' })), `${path}.label`, 'label', ra.label, rb.label);
    if (Boolean(before.public) !== Boolean(rb.public)) {
      push(out, 'changed', `${path}.public`, `Role ${role} ${rb.public ? 'now serves' : 'no longer serves'} callers who have not signed in`, before.public, rb.public);
    }
    if (Boolean(before.operations?.outbox) !== Boolean(rb.operations?.outbox)) {
      push(out, 'changed', `${path}.operations.outbox`, `Role ${role} may ${rb.operations?.outbox ? 'now' : 'no longer'} manage the outbox`, before.operations?.outbox, rb.operations?.outbox);
    }
    for (const entity of sortedKeys(before.permissions, rb.permissions)) {
      describePermission(out, role, entity, `${path}.permissions.${entity}`, before.permissions?.[entity] ?? {}, rb.permissions?.[entity] ?? {});
    }
  }
}

function describePermission(out: Change[], role: string, entity: string, path: string, a: EntityPermission, b: EntityPermission) {
  for (const { action, verb } of ACTIONS) {
    if (Boolean(a[action]) === Boolean(b[action])) continue;
    push(out, b[action] ? 'added' : 'removed', `${path}.${action}`, `Role ${role} may ${b[action] ? 'now' : 'no longer'} ${verb} ${entity} records`, a[action], b[action]);
  }
  describeUpdate(out, `Role ${role}`, entity, `${path}.update`, a.update, b.update);
  // A scope narrows what a role may do; a role left with nothing on the entity has nothing to narrow.
  const grants = (p: EntityPermission) => ACTIONS.some(({ action }) => p[action]) || Boolean(p.update);
  if (!isDeepStrictEqual(a.scope, b.scope) && grants(b)) {
    const scope = (s: ScopeRule) =>
      `whose ${s.field} matches their ${s.actor.replace(/^attributes\./, '')}${s.orVia ? ` or is the ${s.orVia.key ?? s.field} of a ${s.orVia.entity} whose ${s.orVia.field} does` : ''}`;
    const sentence = !b.scope ? `Role ${role} now sees every ${entity} record it may read, not only those ${scope(a.scope!)}` : `Role ${role} now sees only ${entity} records ${scope(b.scope)}`;
    push(out, !a.scope ? 'added' : !b.scope ? 'removed' : 'changed', `${path}.scope`, sentence, a.scope, b.scope);
  }
  const [ha, hb] = [a.hide ?? [], b.hide ?? []];
  const hidden = hb.filter((f) => !ha.includes(f));
  const shown = ha.filter((f) => !hb.includes(f));
  if (hidden.length) push(out, 'added', `${path}.hide`, `Role ${role} no longer sees ${plural(hidden.length, 'field')} ${list(hidden)} of ${entity} records`, a.hide, b.hide);
  if (shown.length) push(out, 'removed', `${path}.hide`, `Role ${role} now sees ${plural(shown.length, 'field')} ${list(shown)} of ${entity} records`, a.hide, b.hide);
  for (const f of sortedKeys(a.fixed, b.fixed)) {
    const [va, vb] = [a.fixed?.[f], b.fixed?.[f]];
    if (va === vb) continue;
    const sentence = vb === undefined ? `Role ${role} may now write any ${f} on ${entity} records` : `Role ${role} now writes ${f} = ${JSON.stringify(vb)} on every ${entity} record`;
    push(out, va === undefined ? 'added' : vb === undefined ? 'removed' : 'changed', `${path}.fixed.${f}`, sentence, va, vb);
  }
}

/** `update` is true (every field), false/absent (none) or the only fields a role may change. */
function describeUpdate(out: Change[], who: string, entity: string, path: string, a: EntityPermission['update'], b: EntityPermission['update']) {
  const fields = (u: EntityPermission['update']): readonly string[] | 'all' | 'none' => (Array.isArray(u) ? u : u ? 'all' : 'none');
  const [fa, fb] = [fields(a), fields(b)];
  if (isDeepStrictEqual(fa, fb)) return;
  const some = (f: readonly string[]) => `${plural(f.length, 'field')} ${list(f)} of ${entity} records`;
  if (fb === 'none') return push(out, 'removed', path, `${who} may no longer update ${entity} records`, a, b);
  if (fb === 'all') return push(out, fa === 'none' ? 'added' : 'changed', path, `${who} may now update ${fa === 'none' ? '' : 'every field of '}${entity} records`, a, b);
  if (fa === 'none') return push(out, 'added', path, `${who} may now update ${some(fb)}`, a, b);
  if (fa === 'all') return push(out, 'changed', path, `${who} may now update only ${some(fb)}`, a, b);
  const added = fb.filter((f) => !fa.includes(f));
  const removed = fa.filter((f) => !fb.includes(f));
  if (added.length) push(out, 'added', path, `${who} may now also update ${some(added)}`, a, b);
  if (removed.length) push(out, 'removed', path, `${who} may no longer update ${some(removed)}`, a, b);
}

// ---------------------------------------------------------------------------------------------
// Workflows: states, then moves (whichever form wrote them), override, input and effects.

const WORKFLOW_SPECS: Record<string, Spec> = {
  entity: { label: 'entity' },
  field: { label: 'state field' },
  initial: { label: 'initial state' },
};

function describeWorkflow(a: WorkflowDef, b: WorkflowDef, out: Change[]) {
  walkAll(walker(out, `${titleOf(b)}: `, (rel) => WORKFLOW_SPECS[rel]), '$', a, b, new Set(['states', 'transitions', 'matrix', 'override', 'input', 'effects', 'onCreate']));
  describeStates(out, a, b);
  describeMoves(out, a, b);
  describeOverride(out, a.override, b.override);
  describeFields(out, 'Input field', '$.input', a.input, b.input);
  describeEffects(out, 'Workflow effects', { before: '$.effects', after: '$.effects' }, a.effects ?? [], b.effects ?? []);
  describeEffects(out, 'Effects on create', { before: '$.onCreate', after: '$.onCreate' }, a.onCreate ?? [], b.onCreate ?? []);
}

function describeStates(out: Change[], a: WorkflowDef, b: WorkflowDef) {
  const traits = (s: WorkflowDef['states'][string]) => [s.label && `label ${s.label}`, s.stage !== undefined && `stage ${s.stage}`, s.progress !== undefined && `progress ${s.progress}%`, s.final && 'final'].filter(Boolean);
  for (const name of sortedKeys(a.states, b.states)) {
    const [sa, sb] = [a.states?.[name], b.states?.[name]];
    const path = `$.states.${name}`;
    if (!sa) {
      const t = traits(sb!);
      push(out, 'added', path, `State ${name} added${t.length ? ` (${t.join(', ')})` : ''}`, undefined, sb);
    } else if (!sb) push(out, 'removed', path, `State ${name} removed`, sa);
    else {
      if (Boolean(sa.final) !== Boolean(sb.final)) push(out, 'changed', `${path}.final`, `State ${name} is ${sb.final ? 'now' : 'no longer'} final`, sa.final, sb.final);
      const specs: Record<string, Spec> = { label: { label: 'label' }, stage: { label: 'stage' }, progress: { label: 'progress', unit: 'percent' } };
      walkAll(walker(out, `State ${name}: `, (rel) => specs[rel]), path, sa, sb, new Set(['final']));
    }
  }
}

const roleList = (roles: readonly string[]) => `${plural(roles.length, 'role')} ${list(roles)}`;
const moveLabel = (t: NormalizedTransition) => `Move ${t.from} → ${t.to}${t.event === t.to ? '' : ` (${t.event})`}`;

/** Where a move's roles are written: a matrix cell may be the role list itself. */
function rolesPath(wf: WorkflowDef, t: NormalizedTransition): string {
  return Array.isArray(wf.matrix?.[t.from]?.[t.to]) && t.source === `$.matrix.${t.from}.${t.to}` ? t.source : `${t.source}.roles`;
}

/**
 * Moves are paired by their from and to states; where several moves join the same two states
 * (guarded alternatives), by their event. A move written as a matrix cell and the same move
 * written as a transition are the same move.
 */
function pairMoves(a: NormalizedTransition[], b: NormalizedTransition[]): { before?: NormalizedTransition; after?: NormalizedTransition }[] {
  const byStates = (moves: NormalizedTransition[], key: string) => moves.filter((t) => `${t.from}\u0000${t.to}` === key);
  const keys = [...new Set([...a, ...b].map((t) => `${t.from}\u0000${t.to}`))].sort();
  return keys.flatMap((key) => {
    const [before, after] = [byStates(a, key), byStates(b, key)];
    if (before.length === 1 && after.length === 1) return [{ before: before[0], after: after[0] }];
    const pairs: { before?: NormalizedTransition; after?: NormalizedTransition }[] = [];
    const unpaired: NormalizedTransition[] = [];
    for (const t of after) {
      const i = before.findIndex((u) => u.event === t.event);
      if (i >= 0) pairs.push({ before: before.splice(i, 1)[0], after: t });
      else unpaired.push(t);
    }
    if (before.length === 1 && unpaired.length === 1) return [...pairs, { before: before[0], after: unpaired[0] }];
    return [...pairs, ...before.map((t) => ({ before: t })), ...unpaired.map((t) => ({ after: t }))];
  });
}

function describeMoves(out: Change[], wa: WorkflowDef, wb: WorkflowDef) {
  for (const { before: a, after: b } of pairMoves(normalizeTransitions(wa), normalizeTransitions(wb))) {
    if (!a) {
      push(out, 'added', b!.source, `${moveLabel(b!)} added, allowed for ${roleList(b!.roles)}`, undefined, moveData(b!));
      continue;
    }
    if (!b) {
      push(out, 'removed', a.source, `${moveLabel(a)} removed`, moveData(a));
      continue;
    }
    const move = moveLabel(b);
    // What was removed is found where the old version wrote it, the rest where the new one does.
    const at = (suffix: string) => ({ before: `${a.source}${suffix}`, after: `${b.source}${suffix}` });
    if (a.event !== b.event) push(out, 'changed', `${b.source}.event`, `Move ${b.from} → ${b.to}: event ${a.event} → ${b.event}`, a.event, b.event);
    const addedRoles = b.roles.filter((r) => !a.roles.includes(r));
    const removedRoles = a.roles.filter((r) => !b.roles.includes(r));
    if (addedRoles.length) push(out, 'added', rolesPath(wb, b), `${move} now also allowed for ${roleList(addedRoles)}`, undefined, addedRoles);
    if (removedRoles.length) push(out, 'removed', rolesPath(wa, a), `${move} no longer allowed for ${roleList(removedRoles)}`, removedRoles);
    describePart(out, at('.when'), a.when, b.when, {
      added: `${move}: now has a condition`,
      removed: `${move}: its condition removed`,
      changed: `${move}: its condition changed`,
    });
    describePart(out, at('.requiresStage'), a.requiresStage, b.requiresStage, {
      added: `${move}: now needs stage ${b.requiresStage}`,
      removed: `${move}: no longer needs a stage`,
      changed: `${move}: needs stage ${a.requiresStage} → ${b.requiresStage}`,
    });
    describePart(out, at('.limit'), a.limit, b.limit, {
      added: `${move}: now at most ${b.limit?.max} records in ${b.to} at once`,
      removed: `${move}: no longer limits the records in ${b.to}`,
      changed: a.limit?.max !== b.limit?.max ? `${move}: at most ${a.limit?.max} → ${b.limit?.max} records in ${b.to} at once` : `${move}: the answer when its limit is reached changed`,
    });
    const otpChanges = [a.otp?.policy !== b.otp?.policy && `OTP policy ${a.otp?.policy} → ${b.otp?.policy}`, a.otp?.field !== b.otp?.field && `the code's input field ${a.otp?.field} → ${b.otp?.field}`];
    describePart(out, at('.otp'), a.otp, b.otp, {
      added: `${move}: now needs a code of OTP policy ${b.otp?.policy} (input field ${b.otp?.field})`,
      removed: `${move}: no longer needs a code`,
      changed: `${move}: ${otpChanges.filter(Boolean).join(', ')}`,
    });
    describeEffects(out, move, at('.effects'), a.effects, b.effects);
  }
}

/** What a move is, for a change that adds or removes it whole: its authored fields, without its place. */
function moveData(t: NormalizedTransition): Record<string, unknown> {
  return Object.fromEntries(Object.entries(t).filter(([key, value]) => key !== 'source' && value !== undefined));
}

function describePart(out: Change[], path: { before: string; after: string }, a: unknown, b: unknown, say: Record<Change['kind'], string>) {
  if (isDeepStrictEqual(a, b)) return;
  const kind = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed';
  push(out, kind, kind === 'removed' ? path.before : path.after, say[kind], a, b);
}

function describeOverride(out: Change[], a: WorkflowDef['override'], b: WorkflowDef['override']) {
  if (isDeepStrictEqual(a, b)) return;
  if (!a) return push(out, 'added', '$.override', `Override now allowed for ${roleList(b!.roles)}${b!.remarks === 'required' ? ', with remarks' : ''}`, undefined, b);
  if (!b) return push(out, 'removed', '$.override', 'Override removed: no role may move a record outside its moves', a);
  b.roles.filter((r) => !a.roles.includes(r)).forEach((r) => push(out, 'added', `$.override.roles[${b.roles.indexOf(r)}]`, `Override now also allowed for role ${r}`, undefined, r));
  a.roles.filter((r) => !b.roles.includes(r)).forEach((r) => push(out, 'removed', `$.override.roles[${a.roles.indexOf(r)}]`, `Override no longer allowed for role ${r}`, r));
  if ((a.remarks ?? 'optional') !== (b.remarks ?? 'optional')) {
    push(out, 'changed', '$.override.remarks', `Override remarks now ${b.remarks === 'required' ? 'required' : 'optional'}`, a.remarks, b.remarks);
  }
}

/** "a notify of template lead-won-sms": an effect as an admin names it. */
function effectName(e: Effect): string {
  if ('notify' in e) return `a notify of template ${e.notify.template}`;
  if ('emit' in e) return `an emit of event ${e.emit.event}`;
  if ('issueOtp' in e) return `an issueOtp of policy ${e.issueOtp.policy}`;
  if ('set' in e) return `a set of ${list(Object.keys(e.set).sort())}`;
  return `a ${Object.keys(e)[0]} effect`;
}

/** The same effect in two versions: the same kind about the same thing (a set is one, whatever it sets). */
function effectIdentity(e: Effect): string {
  if ('notify' in e) return `notify:${e.notify.template}`;
  if ('emit' in e) return `emit:${e.emit.event}`;
  if ('issueOtp' in e) return `issueOtp:${e.issueOtp.policy}`;
  return Object.keys(e)[0]!;
}

/**
 * Effects are matched whole first (an effect that only moved in the list is not a change), then by
 * what they are about (a notify of the same template whose recipient changed is one change).
 */
function describeEffects(out: Change[], what: string, path: { before: string; after: string }, a: readonly Effect[], b: readonly Effect[]) {
  if (isDeepStrictEqual(a, b)) return;
  const unmatched = new Set(a.map((_, i) => i));
  const take = (test: (e: Effect) => boolean) => {
    const i = [...unmatched].find((j) => test(a[j]!));
    if (i !== undefined) unmatched.delete(i);
    return i;
  };
  const rest: number[] = [];
  b.forEach((e, i) => take((x) => isDeepStrictEqual(x, e)) === undefined && rest.push(i));
  for (const i of rest) {
    const e = b[i]!;
    const j = take((x) => effectIdentity(x) === effectIdentity(e));
    if (j === undefined) push(out, 'added', `${path.after}[${i}]`, `${what}: ${effectName(e)} added`, undefined, e);
    else push(out, 'changed', `${path.after}[${i}]`, `${what}: ${effectName(e)} changed`, a[j], e);
  }
  for (const j of unmatched) push(out, 'removed', `${path.before}[${j}]`, `${what}: ${effectName(a[j]!)} removed`, a[j]);
  if (!rest.length && !unmatched.size) push(out, 'changed', path.after, `${what}: the order of the effects changed`, a, b);
}
