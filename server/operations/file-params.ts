// What the file operations share: the slot (from the alias, or {slot} in the path), the file id,
// and which entities have slots at all.
import type { CompiledApp, CompiledEntity } from '../../engine/index.ts';
import { need } from './call-context.ts';
import type { JsonSchema, OperationCall, OperationTarget } from './operation-spec.ts';
import { RECORD_ID } from './record-params.ts';
import { someRoleMay } from './some-role-may.ts';

export const slotName = (call: OperationCall): string => need(call.route?.slot ?? call.params?.slot, 'slot');
export const fileIdOf = (call: OperationCall): string => need(call.params?.fileId, 'file id');

const slotNames = (t: OperationTarget) => Object.keys(t.entity?.definition.files ?? {});

/** {id}, and {slot} unless the alias names it. */
export const slotParams = (t: OperationTarget): Record<string, JsonSchema> => ({
  id: RECORD_ID,
  ...(t.alias?.slot ? {} : { slot: { type: 'string', enum: slotNames(t), description: 'The attachment slot' } }),
});

export const fileParams = (t: OperationTarget): Record<string, JsonSchema> => ({ ...slotParams(t), fileId: { type: 'string', format: 'uuid', description: 'The file' } });

/** Served for an entity with slots that someone may read. */
export const hasSlots = (app: CompiledApp, entity?: CompiledEntity): boolean => Object.keys(entity?.definition.files ?? {}).length > 0 && someRoleMay(app, entity, 'read');

export const FILE_ERRORS = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'RECORD_NOT_FOUND', 'ENTITY_NOT_FOUND', 'APP_NOT_FOUND'] as const;
