// Path parameters of the change-set and release routes.
import { DEFINITION_KINDS } from '../../engine/index.ts';
import type { JsonSchema } from './operation-spec.ts';

export const CHANGE_SET_ID: JsonSchema = { type: 'string', format: 'uuid', description: 'The change set' };
export const DEFINITION_PARAMS = {
  id: CHANGE_SET_ID,
  kind: { type: 'string', enum: [...DEFINITION_KINDS], description: 'The definition kind' },
  name: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,62}$', description: 'The definition name (an app: its id)' },
};
export const RELEASE_NUMBER: JsonSchema = { type: 'integer', minimum: 1, description: 'The release number' };
