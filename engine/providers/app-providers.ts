// Each app's providers, made from its `providers` (config validated by each plugin's schema) once
// per compiled app, for every kind in the kind table: a chain for chained kinds, one provider else.
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { ProviderRef } from '../registry/definition-types.ts';
import { createProvider, type PluginCatalog } from './plugin-catalog.ts';
import type { EnvironmentValues } from '../support/env-references.ts';
import type { ProviderDeps, ProviderImpls, ProviderKind } from '../plugin-api.ts';
import type { Metrics } from '../support/metrics.ts';
import { DEFAULT_BREAKER, ProviderChain, type BreakerOptions } from './provider-chain.ts';
import { PROVIDER_KINDS, providerKinds, type ChainedKind, type SingleKind } from './provider-kinds.ts';

export type AppProviders = { [K in ChainedKind]: ProviderChain<ProviderImpls[K]> } & { [K in SingleKind]: ProviderImpls[K] };

export interface ProviderEnvironment {
  production: boolean;
  env: EnvironmentValues;
}

/**
 * The providers an app names for a kind that its environment turns on (`enabledBy`: a vendor is
 * used where its key is set). Development defaults: an app that names none, or whose named ones
 * are all off, prints its messages to the log — which a production start refuses for an app that
 * named vendors: its OTPs would go nowhere but the log.
 */
function refsOf(app: CompiledApp, kind: ProviderKind, environment: ProviderEnvironment): ProviderRef[] {
  const named = app.definition.providers?.[kind];
  const refs = named === undefined ? [] : Array.isArray(named) ? named : [named];
  const on = refs.filter((r) => r.enabledBy === undefined || Boolean(environment.env[r.enabledBy]));
  if (on.length) return on;
  if (refs.length && environment.production) {
    throw new Error(`App "${app.id}": no ${kind} provider is turned on in production; set ${refs.map((r) => r.enabledBy).join(' or ')}`);
  }
  // The development fixtures verify nothing in production: an app whose moves verify documents must name a vendor there.
  if (kind === 'verification' && environment.production && [...app.workflows.values()].some((wf) => wf.transitions.some((t) => t.verify))) {
    throw new Error(`App "${app.id}" verifies documents in its moves but names no verification provider for production (providers.verification: cashfree, setu)`);
  }
  return [{ provider: PROVIDER_KINDS[kind].fallback }];
}

/**
 * A reloaded app gets new providers, and the old chains' breakers are shut down (their
 * rolling-window timers would otherwise keep every replaced version alive).
 */
export function createAppProviders(catalog: PluginCatalog, deps: ProviderDeps, breaker: BreakerOptions = DEFAULT_BREAKER, environment: ProviderEnvironment = { production: false, env: process.env }, metrics?: Metrics) {
  const cache = new Map<string, { app: CompiledApp; providers: AppProviders }>();
  const chains = (p: AppProviders) => providerKinds.filter((k) => PROVIDER_KINDS[k].chain).map((k) => p[k as ChainedKind]);
  return (app: CompiledApp): AppProviders => {
    const hit = cache.get(app.id);
    if (hit?.app === app) return hit.providers;
    if (hit) for (const chain of chains(hit.providers)) chain.shutdown();
    const made: Partial<Record<ProviderKind, unknown>> = {};
    for (const kind of providerKinds) {
      const refs = refsOf(app, kind, environment);
      if (!PROVIDER_KINDS[kind].chain) {
        made[kind] = createProvider(catalog, kind, refs[0]!.provider, refs[0]!.config ?? {}, deps, environment.env);
        continue;
      }
      made[kind] = new ProviderChain(
        refs.map((ref, i, all) => ({
          // The same plugin twice in a chain (two webhooks) needs two names: one breaker each.
          name: all.findIndex((r) => r.provider === ref.provider) === i ? ref.provider : `${ref.provider}#${i + 1}`,
          impl: createProvider(catalog, kind, ref.provider, ref.config ?? {}, deps, environment.env),
        })),
        breaker,
        metrics && ((provider, state) => metrics.breakerState(app.id, kind, provider, state)),
      );
    }
    const providers = made as AppProviders;
    // Every check a move verifies is offered by a provider turned on (production with only Setu cannot verify a bank account).
    for (const wf of app.workflows.values()) {
      for (const t of wf.transitions) {
        if (t.verify && !providers.verification.offers((p) => p.checks.includes(t.verify!.check))) throw new Error(`App "${app.id}": move "${t.event}" verifies a ${t.verify.check} check that no verification provider turned on offers`);
      }
    }
    cache.set(app.id, { app, providers });
    return providers;
  };
}
