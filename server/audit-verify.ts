// npm run audit:verify — checks the audit log's hash chains; exits 1 and lists every broken entry.
// Uses DATABASE_URL, or the embedded PostgreSQL of DATA_DIR (started if it is not running).
import pg from 'pg';
import { createLogger, startEmbeddedPostgres, verifyAuditChain } from '../engine/index.ts';

import { readConfigOrExit } from './config.ts';

const config = readConfigOrExit();
const logger = createLogger('warn');
let url = config.databaseUrl ?? `postgresql://rulepath:rulepath@127.0.0.1:${config.embeddedPgPort}/rulepath`;
let stop: (() => Promise<void>) | undefined;
const client = new pg.Client({ connectionString: url });
try {
  await client.connect();
} catch {
  if (config.databaseUrl) throw new Error(`Cannot reach ${config.databaseUrl}`);
  // The server is not running: start its embedded database just for the check.
  const pgi = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, database: 'rulepath', logger });
  url = pgi.url;
  stop = pgi.stop;
}
const db = stop ? new pg.Client({ connectionString: url }) : client;
if (stop) await db.connect();
const { checked, problems } = await verifyAuditChain(db);
await db.end();
await stop?.();
if (problems.length) {
  console.log(`audit log: ${checked} entries checked, ${problems.length} problems`);
  for (const p of problems) console.log(`  entry ${p.id} (${p.app}${p.recordId ? ` record ${p.recordId}` : ''}): ${p.problem}`);
  process.exit(1);
}
console.log(`audit log: ${checked} entries checked, every chain intact`);
