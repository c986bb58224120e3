// An append-only file of JSON entries, each put at a position (a page's or a sequence's place
// in the plan, or simply its turn), read back later in position order. The report builder keeps
// its long lists here instead of in memory: what stays in memory is 12 bytes per entry (where
// it starts in the file, and its length).
import { open, type FileHandle } from 'node:fs/promises';

export class Spool {
  private starts = new Float64Array(64).fill(-1);
  private lengths = new Uint32Array(64);
  private end = 0;
  private count = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly file: string,
  ) {}

  static async create(file: string): Promise<Spool> {
    return new Spool(await open(file, 'w+'), file);
  }

  /** Entries written so far. */
  get size(): number {
    return this.count;
  }

  has(position: number): boolean {
    return position < this.starts.length && this.starts[position]! >= 0;
  }

  /** Writes `value` at `position` (one entry a position: a second one is refused). */
  async put(position: number, value: unknown): Promise<void> {
    if (!Number.isInteger(position) || position < 0) throw new RangeError(`spool position ${position}`);
    if (this.has(position)) throw new RangeError(`spool position ${position} is taken`);
    this.grow(position + 1);
    const bytes = Buffer.from(`${JSON.stringify(value)}\n`);
    // The place in the file is taken before the write, so concurrent puts never overlap.
    const at = this.end;
    this.end += bytes.length;
    this.starts[position] = at;
    this.lengths[position] = bytes.length;
    this.count += 1;
    await this.handle.write(bytes, 0, bytes.length, at);
  }

  /** The entries in position order. */
  async *entries<T>(): AsyncGenerator<T> {
    let buffer = Buffer.alloc(4096);
    for (let position = 0; position < this.starts.length; position++) {
      const at = this.starts[position]!;
      if (at < 0) continue;
      const length = this.lengths[position]!;
      if (buffer.length < length) buffer = Buffer.alloc(length * 2);
      const { bytesRead } = await this.handle.read(buffer, 0, length, at);
      if (bytesRead !== length) throw new Error(`${this.file}: entry ${position} was cut short (${bytesRead} of ${length} bytes)`);
      yield JSON.parse(buffer.toString('utf8', 0, length)) as T;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private grow(size: number): void {
    if (size <= this.starts.length) return;
    let capacity = this.starts.length;
    while (capacity < size) capacity *= 2;
    const starts = new Float64Array(capacity).fill(-1);
    starts.set(this.starts);
    const lengths = new Uint32Array(capacity);
    lengths.set(this.lengths);
    this.starts = starts;
    this.lengths = lengths;
  }
}
