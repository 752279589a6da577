// The contract every effect implements. Effects are planned as data first (like the actions xstate's
// transition() returns), then the caller writes the plan with the record and runs what is left.
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { EntityDef, WorkflowDef } from '../registry/definition-types.ts';
import type { OutboxRow } from '../notify/outbox-row.ts';
import type { OtpService } from '../otp/otp-service.ts';
import type { Prisma } from '../store/database.ts';
import type { BlobProvider } from '../plugin-api.ts';
import type { Logger } from '../support/logger.ts';

/** Where a workflow declares effects: `onCreate`, a transition's `effects`, the workflow-wide `effects`. */
export type EffectPlace = 'onCreate' | 'transition' | 'workflow';

/** What values inside effects ("{{record.name}}") and message templates read. */
export interface EffectContext {
  record: Record<string, unknown>;
  actor: Record<string, unknown>;
  input: Record<string, unknown>;
  remarks?: string;
  now: string;
  app?: { id: string; name: string };
  /** Only a move with a verification step: what the provider learnt ({{verification.registeredName}}). */
  verification?: Record<string, unknown>;
  /** Only a route's `response`: the record session a create answered ({{session.token}}). */
  session?: Record<string, unknown>;
}

/** The change an effect is planned for. */
export interface EffectTarget {
  app: CompiledApp;
  recordId: string | null;
  /** Identifies the change (app, record, version): outbox idempotency keys derive from it. */
  key: string;
  /** Position of the effect in the change's list, so two effects of one change never share a key. */
  index: number;
}

/** What one effect will do, as data. */
export interface EffectPlanPart<Step> {
  /** Record fields to change, written with the record. */
  fields?: Record<string, unknown>;
  /** Messages written to the outbox with the record. */
  outbox?: OutboxRow[];
  /** Work for the `deliver` step, inside the write's transaction once the record is written. */
  deliver?: Step;
  /**
   * Work for the `prepare` step: once the record is final (computed fields, checks) and before it
   * is written; the fields it answers are written with the record (a rendered PDF's key and hash).
   */
  prepare?: Step;
  /** Why the effect does nothing this time (a message without a recipient), for the log. */
  skipped?: { message: string; detail: Record<string, unknown> };
}

/** What a deliver step may use: the write's transaction and the services that act within it. */
export interface DeliverDeps {
  tx: Prisma.TransactionClient;
  otp: Pick<OtpService, 'issueIn'>;
  /** Records read and created inside the write's transaction (the `create` effect). */
  records: RecordsInTransaction;
  app: CompiledApp;
  recordId: string;
}

export interface RecordsInTransaction {
  /** A live record's view (its fields, id, state), or undefined. */
  read(tx: Prisma.TransactionClient, app: CompiledApp, entity: string, id: string): Promise<Record<string, unknown> | undefined>;
  /** Creates a record as a create would (checked, computed, keyed, its onCreate effects), on behalf of `actor`. */
  createIn(tx: Prisma.TransactionClient, app: CompiledApp, entity: string, data: Record<string, unknown>, actor: Record<string, unknown>, depth?: number): Promise<string>;
  /**
   * Fires an event on a record as a move would (the `move` effect), on behalf of `actor`: their
   * permission and scope on it, the workflow's decision, its effects, timeline, audit and outbox.
   */
  moveIn(tx: Prisma.TransactionClient, app: CompiledApp, entity: string, id: string, ask: MoveAsk, actor: Record<string, unknown>, depth?: number): Promise<void>;
}

/** What a move effect asks of its target: the event, and the move's input and remarks. */
export interface MoveAsk {
  event: string;
  input?: Record<string, unknown>;
  remarks?: string;
}

/** What a prepare step may use: the record as it will be written, and the app's blob store. */
export interface PrepareDeps {
  app: CompiledApp;
  entity: string;
  recordId: string;
  /** The record as the write will store it: its fields (computed ones included), id, state and version. */
  record: Readonly<Record<string, unknown>>;
  /** The write's time (renderedAt, a document's dates). */
  now: Date;
  blob: BlobProvider;
  logger: Logger;
}

/** What a prepare step did: fields for the record, and how to give up its work when the write fails. */
export interface Prepared {
  fields: Record<string, unknown>;
  /** The write did not happen (refused, rolled back): what was made for it is no one's (an orphan). */
  abandon?(): Promise<void>;
}

/** What an effect's load-time check sees, and where it reports. */
export interface EffectCheckContext {
  /** JSON path of the effect in its workflow file ($.transitions[2].effects[0]). */
  path: string;
  entity: EntityDef | undefined;
  /** Every entity of the app (an effect that creates or reads another entity's records). */
  entities: ReadonlyMap<string, EntityDef>;
  workflow: WorkflowDef;
  /** Every workflow of the app (an effect that moves another entity's records); absent: not checked. */
  workflows?: ReadonlyMap<string, WorkflowDef>;
  /** Definitions refused by their schema ("entity:lead"): their own problem is reported, not one for each reference. */
  malformed?: ReadonlySet<string>;
  templates: ReadonlyMap<string, { channel: 'sms' | 'email'; variables: readonly string[] }>;
  /** The app's documents (the `render` effect), with the entity each names. */
  documents: ReadonlyMap<string, { entity?: string }>;
  /** The effects are a move's with a verification step: they may read {{verification.<fact>}}. */
  verifies?: boolean;
  /** Records a problem at a JSON path of the workflow's file. */
  add(path: string, message: string): void;
}

export interface EffectModule<Body, Step = never> {
  /** Its JSON Schema: a pointer into definitions/_schema, where editors read it too. */
  readonly schema: string;
  /** Where it may be declared (onCreate, a transition, the workflow's own effects): checked at load, the problem naming the places. */
  readonly places: readonly EffectPlace[];
  /**
   * `change`: it changes the record itself and reads the record as the change found it;
   * `after`: it reads the record as the change leaves it (the `change` effects applied, the new state).
   */
  readonly phase: 'change' | 'after';
  /** Load-time checks a JSON Schema cannot express (the names and paths it uses exist). */
  check(body: Body, at: EffectCheckContext): void;
  /** Pure: what the effect will do for this change. */
  plan(body: Body, ctx: EffectContext, target: EffectTarget): EffectPlanPart<Step>;
  /** Runs a planned step inside the write's transaction (what cannot be a row written with the record). */
  deliver?(step: Step, deps: DeliverDeps): Promise<void>;
  /** Runs a planned step before the write, on the record as it will be written (see EffectPlanPart.prepare). */
  prepare?(step: Step, deps: PrepareDeps): Promise<Prepared>;
}
