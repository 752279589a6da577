// Record persistence that Prisma's query builder cannot express: row locks and JSONB sort/keyset.
import type pg from 'pg';
import { Prisma, type Database } from '../store/database.ts';
import type { ListQuery } from './list-query.ts';
import type { RecordRow } from './record-row.ts';
import { UUID_RE } from '../support/uuid.ts';


/** A records row as pg returns it: the same columns as RecordRow, snake_case where they differ. */
type RawRow = Pick<RecordRow, 'id' | 'app' | 'entity' | 'state' | 'version' | 'data' | 'release'> & {
  scope_tags: string[] | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  sort_value?: unknown;
};

const COLUMN_LIST = 'id, app, entity, state, version, data, release, scope_tags, created_by, created_at, updated_at, deleted_at';
const COLUMNS = Prisma.raw(COLUMN_LIST);

function toRow(r: RawRow): RecordRow {
  return {
    id: r.id,
    app: r.app,
    entity: r.entity,
    state: r.state,
    version: r.version,
    data: r.data,
    release: r.release ?? null,
    scopeTags: r.scope_tags ?? [],
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deletedAt: r.deleted_at,
  };
}


/** Loads a live record (no lock: decisions are checked against its version when written). */
export async function findRecord(db: Database, app: string, entity: string, id: string): Promise<RecordRow | undefined> {
  if (!UUID_RE.test(id)) return undefined;
  // Named: each pooled connection prepares the statement once and reuses its plan.
  const { rows } = await db.sql.query<RawRow>({
    name: 'rulepath-find-record',
    text: `SELECT ${COLUMN_LIST} FROM records WHERE id = $1::uuid AND app = $2 AND entity = $3 AND deleted_at IS NULL`,
    values: [id, app, entity],
  });
  return rows[0] ? toRow(rows[0]) : undefined;
}

/** The live records of an entity in any of `states`, oldest first (what a scheduled job looks at). */
export async function recordsInStates(sql: Queryable, app: string, entity: string, states: readonly string[]): Promise<RecordRow[]> {
  const { rows } = await sql.query<RawRow>(
    `SELECT ${COLUMN_LIST} FROM records WHERE app = $1 AND entity = $2 AND state = ANY($3::text[]) AND deleted_at IS NULL ORDER BY created_at, id`,
    [app, entity, states],
  );
  return rows.map(toRow);
}

/** Loads and locks a live record (FOR UPDATE) for the rest of the transaction. */
export async function lockRecord(tx: Prisma.TransactionClient, app: string, entity: string, id: string): Promise<RecordRow | undefined> {
  if (!UUID_RE.test(id)) return undefined;
  const rows = await tx.$queryRaw<RawRow[]>`
    SELECT ${COLUMNS} FROM records
    WHERE id = ${id}::uuid AND app = ${app} AND entity = ${entity} AND deleted_at IS NULL
    FOR UPDATE`;
  return rows[0] ? toRow(rows[0]) : undefined;
}

const COLUMN_SORTS: Record<string, Prisma.Sql> = {
  createdAt: Prisma.sql`created_at`,
  updatedAt: Prisma.sql`updated_at`,
};

/** Sorts on a timestamp column: their cursor value is compared as timestamptz, any other as jsonb. */
export const isTimestampSort = (field: string): boolean => Object.hasOwn(COLUMN_SORTS, field);

/** Sort expression: a timestamp column, the state column, or a JSONB field (null sorts first). */
function sortExpression(field: string, stateField: string | undefined): Prisma.Sql {
  if (isTimestampSort(field)) return COLUMN_SORTS[field]!;
  if (field === stateField) return Prisma.sql`COALESCE(to_jsonb(state), 'null'::jsonb)`;
  return Prisma.sql`COALESCE(data -> ${field}, 'null'::jsonb)`;
}

export async function listRecords(
  db: Database,
  scope: { app: string; entity: string; stateField?: string; scopeTags?: string[] },
  q: ListQuery,
): Promise<{ rows: RecordRow[]; sortValues: unknown[] }> {
  const where: Prisma.Sql[] = [Prisma.sql`app = ${scope.app}`, Prisma.sql`entity = ${scope.entity}`, Prisma.sql`deleted_at IS NULL`];
  if (scope.scopeTags !== undefined) where.push(scope.scopeTags.length ? Prisma.sql`scope_tags && ARRAY[${Prisma.join(scope.scopeTags)}]::text[]` : Prisma.sql`false`);
  for (const f of q.filters) {
    const target = f.field === scope.stateField ? Prisma.sql`state` : Prisma.sql`data ->> ${f.field}`;
    where.push(Prisma.sql`${target} IN (${Prisma.join(f.values)})`);
  }
  const sortExpr = sortExpression(q.sort.field, scope.stateField);
  const isColumn = isTimestampSort(q.sort.field);
  if (q.cursor) {
    const value = isColumn ? Prisma.sql`${String(q.cursor.value)}::timestamptz` : Prisma.sql`${JSON.stringify(q.cursor.value)}::jsonb`;
    where.push(
      q.sort.descending
        ? Prisma.sql`(${sortExpr}, id) < (${value}, ${q.cursor.id}::uuid)`
        : Prisma.sql`(${sortExpr}, id) > (${value}, ${q.cursor.id}::uuid)`,
    );
  }
  const direction = q.sort.descending ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const rows = await db.$queryRaw<RawRow[]>`
    SELECT ${COLUMNS}, ${sortExpr} AS sort_value FROM records
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY ${sortExpr} ${direction}, id ${direction}
    LIMIT ${q.limit + 1}`;
  return {
    rows: rows.map(toRow),
    sortValues: rows.map((r) => (r.sort_value instanceof Date ? r.sort_value.toISOString() : r.sort_value)),
  };
}

export interface TransitionWrite {
  id: string;
  /** The version the decision was made on: the write lands only if nobody wrote in between. */
  expectedVersion: number;
  toState: string;
  data: Record<string, unknown>;
  scopeTags: string[];
  /** Unique-key values the record gives up and takes (fields changed with the move). */
  dropKeys: { keyName: string; value: string }[];
  addKeys: { keyName: string; value: string }[];
  at: Date;
  timeline: { event: string; fromState: string | null; actorId: string; role: string; override: boolean; remarks?: string; input?: Record<string, unknown> };
  audit: { action: string; before: unknown; after: unknown; detail: unknown };
  /** Outbox rows (outboxRecordset JSON), written only if the update lands. */
  outbox: string;
  /** A promotion's compiled form, stored with its activation. */
  compiled?: { app: string; ruleset: string; compiled: unknown; at: Date };
}

const jsonb = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/**
 * The CTEs that move a record's unique keys with its update (`updated`): the values it gives up
 * (parameter `drop`) and takes (`add`), each a JSON list of { keyName, value }.
 */
function keyChanges(drop: number, add: number): string {
  return `dropped AS (
       DELETE FROM record_keys k USING updated, jsonb_to_recordset($${drop}::jsonb) AS d("keyName" text, value text)
       WHERE k.record_id = updated.id AND k.app = updated.app AND k.entity = updated.entity AND k.key_name = d."keyName" AND k.value = d.value
     ), added AS (
       INSERT INTO record_keys (app, entity, key_name, value, record_id)
       SELECT updated.app, updated.entity, a."keyName", a.value, updated.id FROM updated, jsonb_to_recordset($${add}::jsonb) AS a("keyName" text, value text)
     )`;
}

/**
 * The record update, its timeline entry and its audit entry as one statement: atomic without an
 * explicit transaction, and one round trip on the hottest path of the engine. Returns undefined
 * when the version moved on (a concurrent change won the race): the caller decides again.
 */
/** Something that runs SQL: the pool, or one checked-out client inside a transaction. */
export interface Queryable {
  query: pg.Pool['query'];
}

/** The record statements inside a Prisma transaction (with a request id claim, dedupe, OTP). */
export function inTransaction(tx: Prisma.TransactionClient): Queryable {
  return {
    query: (async (config: string | { text: string; values?: unknown[] }, values?: unknown[]) => {
      const { text, values: given } = typeof config === 'string' ? { text: config, values } : config;
      return { rows: await tx.$queryRawUnsafe(text, ...(given ?? [])) };
    }) as unknown as pg.Pool['query'],
  };
}

export async function writeTransition(sql: Queryable, w: TransitionWrite): Promise<RecordRow | undefined> {
  const t = w.timeline;
  const values: unknown[] = [
    w.id, w.expectedVersion, w.toState, JSON.stringify(w.data), w.scopeTags, w.at,
    t.event, t.fromState, t.actorId, t.role, t.override, t.remarks ?? null, jsonb(t.input),
    w.audit.action, jsonb(w.audit.before), jsonb(w.audit.after), jsonb(w.audit.detail), w.outbox,
  ];
  const param = (v: unknown) => `$${values.push(v)}`;
  // Unique keys move only with fields sent along with the move, and the compiled form rides along
  // only on activation: the hot path (a plain move) keeps its own, smaller prepared statement.
  const keys = w.dropKeys.length || w.addKeys.length ? `, ${keyChanges(values.push(JSON.stringify(w.dropKeys)), values.push(JSON.stringify(w.addKeys)))}` : '';
  const compiled = w.compiled
    ? `, compiled AS (
       INSERT INTO compiled_rules (app, ruleset, record_id, record_version, compiled, compiled_at)
       SELECT app, ${param(w.compiled.ruleset)}, id, version, ${param(JSON.stringify(w.compiled.compiled))}::jsonb, $6 FROM updated
       ON CONFLICT (app, ruleset, record_id) DO UPDATE SET record_version = EXCLUDED.record_version, compiled = EXCLUDED.compiled, compiled_at = EXCLUDED.compiled_at
     )`
    : '';
  const { rows } = await sql.query<RawRow>({
    name: `rulepath-write-transition${keys ? '-keys' : ''}${compiled ? '-compiled' : ''}`,
    text: `WITH updated AS (
       UPDATE records
       SET state = $3, data = $4::jsonb, version = version + 1, scope_tags = $5::text[], updated_at = $6
       WHERE id = $1::uuid AND version = $2 AND deleted_at IS NULL
       RETURNING ${COLUMN_LIST}
     ), timeline AS (
       INSERT INTO timeline_entries (record_id, app, entity, event, from_state, to_state, actor_id, role, override, remarks, input, at)
       SELECT id, app, entity, $7, $8, state, $9, $10, $11, $12, $13::jsonb, $6 FROM updated
     ), audit AS (
       INSERT INTO audit_entries (app, entity, record_id, action, outcome, actor_id, role, before, after, detail, at)
       SELECT app, entity, id, $14, 'accepted', $9, $10, $15::jsonb, $16::jsonb, $17::jsonb, $6 FROM updated
     ), outbox AS (
       INSERT INTO outbox_messages (id, app, channel, record_id, template, recipient, payload, idempotency_key, status, last_error, next_attempt_at, created_at)
       SELECT m.id, m.app, m.channel, m."recordId", m.template, m.recipient, m.payload, m."idempotencyKey", m.status, m."lastError", m."nextAttemptAt", m."createdAt"
       FROM updated, jsonb_to_recordset($18::jsonb) AS m(id uuid, app text, channel text, "recordId" uuid, template text, recipient text, payload jsonb,
            "idempotencyKey" text, status text, "lastError" text, "nextAttemptAt" timestamptz, "createdAt" timestamptz)
     )${keys}${compiled}
     SELECT * FROM updated`,
    values,
  });
  return rows[0] ? toRow(rows[0]) : undefined;
}

export interface RecordInsert {
  id: string;
  app: string;
  entity: string;
  state: string | null;
  data: Record<string, unknown>;
  scopeTags: string[];
  keys: { keyName: string; value: string }[];
  actorId: string;
  role: string;
  at: Date;
  /** Outbox rows (outboxRecordset JSON). */
  outbox: string;
  /** The release a record of a pinned workflow follows (the live one when it is created). */
  release?: number | null;
}

/**
 * A plain create as one statement: the record, its unique keys, its first timeline entry, its audit
 * entry and its outbox rows. A taken unique key fails the whole statement (23505), nothing is left.
 */
export async function insertRecord(sql: Queryable, w: RecordInsert): Promise<RecordRow> {
  const { rows } = await sql.query<RawRow>({
    name: 'rulepath-insert-record',
    text: `WITH inserted AS (
       INSERT INTO records (id, app, entity, state, version, data, scope_tags, created_by, created_at, updated_at, release)
       VALUES ($1::uuid, $2, $3, $4, 1, $5::jsonb, $6::text[], $7, $8, $8, $13::int)
       RETURNING ${COLUMN_LIST}
     ), keys AS (
       INSERT INTO record_keys (app, entity, key_name, value, record_id)
       SELECT inserted.app, inserted.entity, k."keyName", k.value, inserted.id FROM inserted, jsonb_to_recordset($9::jsonb) AS k("keyName" text, value text)
     ), timeline AS (
       INSERT INTO timeline_entries (record_id, app, entity, event, from_state, to_state, actor_id, role, override, at)
       SELECT id, app, entity, 'create', NULL, state, $7, $10, false, $8 FROM inserted WHERE state IS NOT NULL
     ), audit AS (
       INSERT INTO audit_entries (app, entity, record_id, action, outcome, actor_id, role, after, at)
       SELECT app, entity, id, 'record.create', 'accepted', $7, $10, $11::jsonb, $8 FROM inserted
     ), outbox AS (
       INSERT INTO outbox_messages (id, app, channel, record_id, template, recipient, payload, idempotency_key, status, last_error, next_attempt_at, created_at)
       SELECT m.id, m.app, m.channel, m."recordId", m.template, m.recipient, m.payload, m."idempotencyKey", m.status, m."lastError", m."nextAttemptAt", m."createdAt"
       FROM inserted, jsonb_to_recordset($12::jsonb) AS m(id uuid, app text, channel text, "recordId" uuid, template text, recipient text, payload jsonb,
            "idempotencyKey" text, status text, "lastError" text, "nextAttemptAt" timestamptz, "createdAt" timestamptz)
     )
     SELECT * FROM inserted`,
    values: [w.id, w.app, w.entity, w.state, JSON.stringify(w.data), w.scopeTags, w.actorId, w.at, JSON.stringify(w.keys), w.role, JSON.stringify({ state: w.state, data: w.data }), w.outbox, w.release ?? null],
  });
  return toRow(rows[0]!);
}

export interface RecordUpdate {
  id: string;
  expectedVersion: number;
  data: Record<string, unknown>;
  scopeTags: string[];
  /** Unique-key values the record gives up and takes (unchanged ones are left alone). */
  dropKeys: { keyName: string; value: string }[];
  addKeys: { keyName: string; value: string }[];
  actorId: string;
  role: string;
  before: Record<string, unknown>;
  at: Date;
}

/**
 * A field change as one statement: the record (if still at the version the change was decided on),
 * its unique keys, its audit entry. Undefined when another write came first.
 */
export async function updateRecordData(sql: Queryable, w: RecordUpdate): Promise<RecordRow | undefined> {
  const { rows } = await sql.query<RawRow>({
    name: 'rulepath-update-record',
    text: `WITH updated AS (
       UPDATE records SET data = $3::jsonb, version = version + 1, scope_tags = $4::text[], updated_at = $5
       WHERE id = $1::uuid AND version = $2 AND deleted_at IS NULL
       RETURNING ${COLUMN_LIST}
     ), ${keyChanges(6, 7)}, audit AS (
       INSERT INTO audit_entries (app, entity, record_id, action, outcome, actor_id, role, before, after, at)
       SELECT app, entity, id, 'record.update', 'accepted', $8, $9, $10::jsonb, $3::jsonb, $5 FROM updated
     )
     SELECT * FROM updated`,
    values: [w.id, w.expectedVersion, JSON.stringify(w.data), w.scopeTags, w.at, JSON.stringify(w.dropKeys), JSON.stringify(w.addKeys), w.actorId, w.role, JSON.stringify(w.before)],
  });
  return rows[0] ? toRow(rows[0]) : undefined;
}

/** The live records of an entity within scope tags (undefined: all), a batch at a time in id order (keyset), for a sync bundle. */
export async function recordsAfter(sql: Queryable, app: string, entity: string, scopeTags: string[] | undefined, afterId: string | null, limit: number): Promise<RecordRow[]> {
  if (scopeTags !== undefined && !scopeTags.length) return [];
  const { rows } = await sql.query<RawRow>(
    `SELECT ${COLUMN_LIST} FROM records WHERE app = $1 AND entity = $2 AND deleted_at IS NULL
       AND ($3::text[] IS NULL OR scope_tags && $3::text[]) AND ($4::uuid IS NULL OR id > $4::uuid)
     ORDER BY id LIMIT $5`,
    [app, entity, scopeTags ?? null, afterId, limit],
  );
  return rows.map(toRow);
}

/**
 * What a sync bundle's ETag is made of, per entity within scope: how many live records, their
 * newest change and the sum of their versions — any create, change or delete moves one of them.
 */
export async function scopeFingerprint(sql: Queryable, app: string, entity: string, scopeTags: string[] | undefined): Promise<string> {
  if (scopeTags !== undefined && !scopeTags.length) return '0';
  const { rows } = await sql.query<{ n: string; newest: Date | null; versions: string | null; deleted: Date | null }>(
    `SELECT count(*) FILTER (WHERE deleted_at IS NULL) AS n, max(updated_at) FILTER (WHERE deleted_at IS NULL) AS newest,
            sum(version) FILTER (WHERE deleted_at IS NULL) AS versions, max(deleted_at) AS deleted
       FROM records WHERE app = $1 AND entity = $2 AND ($3::text[] IS NULL OR scope_tags && $3::text[])`,
    [app, entity, scopeTags ?? null],
  );
  const r = rows[0]!;
  return `${r.n}|${r.newest?.toISOString() ?? ''}|${r.versions ?? 0}|${r.deleted?.toISOString() ?? ''}`;
}
