// Who did it, as people read it: change sets, approvals and releases store a user's id (stable,
// never reused); the Studio and the API show the name the user has now next to it.
import type { Database } from '../store/database.ts';
import { UUID_RE } from '../support/uuid.ts';

/** id -> display name (else email, else phone) of the app's users among `ids`; other ids ("files", "system") are left out. */
export async function actorNames(db: Pick<Database, 'user'>, app: string, ids: Iterable<string>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)].filter((id) => UUID_RE.test(id));
  if (!wanted.length) return new Map();
  const users = await db.user.findMany({ where: { app, id: { in: wanted } }, select: { id: true, displayName: true, email: true, phone: true } });
  return new Map(users.map((u) => [u.id, u.displayName ?? u.email ?? u.phone ?? u.id]));
}
