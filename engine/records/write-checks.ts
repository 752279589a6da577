// The checks every write of record fields passes, whichever operation carries it (a create, a field
// change, a field change made with a status move): schema with the definition's own error codes,
// the fields a role may change, scope, fields frozen by state, and unique keys.
import type { ValidateFunction } from 'ajv';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors/app-error.ts';
import type { EntityPermission, FieldSchema } from '../registry/definition-types.ts';
import { assertValid } from '../support/validate-body.ts';
import type { CompiledEntity } from './compile-entity.ts';
import { uniqueKeyValues } from './derived-columns.ts';
import { assertNoHiddenFields, hiddenFields } from './hidden-fields.ts';

export function isObjectBody(body: unknown): body is Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body);
}

/**
 * Validation failures answer with a field's own error code when the definition gives one
 * (eKYC: a bad PAN is FE_PAN_INVALID, in a signup or in a step's input alike).
 */
export function assertValidFields(fields: Readonly<Record<string, FieldSchema>>, validate: ValidateFunction, data: unknown, prefix = ''): void {
  try {
    assertValid(validate, data, prefix);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const at = prefix ? prefix.replace(/[.$[\]]/g, '\\$&') : '\\$';
    const field = err.details?.map((d) => new RegExp(`^${at}\\.([A-Za-z0-9_]+)`).exec(d.path)?.[1]).find((f) => f && fields[f]?.errorCode);
    if (!field) throw err;
    throw new AppError(err.code, err.message, { details: err.details, publicCode: String(fields[field]!.errorCode) });
  }
}

/** A move's `requires`: each field present and not empty, else 400 with the first missing field's own code. */
export function assertRequiredInput(required: readonly string[], fields: Readonly<Record<string, FieldSchema>>, input: Readonly<Record<string, unknown>>, prefix: string): void {
  const missing = required.filter((f) => input[f] === undefined || input[f] === null || input[f] === '');
  if (!missing.length) return;
  const coded = missing.find((f) => fields[f]?.errorCode);
  throw new AppError('VALIDATION_FAILED', undefined, {
    details: missing.map((f) => ({ path: `${prefix}.${f}`, message: 'Required for this step' })),
    ...(coded ? { publicCode: String(fields[coded]!.errorCode) } : {}),
  });
}

/**
 * A scoped actor may only create or move records into their own scope (`own`: every value their
 * scope reaches, derived ones included — record-scope.ts): stamp it, refuse others.
 */
export function applyScopeOnWrite(permission: EntityPermission, own: readonly string[] | undefined, data: Record<string, unknown>, creating: boolean): void {
  const scope = permission.scope;
  if (!scope || !own) return;
  if (scope.field in data && !own.includes(String(data[scope.field]))) {
    throw new AppError('FORBIDDEN', `"${scope.field}" must be within your scope`, { details: [{ path: `$.${scope.field}`, message: 'Outside your scope' }] });
  }
  // With one value in scope the record is stamped with it; with several the caller names one.
  if (creating && !(scope.field in data) && own.length === 1) data[scope.field] = own[0];
}

/**
 * Values a role's writes always carry (`fixed`: a customer's lead comes from customer_app): another
 * value is refused as a scope is; on create, an absent one is stamped.
 */
export function applyFixedOnWrite(actor: Actor, permission: EntityPermission, data: Record<string, unknown>, creating: boolean): void {
  const fixed = Object.entries(permission.fixed ?? {});
  const other = fixed.filter(([f, v]) => f in data && data[f] !== v);
  if (other.length) {
    throw new AppError('FORBIDDEN', `Role "${actor.role}" writes ${other.map(([f, v]) => `${f} = ${JSON.stringify(v)}`).join(', ')} only`, {
      details: other.map(([f, v]) => ({ path: `$.${f}`, message: `Must be ${JSON.stringify(v)} (or left out) for role "${actor.role}"` })),
    });
  }
  if (creating) for (const [f, v] of fixed) if (!(f in data)) data[f] = v;
}

/** Computed fields are the server's to set: a client sending one is refused, never overridden silently. */
export function assertNotComputed(entity: CompiledEntity, body: Record<string, unknown>): void {
  const sent = Object.keys(entity.definition.computed ?? {}).filter((f) => Object.hasOwn(body, f));
  if (sent.length) throw new AppError('VALIDATION_FAILED', undefined, { details: sent.map((f) => ({ path: `$.${f}`, message: `"${f}" is computed by the server; leave it out` })) });
}

/** Before the record is read: the change's shape, the fields this role may see and change, its scope. */
export function checkChangeRequest(entity: CompiledEntity, permission: EntityPermission, actor: Actor, own: readonly string[] | undefined, changes: Record<string, unknown>): void {
  assertNoHiddenFields(hiddenFields(permission), actor.role, changes);
  assertNotComputed(entity, changes);
  assertValidFields(entity.fields, entity.validatePatch, changes);
  if (Array.isArray(permission.update)) {
    const allowed = new Set(permission.update);
    const denied = Object.keys(changes).filter((f) => !allowed.has(f));
    if (denied.length) throw new AppError('FORBIDDEN', `Role "${actor.role}" may only change ${permission.update.join(', ')}`, { details: denied.map((f) => ({ path: `$.${f}`, message: 'Not yours to change' })) });
  }
  applyScopeOnWrite(permission, own, changes, false);
  applyFixedOnWrite(actor, permission, changes, false);
}

/**
 * Fields set once at creation (amounts), and fields that freeze once the record moves on (an
 * invoice number after verification), judged against the state the record is in now.
 */
export function assertFieldsEditable(entity: CompiledEntity, changes: Record<string, unknown>, state: string | null): void {
  const frozen = Object.keys(changes).filter((f) => {
    const field = entity.fields[f];
    const states = field?.editableIn as string[] | undefined;
    return field?.immutable === true || (states && !states.includes(state ?? ''));
  });
  if (!frozen.length) return;
  throw new AppError('FIELD_LOCKED', `${frozen.join(', ')} can no longer be changed in state "${state}"`, {
    details: frozen.map((f) => ({ path: `$.${f}`, message: entity.fields[f]!.immutable ? 'Set when the record was created; it cannot change' : `Editable only in ${(entity.fields[f]!.editableIn as string[]).join(', ')}` })),
  });
}

export interface KeyChanges {
  dropKeys: { keyName: string; value: string }[];
  addKeys: { keyName: string; value: string }[];
}

/** The unique-key values a change gives up and takes (unchanged ones are left alone). */
export function keyChanges(entity: CompiledEntity, before: Record<string, unknown>, after: Record<string, unknown>): KeyChanges {
  const b = uniqueKeyValues(entity, before);
  const a = uniqueKeyValues(entity, after);
  const same = (x: { keyName: string; value: string }, y: { keyName: string; value: string }) => x.keyName === y.keyName && x.value === y.value;
  return {
    dropKeys: b.filter((k) => !a.some((x) => same(k, x))).map(({ keyName, value }) => ({ keyName, value })),
    addKeys: a.filter((k) => !b.some((x) => same(k, x))).map(({ keyName, value }) => ({ keyName, value })),
  };
}

/** A taken unique key (23505) as the client should hear it. */
export function duplicateError(entity: CompiledEntity, data: Record<string, unknown>, err: unknown): AppError {
  const keys = uniqueKeyValues(entity, data);
  return new AppError('DUPLICATE', `A ${entity.name} with the same ${keys.map((k) => k.fields.join(' + ')).join(' or ')} already exists`, {
    details: keys.flatMap((k) => k.fields.map((f) => ({ path: `$.${f}`, message: 'Already used by another record' }))),
    cause: err,
  });
}
