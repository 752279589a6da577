// The files a subcommand reads: `<dir>/<app>` under a definitions root, as the server reads them,
// or `<dir>` itself when it is that app's folder. Release entries name files relative to the root
// ("solarium/app.yaml"), so the root is kept with the folder.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './command-args.ts';

const isFolder = (p: string) => existsSync(p) && statSync(p).isDirectory();

export function appFolderArg(dir: string, app: string): { root: string; folder: string } {
  const given = path.resolve(dir);
  if (isFolder(path.join(given, app))) return { root: given, folder: path.join(given, app) };
  if (isFolder(given) && path.basename(given) === app) return { root: path.dirname(given), folder: given };
  throw new UsageError(`No folder ${path.join(given, app)}: give the definitions root that holds ${app}/ (or ${app}/ itself)`);
}
