// The file BullMQ forks for page jobs (a sandboxed processor). Besides the
// processor it adds one thing BullMQ's child lacks: when the worker process dies
// (kill -9, OOM), the IPC channel closes and this child exits instead of living
// on as an orphan holding an OCR engine. Its job was never acknowledged, so the
// stalled-job check gives it to another worker; the page's files are written
// atomically, so a half-finished read leaves nothing behind.
import pageJob from './page-processor.ts';

process.on('disconnect', () => process.exit(0));

export default pageJob;
