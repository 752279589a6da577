import { authenticate } from '../middleware/authenticate.ts';
import { need } from './call-context.ts';
import { DEFINITION_PARAMS } from './change-params.ts';
import { definitionsManaged } from './definitions-managed.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { ref } from './schemas/schema-ref.ts';

export const changesPut: OperationSpec<'changes.put'> = {
  name: 'changes.put',
  method: 'PUT',
  genericPath: '/v1/apps/{app}/changes/{id}/definitions/{kind}/{name}',
  summary: () => 'Put a whole definition (as authored: the JSON of its YAML file) into a change set; saved even with problems, which are answered',
  auth: 'bearer',
  params: () => DEFINITION_PARAMS,
  body: () => ({ type: 'object', required: ['kind'], properties: { kind: { type: 'string' } }, description: 'The definition, validated by its kind’s JSON Schema (definitions/_schema/) when the app is checked' }),
  response: () => ({ status: 200, schema: envelope(ref('ChangeSet')) }),
  errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'APP_NOT_FOUND', 'CONFLICT'],
  servedFor: definitionsManaged,
  handler: async (engine, req, call) => {
    const actor = await authenticate(engine, req, call.app);
    const p = call.params ?? {};
    return ok(await engine.changes.put(call.app, actor, need(call.id, 'id'), need(p.kind, 'kind'), need(p.name, 'name'), req.body), { message: 'Saved' });
  },
};
