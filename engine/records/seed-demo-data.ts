// Development only: an app's demo records, created through the ordinary services — as the demo
// user an entry names, or the first demo user allowed to — the first time the app starts without
// any of them: fields, moves (with their input), changes to earlier records, and demo files.
import { Readable } from 'node:stream';
import { AppError } from '../errors/app-error.ts';
import type { RecordService } from './record-service.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { DemoRecordDef } from '../registry/definition-types.ts';
import { DEMO_REF, DEMO_TODAY, DEMO_USER } from './demo-values.ts';
import type { Database } from '../store/database.ts';
import type { TransitionService } from './transition-service.ts';
import type { Actor } from '../auth/actor.ts';
import type { FileService } from '../files/file-service.ts';

export interface DemoServices {
  records: RecordService;
  transitions: TransitionService;
  files: Pick<FileService, 'upload' | 'review'>;
  demoFile(fileName: string, about: string, at: Date): Promise<Buffer>;
}

/** "{{today}}", "{{today+30}}", "{{ref.NAME}}" and "{{user.EMAIL}}" become their values; the rest stays as written. */
function resolve(value: unknown, now: Date, refs: Map<string, string>, userId: (email: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, now, refs, userId));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, now, refs, userId)]));
  if (typeof value !== 'string') return value;
  const today = DEMO_TODAY.exec(value);
  if (today) return new Date(now.getTime() + (today[2] ? Number(today[2]) * (today[1] === '-' ? -1 : 1) : 0) * 86_400_000).toISOString().slice(0, 10);
  const ref = DEMO_REF.exec(value)?.[1];
  if (ref !== undefined) return refs.get(ref);
  const email = DEMO_USER.exec(value)?.[1];
  return email !== undefined ? userId(email) : value;
}

export async function seedDemoData(db: Database, app: CompiledApp, services: DemoServices, now: Date): Promise<number> {
  const records = app.demoData.flatMap((d) => d.records);
  if (!records.length) return 0;
  const refs = new Map<string, { entity: string; id: string }>();
  const entityOf = (r: DemoRecordDef) => (r.update !== undefined ? refs.get(r.update)!.entity : r.entity!);
  const entities = [...new Set(records.filter((r) => r.entity).map((r) => r.entity!))];
  // Demo records exist already (a second start): nothing is seeded again.
  if ((await db.record.count({ where: { app: app.id, entity: { in: entities } } })) > 0) return 0;
  const users = await db.user.findMany({ where: { app: app.id, active: true }, orderBy: { createdAt: 'asc' } });
  const actorOf = (u: (typeof users)[number]): Actor => ({ id: u.id, app: app.id, role: u.role, email: u.email ?? undefined, phone: u.phone ?? undefined, attributes: u.attributes as Actor['attributes'] });
  const named = (email: string): Actor => {
    const u = users.find((x) => x.email === email);
    if (!u) throw new AppError('FORBIDDEN', `No demo user ${email}`);
    return actorOf(u);
  };
  const actorFor = (entity: string, email?: string): Actor => {
    if (email) return named(email);
    const u = users.find((x) => app.roles[x.role]?.permissions?.[entity]?.create);
    if (!u) throw new AppError('FORBIDDEN', `No demo user may create ${entity} records`);
    return actorOf(u);
  };
  // A value with its {{today}}, {{ref.NAME}} and {{user.EMAIL}} resolved against the entries so far.
  const resolvedValue = (value: unknown) => resolve(value, now, new Map([...refs].map(([k, v]) => [k, v.id])), (email) => named(email).id);
  for (const r of records) {
    if (r.find) {
      const value = resolvedValue(r.find.value);
      const found = await db.record.findFirst({ where: { app: app.id, entity: r.find.entity, deletedAt: null, data: { path: [r.find.field], equals: value as never } }, select: { id: true } });
      if (!found) throw new AppError('NOT_FOUND', `Demo data: no ${r.find.entity} with ${r.find.field} = ${JSON.stringify(value)}`);
      refs.set(r.ref!, { entity: r.find.entity, id: found.id });
      continue;
    }
    const entity = entityOf(r);
    const actor = actorFor(entity, r.as);
    const target = { app: app.id, entity };
    const data = resolvedValue(r.data ?? {}) as Record<string, unknown>;
    let id: string;
    if (r.update !== undefined) {
      id = refs.get(r.update)!.id;
      if (Object.keys(data).length) await services.records.patch(target, actor, id, data);
    } else {
      id = (await services.records.create(target, actor, data)).data.id as string;
      if (r.ref !== undefined) refs.set(r.ref, { entity, id });
    }
    for (const raw of r.events ?? []) {
      const ev = typeof raw === 'string' ? { event: raw } : raw;
      const input = ev.input ? resolvedValue(ev.input) : undefined;
      await services.transitions.fire(target, ev.as ? named(ev.as) : actor, id, ev.event, input ? { input } : {});
    }
    for (const file of r.files ?? []) {
      const content = await services.demoFile(file.fileName, `${entity} ${id}`, now);
      const uploaded = await services.files.upload(target, actor, id, file.slot, { fileName: file.fileName, content: Readable.from([content]), label: file.label });
      if (file.review) await services.files.review(target, named(file.review.as), id, file.slot, uploaded.id, { status: file.review.status, ...(file.review.note ? { note: file.review.note } : {}) });
    }
  }
  // The records the entries created (what their moves made besides is theirs).
  return records.filter((r) => r.entity !== undefined).length;
}
