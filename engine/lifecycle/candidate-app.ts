// A change set's candidate as the engine would serve it once published: the live release with the
// change set's definitions applied, compiled. Simulations and saved test cases run against it, so
// an admin sees what a draft does before anyone else does.
import { AppError } from '../errors/app-error.ts';
import { compileAppFiles, type CompileOptions } from '../registry/compile-app.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import { asFiles, type ReleasedDefinition } from './release-store.ts';

/** Compiles the candidate's definitions; refused (422) with every problem while it has any. */
export function candidateApp(definitions: readonly ReleasedDefinition[], options: CompileOptions): CompiledApp {
  const { app, problems } = compileAppFiles(asFiles(definitions), [], '', options);
  if (!app) {
    const errors = problems.filter((p) => p.severity !== 'warning');
    throw new AppError('RULE_INVALID', 'The app would have problems with this change set', { details: errors.map((p) => ({ path: `${p.file} ${p.path}`, message: p.message })) });
  }
  return app;
}
