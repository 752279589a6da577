// Simulation: what the app (the live one, or a change set's candidate) would do with a request,
// answered without reading or writing anything. One simulator per kind of question, looked up by
// the request's `kind`; the request's shape is the `simulation` of test.schema.json, so a saved
// test case and an admin's call ask in the same words.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CompiledApp } from '../registry/compiled-app.ts';
import { SCHEMA_DIR } from '../registry/definition-schemas.ts';
import type { SimulationRequest } from '../registry/definition-types.ts';
import { bodyValidator } from '../support/validate-body.ts';
import { simulateOtp, type OtpAnswer } from './describe-otp-policy.ts';
import { simulateMove, type MoveAnswer } from './simulate-move.ts';
import { simulateRules, type RulesAnswer } from './simulate-rules.ts';
import { simulateTemplate, type TemplateAnswer } from './simulate-template.ts';

export type SimulationAnswer = MoveAnswer | TemplateAnswer | RulesAnswer | OtpAnswer;

type Simulator<K extends SimulationRequest['kind']> = (app: CompiledApp, req: Extract<SimulationRequest, { kind: K }>, now: Date) => SimulationAnswer | Promise<SimulationAnswer>;

const SIMULATORS: { [K in SimulationRequest['kind']]: Simulator<K> } = {
  move: simulateMove,
  template: simulateTemplate,
  rules: simulateRules,
  otp: simulateOtp,
};

/** The request body of a simulation: the `simulation` of test.schema.json, where test cases hold it too. */
export const SIMULATION_SCHEMA: Record<string, unknown> = (JSON.parse(readFileSync(path.join(SCHEMA_DIR, 'test.schema.json'), 'utf8')) as { definitions: { simulation: Record<string, unknown> } }).definitions.simulation;

/** Checks a request body against the simulation schema (400 listing every problem). */
export const parseSimulation = bodyValidator<SimulationRequest>(SIMULATION_SCHEMA);

/**
 * Answers a simulation against a compiled app. A refusal the app would give (a move it refuses) is
 * part of the answer; a request naming what the app does not have is refused (400, at that field).
 */
export async function simulate(app: CompiledApp, request: SimulationRequest, now: Date): Promise<SimulationAnswer> {
  const simulator = SIMULATORS[request.kind] as Simulator<SimulationRequest['kind']>;
  // A move may say when it happens (date guards); otherwise it happens now.
  const at = request.kind === 'move' && request.now ? new Date(request.now) : now;
  return simulator(app, request as never, at);
}
