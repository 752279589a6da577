// `npm run definitions -- <subcommand> …`: the subcommands, their usage, and the exit codes every one
// keeps — 0 done, 1 what the subcommand says, 2 bad arguments (with the usage). Runs in-process:
// the entry (cli/definitions.ts) gives it the process's streams and database, tests their own.
import { UsageError } from './command-args.ts';
import type { CommandContext, ExitCode, Subcommand } from './command-context.ts';
import { diffCommand } from './diff-command.ts';
import { exportCommand } from './export-command.ts';
import { importCommand } from './import-command.ts';
import { releasesCommand } from './releases-command.ts';

const SUBCOMMANDS: readonly Subcommand[] = [releasesCommand, exportCommand, importCommand, diffCommand];

export const USAGE = [
  'usage: npm run definitions -- <subcommand> <arguments>',
  '',
  ...SUBCOMMANDS.flatMap((s) => [`  ${s.usage}`, `      ${s.summary}`]),
  '',
  '<dir> is a definitions root holding <app>/ (or that app folder itself). The database is the server’s:',
  'DATABASE_URL, else the embedded PostgreSQL under DATA_DIR (started for the command when no server runs).',
  'Exit codes: 0 done, 1 refused / differences / nothing to act on, 2 bad arguments.',
  '',
].join('\n');

export async function runDefinitionsCommand(args: readonly string[], ctx: CommandContext): Promise<ExitCode> {
  const [name, ...rest] = args;
  if (name === 'help' || name === '--help' || name === '-h') {
    ctx.out.write(USAGE);
    return 0;
  }
  const subcommand = SUBCOMMANDS.find((s) => s.name === name);
  try {
    if (!subcommand) throw new UsageError(name === undefined ? 'Which subcommand?' : `Unknown subcommand "${name}"`);
    return await subcommand.run(rest, ctx);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    ctx.err.write(`${err.message}\n${subcommand ? `usage: npm run definitions -- ${subcommand.usage}\n` : USAGE}`);
    return 2;
  }
}
