// A user as the API shows them: never the password hash.

export type UserStatus = 'pending' | 'active' | 'rejected' | 'deactivated';

export type UserRow = {
  id: string;
  app: string;
  email: string | null;
  phone: string | null;
  role: string;
  displayName: string | null;
  attributes: unknown;
  active: boolean;
  status: string;
  statusReason: string | null;
  createdAt: Date;
  passwordHash: string | null;
};

export const userView = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  phone: u.phone,
  role: u.role,
  displayName: u.displayName,
  attributes: (u.attributes ?? {}) as Record<string, unknown>,
  active: u.active,
  /** pending (self-registered, awaiting approval) -> active | rejected; active <-> deactivated. */
  status: u.status as UserStatus,
  /** Why a registration was rejected. */
  statusReason: u.statusReason,
  hasPassword: u.passwordHash !== null,
  createdAt: u.createdAt.toISOString(),
});
