// The `cablescan` command line: one file per command, registered here.
import { Command, CommanderError } from 'commander';
import { PACKAGE_VERSION } from '../version.ts';
import { addGlobalOptions, EXIT, reportFatal } from './common.ts';
import { registerEnqueue } from './enqueue.ts';
import { registerExport } from './export.ts';
import { registerRetry } from './retry.ts';
import { registerReview } from './review.ts';
import { registerRun } from './run.ts';
import { registerServe } from './serve.ts';
import { registerStatus } from './status.ts';
import { registerWorker } from './worker.ts';

export function buildProgram(): Command {
  const program = new Command('cablescan')
    .description('Turn scans of typewritten telegrams into structured, verified records')
    .version(PACKAGE_VERSION)
    .showHelpAfterError()
    .exitOverride();
  addGlobalOptions(program);
  registerRun(program);
  registerEnqueue(program);
  registerWorker(program);
  registerRetry(program);
  registerStatus(program);
  registerServe(program);
  registerReview(program);
  registerExport(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    process.exitCode = reportFatal(err);
  }
}
