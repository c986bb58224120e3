// The review store a document job saves its records to: the one the batch was enqueued with
// (DocumentJobData.store: the SQLite file, or the PostgreSQL URL without its password). A worker
// configured with a PostgreSQL store of its own (--db, CABLESCAN_DB, DATABASE_URL: the URL with
// its password) uses that one for PostgreSQL jobs; without it, the job's URL is used as it is and
// node-postgres finds the password in PGPASSWORD or ~/.pgpass. Stores stay open for the worker's
// life, one per location.
import { CablescanError, ErrorCode } from '../src/errors.ts';
import { isPostgresUrl, ReviewStore } from '../src/pipeline/index.ts';

export class JobStores {
  private readonly open = new Map<string, Promise<ReviewStore>>();

  /** `configured`: the worker's own config.db. */
  constructor(private readonly configured: string | undefined) {}

  /** The store for a job's `store` location. */
  async for(location: string): Promise<ReviewStore> {
    const target = isPostgresUrl(location) && this.configured && isPostgresUrl(this.configured) ? this.configured : location;
    let store = this.open.get(target);
    if (!store) {
      store = ReviewStore.open(target, { connections: 4 });
      this.open.set(target, store);
      // A store that could not be opened (PostgreSQL not up yet) is tried again by the next job.
      store.catch(() => this.open.delete(target));
    }
    try {
      return await store;
    } catch (err) {
      if (err instanceof CablescanError && err.code === ErrorCode.STORE_UNAVAILABLE) throw err;
      throw new CablescanError(ErrorCode.STORE, `the review store of this batch cannot be opened: ${(err as Error).message}`, { cause: err, retryable: true });
    }
  }

  async close(): Promise<void> {
    const stores = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(stores.map(async (s) => (await s).close()));
  }
}
