// Starts one embedded PostgreSQL for the whole run and migrates a template database; each test
// file then clones the template (CREATE DATABASE ... TEMPLATE), so files run in parallel in isolation.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createLogger, prepareDatabase, startEmbeddedPostgres } from '../../engine/index.ts';
import { freePort } from './free-port.ts';
import { buildStudio } from '../../studio/build-studio.ts';
import { buildServer } from '../../server/build-server.ts';

export const TEMPLATE_DB = 'rulepath_template';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresBaseUrl: string;
    /** The same server as the application's role (rulepath_app: rows only, no DDL). */
    postgresAppBaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // The browser tests drive the built Studio, the process tests the built server (what npm start
  // runs): each built here once when its sources changed.
  await buildStudio({ quiet: true });
  await buildServer({ quiet: true });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-test-'));
  chmodSync(dataDir, 0o755); // reachable by the postgres user when tests run as root: the cluster stays inside
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: TEMPLATE_DB, logger: createLogger('warn') });
  // The template is migrated as the owner and granted to the app role; clones keep both (roles are the cluster's).
  const { appUrl } = await prepareDatabase({ ownerUrl: pg.url });
  project.provide('postgresBaseUrl', pg.url.slice(0, pg.url.lastIndexOf('/')));
  project.provide('postgresAppBaseUrl', appUrl.slice(0, appUrl.lastIndexOf('/')));
  return async () => {
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
