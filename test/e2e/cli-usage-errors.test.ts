// Usage and configuration mistakes end a command with exit 2 and a message naming the
// option or input, before anything is read: no output folder, no page, no report, no job.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { redisAnswers, SHARED_REDIS_URL } from '../integration/queue-harness.ts';
import { tempDir } from '../fixtures/stores.ts';
import { REPO, runCli, type CliResult } from './helpers.ts';

const SAMPLE = path.join(REPO, 'samples', 'seed-21340.png');
// Nothing listens here: a command that reached for Redis would fail differently (and later).
const NO_REDIS = 'redis://127.0.0.1:1';

let work: { dir: string; cleanup: () => void };
before(() => {
  work = tempDir('cablescan-usage-');
});
after(() => work.cleanup());

/** Runs a command that must stop at once with exit 2; returns the output folder it was given. */
async function usageError(args: (out: string) => string[], message: RegExp, options: { env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const out = path.join(work.dir, `out-${Math.random().toString(36).slice(2)}`);
  const result = await runCli([...args(out), '--log-level', 'warn'], { cwd: work.dir, env: options.env });
  assert.equal(result.code, 2, `exit 2 expected: ${result.stdout}\n${result.stderr}`);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'a message, not a stack trace');
  assert.equal(result.stdout, '', 'no summary: nothing was read');
  assert.ok(!existsSync(out), 'nothing was written: no output folder');
  return result;
}

test('an unknown --profile stops run and enqueue before any page is read, and lists the profiles there are', async () => {
  const run = await usageError(
    (out) => ['run', SAMPLE, '--out', out, '--profile', 'sovjet-cipher'],
    /CS_ERR_CONFIG_INVALID: --profile sovjet-cipher: no such profile \(known: .*soviet-cipher/,
  );
  assert.match(run.stderr, /us-state/);
  await usageError((out) => ['enqueue', SAMPLE, '--out', out, '--profile', 'sovjet-cipher', '--redis', NO_REDIS], /--profile sovjet-cipher: no such profile/);
  await usageError((out) => ['run', SAMPLE, '--out', out, '--profile', 'sovjet-cipher', '--redis', NO_REDIS], /--profile sovjet-cipher: no such profile/);
});

test('a --tessdata folder that does not exist stops run and worker', async () => {
  await usageError(
    (out) => ['run', SAMPLE, '--out', out, '--tessdata', '/nope/tessdata'],
    /CS_ERR_TESSDATA_MISSING: --tessdata \/nope\/tessdata: no such folder/,
  );
  await usageError((out) => ['run', SAMPLE, '--out', out, '--tessdata', SAMPLE], /CS_ERR_TESSDATA_MISSING: .*not a folder/);
  await usageError(() => ['worker', '--tessdata', '/nope/tessdata', '--redis', NO_REDIS], /CS_ERR_TESSDATA_MISSING/);
});

test('no inputs, or inputs with nothing to read in them, stop the run', async () => {
  mkdirSync(path.join(work.dir, 'empty'));
  mkdirSync(path.join(work.dir, 'notes'));
  writeFileSync(path.join(work.dir, 'notes', 'readme.txt'), 'not a scan\n');
  await usageError((out) => ['run', '--out', out], /give at least one input/);
  await usageError((out) => ['run', 'empty', '--out', out], /CS_ERR_INPUT_NOT_FOUND: no image or PDF files found in empty/);
  await usageError((out) => ['run', 'notes', '--out', out], /no image or PDF files found in notes; 1 other file\(s\) skipped/);
  await usageError(
    (out) => ['run', 'no-such-folder', 'scans/*.tif', '--out', out],
    /no image or PDF files found in no-such-folder, scans\/\*\.tif: no-such-folder: no such file or folder; scans\/\*\.tif: no files match/,
  );
  await usageError((out) => ['enqueue', 'empty', '--out', out, '--redis', NO_REDIS], /CS_ERR_INPUT_NOT_FOUND: no image or PDF files found in empty/);
});

test('a preprocessing recipe that cannot be read stops the run', async () => {
  await usageError((out) => ['run', SAMPLE, '--out', out, '--preprocess', 'no-such-recipe.json'], /CS_ERR_RECIPE_INVALID: .*no-such-recipe\.json/);
});

test('serve on a port in use says so and exits 2, with Redis configured too (its connections do not keep it running)', { timeout: 180_000 }, async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const redis = (await redisAnswers()) ? ['--redis', SHARED_REDIS_URL] : [];
    const serve = runCli(['serve', '--port', String(port), '--log-level', 'error', ...redis], { cwd: work.dir });
    // A serve that kept running would hold the test until its timeout; fail clearly instead.
    const timer = new Promise<CliResult>((resolve) =>
      setTimeout(() => resolve({ code: null, stdout: '', stderr: 'still running after 120 s' }), 120_000).unref(),
    );
    const result = await Promise.race([serve, timer]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`CS_ERR_PORT_UNAVAILABLE: 127\\.0\\.0\\.1:${port} is already in use`));
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  } finally {
    blocker.close();
  }
});
