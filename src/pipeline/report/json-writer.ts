// Writes a top-level JSON object member by member, a long array element by element, to a file,
// laid out exactly as JSON.stringify(value, null, 2) lays it out: a report written in pieces
// reads (and diffs) like one written whole. Written under a temporary name and renamed into
// place at the end, as every output file is (records/atomic-write.ts).
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CablescanError, ErrorCode } from '../../errors.ts';

const FLUSH_AT = 64 * 1024;

/** `value` as JSON.stringify(value, null, 2) writes it `depth` levels down (its first line unindented). */
function nested(value: unknown, depth: number): string {
  const text = JSON.stringify(value, null, 2);
  return depth === 0 ? text : text.replaceAll('\n', `\n${'  '.repeat(depth)}`);
}

export class JsonObjectWriter {
  private buffered = '';
  private members = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly tmp: string,
    readonly file: string,
  ) {}

  static async create(file: string): Promise<JsonObjectWriter> {
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await mkdir(path.dirname(file), { recursive: true });
      const writer = new JsonObjectWriter(await open(tmp, 'w'), tmp, file);
      writer.buffered = '{';
      return writer;
    } catch (err) {
      throw new CablescanError(ErrorCode.OUTPUT_WRITE, `cannot write ${file}: ${(err as Error).message}`, { file, cause: err });
    }
  }

  /** A member whose value is written whole (undefined is left out, as JSON.stringify leaves it out). */
  async member(key: string, value: unknown): Promise<void> {
    if (value === undefined) return;
    await this.write(`${this.separator()}  ${JSON.stringify(key)}: ${nested(value, 1)}`);
  }

  /** A member whose value is an array, written one element at a time. */
  async array(key: string, elements: Iterable<unknown> | AsyncIterable<unknown>): Promise<void> {
    await this.write(`${this.separator()}  ${JSON.stringify(key)}: [`);
    let n = 0;
    for await (const element of elements) {
      await this.write(`${n++ === 0 ? '' : ','}\n    ${nested(element === undefined ? null : element, 2)}`);
    }
    await this.write(n === 0 ? ']' : '\n  ]');
  }

  /**
   * A member whose value is an object of `fields` followed by one array, written one element at
   * a time (report.json's `grouping` and its `uncertainPages`).
   */
  async objectEndingInArray(
    key: string,
    fields: Record<string, unknown>,
    arrayKey: string,
    elements: Iterable<unknown> | AsyncIterable<unknown>,
  ): Promise<void> {
    let text = `${this.separator()}  ${JSON.stringify(key)}: {`;
    for (const [name, value] of Object.entries(fields)) {
      if (value !== undefined) text += `\n    ${JSON.stringify(name)}: ${nested(value, 2)},`;
    }
    await this.write(`${text}\n    ${JSON.stringify(arrayKey)}: [`);
    let n = 0;
    for await (const element of elements) {
      await this.write(`${n++ === 0 ? '' : ','}\n      ${nested(element === undefined ? null : element, 3)}`);
    }
    await this.write(n === 0 ? ']\n  }' : '\n    ]\n  }');
  }

  /** Finishes the object and puts the file in place. */
  async close(): Promise<void> {
    try {
      await this.write(this.members === 0 ? '}\n' : '\n}\n', true);
      await this.handle.close();
      await rename(this.tmp, this.file);
    } catch (err) {
      await this.abandon();
      throw new CablescanError(ErrorCode.OUTPUT_WRITE, `cannot write ${this.file}: ${(err as Error).message}`, { file: this.file, cause: err });
    }
  }

  /** Leaves no temporary file behind (after an error). */
  async abandon(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.tmp, { force: true }).catch(() => undefined);
  }

  private separator(): string {
    return this.members++ === 0 ? '\n' : ',\n';
  }

  private async write(text: string, flush = false): Promise<void> {
    this.buffered += text;
    if (!flush && this.buffered.length < FLUSH_AT) return;
    const chunk = this.buffered;
    this.buffered = '';
    await this.handle.write(chunk);
  }
}
