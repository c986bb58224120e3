// A file written as a stream under a temporary name and renamed into place when
// complete: an export interrupted halfway never looks like a finished one.
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { CablescanError, ErrorCode } from '../../errors.ts';

export interface StreamedFile {
  write(chunk: string): Promise<void>;
  /** Flushes, closes and renames into place. */
  commit(): Promise<void>;
  /** Removes the temporary file (after an error). */
  abort(): Promise<void>;
}

export async function openStreamedFile(file: string): Promise<StreamedFile> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fail = (err: unknown): CablescanError =>
    new CablescanError(ErrorCode.OUTPUT_WRITE, `cannot write ${file}: ${(err as Error).message}`, { file, cause: err, retryable: false });
  let stream: WriteStream;
  try {
    await mkdir(dir, { recursive: true });
    stream = createWriteStream(tmp, { flags: 'wx' });
    await once(stream, 'open');
  } catch (err) {
    throw fail(err);
  }
  let error: unknown = null;
  stream.on('error', (err) => (error = err));
  return {
    async write(chunk) {
      if (error) throw fail(error);
      if (!stream.write(chunk)) await once(stream, 'drain');
    },
    async commit() {
      try {
        stream.end();
        await once(stream, 'finish');
        if (error) throw error;
        await rename(tmp, file);
      } catch (err) {
        await rm(tmp, { force: true }).catch(() => undefined);
        throw fail(err);
      }
    },
    async abort() {
      stream.destroy();
      await rm(tmp, { force: true }).catch(() => undefined);
    },
  };
}

/** Writes chunks to `file` atomically; the chunks may come from a generator, sync or async. */
export async function writeStreamed(file: string, chunks: Iterable<string> | AsyncIterable<string>): Promise<void> {
  const out = await openStreamedFile(file);
  try {
    for await (const chunk of chunks) await out.write(chunk);
  } catch (err) {
    await out.abort();
    throw err;
  }
  await out.commit();
}
