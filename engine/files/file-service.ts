// Files on records: documents in an entity's attachment slots. The bytes stream from the request
// through the sniffer and the size limit straight into the app's blob store (never held whole);
// only then, in one short transaction that locks the record, is the file written down — so the
// slot's limit holds under parallel uploads (the lock serialises them; the loser's blob is
// deleted), and a refused upload stores nothing the record points at.
import { createHash, randomUUID } from 'node:crypto';
import stream, { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Actor } from '../auth/actor.ts';
import { requirePermission } from '../auth/permissions.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { EngineContext } from '../engine-context.ts';
import { AppError, isAppError } from '../errors/app-error.ts';
import type { BlobProvider, BlobStat } from '../plugin-api.ts';
import type { CompiledEntity } from '../records/compile-entity.ts';
import { assertInScope } from '../records/record-scope.ts';
import type { RecordRow } from '../records/record-row.ts';
import { findRecord, lockRecord } from '../records/record-store.ts';
import type { RecordTarget } from '../records/record-view.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import { resolveApp, resolveEntity } from '../registry/resolve-target.ts';
import type { Prisma } from '../store/database.ts';
import { byteLimit } from '../support/byte-limit.ts';
import { isStorableText } from '../support/storable-text.ts';
import { UUID_RE } from '../support/uuid.ts';
import { assertSlotRole, DOWNLOAD_SECONDS, initialStatus, slotOf, UPLOAD_SECONDS, type FileSlotDef } from './file-slot.ts';
import { fileVersionView, fileView, type FileView, type FileVersionView } from './file-view.ts';
import { sniffContent, type Sniffed } from './sniff-content.ts';

export interface IncomingFile {
  fileName: string;
  content: Readable;
  /** A new version of this file (its id); absent: a new file. */
  fileId?: string;
  label?: string;
}

export interface FileDownload {
  /** Absolute (a store's signed URL) or a path on this server (the engine's download route). */
  url: string;
  expiresAt: string;
}

export interface FileDeps {
  blob(appId: string): BlobProvider;
}

type Tx = Prisma.TransactionClient;

const MAX_NAME = 200;

/** The name as given, reduced to a plain base name that is safe to store and to offer back. */
function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const name = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, MAX_NAME);
  if (!name || !isStorableText(name) || name === '.' || name === '..') throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.file', message: 'The file needs a name' }] });
  return name;
}

function optionalText(value: string | undefined, path: string, max: number): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > max || !isStorableText(value)) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path, message: `At most ${max} characters, without NUL` }] });
  return value;
}

function fileIdOf(value: string | undefined, path = '$.fileId'): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!UUID_RE.test(value)) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path, message: 'A file id (UUID)' }] });
  return value.toLowerCase();
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const noFile = (id: string) => new AppError('NOT_FOUND', `No file "${id}" on this record`);

export function createFileService(ctx: EngineContext, deps: FileDeps) {
  /** The record the actor may read (404 outside their scope, as a missing one), its entity, and the slot. */
  async function visible(t: RecordTarget, actor: Actor, id: string, slotName?: string) {
    const app = resolveApp(ctx.registry(), t.app);
    const entity = resolveEntity(app, t.entity);
    const permission = requirePermission(app, actor, entity.name, 'read');
    const row = UUID_RE.test(id) ? await findRecord(ctx.db, app.id, entity.name, id) : undefined;
    if (!row) throw new AppError('RECORD_NOT_FOUND', `No ${entity.name} with id "${id}"`);
    await assertInScope(ctx.db.sql, app.id, actor, permission, row);
    const slot = slotName === undefined ? undefined : slotOf(entity, slotName);
    return { app, entity, permission, row, slot };
  }

  /** The record again under lock, still there and still the actor's, for the write. */
  async function relock(tx: Tx, app: CompiledApp, entity: CompiledEntity, actor: Actor, id: string): Promise<RecordRow> {
    const row = await lockRecord(tx, app.id, entity.name, id);
    if (!row) throw new AppError('RECORD_NOT_FOUND', `No ${entity.name} with id "${id}"`);
    await assertInScope(ctx.db.sql, app.id, actor, requirePermission(app, actor, entity.name, 'read'), row);
    return row;
  }

  async function timeline(tx: Tx, app: CompiledApp, entity: CompiledEntity, row: RecordRow, actor: Actor, event: string, detail: Record<string, unknown>, remarks: string | null, at: Date) {
    await tx.$executeRaw`
      INSERT INTO timeline_entries (record_id, app, entity, event, from_state, to_state, actor_id, role, override, remarks, input, at)
      VALUES (${row.id}::uuid, ${app.id}, ${entity.name}, ${event}, ${row.state}, ${row.state}, ${actor.id}, ${actor.role}, false, ${remarks}, ${JSON.stringify(detail)}::jsonb, ${at})`;
  }

  async function activeCount(tx: Tx | EngineContext['db'], recordId: string, slot: string): Promise<number> {
    return tx.recordFile.count({ where: { recordId, slot, removed: false } });
  }

  const limitReached = (entity: CompiledEntity, slotName: string, slot: FileSlotDef) =>
    new AppError('LIMIT_REACHED', `This ${entity.label.toLowerCase()} already has ${slot.maxActive} active ${slot.label ?? slotName}, the most it may have: remove one, or upload a new version of one`, {
      details: [{ path: '$.file', message: `At most ${slot.maxActive} active files in "${slotName}"` }],
    });

  /** Checks that a new version may be uploaded to this file now. */
  function assertReuploadable(file: { removed: boolean; status: string | null; slot: string }, slotName: string, slot: FileSlotDef): void {
    if (file.removed) throw new AppError('CONFLICT', 'This file was removed; upload a new file instead', { details: [{ path: '$.fileId', message: 'Removed' }] });
    if (slot.versioned === false) throw new AppError('CONFLICT', `Files in "${slotName}" keep one version: remove this one and upload a new file`, { details: [{ path: '$.fileId', message: 'Not versioned' }] });
    const allowed = slot.review?.reupload;
    if (allowed && file.status !== null && !allowed.includes(file.status)) {
      throw new AppError('CONFLICT', `A file that is ${file.status} cannot be replaced; a new version may be uploaded while it is ${allowed.join(' or ')}`, { details: [{ path: '$.fileId', message: `Status ${file.status}` }] });
    }
  }

  async function signedDownload(app: CompiledApp, actor: Actor, blobKey: string, fileName: string, contentType: string): Promise<FileDownload> {
    const expiresAt = new Date(ctx.clock().getTime() + DOWNLOAD_SECONDS * 1000);
    const blob = deps.blob(app.id);
    if (blob.signedDownloadUrl) {
      const signed = await blob.signedDownloadUrl(blobKey, { expiresAt, fileName, contentType });
      return { url: signed.url, expiresAt: signed.expiresAt.toISOString() };
    }
    const { token, expiresAt: until } = await ctx.tokens.issueFor(app.id, 'download', actor.id, { key: blobKey, name: fileName, type: contentType }, DOWNLOAD_SECONDS);
    return { url: `/v1/apps/${app.id}/downloads/${token}`, expiresAt: until.toISOString() };
  }

  interface Arrival {
    app: CompiledApp;
    entity: CompiledEntity;
    row: RecordRow;
    actor: Actor;
    slotName: string;
    slot: FileSlotDef;
    fileId: string;
    existingId: string | undefined;
    blobKey: string;
    fileName: string;
    label: string | undefined;
    contentType: string;
    size: number;
    sha256: string;
  }

  /**
   * Writes down a file whose bytes are in the store, in one short transaction that locks the
   * record: the slot's limit counted again (the lock serialises uploads to the record, so the
   * count cannot be overtaken), the file or its new version, the timeline and the audit entry.
   */
  async function commit(a: Arrival): Promise<FileView> {
    const { app, entity, row, actor, slotName, slot, fileId, existingId, blobKey, fileName, label, contentType, size, sha256 } = a;
    const now = ctx.clock();
    const saved = await ctx.db.$transaction(async (tx) => {
      const current = await relock(tx, app, entity, actor, row.id);
      let file;
      if (existingId) {
        const before = await tx.recordFile.findFirst({ where: { id: existingId, recordId: row.id, slot: slotName } });
        if (!before) throw noFile(existingId);
        assertReuploadable(before, slotName, slot);
        const version = before.version + 1;
        await tx.recordFileVersion.create({ data: { fileId, version, blobKey, fileName, contentType, size, sha256, uploadedBy: actor.id, uploadedAt: now } });
        file = await tx.recordFile.update({
          where: { id: fileId },
          data: { version, blobKey, fileName, contentType, size, sha256, uploadedBy: actor.id, uploadedAt: now, status: initialStatus(slot), reviewedBy: null, reviewedAt: null, reviewNote: null, ...(label ? { label } : {}) },
        });
      } else {
        if (slot.maxActive !== undefined && (await activeCount(tx, row.id, slotName)) >= slot.maxActive) throw limitReached(entity, slotName, slot);
        file = await tx.recordFile.create({
          data: {
            id: fileId, app: app.id, entity: entity.name, recordId: row.id, slot: slotName, label: label ?? null, status: initialStatus(slot), version: 1,
            blobKey, fileName, contentType, size, sha256, uploadedBy: actor.id, uploadedAt: now, createdAt: now,
            versions: { create: { version: 1, blobKey, fileName, contentType, size, sha256, uploadedBy: actor.id, uploadedAt: now } },
          },
        });
      }
      const detail = { slot: slotName, fileId, version: file.version, fileName, contentType, size, sha256, status: file.status };
      await timeline(tx, app, entity, current, actor, 'file.upload', detail, null, now);
      await appendAudit(tx, { app: app.id, entity: entity.name, recordId: row.id, action: 'file.upload', actor, after: detail, at: now });
      return file;
    });
    return fileView(saved);
  }

  /** The checks that need no bytes, before an upload starts: the file to version, or room for one more. */
  async function beforeBytes(entity: CompiledEntity, row: RecordRow, slotName: string, slot: FileSlotDef, existingId: string | undefined): Promise<void> {
    if (existingId) {
      const file = await ctx.db.recordFile.findFirst({ where: { id: existingId, recordId: row.id, slot: slotName } });
      if (!file) throw noFile(existingId);
      assertReuploadable(file, slotName, slot);
    } else if (slot.maxActive !== undefined && (await activeCount(ctx.db, row.id, slotName)) >= slot.maxActive) {
      throw limitReached(entity, slotName, slot);
    }
  }

  /**
   * A change to a file that is on the record and not removed — a review, a removal — under the
   * record's lock, with its timeline and audit entries, in one transaction.
   */
  async function changeFile(
    v: { app: CompiledApp; entity: CompiledEntity; row: RecordRow },
    actor: Actor,
    slotName: string,
    fileIdRaw: string,
    change: { event: 'file.review' | 'file.remove'; removed: string; data: Prisma.RecordFileUpdateInput; remarks: string | null; detail(before: { status: string | null }, after: { version: number; status: string | null; fileName: string }): Record<string, unknown>; auditBefore(before: { status: string | null; removed: boolean }): unknown },
  ): Promise<FileView> {
    const { app, entity, row } = v;
    const fileId = fileIdOf(fileIdRaw, '$.fileId') ?? '';
    const now = ctx.clock();
    const saved = await ctx.db.$transaction(async (tx) => {
      const current = await relock(tx, app, entity, actor, row.id);
      const before = await tx.recordFile.findFirst({ where: { id: fileId, recordId: row.id, slot: slotName } });
      if (!before) throw noFile(fileIdRaw);
      if (before.removed) throw new AppError('CONFLICT', change.removed, { details: [{ path: '$.fileId', message: 'Removed' }] });
      const file = await tx.recordFile.update({ where: { id: fileId }, data: change.data });
      const detail = { slot: slotName, fileId, ...change.detail(before, file) };
      await timeline(tx, app, entity, current, actor, change.event, detail, change.remarks, now);
      await appendAudit(tx, { app: app.id, entity: entity.name, recordId: row.id, action: change.event, actor, before: change.auditBefore(before), after: change.remarks === null ? detail : { ...detail, note: change.remarks }, at: now });
      return file;
    });
    return fileView(saved);
  }

  return {
    /**
     * A file (or a new version of one) into a slot. The caller gives the bytes as a stream; the
     * checks that need no bytes (role, scope, slot, the limit, the file's status) come first, so a
     * refused upload is refused before its bytes are read.
     */
    async upload(t: RecordTarget, actor: Actor, id: string, slotName: string, incoming: IncomingFile): Promise<FileView> {
      const { app, entity, row, slot } = await visible(t, actor, id, slotName);
      assertSlotRole(slot!, slotName, 'upload', actor);
      const fileName = cleanFileName(incoming.fileName);
      const label = optionalText(incoming.label, '$.label', 120);
      const existingId = fileIdOf(incoming.fileId);
      await beforeBytes(entity, row, slotName, slot!, existingId);

      const fileId = existingId ?? randomUUID();
      const blobKey = `files/${entity.name}/${row.id}/${slotName}/${fileId}/${randomUUID()}`;
      const blob = deps.blob(app.id);
      let sniffed: Sniffed | undefined;
      let stat: BlobStat;
      try {
        // pipeline, not pipe: a body cut off mid-way fails the write instead of leaving it waiting.
        const checked = stream.pipeline(incoming.content, sniffContent({ types: slot!.types, fileName, onSniffed: (s) => (sniffed = s) }), byteLimit(slot!.maxBytes), () => {});
        stat = await blob.write(blobKey, checked, { contentType: 'application/octet-stream' });
      } catch (err) {
        // The store wraps what broke the stream: the sniffer's 415, the limit's 413, a cut-off body.
        const cause = (err as { cause?: unknown }).cause;
        await blob.delete(blobKey).catch(() => undefined);
        if (isAppError(err)) throw err;
        if (isAppError(cause)) throw cause;
        if (incoming.content.readableAborted) throw new AppError('BAD_REQUEST', 'The upload was cut off before the end of the file', { cause: err });
        throw new AppError('UNAVAILABLE', 'The file could not be stored; try again', { cause: err });
      }
      try {
        return await commit({ app, entity, row, actor, slotName, slot: slot!, fileId, existingId, blobKey, fileName, label, contentType: sniffed!.mime, size: stat.size, sha256: stat.sha256 });
      } catch (err) {
        // Nothing points at the blob: it goes (best effort; a left-over blob is never served).
        await blob.delete(blobKey).catch((e: unknown) => ctx.logger.warn({ err: e, blobKey }, 'an unused upload was not deleted'));
        throw err;
      }
    },

    /**
     * A signed URL to upload a file straight to the blob store (a SAS on Azure Blob; this server's
     * upload route on fs), and the `upload` token that completes it. The checks that need no bytes
     * are made now and again at completion; the bytes are judged at completion.
     */
    async uploadUrl(t: RecordTarget, actor: Actor, id: string, slotName: string, body: unknown): Promise<{ upload: string; uploadUrl: string; method: 'PUT'; headers: Record<string, string>; expiresAt: string; maxBytes: number; types: string[] }> {
      const { app, entity, row, slot } = await visible(t, actor, id, slotName);
      assertSlotRole(slot!, slotName, 'upload', actor);
      const b = isRecord(body) ? body : {};
      if (!isRecord(body) || Object.keys(b).some((k) => !['fileName', 'fileId', 'label'].includes(k))) throw new AppError('VALIDATION_FAILED', 'The body takes { fileName, fileId?, label? }');
      const fileName = cleanFileName(typeof b.fileName === 'string' ? b.fileName : '');
      const label = optionalText(typeof b.label === 'string' ? b.label : undefined, '$.label', 120);
      const existingId = fileIdOf(b.fileId === undefined ? undefined : String(b.fileId));
      await beforeBytes(entity, row, slotName, slot!, existingId);
      const fileId = existingId ?? randomUUID();
      const blobKey = `files/${entity.name}/${row.id}/${slotName}/${fileId}/${randomUUID()}`;
      const expiresAt = new Date(ctx.clock().getTime() + UPLOAD_SECONDS * 1000);
      const blob = deps.blob(app.id);
      const target = blob.signedUploadUrl
        ? await blob.signedUploadUrl(blobKey, { expiresAt })
        : { url: `/v1/apps/${app.id}/uploads/${(await ctx.tokens.issueFor(app.id, 'upload', actor.id, { key: blobKey, max: slot!.maxBytes, type: 'application/octet-stream' }, UPLOAD_SECONDS)).token}`, method: 'PUT' as const, headers: {}, expiresAt };
      // What was asked travels signed with the completion token: nothing of it is taken from the client again.
      const { token } = await ctx.tokens.issueFor(app.id, 'file-upload', actor.id, { key: blobKey, entity: entity.name, record: row.id, slot: slotName, fileId, existing: Boolean(existingId), name: fileName, label: label ?? null }, UPLOAD_SECONDS + 3600);
      return { upload: token, uploadUrl: target.url, method: 'PUT', headers: target.headers, expiresAt: target.expiresAt.toISOString(), maxBytes: slot!.maxBytes, types: slot!.types };
    },

    /**
     * Completes a direct upload: the bytes in the store are read back once, through the sniffer,
     * the size limit and a SHA-256 (a client's PUT to a SAS carries no hash the server made), and
     * then written down as an upload through the API would be. A refused file is deleted.
     */
    async completeUpload(t: RecordTarget, actor: Actor, id: string, slotName: string, body: unknown): Promise<FileView> {
      const { app, entity, row, slot } = await visible(t, actor, id, slotName);
      assertSlotRole(slot!, slotName, 'upload', actor);
      const token = isRecord(body) && typeof body.upload === 'string' && Object.keys(body).length === 1 ? body.upload : undefined;
      if (!token) throw new AppError('VALIDATION_FAILED', 'The body takes { upload }: the token the upload URL came with', { details: [{ path: '$.upload', message: 'Required' }] });
      const signed = await ctx.tokens.verifyFor(token, app.id, 'file-upload', { expired: 'The upload has expired; ask for a new upload URL', invalid: 'The upload token is not valid' });
      if (signed.sub !== actor.id || signed.entity !== entity.name || signed.record !== row.id || signed.slot !== slotName) throw new AppError('FORBIDDEN', 'This upload was made for another file, record or user');
      const blobKey = String(signed.key);
      if (await ctx.db.recordFileVersion.findFirst({ where: { blobKey }, select: { fileId: true } })) throw new AppError('CONFLICT', 'This upload was completed already');
      const blob = deps.blob(app.id);
      const stat = await blob.stat(blobKey);
      if (!stat) throw new AppError('VALIDATION_FAILED', 'Nothing was uploaded to the URL yet', { details: [{ path: '$.upload', message: 'No file' }] });
      const fileName = String(signed.name);
      const drop = () => blob.delete(blobKey).catch((e: unknown) => ctx.logger.warn({ err: e, blobKey }, 'a refused upload was not deleted'));
      let sniffed: Sniffed | undefined;
      const hash = createHash('sha256');
      let size = 0;
      try {
        if (stat.size > slot!.maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${slot!.maxBytes} bytes`);
        const counted = new Writable({
          write(chunk: Buffer, _enc, done) {
            hash.update(chunk);
            size += chunk.length;
            done();
          },
        });
        await pipeline(await blob.read(blobKey), sniffContent({ types: slot!.types, fileName, onSniffed: (s) => (sniffed = s) }), byteLimit(slot!.maxBytes), counted);
      } catch (err) {
        await drop();
        if (isAppError(err)) throw err;
        throw new AppError('UNAVAILABLE', 'The uploaded file could not be read back; try again', { cause: err });
      }
      const existingId = signed.existing ? String(signed.fileId) : undefined;
      try {
        return await commit({ app, entity, row, actor, slotName, slot: slot!, fileId: String(signed.fileId), existingId, blobKey, fileName, label: typeof signed.label === 'string' ? signed.label : undefined, contentType: sniffed!.mime, size, sha256: hash.digest('hex') });
      } catch (err) {
        await drop();
        throw err;
      }
    },

    /** The record's files not removed, slot by slot, newest first. */
    async list(t: RecordTarget, actor: Actor, id: string, slotName?: string): Promise<FileView[]> {
      const { row } = await visible(t, actor, id, slotName);
      const files = await ctx.db.recordFile.findMany({ where: { recordId: row.id, removed: false, ...(slotName ? { slot: slotName } : {}) }, orderBy: [{ slot: 'asc' }, { createdAt: 'desc' }, { id: 'asc' }], take: 1000 });
      return files.map(fileView);
    },

    /** One file with every version and a short-lived URL to download the newest (or `version`). */
    async get(t: RecordTarget, actor: Actor, id: string, slotName: string, fileIdRaw: string, versionRaw?: string): Promise<FileView & { versions: FileVersionView[]; download: FileDownload }> {
      const { app, row } = await visible(t, actor, id, slotName);
      const fileId = fileIdOf(fileIdRaw, '$.fileId') ?? '';
      const file = await ctx.db.recordFile.findFirst({ where: { id: fileId, recordId: row.id, slot: slotName }, include: { versions: { orderBy: { version: 'asc' } } } });
      if (!file) throw noFile(fileIdRaw);
      let wanted = file.versions.at(-1)!;
      if (versionRaw !== undefined) {
        const n = /^[1-9]\d{0,6}$/.test(versionRaw) ? Number(versionRaw) : NaN;
        const v = file.versions.find((x) => x.version === n);
        if (!v) throw new AppError('NOT_FOUND', `File "${fileId}" has no version "${versionRaw}"`, { details: [{ path: '$.version', message: `Versions 1 to ${file.version}` }] });
        wanted = v;
      }
      const download = await signedDownload(app, actor, wanted.blobKey, wanted.fileName, wanted.contentType);
      return { ...fileView(file), versions: file.versions.map(fileVersionView), download };
    },

    /** Sets a file's review status (a role the slot names as reviewer). */
    async review(t: RecordTarget, actor: Actor, id: string, slotName: string, fileIdRaw: string, body: unknown): Promise<FileView> {
      const { app, entity, row, slot } = await visible(t, actor, id, slotName);
      assertSlotRole(slot!, slotName, 'review', actor);
      const b = (body ?? {}) as { status?: unknown; note?: unknown };
      const states = slot!.review?.states ?? [];
      if (typeof b !== 'object' || Array.isArray(b) || Object.keys(b).some((k) => k !== 'status' && k !== 'note')) throw new AppError('VALIDATION_FAILED', 'The body takes { status, note? }');
      if (typeof b.status !== 'string' || !states.includes(b.status)) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.status', message: `One of ${states.join(', ')}` }] });
      const note = optionalText(typeof b.note === 'string' ? b.note : b.note === undefined ? undefined : String(b.note), '$.note', 2000);
      return changeFile({ app, entity, row }, actor, slotName, fileIdRaw, {
        event: 'file.review',
        removed: 'This file was removed',
        data: { status: b.status as string, reviewedBy: actor.id, reviewedAt: ctx.clock(), reviewNote: note ?? null },
        remarks: note ?? null,
        detail: (before, file) => ({ version: file.version, from: before.status, status: file.status }),
        auditBefore: (before) => ({ status: before.status }),
      });
    },

    /** Removes a file from the record (it no longer counts against the limit); its versions stay in the store. */
    async remove(t: RecordTarget, actor: Actor, id: string, slotName: string, fileIdRaw: string): Promise<FileView> {
      const { app, entity, row, slot } = await visible(t, actor, id, slotName);
      assertSlotRole(slot!, slotName, 'remove', actor);
      return changeFile({ app, entity, row }, actor, slotName, fileIdRaw, {
        event: 'file.remove',
        removed: 'This file was removed already',
        data: { removed: true },
        remarks: null,
        detail: (_before, file) => ({ version: file.version, fileName: file.fileName }),
        auditBefore: () => ({ removed: false }),
      });
    },

    /** GET /v1/apps/{app}/downloads/{token}: the blob a signed download URL names (the URL is the credential). */
    async download(appId: string, token: string): Promise<{ stream: Readable; fileName: string; contentType: string }> {
      const app = resolveApp(ctx.registry(), appId);
      const signed = await ctx.tokens.verifyFor(token, app.id, 'download', { expired: 'The download link has expired; ask for a new one', invalid: 'The download link is not valid' });
      const key = String(signed.key);
      try {
        return { stream: await deps.blob(app.id).read(key), fileName: String(signed.name), contentType: String(signed.type) };
      } catch (err) {
        throw new AppError('UNAVAILABLE', 'The file cannot be read now; try again', { cause: err });
      }
    },
  };
}

export type FileService = ReturnType<typeof createFileService>;
