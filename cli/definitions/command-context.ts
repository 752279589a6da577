// What every `npm run definitions` subcommand is given: where to write, the server's definitions
// root and compile mode, and the database, opened only once the arguments are understood (a usage
// error never starts a database). Tests pass a test database and capture the output.
import type { Database, EnvironmentValues } from '../../engine/index.ts';

export interface Output {
  write(text: string): unknown;
}

export interface CommandContext {
  out: Output;
  /** Usage errors and failures (the same stream as `out` unless told otherwise). */
  err: Output;
  /** The definitions root the server reads (DEFINITIONS_DIR): diff's default folder. */
  definitionsDir: string;
  /** Compile as production does (refuses development-only definitions such as fixed OTP codes). */
  production: boolean;
  /** What `${NAME}` in definitions reads (the server's environment); unset: their defaults. */
  env?: EnvironmentValues;
  db(): Promise<Database>;
}

/** Exit codes: 0 done, 1 what the subcommand says (refused, differences, nothing to act on), 2 bad arguments. */
export type ExitCode = 0 | 1 | 2;

export interface Subcommand {
  name: string;
  /** One usage line: "export <app> <dir> [--release N] [--prune]". */
  usage: string;
  summary: string;
  run(args: readonly string[], ctx: CommandContext): Promise<ExitCode>;
}
