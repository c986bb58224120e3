// The file BullMQ forks for page jobs (a sandboxed processor). Besides the
// processor it adds one thing BullMQ's child lacks: when the worker process dies
// (kill -9, OOM), this child exits instead of living on as an orphan holding an
// OCR engine. The kernel kills it where setpriv is at hand (start-workers.ts forks
// it through src/child-lifetime.ts); exitWithParent covers the rest: the IPC
// channel closing, a broken stdio pipe, the parent pid changing, and BullMQ's
// uncaughtException handler looping on the dead pipe. Its job was never
// acknowledged, so the stalled-job check gives it to another worker; the page's
// files are written atomically, so a half-finished read leaves nothing behind.
import { exitWithParent } from '../src/child-lifetime.ts';
import pageJob from './page-processor.ts';

exitWithParent();

export default pageJob;
