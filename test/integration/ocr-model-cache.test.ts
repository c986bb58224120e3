// The model cache (src/ocr/model-cache.ts) and model choice (src/ocr/models.ts): npm's gzipped
// best_int models unpacked once, checked by hash, unpacked again when the file is partial, corrupt,
// unaccompanied by its manifest or from another source; a cache that cannot be written is a clear
// error; each language's model comes from where --model and --tessdata say, the same for any engine.
import assert from 'node:assert/strict';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { CablescanError } from '../../src/errors.ts';
import { cachedManifest, unpackedModel } from '../../src/ocr/model-cache.ts';
import { chooseModel, npmModel, resolveModelSet } from '../../src/ocr/models.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cablescan-model-cache-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const ENG_GZ = npmModel('eng')!;
const ENG_SHA = createHash('sha256')
  .update(gunzipSync(readFileSync(ENG_GZ)))
  .digest('hex');
const FOLDER = 'npm-4.0.0_best_int';

test("npm model unpacked once: the file is the gzip's content, its manifest names source and hash; the next call only checks it", async () => {
  const root = path.join(scratch, 'once');
  const first = await unpackedModel(ENG_GZ, 'eng', root, FOLDER);
  assert.equal(first.state, 'unpacked');
  assert.equal(first.file, path.join(root, 'models', FOLDER, 'eng.traineddata'));
  assert.equal(first.sha256, ENG_SHA);
  assert.equal(createHash('sha256').update(readFileSync(first.file)).digest('hex'), ENG_SHA);
  const manifest = await cachedManifest(root, FOLDER, 'eng');
  assert.equal(manifest?.sha256, ENG_SHA);
  assert.equal(manifest?.source.file, ENG_GZ);
  assert.equal(manifest?.bytes, statSync(first.file).size);
  const mtime = statSync(first.file).mtimeMs;
  const second = await unpackedModel(ENG_GZ, 'eng', root, FOLDER);
  assert.equal(second.state, 'verified');
  assert.equal(statSync(second.file).mtimeMs, mtime, 'not written again');
  assert.deepEqual(readdirSync(path.dirname(first.file)).sort(), ['eng.traineddata', 'eng.traineddata.json'], 'no temporary file left behind');
});

test('a partial file, a corrupt byte, a lost manifest, a garbled manifest or a changed source: detected and unpacked again', async () => {
  const root = path.join(scratch, 'damage');
  const { file } = await unpackedModel(ENG_GZ, 'eng', root, FOLDER);
  const manifestFile = `${file}.json`;
  const again = async () => {
    const r = await unpackedModel(ENG_GZ, 'eng', root, FOLDER);
    assert.equal(createHash('sha256').update(readFileSync(r.file)).digest('hex'), ENG_SHA, 'whole again');
    return r;
  };

  truncateSync(file, 1_000_000); // an interrupted copy
  const partial = await again();
  assert.equal(partial.state, 'rebuilt');
  assert.match(partial.reason!, /1000000 bytes, not \d+ \(partial\)/);

  const bytes = readFileSync(file);
  bytes[bytes.length >> 1] ^= 0xff; // one flipped byte, same length
  writeFileSync(file, bytes);
  const corrupt = await again();
  assert.equal(corrupt.state, 'rebuilt');
  assert.match(corrupt.reason!, /SHA-256 .* \(corrupt\)/);

  rmSync(manifestFile);
  assert.equal((await again()).state, 'rebuilt', 'a file without its manifest is not trusted');
  writeFileSync(manifestFile, '{"version": 1, "sha2');
  assert.equal((await again()).state, 'rebuilt', 'a garbled manifest is not trusted');

  rmSync(file);
  assert.match((await again()).reason!, /missing/);

  // The package was updated (another file behind the same path): its model replaces the old one.
  const source = path.join(scratch, 'eng.traineddata.gz');
  copyFileSync(ENG_GZ, source);
  await unpackedModel(source, 'eng', root, 'moved');
  utimesSync(source, new Date(2020, 0, 1), new Date(2020, 0, 1));
  const changed = await unpackedModel(source, 'eng', root, 'moved');
  assert.equal(changed.state, 'rebuilt');
  assert.match(changed.reason!, /source changed/);
});

test('temporary files an interrupted unpack left are removed when they are old; fresh ones (another process unpacking) are not', async () => {
  const root = path.join(scratch, 'leftovers');
  const dir = path.join(root, 'models', FOLDER);
  mkdirSync(dir, { recursive: true });
  const old = path.join(dir, 'eng.traineddata.123-abcd.partial');
  const fresh = path.join(dir, 'eng.traineddata.456-ef01.partial');
  writeFileSync(old, 'half');
  writeFileSync(fresh, 'half');
  utimesSync(old, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
  await unpackedModel(ENG_GZ, 'eng', root, FOLDER);
  assert.ok(!existsSync(old));
  assert.ok(existsSync(fresh));
});

test('processes unpacking at once each end with a whole, verified file', async () => {
  const root = path.join(scratch, 'race');
  const results = await Promise.all([1, 2, 3].map(() => unpackedModel(ENG_GZ, 'eng', root, FOLDER)));
  for (const r of results) assert.equal(r.sha256, ENG_SHA);
  assert.equal(createHash('sha256').update(readFileSync(results[0]!.file)).digest('hex'), ENG_SHA);
  assert.equal((await unpackedModel(ENG_GZ, 'eng', root, FOLDER)).state, 'verified');
});

test('a cache that cannot be written is CS_ERR_MODEL_CACHE naming the folder and the setting; a bad source is CS_ERR_TESSDATA_MISSING', async () => {
  const blocker = path.join(scratch, 'not-a-folder');
  writeFileSync(blocker, 'a file where the cache folder would go');
  await assert.rejects(
    unpackedModel(ENG_GZ, 'eng', blocker, FOLDER),
    (err: CablescanError) => err.code === 'CS_ERR_MODEL_CACHE' && err.message.includes(blocker) && /--model-cache/.test(err.message) && !err.retryable,
  );
  if (process.getuid?.() !== 0) {
    const readOnly = path.join(scratch, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    await assert.rejects(unpackedModel(ENG_GZ, 'eng', readOnly, FOLDER), (err: CablescanError) => err.code === 'CS_ERR_MODEL_CACHE');
  }
  const notGzip = path.join(scratch, 'xyz.traineddata.gz');
  writeFileSync(notGzip, 'not gzip at all');
  await assert.rejects(
    unpackedModel(notGzip, 'xyz', path.join(scratch, 'bad-source'), 'x'),
    (err: CablescanError) => err.code === 'CS_ERR_TESSDATA_MISSING' && /cannot be unpacked/.test(err.message),
  );
  await assert.rejects(
    unpackedModel(path.join(scratch, 'absent.gz'), 'xyz', path.join(scratch, 'bad-source'), 'x'),
    (err: CablescanError) => err.code === 'CS_ERR_TESSDATA_MISSING',
  );
});

test('model choice: best = npm best_int; fast = the system folder where it has the language, npm otherwise; --prefer-tessdata = the folder first', () => {
  const system = path.join(scratch, 'system');
  const tessdata = path.join(scratch, 'tessdata');
  mkdirSync(system, { recursive: true });
  mkdirSync(tessdata, { recursive: true });
  for (const f of ['eng.traineddata', 'dan.traineddata']) writeFileSync(path.join(system, f), 'x');
  writeFileSync(path.join(tessdata, 'eng.traineddata.gz'), 'x');
  const pick = (lang: string, settings: Parameters<typeof chooseModel>[1]) => {
    const c = chooseModel(lang, settings);
    return 'missing' in c ? `missing: ${c.missing.join(' | ')}` : `${c.kind} ${c.file}`;
  };
  assert.equal(pick('eng', { model: 'best', systemTessdata: system }), `best ${ENG_GZ}`);
  assert.equal(pick('eng', { model: 'fast', systemTessdata: system }), `fast ${path.join(system, 'eng.traineddata')}`);
  assert.equal(pick('fra', { model: 'fast', systemTessdata: system }), `best ${npmModel('fra')}`, 'fast where the system has it, best_int for the rest');
  assert.equal(pick('dan', { model: 'best', systemTessdata: system }), `fast ${path.join(system, 'dan.traineddata')}`, "npm has no dan: the system's");
  assert.equal(pick('eng', { model: 'best', tessdata, systemTessdata: system }), `best ${ENG_GZ}`, "a --tessdata folder does not replace npm's eng by itself");
  assert.equal(pick('eng', { model: 'best', tessdata, preferTessdata: true, systemTessdata: system }), `custom ${path.join(tessdata, 'eng.traineddata.gz')}`);
  assert.match(
    pick('xyz', { model: 'best', tessdata, systemTessdata: system }),
    /^missing: npm package @tesseract.js-data\/xyz \(not installed\) \| xyz.traineddata\[.gz\] in .*tessdata \| xyz.traineddata in .*system$/,
  );
});

test('a language set from several folders gets one folder of links; from one folder, that folder', async () => {
  const root = path.join(scratch, 'sets');
  const system = path.join(scratch, 'system-real');
  mkdirSync(system, { recursive: true });
  // A real model standing in for the system's dan: a second language in another folder.
  writeFileSync(path.join(system, 'dan.traineddata'), gunzipSync(readFileSync(npmModel('fra')!)));
  const one = await resolveModelSet('eng+fra', { model: 'best', cacheRoot: root });
  assert.equal(one.dir, path.join(root, 'models', FOLDER));
  assert.deepEqual(
    one.files.map((f) => [f.lang, f.kind, f.source]),
    [
      ['eng', 'best', 'npm 4.0.0_best_int'],
      ['fra', 'best', 'npm 4.0.0_best_int'],
    ],
  );
  const mixed = await resolveModelSet('eng+dan', { model: 'best', cacheRoot: root, systemTessdata: system });
  assert.equal(path.dirname(mixed.dir), path.join(root, 'sets'));
  assert.deepEqual(readdirSync(mixed.dir).sort(), ['dan.traineddata', 'eng.traineddata']);
  assert.equal(
    createHash('sha256')
      .update(readFileSync(path.join(mixed.dir, 'eng.traineddata')))
      .digest('hex'),
    ENG_SHA,
  );
  assert.equal(mixed.kind, 'best', "the first language decides the page's calibration");
  assert.equal((await resolveModelSet('eng+dan', { model: 'best', cacheRoot: root, systemTessdata: system })).dir, mixed.dir, 'the same set, the same folder');
  await assert.rejects(
    resolveModelSet('eng+xyz', { model: 'best', cacheRoot: root }),
    (err: CablescanError) => err.code === 'CS_ERR_TESSDATA_MISSING' && /"xyz"/.test(err.message),
  );
});
