// The registry of definition kinds: one module per kind, listed once. The kind names accepted in
// a file, the union of authored definitions and the shape of a compiled app all derive from it.
import type { DefinitionKindModule } from './definition-kind-module.ts';
import { appKind } from './kinds/app.ts';
import { demoKind } from './kinds/demo.ts';
import { documentKind } from './kinds/document.ts';
import { entityKind } from './kinds/entity.ts';
import { importKind } from './kinds/import.ts';
import { jobKind } from './kinds/job.ts';
import { otpKind } from './kinds/otp.ts';
import { rulesKind } from './kinds/rules.ts';
import { templateKind } from './kinds/template.ts';
import { testKind } from './kinds/test.ts';
import { workflowKind } from './kinds/workflow.ts';

// The order is the order of checks and of the kinds listed in "kind must be one of: ...".
export const definitionKinds = [appKind, entityKind, workflowKind, templateKind, documentKind, otpKind, rulesKind, jobKind, importKind, demoKind, testKind] as const;

type KindModule = (typeof definitionKinds)[number];
type DefinitionOfModule<M> = M extends DefinitionKindModule<string, infer D, object> ? D : never;
type PartOfModule<M> = M extends DefinitionKindModule<string, never, infer P> ? P : never;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Any authored definition, as its kind's JSON Schema allows. */
export type AnyDefinition = DefinitionOfModule<KindModule>;
export type DefinitionKind = AnyDefinition['kind'];
export type DefinitionOfKind<K extends DefinitionKind> = Extract<AnyDefinition, { kind: K }>;
export type CompiledPartOf<K extends DefinitionKind> = PartOfModule<Extract<KindModule, { kind: K }>>;
/** Every kind's compiled part together: what a compiled app is made of (compiled-app.ts). */
export type CompiledParts = UnionToIntersection<PartOfModule<KindModule>>;

/** The modules seen through the contract alone, for code that loops over every kind. */
export type AnyKindModule = DefinitionKindModule<DefinitionKind, AnyDefinition, object>;
export const kindModules: readonly AnyKindModule[] = definitionKinds;

/** The kinds' names, as definitions say them (`kind: workflow`). */
export const DEFINITION_KINDS: readonly DefinitionKind[] = definitionKinds.map((m) => m.kind);

export const definitionKindNames: readonly DefinitionKind[] = kindModules.map((m) => m.kind);

export function kindModuleOf(kind: DefinitionKind): AnyKindModule {
  return kindModules.find((m) => m.kind === kind)!;
}
