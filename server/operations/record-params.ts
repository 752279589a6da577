import type { JsonSchema } from './operation-spec.ts';

export const RECORD_ID: JsonSchema = { type: 'string', format: 'uuid', description: 'The record id' };

export const recordIdParam = () => ({ id: RECORD_ID });
