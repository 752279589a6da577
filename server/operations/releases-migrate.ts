import { MIGRATE_BODY_SCHEMA } from '../../engine/index.ts';
import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import { RELEASE_NUMBER } from './change-params.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const releasesMigrate: OperationSpec<'releases.migrate'> = {
  name: 'releases.migrate',
  method: 'POST',
  genericPath: '/v1/apps/{app}/releases/{number}/migrate',
  summary: () => 'Move the records a pinned workflow keeps on other releases onto release {number} (409 with counts while a state it lacks has no mapping)',
  auth: 'bearer',
  params: () => ({ number: RELEASE_NUMBER }),
  body: () => MIGRATE_BODY_SCHEMA,
  response: () => ({ status: 200, schema: envelope(ref('Migration')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND', 'CONFLICT'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const report = await engine.migratePinned(call.app, actor, need(call.params?.number, 'number'), req.body);
    return ok(report, { message: report.dryRun ? 'Counted; nothing moved' : `${report.migrated} record(s) migrated` });
  },
};
