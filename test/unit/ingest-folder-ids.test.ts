// A folder's page ids are its files' names (issue 18 holds a folder of 100,000 scans as one
// string of names and gives ids without remembering them when none can meet): two files that
// give one id, or a name like a suffixed id, still get distinct ids, as before.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { discoverInputs } from '../../src/ingest/index.ts';
import { makeTempDir, writeJpeg, writePng } from '../fixtures/scans.ts';

const temp = await makeTempDir();
after(() => temp.cleanup());
const discover = async (input: string) =>
  (await discoverInputs([input], { cwd: temp.dir, maxPixels: 1e8 })).pages.map((p) => `${p.pageId}=${path.basename(p.file)}`);

test('a folder of distinct names: each page is its name, in natural order', async () => {
  for (const name of ['p10.png', 'p2.png', 'p1.png']) await writePng(path.join(temp.dir, 'plain', name));
  assert.deepEqual(await discover('plain'), ['p1=p1.png', 'p2=p2.png', 'p10=p10.png']);
});

test('names that give one id, or look like a suffixed id, still give distinct ids', async () => {
  await writePng(path.join(temp.dir, 'mixed', 'a.png'));
  await writeJpeg(path.join(temp.dir, 'mixed', 'a.jpg'));
  await writePng(path.join(temp.dir, 'mixed', 'b~2.png'));
  await writePng(path.join(temp.dir, 'mixed', 'b.png'));
  await writePng(path.join(temp.dir, 'mixed', 'b.jpeg'));
  const ids = await discover('mixed');
  assert.equal(new Set(ids.map((i) => i.split('=')[0])).size, ids.length, ids.join(', '));
  assert.deepEqual(ids, ['a=a.jpg', 'a~2=a.png', 'b=b.jpeg', 'b~2=b.png', 'b~2~2=b~2.png']);
});
