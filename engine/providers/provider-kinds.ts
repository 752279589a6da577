// Every kind of provider the engine knows, in one table. A new kind (a KYC verification provider, a
// PDF renderer) is its interface in plugin-api.ts (ProviderImpls) plus one entry here: plugins are
// found under plugins/<kind>/, apps name them under `providers.<kind>`, and chained kinds get the
// generic chain (fallback + breaker) whatever their calls return.
import type { ProviderKind } from '../plugin-api.ts';

export interface ProviderKindSpec {
  /**
   * An app lists several providers tried in order (the next takes over when one fails or its
   * breaker is open), or names one (a blob store: a stream cannot be replayed to a fallback).
   */
  chain: boolean;
  /** The provider an app gets when it names none (development: print to the log, files under DATA_DIR). */
  fallback: string;
}

export const PROVIDER_KINDS = {
  sms: { chain: true, fallback: 'console' },
  email: { chain: true, fallback: 'console' },
  events: { chain: true, fallback: 'console' },
  blob: { chain: false, fallback: 'fs' },
  // Development answers from fixtures; in production that provider refuses every call.
  verification: { chain: true, fallback: 'fixtures' },
} as const satisfies Record<ProviderKind, ProviderKindSpec>;

export type ChainedKind = { [K in ProviderKind]: (typeof PROVIDER_KINDS)[K]['chain'] extends true ? K : never }[ProviderKind];
export type SingleKind = Exclude<ProviderKind, ChainedKind>;

export const providerKinds = Object.keys(PROVIDER_KINDS) as ProviderKind[];

export function isProviderKind(name: string): name is ProviderKind {
  return Object.hasOwn(PROVIDER_KINDS, name);
}
