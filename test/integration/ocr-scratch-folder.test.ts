// The native engine's scratch folders in the shared /tmp: a folder left by a killed process of the
// same user is removed by the next one; another user's is left alone, and never stops a run. (A run
// as another user failed every page: removing a root process's orphan gave EACCES.)
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const MODULE = fileURLToPath(new URL('../../src/ocr/scratch-folder.ts', import.meta.url));
const PREFIX = `cablescan-scratch-test-${process.pid}x`;
const made: string[] = [];
after(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

/** The id of a process that has ended. */
function endedPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** `<tmp>/<PREFIX><pid>-<tag>`, quiet for 20 minutes, with a file inside; owned by `uid` when given. */
async function orphan(tag: string, uid?: number): Promise<string> {
  const dir = path.join(os.tmpdir(), `${PREFIX}${endedPid()}-${tag}`);
  made.push(dir);
  await mkdir(path.join(dir, 'inner'), { recursive: true, mode: 0o700 });
  if (uid !== undefined) {
    await chown(path.join(dir, 'inner'), uid, uid);
    await chown(dir, uid, uid);
  }
  const old = new Date(Date.now() - 20 * 60 * 1000);
  await utimes(dir, old, old);
  return dir;
}

/** Opens and removes a scratch folder in a child process (as `uid` when given); its exit code and stderr. */
function openInChild(uid?: number): Promise<{ code: number | null; stderr: string }> {
  const script = `const { openScratchFolder } = await import(${JSON.stringify(MODULE)}); const f = await openScratchFolder(${JSON.stringify(PREFIX)}); await f.remove();`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: path.dirname(MODULE),
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(uid !== undefined ? { uid, gid: uid } : {}),
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

test("a killed process's scratch folder is removed by the next process of its user", async () => {
  const mine = await orphan('mine');
  const result = await openInChild();
  assert.equal(result.code, 0, result.stderr);
  assert.ok(!existsSync(mine), 'the orphan is gone');
});

test("another user's orphan is left alone, and a run as another user opens its folder anyway", {
  skip: asRoot ? false : 'needs root to make a folder of another user',
}, async () => {
  const roots = await orphan('root', 0);
  const result = await openInChild(NOBODY);
  assert.equal(result.code, 0, `a run as nobody opens its scratch folder beside root's orphan: ${result.stderr}`);
  assert.ok(existsSync(roots), "root's orphan is not nobody's to remove");
  const nobodys = await orphan('nobody', NOBODY);
  const again = await openInChild();
  assert.equal(again.code, 0, again.stderr);
  assert.ok(existsSync(nobodys), "nobody's orphan is not root's to remove either");
});
