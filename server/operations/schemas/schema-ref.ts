import type { CompiledApp, CompiledEntity } from '../../../engine/index.ts';
import type { JsonSchema } from '../operation-spec.ts';

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

export type EntitySchemaKind = 'record' | 'create' | 'patch';

/** Each entity's record, create body and patch body are components: `promopartner.transaction.create`. */
export const entitySchemaName = (app: CompiledApp, entity: CompiledEntity, kind: EntitySchemaKind) => `${app.id}.${entity.name}.${kind}`;

export const entityRef = (app: CompiledApp, entity: CompiledEntity, kind: EntitySchemaKind) => ref(entitySchemaName(app, entity, kind));
