import type { AccessTokens } from './auth/access-tokens.ts';
import type { SessionDenylist } from './auth/session-denylist.ts';
import type { CompiledApp, Registry } from './registry/compiled-app.ts';
import type { Database } from './store/database.ts';
import type { Logger } from './support/logger.ts';
import type { Metrics } from './support/metrics.ts';
import type { RecordHooks } from './records/record-hooks.ts';
import type { BlobProvider, VerificationProvider } from './plugin-api.ts';
import type { ProviderChain } from './providers/provider-chain.ts';
import type { CompileOptions } from './registry/compile-app.ts';

/** What every engine service is given: injected, so tests can pass a fake clock. */
export interface EngineContext {
  db: Database;
  /** The current registry; replaced atomically when definitions are reloaded. */
  registry(): Registry;
  /** An app as one of its releases served it, compiled on demand and kept: what a pinned record follows. */
  releasedApp(app: string, release: number): Promise<CompiledApp | undefined>;
  tokens: AccessTokens;
  /** Ended sessions, checked with every access token; told after a commit that ends some. */
  denylist: SessionDenylist;
  /** HMAC key for OTP codes and hashed identifiers. */
  hashKey: Uint8Array;
  production: boolean;
  /** How definitions are compiled here (production, the environment `${NAME}` reads): drafts as the live release. */
  compileOptions: CompileOptions;
  logger: Logger;
  clock: () => Date;
  /** Called after a commit that wrote outbox rows: wakes the dispatcher in this process. */
  outboxWritten(): void;
  /** An app's blob store (a rendered document is stored there before its record is written). */
  blob(app: CompiledApp): BlobProvider;
  /** An app's verification providers, in order, each behind its breaker (a move's verification step). */
  verification(app: CompiledApp): ProviderChain<VerificationProvider>;
  /** What modules do at the named points of a record's life (the promotions module, for one). */
  hooks: Required<RecordHooks>;
  /** This engine's Prometheus metrics (support/metrics.ts). */
  metrics: Metrics;
}
