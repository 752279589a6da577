// Everything npm run audit:verify checks, for every app (an entry point beside index.ts: it compiles the
// apps to find their blob stores): the entries' seals and links, then the
// signed checkpoints against what the database still holds.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadAppDir } from './registry/compile-app.ts';
import { compileRelease } from './registry/load-registry.ts';
import type { CompiledApp } from './registry/compiled-app.ts';
import { createAppProviders } from './providers/app-providers.ts';
import type { PluginCatalog } from './providers/plugin-catalog.ts';
import type { Database } from './store/database.ts';
import type { Logger } from './support/logger.ts';
import { createAuditCheckpoints, verifyCheckpoints, type WrittenCheckpoint } from './audit/audit-checkpoints.ts';
import { blobCheckpointStore, type CheckpointStore } from './audit/checkpoint-store.ts';
import { verifyAuditChain, type AuditProblem } from './audit/verify-audit-chain.ts';

export interface AuditTrailOptions {
  db: Database;
  key: Uint8Array;
  plugins: PluginCatalog;
  definitionsDir: string;
  dataDir: string;
  production: boolean;
  /** Where provider configs read ${NAME} from (the process environment unless given). */
  env?: NodeJS.ProcessEnv;
  logger: Logger;
}

/**
 * The apps whose checkpoints are looked at: any with a release, with a folder of definitions, or
 * with audit entries — an app whose every entry was deleted still has its checkpoints checked.
 */
async function appIds(o: AuditTrailOptions): Promise<string[]> {
  const { rows } = await o.db.sql.query<{ app: string }>('SELECT DISTINCT app FROM releases UNION SELECT DISTINCT app FROM audit_entries');
  const folders = existsSync(o.definitionsDir) ? readdirSync(o.definitionsDir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('_')).map((d) => d.name) : [];
  return [...new Set([...rows.map((r) => r.app), ...folders])].sort();
}

/** The app as it runs (its live release, else its files), for its blob provider. */
async function appOf(o: AuditTrailOptions, id: string): Promise<CompiledApp | undefined> {
  const live = await compileRelease(o.db, id, { production: o.production });
  if (live) return live.app;
  const dir = path.join(o.definitionsDir, id);
  return existsSync(dir) ? loadAppDir(dir, o.definitionsDir, { production: o.production }).app : undefined;
}

/** The checkpoint store of each app, outside a running engine (audit:verify). */
async function checkpointStores(o: AuditTrailOptions): Promise<{ apps: string[]; store: CheckpointStore }> {
  const providers = createAppProviders(o.plugins, { fetch: globalThis.fetch, clock: () => new Date(), logger: o.logger, dataDir: o.dataDir, production: o.production }, undefined, { production: o.production, env: o.env ?? process.env });
  const apps = new Map<string, CompiledApp>();
  for (const id of await appIds(o)) {
    const app = await appOf(o, id);
    if (app) apps.set(id, app);
  }
  return {
    apps: [...apps.keys()],
    store: blobCheckpointStore((id) => {
      const app = apps.get(id);
      if (!app) throw new Error(`No definitions for app "${id}": its blob store is unknown`);
      return providers(app).blob;
    }),
  };
}

export interface AuditReport {
  checked: number;
  checkpoints: number;
  problems: AuditProblem[];
  written: WrittenCheckpoint[];
}

export async function verifyAudit(o: AuditTrailOptions, options: { checkpoint?: boolean } = {}): Promise<AuditReport> {
  const { checked, problems } = await verifyAuditChain(o.db.sql, o.key);
  const { apps, store } = await checkpointStores(o);
  let checkpoints = 0;
  const written: WrittenCheckpoint[] = [];
  for (const app of apps) {
    const result = await verifyCheckpoints(o.db.sql, o.key, app, await store.list(app));
    checkpoints += result.checkpoints;
    problems.push(...result.problems);
  }
  // A checkpoint on demand, only over a log found intact: one written over a damaged log would vouch for the damage.
  if (options.checkpoint && !problems.length) {
    const writer = createAuditCheckpoints({ db: o.db.sql, key: o.key, store, clock: () => new Date() });
    for (const app of apps) {
      const w = await writer.write(app);
      if (w) written.push(w);
    }
  }
  return { checked, checkpoints, problems, written };
}
