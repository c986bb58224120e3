// A private temporary folder for the image files handed to long-lived native tesseract processes.
// It is named after the process id: a process that ends normally removes its folder (close(),
// or at exit), and folders left behind by one that was killed (kill -9, a sandboxed BullMQ job
// child stopped by its worker) are removed by the next cablescan process of the same user that opens one.
import { readdir, rm, stat, mkdtemp } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ScratchFolder {
  dir: string;
  /** Removes the folder and everything in it. */
  remove(): Promise<void>;
}

/**
 * A folder left by a process that no longer runs is only removed when nothing has changed in it
 * for this long: a process in another PID namespace sharing the same /tmp (containers) could have
 * the same number as a dead one here, and its folder changes with every page it reads.
 */
const ORPHAN_QUIET_MS = 10 * 60 * 1000;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Best effort, and only this user's folders: another user's orphan in a shared /tmp is not ours to
 * remove (it cannot be read: EACCES), and a folder that cannot be removed must never stop a page
 * from being read (it did: a run as another user failed every page on a root orphan).
 */
async function removeOrphans(prefix: string, now: number): Promise<void> {
  const tmp = os.tmpdir();
  const names = await readdir(tmp).catch(() => [] as string[]);
  const pattern = new RegExp(`^${prefix}(\\d+)-`);
  const uid = process.getuid?.();
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    const folder = path.join(tmp, name);
    const info = await stat(folder).catch(() => null);
    if (!info?.isDirectory() || now - info.mtimeMs <= ORPHAN_QUIET_MS) continue;
    if (uid !== undefined && info.uid !== uid) continue;
    await rm(folder, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Creates `<tmpdir>/<prefix><pid>-XXXXXX`, after removing folders of the same prefix whose process is gone. */
export async function openScratchFolder(prefix: string): Promise<ScratchFolder> {
  await removeOrphans(prefix, Date.now());
  const dir = await mkdtemp(path.join(os.tmpdir(), `${prefix}${process.pid}-`));
  // A run that ends without closing its engine (process.exit, an uncaught error) still cleans up.
  const atExit = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', atExit);
  return {
    dir,
    async remove() {
      process.off('exit', atExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
