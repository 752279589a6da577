// What npm start does once its process is up (main.ts loads this after catching SIGHUP): one
// process serving every reference app, or a WORKERS=N cluster's primary; prints where to go.
import { reloadOnHangup } from './reload-on-hangup.ts';
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EmbeddedPostgres } from '../engine/index.ts';
import type { Config } from './config.ts';
import { startServer, type RunningServer } from './start-server.ts';
import { STUDIO_DIST } from './studio-routes.ts';
import { stopOnSignals } from './stop-on-signal.ts';

/** `embedded`: the embedded PostgreSQL main.ts started while this module loaded, if it did. */
export async function serveNpmStart(config: Config, embedded?: Promise<EmbeddedPostgres>): Promise<void> {
  if (config.workers > 1 && cluster.isPrimary) {
    const { runClusterPrimary } = await import('./cluster.ts');
    await runClusterPrimary(config);
  } else {
    await serveInThisProcess(config, embedded);
  }
}

async function serveInThisProcess(config: Config, embedded?: Promise<EmbeddedPostgres>) {
  const running = await startServer(config, { embedded }).catch((err: unknown) => {
    console.error('Rulepath could not start:', err);
    process.exit(1);
  });

  // A cluster's first worker says where to go; the others, that they serve too.
  if (cluster.isWorker && cluster.worker!.id !== 1) console.log(`Rulepath worker ${process.pid} is serving on ${running.url} too`);
  else printWhereToGo(running, config);

  reloadOnHangup(running);
  stopOnSignals(running);
  // The job runner starts after the port listens: a process that cannot run its jobs stops, as it did when they started first.
  running.jobs.catch(async (err: unknown) => {
    console.error('Rulepath could not start its job runner:', err);
    await running.stop().catch(() => undefined);
    process.exit(1);
  });
}

function printWhereToGo(running: RunningServer, config: Config) {
  const registry = running.engine.registry();
  const lines = [
    '',
    `Rulepath is serving on ${running.url}  (ready ${Math.round(process.uptime() * 1000)} ms after the process started)`,
    `  Studio       ${running.url}/studio   (business admins: releases, change sets, status matrix, promotions, templates, imports)${existsSync(path.join(STUDIO_DIST, 'index.html')) ? '' : '  — not built: npm run studio:build'}`,
    `  API docs     ${running.url}/docs   (OpenAPI: ${running.url}/openapi.json)`,
    `  health       ${running.url}/healthz   (probes: /livez, /readyz; Prometheus: ${running.opsUrl ?? running.url}/metrics)`,
  ];
  for (const app of registry.apps.values()) {
    lines.push(`  app ${app.id.padEnd(12)} ${running.url}${app.basePath}  (generic: ${running.url}/v1/apps/${app.id})`);
    if (!config.production) {
      const otpPolicy = app.definition.auth?.otp ? app.otpPolicies.get(app.definition.auth.otp.policy) : undefined;
      for (const u of app.definition.demoUsers ?? []) {
        const otp = otpPolicy && u.phone ? (otpPolicy.mode === 'fixed' ? `OTP ${otpPolicy.fixedCode ?? '(fixed)'}` : 'OTP by SMS (see the log)') : undefined;
        const ways = [u.password && u.email ? `${u.email} password ${u.password}` : undefined, otp ? `${u.phone} ${otp}` : undefined].filter(Boolean);
        lines.push(`      demo ${u.role.padEnd(12)} ${ways.join('   or ')}`);
      }
      if (config.demoData && app.demoData.length) lines.push(`      demo data    ${app.demoData.reduce((n, d) => n + d.records.length, 0)} records (see ${path.join('definitions', app.id, 'README.md')})`);
    }
  }
  for (const refused of running.engine.loadReport.refused) {
    lines.push(`  ! app ${refused.app}: definitions refused (${refused.problems.length} problems; ${refused.servingLastPublished ? 'serving the last published version' : 'not served'}); run npm run validate`);
  }
  console.log(lines.join('\n') + '\n');
}
