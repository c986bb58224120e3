// One review server for `npm run bench:server`, in its own process so the load
// generator does not share its event loop: the tree given by --root (this
// checkout, or an extracted baseline) builds the store and the server from its
// own sources. Prints one JSON line (url, ids) on stdout, then serves until killed.
// --db: the store's location (a postgres:// URL, ?schema=...) instead of DIR/cablescan.db.
// Every store call is awaited: a tree from before the store was asynchronous answers at once.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const { values: args } = parseArgs({
  options: {
    root: { type: 'string' },
    dir: { type: 'string' },
    scan: { type: 'string' },
    records: { type: 'string', default: '1500' },
    db: { type: 'string' },
  },
});
const root = path.resolve(args.root!);
const load = <T>(rel: string): Promise<T> => import(pathToFileURL(path.join(root, rel)).href) as Promise<T>;

const { loadConfig } = await load<typeof import('../src/config.ts')>('src/config.ts');
const { silentLogger } = await load<typeof import('../src/logger.ts')>('src/logger.ts');
const { buildServer } = await load<typeof import('../src/server/app.ts')>('src/server/app.ts');
const { ReviewStore } = await load<typeof import('../src/store/index.ts')>('src/store/index.ts');
const { hashFile, pageContentHash } = await load<typeof import('../src/ingest/hash.ts')>('src/ingest/hash.ts');
// The tree's own page and record builders (test/fixtures/ since issue 21, test/unit/store-fixtures.ts before).
type Fixtures = typeof import('../test/fixtures/stores.ts') & typeof import('../test/fixtures/records.ts');
const fixtures: Pick<Fixtures, 'page' | 'record'> = await Promise.all([load<Fixtures>('test/fixtures/stores.ts'), load<Fixtures>('test/fixtures/records.ts')])
  .then(([stores, records]) => ({ page: stores.page, record: records.record }))
  .catch(() => load<Fixtures>('test/unit/store-fixtures.ts'));

const dir = path.resolve(args.dir!);
mkdirSync(dir, { recursive: true });
const scan = path.resolve(args.scan!);
const meta = await sharp(scan).metadata();
const pageResult = {
  ...fixtures.page('p1', pageContentHash(await hashFile(scan), 1, 1), scan, { width: meta.width!, height: meta.height! }),
};
const store = await ReviewStore.open(args.db ?? path.join(dir, 'cablescan.db'));
const count = Number(args.records);
const ids = Array.from({ length: count }, (_, i) => (0xa000000000000000n + BigInt(i)).toString(16));
await store.saveRecords(
  ids.map((id) => fixtures.record(id, 'p1')),
  [pageResult],
  { batch: 'bench', cwd: path.dirname(scan) },
);
const fields: number[] = [];
for (const id of ids) fields.push(...(await store.getRecord(id))!.fields.filter((f) => f.status === 'needs_review').map((f) => f.id));

const config = loadConfig({ env: {}, flags: { logLevel: 'silent', tokens: { reviewers: ['bench:bench-token-0001'] } } });
const app = await buildServer({ config, logger: silentLogger(), store });
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url, records: ids, fields })}\n`);
process.on('SIGTERM', async () => {
  await app.close();
  await store.close();
  process.exit(0);
});
