// Two database roles: the owner, which runs migrations and owns every table (and so could drop or
// disable the audit log's append-only triggers), and the application's role, which only reads and
// writes rows. The server's connections use the second, so no statement it sends — by a bug or an
// injection — can switch the audit log's protection off.
import pg from 'pg';
import { migrate } from './migrate.ts';

/** The application's role in the embedded PostgreSQL (created here, loopback-only like the owner). */
export const EMBEDDED_APP_ROLE = 'rulepath_app';
const EMBEDDED_APP_PASSWORD = 'rulepath_app';

// The migration runner's lock: grants never run beside a migration (nor two grants at once, which
// PostgreSQL answers with "tuple concurrently updated").
const LOCK_KEY = 72_707_365;

/** `url` with another user and password. */
export function withUser(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}

export const userOf = (url: string) => decodeURIComponent(new URL(url).username);

async function withClient<T>(url: string, step: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await step(c);
  } finally {
    await c.end();
  }
}

/** Creates the embedded cluster's application role when it is missing (roles belong to the cluster, not one database). */
export async function ensureEmbeddedAppRole(ownerUrl: string): Promise<string> {
  await withClient(ownerUrl, async (c) => {
    const found = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [EMBEDDED_APP_ROLE]);
    if (found.rowCount) return;
    await c
      .query(`CREATE ROLE ${c.escapeIdentifier(EMBEDDED_APP_ROLE)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${c.escapeLiteral(EMBEDDED_APP_PASSWORD)}`)
      .catch((err: { code?: string }) => {
        if (err.code !== '42710' && err.code !== '23505') throw err; // another process made it first
      });
  });
  return withUser(ownerUrl, EMBEDDED_APP_ROLE, EMBEDDED_APP_PASSWORD);
}

/**
 * Lets `role` read and write the rows of every table (and use their sequences), now and for tables
 * later migrations add; never UPDATE, DELETE or TRUNCATE the audit log, never touch the migration
 * bookkeeping. Run as the owner after each migration; idempotent.
 *
 * Agenda (@agendajs/postgres-backend) creates and upgrades its own tables and trigger in the
 * `agenda` schema each time it connects, which needs their ownership: the role owns that schema's
 * objects, and only those.
 */
export async function grantAppRole(ownerUrl: string, role: string): Promise<void> {
  await withClient(ownerUrl, async (c) => {
    const r = c.escapeIdentifier(role);
    await c.query('BEGIN');
    try {
      await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      await c.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
      await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
      await c.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
      await c.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r}`);
      await c.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${r}`);
      // Refused before the append-only triggers are even reached.
      await c.query(`REVOKE UPDATE, DELETE, TRUNCATE ON TABLE audit_entries FROM ${r}`);
      // Verification evidence is kept as it was received.
      await c.query(`REVOKE UPDATE, DELETE, TRUNCATE ON TABLE verifications FROM ${r}`);
      // Read-only: /readyz checks that this build's migrations are applied; only the owner writes them.
      await c.query(`REVOKE ALL ON TABLE "_prisma_migrations" FROM ${r}`);
      await c.query(`GRANT SELECT ON TABLE "_prisma_migrations" TO ${r}`);
      await c.query(`GRANT USAGE, CREATE ON SCHEMA agenda TO ${r}`);
      const theirs = await c.query<{ kind: string; name: string }>(
        `SELECT 'TABLE' AS kind, format('agenda.%I', c.relname) AS name FROM pg_class c
         WHERE c.relnamespace = 'agenda'::regnamespace AND c.relkind IN ('r', 'p') AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = $1)
         UNION ALL
         SELECT 'FUNCTION', format('agenda.%I(%s)', p.proname, pg_get_function_identity_arguments(p.oid)) FROM pg_proc p
         WHERE p.pronamespace = 'agenda'::regnamespace AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = $1)`,
        [role],
      );
      for (const o of theirs.rows) await c.query(`ALTER ${o.kind} ${o.name} OWNER TO ${r}`);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK');
      throw new Error(`Could not grant the application's database role ${role} its rights: ${(err as Error).message}`, { cause: err });
    }
  });
}

/**
 * Migrates as the owner and returns the URL the application connects with.
 * - embedded (`appUrl` absent): the owner is the cluster's superuser; the role `rulepath_app` is
 *   created and granted here.
 * - DATABASE_URL with MIGRATION_DATABASE_URL: migrations as the latter, then DATABASE_URL's user
 *   gets its grants (the operator created that role).
 * - DATABASE_URL alone (`ownerUrl` equal to `appUrl`): one role for both, as before.
 */
export async function prepareDatabase(options: { ownerUrl: string; appUrl?: string }): Promise<{ appUrl: string; applied: string[] }> {
  const applied = await migrate(options.ownerUrl);
  const appUrl = options.appUrl ?? (await ensureEmbeddedAppRole(options.ownerUrl));
  if (userOf(appUrl) !== userOf(options.ownerUrl)) await grantAppRole(options.ownerUrl, userOf(appUrl));
  return { appUrl, applied };
}
