import type { CompiledEntity } from '../../engine/index.ts';
import { actorFor, target } from './call-context.ts';
import type { JsonSchema, OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { someRoleMay } from './some-role-may.ts';
import { envelope } from './schemas/envelope.ts';
import { entityRef } from './schemas/schema-ref.ts';

function listQuery(entity: CompiledEntity): Record<string, JsonSchema> {
  const filters = [...entity.filterable, ...(entity.workflow ? [entity.workflow.field] : [])];
  return {
    ...Object.fromEntries(filters.map((f) => [f, { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 50, description: `Records whose ${f} is one of these (repeat for OR)` }])),
    sort: { type: 'string', enum: [...entity.sortable].flatMap((s) => [s, `-${s}`]), description: 'A field, prefixed with - for descending (default -createdAt)' },
    limit: { type: 'integer', minimum: 1, maximum: 100, description: 'Default 20' },
    cursor: { type: 'string', description: 'nextCursor of the previous page' },
  };
}

export const recordsList: OperationSpec<'records.list'> = {
  name: 'records.list',
  method: 'GET',
  genericPath: '/v1/apps/{app}/records/{entity}',
  summary: (t) => `List ${t.entity!.label} records you may see`,
  auth: 'actor-or-public',
  permission: 'read',
  query: (t) => listQuery(t.entity!),
  response: (t) => ({
    status: 200,
    schema: envelope({
      type: 'object',
      additionalProperties: false,
      required: ['items', 'nextCursor'],
      properties: { items: { type: 'array', items: entityRef(t.app, t.entity!, 'record') }, nextCursor: { type: ['string', 'null'] } },
    }),
  }),
  errors: ['BAD_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN', 'ENTITY_NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: (app, entity) => someRoleMay(app, entity, 'read'),
  handler: async (engine, req, call) => {
    const actor = await actorFor(engine, req, call, 'read');
    return ok(await engine.records.list(target(call), actor, req.query as Record<string, unknown>));
  },
};
