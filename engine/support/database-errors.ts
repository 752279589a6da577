/** True for a unique-constraint violation, whether Prisma mapped it (P2002) or pg raised it (23505). */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'P2002' || code === '23505') return true;
    const original = (e as { meta?: { driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } } }).meta?.driverAdapterError?.cause;
    if (original?.originalCode === '23505' || original?.kind === 'UniqueConstraintViolation') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
