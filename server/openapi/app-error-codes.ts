import type { CompiledApp, CompiledEntity, ErrorCode } from '../../engine/index.ts';

/** The codes an entity's definitions answer instead of catalog codes (field, check, dedupe, limit, file slot and verification errorCodes). */
export function appErrorCodes(entity: CompiledEntity | undefined): Map<ErrorCode, string[]> {
  const codes = new Map<ErrorCode, string[]>();
  if (!entity) return codes;
  const add = (code: ErrorCode, own: unknown) => {
    if (typeof own === 'string' && !codes.get(code)?.includes(own)) codes.set(code, [...(codes.get(code) ?? []), own]);
  };
  for (const f of Object.values(entity.fields)) add('VALIDATION_FAILED', f.errorCode);
  for (const f of Object.values(entity.workflow?.definition.input ?? {})) add('VALIDATION_FAILED', f.errorCode);
  for (const d of entity.definition.dedupe ?? []) add('DUPLICATE_IN_WINDOW', d.errorCode);
  // A check across fields refuses with its own code (a quotation over the single-phase limit).
  for (const c of entity.definition.checks ?? []) add('VALIDATION_FAILED', c.errorCode);
  for (const t of entity.workflow?.transitions ?? []) add('LIMIT_REACHED', t.limit?.errorCode);
  // A document a move requires (requiresFiles) is missing from its slot.
  for (const slot of Object.values(entity.definition.files ?? {})) add('VALIDATION_FAILED', slot.errorCode);
  // A move's verification step refuses with its own codes (BE_PAN_NAME_MISMATCH).
  for (const t of entity.workflow?.transitions ?? []) {
    add('VERIFICATION_FAILED', t.verify?.mismatch.errorCode);
    add('VERIFICATION_FAILED', t.verify?.invalid?.errorCode);
  }
  return codes;
}

export function allAppErrorCodes(apps: Iterable<CompiledApp>): string[] {
  return [...new Set([...apps].flatMap((app) => [...app.entities.values()].flatMap((e) => [...appErrorCodes(e).values()].flat())))];
}
