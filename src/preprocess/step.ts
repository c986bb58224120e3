// What a preprocessing step is: a name, a zod schema for its parameters (defaults filled in,
// unknown keys refused), and a function from an image to an image plus what it measured.
// Steps do not write files or log; the runner times them, records them and keeps the
// coordinate mapping back to the original page.
import type { z } from 'zod';
import type { Logger } from '../logger.ts';
import type { Affine, RawImage, StepReport } from '../types.ts';
import type { InkMeasure } from './ink.ts';
import type { Measure, MeasureKind } from './measure.ts';

export interface StepContext {
  measure: Measure;
  /** Current best knowledge of the image's resolution (pixels per inch), or null. */
  dpi: number | null;
  logger: Logger;
  /** Reports of the steps that ran before this one, in order (what they measured on the scan). */
  earlier: readonly StepReport[];
  /**
   * The page's ink measure (./ink.ts), taken on the scan before the recipe, or null when the
   * caller did not take one. Steps that decide from letters ask it first: a page with too few
   * letters has its "text size", skew and orientation measured on noise.
   */
  ink: InkMeasure | null;
}

export interface StepOutput {
  image: RawImage;
  /** False when the step measured and decided not to change the image. */
  applied: boolean;
  measured: Record<string, unknown>;
  /** Maps coordinates of the step's output image to its input image (omit: identity). */
  toInput?: Affine;
  /** Resolution of the output image when the step knows better than the context. */
  dpi?: number;
  /** Measurements of the input that still hold for the output (carried over, not measured again). */
  keeps?: readonly MeasureKind[];
}

export interface StepDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  /** One line for error messages and docs. */
  summary: string;
  params: z.ZodType<P>;
  /** True when the step reads one grey channel: a recipe must run "grey" before it (checked up front). */
  needsGrey: boolean;
  run(image: RawImage, params: P, ctx: StepContext): Promise<StepOutput>;
}

/** Keeps a concrete step's param type while storing it in a list of steps. */
export function defineStep<P extends Record<string, unknown>>(step: StepDefinition<P>): StepDefinition {
  return step as unknown as StepDefinition;
}
