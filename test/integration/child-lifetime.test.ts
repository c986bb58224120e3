// A process cablescan starts does not outlive its parent, even when the parent
// is killed with SIGKILL while the child is busy (issue 24): native tesseract
// processes reading a page (killed by the kernel's parent-death signal), and a
// forked Node child whose uncaughtException handler re-sends to the dead parent
// (the loop BullMQ's sandbox child fell into).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deathSignalWrapper } from '../../src/child-lifetime.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(path.join(os.tmpdir(), 'cablescan-lifetime-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z';
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

async function readPid(file: string): Promise<number> {
  let pid = 0;
  await waitUntil(() => {
    try {
      pid = Number(readFileSync(file, 'utf8').trim().split('\n')[0]);
    } catch {
      pid = 0;
    }
    return pid > 0;
  }, 60_000);
  assert.ok(pid > 0, `no pid written to ${file}`);
  return pid;
}

/** Runs `code` (TypeScript, through tsx; `@/` stands for the repository) in a Node process of its own. */
function startNode(code: string, env: NodeJS.ProcessEnv = {}) {
  code = code.replaceAll("'@/", `'${REPO}`);
  const file = path.join(scratch, `parent-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(file, code);
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return { child, exited: new Promise((resolve) => child.on('exit', resolve)) };
}

const skipNoSetpriv = deathSignalWrapper() ? false : 'setpriv with --pdeathsig is not installed here (util-linux)';

for (const streaming of [true, false]) {
  test(`a native tesseract stuck on a page dies with the process reading it (${streaming ? 'long-lived' : 'one per page'})`, {
    skip: skipNoSetpriv,
    timeout: 270_000,
  }, async () => {
    // A stand-in tesseract that writes its pid and never answers, nor ends at stdin's end.
    const pids = path.join(scratch, `stuck-${streaming}.pids`);
    const fake = path.join(scratch, `stuck-tesseract-${streaming}.cjs`);
    writeFileSync(
      fake,
      `#!${process.execPath}
const args = process.argv.slice(2);
if (args[0] === '--version') { console.log('tesseract 5.3.0'); process.exit(0); }
if (args[0] === '--list-langs') { console.log('List of available languages in "/x/" (1):\\neng'); process.exit(0); }
require('node:fs').appendFileSync(${JSON.stringify(pids)}, process.pid + '\\n');
process.stdin.on('data', () => undefined).on('end', () => undefined);
setInterval(() => undefined, 1000);
`,
    );
    chmodSync(fake, 0o755);
    const parent = startNode(`
import { createTesseractCliEngine } from '@/src/ocr/tesseract-cli.ts';
import { silentLogger } from '@/src/logger.ts';
import { renderTextImage } from '@/test/fixtures/text-images.ts';
const engine = createTesseractCliEngine({ concurrency: 1, binary: ${JSON.stringify(fake)}, streaming: ${streaming}, logger: silentLogger() });
const image = renderTextImage({ lines: ['HELLO'], width: 400, height: 150 }).image;
await engine.recognize({ image, lang: 'eng', psm: 3, dpi: ${streaming ? 300 : 'undefined'} });
`);
    const pid = await readPid(pids);
    assert.ok(running(pid));
    parent.child.kill('SIGKILL');
    await parent.exited;
    assert.ok(await waitUntil(() => !running(pid), 10_000), `the stand-in tesseract ${pid} outlived the process that ran it`);
  });
}

test('a forked child looping on a dead pipe in its uncaughtException handler exits when its parent is killed (no setpriv)', { timeout: 270_000 }, async () => {
  // The child does what BullMQ 6.7's sandbox child does (main-base.js): an uncaught
  // exception is sent to the parent, awaited, then the process exits; and it logs to
  // its stdout pipe all the time. CABLESCAN_NO_PDEATHSIG=1: the kernel's signal is off,
  // so the child's own watch (exitWithParent) is what is tested.
  const pids = path.join(scratch, 'looping.pids');
  const childFile = path.join(scratch, 'looping-child.mts');
  writeFileSync(
    childFile,
    `
import { appendFileSync } from 'node:fs';
import { exitWithParent } from ${JSON.stringify(path.join(REPO, 'src/child-lifetime.ts'))};
process.on('uncaughtException', async (err) => {
  await new Promise<void>((resolve, reject) => process.send!({ cmd: 'failed', value: String(err) }, (e: Error | null) => (e ? reject(e) : resolve())));
  process.exit();
});
exitWithParent();
appendFileSync(${JSON.stringify(pids)}, process.pid + '\\n');
setInterval(() => process.stdout.write('log line\\n'), 5);
`,
  );
  const parent = startNode(
    `
import { fork } from 'node:child_process';
import { forkDiesWithParent } from '@/src/child-lifetime.ts';
fork(${JSON.stringify(childFile)}, [], { ...forkDiesWithParent(['--import', 'tsx']), stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }).stdout!.resume();
setInterval(() => undefined, 1000);
`,
    { CABLESCAN_NO_PDEATHSIG: '1' },
  );
  const pid = await readPid(pids);
  assert.ok(running(pid));
  parent.child.kill('SIGKILL');
  await parent.exited;
  assert.ok(await waitUntil(() => !running(pid), 10_000), `the forked child ${pid} outlived its parent`);
});

test('with setpriv, a forked Node child busy in a loop is killed with its parent', { skip: skipNoSetpriv, timeout: 270_000 }, async () => {
  const pids = path.join(scratch, 'busy.pids');
  const childFile = path.join(scratch, 'busy-child.cjs');
  // Never yields to its event loop: no watch of its own could notice anything.
  writeFileSync(childFile, `require('node:fs').appendFileSync(${JSON.stringify(pids)}, process.pid + '\\n'); for (;;) {}`);
  const parent = startNode(`
import { fork } from 'node:child_process';
import { forkDiesWithParent } from '@/src/child-lifetime.ts';
fork(${JSON.stringify(childFile)}, [], { ...forkDiesWithParent([]), stdio: 'ignore' });
setInterval(() => undefined, 1000);
`);
  const pid = await readPid(pids);
  parent.child.kill('SIGKILL');
  await parent.exited;
  assert.ok(await waitUntil(() => !running(pid), 10_000), `the busy child ${pid} outlived its parent`);
});
