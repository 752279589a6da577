import type { CompiledWorkflow } from './compiled-workflow.ts';

export interface JourneyStatus {
  currentStage: number;
  currentState: string;
  progressPercent: number;
}

/** For journeys (states with stage numbers): where the record is and how far along. */
export function journeyStatus(wf: CompiledWorkflow | undefined, state: string | null): JourneyStatus | undefined {
  if (!wf?.isJourney || state === null) return undefined;
  const def = wf.states[state];
  if (!def) return undefined;
  const stages = Object.values(wf.states).map((s) => s.stage ?? 0);
  const maxStage = Math.max(...stages, 1);
  const stage = def.stage ?? 0;
  return {
    currentStage: stage,
    currentState: state,
    progressPercent: def.progress ?? Math.round((stage / maxStage) * 100),
  };
}
