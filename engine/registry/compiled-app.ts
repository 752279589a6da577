import type { CompiledParts } from './definition-kinds.ts';

/**
 * One app as the engine serves it: the part each definition kind compiles to (kinds/*.ts: `id`,
 * `roles` and `routes` from the app; `entities`, `workflows`, `templates`, `otpPolicies`,
 * `rulesets`, `jobs`, `imports`, `demoData`), frozen.
 */
export type CompiledApp = CompiledParts & {
  /** sha256 over the app's authored files: a new version is stored only when this changes. */
  checksum: string;
};

/** What the engine serves: every app that loaded, each as one immutable compiled unit. */
export interface Registry {
  apps: ReadonlyMap<string, CompiledApp>;
  /** The release each app serves (its number), when it came from one. */
  releases?: ReadonlyMap<string, number>;
}
