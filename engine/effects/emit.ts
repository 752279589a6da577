// `emit`: a downstream event to topics, through the app's events provider. One outbox row per
// topic, written with the change, delivered after commit.
import { checkExpression } from './check-expression.ts';
import type { EffectModule } from './effect-module.ts';
import { resolveValue } from './resolve-value.ts';

export interface EmitEffect {
  event: string;
  topics: string[];
  payload?: Record<string, unknown>;
}

export const emit: EffectModule<EmitEffect> = {
  schema: 'common.schema.json#/definitions/effect/properties/emit',
  places: ['onCreate', 'transition', 'workflow'],
  phase: 'after',
  check(body, at) {
    for (const [key, value] of Object.entries(body.payload ?? {})) checkExpression(value, `${at.path}.emit.payload.${key}`, at);
  },
  plan(body, ctx, { app, recordId, key, index }) {
    const payload = body.payload
      ? Object.fromEntries(Object.entries(body.payload).map(([k, v]) => [k, resolveValue(v, ctx) ?? null]))
      : { id: recordId, state: ctx.record.status ?? null };
    return {
      outbox: body.topics.map((topic) => ({
        app: app.id,
        channel: 'event' as const,
        recordId,
        template: null,
        recipient: topic,
        payload: { topic, type: body.event, key: recordId ?? key, payload },
        idempotencyKey: `${key}:${index}:${topic}`,
      })),
    };
  },
};
