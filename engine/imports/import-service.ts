// CSV imports (§4.6): a signed upload URL, the upload itself (streamed to the app's blob store,
// size-capped), registration as a background job, and the job: every row through the ordinary
// record and transition services as the user who registered it, progress as it goes, an error
// report (row, column, message) in blob storage, and a completion email through the outbox.
import { randomUUID } from 'node:crypto';
import stream, { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Actor } from '../auth/actor.ts';
import type { EngineContext } from '../engine-context.ts';
import { byteLimit } from '../support/byte-limit.ts';
import { AppError, isAppError } from '../errors/app-error.ts';
import { planEffects } from '../effects/plan-effects.ts';
import { outboxInsertData } from '../notify/outbox-store.ts';
import type { BlobProvider, BlobStat } from '../plugin-api.ts';
import { uniqueKeyValues } from '../records/derived-columns.ts';
import type { RecordService } from '../records/record-service.ts';
import { resolveApp, resolveEntity } from '../registry/resolve-target.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import type { ImportDef } from '../registry/definition-types.ts';
import { storableText } from '../support/storable-text.ts';
import { bodyValidator } from '../support/validate-body.ts';
import { columnOf, rowChanges, type RowProblem } from './import-rows.ts';

// The CSV parser and writer (17 modules) load with the first import, not with every start.
const csvParse = async () => (await import('csv-parse')).parse;
const csvStringify = async () => (await import('csv-stringify/sync')).stringify;
import { createUploadClaims } from './upload-claims.ts';

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
const PROGRESS_EVERY = 50;
/** Rows applied at once: enough to keep PostgreSQL busy, well inside the connection pool. */
const ROWS_IN_FLIGHT = 8;
/** A running job whose progress has not moved for this long is taken over (its process died). */
const LEASE_MS = 2 * 60_000;
const BLOB_NAME = /^imports\/[a-z][a-z0-9_-]{0,62}\/[0-9a-f-]{36}\.csv$/;

const validateRegister = bodyValidator<{ blobName: string }>({ type: 'object', additionalProperties: false, required: ['blobName'], properties: { blobName: { type: 'string', minLength: 1, maxLength: 200 } } });

interface JobRow {
  id: string;
  app: string;
  import: string;
  blob_name: string;
  status: string;
  total_rows: number | null;
  rows_done: number;
  rows_applied: number;
  rows_failed: number;
  error_report: string | null;
  message: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

function view(j: JobRow) {
  const percent = j.total_rows ? Math.floor((j.rows_done * 100) / j.total_rows) : j.status === 'completed' ? 100 : 0;
  return {
    id: j.id,
    import: j.import,
    status: j.status,
    blobName: j.blob_name,
    totalRows: j.total_rows,
    rowsDone: j.rows_done,
    rowsApplied: j.rows_applied,
    rowsFailed: j.rows_failed,
    percent,
    message: j.message,
    errorReport: j.error_report !== null,
    createdAt: j.created_at.toISOString(),
    updatedAt: j.updated_at.toISOString(),
  };
}

/** The column naming a row's target state, for the problems of its move. */
const transitionColumnOf = (def: ImportDef) => Object.entries(def.columns).find(([, c]) => typeof c === 'object' && 'transition' in c)?.[0] ?? '';

export interface ImportDeps {
  records: RecordService;
  blob(appId: string): BlobProvider;
}

export function createImportService(ctx: EngineContext, deps: ImportDeps) {
  const importOf = (app: CompiledApp, name: string): ImportDef => {
    const def = app.imports.get(name);
    if (!def) throw new AppError('NOT_FOUND', `No import "${name}"; known: ${[...app.imports.keys()].join(', ') || 'none'}`);
    return def;
  };
  const allow = (def: ImportDef, actor: Actor) => {
    if (!def.roles.includes(actor.role)) throw new AppError('FORBIDDEN', `Role "${actor.role}" may not run the "${def.name}" import`);
  };
  const maxOf = (def: ImportDef) => def.maxBytes ?? DEFAULT_MAX_BYTES;
  const claims = createUploadClaims(ctx.db.sql);

  async function loadJob(app: CompiledApp, actor: Actor, id: string): Promise<JobRow> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('NOT_FOUND', `No import job "${id}"`);
    const { rows } = await ctx.db.sql.query<JobRow>('SELECT * FROM import_jobs WHERE id = $1 AND app = $2', [id, app.id]);
    const job = rows[0];
    if (!job) throw new AppError('NOT_FOUND', `No import job "${id}"`);
    allow(importOf(app, job.import), actor);
    return job;
  }

  /** The user who registered the job, as they are now (a deactivated user's job does not run). */
  async function actorOf(app: CompiledApp, userId: string): Promise<Actor | undefined> {
    const user = await ctx.db.user.findFirst({ where: { id: userId, app: app.id, active: true } });
    if (!user) return undefined;
    return { id: user.id, app: app.id, role: user.role, email: user.email ?? undefined, phone: user.phone ?? undefined, attributes: (user.attributes ?? {}) as Actor['attributes'] };
  }

  async function progress(id: string, p: { done: number; applied: number; failed: number; total?: number }) {
    await ctx.db.sql.query('UPDATE import_jobs SET rows_done = $2, rows_applied = $3, rows_failed = $4, total_rows = COALESCE($5, total_rows), updated_at = $6 WHERE id = $1', [id, p.done, p.applied, p.failed, p.total ?? null, ctx.clock()]);
  }

  async function finish(app: CompiledApp, job: JobRow, actor: Actor | undefined, outcome: { status: 'completed' | 'failed'; message: string; report?: string }) {
    const now = ctx.clock();
    // The message may quote the file (a header's column names), which may hold what text columns refuse.
    const { rows } = await ctx.db.sql.query<JobRow>('UPDATE import_jobs SET status = $2, message = $3, error_report = $4, updated_at = $5 WHERE id = $1 RETURNING *', [job.id, outcome.status, storableText(outcome.message), outcome.report ?? null, now]);
    const done = rows[0]!;
    const def = app.imports.get(job.import);
    if (def?.notify && actor?.email) {
      // The completion email is a notify effect about the job, planned like any other.
      const plan = planEffects([{ notify: { template: def.notify.template, to: '{{actor.email}}' } }], { record: view(done), actor: { ...actor }, input: {}, now: now.toISOString(), app: { id: app.id, name: app.name } }, { app, recordId: job.id, key: `${app.id}:import:${job.id}` });
      for (const s of plan.skipped) ctx.logger.debug(s.detail, s.message);
      const messages = plan.outbox;
      if (messages.length) {
        await ctx.db.outboxMessage.createMany({ data: outboxInsertData(messages, now), skipDuplicates: true });
        ctx.outboxWritten();
      }
    }
    ctx.logger.info({ app: app.id, job: job.id, ...view(done) }, 'import finished');
  }

  /** Header checks and a first pass: how many rows, and which keys appear more than once. */
  async function survey(blob: BlobProvider, job: JobRow, def: ImportDef, caseInsensitive: boolean) {
    const counts = new Map<string, number>();
    let total = 0;
    let header: string[] = [];
    const keyColumn = columnOf(def)(def.key);
    const parse = await csvParse();
    await pipeline(await blob.read(job.blob_name), parse({ bom: true, trim: true, skip_empty_lines: true, columns: (h: string[]) => (header = h) }), async function* (rows: AsyncIterable<Record<string, string>>) {
      for await (const row of rows) {
        total++;
        const k = row[keyColumn];
        if (k) {
          const norm = caseInsensitive ? k.toLowerCase() : k;
          counts.set(norm, (counts.get(norm) ?? 0) + 1);
        }
      }
    });
    const unknown = header.filter((h) => !(h in def.columns));
    const missing = [...new Set([...(def.required ?? []), keyColumn])].filter((c) => !header.includes(c));
    return { total, duplicates: new Set([...counts].filter(([, n]) => n > 1).map(([k]) => k)), unknown, missing };
  }

  async function applyRow(app: CompiledApp, def: ImportDef, actor: Actor, row: Record<string, string>, rowNumber: number): Promise<RowProblem[]> {
    const changes = rowChanges(def, row, rowNumber);
    if (changes.problems.length) return changes.problems;
    const target = { app: app.id, entity: def.entity };
    const entity = resolveEntity(app, def.entity);
    const column = columnOf(def);
    try {
      let id: string | undefined;
      if (def.key === 'id') id = changes.key;
      else {
        const key = uniqueKeyValues(entity, { [def.key]: changes.key }).find((k) => k.fields.length === 1 && k.fields[0] === def.key)!;
        const found = await ctx.db.recordKey.findFirst({ where: { app: app.id, entity: entity.name, keyName: key.keyName, value: key.value }, select: { recordId: true } });
        id = found?.recordId;
      }
      if (!id && def.mode === 'update') return [{ row: rowNumber, column: column(def.key), message: `No ${entity.name} "${changes.key}"` }];
      const wf = entity.workflow;
      if (!id) {
        // A new record starts where its workflow starts: a row asking for another state is refused
        // whole rather than created and then left where the move failed.
        if (wf && changes.target !== undefined && changes.target !== wf.initial) return [{ row: rowNumber, column: transitionColumnOf(def), message: `A new ${entity.name} starts in "${wf.initial}"` }];
        await deps.records.create(target, actor, changes.fields);
        return [];
      }
      // Matched on the key: the record keeps its key as it is written (SKUs match case-insensitively).
      const { [def.key]: _key, ...fields } = changes.fields;
      // A row that names the state the record is in changes only its fields; a row with nothing to
      // change must still name a record.
      const current = changes.target !== undefined || !Object.keys(fields).length ? (await deps.records.get(target, actor, id)).data : undefined;
      const move = wf && changes.target !== undefined && current?.[wf.field] !== changes.target ? { [wf.field]: changes.target } : {};
      // Fields and the move are one change (as PATCH with a state): a refused move stores no field.
      if (Object.keys(fields).length || Object.keys(move).length) await deps.records.patch(target, actor, id, { ...fields, ...move });
      return [];
    } catch (err) {
      if (!isAppError(err)) throw err;
      if (err.code === 'INVALID_TRANSITION' || err.code === 'LIMIT_REACHED') return [{ row: rowNumber, column: transitionColumnOf(def), message: err.details?.[0]?.message ?? err.message }];
      if (err.code === 'RECORD_NOT_FOUND') return [{ row: rowNumber, column: column(def.key), message: err.message }];
      const details = (err.details?.length ? err.details : [{ path: '$', message: err.message }]).map((d) => ({ row: rowNumber, column: column(/^\$\.([A-Za-z0-9_]+)/.exec(d.path)?.[1] ?? ''), message: d.message }));
      // A unique key over (storeId, invoiceNumber) names both: report the ones that are columns of the file.
      const inFile = details.filter((d) => d.column !== '');
      return inFile.length ? inFile : details;
    }
  }

  async function run(job: JobRow): Promise<void> {
    const app = ctx.registry().apps.get(job.app);
    const def = app?.imports.get(job.import);
    if (!app || !def) return void (await ctx.db.sql.query("UPDATE import_jobs SET status = 'failed', message = 'The import is no longer defined', updated_at = $2 WHERE id = $1", [job.id, ctx.clock()]));
    const actor = await actorOf(app, job.created_by);
    if (!actor) return finish(app, job, undefined, { status: 'failed', message: 'The user who registered the file is no longer active' });
    const blob = deps.blob(app.id);
    const entity = resolveEntity(app, def.entity);
    const keyUnique = entity.uniqueKeys.find((k) => k.fields.length === 1 && k.fields[0] === def.key);
    let plan: Awaited<ReturnType<typeof survey>>;
    try {
      plan = await survey(blob, job, def, keyUnique?.caseInsensitive ?? false);
    } catch (err) {
      return finish(app, job, actor, { status: 'failed', message: `The file could not be read as CSV: ${(err as Error).message}` });
    }
    if (plan.unknown.length || plan.missing.length) {
      const parts = [plan.missing.length ? `missing columns: ${plan.missing.join(', ')}` : '', plan.unknown.length ? `unknown columns: ${plan.unknown.join(', ')}` : ''].filter(Boolean);
      return finish(app, job, actor, { status: 'failed', message: `The header does not fit the "${def.name}" import (${parts.join('; ')}); expected ${Object.keys(def.columns).join(', ')}` });
    }
    await progress(job.id, { done: 0, applied: 0, failed: 0, total: plan.total });
    const problems: RowProblem[] = [];
    const keyColumn = columnOf(def)(def.key);
    let done = 0;
    let reported = 0;
    let applied = 0;
    let failed = 0;
    let rowNumber = 1; // the header is line 1, as a spreadsheet shows it
    // Several rows are applied at once; the report is sorted by row. Rows that write the same value
    // into a field of a unique key (two claiming one invoice number) run in file order, so the
    // earlier row wins as it would one at a time.
    const inFlight = new Set<Promise<void>>();
    const claimed = new Map<string, Promise<void>>();
    const uniqueFields = new Set(entity.uniqueKeys.flatMap((k) => k.fields));
    const uniqueColumns = Object.entries(def.columns).filter(([, c]) => uniqueFields.has(typeof c === 'string' ? c : 'field' in c ? c.field : '')).map(([column]) => column);
    let fatal: unknown;
    const settle = (found: RowProblem[]) => {
      done++;
      if (found.length) {
        failed++;
        problems.push(...found);
      } else applied++;
    };
    const parse = await csvParse();
    await pipeline(await blob.read(job.blob_name), parse({ bom: true, trim: true, skip_empty_lines: true, columns: true }), async function* (rows: AsyncIterable<Record<string, string>>) {
      for await (const row of rows) {
        const n = ++rowNumber;
        const k = row[keyColumn];
        if (k && plan.duplicates.has(keyUnique?.caseInsensitive ? k.toLowerCase() : k)) {
          settle([{ row: n, column: keyColumn, message: `"${k}" appears more than once in this file; none of its rows were applied` }]);
        } else {
          const tokens = uniqueColumns.filter((c) => row[c]).map((c) => `${c}\u0000${row[c]!.toLowerCase()}`);
          const before = tokens.map((t) => claimed.get(t)).filter((x): x is Promise<void> => x !== undefined);
          // Never rejects: an unexpected failure is kept and stops the job once the others settle.
          const p: Promise<void> = Promise.all(before)
            .then(() => applyRow(app, def, actor, row, n))
            .then(settle, (err: unknown) => void (fatal ??= err))
            .finally(() => {
              inFlight.delete(p);
              for (const t of tokens) if (claimed.get(t) === p) claimed.delete(t);
            });
          for (const t of tokens) claimed.set(t, p);
          inFlight.add(p);
          if (inFlight.size >= ROWS_IN_FLIGHT) await Promise.race(inFlight);
        }
        if (fatal) break;
        if (done - reported >= PROGRESS_EVERY) {
          reported = done;
          await progress(job.id, { done, applied, failed });
        }
      }
      await Promise.all(inFlight);
    });
    if (fatal) throw fatal;
    problems.sort((a, b) => a.row - b.row);
    await progress(job.id, { done, applied, failed });
    let report: string | undefined;
    if (problems.length) {
      report = job.blob_name.replace(/\.csv$/, '.errors.csv');
      await blob.write(report, Buffer.from((await csvStringify())(problems, { header: true, columns: ['row', 'column', 'message'] })), { contentType: 'text/csv' });
    }
    await finish(app, job, actor, { status: 'completed', message: `${applied} of ${done} rows applied, ${failed} refused`, report });
  }

  let running: Promise<void> | undefined;
  let again = false;
  /** Runs queued jobs (and ones whose process died) one at a time until none is left. */
  async function drain(): Promise<void> {
    for (;;) {
      const now = ctx.clock();
      const { rows } = await ctx.db.sql.query<JobRow>(
        `UPDATE import_jobs SET status = 'running', updated_at = $1
         WHERE id = (SELECT id FROM import_jobs WHERE status = 'queued' OR (status = 'running' AND updated_at < $2)
                     ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
         RETURNING *`,
        [now, new Date(now.getTime() - LEASE_MS)],
      );
      if (!rows[0]) return;
      try {
        await run(rows[0]);
      } catch (err) {
        ctx.logger.error({ err, job: rows[0].id }, 'import failed');
        await ctx.db.sql.query("UPDATE import_jobs SET status = 'failed', message = $2, updated_at = $3 WHERE id = $1", [rows[0].id, `Stopped by an internal error (${(err as Error).message})`, ctx.clock()]);
      }
    }
  }
  function runPending(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await drain();
      } while (again);
    })().finally(() => (running = undefined));
    return running;
  }

  return {
    /** GET /v1/csv-jobs/{entity}/sas-url: where to PUT the file, until when, and how large it may be. */
    async uploadUrl(appId: string, name: string, actor: Actor) {
      const app = resolveApp(ctx.registry(), appId);
      const def = importOf(app, name);
      allow(def, actor);
      const blobName = `imports/${def.name}/${randomUUID()}.csv`;
      const { token, expiresAt } = await ctx.tokens.issueFor(app.id, 'upload', actor.id, { key: blobName, max: maxOf(def) }, (def.uploadMinutes ?? 15) * 60);
      return { uploadPath: `/v1/apps/${app.id}/uploads/${token}`, method: 'PUT', blobName, expiresAt: expiresAt.toISOString(), maxBytes: maxOf(def), contentType: 'text/csv' };
    },

    /** PUT /v1/apps/{app}/uploads/{token}: the file itself, streamed into the blob store. */
    async receiveUpload(appId: string, token: string, body: Readable, declaredLength: number | undefined) {
      const app = resolveApp(ctx.registry(), appId);
      const signed = await ctx.tokens.verifyFor(token, app.id, 'upload', { expired: 'The upload URL has expired; ask for a new one', invalid: 'The upload URL is not valid' });
      const key = String(signed.key);
      const max = Number(signed.max);
      if (declaredLength !== undefined && declaredLength > max) throw new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${max} bytes`);
      const used = () => new AppError('CONFLICT', 'This upload URL was used already; ask for a new one');
      if (!(await claims.claim(app.id, key, ctx.clock()))) throw used();
      const blob = deps.blob(app.id);
      const store = async () => {
        // pipeline, not pipe: a body cut off while the claim was taken (the client gone) fails the
        // write instead of leaving it waiting for the end forever. Its errors reach the write.
        const limited = stream.pipeline(body, byteLimit(max), () => {});
        try {
          return await blob.write(key, limited, { contentType: typeof signed.type === 'string' ? signed.type : 'text/csv' });
        } catch (err) {
          // The blob store wraps what broke the stream; a file over the limit is the client's 413.
          const cause = (err as { cause?: unknown }).cause;
          if (isAppError(cause)) throw cause;
          if (body.readableAborted) throw new AppError('BAD_REQUEST', 'The upload was cut off before the end of the file', { cause: err });
          throw err;
        }
      };
      let stat: BlobStat | undefined;
      try {
        // A URL used before upload_claims recorded its use names a blob that is there: spent all the same.
        stat = (await blob.exists(key)) ? undefined : await store();
      } catch (err) {
        // An upload that fails (too large, cut off, the store refusing) gives its claim back, so the
        // client can send the file again with the same URL while it is valid: nothing was stored,
        // and spending the URL on a dropped connection would only send the user back for a new
        // one. A process that dies mid-upload keeps its claim; that URL answers 409 from then on.
        await claims.release(app.id, key).catch((e: unknown) => ctx.logger.error({ err: e, app: app.id, blobName: key }, 'upload claim not released'));
        throw err;
      }
      await claims.complete(app.id, key);
      if (!stat) throw used();
      return { blobName: key, size: stat.size, sha256: stat.sha256 };
    },

    /** POST /v1/csv-jobs/{entity}/register { blobName }: queues the import; answers at once. */
    async register(appId: string, name: string, actor: Actor, body: unknown) {
      const app = resolveApp(ctx.registry(), appId);
      const def = importOf(app, name);
      allow(def, actor);
      const { blobName } = validateRegister(body);
      if (!BLOB_NAME.test(blobName) || !blobName.startsWith(`imports/${def.name}/`)) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.blobName', message: `Not an upload of the "${def.name}" import; use the blobName the upload URL came with` }] });
      const stat = await deps.blob(app.id).stat(blobName);
      if (!stat) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$.blobName', message: 'Nothing was uploaded under this name' }] });
      if (stat.size > maxOf(def)) throw new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${maxOf(def)} bytes`);
      const now = ctx.clock();
      const id = randomUUID();
      const { rows } = await ctx.db.sql.query<JobRow>(
        `INSERT INTO import_jobs (id, app, import, blob_name, status, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'queued', $5, $6, $6) ON CONFLICT (app, blob_name) DO NOTHING RETURNING *`,
        [id, app.id, def.name, blobName, actor.id, now],
      );
      if (!rows[0]) throw new AppError('CONFLICT', 'This file was registered already');
      void runPending().catch((err: unknown) => ctx.logger.error({ err }, 'import runner failed'));
      return view(rows[0]);
    },

    /** GET /v1/csv-jobs/{id}: rows done, total, percent, status. */
    async status(appId: string, actor: Actor, id: string) {
      return view(await loadJob(resolveApp(ctx.registry(), appId), actor, id));
    },

    /** GET /v1/csv-jobs/{id}/errors: the error report as CSV (row, column, message). */
    async errorReport(appId: string, actor: Actor, id: string): Promise<Readable> {
      const app = resolveApp(ctx.registry(), appId);
      const job = await loadJob(app, actor, id);
      if (!job.error_report) throw new AppError('NOT_FOUND', job.status === 'completed' ? 'Every row was applied: there is no error report' : 'The import has not finished yet');
      return deps.blob(app.id).read(job.error_report);
    },

    /** Runs what is queued (the Agenda job calls this too, so a restart picks up where a crash left off). */
    runPending,
  };
}

export type ImportService = ReturnType<typeof createImportService>;
