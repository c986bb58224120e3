// Recognises a file's real format from its first bytes. The extension only
// decides which files of a folder are *candidates*; what the bytes say decides
// how a file is read, so a PNG saved as .jpg still works and a text file named
// .png fails with a clear reason instead of a decoder's cryptic one.
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { InputFormat } from '../types.ts';

/** Extensions taken from folders and globs (DESIGN.md, "Inputs"). */
export const INPUT_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.pdf']);

export function hasInputExtension(file: string): boolean {
  return INPUT_EXTENSIONS.has(path.extname(file).toLowerCase());
}

/** Bytes detectFormat looks at. */
export const HEAD_BYTES = 16;

export function detectFormat(head: Uint8Array): InputFormat | null {
  const starts = (...bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  // Classic TIFF (42) and BigTIFF (43), little- and big-endian.
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  if (starts(0x49, 0x49, 0x2b, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2b)) return 'tiff';
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'pdf'; // "%PDF-"
  if (starts(0x52, 0x49, 0x46, 0x46) && head[8] === 0x57 && head[9] === 0x45 && head[10] === 0x42 && head[11] === 0x50) return 'webp';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif'; // "GIF8"
  return null;
}

/** Reads the first bytes of a file (fewer when the file is shorter). */
export async function readHead(file: string, length = HEAD_BYTES): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * What a non-image file looks like, for error messages, without quoting a byte of it: a
 * message goes to logs and report.json, and the file may be anyone's (a link to
 * /etc/shadow once put "root:x:0:0:r..." in a report).
 */
export function describeHead(head: Uint8Array): string {
  const printable = Array.from(head).every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f) || b >= 0x80);
  return printable ? 'it looks like text' : 'its first bytes match no supported format';
}
