// The validation step every command that reads or queues pages runs before it starts any
// work: usage and configuration mistakes (no inputs, an unknown profile, a missing
// tessdata folder...) end the command with exit 2 and a message naming the option, and
// nothing is read or written. A new option adds its check here (or, when the drivers need
// it too, in src/settings-checks.ts, which this calls).
import type { Config } from '../config.ts';
import { CablescanError, ErrorCode } from '../errors.ts';
import { checkBatchSettings, checkMachineSettings } from '../settings-checks.ts';

/** run: a batch read here; enqueue: a batch queued for others; worker: reads what others queued. */
export type CommandKind = 'run' | 'enqueue' | 'worker';

export interface WorkRequest {
  inputs?: readonly string[];
  manifest?: string;
}

export function checkBeforeWork(kind: CommandKind, config: Config, request: WorkRequest = {}): void {
  if (kind !== 'worker') {
    if (!request.inputs?.length && !request.manifest)
      throw new CablescanError(ErrorCode.CONFIG_INVALID, 'give at least one input (file, folder or glob) or --manifest');
    // The batch's own settings: every worker reads its pages with them.
    checkBatchSettings(config);
  }
  // What the reading machine needs (a worker's own, or this process's when it reads).
  if (kind !== 'enqueue') checkMachineSettings(config);
}
