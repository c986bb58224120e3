// kill -9 of a worker in the middle of a page, under each OCR engine: every process
// it started (the sandboxed page child, and under --engine tesseract the native
// tesseract processes that child runs) ends with it. Before issue 24 the page child
// of a worker run with --engine tesseract lived on under PID 1 at 80% CPU, growing
// ~4 MB/s, in a loop of BullMQ's uncaughtException handler writing to a dead pipe.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, sharedRedisSuite, SHARED_REDIS_URL, startWorkerProcess, waitFor, writeTelegramPages } from './queue-harness.ts';

const suite = await sharedRedisSuite();

interface ProcessId {
  pid: number;
  /** Start time in clock ticks since boot: tells a pid from a later process given the same number. */
  start: string;
  name: string;
}

async function stat(pid: number): Promise<{ ppid: number; state: string; start: string; name: string } | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ..."; comm may hold spaces and parentheses: split after the last ')'.
    const close = text.lastIndexOf(')');
    const name = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    return { state: fields[0], ppid: Number(fields[1]), start: fields[19], name };
  } catch {
    return null;
  }
}

/** Every process below `root` (children, their children...), read from /proc. */
async function descendants(root: number): Promise<ProcessId[]> {
  const byParent = new Map<number, ProcessId[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = await stat(Number(entry));
    if (!s) continue;
    const list = byParent.get(s.ppid) ?? [];
    list.push({ pid: Number(entry), start: s.start, name: s.name });
    byParent.set(s.ppid, list);
  }
  const out: ProcessId[] = [];
  const visit = (pid: number) => {
    for (const child of byParent.get(pid) ?? []) {
      out.push(child);
      visit(child.pid);
    }
  };
  visit(root);
  return out;
}

/** Still running: the same process (same start time), not a zombie waiting to be reaped. */
async function running(p: ProcessId): Promise<boolean> {
  const s = await stat(p.pid);
  return s !== null && s.start === p.start && s.state !== 'Z';
}

for (const engine of ['tesseract', 'tesseract.js'] as const) {
  test(`kill -9 of a worker (--engine ${engine}) mid-page: none of its processes is left 10 s later`, { skip: suite.skip, timeout: 540_000 }, async () => {
    const dir = await suite.tempDir(`orphans-${engine}`);
    await writeTelegramPages(path.join(dir, 'in'), 6, 1);
    const prefix = suite.newPrefix();
    const [worker] = suite.track(startWorkerProcess({ redisUrl: SHARED_REDIS_URL, prefix, concurrency: 1, args: ['--engine', engine] }));
    await worker.started;
    const enqueued = await runCli(['enqueue', path.join(dir, 'in'), '--out', path.join(dir, 'out'), '--redis', SHARED_REDIS_URL], {
      CABLESCAN_QUEUE_PREFIX: prefix,
    });
    assert.equal(enqueued.code, 0, enqueued.stderr);

    // The moment the page child is at work: under the native engine, a tesseract process below it.
    const tree = await waitFor(
      'the worker to be reading a page',
      async () => {
        const found = await descendants(worker.pid);
        const reading = engine === 'tesseract' ? found.some((p) => /tesseract|stdbuf/.test(p.name)) : found.length > 0;
        return reading ? found : undefined;
      },
      120_000,
      100,
    );
    worker.child.kill('SIGKILL');
    await worker.exited;

    let left: ProcessId[] = tree;
    const ended = await waitFor(
      "the killed worker's processes to end",
      async () => {
        const still: ProcessId[] = [];
        for (const p of left) if (await running(p)) still.push(p);
        left = still;
        return left.length === 0;
      },
      10_000,
      250,
    ).catch(() => false);
    // Leave nothing behind when the test fails either.
    for (const p of left) if (await running(p)) process.kill(p.pid, 'SIGKILL');
    assert.ok(ended && left.length === 0, `processes of the killed worker still running: ${left.map((p) => `${p.pid} ${p.name}`).join(', ')}`);
    assert.ok(tree.length > 0);
  });
}
