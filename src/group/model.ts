// The grouping model: a logistic model over the boundary features. Its weights
// are data (grouping-model.json), fitted on generated boxes by
// scripts/fit-grouping.ts, so a person can read what each cue is worth.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CablescanError, ErrorCode } from '../errors.ts';
import { FEATURE_NAMES, type FeatureName, type Features } from './features.ts';

const weightsSchema = z
  .object(Object.fromEntries([['bias', z.number()], ...FEATURE_NAMES.map((n) => [n, z.number()])]) as Record<'bias' | FeatureName, z.ZodNumber>)
  .strict();

const modelFileSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.number().int().min(0),
    fit: z.record(z.string(), z.unknown()).nullable(),
    /** A decision less sure than this is doubtful: its records wait for a person. */
    uncertainBelow: z.number().min(0.5).max(1),
    prior: weightsSchema,
    weights: weightsSchema.nullable(),
  })
  .strict();

export type Weights = z.infer<typeof weightsSchema>;
export type GroupingModelFile = z.infer<typeof modelFileSchema>;

export interface GroupingModel {
  version: number;
  weights: Weights;
  uncertainBelow: number;
}

export const MODEL_FILE = new URL('./grouping-model.json', import.meta.url);

export function parseGroupingModel(json: unknown, source = 'grouping model'): GroupingModel {
  const parsed = modelFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `${source}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const file = parsed.data;
  return Object.freeze({ version: file.version, weights: Object.freeze({ ...(file.weights ?? file.prior) }), uncertainBelow: file.uncertainBelow });
}

let shipped: GroupingModel | undefined;

/** The shipped model (read once). */
export function groupingModel(): GroupingModel {
  shipped ??= parseGroupingModel(JSON.parse(readFileSync(MODEL_FILE, 'utf8')), MODEL_FILE.pathname);
  return shipped;
}

export interface Contribution {
  feature: FeatureName;
  value: number;
  /** weight x value: > 0 argues for a start. */
  logit: number;
}

/** Log-odds that the page starts a document, and what each fired feature added. */
export function startLogit(features: Features, weights: Weights): { logit: number; contributions: Contribution[] } {
  let logit = weights.bias;
  const contributions: Contribution[] = [];
  for (const name of FEATURE_NAMES) {
    const value = features[name];
    if (!value) continue;
    const part = weights[name] * value;
    logit += part;
    contributions.push({ feature: name, value, logit: part });
  }
  contributions.sort((a, b) => Math.abs(b.logit) - Math.abs(a.logit));
  return { logit, contributions };
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
