import type { AnyStateMachine } from 'xstate';
import type { ConditionGuard } from '../conditions/condition-guard.ts';
import type { Effect, StateDef, VerifyStepDef, WorkflowDef } from '../registry/definition-types.ts';

export interface CompiledTransition {
  /** Position in `transitions`; the xstate guard receives guard results by this index. */
  index: number;
  event: string;
  from: string;
  to: string;
  roles: ReadonlySet<string>;
  guard?: ConditionGuard;
  effects: readonly Effect[];
  requiresStage?: number;
  /** At most `max` records in the target state at once. */
  limit?: { max: number; errorCode?: string; message?: string };
  /** The code this move needs (verified in the same transaction as the move). */
  otp?: { policy: string; field: string };
  /** A document this move checks through the verification providers first. */
  verify?: VerifyStepDef;
  /** Taken by the engine only (a verification's review move). */
  internal: boolean;
  /** Input fields this move needs. */
  requires: readonly string[];
  /** Attachment slots that must each hold a document. */
  requiresFiles: readonly string[];
}

export interface CompiledWorkflow {
  name: string;
  entity: string;
  field: string;
  initial: string;
  states: Readonly<Record<string, StateDef>>;
  transitions: readonly CompiledTransition[];
  /** Outgoing transitions per state, in definition order. */
  byState: ReadonlyMap<string, readonly CompiledTransition[]>;
  events: ReadonlySet<string>;
  commonEffects: readonly Effect[];
  onCreate: readonly Effect[];
  overrideRoles: ReadonlySet<string>;
  overrideRemarksRequired: boolean;
  /** True when states carry stage numbers: responses then include journeyStatus. */
  isJourney: boolean;
  machine: AnyStateMachine;
  definition: WorkflowDef;
}
