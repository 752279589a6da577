// What a file is, judged from its first bytes as it streams: never from its name or the client's
// Content-Type, which anyone can set. A type the slot does not take, or a name whose extension
// says another type (a PNG named .pdf, a program named .jpg), is refused with 415 before anything
// past the first few kilobytes is read.
import { Transform } from 'node:stream';
import { AppError } from '../errors/app-error.ts';

/** Enough for every signature file-type knows (its reasonableDetectionSizeInBytes). */
const SAMPLE_BYTES = 4100;

/** Extensions that name the same type as file-type's canonical one. */
const SAME_TYPE: Record<string, readonly string[]> = {
  jpg: ['jpg', 'jpeg', 'jpe', 'jfif'],
  tif: ['tif', 'tiff'],
  heic: ['heic', 'heif'],
};

export interface Sniffed {
  mime: string;
  ext: string;
}

const describe = (types: readonly string[]) => types.join(', ');

/** The extension of a file name, lower case, or undefined when it has none. */
function extensionOf(fileName: string): string | undefined {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(fileName);
  return m ? m[1]!.toLowerCase() : undefined;
}

export function sniffContent(options: { types: readonly string[]; fileName: string; onSniffed(type: Sniffed): void }): Transform {
  const head: Buffer[] = [];
  let headBytes = 0;
  let decided = false;
  const decide = async (): Promise<void> => {
    decided = true;
    const sample = Buffer.concat(head);
    if (sample.length === 0) throw new AppError('BAD_REQUEST', 'The file is empty', { details: [{ path: '$.file', message: 'No bytes were sent' }] });
    // Loaded by the first upload (sniffable-types.ts says why).
    const { fileTypeFromBuffer } = await import('file-type');
    const type = await fileTypeFromBuffer(sample);
    if (!type) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The file's content is not a recognised type; this slot takes ${describe(options.types)}`, { details: [{ path: '$.file', message: 'Unrecognised content' }] });
    if (!options.types.includes(type.mime)) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The file is ${type.mime}; this slot takes ${describe(options.types)}`, { details: [{ path: '$.file', message: `Content is ${type.mime}` }] });
    }
    const ext = extensionOf(options.fileName);
    if (ext !== undefined && !(SAME_TYPE[type.ext] ?? [type.ext]).includes(ext)) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The file is named .${ext} but its content is ${type.mime}`, { details: [{ path: '$.file', message: 'The name does not match the content' }] });
    }
    options.onSniffed({ mime: type.mime, ext: type.ext });
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (decided) return done(null, chunk);
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < SAMPLE_BYTES) return done();
      decide().then(() => {
        for (const c of head.splice(0)) this.push(c);
        done();
      }, done);
    },
    flush(done) {
      if (decided) return done();
      decide().then(() => {
        for (const c of head.splice(0)) this.push(c);
        done();
      }, done);
    },
  });
}
