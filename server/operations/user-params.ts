import type { JsonSchema } from './operation-spec.ts';

export const USER_ID: JsonSchema = { type: 'string', format: 'uuid', description: 'The user' };
