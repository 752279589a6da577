import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEffect } from '../../engine/effects/check-effect.ts';
import { deliverPlanned } from '../../engine/effects/deliver-planned.ts';
import type { DeliverDeps, EffectCheckContext, EffectModule } from '../../engine/effects/effect-module.ts';
import { effectModules, type Effect } from '../../engine/effects/effect-registry.ts';
import { planEffects } from '../../engine/effects/plan-effects.ts';
import type { CompiledApp } from '../../engine/registry/compiled-app.ts';
import { SCHEMA_DIR } from '../../engine/registry/definition-schemas.ts';
import type { WorkflowDef } from '../../engine/registry/definition-types.ts';

const readSchema = (file: string) => JSON.parse(readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>;

/** Resolves "file.schema.json#/a/b" against definitions/_schema. */
function resolvePointer(ref: string): unknown {
  const [file, pointer = ''] = ref.split('#');
  return pointer
    .split('/')
    .filter(Boolean)
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], readSchema(file!));
}

const effectSchema = resolvePointer('common.schema.json#/definitions/effect') as { properties: Record<string, unknown>; maxProperties: number };

describe('effect registry', () => {
  it('has a module for every effect key of the JSON Schema, and a key for every module', () => {
    expect(Object.keys(effectModules).sort()).toEqual(Object.keys(effectSchema.properties).sort());
    expect(effectSchema.maxProperties).toBe(1);
  });

  it("points every module at its own key's schema", () => {
    for (const [name, module] of Object.entries(effectModules)) {
      expect(module.schema).toBe(`common.schema.json#/definitions/effect/properties/${name}`);
      expect(resolvePointer(module.schema)).toEqual(effectSchema.properties[name]);
    }
  });

  // Deliver steps run in the write's transaction: a create's, or a move's (a move with something to
  // deliver is written in one, transition-service.ts).
  it('places the effects with a deliver step where a transaction runs them: a code with its record’s create or a move, a created or moved record with a move', () => {
    const delivering = Object.entries(effectModules).filter(([, m]) => 'deliver' in m);
    expect(Object.fromEntries(delivering.map(([name, m]) => [name, m.places]))).toEqual({ issueOtp: ['onCreate', 'transition'], create: ['transition', 'workflow'], move: ['transition', 'workflow'] });
  });
});

describe('a fake effect in a test-local registry', () => {
  // `stamp` sets a field to the actor's id; `ping` queues a deliver step that reads the record as the change leaves it.
  const stamp: EffectModule<{ field: string }> = {
    schema: 'test#/stamp',
    places: ['transition'],
    phase: 'change',
    check(body, at) {
      if (body.field.startsWith('_')) at.add(`${at.path}.stamp.field`, 'No private fields');
    },
    plan: (body, ctx) => ({ fields: { [body.field]: ctx.actor.id } }),
  };
  const delivered: unknown[] = [];
  const ping: EffectModule<{ say: string }, string> = {
    schema: 'test#/ping',
    places: ['transition'],
    phase: 'after',
    check: () => {},
    plan: (body, ctx) => ({ deliver: `${body.say} ${String(ctx.record.stampedBy)} in ${String(ctx.record.status)}` }),
    deliver: async (step) => void delivered.push(step),
  };
  const modules = { ...effectModules, stamp, ping };
  const effects = [{ ping: { say: 'hello' } }, { stamp: { field: 'stampedBy' } }] as unknown as Effect[];
  const app = { id: 'demo', name: 'Demo', templates: new Map() } as unknown as CompiledApp;

  it('is planned through its module: fields first, then what reads the record as it is left', () => {
    const plan = planEffects(effects, { record: { status: 'new' }, actor: { id: 'u1' }, input: {}, now: '2026-01-01T00:00:00.000Z' }, { app, recordId: 'r1', key: 'demo:r1:v2', after: (fields) => ({ status: 'done', ...fields }) }, modules);
    expect(plan).toEqual({ fields: { stampedBy: 'u1' }, outbox: [], deliver: [{ effect: 'ping', step: 'hello u1 in done' }], prepare: [], skipped: [] });
  });

  it('is delivered through its module', async () => {
    await deliverPlanned([{ effect: 'ping', step: 'hi' }], {} as DeliverDeps, modules);
    expect(delivered).toEqual(['hi']);
  });

  it('is checked through its module, and only where its places allow', () => {
    const problems: string[] = [];
    const at = (p: string): EffectCheckContext => ({ path: p, entity: undefined, entities: new Map(), workflow: {} as WorkflowDef, templates: new Map(), documents: new Map(), add: (where, message) => problems.push(`${where} ${message}`) });
    checkEffect({ stamp: { field: '_secret' } } as unknown as Effect, 'onCreate', at('$.onCreate[0]'), modules);
    expect(problems).toEqual(['$.onCreate[0] stamp can only be used in transition', '$.onCreate[0].stamp.field No private fields']);
  });
});
