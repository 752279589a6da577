import { Transform } from 'node:stream';
import { AppError } from '../errors/app-error.ts';

/** Counts bytes through a stream and fails it past the limit (413), so a large upload is never buffered whole. */
export function byteLimit(max: number, what = 'The file'): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) done(new AppError('PAYLOAD_TOO_LARGE', `${what} is larger than ${max} bytes`));
      else done(null, chunk);
    },
  });
}
