// Error answers, grouped by status, each listing the codes it may carry: catalog codes and the
// codes an app's definitions give in their place (eKYC: BE_REG_DUPLICATE for a duplicate mobile).
import { ERROR_CATALOG, type ErrorCode } from '../../engine/index.ts';
import type { JsonSchema } from '../operations/operation-spec.ts';

/** Refusals that end at a known time answer Retry-After (server/middleware/error-handler.ts): too many requests, locked. */
const RETRY_AFTER_STATUSES = new Set([423, 429]);

export function errorResponses(codes: readonly ErrorCode[], instead: ReadonlyMap<ErrorCode, readonly string[]>): Record<string, JsonSchema> {
  const byStatus = new Map<number, string[]>();
  const lines = new Map<number, string[]>();
  for (const code of new Set(codes)) {
    const { status, message } = ERROR_CATALOG[code];
    const own = instead.get(code) ?? [];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code, ...own]);
    lines.set(status, [...(lines.get(status) ?? []), `- \`${code}\`: ${message}${own.length ? ` (or, as this app names it, ${own.map((c) => `\`${c}\``).join(', ')})` : ''}`]);
  }
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, all]) => [
        String(status),
        {
          description: lines.get(status)!.join('\n'),
          'x-error-codes': all,
          ...(RETRY_AFTER_STATUSES.has(status) ? { headers: { 'Retry-After': { description: 'Seconds until the request may succeed (the same as error.data.retryAfterSeconds)', schema: { type: 'integer', minimum: 1 } } } } : {}),
          content: {
            'application/json': {
              schema: { allOf: [{ $ref: '#/components/schemas/Error' }, { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: all } } } } }] },
            },
          },
        },
      ]),
  );
}

/** { success: false, error: { code, message, details?, data? }, traceId } */
export function errorSchema(codes: readonly string[]): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['success', 'error', 'traceId'],
    properties: {
      success: { const: false },
      error: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', enum: [...codes] },
          message: { type: 'string' },
          details: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } } },
          data: { type: 'object', description: 'More about the refusal: the existing record of a repeated request, retryAfterSeconds, a limit' },
        },
      },
      traceId: { type: 'string', description: 'Quote it when reporting a problem' },
    },
  };
}
