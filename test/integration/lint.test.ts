// The linter and formatter (Biome, biome.json) pass on the whole tree, as `npm run lint`
// checks them: a finding fails the test run with Biome's own report of it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIOME = path.join(path.dirname(createRequire(import.meta.url).resolve('@biomejs/biome/package.json')), 'bin', 'biome');

test('biome ci: lint rules everywhere, formatting of test/ and scripts/', () => {
  const result = spawnSync(process.execPath, [BIOME, 'ci', '--colors=off', '.'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.error, undefined);
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`.trim());
});
