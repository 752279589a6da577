// definitions diff <app> [<dir> | --release A --release B]: what would change, in the sentences a
// business admin reads for a change set. Against the files (<dir>/<app>, default the server's
// definitions root): what importing them would change in the live release, the conflicts it would
// hold back and the problems that would refuse it. Between two releases: what going from A to B
// changes. Exit 0 when nothing differs, 1 when something does (as diff(1)).
import { compareDefinitions, planAppFolder, releaseDefinitions } from '../../engine/index.ts';
import { appName, readArgs, releaseNumber, UsageError } from './command-args.ts';
import type { CommandContext, ExitCode, Subcommand } from './command-context.ts';
import { appFolderArg } from './app-folder-arg.ts';
import { conflictLines } from './conflict-lines.ts';
import { changeLines, problemLines, releaseText } from './output-lines.ts';
import { releaseArg } from './release-arg.ts';

async function diffReleases(ctx: CommandContext, app: string, a: number, b: number): Promise<ExitCode> {
  const db = await ctx.db();
  const from = (await releaseArg(db, app, a))!;
  const to = (await releaseArg(db, app, b))!;
  const changed = compareDefinitions(await releaseDefinitions(db, from), await releaseDefinitions(db, to));
  ctx.out.write(`${app}: from ${releaseText(from)} to ${releaseText(to)}: ${changed.length ? `${changed.length} definition${changed.length === 1 ? '' : 's'} changed` : 'the same definitions'}\n`);
  for (const line of changeLines(changed)) ctx.out.write(line);
  return changed.length ? 1 : 0;
}

async function diffFiles(ctx: CommandContext, app: string, dir: string): Promise<ExitCode> {
  const { root, folder } = appFolderArg(dir, app);
  const db = await ctx.db();
  const planned = await planAppFolder(db, root, folder, { production: ctx.production, env: ctx.env });
  const { plan, result } = planned;
  const changed = compareDefinitions(plan.live ? await releaseDefinitions(db, plan.live) : [], plan.definitions);
  const against = plan.live ? `the live ${releaseText(plan.live)}` : 'no release (the app has none: every definition is new)';
  ctx.out.write(`${app}: the files in ${folder} against ${against}: ${changed.length ? `${changed.length} definition${changed.length === 1 ? '' : 's'} would change` : 'nothing would change'}\n`);
  for (const line of changeLines(changed)) ctx.out.write(line);
  const conflicts = await conflictLines(db, planned);
  for (const line of conflicts) ctx.out.write(line);
  if (!result.app) ctx.out.write(`the files would be refused (the live release keeps serving):\n`);
  for (const line of problemLines(result.problems)) ctx.out.write(line);
  return changed.length || conflicts.length || !result.app ? 1 : 0;
}

export const diffCommand: Subcommand = {
  name: 'diff',
  usage: 'diff <app> [<dir> | --release A --release B]',
  summary: 'what importing the files (default the definitions root) would change in the live release, or what release B changes from A; exit 1 when anything differs',
  async run(args, ctx) {
    const { positionals, values } = readArgs(args, { release: { type: 'string', multiple: true } }, { required: 1, max: 2 });
    const app = appName(positionals[0]);
    const releases = values.release ?? [];
    if (releases.length) {
      if (releases.length !== 2) throw new UsageError('Compare two releases: --release A --release B');
      if (positionals[1] !== undefined) throw new UsageError('Give a folder or two releases, not both');
      return diffReleases(ctx, app, releaseNumber(releases[0]!), releaseNumber(releases[1]!));
    }
    return diffFiles(ctx, app, positionals[1] ?? ctx.definitionsDir);
  },
};

