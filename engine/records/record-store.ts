// Record persistence that Prisma's query builder cannot express: row locks and JSONB sort/keyset.
import { Prisma, type Database } from '../store/database.ts';
import type { ListQuery } from './list-query.ts';
import type { RecordRow } from './record-row.ts';

type Tx = Prisma.TransactionClient | Database;

interface RawRow {
  id: string;
  app: string;
  entity: string;
  state: string | null;
  version: number;
  data: Record<string, unknown>;
  scope_tags: string[] | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  sort_value?: unknown;
}

const COLUMNS = Prisma.sql`id, app, entity, state, version, data, scope_tags, created_by, created_at, updated_at, deleted_at`;

function toRow(r: RawRow): RecordRow {
  return {
    id: r.id,
    app: r.app,
    entity: r.entity,
    state: r.state,
    version: r.version,
    data: r.data,
    scopeTags: r.scope_tags ?? [],
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deletedAt: r.deleted_at,
  };
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Loads a live record, optionally locking it (FOR UPDATE) for the rest of the transaction. */
export async function findRecord(tx: Tx, app: string, entity: string, id: string, lock = false): Promise<RecordRow | undefined> {
  if (!UUID_RE.test(id)) return undefined;
  const rows = await tx.$queryRaw<RawRow[]>`
    SELECT ${COLUMNS} FROM records
    WHERE id = ${id}::uuid AND app = ${app} AND entity = ${entity} AND deleted_at IS NULL
    ${lock ? Prisma.sql`FOR UPDATE` : Prisma.empty}`;
  return rows[0] ? toRow(rows[0]) : undefined;
}

const COLUMN_SORTS: Record<string, Prisma.Sql> = {
  createdAt: Prisma.sql`created_at`,
  updatedAt: Prisma.sql`updated_at`,
};

/** Sort expression: a timestamp column, the state column, or a JSONB field (null sorts first). */
function sortExpression(field: string, stateField: string | undefined): Prisma.Sql {
  if (COLUMN_SORTS[field]) return COLUMN_SORTS[field]!;
  if (field === stateField) return Prisma.sql`COALESCE(to_jsonb(state), 'null'::jsonb)`;
  return Prisma.sql`COALESCE(data -> ${field}, 'null'::jsonb)`;
}

export async function listRecords(
  db: Database,
  scope: { app: string; entity: string; stateField?: string; scopeTag?: string },
  q: ListQuery,
): Promise<{ rows: RecordRow[]; sortValues: unknown[] }> {
  const where: Prisma.Sql[] = [Prisma.sql`app = ${scope.app}`, Prisma.sql`entity = ${scope.entity}`, Prisma.sql`deleted_at IS NULL`];
  if (scope.scopeTag !== undefined) where.push(Prisma.sql`scope_tags @> ARRAY[${scope.scopeTag}]::text[]`);
  for (const f of q.filters) {
    const target = f.field === scope.stateField ? Prisma.sql`state` : Prisma.sql`data ->> ${f.field}`;
    where.push(Prisma.sql`${target} IN (${Prisma.join(f.values)})`);
  }
  const sortExpr = sortExpression(q.sort.field, scope.stateField);
  const isColumn = Boolean(COLUMN_SORTS[q.sort.field]);
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
