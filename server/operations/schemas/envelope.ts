import type { CompiledEntity } from '../../../engine/index.ts';
import type { JsonSchema } from '../operation-spec.ts';
import { ref } from './schema-ref.ts';

/** { success: true, message?, data, journeyStatus? }; journeyStatus only where a journey answers. */
export function envelope(data: JsonSchema, entity?: CompiledEntity): JsonSchema {
  const journey = entity?.workflow?.isJourney === true;
  return {
    type: 'object',
    additionalProperties: false,
    required: ['success', 'data'],
    properties: { success: { const: true }, message: { type: 'string' }, data, ...(journey ? { journeyStatus: ref('JourneyStatus') } : {}) },
  };
}
