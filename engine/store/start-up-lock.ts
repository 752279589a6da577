// Processes started together on one database (several API processes, workers, a cluster's
// children) take turns through their start-up writes: migrations and grants, the definitions
// folder's releases, demo users and records, Agenda's own tables. Each step checks what is there
// before writing, so the second process finds the first one's work and writes nothing; without
// the turn both check at once and one dies on a unique violation.
import pg from 'pg';

// Not the migration runner's key (72_707_365): a session holding this one runs the migrations,
// which take theirs on another connection.
const START_UP_LOCK_KEY = 72_707_366;

export interface StartUpLock {
  release(): Promise<void>;
}

/** Waits for the turn (a session-level advisory lock: a process that dies mid-start lets go with its connection). */
export async function takeStartUpLock(databaseUrl: string): Promise<StartUpLock> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'rulepath start-up' });
  // A connection lost while the start goes on lets go of the lock with it; the start's own queries
  // then fail or carry on as they may. Without a listener the lost connection would end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [START_UP_LOCK_KEY]);
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await client.query('SELECT pg_advisory_unlock($1)', [START_UP_LOCK_KEY]).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
