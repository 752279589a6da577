import pg from 'pg';
import type { ExpectedTable } from './prisma-schema.ts';

/** Reads tables, columns, indexes and foreign keys of the public schema in the same shape. */
export async function readDatabaseShape(url: string): Promise<ExpectedTable[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const cols = await c.query<{ table_name: string; column_name: string; udt_name: string; is_nullable: string; datetime_precision: number | null }>(
      `SELECT table_name, column_name, udt_name, is_nullable, datetime_precision FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name, ordinal_position`,
    );
    const idx = await c.query<{ table: string; name: string; unique: boolean; method: string; columns: string[] }>(
      `SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique, am.amname AS method,
              array_agg(a.attname::text ORDER BY k.ord) AS columns
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam
       CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
       GROUP BY t.relname, i.relname, ix.indisunique, am.amname`,
    );
    const fks = await c.query<{ table: string; name: string }>(
      `SELECT conrelid::regclass::text AS table, conname AS name FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`,
    );
    const tables = new Map<string, ExpectedTable>();
    const table = (name: string) => tables.get(name) ?? tables.set(name, { name, columns: [], indexes: [], foreignKeys: [] }).get(name)!;
    for (const r of cols.rows) {
      table(r.table_name).columns.push({ name: r.column_name, udt: r.udt_name, nullable: r.is_nullable === 'YES', precision: r.datetime_precision ?? undefined });
    }
    for (const r of idx.rows) table(r.table).indexes.push({ name: r.name, columns: r.columns, unique: r.unique, method: r.method });
    for (const r of fks.rows) table(r.table.replace(/"/g, '')).foreignKeys.push(r.name);
    return [...tables.values()];
  } finally {
    await c.end();
  }
}

/** Every difference between the two, as sentences; empty when they agree. */
export function compareShapes(expected: ExpectedTable[], actual: ExpectedTable[]): string[] {
  const out: string[] = [];
  const byName = <T extends { name: string }>(xs: T[]) => new Map(xs.map((x) => [x.name, x]));
  const exp = byName(expected);
  const act = byName(actual);
  for (const name of new Set([...exp.keys(), ...act.keys()])) {
    const e = exp.get(name);
    const a = act.get(name);
    if (!e) { out.push(`table ${name} is in the database but not in schema.prisma`); continue; }
    if (!a) { out.push(`table ${name} is in schema.prisma but not in the database`); continue; }
    const ec = byName(e.columns);
    const ac = byName(a.columns);
    for (const col of new Set([...ec.keys(), ...ac.keys()])) {
      const x = ec.get(col);
      const y = ac.get(col);
      if (!x) out.push(`${name}.${col} is in the database but not in schema.prisma`);
      else if (!y) out.push(`${name}.${col} is in schema.prisma but not in the database`);
      else {
        const udtX = x.udt === 'timestamp' && y.udt === 'timestamp' ? 'timestamp' : x.udt;
        if (udtX !== y.udt) out.push(`${name}.${col}: schema.prisma says ${x.udt}, the database has ${y.udt}`);
        if (x.nullable !== y.nullable) out.push(`${name}.${col}: schema.prisma says ${x.nullable ? 'nullable' : 'NOT NULL'}, the database disagrees`);
        if (x.precision !== undefined && x.precision !== y.precision) out.push(`${name}.${col}: precision ${x.precision} in schema.prisma, ${y.precision} in the database`);
      }
    }
    const ei = byName(e.indexes);
    const ai = byName(a.indexes);
    for (const idx of new Set([...ei.keys(), ...ai.keys()])) {
      const x = ei.get(idx);
      const y = ai.get(idx);
      if (!x) out.push(`index ${idx} is in the database but not in schema.prisma`);
      else if (!y) out.push(`index ${idx} is in schema.prisma but not in the database`);
      else if (x.unique !== y.unique || x.method !== y.method || x.columns.join() !== y.columns.join()) {
        out.push(`index ${idx}: schema.prisma ${JSON.stringify(x)}, database ${JSON.stringify(y)}`);
      }
    }
    for (const fk of new Set([...e.foreignKeys, ...a.foreignKeys])) {
      if (!e.foreignKeys.includes(fk)) out.push(`foreign key ${fk} is in the database but not in schema.prisma`);
      if (!a.foreignKeys.includes(fk)) out.push(`foreign key ${fk} is in schema.prisma but not in the database`);
    }
  }
  return out;
}
