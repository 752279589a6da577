import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../engine/index.ts';
import { readMigrations } from '../../engine/store/migrate.ts';
import { compareShapes, readDatabaseShape } from '../support/database-shape.ts';
import { readPrismaSchema } from '../support/prisma-schema.ts';
import { createTestDatabase } from '../support/test-database.ts';

const SCHEMA = path.resolve(import.meta.dirname, '../../prisma/schema.prisma');
let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

async function sql(query: string) {
  const c = new pg.Client({ connectionString: database.url });
  await c.connect();
  try {
    return await c.query(query);
  } finally {
    await c.end();
  }
}

describe('schema.prisma and the migrations', () => {
  it('describe the same tables, columns, types, nullability, indexes and foreign keys', async () => {
    const expected = readPrismaSchema(SCHEMA);
    expect(expected.map((t) => t.name).sort()).toEqual(['audit_entries', 'compiled_rules', 'revoked_sessions', 'definitions', 'idempotency_keys', 'import_jobs', 'otp_challenges', 'otp_failures', 'otp_lockouts', 'outbox_messages', 'record_fingerprints', 'record_keys', 'records', 'refresh_tokens', 'releases', 'timeline_entries', 'upload_claims', 'users', 'change_sets', 'change_set_items', 'change_set_approvals', 'change_set_reviews', 'files_baselines', 'record_files', 'record_file_versions', 'verifications', 'pending_verifications', 'record_session_epochs'].sort());
    expect(compareShapes(expected, await readDatabaseShape(database.url))).toEqual([]);
  });

  it('would notice a dropped index, an extra column and a changed type (the check can fail)', async () => {
    await sql('DROP INDEX records_scope_tags_idx');
    await sql('ALTER TABLE users ADD COLUMN nickname text');
    await sql('ALTER TABLE timeline_entries ALTER COLUMN remarks TYPE varchar(50)');
    const problems = compareShapes(readPrismaSchema(SCHEMA), await readDatabaseShape(database.url));
    expect(problems).toEqual(
      expect.arrayContaining([
        'index records_scope_tags_idx is in schema.prisma but not in the database',
        'users.nickname is in the database but not in schema.prisma',
        'timeline_entries.remarks: schema.prisma says text, the database has varchar',
      ]),
    );
  });
});

describe('migration runner', () => {
  it('keeps Prisma bookkeeping and applies nothing twice', async () => {
    const rows = await sql('SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations');
    const files = readMigrations();
    expect(rows.rows.map((r) => r.migration_name)).toEqual(files.map((m) => m.name));
    expect(rows.rows.map((r) => r.checksum)).toEqual(files.map((m) => m.checksum));
    expect(rows.rows.every((r) => r.finished_at && r.applied_steps_count === 1)).toBe(true);
    expect(await migrate(database.url)).toEqual([]);
  });

  it('refuses a migration edited after it was applied', async () => {
    const edited = readMigrations().map((m) => ({ ...m, checksum: 'f'.repeat(64) }));
    await expect(migrate(database.url, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  it('applies a new migration in order, and rolls back a failing one whole', async () => {
    const base = readMigrations();
    const ok = [...base, { name: '29990101000000_probe', sql: 'CREATE TABLE probe (id int);', checksum: 'a'.repeat(64) }];
    expect(await migrate(database.url, ok)).toEqual(['29990101000000_probe']);
    const bad = [...ok, { name: '29990102000000_broken', sql: 'CREATE TABLE half (id int); SELECT * FROM nowhere;', checksum: 'b'.repeat(64) }];
    await expect(migrate(database.url, bad)).rejects.toThrow(/29990102000000_broken failed/);
    const half = await sql("SELECT to_regclass('half') AS t");
    expect(half.rows[0].t).toBeNull();
  });
});
