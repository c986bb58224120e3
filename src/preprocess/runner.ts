// Runs a recipe on one page: each step in order, timed and recorded (params with defaults,
// what it measured, whether it changed the image), the coordinate mapping back to the
// original page composed step by step, and the resolution handed to Tesseract tracked.
import { CablescanError, ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Affine, PreprocessResult, RawImage, StepReport } from '../types.ts';
import { compose, IDENTITY, tidy } from './affine.ts';
import type { InkMeasure } from './ink.ts';
import { Measure } from './measure.ts';
import { compileRecipe, type Recipe } from './recipe.ts';
import type { StepOutput } from './step.ts';

export interface PreprocessContext {
  logger: Logger;
  /** Resolution from the file's tags (or the PDF render), null when unknown. */
  density: number | null;
  /** Called with `NN_<step>` (NN = the step's 1-based place in the recipe) after each step that changed the image. */
  writeIntermediate?: (name: string, image: RawImage) => Promise<void>;
  /** Measurements already taken of this image (the ink measure's analysis copy is the steps' too). */
  measure?: Measure;
  /** The page's ink measure, for the steps that decide from letters. */
  ink?: InkMeasure;
}

/** Resolution assumed when neither the text nor a plausible tag says otherwise. */
export const DEFAULT_DPI = 300;

/** Tags below 100 dpi on a page-sized image are almost always placeholders (72, 96). */
export function plausibleDensity(density: number | null): number | null {
  return density !== null && density >= 100 && density <= 2400 ? density : null;
}

function scaleOf(m: Affine): number {
  return Math.sqrt(Math.abs(m[0] * m[4] - m[1] * m[3]));
}

export async function preprocessPage(image: RawImage, recipe: Recipe, ctx: PreprocessContext): Promise<PreprocessResult & { dpi: number }> {
  const steps = compileRecipe(recipe);
  const measure = ctx.measure ?? new Measure();
  const reports: StepReport[] = [];
  let current = image;
  let toOriginal: Affine = IDENTITY;
  let dpi = plausibleDensity(ctx.density);

  for (const [i, { definition, params }] of steps.entries()) {
    const started = process.hrtime.bigint();
    let out: StepOutput;
    try {
      out = await definition.run(current, params, { measure, dpi, logger: ctx.logger, earlier: reports, ink: ctx.ink ?? null });
    } catch (err) {
      throw new CablescanError(ErrorCode.INTERNAL, `preprocessing step ${i + 1} ("${definition.name}") failed: ${(err as Error).message}`, {
        cause: err,
        retryable: false,
        details: { step: definition.name, width: current.width, height: current.height, channels: current.channels },
      });
    }
    const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
    if (out.toInput) {
      toOriginal = compose(toOriginal, out.toInput);
      // A step that rescales changes the resolution, unless it says what the new one is.
      if (out.dpi === undefined && dpi !== null) dpi = dpi / scaleOf(out.toInput);
    }
    if (out.dpi !== undefined) dpi = out.dpi;
    if (out.keeps) measure.carry(current, out.image, out.keeps);
    current = out.image;
    reports.push({ step: definition.name, params, measured: out.measured, applied: out.applied, ms });
    ctx.logger.debug({ step: definition.name, applied: out.applied, measured: out.measured, ms }, 'preprocess step');
    if (out.applied && ctx.writeIntermediate) await ctx.writeIntermediate(`${String(i + 1).padStart(2, '0')}_${definition.name}`, current);
  }

  return {
    image: current,
    steps: reports,
    toOriginal: tidy(toOriginal),
    originalWidth: image.width,
    originalHeight: image.height,
    dpi: Math.round(dpi ?? DEFAULT_DPI),
  };
}
