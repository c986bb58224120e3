// How long one OCR call on a page may take: far beyond what its size and ink predict, so that a
// slow or loaded machine never loses a page that would have finished, and far below the 600 s of
// --ocr-timeout, so that a page that sends Tesseract into a pathological search (a page of grain
// read as text took minutes) stops early instead of holding a worker for ten minutes. The
// prediction is linear in the pixels handed to Tesseract (thresholding, layout analysis) and in
// the text lines the ink measure found (the LSTM reads line by line); the rates are generous
// upper bounds of what was measured on both engines (docs/benchmarks.md, "Blank and nearly blank
// pages"), and the margin on top of them covers a machine several times slower.

export interface PageBudgetInput {
  /** Size of the image handed to OCR. */
  width: number;
  height: number;
  /** Text lines and letters the ink measure found (src/preprocess/ink.ts). */
  textLines: number;
}

export const PAGE_BUDGET = Object.freeze({
  /** Seconds of a call before any pixel or line: worker start, model already loaded. */
  baseSeconds: 2,
  perMegapixel: 0.5,
  perLine: 0.25,
  /** The budget is this many times the prediction... */
  margin: 10,
  /** ...and never less than this. */
  floorSeconds: 60,
});

/** Seconds predicted for reading the page once, on an unloaded machine, by the slower engine. */
export function predictedOcrSeconds(page: PageBudgetInput): number {
  const megapixels = (page.width * page.height) / 1e6;
  return PAGE_BUDGET.baseSeconds + PAGE_BUDGET.perMegapixel * megapixels + PAGE_BUDGET.perLine * page.textLines;
}

/** The page's OCR budget in seconds, capped by `ceiling` (--ocr-timeout; 0: no cap). */
export function pageBudgetSeconds(page: PageBudgetInput, ceiling: number): number {
  const budget = Math.max(PAGE_BUDGET.floorSeconds, Math.ceil(PAGE_BUDGET.margin * predictedOcrSeconds(page)));
  return ceiling > 0 ? Math.min(budget, ceiling) : budget;
}
