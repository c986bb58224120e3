// Every process cablescan starts ends with the process that started it, however
// that one ends (kill -9 and the OOM killer included): an orphaned OCR child
// would otherwise read on at full CPU under PID 1, growing, for ever (issue 24).
//
// Two layers:
// - The kernel's parent-death signal (Linux prctl PR_SET_PDEATHSIG): a child
//   started through util-linux's `setpriv --pdeathsig KILL` is sent SIGKILL the
//   moment its parent dies, whatever it is doing (a native tesseract stuck on a
//   page, a Node child in a tight loop). Node has no binding for prctl; setpriv
//   execs the real program, so the pid, stdio and IPC channel are the program's.
//   The setting survives exec (not of set-uid programs), and is tied to the
//   thread that forked: Node forks from its main thread, which lives as long
//   as the process.
// - Where setpriv is missing (macOS, minimal images), a Node child watches for
//   itself (watchParent): its IPC channel closing, its stdio pipes breaking, or
//   its parent pid changing (a reparented orphan), checked every second.
import { spawnSync } from 'node:child_process';

let wrapper: string | null | undefined;

/** The `setpriv` that can set a parent-death signal here, or null (checked once per process). */
export function deathSignalWrapper(): string | null {
  if (wrapper !== undefined) return wrapper;
  if (process.platform !== 'linux' || process.env.CABLESCAN_NO_PDEATHSIG === '1') return (wrapper = null);
  for (const candidate of ['/usr/bin/setpriv', '/bin/setpriv']) {
    // `true` (coreutils, beside setpriv in every image that has it) rather than node: the probe
    // asks whether setpriv can set the signal and exec, and a node start costs far more CPU.
    const probe = spawnSync(candidate, ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore', timeout: 10_000 });
    if (probe.status === 0) return (wrapper = candidate);
  }
  return (wrapper = null);
}

/**
 * The command line that runs `command args` so that it is killed when this
 * process dies (unchanged where the kernel's parent-death signal is not at hand).
 */
export function diesWithParent(command: string, args: readonly string[]): { command: string; args: string[] } {
  const setpriv = deathSignalWrapper();
  return setpriv ? { command: setpriv, args: ['--pdeathsig', 'KILL', '--', command, ...args] } : { command, args: [...args] };
}

/**
 * child_process.fork options that tie a Node child to this process: fork runs
 * `execPath ...execArgv module`, so setpriv goes in front of node.
 */
export function forkDiesWithParent(execArgv: readonly string[]): { execPath?: string; execArgv: string[] } {
  const setpriv = deathSignalWrapper();
  return setpriv ? { execPath: setpriv, execArgv: ['--pdeathsig', 'KILL', '--', process.execPath, ...execArgv] } : { execArgv: [...execArgv] };
}

const PIPE_GONE: ReadonlySet<string> = new Set(['EPIPE', 'ECONNRESET', 'ERR_IPC_CHANNEL_CLOSED', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

/**
 * For a forked Node child: exit as soon as the parent is gone, and never loop on
 * a dead pipe. BullMQ's sandbox child handles an uncaught exception by sending
 * it to the parent and awaiting that send; with the parent dead the send fails,
 * the failure is itself uncaught, and the handler runs again, a loop in the
 * microtask queue that starves the event loop (so 'disconnect' never fires) and
 * grows. A handler put in front of BullMQ's ends the process first.
 */
export function exitWithParent(options: { checkEveryMs?: number } = {}): void {
  const parent = process.ppid;
  const hasChannel = typeof process.send === 'function';
  const leave = (): never => process.exit(1);
  const gone = (): boolean => (hasChannel && !process.connected) || process.ppid !== parent;
  process.on('disconnect', leave);
  process.prependListener('uncaughtException', (err: NodeJS.ErrnoException) => {
    if (gone() || PIPE_GONE.has(err?.code ?? '')) leave();
  });
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (PIPE_GONE.has(err.code ?? '')) leave();
      throw err;
    });
  }
  setInterval(() => {
    if (gone()) leave();
  }, options.checkEveryMs ?? 1000).unref();
}
