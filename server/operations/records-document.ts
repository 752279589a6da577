import { AppError, documentFieldsOf } from '../../engine/index.ts';
import { actorFor, need, target } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { RECORD_ID } from './record-params.ts';
import { someRoleMay } from './some-role-may.ts';

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

export const recordsDocument: OperationSpec<'records.document'> = {
  name: 'records.document',
  method: 'GET',
  genericPath: '/v1/apps/{app}/records/{entity}/{id}/documents/{field}',
  summary: (t) => `The PDF stored for a ${t.entity!.label} (a render effect's document), as a download; a store that signs its own URLs answers 302 to one`,
  auth: 'actor-or-public',
  permission: 'read',
  params: (t) => ({
    id: RECORD_ID,
    ...(t.alias?.targetField ? {} : { field: { type: 'string', enum: documentFieldsOf(t.entity), description: 'The record field holding the stored document' } }),
  }),
  response: () => ({ status: 200, contentType: 'application/pdf', schema: { type: 'string', format: 'binary', description: 'The PDF as it was stored, never re-rendered' } }),
  errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'RECORD_NOT_FOUND', 'ENTITY_NOT_FOUND', 'APP_NOT_FOUND', 'VALIDATION_FAILED', 'UNAVAILABLE'],
  servedFor: (app, entity) => documentFieldsOf(entity).length > 0 && someRoleMay(app, entity, 'read'),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'read');
    const field = call.params?.field ?? call.route?.targetField;
    if (field === undefined) throw new AppError('NOT_FOUND', 'Missing field');
    if (!FIELD_NAME.test(field)) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.field', message: 'Must be a field name' }] });
    const doc = await engine.records.document(target(call), actor, need(call.id, 'id'), field);
    if ('redirect' in doc) return { status: 302, body: { success: true, data: null }, redirect: doc.redirect };
    return { status: 200, body: { success: true, data: null }, file: { contentType: doc.contentType, name: doc.fileName, stream: doc.stream } };
  },
};
