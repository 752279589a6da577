// Change sets: how business admins change an app's definitions at runtime. An admin opens a change
// set, puts (or removes) definitions in it — saving always succeeds and answers the whole app's
// problems with the draft applied — and publishes it: the change set becomes the next release, all
// of its definitions at once, swapped into every process. Rollback is a new release equal to an old
// one. Every action is audited with the checksums before and after.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError } from '../errors/app-error.ts';
import { compileAppFiles } from '../registry/compile-app.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { AnyDefinition, DefinitionProblem } from '../registry/definition-types.ts';
import { describeChanges } from './describe-changes.ts';
import { compareDefinitions } from './compare-definitions.ts';
import { actorNames } from './actor-names.ts';
import { resolveApp } from '../registry/resolve-target.ts';
import { Prisma } from '../store/database.ts';
import { bodyValidator } from '../support/validate-body.ts';
import { UUID_RE } from '../support/uuid.ts';
import { assertMayApprove, assertMayEdit, assertMayPublish, assertMayView } from './definition-permissions.ts';
import { candidateApp } from './candidate-app.ts';
import { assertTestCasesPass, runTestCases } from './run-test-cases.ts';
import { parseSimulation, simulate } from './simulate.ts';
import { assertMappingsFit, migrateRecords, plannedMigrations } from './migrate-records.ts';
import { asFiles, checksumOf, lockReleases, conventionalFile, findRelease, identityOf, listReleases, liveRelease, releaseDefinitions, writeRelease, type Release, type ReleasedDefinition } from './release-store.ts';

const validateOpen = bodyValidator<{ title: string }>({ type: 'object', additionalProperties: false, required: ['title'], properties: { title: { type: 'string', minLength: 1, maxLength: 200 } } });
export const APPROVE_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    comment: { type: 'string', maxLength: 2000 },
    contentHash: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'The contentHash the approver read: 409 when the change set changed since' },
  },
} as const;
const validateApprove = bodyValidator<{ comment?: string; contentHash?: string }>(APPROVE_BODY_SCHEMA);
export const REQUEST_CHANGES_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['comment'],
  properties: { comment: { type: 'string', minLength: 1, maxLength: 2000, description: 'What to change' }, contentHash: APPROVE_BODY_SCHEMA.properties.contentHash },
} as const;
const validateRequestChanges = bodyValidator<{ comment: string; contentHash?: string }>(REQUEST_CHANGES_BODY_SCHEMA);
export const PUBLISH_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    comment: { type: 'string', maxLength: 2000 },
    at: { type: 'string', format: 'date-time', description: 'Publish at this time instead of now (checked now and again then)' },
    mappings: {
      type: 'object',
      description: 'Per workflow, the state each removed state\'s records move to: { "lead-status": { "on_hold": "in_discussion" } }',
      additionalProperties: { type: 'object', additionalProperties: { type: 'string', minLength: 1, maxLength: 100 } },
    },
  },
} as const;
/** A rollback is checked as a publish: it may need `mappings` for records in states the older release lacks. */
export const ROLLBACK_BODY_SCHEMA = { type: 'object', additionalProperties: false, properties: { comment: PUBLISH_BODY_SCHEMA.properties.comment, mappings: PUBLISH_BODY_SCHEMA.properties.mappings } } as const;
const validateRollback = bodyValidator<{ comment?: string; mappings?: Record<string, Record<string, string>> }>(ROLLBACK_BODY_SCHEMA);
const validatePublish = bodyValidator<{ comment?: string; at?: string; mappings?: Record<string, Record<string, string>> }>(PUBLISH_BODY_SCHEMA);
const NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const key = (kind: string, name: string) => `${kind}/${name}`;

interface ChangeSetRow {
  id: string;
  app: string;
  title: string;
  status: string;
  baseRelease: number;
  release: number | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  publishAt?: Date | null;
  scheduleError?: string | null;
  scheduleMappings?: unknown;
}

interface ItemRow {
  kind: string;
  name: string;
  authored: unknown;
  checksum: string | null;
  updatedBy: string;
  updatedAt: Date;
}

export interface ChangeSetDeps {
  /** After a release is written: serve it here and tell every other process. */
  /** `compiled`: the release as checked, so the process that published it does not compile it again. */
  released(app: string, release: number, compiled: CompiledApp): Promise<void>;
}

const releaseView = (r: Release, names: ReadonlyMap<string, string> = new Map()) => ({ number: r.number, source: r.source, comment: r.comment, checksum: r.checksum, changeSet: r.changeSet, createdBy: r.createdBy, createdByName: names.get(r.createdBy) ?? null, createdAt: r.createdAt.toISOString(), definitions: r.entries.map((e) => ({ kind: e.kind, name: e.name, version: e.version, checksum: e.checksum, file: e.file })) });

export function createChangeSets(ctx: EngineContext, deps: ChangeSetDeps) {
  const db = ctx.db;

  async function load(app: CompiledApp, id: string): Promise<ChangeSetRow> {
    const row = UUID_RE.test(id) ? await db.changeSet.findUnique({ where: { id } }) : null;
    if (!row || row.app !== app.id) throw new AppError('NOT_FOUND', `No change set "${id}"`);
    return row;
  }
  const open = (row: ChangeSetRow) => {
    if (row.status !== 'open') throw new AppError('CONFLICT', `The change set is ${row.status}`);
  };
  const itemsOf = (id: string): Promise<ItemRow[]> => db.changeSetItem.findMany({ where: { changeSet: id }, orderBy: [{ kind: 'asc' }, { name: 'asc' }] });

  /** The live release with the change set's items applied, and the items the live release changed since the change set was opened. */
  async function candidate(app: CompiledApp, row: ChangeSetRow, items: ItemRow[], sql: Pick<typeof db, 'release' | 'definition'> = db) {
    const live = await liveRelease(sql, app.id);
    if (!live) throw new AppError('CONFLICT', `App "${app.id}" has no release yet`);
    const base = row.baseRelease === live.number ? live : await findRelease(sql, app.id, row.baseRelease);
    const definitions = new Map((await releaseDefinitions(sql, live)).map((d) => [key(d.kind, d.name), d]));
    const released = new Map(definitions);
    const baseChecksum = new Map((base?.entries ?? []).map((e) => [key(e.kind, e.name), e.checksum]));
    const liveChecksum = new Map(live.entries.map((e) => [key(e.kind, e.name), e.checksum]));
    // An item whose definition someone else released since this change set was opened: publishing
    // it would silently undo their change.
    const stale = items.filter((i) => liveChecksum.get(key(i.kind, i.name)) !== baseChecksum.get(key(i.kind, i.name))).map((i) => key(i.kind, i.name));
    for (const i of items) {
      const k = key(i.kind, i.name);
      if (i.authored === null) definitions.delete(k);
      else definitions.set(k, { kind: i.kind, name: i.name, file: definitions.get(k)?.file ?? conventionalFile(app.id, i.kind, i.name), content: i.authored });
    }
    return { live, released, definitions: [...definitions.values()], stale };
  }

  /** What an approval is of: the change set's exact content (each item and its checksum). */
  const contentHash = (items: readonly Pick<ItemRow, 'kind' | 'name' | 'checksum'>[]) => checksumOf(items.map((i) => [i.kind, i.name, i.checksum]).sort());
  const approvalsNeeded = (app: CompiledApp) => app.definition.changes?.approvals ?? 0;
  /** The approvals that count: of the current content, by distinct people. */
  async function currentApprovals(sql: Pick<typeof db, 'changeSetApproval'>, id: string, items: readonly ItemRow[]) {
    const hash = contentHash(items);
    return { hash, approvals: await sql.changeSetApproval.findMany({ where: { changeSet: id, contentHash: hash }, orderBy: { at: 'asc' } }) };
  }

  const problemsOf = (definitions: ReleasedDefinition[]): DefinitionProblem[] => compileAppFiles(asFiles(definitions), [], '', ctx.compileOptions).problems;

  async function view(app: CompiledApp, row: ChangeSetRow) {
    const items = await itemsOf(row.id);
    const c = row.status === 'open' ? await candidate(app, row, items) : undefined;
    const { hash, approvals } = await currentApprovals(db, row.id, items);
    const reviews = await db.changeSetReview.findMany({ where: { changeSet: row.id }, orderBy: { at: 'desc' }, take: 50 });
    const names = await actorNames(db, app.id, [row.createdBy, ...items.map((i) => i.updatedBy), ...approvals.map((a) => a.actorId), ...reviews.map((r) => r.actorId)]);
    return {
      id: row.id,
      title: row.title,
      status: row.status,
      baseRelease: row.baseRelease,
      liveRelease: c?.live.number ?? null,
      release: row.release,
      createdBy: row.createdBy,
      createdByName: names.get(row.createdBy) ?? null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      definitions: items.map((i) => ({
        kind: i.kind,
        name: i.name,
        removed: i.authored === null,
        // The draft as authored, so an editor can pick up where the change set left off.
        content: i.authored,
        checksum: i.checksum,
        updatedBy: i.updatedBy,
        updatedByName: names.get(i.updatedBy) ?? null,
        updatedAt: i.updatedAt.toISOString(),
        stale: c?.stale.includes(key(i.kind, i.name)) ?? false,
        // What it changes against the live release, in plain words.
        changes: c ? describeChanges(c.released.get(key(i.kind, i.name))?.content as AnyDefinition | undefined, (i.authored ?? undefined) as AnyDefinition | undefined) : [],
      })),
      // The whole app, checked with the draft applied: publishing needs no error (warnings are told).
      problems: c ? problemsOf(c.definitions) : [],
      publishAt: row.publishAt?.toISOString() ?? null,
      scheduleMappings: (row.scheduleMappings ?? null) as Record<string, Record<string, string>> | null,
      scheduleError: row.scheduleError ?? null,
      contentHash: hash,
      approvals: { needed: approvalsNeeded(app), given: approvals.map((a) => ({ actorId: a.actorId, name: names.get(a.actorId) ?? null, role: a.role, at: a.at.toISOString() })) },
      // Requests for changes, newest first; `current`: made on the content as it is now (it blocks publishing).
      reviews: reviews.map((r) => ({ actorId: r.actorId, name: names.get(r.actorId) ?? null, role: r.role, comment: r.comment, at: r.at.toISOString(), current: r.contentHash === hash })),
    };
  }

  const audit = (tx: Pick<Prisma.TransactionClient, 'auditEntry'>, app: string, actor: Actor, action: string, recordId: string | undefined, detail: unknown) =>
    appendAudit(tx, { app, entity: '_definitions', recordId, action, actor, detail, at: ctx.clock() });

  /** Writes a release, serves it here and tells the other processes. */
  async function release(app: CompiledApp, actor: Actor, make: (tx: Prisma.TransactionClient) => Promise<{ release: Release; compiled: CompiledApp; audit: { action: string; recordId?: string; detail: unknown } }>) {
    const made = await db.$transaction(async (tx) => {
      // One publish at a time per app: what is checked is what goes live.
      await lockReleases(tx, app.id);
      const out = await make(tx);
      await audit(tx, app.id, actor, out.audit.action, out.audit.recordId, out.audit.detail);
      return out;
    });
    await deps.released(app.id, made.release.number, made.compiled);
    return made.release;
  }

  /**
   * The change set, locked for the rest of the transaction, in one of `statuses`: every write to a
   * change set holds this lock, so an edit and a publish (or two publishes) never interleave.
   */
  async function lockChangeSet(tx: Prisma.TransactionClient, app: CompiledApp, id: string, statuses: readonly string[]): Promise<ChangeSetRow> {
    const rows = await tx.$queryRaw<ChangeSetRow[]>`SELECT id, app, title, status, base_release AS "baseRelease", release, created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt" FROM change_sets WHERE id = ${UUID_RE.test(id) ? id : '00000000-0000-0000-0000-000000000000'}::uuid FOR UPDATE`;
    const row = rows[0];
    if (!row || row.app !== app.id) throw new AppError('NOT_FOUND', `No change set "${id}"`);
    if (!statuses.includes(row.status)) throw new AppError('CONFLICT', `The change set is ${row.status}`);
    return row;
  }

  /** Everything a publish requires, inside the publishing transaction; answers what to release. */
  async function checkedCandidate(tx: Prisma.TransactionClient, app: CompiledApp, id: string, status: 'open' | 'scheduled') {
    const row = await lockChangeSet(tx, app, id, [status]);
    const items = await tx.changeSetItem.findMany({ where: { changeSet: id } });
    if (!items.length) throw new AppError('CONFLICT', 'The change set changes nothing');
    const { approvals, hash } = await currentApprovals(tx, id, items);
    const requested = await tx.changeSetReview.findFirst({ where: { changeSet: id, contentHash: hash }, orderBy: { at: 'desc' } });
    if (requested) throw new AppError('CONFLICT', 'Changes were requested on this content: edit the change set first', { details: [{ path: '$.reviews', message: requested.comment }] });
    if (approvals.length < approvalsNeeded(app)) {
      throw new AppError('CONFLICT', `This change set needs ${approvalsNeeded(app)} approval(s) of its current content; it has ${approvals.length}`, { details: [{ path: '$.approvals', message: 'Approve the change set as it is now (an edit after an approval resets it)' }] });
    }
    const c = await candidate(app, row, items, tx);
    if (c.stale.length) throw new AppError('CONFLICT', 'Definitions of this change set were released by someone else since it was opened; put them again from the live release', { details: c.stale.map((k) => ({ path: `$.definitions.${k}`, message: 'Changed in the live release since this change set was opened' })) });
    // Compiled once: refused (422) with the app's problems, then the app's saved test cases guard
    // every publish: one failing case refuses it, by name.
    const compiled = candidateApp(c.definitions, ctx.compileOptions);
    await assertTestCasesPass(compiled, ctx.clock());
    return { items, c, compiled };
  }

  /** Who may review (approve or ask for changes) this change set as it is now: an approver who never made it. */
  async function reviewable(app: CompiledApp, actor: Actor, id: string, seen: string | undefined) {
    assertMayApprove(app, actor);
    const row = await load(app, id);
    open(row);
    const items = await itemsOf(id);
    // Whoever opened it or ever put or removed a definition in it, not only the last editor of each.
    const makers = await db.auditEntry.findMany({ where: { app: app.id, entity: '_definitions', recordId: id, action: { in: ['changes.open', 'changes.put', 'changes.remove'] }, actorId: actor.id }, select: { id: true }, take: 1 });
    if (row.createdBy === actor.id || makers.length) throw new AppError('FORBIDDEN', 'You opened or edited this change set: someone else reviews it');
    if (!items.length) throw new AppError('CONFLICT', 'The change set changes nothing');
    const hash = contentHash(items);
    // The content the reviewer read, when they say which: an edit since then is not reviewed unseen.
    if (seen !== undefined && seen !== hash) throw new AppError('CONFLICT', 'The change set changed since you read it: read it again before reviewing it');
    return { row, hash };
  }

  async function publishNow(app: CompiledApp, actor: Actor, id: string, status: 'open' | 'scheduled', comment: string | undefined, mappings: Record<string, Record<string, string>>) {
    return release(app, actor, async (tx) => {
      const { items, c, compiled } = await checkedCandidate(tx, app, id, status);
      const moves = await plannedMigrations(tx, app, [...c.released.values()], c.definitions, mappings);
      const written = await writeRelease(tx, { app: app.id, source: 'admin', comment, changeSet: id, createdBy: actor.id, at: ctx.clock(), definitions: c.definitions });
      for (const m of moves) await migrateRecords(tx, m, actor, written.number, ctx.clock());
      await tx.changeSet.update({ where: { id }, data: { status: 'published', release: written.number, updatedAt: ctx.clock() } });
      return { release: written, compiled, audit: { action: 'changes.publish', recordId: id, detail: { release: written.number, checksum: written.checksum, scheduled: status === 'scheduled', definitions: items.map((i) => ({ kind: i.kind, name: i.name, checksum: i.checksum })) } } };
    });
  }

  async function schedule(app: CompiledApp, actor: Actor, id: string, at: Date, comment: string | undefined, mappings: Record<string, Record<string, string>>) {
    if (!(at.getTime() > ctx.clock().getTime())) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.at', message: 'A time in the future' }] });
    const row = await db.$transaction(async (tx) => {
      const { c } = await checkedCandidate(tx, app, id, 'open');
      // Which records the mappings move is decided with the records as they are at the time; that
      // they name states the change set's workflows have is known now.
      assertMappingsFit(c.definitions, mappings);
      const scheduleMappings = Object.keys(mappings).length ? (mappings as Prisma.InputJsonValue) : Prisma.DbNull;
      const updated = await tx.changeSet.update({ where: { id }, data: { status: 'scheduled', publishAt: at, scheduledBy: actor.id, scheduledRole: actor.role, scheduleComment: comment ?? null, scheduleMappings, scheduleError: null, updatedAt: ctx.clock() } });
      await audit(tx, app.id, actor, 'changes.schedule', id, { at: at.toISOString(), comment, mappings });
      return updated;
    });
    return view(app, row);
  }

  return {
    async open(appId: string, actor: Actor, body: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayEdit(app, actor);
      const { title } = validateOpen(body);
      const live = await liveRelease(db, app.id);
      if (!live) throw new AppError('CONFLICT', `App "${app.id}" has no release yet`);
      const now = ctx.clock();
      const row = await db.$transaction(async (tx) => {
        const created = await tx.changeSet.create({ data: { id: randomUUID(), app: app.id, title, status: 'open', baseRelease: live.number, createdBy: actor.id, createdAt: now, updatedAt: now } });
        await audit(tx, app.id, actor, 'changes.open', created.id, { title, baseRelease: live.number });
        return created;
      });
      return view(app, row);
    },

    async list(appId: string, actor: Actor, query: Record<string, unknown>) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayView(app, actor);
      const status = query.status === undefined ? 'open' : query.status;
      if (!['open', 'scheduled', 'published', 'discarded'].includes(String(status))) throw new AppError('BAD_REQUEST', undefined, { details: [{ path: '$.query.status', message: 'One of open, scheduled, published, discarded' }] });
      const rows = await db.changeSet.findMany({ where: { app: app.id, status: String(status) }, orderBy: { createdAt: 'desc' }, take: 100 });
      const names = await actorNames(db, app.id, rows.map((r) => r.createdBy));
      return rows.map((r) => ({ id: r.id, title: r.title, status: r.status, baseRelease: r.baseRelease, release: r.release, createdBy: r.createdBy, createdByName: names.get(r.createdBy) ?? null, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() }));
    },

    async get(appId: string, actor: Actor, id: string) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayView(app, actor);
      return view(app, await load(app, id));
    },

    /** Puts a whole authored definition into the change set (saved even with problems; they are answered). */
    async put(appId: string, actor: Actor, id: string, kind: string, name: string, authored: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayEdit(app, actor, kind);
      const identity = identityOf(authored);
      if (!identity || identity.kind !== kind || identity.name !== name || !NAME.test(name)) {
        throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$', message: `The body is the whole ${kind} definition, with kind: ${kind} and ${kind === 'app' ? 'id' : 'name'}: ${name}` }] });
      }
      const checksum = checksumOf(authored);
      const now = ctx.clock();
      const row = await db.$transaction(async (tx) => {
        const locked = await lockChangeSet(tx, app, id, ['open']);
        const before = await tx.changeSetItem.findUnique({ where: { changeSet_kind_name: { changeSet: id, kind, name } } });
        const data = { authored: authored as Prisma.InputJsonValue, checksum, updatedBy: actor.id, updatedAt: now };
        await tx.changeSetItem.upsert({ where: { changeSet_kind_name: { changeSet: id, kind, name } }, create: { changeSet: id, kind, name, ...data }, update: data });
        await tx.changeSet.update({ where: { id }, data: { updatedAt: now } });
        await audit(tx, app.id, actor, 'changes.put', id, { kind, name, before: before?.checksum ?? null, after: checksum });
        return locked;
      });
      return view(app, { ...row, updatedAt: now });
    },

    /** Removes a definition in the change set (publishing removes it from the app). */
    async remove(appId: string, actor: Actor, id: string, kind: string, name: string) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayEdit(app, actor, kind);
      if (kind === 'app') throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.kind', message: 'An app cannot remove its own app definition' }] });
      const now = ctx.clock();
      const row = await db.$transaction(async (tx) => {
        const locked = await lockChangeSet(tx, app, id, ['open']);
        const data = { authored: Prisma.DbNull, checksum: null, updatedBy: actor.id, updatedAt: now };
        await tx.changeSetItem.upsert({ where: { changeSet_kind_name: { changeSet: id, kind, name } }, create: { changeSet: id, kind, name, ...data }, update: data });
        await tx.changeSet.update({ where: { id }, data: { updatedAt: now } });
        await audit(tx, app.id, actor, 'changes.remove', id, { kind, name });
        return locked;
      });
      return view(app, { ...row, updatedAt: now });
    },

    /**
     * Publishes the change set as the next release (refused while the app has problems with it, a
     * saved case fails, or a definition it changes was released by someone else since) now, or at `at`: a scheduled change set is checked now (so its author learns of a
     * problem at once), kept in the database (a restart keeps it), checked again and published when
     * its time comes by the job `changes.publishDue`; if it no longer passes then, it goes back to
     * open with the reason.
     */
    async publish(appId: string, actor: Actor, id: string, body: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayPublish(app, actor);
      const { comment, mappings = {}, at } = validatePublish(body ?? {});
      if (at !== undefined) return schedule(app, actor, id, new Date(at), comment, mappings);
      return releaseView(await publishNow(app, actor, id, 'open', comment, mappings), await actorNames(db, app.id, [actor.id]));
    },

    /** The job: publishes every scheduled change set whose time has come, as the admin who scheduled it. */
    async publishDue(): Promise<{ published: number; failed: number }> {
      const due = await db.changeSet.findMany({ where: { status: 'scheduled', publishAt: { lte: ctx.clock() } }, orderBy: { publishAt: 'asc' } });
      let published = 0;
      let failed = 0;
      for (const row of due) {
        const app = ctx.registry().apps.get(row.app);
        if (!app) continue;
        const actor: Actor = { id: row.scheduledBy ?? 'scheduler', app: app.id, role: row.scheduledRole ?? '' };
        try {
          // The rights are the ones the app gives now.
          assertMayPublish(app, actor);
          // The mappings said when it was scheduled; records in removed states that they do not cover refuse it then (409).
          await publishNow(app, actor, row.id, 'scheduled', row.scheduleComment ?? undefined, (row.scheduleMappings ?? {}) as Record<string, Record<string, string>>);
          published++;
        } catch (err) {
          failed++;
          const reason = err instanceof AppError ? `${err.message}${err.details?.length ? `: ${err.details.map((d) => `${d.path} ${d.message}`).join('; ')}` : ''}` : 'The publish failed';
          await db.$transaction(async (tx) => {
            // Only if it is still scheduled: another runner may have published it meanwhile.
            const { count } = await tx.changeSet.updateMany({ where: { id: row.id, status: 'scheduled' }, data: { status: 'open', scheduleError: reason.slice(0, 2000), updatedAt: ctx.clock() } });
            if (count) await audit(tx, app.id, actor, 'changes.schedule-failed', row.id, { reason });
          });
          ctx.logger.warn({ app: app.id, changeSet: row.id, reason }, 'a scheduled publish was refused; the change set is open again');
        }
      }
      return { published, failed };
    },

    /** A simulation (simulate.ts) against the change set's candidate: what the app would do once it is published. */
    async simulate(appId: string, actor: Actor, id: string, body: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayView(app, actor);
      const request = parseSimulation(body);
      const row = await load(app, id);
      open(row);
      const c = await candidate(app, row, await itemsOf(id));
      return simulate(candidateApp(c.definitions, ctx.compileOptions), request, ctx.clock());
    },

    /** The app's saved test cases run against the change set's candidate, and the moves no case asks for. */
    async tests(appId: string, actor: Actor, id: string) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayView(app, actor);
      const row = await load(app, id);
      open(row);
      const c = await candidate(app, row, await itemsOf(id));
      return runTestCases(candidateApp(c.definitions, ctx.compileOptions), ctx.clock());
    },

    /**
     * Approves the change set's current content (maker-checker): never by whoever opened it or
     * edited it, and only until the next edit, which changes what would be published.
     */
    async approve(appId: string, actor: Actor, id: string, body: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      const { comment, contentHash: seen } = validateApprove(body ?? {});
      const { row, hash } = await reviewable(app, actor, id, seen);
      await db.$transaction(async (tx) => {
        await tx.changeSetApproval.upsert({ where: { changeSet_actorId_contentHash: { changeSet: id, actorId: actor.id, contentHash: hash } }, create: { changeSet: id, actorId: actor.id, role: actor.role, contentHash: hash, at: ctx.clock() }, update: {} });
        await audit(tx, app.id, actor, 'changes.approve', id, { contentHash: hash, comment });
      });
      return view(app, row);
    },

    /** A checker asks for changes: this content cannot be published until the change set is edited (their approval of it, if any, is withdrawn). */
    async requestChanges(appId: string, actor: Actor, id: string, body: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      const { comment, contentHash: seen } = validateRequestChanges(body ?? {});
      const { row, hash } = await reviewable(app, actor, id, seen);
      await db.$transaction(async (tx) => {
        await tx.changeSetApproval.deleteMany({ where: { changeSet: id, actorId: actor.id, contentHash: hash } });
        await tx.changeSetReview.create({ data: { id: randomUUID(), changeSet: id, actorId: actor.id, role: actor.role, contentHash: hash, comment, at: ctx.clock() } });
        await audit(tx, app.id, actor, 'changes.request-changes', id, { contentHash: hash, comment });
      });
      return view(app, row);
    },

    async discard(appId: string, actor: Actor, id: string) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayEdit(app, actor);
      const now = ctx.clock();
      const row = await db.$transaction(async (tx) => {
        // A scheduled change set is cancelled by discarding it.
        const locked = await lockChangeSet(tx, app, id, ['open', 'scheduled']);
        await tx.changeSet.update({ where: { id }, data: { status: 'discarded', updatedAt: now } });
        await audit(tx, app.id, actor, 'changes.discard', id, {});
        return locked;
      });
      return view(app, { ...row, status: 'discarded', updatedAt: now });
    },

    async releases(appId: string, actor: Actor) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayView(app, actor);
      const releases = await listReleases(db, app.id);
      const names = await actorNames(db, app.id, releases.map((r) => r.createdBy));
      return releases.map((r) => releaseView(r, names));
    },

    /** One release with the content of each of its definitions. */
    async release(appId: string, actor: Actor, number: string) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayView(app, actor);
      const r = /^\d{1,9}$/.test(number) ? await findRelease(db, app.id, Number(number)) : undefined;
      if (!r) throw new AppError('NOT_FOUND', `No release ${number} of app "${app.id}"`);
      const content = new Map((await releaseDefinitions(db, r)).map((d) => [key(d.kind, d.name), d.content]));
      const v = releaseView(r, await actorNames(db, app.id, [r.createdBy]));
      return { ...v, definitions: v.definitions.map((d) => ({ ...d, content: content.get(key(d.kind, d.name)) })) };
    },

    /** What release `number` changed against release `against` (default: the one before it), per definition, in sentences. */
    async diff(appId: string, actor: Actor, number: string, query: Record<string, unknown>) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayView(app, actor);
      const r = /^\d{1,9}$/.test(number) ? await findRelease(db, app.id, Number(number)) : undefined;
      if (!r) throw new AppError('NOT_FOUND', `No release ${number} of app "${app.id}"`);
      const against = query.against === undefined ? r.number - 1 : /^\d{1,9}$/.test(String(query.against)) ? Number(query.against) : NaN;
      if (Number.isNaN(against)) throw new AppError('BAD_REQUEST', undefined, { details: [{ path: '$.query.against', message: 'A release number' }] });
      const other = against >= 1 ? await findRelease(db, app.id, against) : undefined;
      if (against >= 1 && !other) throw new AppError('NOT_FOUND', `No release ${against} of app "${app.id}"`);
      const before = other ? await releaseDefinitions(db, other) : [];
      return { release: r.number, against: other?.number ?? null, definitions: compareDefinitions(before, await releaseDefinitions(db, r)) };
    },

    /** A new release whose content equals release `number` (checked as any release is). */
    async rollback(appId: string, actor: Actor, number: string, body: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      assertMayPublish(app, actor);
      const { comment, mappings = {} } = validateRollback(body ?? {});
      const made = await release(app, actor, async (tx) => {
        const target = /^\d{1,9}$/.test(number) ? await findRelease(tx, app.id, Number(number)) : undefined;
        if (!target) throw new AppError('NOT_FOUND', `No release ${number} of app "${app.id}"`);
        const live = (await liveRelease(tx, app.id))!;
        const definitions = await releaseDefinitions(tx, target);
        // Checked as a publish is: the app's problems and its saved cases (those of the release rolled
        // back to), and records in states the older workflow does not have, which need `mappings`.
        const compiled = candidateApp(definitions, ctx.compileOptions);
        await assertTestCasesPass(compiled, ctx.clock());
        const moves = await plannedMigrations(tx, app, await releaseDefinitions(tx, live), definitions, mappings);
        const written = await writeRelease(tx, { app: app.id, source: 'rollback', comment: comment ?? `Rollback to release ${target.number}`, createdBy: actor.id, at: ctx.clock(), definitions });
        for (const m of moves) await migrateRecords(tx, m, actor, written.number, ctx.clock());
        return { release: written, compiled, audit: { action: 'releases.rollback', detail: { to: target.number, release: written.number, checksum: written.checksum } } };
      });
      return releaseView(made, await actorNames(db, app.id, [actor.id]));
    },
  };
}

export type ChangeSets = ReturnType<typeof createChangeSets>;
