// The release a subcommand is told about (`--release N`), or the live one: a number the app does not
// have is a bad argument (exit 2), an app without any release is answered by the subcommand.
import { findRelease, liveRelease, type Database, type Release } from '../../engine/index.ts';
import { UsageError } from './command-args.ts';

export async function releaseArg(db: Database, app: string, number?: number): Promise<Release | undefined> {
  if (number === undefined) return liveRelease(db, app);
  const release = await findRelease(db, app, number);
  if (release) return release;
  const live = await liveRelease(db, app);
  throw new UsageError(live ? `${app} has no release ${number} (the live one is ${live.number})` : `${app} has no releases`);
}
