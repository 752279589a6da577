import type { Request, Response } from 'express';
import { AppError, type Engine } from '../../engine/index.ts';
import { isMultipart } from '../middleware/multipart-file.ts';
import type { OperationCall, OperationSpec } from '../operations/operation-spec.ts';
import type { OperationResult } from '../operations/operation-result.ts';

/** One operation for one call, from a generic route or an alias alike. */
export function runOperation(spec: OperationSpec, engine: Engine, req: Request, call: OperationCall, res: Response): Promise<OperationResult> {
  // The JSON parser let a multipart body through for the operations that stream a file.
  if (isMultipart(req) && !spec.multipart) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  return spec.handler(engine, req, call, res);
}
