import type { CompiledApp } from '../registry/compiled-app.ts';
import type { ProviderRef } from '../registry/definition-types.ts';
import { createProvider, type PluginCatalog } from '../plugins/plugin-registry.ts';
import type { BlobProvider, EmailMessage, EventMessage, ProviderDeps, SmsMessage } from '../plugin-api.ts';
import { DEFAULT_BREAKER, ProviderChain, type BreakerOptions } from './provider-chain.ts';

export interface AppChannels {
  sms: ProviderChain<SmsMessage>;
  email: ProviderChain<EmailMessage>;
  event: ProviderChain<EventMessage>;
  /** The app's blob store (fs under DATA_DIR unless the app names another). */
  blob: BlobProvider;
}

// Development defaults: an app that names no providers prints its messages to the log.
const CONSOLE: ProviderRef[] = [{ provider: 'console' }];

/**
 * Provider chains per app, created from the app's `providers` (config validated by each plugin's
 * schema) once per compiled app: a reload with new providers gets new chains.
 */
export function createAppChannels(catalog: PluginCatalog, deps: ProviderDeps, breaker: BreakerOptions = DEFAULT_BREAKER) {
  // One entry per app id: a reloaded app gets new chains and the old ones' breakers are shut down
  // (their rolling-window timers would otherwise keep every replaced version alive).
  const cache = new Map<string, { app: CompiledApp; channels: AppChannels }>();
  return (app: CompiledApp): AppChannels => {
    const hit = cache.get(app.id);
    let channels = hit?.app === app ? hit.channels : undefined;
    if (!channels) {
      if (hit) for (const chain of [hit.channels.sms, hit.channels.email, hit.channels.event]) chain.shutdown();
      const p = app.definition.providers ?? {};
      const chain = <K extends 'sms' | 'email' | 'events', M>(kind: K, refs: ProviderRef[] | undefined, call: (impl: never, m: M) => Promise<{ providerMessageId: string }>) =>
        new ProviderChain<M>(
          (refs ?? CONSOLE).map((ref, i, all) => {
            const impl = createProvider(catalog, kind, ref.provider, ref.config ?? {}, deps);
            // The same plugin twice in a chain (two webhooks) needs two names: one breaker each.
            const name = all.findIndex((r) => r.provider === ref.provider) === i ? ref.provider : `${ref.provider}#${i + 1}`;
            return { name, send: (m: M) => call(impl as never, m) };
          }),
          breaker,
        );
      channels = {
        sms: chain('sms', p.sms, (impl: { send(m: SmsMessage): Promise<{ providerMessageId: string }> }, m: SmsMessage) => impl.send(m)),
        email: chain('email', p.email, (impl: { send(m: EmailMessage): Promise<{ providerMessageId: string }> }, m: EmailMessage) => impl.send(m)),
        event: chain('events', p.events, (impl: { publish(m: EventMessage): Promise<{ providerMessageId: string }> }, m: EventMessage) => impl.publish(m)),
        blob: createProvider(catalog, 'blob', p.blob?.provider ?? 'fs', p.blob?.config ?? {}, deps),
      };
      cache.set(app.id, { app, channels });
    }
    return channels;
  };
}
