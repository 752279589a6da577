import { Ajv, type ValidateFunction } from 'ajv';
import type { AppDef, EntityDef, FieldSchema } from '../registry/definition-types.ts';
import type { CompiledWorkflow } from '../workflow/compiled-workflow.ts';
import { addFieldFormats } from '../support/field-formats.ts';
import { SORTABLE_SYSTEM_FIELDS } from './sortable-system-fields.ts';
import { compileChecks, type CompiledCheck } from './record-checks.ts';
import { compileConditionGuard, type ConditionGuard } from '../conditions/condition-guard.ts';

export interface CompiledEntity {
  name: string;
  label: string;
  fields: Readonly<Record<string, FieldSchema>>;
  workflow?: CompiledWorkflow;
  /** Fields that ownership scopes look at; each becomes a "field:value" scope tag on the record. */
  scopeFields: readonly string[];
  uniqueKeys: readonly { name: string; fields: readonly string[]; caseInsensitive: boolean }[];
  filterable: ReadonlySet<string>;
  sortable: ReadonlySet<string>;
  validateCreate: ValidateFunction;
  validatePatch: ValidateFunction;
  /** Validates a transition's `input` against the workflow's declared input fields. */
  validateInput: ValidateFunction;
  createSchema: object;
  patchSchema: object;
  inputSchema: object;
  /** Conditions across fields every write must meet. */
  checks: readonly CompiledCheck[];
  /** The condition a new record meets to be assigned by the entity's `assign` rule. */
  assignWhen?: ConditionGuard;
  definition: EntityDef;
}

// One ajv for all record validation: formats registered once, schemas compiled once.
// validateSchema: off — a field's schema has already been checked against the (narrower) field
// schema of the entity kind; checking it again against draft-07 cost ~25 ms of every start.
const ajv = addFieldFormats(new Ajv({ allErrors: true, strict: true, strictRequired: false, useDefaults: false, coerceTypes: false, validateSchema: false }));
ajv.addKeyword({ keyword: 'label', schemaType: 'string' });
ajv.addKeyword({ keyword: 'errorCode', schemaType: 'string' });
ajv.addKeyword({ keyword: 'editableIn', schemaType: 'array' });
ajv.addKeyword({ keyword: 'immutable', schemaType: 'boolean' });
ajv.addKeyword({ keyword: 'mask', schemaType: 'boolean' });
ajv.addKeyword({ keyword: 'store', schemaType: 'boolean' });

/** A validator compiled when first used. */
function compiledOnUse(schema: object): () => ValidateFunction {
  let validate: ValidateFunction | undefined;
  return () => (validate ??= ajv.compile(schema));
}

function stripLabels(schema: FieldSchema): object {
  return JSON.parse(JSON.stringify(schema)) as object;
}

/**
 * A body of some of the entity's fields (all required), and other properties of its own: validated as
 * the record's fields are (formats and custom keywords alike), e.g. the mobile number a resumed
 * session is asked for (records/resume-record-session.ts).
 */
export function compileFieldsValidator(entity: CompiledEntity, fields: readonly string[], others: Record<string, object> = {}): ValidateFunction {
  const properties = { ...Object.fromEntries(fields.map((f) => [f, stripLabels(entity.fields[f]!)])), ...others };
  return ajv.compile({ type: 'object', additionalProperties: false, required: Object.keys(properties), properties });
}

export function compileEntity(def: EntityDef, app: AppDef, workflow: CompiledWorkflow | undefined): CompiledEntity {
  const properties = Object.fromEntries(Object.entries(def.fields).map(([k, v]) => [k, stripLabels(v)]));
  const createSchema = { type: 'object', additionalProperties: false, properties, required: def.required ?? [] };
  const patchSchema = { type: 'object', additionalProperties: false, properties, minProperties: 1 };
  // A move that needs a code takes it in its input (its own field, never stored with the input).
  const codeFields = Object.fromEntries((workflow?.transitions ?? []).filter((t) => t.otp).map((t) => [t.otp!.field, { type: 'string', minLength: 1, maxLength: 20 }]));
  const inputSchema = {
    type: 'object',
    additionalProperties: false,
    properties: { ...codeFields, ...Object.fromEntries(Object.entries(workflow?.definition.input ?? {}).map(([k, v]) => [k, stripLabels(v)])) },
  };
  const scopeFields = new Set<string>();
  for (const role of Object.values(app.roles)) {
    const scope = role.permissions?.[def.name]?.scope;
    if (scope) scopeFields.add(scope.field);
  }
  // The create schema is compiled now: a field ajv's strict mode refuses is a problem of the load,
  // not an error of the first request. The patch schema has the same fields, so it can wait for its
  // first use (most entities are patched rarely or never); so can the input schema of a workflow
  // whose moves declare no input fields of their own (a start compiles a third as much).
  const validateCreate = ajv.compile(createSchema);
  const validatePatch = compiledOnUse(patchSchema);
  const validateInput = compiledOnUse(inputSchema);
  if (Object.keys(workflow?.definition.input ?? {}).length) validateInput();
  return {
    name: def.name,
    label: def.label ?? def.name,
    fields: def.fields,
    workflow,
    scopeFields: [...scopeFields],
    uniqueKeys: (def.uniqueKeys ?? []).map((k) => ({ name: k.name, fields: k.fields, caseInsensitive: k.caseInsensitive ?? false })),
    filterable: new Set(def.filterable ?? []),
    sortable: new Set([...SORTABLE_SYSTEM_FIELDS, ...(def.sortable ?? [])]),
    validateCreate,
    get validatePatch() {
      return validatePatch();
    },
    get validateInput() {
      return validateInput();
    },
    createSchema,
    patchSchema,
    inputSchema,
    checks: compileChecks(def.checks),
    assignWhen: def.assign?.when ? compileConditionGuard(def.assign.when) : undefined,
    definition: def,
  };
}
