// The registry of effects: an effect's key in a definition names its module. The keys are those
// of the effect's JSON Schema (common.schema.json), so `satisfies` fails to compile when a key of
// the schema has no module or a module has no key in the schema.
import type { EffectModule } from './effect-module.ts';
import { emit } from './emit.ts';
import { issueOtp } from './issue-otp.ts';
import { notify } from './notify.ts';
import { set } from './set.ts';
import { createRecord } from './create-record.ts';
import { renderDocument } from './render-document.ts';
import { moveRecord } from './move-record.ts';

type CommonSchema = typeof import('../../definitions/_schema/common.schema.json', { with: { type: 'json' } });
export type EffectName = keyof CommonSchema['definitions']['effect']['properties'];

export const effectModules = { set, notify, emit, issueOtp, create: createRecord, render: renderDocument, move: moveRecord } satisfies Record<EffectName, EffectModule<never, unknown>>;

type BodyOf<M> = M extends EffectModule<infer B, infer _S> ? B : never;

/** An authored effect: exactly one key, the effect's name, holding what its module reads. */
export type Effect = { [K in EffectName]: { [P in K]: BodyOf<(typeof effectModules)[K]> } }[EffectName];

/** An effect module seen through the contract alone, for code that handles every effect. */
export type AnyEffectModule = EffectModule<unknown, unknown>;
export type EffectRegistry = Readonly<Record<string, AnyEffectModule>>;

/** The name of an effect: its one key (the schema allows exactly one). */
export function effectNameOf(effect: object): string {
  return Object.keys(effect)[0]!;
}
