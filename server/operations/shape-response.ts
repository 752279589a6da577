import { resolveValue } from '../../engine/index.ts';
import type { OperationCall } from './operation-spec.ts';

/** An alias may answer with its own data shape: { leadId: "{{record.id}}", state: "{{record.status}}" }. */
export function shapeResponse(call: OperationCall, data: Record<string, unknown>): Record<string, unknown> {
  const template = call.route?.response;
  if (!template) return data;
  return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, resolveValue(v, { record: data, actor: {}, input: {}, now: '' }) ?? null]));
}
