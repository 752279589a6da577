// A sync bundle: everything a mobile client keeps offline, in one response — every record of the
// entities the app declares for sync (`sync: { entities }` in app.yaml) that the caller may read,
// within their scope, without the fields their role may not see. Written as a stream, a batch of records at a time (keyset by id), so 10,000
// leads never sit in memory as objects and as JSON text at once. The ETag is computed first from
// a fingerprint of each entity's records in scope (count, newest change, sum of versions, newest
// delete; and of their files), the release served and the role: an unchanged data set answers 304
// without a body. A record with attachment slots carries its files' metadata.
import { createHash } from 'node:crypto';
import type { Actor } from '../auth/actor.ts';
import { requirePermission } from '../auth/permissions.ts';
import { visibleScopeTags } from './record-scope.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError, isAppError } from '../errors/app-error.ts';
import { resolveApp } from '../registry/resolve-target.ts';
import { recordsAfter, scopeFingerprint } from './record-store.ts';
import { recordView } from './record-view.ts';
import { fileSummaries, filesFingerprint } from './record-file-summaries.ts';
import { hiddenFields, withoutHidden } from './hidden-fields.ts';

const BATCH = 500;

export interface SyncBundle {
  etag: string;
  /** The body as JSON text, in chunks: { success, data: { syncedAt, entities: { <entity>: [records] } } }. */
  chunks(): AsyncGenerator<string>;
}

export async function syncBundle(ctx: EngineContext, appId: string, actor: Actor): Promise<SyncBundle> {
  const registry = ctx.registry();
  const app = resolveApp(registry, appId);
  const declared = app.definition.sync?.entities ?? [];
  if (!declared.length) throw new AppError('NOT_FOUND', `App "${app.id}" declares no sync bundle`);
  // The entities this caller may read, each with the scope it reads in.
  const readable: { entity: NonNullable<ReturnType<typeof app.entities.get>>; scopeTags: string[] | undefined; hidden: ReadonlySet<string> }[] = [];
  for (const name of declared) {
    const entity = app.entities.get(name)!;
    let permission;
    try {
      permission = requirePermission(app, actor, name, 'read');
    } catch (err) {
      if (isAppError(err) && err.status === 403) continue;
      throw err;
    }
    readable.push({ entity, scopeTags: await visibleScopeTags(ctx.db.sql, app.id, actor, permission), hidden: hiddenFields(permission) });
  }
  if (!readable.length) throw new AppError('FORBIDDEN', `Role "${actor.role}" may read none of the records this app syncs`);
  const hash = createHash('sha256').update(`${app.id}|${registry.releases?.get(app.id) ?? app.checksum}|${actor.role}|${actor.id}`);
  const withFiles = (name: string) => Object.keys(app.entities.get(name)!.definition.files ?? {}).length > 0;
  for (const r of readable) {
    hash.update(`|${r.entity.name}:${await scopeFingerprint(ctx.db.sql, app.id, r.entity.name, r.scopeTags)}`);
    if (withFiles(r.entity.name)) hash.update(`|files:${await filesFingerprint(ctx.db.sql, app.id, r.entity.name, r.scopeTags)}`);
  }
  const etag = `"${hash.digest('base64url')}"`;
  const syncedAt = ctx.clock().toISOString();
  return {
    etag,
    async *chunks() {
      yield `{"success":true,"data":{"syncedAt":${JSON.stringify(syncedAt)},"entities":{`;
      for (const [i, { entity, scopeTags, hidden }] of readable.entries()) {
        yield `${i ? ',' : ''}${JSON.stringify(entity.name)}:[`;
        let after: string | null = null;
        let first = true;
        for (;;) {
          const rows = await recordsAfter(ctx.db.sql, app.id, entity.name, scopeTags, after, BATCH);
          if (!rows.length) break;
          // A record with attachment slots carries its documents' metadata (§4.6 "partial doc references").
          const files = withFiles(entity.name) ? await fileSummaries(ctx.db.sql, rows.map((r) => r.id)) : undefined;
          const views = rows.map((row) => withoutHidden(recordView(entity, row), hidden));
          yield (first ? '' : ',') + views.map((view, i) => JSON.stringify(files ? { ...view, files: files.get(rows[i]!.id) ?? [] } : view)).join(',');
          first = false;
          after = rows.at(-1)!.id;
          if (rows.length < BATCH) break;
        }
        yield ']';
      }
      yield '}}}';
    },
  };
}
