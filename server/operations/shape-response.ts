import { resolveValue } from '../../engine/index.ts';
import type { OperationCall } from './operation-spec.ts';

/**
 * An alias may answer with its own data shape: { leadId: "{{record.id}}", state: "{{record.status}}" };
 * `{{session.token}}` is the record session a create answered (also in the X-Session-Token header).
 */
export function shapeResponse(call: OperationCall, data: Record<string, unknown>, session?: { token: string; expiresIn: number }): Record<string, unknown> {
  const template = call.route?.response;
  if (!template) return data;
  return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, resolveValue(v, { record: data, actor: {}, input: {}, now: '', session: session ?? {} }) ?? null]));
}
