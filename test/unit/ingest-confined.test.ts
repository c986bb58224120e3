// Inputs stay where the user put them (issue 24): links and manifest entries that
// lead outside the input folders are refused unless allowed, special files are
// skipped with what they are, no message quotes a byte of any file, and a folder
// that cannot be read is one failure with its own code.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { discoverInputs } from '../../src/ingest/index.ts';
import { loadManifest } from '../../src/ingest/manifest.ts';
import { loadConfig } from '../../src/config.ts';
import type { IngestResult } from '../../src/types.ts';
import { makeTempDir, writePng } from '../fixtures/scans.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
// Stands in for /etc/shadow: a secret outside the scan folders, which no message may quote.
const SECRET = 'root:x:0:0:SECRET-LINE-1234:/root:/bin/bash\n';
let secret = '';

before(async () => {
  ({ dir, cleanup } = await makeTempDir('cablescan-confined-'));
  secret = path.join(dir, 'elsewhere', 'shadow');
  await mkdir(path.dirname(secret), { recursive: true });
  await writeFile(secret, SECRET);
});
after(() => cleanup());

const discover = (inputs: string[], extra: { manifest?: string; allowOutsideInputs?: boolean } = {}) =>
  discoverInputs(inputs, { cwd: dir, maxPixels: 200_000_000, ...extra });

function assertNoContent(result: IngestResult): void {
  const text = JSON.stringify(result);
  assert.ok(!/root:x|SECRET-LINE|\/bin\/bash/.test(text), `a message quotes file content: ${text}`);
}

const byFile = (result: IngestResult) => Object.fromEntries(result.failures.map((f) => [f.file, f]));

test('a link in a scan folder leading outside it is refused; links inside the input folders are followed', async () => {
  const scans = path.join(dir, 'scans');
  const other = path.join(dir, 'other');
  await mkdir(scans, { recursive: true });
  await mkdir(other, { recursive: true });
  await writePng(path.join(scans, '01.png'));
  await writePng(path.join(other, 'o.png'));
  await symlink(secret, path.join(scans, '02.png'));
  await symlink('/etc/passwd', path.join(scans, '03.png'));
  await symlink(path.join(scans, '01.png'), path.join(scans, '04.png')); // same folder
  await symlink(path.join(other, 'o.png'), path.join(scans, '05.png')); // another input folder

  const found = await discover(['scans', 'other']);
  assertNoContent(found);
  const failures = byFile(found);
  for (const name of ['scans/02.png', 'scans/03.png']) {
    assert.equal(failures[name]?.code, 'CS_ERR_INPUT_OUTSIDE', name);
    assert.equal(failures[name].message, `${name}: a symbolic link leading outside the input folders; refused (--allow-outside-inputs takes it)`);
  }
  assert.deepEqual(
    found.pages.map((p) => p.file),
    ['scans/01.png', 'scans/04.png', 'scans/05.png', 'other/o.png'],
  );

  // Without other/ among the inputs, the link into it leads outside.
  assert.equal(byFile(await discover(['scans']))['scans/05.png']?.code, 'CS_ERR_INPUT_OUTSIDE');

  // Allowed, the link is followed, and the text behind it is refused without a word of it.
  const allowed = await discover(['scans'], { allowOutsideInputs: true });
  assertNoContent(allowed);
  assert.equal(byFile(allowed)['scans/02.png']?.code, 'CS_ERR_INPUT_UNSUPPORTED');
  assert.match(byFile(allowed)['scans/02.png'].message, /^scans\/02\.png: not an image: it looks like text; supported are/);
});

test("a glob match that is a link outside the pattern's folder is not read", async () => {
  const globbed = path.join(dir, 'globbed');
  await mkdir(globbed, { recursive: true });
  await writePng(path.join(globbed, 'a.png'));
  await symlink(secret, path.join(globbed, 'b.png'));
  const found = await discover(['globbed/*.png']);
  assertNoContent(found);
  assert.deepEqual(
    found.pages.map((p) => p.file),
    ['globbed/a.png'],
  );
  // The glob does not follow links (tinyglobby, followSymbolicLinks: false); one it did would be refused.
  const failure = byFile(found)['globbed/b.png'];
  assert.ok(failure === undefined || failure.code === 'CS_ERR_INPUT_OUTSIDE', JSON.stringify(failure));
});

test("manifest entries outside the manifest's folder are refused unless allowed", async () => {
  const batch = path.join(dir, 'batch');
  await mkdir(batch, { recursive: true });
  await writePng(path.join(batch, 'in.png'));
  await writePng(path.join(dir, 'outside.png'));
  await symlink(secret, path.join(batch, 'linked.png'));
  const manifest = path.join(batch, 'manifest.json');
  await writeFile(manifest, JSON.stringify({ files: [{ path: 'in.png' }, { path: '../outside.png' }, { path: secret }, { path: 'linked.png' }] }));

  const found = await discover([], { manifest: 'batch/manifest.json' });
  assertNoContent(found);
  assert.deepEqual(
    found.pages.map((p) => p.file),
    ['batch/in.png'],
  );
  const failures = byFile(found);
  for (const name of ['batch/../outside.png', secret, 'batch/linked.png']) {
    const entry = failures[name] ?? failures[path.normalize(name)];
    assert.equal(entry?.code, 'CS_ERR_INPUT_OUTSIDE', `${name}: ${JSON.stringify(found.failures)}`);
    assert.match(entry.message, /a manifest entry leading outside the manifest's folder; refused \(--allow-outside-inputs takes it\)$/);
  }
  const allowed = await discover([], { manifest, allowOutsideInputs: true });
  assertNoContent(allowed);
  assert.deepEqual(
    allowed.pages.map((p) => path.basename(p.file)),
    ['in.png', 'outside.png'],
  );
});

test('special files are skipped for what they are, never opened; a link to /dev/zero is not "broken"', async () => {
  const special = path.join(dir, 'special');
  await mkdir(special, { recursive: true });
  await writePng(path.join(special, 'page.png'));
  execFileSync('mkfifo', [path.join(special, 'pipe.png')]);
  await symlink('/dev/zero', path.join(special, 'zero.png'));
  const found = await discover(['special']);
  const skipped = Object.fromEntries(found.skipped.map((s) => [s.file, s.reason]));
  assert.equal(skipped['special/pipe.png'], 'a FIFO (named pipe) (not read)');
  assert.equal(byFile(found)['special/zero.png']?.code, 'CS_ERR_INPUT_OUTSIDE');
  const allowed = await discover(['special'], { allowOutsideInputs: true });
  assert.equal(Object.fromEntries(allowed.skipped.map((s) => [s.file, s.reason]))['special/zero.png'], 'symbolic link to a character device (not read)');
  assert.deepEqual(
    allowed.pages.map((p) => p.file),
    ['special/page.png'],
  );
  // Named directly, a FIFO is refused by what it is (opening it would wait for a writer for ever).
  const named = await discover(['special/pipe.png']);
  assert.equal(named.failures[0]?.code, 'CS_ERR_INPUT_UNSUPPORTED');
  assert.equal(named.failures[0]?.message, 'special/pipe.png: a FIFO (named pipe), not an image file');
});

test('a manifest or config file that is not valid JSON is refused without quoting it', async () => {
  const manifest = path.join(dir, 'bad-manifest.json');
  await writeFile(manifest, `{ "files": [ ${SECRET} ] }`);
  await assert.rejects(
    loadManifest(manifest, dir),
    (err: Error) => /not valid JSON( \(at character \d+\))?$/.test(err.message) && !/root:x|SECRET/.test(err.message),
  );
  const csv = path.join(dir, 'bad-manifest.csv');
  await writeFile(csv, SECRET);
  await assert.rejects(loadManifest(csv, dir), (err: Error) => /none named "path"/.test(err.message) && !/root:x|SECRET/.test(err.message));
  const config = path.join(dir, 'bad-config.json');
  await writeFile(config, SECRET);
  assert.throws(
    () => loadConfig({ configFile: config, env: {} }),
    (err: Error) => /is not valid JSON: a syntax error/.test(err.message) && !/root:x|SECRET/.test(err.message),
  );
});
