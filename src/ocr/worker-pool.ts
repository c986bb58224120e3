// A small keyed pool: at most `capacity` tasks at once and `maxAlive` workers in all (default:
// `capacity`), each worker bound to a key (for OCR, the language set and reading mode), created
// lazily, reused, and retired after `recycleAfter` uses or after a failure. Requests wait in FIFO
// order when `capacity` tasks run. A free worker of another key is retired to make room, so a
// batch mixing eng and dan pages never holds more than `maxAlive` workers (each tesseract.js
// worker is 100-200 MB, so there `maxAlive` is `capacity`; a native tesseract process is ~50 MB,
// and the native engine keeps one per reading mode of a page alive: page, lines, words).
//
// Generic over the worker type so the scheduling can be tested without Tesseract.

export interface PoolFactory<K, W> {
  create(key: K): Promise<W>;
  destroy(worker: W): Promise<void>;
  /** False for a worker that died while idle: it is retired instead of handed out. */
  healthy?(worker: W): boolean;
}

export type PoolStats = {
  /** Workers created since the pool started (recycling creates new ones). */
  created: number;
  /** Workers retired because they reached `recycleAfter` uses. */
  recycled: number;
  /** Workers retired after a failed task (a worker in an unknown state is not reused). */
  discarded: number;
  /** Workers retired to make room for another key. */
  evicted: number;
  /** Workers alive now (idle + busy + being created). */
  alive: number;
  busy: number;
  /** Requests waiting for a worker. */
  queued: number;
  /** Tasks that finished (successfully or not). */
  tasks: number;
};

interface Slot<K, W> {
  id: number;
  key: string;
  rawKey: K;
  worker: W | null;
  /** Set while the worker is being created. */
  ready: Promise<W>;
  busy: boolean;
  uses: number;
}

interface Waiter<K, W> {
  key: string;
  rawKey: K;
  grant: (slot: Slot<K, W>) => void;
  fail: (err: unknown) => void;
}

export class PoolClosedError extends Error {
  constructor() {
    super('worker pool is closed');
    this.name = 'PoolClosedError';
  }
}

export class KeyedWorkerPool<K, W> {
  private readonly slots = new Set<Slot<K, W>>();
  private readonly waiters: Waiter<K, W>[] = [];
  private readonly retiring = new Set<Promise<void>>();
  private nextId = 1;
  private closed = false;
  private counters = { created: 0, recycled: 0, discarded: 0, evicted: 0, tasks: 0 };

  constructor(
    private readonly factory: PoolFactory<K, W>,
    private readonly options: { capacity: number; recycleAfter: number; keyOf: (key: K) => string; maxAlive?: number },
  ) {
    if (!(options.capacity >= 1)) throw new RangeError(`pool capacity must be >= 1, got ${options.capacity}`);
    if (options.maxAlive !== undefined && !(options.maxAlive >= options.capacity))
      throw new RangeError(`maxAlive must be >= capacity, got ${options.maxAlive}`);
    if (!(options.recycleAfter >= 1)) throw new RangeError(`recycleAfter must be >= 1, got ${options.recycleAfter}`);
  }

  /** Runs `task` on a worker for `key`; the worker returns to the pool afterwards. */
  async run<T>(key: K, task: (worker: W, info: { workerId: number; uses: number }) => Promise<T>): Promise<T> {
    const slot = await this.acquire(key);
    let failed = false;
    try {
      const worker = slot.worker ?? (await slot.ready);
      return await task(worker, { workerId: slot.id, uses: slot.uses });
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      this.release(slot, failed);
    }
  }

  stats(): PoolStats {
    let busy = 0;
    for (const s of this.slots) if (s.busy) busy += 1;
    return { ...this.counters, alive: this.slots.size, busy, queued: this.waiters.length };
  }

  /** Rejects waiting requests, retires every worker and waits until they are gone. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.fail(new PoolClosedError());
    for (const slot of [...this.slots]) this.retire(slot);
    await Promise.allSettled([...this.retiring]);
  }

  private acquire(rawKey: K): Promise<Slot<K, W>> {
    if (this.closed) return Promise.reject(new PoolClosedError());
    return new Promise((grant, fail) => {
      this.waiters.push({ key: this.options.keyOf(rawKey), rawKey, grant, fail });
      this.pump();
    });
  }

  private release(slot: Slot<K, W>, failed: boolean): void {
    slot.busy = false;
    slot.uses += 1;
    this.counters.tasks += 1;
    if (failed) {
      this.counters.discarded += 1;
      this.retire(slot);
    } else if (slot.uses >= this.options.recycleAfter) {
      this.counters.recycled += 1;
      this.retire(slot);
    }
    this.pump();
  }

  /** Hands free workers to waiters in arrival order, creating or evicting workers as allowed. */
  private pump(): void {
    let busy = 0;
    for (const s of this.slots) if (s.busy) busy += 1;
    for (let i = 0; i < this.waiters.length && busy < this.options.capacity; ) {
      const waiter = this.waiters[i]!;
      const slot = this.findIdle(waiter.key) ?? this.makeRoomAndCreate(waiter);
      if (!slot) {
        i += 1;
        continue;
      }
      this.waiters.splice(i, 1);
      slot.busy = true;
      busy += 1;
      waiter.grant(slot);
    }
  }

  private findIdle(key: string): Slot<K, W> | undefined {
    for (const s of [...this.slots]) {
      if (s.busy || s.key !== key) continue;
      if (s.worker && this.factory.healthy && !this.factory.healthy(s.worker)) {
        this.counters.discarded += 1;
        this.retire(s);
        continue;
      }
      return s;
    }
    return undefined;
  }

  private makeRoomAndCreate(waiter: Waiter<K, W>): Slot<K, W> | undefined {
    if (this.slots.size >= (this.options.maxAlive ?? this.options.capacity)) {
      let victim: Slot<K, W> | undefined;
      for (const s of this.slots) if (!s.busy && s.key !== waiter.key) victim = victim ?? s;
      if (!victim) return undefined;
      this.counters.evicted += 1;
      this.retire(victim);
    }
    return this.createSlot(waiter.key, waiter.rawKey);
  }

  private createSlot(key: string, rawKey: K): Slot<K, W> {
    const slot: Slot<K, W> = { id: this.nextId++, key, rawKey, worker: null, ready: null as unknown as Promise<W>, busy: false, uses: 0 };
    this.counters.created += 1;
    slot.ready = this.factory.create(rawKey).then(
      (worker) => {
        slot.worker = worker;
        return worker;
      },
      (err: unknown) => {
        // A worker that could not start holds nothing: free its place (release() then pumps).
        this.slots.delete(slot);
        throw err;
      },
    );
    // The task awaiting `ready` sees the error; this only keeps Node from calling it unhandled.
    slot.ready.catch(() => undefined);
    this.slots.add(slot);
    return slot;
  }

  private retire(slot: Slot<K, W>): void {
    if (!this.slots.delete(slot)) return;
    const done = slot.ready
      .then((worker) => this.factory.destroy(worker))
      .catch(() => undefined)
      .finally(() => this.retiring.delete(done));
    this.retiring.add(done);
  }
}
