// Measurements shared by the steps, made on a reduced, binarised copy of the page so they cost
// a few tens of milliseconds, and cached per image (measure.ts: a step that changes the image
// gets fresh ones). Everything reports sizes in pixels of the FULL image it was asked about.
// Three families, one module each:
//   analysis/levels.ts  grey levels: histogram, percentiles, Otsu and ink thresholds, paper noise
//   analysis/binary.ts  the binarised analysis copy and its connected components, letters in lines
//   analysis/text.ts    the text's size (x-height, all caps) and skew
export { histogram, inkThreshold, maskAtMost, otsuThreshold, paperNoise, percentile, SAMPLE_ROW_STEP } from './analysis/levels.ts';
export {
  analysisBlock,
  analysisFactor,
  binarise,
  connectedComponents,
  glyphMaxHeight,
  isGlyph,
  lineGlyphFlags,
  type BinaryImage,
  type Component,
  type Components,
} from './analysis/binary.ts';
export { estimateSkew, glyphInkPoints, profileScore, textScale, X_TO_CAP_HEIGHT, type SkewEstimate, type TextScale } from './analysis/text.ts';
