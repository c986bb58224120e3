// Content hashes identify pages across runs: job ids, record ids and "already
// done" checks all rest on them, so they depend on the bytes only, never on the
// file's name or location.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** sha256 (hex) of a file, streamed: scans can be hundreds of megabytes. */
export function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** sha256 (hex) of bytes already read (the probe reads a small file whole): the same as hashFile's. */
export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The hash of one page: the file hash itself for a single-page file; for page
 * `pageNumber` (from 1) of a multi-page file, sha256("<fileHash>:<pageNumber>").
 */
export function pageContentHash(fileHash: string, pageNumber: number, pageCount: number): string {
  return pageCount > 1 ? createHash('sha256').update(`${fileHash}:${pageNumber}`).digest('hex') : fileHash;
}
