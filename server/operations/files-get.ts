import { actorFor, need, target } from './call-context.ts';
import { FILE_ERRORS, fileIdOf, fileParams, hasSlots, slotName } from './file-params.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const filesGet: OperationSpec<'files.get'> = {
  name: 'files.get',
  method: 'GET',
  genericPath: '/v1/apps/{app}/records/{entity}/{id}/files/{slot}/{fileId}',
  summary: (t) => `A file of a ${t.entity!.label}: every version, and a short-lived URL to download the newest (or ?version=n)`,
  auth: 'actor-or-public',
  permission: 'read',
  params: fileParams,
  query: () => ({ version: { type: 'string', pattern: '^[1-9][0-9]*$', description: 'An earlier version' } }),
  response: () => ({
    status: 200,
    schema: envelope(ref('RecordFileDetail')),
  }),
  errors: [...FILE_ERRORS, 'VALIDATION_FAILED', 'UNAVAILABLE'],
  servedFor: hasSlots,
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'read');
    const version = typeof req.query.version === 'string' ? req.query.version : undefined;
    const file = await engine.files.get(target(call), actor, need(call.id, 'id'), slotName(call), fileIdOf(call), version);
    // A download through this server is named by a path: clients get it absolute, as a SAS URL is.
    const base = (req.app.locals.publicUrl as string | undefined) ?? `${req.protocol}://${req.get('host')}`;
    return ok({ ...file, download: { ...file.download, url: file.download.url.startsWith('/') ? `${base}${file.download.url}` : file.download.url } });
  },
};
