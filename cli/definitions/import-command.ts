// definitions import <app> <dir>: the folder's files as a release now, by the rule a start follows
// (engine/lifecycle/import-app-folder.ts): what the files changed since the last import is applied
// over the live release, a definition an admin changed meanwhile is held back and reported, and
// refused files change nothing. Every running process serves the new release at once.
import { compareDefinitions, importAppFolder, releaseDefinitions } from '../../engine/index.ts';
import { appName, readArgs } from './command-args.ts';
import type { Subcommand } from './command-context.ts';
import { appFolderArg } from './app-folder-arg.ts';
import { changeLines, problemLines, releaseText } from './output-lines.ts';
import { conflictLines } from './conflict-lines.ts';

export const importCommand: Subcommand = {
  name: 'import',
  usage: 'import <app> <dir>',
  summary: 'import the files of <dir>/<app> as a release now, as a start would; exit 1 when they are refused',
  async run(args, ctx) {
    const { positionals } = readArgs(args, {}, { required: 2, max: 2 });
    const app = appName(positionals[0]);
    const { root, folder } = appFolderArg(positionals[1]!, app);
    const db = await ctx.db();
    const { planned, release } = await importAppFolder(db, root, folder, { production: ctx.production, env: ctx.env });
    const { plan, result } = planned;
    const live = plan.live ? `${releaseText(plan.live)} stays live` : 'the app has no release';
    if (!result.app) {
      ctx.err.write(`${app}: the files in ${folder} are refused (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}); ${live}\n`);
      for (const line of problemLines(result.problems)) ctx.err.write(line);
      return 1;
    }
    if (release) {
      const changed = compareDefinitions(plan.live ? await releaseDefinitions(db, plan.live) : [], plan.definitions);
      ctx.out.write(`${app}: ${releaseText(release)} imported from ${folder}: ${changed.length} definition${changed.length === 1 ? '' : 's'} changed\n`);
      for (const line of changeLines(changed)) ctx.out.write(line);
    } else {
      ctx.out.write(`${app}: the files in ${folder} change nothing; ${live}\n`);
    }
    for (const line of problemLines(result.problems)) ctx.out.write(line); // warnings only
    for (const line of await conflictLines(db, planned)) ctx.out.write(line);
    return 0;
  },
};
