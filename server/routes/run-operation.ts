import type { Request, Response } from 'express';
import { AppError, type Engine } from '../../engine/index.ts';
import { isMultipart } from '../middleware/multipart-file.ts';
import { sessionCallerOf } from '../operations/call-context.ts';
import type { OperationCall, OperationSpec } from '../operations/operation-spec.ts';
import { sessionHeaders, type OperationResult } from '../operations/operation-result.ts';

/** One operation for one call, from a generic route or an alias alike. */
export async function runOperation(spec: OperationSpec, engine: Engine, req: Request, call: OperationCall, res: Response): Promise<OperationResult> {
  // The JSON parser let a multipart body through for the operations that stream a file.
  if (isMultipart(req) && !spec.multipart) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  const result = await spec.handler(engine, req, call, res);
  // A call made with a record session answers a fresh token: the session lasts while it is used.
  const caller = sessionCallerOf(req);
  const fresh = caller && result.status < 400 ? await engine.auth.refreshRecordSession(caller) : undefined;
  // A create that answered a session of its own (a new signup sent with an old token) keeps it.
  return fresh ? { ...result, headers: { ...sessionHeaders(fresh), ...result.headers } } : result;
}
