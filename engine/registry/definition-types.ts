// The authored shapes of each definition kind, as their JSON Schemas in definitions/_schema/ allow.
import type { TemplateDef } from '../notify/compile-template.ts';
import type { FileSlotDef } from '../files/file-slot.ts';
export type { TemplateDef };
import type { DocumentDef } from '../documents/document-def.ts';
export type { DocumentDef };
import type { Operation } from './operation-needs.ts';
import type { VerificationCheck } from '../plugin-api.ts';
export type { Operation };

export type FieldSchema = {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  label?: string;
  format?: string;
  enum?: unknown[];
  [key: string]: unknown;
};

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { fact: 'record' | 'input' | 'actor' | 'now'; path?: string; operator: string; value: unknown };

// Derived from the registry of effects: a new effect is one module there, not an edit here.
export type { Effect } from '../effects/effect-registry.ts';
import type { Effect } from '../effects/effect-registry.ts';
import type { Expression } from '../records/computed-fields.ts';
import type { EntityCheck } from '../records/record-checks.ts';

export interface ProviderRef {
  provider: string;
  config?: Record<string, unknown>;
  /** The environment variable that turns this provider on; unset, it is left out. */
  enabledBy?: string;
}

export interface ScopeRule {
  field: string;
  /** id, email, phone, or attributes.<name> (a value or a list, e.g. the stores a user may see). */
  actor: string;
  /**
   * Values derived from the data at request time: also the `key` (default: `field`) of every record
   * of `entity` whose `field` is one of the actor's values — the stores whose parentStoreId is theirs.
   */
  orVia?: { entity: string; field: string; key?: string };
}

export interface EntityPermission {
  read?: boolean;
  create?: boolean;
  /** true, or the only fields the role may change. */
  update?: boolean | string[];
  delete?: boolean;
  transition?: boolean;
  scope?: ScopeRule;
  /** Fields this role never sees, filters or sorts on, nor sends (records/hidden-fields.ts). */
  hide?: string[];
  /** Values this role's writes always carry: stamped on create when absent, another value is 403. */
  fixed?: Record<string, string | number | boolean>;
  /** A public role's key to the records it creates (auth/record-session.ts). */
  session?: {
    minutes: number;
    /** Regaining a session by a code to the value a duplicate check keys on (records/resume-record-session.ts). */
    resume?: { dedupe: string; otp: string };
  };
}

export interface RoleDef {
  label?: string;
  /** The role of callers who have not signed in (public routes). */
  public?: boolean;
  operations?: { outbox?: boolean; users?: boolean };
  /** Change sets and releases: the kinds this role may edit (true: all), and whether it may publish. */
  definitions?: { edit?: boolean | string[]; publish?: boolean; approve?: boolean };
  permissions?: Record<string, EntityPermission>;
}


export interface RouteAliasDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  operation: Operation;
  entity?: string;
  event?: string;
  targetField?: string;
  /** otp.request / otp.verify: the record OTP policy. */
  policy?: string;
  public?: boolean;
  idFrom?: string;
  /** Take the record id from the caller's record session (auth/record-session.ts). */
  idFromSession?: true;
  response?: Record<string, string>;
  /** rules.evaluate: the ruleset to evaluate. */
  ruleset?: string;
  /** files.*: the entity's attachment slot (else {slot} in the path). */
  slot?: string;
  summary?: string;
}

export interface AppDef {
  kind: 'app';
  id: string;
  name: string;
  basePath?: string;
  auth?: { password?: boolean; otp?: { policy: string }; accessTokenMinutes?: number; refreshTokenHours?: number };
  roles: Record<string, RoleDef>;
  routes?: RouteAliasDef[];
  demoUsers?: DemoUserDef[];
  /** Change sets: approvals needed before publishing (maker-checker). */
  changes?: { approvals?: number };
  /** The entities a sync bundle (GET /v1/apps/{app}/sync) carries, each within the caller's scope. */
  sync?: { entities: string[] };
  /** By provider kind (engine/providers/provider-kinds.ts): a chain in order, or one provider. */
  providers?: Record<string, ProviderRef[] | ProviderRef>;
  /** Self-registration with approval (engine/auth/user-registration.ts). */
  registration?: RegistrationDef;
}

export interface RegistrationDef {
  /** The roles one may register for: never one that manages users or definitions, nor an approver (checked at load). */
  roles: string[];
  /** Who decides, and the message (an sms or email template) an approved registrant is sent. */
  approval: { by: string[]; notify?: string };
  /** The OTP policy whose code proves the registrant's phone. */
  otp?: string;
  /** The profile fields asked, kept as attributes: text only, never an attribute a scope reads. */
  fields?: Record<string, FieldSchema>;
  required?: string[];
  /** Registration codes, and pending registrations, the app takes per hour (default 100). */
  perHour?: number;
}

export interface DemoUserDef {
  email?: string;
  phone?: string;
  role: string;
  displayName?: string;
  password?: string;
  attributes?: Record<string, string | string[]>;
}

export interface EntityDef {
  kind: 'entity';
  name: string;
  label?: string;
  workflow?: string;
  fields: Record<string, FieldSchema>;
  required?: string[];
  uniqueKeys?: { name: string; fields: string[]; caseInsensitive?: boolean }[];
  filterable?: string[];
  sortable?: string[];
  dedupe?: { name: string; field: string; windowDays: number; errorCode?: string; message?: string }[];
  /** Each client request id creates one record; a repeat answers with what it made. */
  idempotency?: { field: string };
  /** A create needs a verification token from a record OTP (a customer verified at a promotion). */
  proof?: ProofRule;
  /** Fields the server computes, in order, on every write (records/computed-fields.ts). */
  computed?: Record<string, Expression>;
  /** Conditions across fields every write must meet (records/record-checks.ts). */
  checks?: EntityCheck[];
  /** Attachment slots by name (files/file-slot.ts). */
  files?: Record<string, FileSlotDef>;
  /** Effects of every create, after the workflow's onCreate ones (a quotation's PDF rendered). */
  onCreate?: Effect[];
  /** What the timeline keeps besides accepted moves: refused attempts (records/refused-attempts.ts). */
  timeline?: { refused?: boolean };
  /** Who a new record is given to (records/assign-record.ts). */
  assign?: AssignRule;
}

export interface AssignRule {
  field: string;
  role: string;
  when?: Condition;
  strategy?: 'least-open' | 'round-robin';
  /** record field -> attributes.<name> of the user. */
  match?: Record<string, string>;
  fallback?: 'unassigned' | 'any';
}

export interface ProofRule {
  tokenField: string;
  /** The body field naming the record the verification was for (the promotion). */
  recordField: string;
  entity?: string;
  /** The verified record must still satisfy this (the promotion is still active). */
  when?: Condition;
  /** Record fields filled from the verified contact: { customerPhone: phone }. */
  copy?: Record<string, 'phone' | 'email'>;
}

export interface StateDef {
  label?: string;
  final?: boolean;
  stage?: number;
  progress?: number;
}

export interface TransitionDef {
  event: string;
  from: string | string[];
  to: string;
  roles: string[];
  when?: Condition;
  effects?: Effect[];
  requiresStage?: number;
  limit?: { max: number; errorCode?: string; message?: string };
  /** The move needs the code last sent for the record under `policy`, in the input field `field`. */
  otp?: { policy: string; field: string };
  /** A document checked through the verification providers before the move is written (verification/verification-step.ts). */
  verify?: VerifyStepDef;
  /** Taken by the engine only (a verification's review move), never asked for. */
  internal?: true;
  /** Input fields this move needs: one missing answers 400 with the field's errorCode. */
  requires?: string[];
  /** Attachment slots that must each hold a document before this move (records/required-files.ts). */
  requiresFiles?: string[];
}

export interface VerifyStepDef {
  check: VerificationCheck;
  subject: Record<string, string>;
  mismatch: { errorCode: string; message?: string };
  invalid?: { errorCode: string; message?: string };
  attempts?: number;
  review?: string;
  /** The state a move waits in when no provider could answer; a job asks again (verification/pending-verifications.ts). */
  pending?: string;
}

export type MatrixCell = string[] | { event?: string; roles: string[]; when?: Condition; effects?: Effect[] };

export interface WorkflowDef {
  kind: 'workflow';
  name: string;
  entity: string;
  field?: string;
  initial: string;
  /** latest (default): records follow the live workflow; pinned: each keeps its release until migrated. */
  follows?: 'latest' | 'pinned';
  input?: Record<string, FieldSchema>;
  states: Record<string, StateDef>;
  transitions?: TransitionDef[];
  matrix?: Record<string, Record<string, MatrixCell>>;
  effects?: Effect[];
  onCreate?: Effect[];
  override?: { roles: string[]; remarks?: 'required' | 'optional' };
}

export interface OtpPolicyDef {
  kind: 'otp';
  name: string;
  digits: number;
  validityMinutes: number;
  maxAttempts?: number;
  lockout?: { failures: number; withinMinutes: number; forMinutes: number };
  resend?: { max: number; withinMinutes: number };
  channels: ('sms' | 'email')[];
  templates?: { sms?: string; email?: string };
  mode?: 'random' | 'fixed';
  fixedCode?: string;
  /** Codes about a record: which entity, and the condition the record must meet. */
  record?: { entity: string; when?: Condition; proofMinutes?: number };
  /** Record OTPs: the roles that may request and verify codes. */
  roles?: string[];
}

export interface GroupSourceDef {
  entity: string;
  code: string;
  filter: string;
  attributes: string[];
}

export interface RulesDef {
  kind: 'rules';
  name: string;
  entity: string;
  fields: { conditions: string; benefit: string; storeGroup: string; startDate: string; endDate: string; priority?: string; exclusive?: string; name?: string };
  evaluatedIn: string[];
  compiledOn: string[];
  stores: { entity: string; key: string };
  products: { entity: string; key: string; price?: string };
  storeGroups: GroupSourceDef;
  productGroups: GroupSourceDef;
  console?: { selections?: Record<string, Record<string, string | number | boolean>> };
  /** Records of `entity` (transactions) are priced by a promotion of this ruleset on every create. */
  pricing?: PricingRule;
  /** A client-sent unit price: refused unless `override`, and then above 0 and at most the list price. */
  unitPrice?: { override?: boolean };
}

export interface PricingRule {
  entity: string;
  promotionField: string;
  storeField: string;
  itemsField: string;
  amounts: { gross: string; discount: string; net: string };
}

export interface JobDef {
  kind: 'job';
  name: string;
  label?: string;
  schedule: string;
  /** IANA time zone a cron schedule is read in; UTC when absent. */
  timezone?: string;
  steps: { entity: string; event: string; when?: Condition }[];
}

export type ImportColumn = string | { field: string; type?: 'string' | 'number' | 'integer' | 'boolean' } | { transition: true };

export interface ImportDef {
  kind: 'import';
  name: string;
  label?: string;
  entity: string;
  mode: 'upsert' | 'update';
  key: string;
  columns: Record<string, ImportColumn>;
  required?: string[];
  roles: string[];
  maxBytes?: number;
  uploadMinutes?: number;
  notify?: { template: string };
}

export interface DemoEvent {
  event: string;
  input?: Record<string, unknown>;
  as?: string;
}

export interface DemoFile {
  slot: string;
  fileName: string;
  label?: string;
  review?: { status: string; as: string; note?: string };
}

/** One demo entry: a new record (`entity`, `data`), or a change to an earlier one (`update`: its `ref`). */
export interface DemoRecordDef {
  entity?: string;
  data?: Record<string, unknown>;
  ref?: string;
  update?: string;
  /** Names a record the definitions made (a commission a move created), by one field's value. */
  find?: { entity: string; field: string; value: unknown };
  as?: string;
  events?: (string | DemoEvent)[];
  files?: DemoFile[];
}

export interface DemoDataDef {
  kind: 'demo';
  name: string;
  records: DemoRecordDef[];
}

/** A simulation request (engine/lifecycle/simulate.ts; test.schema.json#/definitions/simulation). */
export type SimulationRequest = MoveSimulation | TemplateSimulation | RulesSimulation | OtpSimulation;

export interface MoveSimulation {
  kind: 'move';
  entity: string;
  /** The record's fields, its state under the workflow's state field (absent: the initial state). */
  record?: Record<string, unknown>;
  role: string;
  event?: string;
  target?: string;
  input?: Record<string, unknown>;
  override?: boolean;
  remarks?: string;
  /** The actor's facts guards and messages read. */
  actor?: Record<string, unknown>;
  /** When the move happens (ISO 8601), for date guards. */
  now?: string;
}

export interface TemplateSimulation {
  kind: 'template';
  template: string;
  data?: Record<string, unknown>;
}

export interface SimulatedCartItem {
  sku: string;
  quantity: number;
  price: number;
  groups?: string[];
}

export interface RulesSimulation {
  kind: 'rules';
  ruleset: string;
  today?: string;
  cart: { items: SimulatedCartItem[]; store?: { key?: string; groups?: string[]; attributes?: Record<string, unknown> }; customerId?: string };
  /** Promotions as their records hold them. */
  promotions: Record<string, unknown>[];
}

export interface OtpSimulation {
  kind: 'otp';
  policy: string;
}

export interface TestExpectation {
  allowed?: boolean;
  to?: string;
  code?: string;
  output?: Record<string, unknown>;
}

export interface TestCaseDef {
  name: string;
  simulate: SimulationRequest;
  expect: TestExpectation;
}

export interface TestDef {
  kind: 'test';
  name: string;
  label?: string;
  cases: TestCaseDef[];
}

// Derived from the registry of kinds: a new kind is one module there, not an edit here.
export type { AnyDefinition, DefinitionKind } from './definition-kinds.ts';
import type { AnyDefinition } from './definition-kinds.ts';

/** A definition with the file it came from, so every problem can name its file. */
export interface SourcedDefinition<D = AnyDefinition> {
  file: string;
  definition: D;
}

/** One problem in one definition: file, JSON path, a sentence. */
export interface DefinitionProblem {
  file: string;
  path: string;
  message: string;
  /**
   * Absent (or `error`): the definitions are refused. A `warning` is reported but loads: the
   * definition works as written, yet likely not as meant (a state no move reaches).
   */
  severity?: 'error' | 'warning';
}
