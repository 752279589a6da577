// Every environment variable the server reads, parsed and validated once at start. Nothing else
// in the process reads process.env for a setting: a wrong value is refused here, with every
// problem in one message, instead of turning into NaN or a silently ignored switch later.
// The README's "Configuration" table lists SETTINGS (a test keeps the two in step).
import path from 'node:path';
// zod's v3 API: the default (v4) entry loads its 64 message locales with it, ~40 ms of every start
// for messages this module writes itself.
import { z } from 'zod/v3';
import { PROJECT_ROOT } from '../engine/support/project-root.ts';

export const ROOT = PROJECT_ROOT;

const BOOLEAN_WORDS = { truthy: ['1', 'true', 'on', 'yes'], falsy: ['0', 'false', 'off', 'no'] };
const flag = () =>
  z.string().transform((v, ctx) => {
    const word = v.toLowerCase();
    if (BOOLEAN_WORDS.truthy.includes(word)) return true;
    if (BOOLEAN_WORDS.falsy.includes(word)) return false;
    ctx.addIssue({ code: 'custom', message: 'must be one of on/off, true/false, yes/no, 1/0' });
    return z.NEVER;
  });
const oneOf = <T extends string>(values: readonly [T, ...T[]], message: string) => z.enum(values as [T, ...T[]], { errorMap: () => ({ message }) });
const port = () => z.coerce.number({ invalid_type_error: 'must be a port number (0-65535)' }).int('must be a port number (0-65535)').min(0, 'must be a port number (0-65535)').max(65535, 'must be a port number (0-65535)');
const millis = () => z.coerce.number({ invalid_type_error: 'must be a whole number of milliseconds' }).int('must be a whole number of milliseconds').positive('must be more than 0');
const url = (schemes: string[]) =>
  z.string().refine((v) => {
    try {
      return schemes.includes(new URL(v).protocol.replace(/:$/, ''));
    } catch {
      return false;
    }
  }, `must be a ${schemes.join(':// or ')}:// URL`);
const nonNegativeMillis = () => z.coerce.number({ invalid_type_error: 'must be a whole number of milliseconds' }).int('must be a whole number of milliseconds').min(0, 'must be 0 or more');
const secret = () => z.string().refine((v) => Buffer.byteLength(v) >= 32, 'must be at least 32 bytes');
function isOrigin(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === v.replace(/\/$/, '');
  } catch {
    return false;
  }
}
const originList = () =>
  z.string().refine((v) => splitList(v).every(isOrigin), 'must be origins such as https://app.example.com, separated by commas (scheme, host, optional port; no path)');
const splitList = (v: string) => v.split(',').map((o) => o.trim()).filter(Boolean);

/** Name → schema with its documentation; the order is the README table's. */
export const SETTINGS = {
  NODE_ENV: oneOf(['development', 'production', 'test'], 'must be development, production or test').default('development').describe('production: the secrets below are required, development-only definitions (fixed OTP codes, all providers off) are refused, no demo users or data'),
  PORT: port().default(3000).describe('HTTP port (0: any free port)'),
  HOST: z.string().min(1).default('0.0.0.0').describe('Address the HTTP server binds'),
  WORKERS: z.coerce.number({ invalid_type_error: 'must be a whole number from 1 to 64' }).int('must be a whole number from 1 to 64').min(1, 'must be a whole number from 1 to 64').max(64, 'must be a whole number from 1 to 64').default(1).describe('npm start: number of API processes sharing the port (node:cluster); the first also runs the jobs'),
  DATABASE_URL: url(['postgres', 'postgresql']).optional().describe('PostgreSQL to use; unset: the embedded PostgreSQL under DATA_DIR'),
  MIGRATION_DATABASE_URL: url(['postgres', 'postgresql']).optional().describe('The owner\'s connection for migrations and grants; DATABASE_URL is then the application\'s role (rows only). Unset: DATABASE_URL does both (see Audit log)'),
  DATA_DIR: z.string().min(1).default('.data').describe('Development secrets, the embedded PostgreSQL, the file blob store (relative to the project)'),
  EMBEDDED_PG_PORT: port().default(54329).describe('Port of the embedded PostgreSQL (loopback only)'),
  DEFINITIONS_DIR: z.string().min(1).default('definitions').describe('App definitions folder published at start'),
  PLUGINS_DIR: z.string().min(1).optional().describe('Provider plugins folder; default plugins/ (dist/plugins/ when running the build)'),
  JOBS: flag().default('on').describe('off: this process serves HTTP only (run npm run worker elsewhere)'),
  AGENDA_MONGO_URL: url(['mongodb', 'mongodb+srv']).optional().describe('Keep Agenda jobs in MongoDB instead of PostgreSQL'),
  OUTBOX_BACKOFF_BASE_MS: millis().default(2000).describe('First outbox retry waits base/2..base, doubling'),
  OUTBOX_BACKOFF_MAX_MS: millis().default(900_000).describe('Longest outbox retry wait'),
  OUTBOX_LEASE_MS: millis().default(60_000).describe('How long a claimed outbox message stays with its worker before another may take it'),
  JWT_SECRET: secret().optional().describe('Access-token signing key (required in production; development: generated under DATA_DIR)'),
  HASH_KEY: secret().optional().describe('HMAC key for OTP codes and hashed identifiers (required in production; development: generated under DATA_DIR)'),
  AUDIT_KEY: secret().optional().describe('HMAC key of the audit log (entry hashes, checkpoint signatures), never stored in the database (required in production; development: generated under DATA_DIR)'),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'must be fatal, error, warn, info, debug, trace or silent').default('info').describe('pino log level'),
  ECHO_ROUTE: flag().default('off').describe('on: POST /_echo, the baseline the benchmarks compare against'),
  PUBLIC_URL: url(['http', 'https']).optional().describe('How clients reach this server (behind a proxy), for the upload URLs it hands out'),
  DEMO_DATA: flag().default('on').describe('off: development starts without the apps\' demo records'),
  CORS_ORIGINS: originList().optional().describe('Comma-separated origins a browser app may call the API from (e.g. https://app.example.com); unset: no CORS headers'),
  HEADERS_TIMEOUT_MS: millis().default(10_000).describe('A request\'s headers must arrive within this'),
  REQUEST_TIMEOUT_MS: millis().default(120_000).describe('A whole request (headers and body) must arrive within this: 408'),
  IDLE_TIMEOUT_MS: millis().default(60_000).describe('A connection silent this long (a stalled body, a stuck client) is closed'),
  KEEP_ALIVE_TIMEOUT_MS: millis().default(65_000).describe('An idle keep-alive connection is closed after this (keep it above the load balancer\'s idle timeout)'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().describe('When set, GET /metrics asks for Authorization: Bearer <token>; unset, it is open (see Operations)'),
  METRICS_PORT: port().optional().describe('Also serve /metrics, /livez and /readyz on this port (the worker\'s only HTTP)'),
  SHUTDOWN_DELAY_MS: nonNegativeMillis().default(0).describe('SIGTERM: keep accepting this long, answering /readyz 503, before closing the port (for load balancers to notice)'),
  SHUTDOWN_GRACE_MS: millis().default(10_000).describe('SIGTERM: how long requests in flight (then running jobs) may take before they are cut off'),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http', 'https']).optional().describe('OpenTelemetry tracing on: the OTLP/HTTP collector (traces go to <endpoint>/v1/traces); unset: no tracing, nothing loaded'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(['http', 'https']).optional().describe('OpenTelemetry tracing on: the full OTLP/HTTP traces URL (wins over OTEL_EXPORTER_OTLP_ENDPOINT)'),
  OTEL_SERVICE_NAME: z.string().min(1).default('rulepath').describe('service.name of the spans'),
} as const;

const schema = z.object(SETTINGS).superRefine((v, ctx) => {
  // The owner's connection says which role migrates; the application's must be named beside it.
  if (v.MIGRATION_DATABASE_URL && !v.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['MIGRATION_DATABASE_URL'], message: 'needs DATABASE_URL (the application role\'s connection) beside it' });
  if (v.NODE_ENV !== 'production') return;
  for (const name of ['JWT_SECRET', 'HASH_KEY', 'AUDIT_KEY'] as const) if (!v[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required in production' });
});

const SECRET_NAMES = new Set(['JWT_SECRET', 'HASH_KEY', 'AUDIT_KEY', 'METRICS_TOKEN', 'DATABASE_URL', 'MIGRATION_DATABASE_URL', 'AGENDA_MONGO_URL']);

/** Thrown with every problem at once; main prints its message alone (no stack). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses and validates the environment; an empty variable counts as unset. */
export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  const given = Object.fromEntries(Object.keys(SETTINGS).flatMap((name) => (env[name] === undefined || env[name] === '' ? [] : [[name, env[name]]])));
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      const raw = given[name];
      const shown = raw === undefined ? '' : SECRET_NAMES.has(name) ? ' (value not shown)' : ` (got ${JSON.stringify(raw)})`;
      return `  ${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`The configuration is refused (${lines.length} ${lines.length === 1 ? 'problem' : 'problems'}; see Configuration in README.md):\n${lines.join('\n')}`);
  }
  const v = parsed.data;
  const built = import.meta.filename.endsWith('.js');
  return {
    production: v.NODE_ENV === 'production',
    port: v.PORT,
    host: v.HOST,
    workers: v.WORKERS,
    databaseUrl: v.DATABASE_URL,
    migrationDatabaseUrl: v.MIGRATION_DATABASE_URL,
    dataDir: path.resolve(ROOT, v.DATA_DIR),
    embeddedPgPort: v.EMBEDDED_PG_PORT,
    definitionsDir: path.resolve(ROOT, v.DEFINITIONS_DIR),
    // The build compiles plugins/ to dist/plugins/: a built server loads JavaScript, not TypeScript.
    pluginsDir: path.resolve(ROOT, v.PLUGINS_DIR ?? (built ? 'dist/plugins' : 'plugins')),
    jobs: v.JOBS,
    agendaMongoUrl: v.AGENDA_MONGO_URL,
    outbox: {
      backoff: { baseMs: v.OUTBOX_BACKOFF_BASE_MS, maxMs: v.OUTBOX_BACKOFF_MAX_MS },
      leaseMs: v.OUTBOX_LEASE_MS,
    },
    jwtSecret: v.JWT_SECRET,
    hashKey: v.HASH_KEY,
    auditKey: v.AUDIT_KEY,
    logLevel: v.LOG_LEVEL,
    /** The CLIs' level: their stdout is their answer, so only warnings unless LOG_LEVEL is set. */
    commandLogLevel: given.LOG_LEVEL === undefined ? 'warn' : v.LOG_LEVEL,
    echoRoute: v.ECHO_ROUTE,
    publicUrl: v.PUBLIC_URL,
    demoData: v.DEMO_DATA,
    http: {
      corsOrigins: splitList(v.CORS_ORIGINS ?? '').map((o) => o.replace(/\/$/, '')),
      headersTimeoutMs: v.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: v.REQUEST_TIMEOUT_MS,
      idleTimeoutMs: v.IDLE_TIMEOUT_MS,
      keepAliveTimeoutMs: v.KEEP_ALIVE_TIMEOUT_MS,
    },
    metricsToken: v.METRICS_TOKEN,
    metricsPort: v.METRICS_PORT,
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
    shutdownDelayMs: v.SHUTDOWN_DELAY_MS,
    otel: {
      tracesEndpoint: v.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (v.OTEL_EXPORTER_OTLP_ENDPOINT ? `${v.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` : undefined),
      serviceName: v.OTEL_SERVICE_NAME,
    },
    /**
     * The environment as definitions see it: `${NAME}` / `${NAME:-default}` in a definition and a
     * provider's `enabledBy` read app-level variables (OTP_MODE, MSG91_AUTH_KEY) that are the
     * apps' business, validated by the definitions' own schemas, not listed here.
     */
    definitionEnv: definitionEnvironment(env),
  };
}

export type Config = ReturnType<typeof readConfig>;

/**
 * What definitions may read: every variable but the server's own settings (its secrets above all:
 * a change set an admin writes must not be able to print JWT_SECRET into a label). Outside a
 * provider's config, names that look like secrets are refused too (env-references.ts).
 */
function definitionEnvironment(env: NodeJS.ProcessEnv): Readonly<Record<string, string | undefined>> {
  return Object.freeze(Object.fromEntries(Object.entries(env).filter(([name]) => !Object.hasOwn(SETTINGS, name))));
}

/** For entry points (npm start, the worker, the CLIs): the configuration, or every problem printed and exit 1. */
export function readConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return readConfig(env);
  } catch (err) {
    // One line per problem, no stack: the operator's mistake, not the program's.
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}
