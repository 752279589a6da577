// Apps as their earlier releases served them: what a record pinned to one of those releases follows
// (a workflow with `follows: pinned`). A release never changes, so each is compiled once per process
// and kept; only the most recently used few stay, since records pinned far back are rare.
import type { Database } from '../store/database.ts';
import type { CompileOptions } from './compile-app.ts';
import type { CompiledApp, Registry } from './compiled-app.ts';
import { compileRelease } from './load-registry.ts';

export type ReleasedApps = (app: string, release: number) => Promise<CompiledApp | undefined>;

export function createReleasedApps(db: Database, current: () => Registry, options: CompileOptions, keep = 32): ReleasedApps {
  const compiled = new Map<string, Promise<CompiledApp | undefined>>();
  return (app, release) => {
    const registry = current();
    // The release served now is compiled already.
    if (registry.releases?.get(app) === release) return Promise.resolve(registry.apps.get(app));
    const key = `${app}#${release}`;
    let found = compiled.get(key);
    if (found) compiled.delete(key); // re-inserted below: the map's order is the order of use
    else {
      found = compileRelease(db, app, options, release).then((r) => r?.app);
      // A failed read (the database was away) is tried again next time, not remembered.
      found.catch(() => compiled.delete(key));
    }
    compiled.set(key, found);
    if (compiled.size > keep) compiled.delete(compiled.keys().next().value!);
    return found;
  };
}
