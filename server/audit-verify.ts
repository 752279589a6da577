// npm run audit:verify [-- --checkpoint] — checks the audit log: every entry's keyed hash and link
// in its chain, and each app's signed checkpoints (blob store) against what the database still
// holds. Exits 1 listing each problem. --checkpoint then writes a new checkpoint for each app (only
// over a log found intact). Uses DATABASE_URL, or the embedded PostgreSQL of DATA_DIR (started if
// it is not running); the key is AUDIT_KEY, or the one under DATA_DIR (never made up here).
import { parseArgs } from 'node:util';
import pg from 'pg';
import { closeDatabase, createDatabase, createLogger, embeddedPostgresUrl, loadAuditKey, loadPluginCatalog, verifyAudit } from '../engine/index.ts';
import { startEmbeddedDatabase } from './embedded-database.ts';
import { readConfigOrExit } from './config.ts';

const { values } = parseArgs({ options: { checkpoint: { type: 'boolean', default: false } } });
const config = readConfigOrExit();
const logger = createLogger('warn');
const key = loadAuditKey({ dataDir: config.dataDir, production: config.production, env: config.auditKey, create: false });

let url = config.databaseUrl ?? embeddedPostgresUrl(config.embeddedPgPort, 'rulepath');
let stop: (() => Promise<void>) | undefined;
const probe = new pg.Client({ connectionString: url });
try {
  await probe.connect();
  await probe.end();
} catch {
  if (config.databaseUrl) throw new Error(`Cannot reach ${config.databaseUrl}`);
  // The server is not running: start its embedded database just for the check.
  const pgi = await startEmbeddedDatabase(config, logger);
  url = pgi.url;
  stop = pgi.stop;
}
const db = createDatabase(url, { poolSize: 2 });
let report;
try {
  report = await verifyAudit(
    { db, key, plugins: await loadPluginCatalog(config.pluginsDir), definitionsDir: config.definitionsDir, dataDir: config.dataDir, production: config.production, logger },
    { checkpoint: values.checkpoint },
  );
} finally {
  await closeDatabase(db);
  await stop?.();
}
const { checked, checkpoints, problems, written } = report;
if (problems.length) {
  console.log(`audit log: ${checked} entries and ${checkpoints} checkpoints checked, ${problems.length} problems`);
  for (const p of problems) console.log(`  ${p.id === '-' ? '' : `entry ${p.id} `}(${p.app}${p.recordId ? ` record ${p.recordId}` : ''}): ${p.problem}`);
  if (values.checkpoint) console.log('no checkpoint written: the log is not intact');
  process.exit(1);
}
console.log(`audit log: ${checked} entries and ${checkpoints} checkpoints checked, every chain intact`);
for (const w of written) console.log(`  checkpoint ${w.n} of ${w.app}: ${w.chains} chains -> ${w.key}`);
