// Accuracy evaluation on scans with ground truth: scoring rules (score.ts), the region read
// (crop.ts), the evaluation folder (corpus.ts), the variants compared (runners.ts), the
// benchmark driver (benchmark.ts) and its report (report.ts).
export {
  bagOfWordsScore,
  characterScore,
  codePointLength,
  median,
  normalizeForScoring,
  scoreText,
  totalScore,
  type CharScore,
  type TextScore,
  type TotalScore,
  type WordScore,
} from './score.ts';
export { CROP_MARGIN_OF_WIDTH, cropRegion, orientedSize, readCoverage, writeCrop, type CropRegion, type GroundTruthCoverage } from './crop.ts';
export { companionFiles, conventionLanguage, findEvalPages, FOLDER_LANGUAGES, type EvalCorpus, type EvalPage } from './corpus.ts';
export {
  nativeHasLanguages,
  probeNativeTesseract,
  runCablescan,
  runNativeTesseract,
  VARIANTS,
  type NativeTesseract,
  type VariantName,
  type VariantRun,
} from './runners.ts';
export {
  buildReport,
  checkGoals,
  formatMarkdown,
  formatText,
  GOALS,
  summarizeVariant,
  type AccuracyReport,
  type GoalCheck,
  type PageOutcome,
  type VariantOutcome,
  type VariantSummary,
} from './report.ts';
export { runAccuracyBenchmark, type AccuracyBenchmarkOptions } from './benchmark.ts';
