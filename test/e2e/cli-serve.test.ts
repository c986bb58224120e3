// `cablescan serve` as a user starts it: no Redis, a store from --db, reviewer
// tokens from the config file, port 0; it answers, then stops cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ReviewStore } from '../../src/store/index.ts';
import { CLI } from './helpers.ts';
import { record } from '../fixtures/records.ts';
import { page, tempDir } from '../fixtures/stores.ts';

test('cablescan serve starts without Redis, serves the review API for the store, and stops on SIGTERM', { timeout: 180_000 }, async () => {
  const { dir, cleanup } = tempDir('cablescan-serve-');
  try {
    const db = path.join(dir, 'review.db');
    const store = await ReviewStore.open(db);
    await store.saveRecords([record('00000000000000c1', 'p1')], [page('p1', 'e'.repeat(64))], { batch: 'b', cwd: dir });
    await store.close();
    const config = path.join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ tokens: { reviewers: ['anna:serve-token-1'] } }));

    const env = { ...process.env, REDIS_URL: '', CABLESCAN_CONFIG: config };
    const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--port', '0', '--log-level', 'warn'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /review at (http:\/\/127\.0\.0\.1:\d+)\/review/.exec(stdout);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
    });
    try {
      const health = (await (await fetch(`${address}/healthz`)).json()) as { ok: boolean; features: string[] };
      assert.deepEqual(health.features, ['review']);
      const denied = await fetch(`${address}/api/queue`);
      assert.equal(denied.status, 401);
      const queue = (await (await fetch(`${address}/api/queue`, { headers: { authorization: 'Bearer serve-token-1' } })).json()) as { total: number };
      assert.equal(queue.total, 3);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, stderr);
  } finally {
    cleanup();
  }
});
