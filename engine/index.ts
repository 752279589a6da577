// The engine's public entry point: the only module server/ imports.
import path from 'node:path';
import { createAccessTokens } from './auth/access-tokens.ts';
import { createSessionDenylist } from './auth/session-denylist.ts';
import type { Actor } from './auth/actor.ts';
import { seedDemoUsers } from './auth/demo-users.ts';
import { isRecordSessionToken, refreshRecordSession, verifyRecordSession } from './auth/record-session.ts';
import { seedDemoData } from './records/seed-demo-data.ts';
import { login } from './auth/login-service.ts';
import { loadSecret } from './support/load-secret.ts';
import type { EngineContext } from './engine-context.ts';
import type { CompiledApp, Registry } from './registry/compiled-app.ts';
import { compileRelease, loadRegistry, type RegistryLoadReport } from './registry/load-registry.ts';
import { openParsedYamlCache } from './registry/parsed-yaml-cache.ts';
import { createPendingVerifications } from './verification/pending-verifications.ts';
import { createReleasedApps } from './registry/released-apps.ts';
import { createChangeSets } from './lifecycle/change-sets.ts';
import { parseReleaseMessage, releaseMessage } from './lifecycle/release-store.ts';
import { assertMayView } from './lifecycle/definition-permissions.ts';
import { migratePinnedRecords } from './lifecycle/migrate-pinned-records.ts';
import { runTestCases } from './lifecycle/run-test-cases.ts';
import { parseSimulation, simulate } from './lifecycle/simulate.ts';
import { startChangeFeed } from './store/change-feed.ts';
import { createRecordService } from './records/record-service.ts';
import { resolveApp } from './registry/resolve-target.ts';
import type { Database } from './store/database.ts';
import type { Logger } from './support/logger.ts';
import { createTransitionService } from './records/transition-service.ts';
import { createPromotionsService } from './promotions/promotions-service.ts';
import { promotionHooks } from './promotions/promotion-hooks.ts';
import { combineHooks } from './records/record-hooks.ts';
import { runScheduledJob } from './jobs/run-scheduled-job.ts';
import { createImportService } from './imports/import-service.ts';
import { createFileService } from './files/file-service.ts';
import { demoFile } from './files/demo-file.ts';
import { AppError } from './errors/app-error.ts';
import { createOtpService } from './otp/otp-service.ts';
import { createRecordOtp } from './otp/record-otp.ts';
import { createOtpLogin } from './auth/otp-login.ts';
import { createSessionResume } from './records/resume-record-session.ts';
import { createRefreshTokens } from './auth/refresh-tokens.ts';
import { createUserAdmin } from './auth/user-admin.ts';
import { createUserRegistration } from './auth/user-registration.ts';
import { syncBundle } from './records/sync-bundle.ts';
import { createRecordsInTransaction } from './records/records-in-transaction.ts';
import type { PluginCatalog } from './providers/plugin-catalog.ts';
import { createAppProviders } from './providers/app-providers.ts';
import { createOutboxDispatcher } from './notify/outbox-dispatcher.ts';
import { createOutboxAdmin } from './notify/outbox-admin.ts';
import { createAuditExport } from './audit/export-audit.ts';
import { giveAuditKey, loadAuditKey } from './audit/audit-key.ts';
import { createAuditCheckpoints } from './audit/audit-checkpoints.ts';
import { blobCheckpointStore } from './audit/checkpoint-store.ts';
import type { BackoffPolicy } from './notify/backoff.ts';
import type { BreakerOptions } from './providers/provider-chain.ts';
import type { JobDefinition } from './jobs/job-runner.ts';
import type { EnvironmentValues } from './support/env-references.ts';
import { createMetrics } from './support/metrics.ts';
import { countOutbox } from './notify/outbox-counts.ts';
import { readMigrations } from './store/migrate.ts';

export { AppError, isAppError, type ErrorDetail } from './errors/app-error.ts';
export { ERROR_CATALOG, type ErrorCode } from './errors/error-catalog.ts';
export { closeDatabase, createDatabase, type Database } from './store/database.ts';
export { embeddedPostgresUrl, startEmbeddedPostgres, type EmbeddedPostgres } from './store/embedded-postgres.ts';
export { migrate } from './store/migrate.ts';
export { takeStartUpLock, type StartUpLock } from './store/start-up-lock.ts';
export { verifyAuditChain } from './audit/verify-audit-chain.ts';
export { giveAuditKey, loadAuditKey } from './audit/audit-key.ts';
export { verifyAudit, type AuditReport } from './verify-audit.ts';
export { prepareDatabase } from './store/database-roles.ts';
export { loadPluginCatalog, type PluginCatalog } from './providers/plugin-catalog.ts';
export { startJobRunner, type JobRunner } from './jobs/job-runner.ts';
export { createLogger, type Logger } from './support/logger.ts';
export type { EnvironmentValues } from './support/env-references.ts';
export { createMetrics, type Metrics } from './support/metrics.ts';
export { currentTraceId, runWithTraceId } from './support/trace-context.ts';
export { isStorableText, UNSTORABLE_TEXT_MESSAGE } from './support/storable-text.ts';
export { hashPassword } from './auth/passwords.ts';
export { LOGIN_BODY_SCHEMA } from './auth/login-service.ts';
export { resolveValue } from './effects/resolve-value.ts';
export { documentFieldsOf } from './records/document-fields.ts';
export { CONSOLE_BODY_SCHEMA, EVALUATE_BODY_SCHEMA } from './promotions/promotions-service.ts';
export { BACKTEST_BODY_SCHEMA } from './promotions/backtest-body.ts';
export { LINT_BODY_SCHEMA } from './promotions/lint-body.ts';
export { LINT_CODES } from './promotions/lint-promotions.ts';
export { ruleFields } from './promotions/promotion-candidate.ts';
export type { RulesDef } from './registry/definition-types.ts';
export { OTP_REQUEST_SCHEMA, OTP_VERIFY_SCHEMA, PHONE_LOGIN_SCHEMA, type SessionTokens } from './auth/otp-login.ts';
export { RECORD_OTP_REQUEST_SCHEMA } from './otp/record-otp.ts';
export { resumeOf } from './records/resume-record-session.ts';
export { CREATE_USER_SCHEMA, UPDATE_USER_SCHEMA, createUserAdmin } from './auth/user-admin.ts';
export { APPROVE_SCHEMA, REGISTRATION_OTP_SCHEMA, REGISTRATION_SCHEMA, REJECT_SCHEMA } from './auth/user-registration.ts';
export { compileRelease } from './registry/load-registry.ts';
export { loadAppDir } from './registry/compile-app.ts';
export type { Actor } from './auth/actor.ts';
export type { CompiledApp, Registry } from './registry/compiled-app.ts';
export { DEFINITION_KINDS } from './registry/definition-kinds.ts';
export { APPROVE_BODY_SCHEMA, PUBLISH_BODY_SCHEMA, REQUEST_CHANGES_BODY_SCHEMA, ROLLBACK_BODY_SCHEMA } from './lifecycle/change-sets.ts';
export { MIGRATE_BODY_SCHEMA } from './lifecycle/migrate-pinned-records.ts';
export { SIMULATION_SCHEMA } from './lifecycle/simulate.ts';
export type { CompiledEntity } from './records/compile-entity.ts';
export type { RouteAliasDef } from './registry/definition-types.ts';
export { OPERATION_NEEDS, OPERATIONS, type Operation, type OperationNeeds } from './registry/operation-needs.ts';
// Definitions as files, for `npm run definitions`: releases listed, exported, imported, compared.
export { findRelease, identityOf, listReleases, liveRelease, releaseDefinitions, type Release, type ReleasedDefinition } from './lifecycle/release-store.ts';
export type { ExportedFile } from './lifecycle/export-release.ts';
/** Writes a release as files (`npm run definitions -- export`); loaded on use: it brings the yaml package's writer. */
export const exportRelease: typeof import('./lifecycle/export-release.ts').exportRelease = async (...args) => (await import('./lifecycle/export-release.ts')).exportRelease(...args);
export { importAppFolder, planAppFolder, type AppFolderPlan } from './lifecycle/import-app-folder.ts';
export { compareDefinitions, type DefinitionChanges } from './lifecycle/compare-definitions.ts';
export type { DefinitionProblem } from './registry/definition-types.ts';

export interface EngineOptions {
  db: Database;
  /** Provider plugins found under plugins/ (loadPluginCatalog). */
  plugins: PluginCatalog;
  /** Test knobs: retry backoff and breaker timings. */
  backoff?: BackoffPolicy;
  outboxLeaseMs?: number;
  breaker?: BreakerOptions;
  fetch?: typeof fetch;
  definitionsDir: string;
  dataDir: string;
  production: boolean;
  logger: Logger;
  jwtSecret?: string;
  /** HMAC key for OTP codes and hashed identifiers (HASH_KEY). */
  hashKey?: string;
  /** The audit log's key (AUDIT_KEY): entries' hashes are HMACs with it, checkpoints signed with it. */
  auditKey?: string;
  clock?: () => Date;
  /** What definitions' `${NAME}`, provider configs and `enabledBy` read (the server passes its configuration's; tests their own). */
  env?: EnvironmentValues;
}

/**
 * Node 20's global `fetch` loads undici (~30 ms) when it is first read, not when it is first
 * called: read at the call, it is loaded by the first provider that fetches, not by every start.
 */
const fetchOnUse: typeof fetch = (input, init) => globalThis.fetch(input, init);

export async function createEngine(options: EngineOptions) {
  const { db, logger } = options;
  const clock = options.clock ?? (() => new Date());
  let current: Registry = { apps: new Map() };
  const env = options.env ?? process.env;
  const compileOptions = { production: options.production, env };
  // The definitions' parsed YAML, kept between starts (a dot folder: never taken for an app folder,
  // should DATA_DIR be the definitions root).
  const yamlCache = openParsedYamlCache(path.join(options.dataDir, '.cache', 'parsed-definitions.json'));
  const secret = (name: string, envName: string, value: string | undefined) => loadSecret({ name, envName, dataDir: options.dataDir, production: options.production, env: value });
  const denylist = createSessionDenylist(db, clock, logger);
  const tokens = createAccessTokens(secret('jwt-secret', 'JWT_SECRET', options.jwtSecret), clock, denylist.isRevoked);
  const hashKey = secret('hash-key', 'HASH_KEY', options.hashKey);
  const auditKey = loadAuditKey({ dataDir: options.dataDir, production: options.production, env: options.auditKey });
  // Every connection of the engine seals the audit entries it appends with the key.
  giveAuditKey(db.sql, auditKey);
  // This engine's metrics (its own registry: GET /metrics of the process that runs it).
  const metrics = createMetrics({ pool: db.sql, outboxCounts: () => countOutbox(db) });
  const providers = createAppProviders(options.plugins, { fetch: options.fetch ?? fetchOnUse, clock, logger, dataDir: options.dataDir, production: options.production }, options.breaker, { production: options.production, env }, metrics);
  const outbox = createOutboxDispatcher({ db, registry: () => current, providers, clock, logger, backoff: options.backoff, leaseMs: options.outboxLeaseMs, metrics });
  const promotions = createPromotionsService({ db, registry: () => current, logger, clock, metrics });
  // Modules hook into the record services at named points; the services never import them.
  const hooks = combineHooks([promotionHooks(promotions)]);
  const releasedApp = createReleasedApps(db, () => current, compileOptions);
  const ctx: EngineContext = { db, registry: () => current, releasedApp, tokens, denylist, hashKey, logger, clock, production: options.production, compileOptions, outboxWritten: () => outbox.wake(), hooks, metrics, blob: (app) => providers(app).blob, verification: (app) => providers(app).verification };

  // Told after the registry changed (a reload, a release from any process): the job runner reschedules.
  const registryListeners = new Set<(registry: Registry) => void>();
  const swapped = () => {
    for (const listener of registryListeners) listener(current);
  };
  const reload = async (): Promise<RegistryLoadReport> => {
    const before = current.releases;
    const report = await loadRegistry(db, options.definitionsDir, logger, current, { ...compileOptions, yamlCache });
    // A release served meanwhile (a publish while the files were read) is newer than what the load
    // saw: it stays. One assignment: requests see the old or the new registry, never a mix.
    const apps = new Map(report.registry.apps);
    const releases = new Map(report.registry.releases);
    for (const [appId, number] of current.releases ?? []) {
      if (number > (releases.get(appId) ?? 0)) {
        apps.set(appId, current.apps.get(appId)!);
        releases.set(appId, number);
      }
    }
    current = { apps, releases };
    report.registry = current;
    swapped();
    // Files imported as a new release here are news to the processes already running.
    for (const [appId, number] of report.registry.releases ?? []) if (before?.get(appId) !== number) releaseFeed.publish(releaseMessage(appId, number));
    return report;
  };
  /** Serves release `number` of an app, unless a newer one is served already. */
  const serve = (appId: string, app: CompiledApp, number: number): void => {
    if ((current.releases?.get(appId) ?? 0) >= number) return;
    current = { apps: new Map(current.apps).set(appId, app), releases: new Map(current.releases).set(appId, number) };
    logger.info({ app: appId, release: number }, 'serving a new release');
    swapped();
  };
  /** Serves an app's live release (announced by another process); an older one is ignored. */
  const serveLiveRelease = async (appId: string, atLeast: number): Promise<void> => {
    if ((current.releases?.get(appId) ?? 0) >= atLeast) return;
    const live = await compileRelease(db, appId, compileOptions);
    if (!live) return logger.error({ app: appId, release: atLeast }, 'the live release does not compile in this process; it keeps serving the one before');
    serve(appId, live.app, live.release);
  };
  // Releases reach every process through PostgreSQL NOTIFY: "release|<app>|<number>".
  const releaseFeed = startChangeFeed(db, logger, (message) => {
    const release = parseReleaseMessage(message);
    if (release) serveLiveRelease(release.app, release.number).catch((err: unknown) => logger.error({ err, app: release.app }, 'could not serve a new release'));
  });
  const changes = createChangeSets(ctx, {
    async released(appId, number, compiled) {
      // The release is committed: tell the others, and serve it here as it was checked.
      releaseFeed.publish(releaseMessage(appId, number));
      serve(appId, compiled, number);
    },
  });
  const auditExport = createAuditExport(db, () => current, providers);
  const checkpoints = createAuditCheckpoints({ db: db.sql, key: auditKey, store: blobCheckpointStore((appId) => providers(resolveApp(current, appId)).blob), clock });
  const auditCheckpoints = {
    /** Signs each app's audit chain heads into its blob store (an app with nothing new is skipped). */
    async writeAll() {
      const written = [];
      for (const app of current.apps.keys()) {
        const w = await checkpoints.write(app);
        if (w) written.push(w);
      }
      return written;
    },
  };
  const otp = createOtpService(ctx);
  const recordOtp = createRecordOtp(ctx, otp);
  // A move effect's move is the transition service's, which delivers effects through these records.
  const inTransaction = createRecordsInTransaction(ctx, otp, () => transitions);
  const transitions = createTransitionService(ctx, otp, inTransaction);
  // Verifying moves no provider could answer, asked again by a job (verification/pending-verifications.ts).
  const pendingVerifications = createPendingVerifications(ctx, transitions.finishPending);
  const records = createRecordService(ctx, { otp, recordOtp, transitions, inTransaction });
  const imports = createImportService(ctx, { records, blob: (appId) => providers(resolveApp(current, appId)).blob });
  const files = createFileService(ctx, { blob: (appId) => providers(resolveApp(current, appId)).blob });
  const otpLogin = createOtpLogin(ctx, otp, createRefreshTokens(ctx, denylist));
  const sessions = createSessionResume(ctx, { otp, tokens, get: (t, actor, id) => records.get(t, actor, id) });
  const initial = await reload();
  // Provider configs are checked now, not at the first message: a missing secret stops the start.
  for (const app of current.apps.values()) providers(app);

  return {
    loadReport: initial,
    registry: () => current,
    reload,
    /** Change sets and releases: business admins change definitions at runtime. */
    changes,
    /** Moves the records a pinned workflow keeps on earlier releases onto release `number`. */
    migratePinned: (appId: string, actor: Actor, number: string, body: unknown) => migratePinnedRecords(ctx, appId, actor, number, body),
    /** A simulation against the live release (who may see the definitions may simulate them): nothing is written. */
    async simulate(appId: string, actor: Actor, body: unknown) {
      const app = resolveApp(current, appId);
      assertMayView(app, actor);
      return simulate(app, parseSimulation(body), clock());
    },
    /** The app's saved test cases run against the live release, with the moves they cover. */
    async tests(appId: string, actor: Actor) {
      const app = resolveApp(current, appId);
      assertMayView(app, actor);
      return runTestCases(app, clock());
    },
    /** Calls `listener` after every change of the registry (a reload, a release from any process). */
    onRegistryChange(listener: (registry: Registry) => void): () => void {
      registryListeners.add(listener);
      return () => registryListeners.delete(listener);
    },
    records,
    /** The sync bundle of an app for a caller: every record it syncs that they may read (streamed). */
    sync: (appId: string, actor: Actor) => syncBundle(ctx, appId, actor),
    /** The app's users as data: list, create, update, deactivate (roles with operations.users). */
    users: createUserAdmin(ctx),
    /** Self-registration with approval, where an app declares `registration`. */
    registrations: createUserRegistration(ctx, otp),
    imports,
    /** Files on records: documents in attachment slots, versioned, reviewed, downloaded by signed URL. */
    files,
    otpLogin,
    otp,
    recordOtp,
    /** A public caller's record session regained by a code to the value it signed up with (records/resume-record-session.ts). */
    sessions,
    outbox,
    outboxAdmin: createOutboxAdmin(db, () => current, clock, () => outbox.wake()),
    auditExport,
    auditCheckpoints,
    /** An app's blob store (audit exports, CSV imports and their error reports). */
    blob: (appId: string) => providers(resolveApp(current, appId)).blob,
    /** The background jobs of this engine, for the job runner (Agenda). */
    jobs(): JobDefinition[] {
      // Job definitions of the apps now loaded (the runner is given them again after a reload).
      const defined = [...current.apps.values()].flatMap((app) =>
        [...app.jobs.values()].map((job) => ({ name: `${app.id}:${job.name}`, every: job.schedule, timezone: job.timezone, run: () => runScheduledJob(ctx, transitions, app.id, job.name) })),
      );
      return [
        ...defined,
        // Imports start at once when registered; this picks up any a stopped process left behind.
        { name: 'imports.run', every: '30 seconds', run: () => imports.runPending() },
        // Its passes may overlap (rows are claimed with SKIP LOCKED, under a lease): a process killed
        // mid-pass holds the next one back 10 s, not Agenda's minute.
        { name: 'outbox.dispatch', every: '5 seconds', lockLifetimeMs: 10_000, run: () => outbox.runOnce() },
        // Change sets scheduled to publish at a set time (kept in the database: a restart keeps them).
        { name: 'changes.publishDue', every: '10 seconds', run: () => changes.publishDue() },
        // Ended sessions whose access tokens have all expired since.
        { name: 'auth.purgeRevokedSessions', every: '1 hour', run: () => denylist.purge() },
        // Verifying moves waiting for a provider that could not answer: asked again when due (backoff per move).
        { name: 'verification.retryPending', every: '15 seconds', run: () => pendingVerifications.retryDue() },
        // 00:30 UTC: yesterday's audit entries to each app's blob store.
        { name: 'audit.export', every: '30 0 * * *', run: () => auditExport.exportDay(new Date(clock().getTime() - 86_400_000)) },
        // The audit chains' heads, signed, outside the database: what was there cannot quietly go.
        { name: 'audit.checkpoint', every: '15 minutes', run: () => auditCheckpoints.writeAll() },
      ];
    },
    transitions,
    /** The promotion engine (its definitions are of kind `rules`): evaluation, the test console, backtest and lint. */
    rules: promotions,
    /** Verifying moves waiting for a provider: `retryDue` is the job's pass. */
    pendingVerifications,
    /** Runs one job definition now (what its schedule does). */
    runJob: (appId: string, jobName: string) => runScheduledJob(ctx, transitions, appId, jobName),
    auth: {
      /** Email and password; or, where the app signs in by OTP too, phone and the code last sent (a session with a refresh token). */
      login: (appId: string, body: unknown) => {
        const app = resolveApp(current, appId);
        const byPhone = body !== null && typeof body === 'object' && 'phone' in body && app.definition.auth?.otp !== undefined;
        return byPhone ? otpLogin.signInWithPhone(app, body) : login(db, tokens, app, body);
      },
      verify: (token: string, appId: string): Promise<Actor> => tokens.verify(token, appId),
      issue: tokens.issue,
      /** Whether a bearer token is (shaped as) a record session of the app: then verifyRecordSession, not verify, checks it. */
      isRecordSessionToken,
      /** The public caller a record session token opens its record to (auth/record-session.ts); 401 otherwise. */
      verifyRecordSession: (token: string, appId: string): Promise<Actor> => verifyRecordSession(tokens, db, resolveApp(current, appId), token),
      /** A fresh token for the caller's record session (each call answers one), if it has one. */
      refreshRecordSession: (actor: Actor) => refreshRecordSession(tokens, resolveApp(current, actor.app), actor),
    },
    async seedDemoUsers(): Promise<Record<string, number>> {
      if (options.production) return {};
      const seeded: Record<string, number> = {};
      for (const app of current.apps.values()) seeded[app.id] = await seedDemoUsers(db, app);
      return seeded;
    },
    /** Development only: each app's demo records, the first time it starts without them. */
    async seedDemoData(): Promise<Record<string, number>> {
      if (options.production) return {};
      const seeded: Record<string, number> = {};
      for (const app of current.apps.values()) {
        try {
          seeded[app.id] = await seedDemoData(db, app, { records, transitions, files, demoFile }, clock());
        } catch (err) {
          // Demo data out of step with a published change (a state removed) never stops a start.
          logger.error({ err, app: app.id }, 'demo data stopped at an entry the definitions now refuse');
          seeded[app.id] = 0;
        }
      }
      return seeded;
    },
    metrics,
    /**
     * Why this engine should not take traffic, or nothing when it may: a migration in this build
     * not applied to its database (an older process migrated, or a rollback), no app served, or a
     * database that does not answer `SELECT 1` within `timeoutMs`.
     */
    async notReady(timeoutMs = 1000): Promise<string | undefined> {
      if (!current.apps.size) return 'no app definitions are loaded';
      const expected = readMigrationNames();
      try {
        // Reading the bookkeeping is the reachability check too (it stands for a SELECT 1). A query
        // that outlives the timeout finishes (or fails) on its own and gives its connection back.
        const { rows } = await withTimeout(db.sql.query<{ name: string }>('SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL'), timeoutMs);
        const applied = new Set(rows.map((r) => r.name));
        const missing = expected.filter((name) => !applied.has(name));
        return missing.length ? `migrations not applied: ${missing.join(', ')}` : undefined;
      } catch (err) {
        return `the database does not answer: ${(err as Error).message}`;
      }
    },
    async health(): Promise<{ database: 'ok' }> {
      try {
        await db.sql.query('SELECT 1');
      } catch (err) {
        throw new AppError('UNAVAILABLE', 'The database does not answer', { cause: err });
      }
      return { database: 'ok' };
    },
  };
}

export type Engine = Awaited<ReturnType<typeof createEngine>>;

let migrationNames: string[] | undefined;
/** The migrations this build ships (read once: they do not change while it runs). */
function readMigrationNames(): string[] {
  return (migrationNames ??= readMigrations().map((m) => m.name));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
