import type { CompiledApp } from '../registry/compiled-app.ts';
import type { Database } from '../store/database.ts';
import { hashPassword } from './passwords.ts';

/** Development only: creates the app's demo users when it has no users at all. */
export async function seedDemoUsers(db: Database, app: CompiledApp): Promise<number> {
  const demo = app.definition.demoUsers ?? [];
  if (!demo.length || (await db.user.count({ where: { app: app.id } })) > 0) return 0;
  for (const u of demo) {
    await db.user.create({
      data: {
        app: app.id,
        email: u.email?.toLowerCase(),
        phone: u.phone,
        role: u.role,
        displayName: u.displayName,
        attributes: u.attributes ?? {},
        passwordHash: u.password ? await hashPassword(u.password) : null,
      },
    });
  }
  return demo.length;
}
