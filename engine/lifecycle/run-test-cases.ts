// Runs an app's saved test cases (definitions of kind `test`) against a compiled app: the live one,
// or a change set's candidate before it is published. Each case is a simulation (simulate.ts) and
// what must come out of it; only what a case names is compared. Coverage lists every move of every
// workflow and the cases that ask for it, so an admin sees which moves nothing guards.
import { isDeepStrictEqual } from 'node:util';
import { AppError, isAppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { DefinitionProblem, TestCaseDef, TestExpectation } from '../registry/definition-types.ts';
import { identityOf } from './release-store.ts';
import { simulate } from './simulate.ts';

/** What a case's simulation gave, in the terms of its expectation. */
export interface ActualOutcome {
  allowed?: boolean;
  to?: string;
  code?: string;
  /** The code the definition chose for the refusal (FE_PAN_INVALID), when it chose one. */
  publicCode?: string;
  message?: string;
  /** A move's explanation. */
  why?: string;
  /** The answer's values of the properties the expectation names. */
  output?: Record<string, unknown>;
}

export interface TestCaseFailure {
  test: string;
  case: string;
  /** The case's place in its test definition ($.cases[2]). */
  path: string;
  expected: TestExpectation;
  actual: ActualOutcome;
  /** What differs, in a sentence. */
  message: string;
}

export interface CaseRef {
  test: string;
  case: string;
}

export interface MoveCoverage {
  workflow: string;
  entity: string;
  from: string;
  to: string;
  event: string;
  roles: string[];
  /** The cases that ask for this move (its state, and its event or target). */
  cases: CaseRef[];
}

export interface TestRun {
  passed: number;
  failed: TestCaseFailure[];
  coverage: { moves: MoveCoverage[]; untested: Omit<MoveCoverage, 'cases'>[] };
}

async function outcomeOf(app: CompiledApp, c: TestCaseDef, now: Date): Promise<ActualOutcome> {
  const named = Object.keys(c.expect.output ?? {});
  try {
    const answer = await simulate(app, c.simulate, now);
    const out: ActualOutcome = {};
    if (answer.kind === 'move') {
      Object.assign(out, { allowed: answer.allowed, ...(answer.to !== undefined ? { to: answer.to } : {}), why: answer.why });
      if (answer.code) Object.assign(out, { code: answer.code, message: answer.message, ...(answer.publicCode ? { publicCode: answer.publicCode } : {}) });
    }
    if (named.length) out.output = Object.fromEntries(named.map((k) => [k, (answer as unknown as Record<string, unknown>)[k]]));
    return out;
  } catch (err) {
    if (!isAppError(err)) throw err;
    // A simulation the app refuses outright (a template the data cannot render) is a refusal too.
    return { ...(c.simulate.kind === 'move' ? { allowed: false } : {}), code: err.code, ...(err.publicCode ? { publicCode: err.publicCode } : {}), message: [err.message, ...(err.details ?? []).map((d) => `${d.path}: ${d.message}`)].join('; ') };
  }
}

const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));

/** Every difference between what a case expects and what came out; none: the case passes. */
function differences(expected: TestExpectation, actual: ActualOutcome): string[] {
  const out: string[] = [];
  if (expected.allowed !== undefined && actual.allowed !== expected.allowed) out.push(`expected ${expected.allowed ? 'allowed' : 'refused'}, got ${actual.allowed === undefined ? 'no move' : actual.allowed ? 'allowed' : 'refused'}`);
  if (expected.to !== undefined && actual.to !== expected.to) out.push(`expected to land in "${expected.to}", got ${show(actual.to)}`);
  if (expected.code !== undefined && actual.code !== expected.code && actual.publicCode !== expected.code) out.push(`expected code ${expected.code}, got ${show(actual.publicCode ?? actual.code)}`);
  for (const [k, v] of Object.entries(expected.output ?? {})) {
    if (!isDeepStrictEqual(actual.output?.[k], v)) out.push(`expected output.${k} ${show(v)}, got ${show(actual.output?.[k])}`);
  }
  return out;
}

/** Every move of every workflow, with the cases that ask for it. */
function coverageOf(app: CompiledApp): { moves: MoveCoverage[]; ask: (ref: CaseRef, c: TestCaseDef) => void } {
  const moves: MoveCoverage[] = [];
  for (const wf of app.workflows.values()) {
    for (const t of wf.transitions) moves.push({ workflow: wf.name, entity: wf.entity, from: t.from, to: t.to, event: t.event, roles: [...t.roles], cases: [] });
  }
  return {
    moves,
    ask(ref, c) {
      const sim = c.simulate;
      if (sim.kind !== 'move') return;
      const wf = app.entities.get(sim.entity)?.workflow;
      if (!wf) return;
      const from = sim.record?.[wf.field] === undefined ? wf.initial : String(sim.record[wf.field]);
      for (const m of moves) {
        if (m.workflow === wf.name && m.from === from && (sim.event !== undefined ? m.event === sim.event : m.to === sim.target)) m.cases.push(ref);
      }
    },
  };
}

export async function runTestCases(app: CompiledApp, now: Date): Promise<TestRun> {
  const { moves, ask } = coverageOf(app);
  const failed: TestCaseFailure[] = [];
  let passed = 0;
  for (const test of app.tests.values()) {
    for (const [i, c] of test.cases.entries()) {
      ask({ test: test.name, case: c.name }, c);
      const actual = await outcomeOf(app, c, now);
      const diff = differences(c.expect, actual);
      if (!diff.length) passed++;
      else failed.push({ test: test.name, case: c.name, path: `$.cases[${i}]`, expected: c.expect, actual, message: `${diff.join('; ')}${actual.why ? ` (${actual.why})` : actual.message ? ` (${actual.message})` : ''}` });
    }
  }
  return { passed, failed, coverage: { moves, untested: moves.filter((m) => !m.cases.length).map(({ cases: _cases, ...m }) => m) } };
}

/** Refuses (422) naming each failing case: a change set that breaks a saved case is not published. */
/**
 * The failing cases as problems of their test files: what a files import and `npm run validate`
 * refuse, as a publish does (the files are how engineers release; they pass the same gate).
 */
export async function failingCaseProblems(app: CompiledApp, files: readonly { file: string; content: unknown }[], now: Date): Promise<DefinitionProblem[]> {
  const { failed } = await runTestCases(app, now);
  const fileOf = new Map(files.flatMap((f) => {
    const id = identityOf(f.content);
    return id?.kind === 'test' ? [[id.name, f.file] as const] : [];
  }));
  return failed.map((f) => ({ file: fileOf.get(f.test) ?? f.test, path: f.path, message: `Saved test case "${f.case}" fails: ${f.message}` }));
}

export async function assertTestCasesPass(app: CompiledApp, now: Date): Promise<void> {
  const { failed } = await runTestCases(app, now);
  if (failed.length) {
    throw new AppError('RULE_INVALID', `${failed.length} saved test case(s) fail with this change set`, {
      details: failed.map((f) => ({ path: `test ${f.test} ${f.path}`, message: `Case "${f.case}": ${f.message}` })),
    });
  }
}
