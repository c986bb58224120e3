// Recipes are plain data: a name and a list of steps with parameters. They are checked before
// any page is read (each step's parameters against its zod schema, unknown steps and unknown
// parameters refused) so a typo fails the run at once, not on page 3000.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { StepDefinition } from './step.ts';
import { denoise } from './steps/denoise.ts';
import { deskew } from './steps/deskew.ts';
import { binarize } from './steps/binarize.ts';
import { crop } from './steps/crop.ts';
import { despeckle } from './steps/despeckle.ts';
import { flatten } from './steps/flatten.ts';
import { grey } from './steps/grey.ts';
import { normalize } from './steps/normalize.ts';
import { orientation } from './steps/orientation.ts';
import { rescale } from './steps/rescale.ts';
import { rules } from './steps/rules.ts';
import { stamps } from './steps/stamps.ts';
import { whiten } from './steps/whiten.ts';

export interface RecipeStep {
  step: string;
  params?: Record<string, unknown>;
}

export interface Recipe {
  name: string;
  steps: RecipeStep[];
}

/** Every step a recipe may name. Adding a step = adding a file in steps/ and a line here. */
export const STEPS: ReadonlyMap<string, StepDefinition> = new Map(
  [grey, denoise, orientation, flatten, crop, despeckle, normalize, whiten, binarize, deskew, rules, stamps, rescale].map((s) => [s.name, s]),
);

/**
 * The default recipe. Each step measures the page and decides whether to act (and records
 * `applied: false` with its measurements when it does not): grey for colour pages; a quarter
 * turn for sideways or upside-down pages; background flattening for uneven or grey paper; a crop
 * to the text when it removes >= 5%; contrast stretch only for narrow grey ranges; deskew from
 * 1 degree (edge remnants painted out first); underlines and ruled lines painted out where they run through letters; enlarge only
 * small text. Despeckle and Sauvola binarisation are recipe options:
 * on the corpus, binarising made total CER worse (docs/preprocessing.md).
 * Orientation first (everything after measures upright text); flatten before crop so a dark
 * border is not content; deskew before rescale so the rotation runs on the smaller image; rules after
 * deskew, where a rule is horizontal.
 */
export const AUTO_RECIPE: Recipe = Object.freeze({
  name: 'auto',
  steps: [
    { step: 'grey' },
    { step: 'denoise' },
    { step: 'orientation' },
    { step: 'flatten' },
    { step: 'crop' },
    { step: 'normalize' },
    { step: 'whiten' },
    { step: 'deskew' },
    { step: 'rules' },
    { step: 'stamps' },
    { step: 'rescale' },
  ],
}) as Recipe;

/** No preprocessing: the decoded page goes to OCR untouched. */
export const NONE_RECIPE: Recipe = Object.freeze({ name: 'none', steps: [] }) as Recipe;

export interface CompiledStep {
  definition: StepDefinition;
  /** Parameters with defaults filled in: what the page JSON records. */
  params: Record<string, unknown>;
}

const recipeShape = z
  .object({
    name: z.string().min(1).optional(),
    steps: z.array(z.object({ step: z.string().min(1), params: z.record(z.string(), z.unknown()).optional() }).strict()),
  })
  .strict();

function invalid(source: string, reason: string, file?: string): CablescanError {
  return new CablescanError(ErrorCode.RECIPE_INVALID, `invalid preprocessing recipe ${source}: ${reason}`, { file, retryable: false });
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(params)'}: ${i.message}`).join('; ');
}

/** Validates every step and fills in default parameters. */
export function compileRecipe(recipe: Recipe, source = `"${recipe.name}"`, file?: string): CompiledStep[] {
  let grey = false;
  return recipe.steps.map((s, i) => {
    const definition = STEPS.get(s.step);
    if (!definition) throw invalid(source, `step ${i + 1}: unknown step "${s.step}" (known: ${[...STEPS.keys()].join(', ')})`, file);
    // Colour pages exist (the corpus has some), so this is a recipe error, not a page error.
    if (definition.needsGrey && !grey) throw invalid(source, `step ${i + 1} ("${s.step}") works on grey pixels: put a "grey" step before it`, file);
    if (definition.name === 'grey') grey = true;
    const parsed = definition.params.safeParse(s.params ?? {});
    if (!parsed.success) throw invalid(source, `step ${i + 1} ("${s.step}"): ${describeIssues(parsed.error)}`, file);
    return { definition, params: parsed.data };
  });
}

/** Parses recipe JSON (already read) and validates it. */
export function parseRecipe(json: unknown, source: string, file?: string, fallbackName = 'custom'): Recipe {
  const shape = recipeShape.safeParse(json);
  if (!shape.success) throw invalid(source, describeIssues(shape.error), file);
  const recipe: Recipe = { name: shape.data.name ?? fallbackName, steps: shape.data.steps };
  compileRecipe(recipe, source, file);
  return recipe;
}

/** 'auto' | 'none' | path to a recipe JSON file. Throws CS_ERR_RECIPE_INVALID. Call before any work starts. */
export function resolveRecipe(spec: string): Recipe {
  if (spec === 'auto') return AUTO_RECIPE;
  if (spec === 'none') return NONE_RECIPE;
  const file = path.resolve(spec);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (expected "auto", "none" or a recipe JSON file)' : (err as Error).message;
    throw invalid(spec, reason, spec);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(spec, `not valid JSON: ${(err as Error).message}`, spec);
  }
  return parseRecipe(json, spec, spec, path.basename(file).replace(/\.json$/i, ''));
}
