// Every operation of the REST engine by name, and what a route alias naming it must (and may) say.
// The server keeps one spec per operation (server/operations/); the engine keeps only this list, so
// the cross-check can judge an alias without importing the server. A spec's name must be a key here.

export interface OperationNeeds {
  /** The alias names an entity of its app. */
  entity?: true;
  /** That entity has a workflow (the operation moves its records). */
  workflow?: true;
  /** The record id: an {id} in the alias path (or the body field named by `idFrom`, where optional allows it). */
  id?: true;
  event?: true;
  targetField?: true;
  policy?: true;
  ruleset?: true;
  /** An attachment slot of the entity: `slot` in the alias, or {slot} in its path. */
  slot?: true;
  /** The entity's public role has a session that can be resumed (session.resume). */
  resume?: true;
  /** One of these parameters in the alias path names what the operation acts on. */
  pathParam?: readonly string[];
  /** The alias options this operation honours besides what it needs. */
  optional?: readonly ('idFrom' | 'idFromSession' | 'response' | 'targetField' | 'public' | 'slot')[];
}

const RECORD = { entity: true, optional: ['public'] } as const;

export const OPERATION_NEEDS = {
  'auth.login': {},
  'auth.otpRequest': {},
  'auth.otpVerify': {},
  'auth.refresh': {},
  'auth.logout': {},
  'records.create': { ...RECORD, optional: ['public', 'response'] },
  'records.list': RECORD,
  'records.get': { ...RECORD, id: true, optional: ['public', 'idFromSession'] },
  // A seed PATCH may name the new state under its own field (PATCH /transactions/{id} { status }).
  'records.patch': { ...RECORD, id: true, optional: ['public', 'targetField'] },
  'records.delete': { ...RECORD, id: true },
  'records.timeline': { ...RECORD, id: true },
  // The document field: {field} in the alias path, or fixed by `targetField` (GET /quotations/{id}/pdf).
  'records.document': { ...RECORD, id: true, optional: ['public', 'targetField'] },
  'records.event': { ...RECORD, workflow: true, id: true, event: true, optional: ['public', 'idFrom', 'response'] },
  'records.moveTo': { ...RECORD, workflow: true, id: true, targetField: true },
  // A record session regained (the public role's session.resume): the code, then the new session.
  'sessions.requestCode': { entity: true, resume: true },
  'sessions.resume': { entity: true, resume: true },
  'otp.request': { ...RECORD, id: true, policy: true },
  'otp.verify': { ...RECORD, id: true, policy: true },
  'rules.evaluate': { ruleset: true },
  'rules.backtest': { ruleset: true },
  'rules.lint': { ruleset: true },
  'rules.groups': { ruleset: true },
  'imports.uploadUrl': { pathParam: ['entity', 'import'] },
  'imports.register': { pathParam: ['entity', 'import'] },
  'imports.status': { pathParam: ['id'] },
  'imports.errors': { pathParam: ['id'] },
  'outbox.list': {},
  'outbox.retry': { pathParam: ['id'] },
  'records.sync': {},
  'users.list': {},
  'users.create': {},
  'users.get': { pathParam: ['id'] },
  'users.update': { pathParam: ['id'] },
  'users.deactivate': { pathParam: ['id'] },
  'registrations.otp': {},
  'registrations.create': {},
  'registrations.list': {},
  'registrations.approve': { pathParam: ['id'] },
  'registrations.reject': { pathParam: ['id'] },
  'changes.open': {},
  'changes.list': {},
  'changes.get': { pathParam: ['id'] },
  'changes.put': { pathParam: ['id'] },
  'changes.remove': { pathParam: ['id'] },
  'changes.approve': { pathParam: ['id'] },
  'changes.requestChanges': { pathParam: ['id'] },
  'changes.publish': { pathParam: ['id'] },
  'changes.discard': { pathParam: ['id'] },
  'changes.simulate': { pathParam: ['id'] },
  'changes.tests': { pathParam: ['id'] },
  'releases.list': {},
  'releases.get': { pathParam: ['number'] },
  'releases.diff': { pathParam: ['number'] },
  'releases.rollback': { pathParam: ['number'] },
  'releases.migrate': { pathParam: ['number'] },
  'apps.simulate': {},
  'apps.tests': {},
  'files.uploadUrl': { ...RECORD, id: true, slot: true },
  'files.complete': { ...RECORD, id: true, slot: true },
  'files.upload': { ...RECORD, id: true, slot: true },
  'files.list': { ...RECORD, id: true, optional: ['public', 'slot'] },
  'files.get': { ...RECORD, id: true, slot: true, pathParam: ['fileId'] },
  'files.review': { ...RECORD, id: true, slot: true, pathParam: ['fileId'] },
  'files.remove': { ...RECORD, id: true, slot: true, pathParam: ['fileId'] },
} as const satisfies Record<string, OperationNeeds>;

export type Operation = keyof typeof OPERATION_NEEDS;

export const OPERATIONS = Object.keys(OPERATION_NEEDS) as Operation[];
