// `--engine none`: a stand-in that reads no words, at no cost. For benchmarks of everything
// around OCR (discovery, planning, queueing, grouping, the report): with it a page costs what
// decoding and measuring its scan cost, so what is left is the pipeline's own overhead. Never
// the default, and its pages are never taken as read by a run with a real engine (read-page.ts).
import type { OcrResult } from '../types.ts';
import type { OcrEngine, OcrRequest } from './engine.ts';

export const STAND_IN_ENGINE = 'none';

export function createStandInEngine(): OcrEngine {
  return {
    name: STAND_IN_ENGINE,
    async recognize(request: OcrRequest): Promise<OcrResult> {
      return { lines: [], text: '', meanConfidence: 0, wordCount: 0, engine: STAND_IN_ENGINE, engineVersion: '0', lang: request.lang, psm: request.psm };
    },
    async close() {},
  };
}
