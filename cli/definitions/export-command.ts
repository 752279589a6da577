// definitions export <app> <dir> [--release N] [--prune]: the live release (or release N) back to
// files in <dir>/<app>/, so what admins published can be reviewed and committed (the writing itself:
// engine/lifecycle/export-release.ts).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { exportRelease } from '../../engine/index.ts';
import { appName, readArgs, releaseNumber, UsageError } from './command-args.ts';
import type { Subcommand } from './command-context.ts';
import { releaseText } from './output-lines.ts';
import { releaseArg } from './release-arg.ts';

export const exportCommand: Subcommand = {
  name: 'export',
  usage: 'export <app> <dir> [--release N] [--prune]',
  summary: 'write the live release (or N) to <dir>/<app>/; --prune removes the files of definitions it does not hold',
  async run(args, ctx) {
    const { positionals, values } = readArgs(args, { release: { type: 'string' }, prune: { type: 'boolean' } }, { required: 2, max: 2 });
    const app = appName(positionals[0]);
    const root = path.resolve(positionals[1]!);
    if (existsSync(root) && !statSync(root).isDirectory()) throw new UsageError(`Not a folder: ${root}`);
    const number = values.release === undefined ? undefined : releaseNumber(values.release);
    const db = await ctx.db();
    const release = await releaseArg(db, app, number);
    if (!release) {
      ctx.err.write(`${app}: no release to export (no server has loaded this app from its files yet, or the name is wrong)\n`);
      return 1;
    }
    let files;
    try {
      files = await exportRelease(db, release, root, { prune: values.prune });
    } catch (err) {
      ctx.err.write(`${app}: nothing exported: ${(err as Error).message}\n`);
      return 1;
    }
    ctx.out.write(`${app}: ${releaseText(release)} exported to ${path.join(root, app)}\n`);
    for (const f of files) ctx.out.write(`  ${f.action.padEnd(9)}  ${f.file}${f.action === 'kept' ? `  (not in release ${release.number}; --prune removes it)` : ''}\n`);
    return 0;
  },
};
