// definitions releases <app>: the app's releases, newest (live) first — what the REST
// `GET /v1/apps/{app}/releases` answers, for an engineer at a terminal.
import { listReleases, type Database } from '../../engine/index.ts';
import { appName, readArgs, UsageError } from './command-args.ts';
import type { Subcommand } from './command-context.ts';
import { dateText, table } from './output-lines.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who made each release, as people know them: an admin's email (or phone) rather than a user id. */
async function authors(db: Database, app: string, ids: readonly string[]): Promise<Map<string, string>> {
  const users = await db.user.findMany({ where: { app, id: { in: ids.filter((id) => UUID.test(id)) } }, select: { id: true, email: true, phone: true } });
  return new Map(users.map((u) => [u.id, u.email ?? u.phone ?? u.id]));
}

export const releasesCommand: Subcommand = {
  name: 'releases',
  usage: 'releases <app> [--limit N]',
  summary: 'the releases of the app, newest (live) first',
  async run(args, ctx) {
    const { positionals, values } = readArgs(args, { limit: { type: 'string' } }, { required: 1, max: 1 });
    const app = appName(positionals[0]);
    const limit = values.limit === undefined ? 100 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit takes a count (1, 2, …), not "${values.limit}"`);
    const db = await ctx.db();
    // One more than shown, to say whether there are older ones.
    const found = await listReleases(db, app, limit + 1);
    const releases = found.slice(0, limit);
    if (!releases.length) {
      ctx.err.write(`${app}: no releases (no server has loaded this app from its files yet, or the name is wrong)\n`);
      return 1;
    }
    const who = await authors(db, app, releases.map((r) => r.createdBy));
    const older = found.length > limit ? ` (older ones too: --limit ${limit * 10} shows more)` : '';
    ctx.out.write(`${app}: ${releases.length} release${releases.length === 1 ? '' : 's'}, live first${older}\n`);
    const rows = [['#', 'source', 'author', 'date', 'checksum', 'comment'], ...releases.map((r) => [String(r.number), r.source, who.get(r.createdBy) ?? r.createdBy, dateText(r.createdAt), r.checksum.slice(0, 12), r.comment ?? ''])];
    for (const line of table(rows)) ctx.out.write(line);
    return 0;
  },
};
