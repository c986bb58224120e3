// What a driver tells its caller as pages settle (the CLI's progress bar), the same for both drivers.
import type { PageOutcome } from './read-page.ts';

export interface ProgressEvent {
  done: number;
  total: number;
  failed: number;
  pageId?: string;
  outcome?: PageOutcome;
}
