// Development only: an app's demo records, created through the ordinary services as the first demo
// user allowed to create each entity, the first time the app starts without any of them.
import { AppError } from '../errors/app-error.ts';
import type { RecordService } from './record-service.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { Database } from '../store/database.ts';
import type { TransitionService } from './transition-service.ts';
import type { Actor } from '../auth/actor.ts';

const TODAY = /^\{\{\s*today\s*(?:([+-])\s*(\d{1,4}))?\s*\}\}$/;

/** "{{today}}" and "{{today+30}}" become dates; everything else stays as written. */
function resolveDates(data: Record<string, unknown>, now: Date): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => {
      const m = typeof v === 'string' ? TODAY.exec(v) : null;
      if (!m) return [k, v];
      const days = m[2] ? Number(m[2]) * (m[1] === '-' ? -1 : 1) : 0;
      return [k, new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10)];
    }),
  );
}

export async function seedDemoData(db: Database, app: CompiledApp, services: { records: RecordService; transitions: TransitionService }, now: Date): Promise<number> {
  const records = app.demoData.flatMap((d) => d.records);
  if (!records.length) return 0;
  const entities = [...new Set(records.map((r) => r.entity))];
  if ((await db.record.count({ where: { app: app.id, entity: { in: entities } } })) > 0) return 0;
  const users = await db.user.findMany({ where: { app: app.id, active: true }, orderBy: { createdAt: 'asc' } });
  const actorFor = (entity: string): Actor => {
    const u = users.find((x) => app.roles[x.role]?.permissions?.[entity]?.create);
    if (!u) throw new AppError('FORBIDDEN', `No demo user may create ${entity} records`);
    return { id: u.id, app: app.id, role: u.role, email: u.email ?? undefined, phone: u.phone ?? undefined, attributes: u.attributes as Actor['attributes'] };
  };
  for (const r of records) {
    const actor = actorFor(r.entity);
    const target = { app: app.id, entity: r.entity };
    const created = await services.records.create(target, actor, resolveDates(r.data, now));
    for (const event of r.events ?? []) await services.transitions.fire(target, actor, created.data.id as string, event, {});
  }
  return records.length;
}
