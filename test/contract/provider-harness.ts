import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../engine/index.ts';
import type { ProviderDeps } from '../../engine/plugin-api.ts';
import type { Scripted } from '../support/fakes/fake-vendor.ts';

export function testDeps(overrides: Partial<ProviderDeps> = {}): ProviderDeps {
  return { fetch, clock: () => new Date(), logger: createLogger('silent'), production: false, ...overrides, dataDir: overrides.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'rulepath-provider-')) };
}

/** What a provider's test gives the contract kit of its kind. */
export interface Harness<P, D> {
  provider: P;
  /** What the vendor (or the log) received last, in the kit's terms. */
  delivered(): D[];
  /** Present for vendor clients: make the fake answer these next. */
  script?: (...next: Scripted[]) => void;
  /**
   * The idempotency key as the vendor received it, for a provider whose vendor API has a place for
   * one (a header, a custom argument, a reference field). Absent: the vendor documents none.
   */
  keyOf?: (delivered: D) => string | undefined;
  /** The provider's request timeout, so the kit can be slower than it. */
  timeoutMs?: number;
  close(): Promise<void>;
}
