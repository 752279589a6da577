import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

const TEMPLATE_DB = 'rulepath_template';

/**
 * A fresh, migrated database of its own for one test file (a clone of the migrated template).
 * `url` connects as the owner (what a test uses to look at or tamper with tables), `appUrl` as the
 * application's role, as a server connects.
 */
export async function createTestDatabase(): Promise<{ url: string; appUrl: string; drop(): Promise<void> }> {
  const base = inject('postgresBaseUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    // CREATE DATABASE ... TEMPLATE fails while another session is connected to the template; retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE ${TEMPLATE_DB}`);
        break;
      } catch (err) {
        if (attempt > 50 || !/being accessed by other users/.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await admin.end();
  }
  return {
    url: `${base}/${name}`,
    appUrl: `${inject('postgresAppBaseUrl')}/${name}`,
    async drop() {
      const c = new pg.Client({ connectionString: `${base}/postgres` });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** An empty database (nothing migrated): what a first deployment's processes find. `url` connects as the owner. */
export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = inject('postgresBaseUrl');
  const name = `e_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `${base}/${name}`,
    async drop() {
      const c = new pg.Client({ connectionString: `${base}/postgres` });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
