// npm run validate [-- <definitions root | app folder>]: prints every problem, exits non-zero on any
// error (a failing saved test case is one). Warnings are printed too, marked, but an app with only warnings loads, so it passes.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadAppDir } from './compile-app.ts';
import type { DefinitionProblem } from './definition-types.ts';
import { listAppDirs, readDefinitionFiles } from './load-definition-files.ts';
import { failingCaseProblems } from '../lifecycle/run-test-cases.ts';
import { PROJECT_ROOT } from '../support/project-root.ts';

const DEFAULT_ROOT = path.join(PROJECT_ROOT, 'definitions');

function appDirsFor(target: string): string[] {
  const isAppDir = existsSync(path.join(target, 'app.yaml')) || existsSync(path.join(target, 'app.yml')) || existsSync(path.join(target, 'app.json'));
  return isAppDir ? [target] : listAppDirs(target);
}

const target = path.resolve(process.argv[2] ?? DEFAULT_ROOT);
if (!existsSync(target) || !statSync(target).isDirectory()) {
  console.error(`Not a folder: ${target}`);
  process.exit(2);
}
const line = (p: DefinitionProblem) => `  ${p.file}  ${p.path}  ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
let failed = 0;
for (const dir of appDirsFor(target)) {
  // Checked in the environment of the shell that runs it: ${NAME} references resolve as a start here would.
  const result = loadAppDir(dir, process.cwd(), { env: process.env });
  // The app's saved test cases must pass too, as they must for a start to import the folder.
  const failing = result.app ? await failingCaseProblems(result.app, readDefinitionFiles(dir).files.map((f) => ({ ...f, file: path.relative(process.cwd(), f.file) })), new Date()) : [];
  if (failing.length) {
    result.problems.push(...failing);
    delete result.app;
  }
  if (result.app) {
    console.log(`ok    ${path.relative(process.cwd(), dir) || '.'}  (app "${result.app.id}": ${result.app.entities.size} entities, ${result.app.workflows.size} workflows)`);
  } else {
    failed++;
    console.log(`FAIL  ${path.relative(process.cwd(), dir) || '.'}`);
  }
  for (const p of result.problems) console.log(line(p));
}
process.exit(failed ? 1 : 0);
