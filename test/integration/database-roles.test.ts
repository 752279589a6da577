import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, prepareDatabase, startJobRunner } from '../../engine/index.ts';
import { queryRows } from '../support/sql.ts';
import { createTestDatabase } from '../support/test-database.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let appUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  // What a start does on the embedded PostgreSQL: migrations as the owner, the server's connections as the app role.
  ({ appUrl } = await prepareDatabase({ ownerUrl: database.url }));
});
afterAll(async () => database?.drop());

/** One statement on a connection of its own as `url`'s role; the error's message when refused. */
async function refusal(url: string, statement: string): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('BEGIN');
    await c.query(statement);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await c.query('ROLLBACK').catch(() => undefined);
    await c.end();
  }
}

describe('the application database role', () => {
  it('is the one a start connects the server with: rulepath_app, no superuser, owns no table of the app', async () => {
    expect(new URL(appUrl).username).toBe('rulepath_app');
    const [me] = await queryRows<{ user: string; superuser: boolean; owned: number }>(
      appUrl,
      "SELECT current_user AS user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser, (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user) AS owned",
    );
    expect(me).toEqual({ user: 'rulepath_app', superuser: false, owned: 0 });
  });

  it('cannot disable, drop or replace the audit log triggers, nor update, delete or truncate its rows', async () => {
    expect(await refusal(appUrl, 'ALTER TABLE audit_entries DISABLE TRIGGER ALL')).toMatch(/must be owner of table audit_entries/);
    expect(await refusal(appUrl, 'ALTER TABLE audit_entries DISABLE TRIGGER USER')).toMatch(/must be owner of table audit_entries/);
    expect(await refusal(appUrl, 'DROP TRIGGER audit_entries_no_update ON audit_entries')).toMatch(/must be owner of (table|relation) audit_entries/);
    expect(await refusal(appUrl, 'CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$')).toMatch(/must be owner of function audit_entries_append_only|permission denied for schema public/);
    expect(await refusal(appUrl, 'DROP TABLE audit_entries')).toMatch(/must be owner of table audit_entries/);
    expect(await refusal(appUrl, "UPDATE audit_entries SET action = 'nothing happened'")).toMatch(/permission denied for table audit_entries/);
    expect(await refusal(appUrl, 'DELETE FROM audit_entries')).toMatch(/permission denied for table audit_entries/);
    expect(await refusal(appUrl, 'TRUNCATE audit_entries')).toMatch(/permission denied for table audit_entries/);
    // Verification evidence is kept as received (verification/verification-step.ts).
    expect(await refusal(appUrl, "UPDATE verifications SET outcome = 'verified'")).toMatch(/permission denied for table verifications/);
    expect(await refusal(appUrl, 'DELETE FROM verifications')).toMatch(/permission denied for table verifications/);
    expect(await refusal(appUrl, 'DELETE FROM "_prisma_migrations"')).toMatch(/permission denied for table _prisma_migrations/);
    // The owner could (which is why the server does not connect as the owner).
    expect(await refusal(database.url, 'ALTER TABLE audit_entries DISABLE TRIGGER ALL')).toBeUndefined();
  });

  it('reads and writes the rows of the other tables', async () => {
    expect(await refusal(appUrl, "INSERT INTO idempotency_keys (app, key, request_hash, record_id, created_at) VALUES ('x', 'k', 'h', gen_random_uuid(), now())")).toBeUndefined();
    expect(await refusal(appUrl, 'SELECT count(*) FROM records')).toBeUndefined();
    expect(await refusal(appUrl, "UPDATE records SET state = state WHERE app = 'none'")).toBeUndefined();
    expect(await refusal(appUrl, "DELETE FROM records WHERE app = 'none'")).toBeUndefined();
  });

  it("runs Agenda, which creates and upgrades its own tables, also over tables an earlier start made as the owner", async () => {
    const logger = createLogger('silent');
    // An install from before the role: Agenda's tables made by the owner.
    const asOwner = await startJobRunner({ databaseUrl: database.url, name: 'owner', logger, jobs: [] });
    await asOwner.stop();
    await prepareDatabase({ ownerUrl: database.url });
    const runner = await startJobRunner({ databaseUrl: appUrl, name: 'app', logger, jobs: [{ name: 'probe', every: '1 hour', run: async () => undefined }] });
    await runner.stop();
    const jobs = await queryRows<{ name: string }>(database.url, "SELECT name FROM agenda.agenda_jobs WHERE name = 'probe'");
    expect(jobs).toHaveLength(1);
  });
});
