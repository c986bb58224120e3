// Bad input in a batch: each bad file ends with a named error, the good page still
// becomes a record, and the exit code says something failed.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeTempDir, writeBombPng, writeText, writeTruncatedJpeg } from '../fixtures/scans.ts';
import { REPO, readRecords, runCli, type CliResult } from './helpers.ts';
import { writeFile } from 'node:fs/promises';

let tmp: { dir: string; cleanup: () => Promise<void> };
let result: CliResult;
const expectedCodes: Record<string, string> = {
  'empty.png': 'CS_ERR_INPUT_EMPTY',
  'truncated.jpg': 'CS_ERR_INPUT_CORRUPT',
  'text.png': 'CS_ERR_INPUT_UNSUPPORTED',
  'bomb.png': 'CS_ERR_INPUT_TOO_LARGE',
};

before(async () => {
  tmp = await makeTempDir('cablescan-e2e-bad-');
  const good = path.join(tmp.dir, 'good.png');
  copyFileSync(path.join(REPO, 'samples', 'seed-21340.png'), good);
  await writeFile(path.join(tmp.dir, 'empty.png'), '');
  await writeTruncatedJpeg(path.join(tmp.dir, 'truncated.jpg'));
  await writeText(path.join(tmp.dir, 'text.png'), 'this is not an image\n');
  await writeBombPng(path.join(tmp.dir, 'bomb.png'));
  const inputs = ['empty.png', 'truncated.jpg', 'good.png', 'text.png', 'bomb.png'].map((f) => path.join(tmp.dir, f));
  result = await runCli(['run', ...inputs, '--out', path.join(tmp.dir, 'out'), '--no-progress', '--log-level', 'silent']);
});
after(() => tmp.cleanup());

test('exit code 1 and every failure listed with its code and file', () => {
  assert.equal(result.code, 1, result.stderr);
  // The counts add up: each bad file is one failed page, whether it failed when found or when read.
  assert.match(result.stdout, /^cablescan: 5 pages \(1 read, 0 already done, 4 failed\) -> 1 record in /m);
  for (const [file, code] of Object.entries(expectedCodes)) {
    assert.match(result.stdout, new RegExp(`${file.replace('.', '\\.')}.*${code}`), `${file} -> ${code} in the summary`);
  }
});

test('the report names each bad file and the reason', () => {
  const report = JSON.parse(readFileSync(path.join(tmp.dir, 'out', 'report.json'), 'utf8'));
  const byFile = new Map(report.failures.map((f: { file: string; code: string; message: string }) => [path.basename(f.file), f]));
  for (const [file, code] of Object.entries(expectedCodes)) {
    const failure = byFile.get(file) as { code: string; message: string } | undefined;
    assert.ok(failure, `${file} is in report.failures`);
    assert.equal(failure.code, code);
    assert.ok(failure.message.includes(file), `the message names the file: ${failure.message}`);
  }
});

test('the good page in the same batch still becomes a record', () => {
  const records = readRecords(path.join(tmp.dir, 'out'));
  assert.equal(records.length, 1);
  assert.equal(records[0].fields.number.value, '21340');
});
