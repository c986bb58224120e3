// A subfolder the run may not read is one failure, with its own code
// (CS_ERR_INPUT_NO_ACCESS), and the readable folder beside it is read into
// records (issue 24: it used to drop the whole input folder, as
// CS_ERR_INPUT_UNSUPPORTED). Permissions do not stop root, so as root the run
// is started as user nobody, the way the issue found it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { readRecords, writeTelegramPages } from '../integration/queue-harness.ts';
import { CLI } from './helpers.ts';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
let dir = '';
after(async () => {
  if (dir) {
    await chmod(path.join(dir, 'in', 'locked'), 0o755).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unreadable subfolder is one CS_ERR_INPUT_NO_ACCESS failure; its readable sibling is read into records', { timeout: 900_000 }, async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cablescan-unreadable-'));
  await writeTelegramPages(path.join(dir, 'in', 'readable'), 2, 1);
  await writeTelegramPages(path.join(dir, 'in', 'locked'), 1, 1, 10);
  const out = path.join(dir, 'out');
  await mkdir(out);
  // The native engine reads npm's model unpacked into the model cache, which the run's user must
  // be able to write (its HOME here is not: a cache there is CS_ERR_MODEL_CACHE, exit 2).
  const cache = path.join(dir, 'model-cache');
  await mkdir(cache);
  // Everything readable by the run's user but the locked folder; the output and the cache writable by it.
  await chmod(dir, 0o755);
  await chmod(out, 0o777);
  await chmod(cache, 0o777);
  await chmod(path.join(dir, 'in', 'locked'), 0o000);

  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, 'run', 'in', '--out', out, '--engine', 'tesseract', '-j', '1', '--no-progress', '--log-level', 'warn'], {
      cwd: dir,
      env: { ...process.env, REDIS_URL: '', HOME: dir, CABLESCAN_DB: '', CABLESCAN_MODEL_CACHE: cache },
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
  assert.equal(result.code, 1, `a run with a failed input exits 1: ${result.stderr}`);
  const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
  const lockedFailures = report.failures.filter((f: { file: string }) => f.file.includes('locked'));
  assert.equal(lockedFailures.length, 1, JSON.stringify(report.failures));
  assert.equal(lockedFailures[0].code, 'CS_ERR_INPUT_NO_ACCESS');
  assert.match(lockedFailures[0].message, /^in\/locked: folder cannot be read \(permission denied\)$/);
  const context = `counts ${JSON.stringify(report.counts)}, failures ${JSON.stringify(report.failures)}, stderr: ${result.stderr}`;
  assert.equal(report.counts.pages, 2, context);
  const records = await readRecords(out);
  assert.equal(records.length, 2, `one record per readable telegram; ${context}`);
  assert.deepEqual(records.flatMap((r) => r.source.pages).sort(), ['readable__box1__0001', 'readable__box1__0002']);
});
