// Group stage: which pages of a sequence form one document (see decide.ts).
export {
  decideGrouping,
  decideBoundary,
  decideNext,
  startOfSequence,
  type GroupingCursor,
  GROUPING_MODES,
  type Grouping,
  type GroupingDecision,
  type GroupingEvidence,
  type GroupingMode,
} from './decide.ts';
export { FEATURE_NAMES, boundaryFeatures, type FeatureName, type Features } from './features.ts';
export { groupingModel, parseGroupingModel, type GroupingModel } from './model.ts';
export { pageCues, type PageCues } from './page-cues.ts';
export { groupingModeOf, sequenceKey } from './sequence.ts';
