import type { JsonSchema, OperationCall, OperationTarget } from './operation-spec.ts';
import { need } from './call-context.ts';

/** The import to run: {import} generically, {entity} in the seed's /v1/csv-jobs/{entity}/... */
export const importName = (call: OperationCall) => need(call.params?.import ?? call.params?.entity, 'import');

export const importParams = (t: OperationTarget): Record<string, JsonSchema> => {
  const name = { type: 'string', enum: [...t.app.imports.keys()], description: 'The CSV import' };
  return { import: name, entity: name };
};

export const importJobParams = (): Record<string, JsonSchema> => ({ id: { type: 'string', format: 'uuid', description: 'The import job' } });
