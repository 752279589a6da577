import type { RoleDef } from '../registry/definition-types.ts';

/**
 * A role that manages users or definitions: its users are the install operator's — never given
 * through the API (user-admin.ts), never self-registered (check-registration.ts).
 */
export const isPrivilegedRole = (r: RoleDef | undefined) => Boolean(r?.operations?.users || r?.definitions?.edit || r?.definitions?.publish || r?.definitions?.approve);
