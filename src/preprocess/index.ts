// Preprocessing: a recipe (plain data, validated before any work) of small steps over raw
// pixels, each recording its parameters and measurements for the page JSON.
export { AUTO_RECIPE, NONE_RECIPE, STEPS, compileRecipe, parseRecipe, resolveRecipe, type Recipe, type RecipeStep } from './recipe.ts';
export { preprocessPage, plausibleDensity, DEFAULT_DPI, type PreprocessContext } from './runner.ts';
export { applyAffine, compose, invert } from './affine.ts';
export { estimateOrientation, type OrientationEstimate, type Quadrant } from './orientation.ts';
export { chooseDpi } from './steps/rescale.ts';
