import type { JsonSchema } from './operation-spec.ts';

/** Mobile clients send the refresh token; web clients send none (their rp_refresh cookie carries it). */
export const refreshTokenBody = (): JsonSchema => ({
  type: 'object',
  properties: { refreshToken: { type: 'string', description: 'Leave out when the rp_refresh cookie carries it (web)' } },
});
