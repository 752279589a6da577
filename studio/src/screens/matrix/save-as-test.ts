// A simulated move kept as a saved test case: appended to the app's test definition that already
// tests this workflow's entity (else its first one, else a new one named after the workflow), put
// whole into the change set like any other edit.
import type { Studio } from '../../studio-context.tsx';
import type { MoveAnswer } from './MoveSimulator.tsx';
import type { WorkflowContent } from './workflow-model.ts';

export interface MoveRequest {
  kind: 'move';
  entity: string;
  record: Record<string, unknown>;
  role: string;
  target: string;
  override?: boolean;
  remarks?: string;
}

interface TestCase {
  name: string;
  simulate: { kind: string; entity?: string; [key: string]: unknown };
  expect: Record<string, unknown>;
}

interface TestContent {
  kind: 'test';
  name: string;
  label?: string;
  cases: TestCase[];
  [key: string]: unknown;
}

export async function saveCaseAsTest(studio: Studio, wf: WorkflowContent, name: string, request: MoveRequest, answer: MoveAnswer): Promise<{ test: string }> {
  const tests = studio.definitionsOf<TestContent>('test');
  const home = tests.find((t) => t.content.cases.some((c) => c.simulate.kind === 'move' && c.simulate.entity === wf.entity)) ?? tests[0];
  const expect = answer.allowed ? { allowed: true, to: answer.to } : { allowed: false, code: answer.code };
  const added: TestCase = { name, simulate: { ...request }, expect };
  if (home) {
    // Case names are how a failing case is reported: keep them unique.
    const taken = new Set(home.content.cases.map((c) => c.name));
    let unique = name;
    for (let i = 2; taken.has(unique); i++) unique = `${name} (${i})`;
    await studio.putDefinition('test', home.name, { ...home.content, cases: [...home.content.cases, { ...added, name: unique }] }, `Change the ${wf.name} matrix`);
    return { test: home.name };
  }
  await studio.putDefinition('test', wf.name, { kind: 'test', name: wf.name, label: `Moves of ${wf.name}`, cases: [added] }, `Change the ${wf.name} matrix`);
  return { test: wf.name };
}
