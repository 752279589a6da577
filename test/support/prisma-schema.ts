// A small reader for prisma/schema.prisma, enough to compare it with a migrated database: the
// Prisma CLI that could diff them needs a schema engine that cannot be downloaded here.
import { readFileSync } from 'node:fs';

export interface ExpectedColumn {
  name: string;
  /** PostgreSQL type as information_schema spells udt_name (text, uuid, int4, _text, ...). */
  udt: string;
  nullable: boolean;
  precision?: number;
}

export interface ExpectedIndex {
  name: string;
  columns: string[];
  unique: boolean;
  method: string;
}

export interface ExpectedTable {
  name: string;
  columns: ExpectedColumn[];
  indexes: ExpectedIndex[];
  foreignKeys: string[];
}

const SCALARS: Record<string, string> = { String: 'text', Int: 'int4', BigInt: 'int8', Boolean: 'bool', DateTime: 'timestamp', Json: 'jsonb', Float: 'float8', Decimal: 'numeric' };
const NATIVE: Record<string, string> = { Uuid: 'uuid', Timestamptz: 'timestamptz', Timestamp: 'timestamp', Text: 'text', Integer: 'int4', BigInt: 'int8', JsonB: 'jsonb' };

export function readPrismaSchema(file: string): ExpectedTable[] {
  const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
  const models = [...text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)];
  const modelNames = new Set(models.map((m) => m[1]!));
  return models.map(([, modelName, body]) => {
    const lines = body!.split('\n').map((l) => l.trim()).filter(Boolean);
    const table = /@@map\("([^"]+)"\)/.exec(body!)?.[1] ?? modelName!;
    const columnOf = new Map<string, string>();
    const columns: ExpectedColumn[] = [];
    const indexes: ExpectedIndex[] = [];
    const foreignKeys: string[] = [];
    for (const line of lines.filter((l) => !l.startsWith('@@'))) {
      const m = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!m) continue;
      const [, field, type, list, optional, attrs] = m;
      if (modelNames.has(type!)) {
        const fk = /@relation\(fields:\s*\[([^\]]+)\]/.exec(attrs!);
        if (fk) foreignKeys.push(`${table}_${fk[1]!.split(',').map((f) => columnOf.get(f.trim()) ?? f.trim()).join('_')}_fkey`);
        continue;
      }
      const column = /@map\("([^"]+)"\)/.exec(attrs!)?.[1] ?? field!;
      columnOf.set(field!, column);
      const native = /@db\.(\w+)(?:\((\d+)\))?/.exec(attrs!);
      let udt = native ? NATIVE[native[1]!]! : SCALARS[type!]!;
      if (list) udt = `_${udt}`;
      const precision = native?.[2] ? Number(native[2]) : type === 'DateTime' ? 3 : undefined;
      // Prisma lists are nullable columns without a NOT NULL; scalar lists are never "optional".
      columns.push({ name: column, udt, nullable: Boolean(optional) || Boolean(list), precision });
      if (/@id\b/.test(attrs!)) indexes.push({ name: `${table}_pkey`, columns: [column], unique: true, method: 'btree' });
      if (/@unique\b/.test(attrs!)) indexes.push({ name: `${table}_${column}_key`, columns: [column], unique: true, method: 'btree' });
    }
    for (const line of lines.filter((l) => l.startsWith('@@'))) {
      const m = /^@@(id|unique|index)\(\[([^\]]+)\](.*)\)$/.exec(line);
      if (!m) continue;
      const cols = m[2]!.split(',').map((f) => columnOf.get(f.trim()) ?? f.trim());
      const method = /type:\s*(\w+)/.exec(m[3]!)?.[1]?.toLowerCase() ?? 'btree';
      const suffix = m[1] === 'id' ? 'pkey' : m[1] === 'unique' ? 'key' : 'idx';
      const name = m[1] === 'id' ? `${table}_pkey` : `${table}_${cols.join('_')}_${suffix}`;
      indexes.push({ name, columns: cols, unique: m[1] !== 'index', method });
    }
    return { name: table, columns, indexes, foreignKeys };
  });
}
