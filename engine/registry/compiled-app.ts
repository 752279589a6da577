import type { CompiledEntity } from '../records/compile-entity.ts';
import type { CompiledWorkflow } from '../workflow/compiled-workflow.ts';
import type { CompiledTemplate } from '../notify/compile-template.ts';
import type { AppDef, OtpPolicyDef, RoleDef, RouteAliasDef, RulesDef, JobDef, ImportDef, DemoDataDef } from './definition-types.ts';

export interface CompiledApp {
  id: string;
  name: string;
  basePath: string;
  roles: Readonly<Record<string, RoleDef>>;
  entities: ReadonlyMap<string, CompiledEntity>;
  workflows: ReadonlyMap<string, CompiledWorkflow>;
  templates: ReadonlyMap<string, CompiledTemplate>;
  otpPolicies: ReadonlyMap<string, OtpPolicyDef>;
  /** Promotion rulesets by name. */
  rulesets: ReadonlyMap<string, RulesDef>;
  /** Scheduled jobs by name. */
  jobs: ReadonlyMap<string, JobDef>;
  /** CSV imports by name. */
  imports: ReadonlyMap<string, ImportDef>;
  /** Development demo data. */
  demoData: readonly DemoDataDef[];
  routes: readonly RouteAliasDef[];
  accessTokenMinutes: number;
  passwordLogin: boolean;
  /** sha256 over the app's authored files: a new version is stored only when this changes. */
  checksum: string;
  definition: AppDef;
}

/** What the engine serves: every app that loaded, each as one immutable compiled unit. */
export interface Registry {
  apps: ReadonlyMap<string, CompiledApp>;
}
