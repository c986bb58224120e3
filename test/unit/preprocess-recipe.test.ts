// Recipes: 'auto' / 'none' / JSON files, validated before any work, errors naming the step and parameter.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { CablescanError } from '../../src/errors.ts';
import { compileRecipe, resolveRecipe, STEPS } from '../../src/preprocess/index.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-recipe-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function recipeFile(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function rejectsWith(spec: string, pattern: RegExp): void {
  assert.throws(
    () => resolveRecipe(spec),
    (err: unknown) => {
      assert.ok(err instanceof CablescanError);
      assert.equal(err.code, 'CS_ERR_RECIPE_INVALID');
      assert.equal(err.retryable, false);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

test('auto and none are built in; auto names only known steps and compiles with defaults', () => {
  const auto = resolveRecipe('auto');
  assert.equal(auto.name, 'auto');
  assert.deepEqual(
    auto.steps.map((s) => s.step),
    ['grey', 'denoise', 'orientation', 'flatten', 'crop', 'normalize', 'whiten', 'deskew', 'rules', 'stamps', 'rescale'],
  );
  const compiled = compileRecipe(auto);
  assert.deepEqual(compiled[7]!.params, { maxAngle: 10, step: 0.1, minAngle: 1, minStrength: 1.2, edgeBand: 1.5 });
  assert.deepEqual(compiled[9]!.params, { seedShare: 0.55, keep: 0.08, minLightShare: 0.02, minTextHeight: 12 });
  assert.deepEqual(compiled[1]!.params, { minNoise: 4, sigma: 1, minGlyphHeight: 18 });
  assert.deepEqual(resolveRecipe('none'), { name: 'none', steps: [] });
});

test('a recipe file is read, its name defaults to the file name, parameters keep their defaults', () => {
  const file = recipeFile('strong-deskew.json', { steps: [{ step: 'grey' }, { step: 'deskew', params: { minAngle: 0 } }] });
  const recipe = resolveRecipe(file);
  assert.equal(recipe.name, 'strong-deskew');
  assert.deepEqual(compileRecipe(recipe)[1]!.params, { maxAngle: 10, step: 0.1, minAngle: 0, minStrength: 1.2, edgeBand: 1.5 });
  const named = resolveRecipe(recipeFile('x.json', { name: 'mine', steps: [] }));
  assert.equal(named.name, 'mine');
});

test('invalid recipes are refused, naming the step and the parameter', () => {
  rejectsWith(
    recipeFile('unknown-step.json', { steps: [{ step: 'grey' }, { step: 'blur' }] }),
    /step 2: unknown step "blur" \(known: grey, denoise, orientation, flatten, crop, despeckle, normalize, whiten, binarize, deskew, rules, stamps, rescale\)/,
  );
  rejectsWith(recipeFile('bad-param.json', { steps: [{ step: 'grey' }, { step: 'deskew', params: { maxAngle: 90 } }] }), /step 2 \("deskew"\): maxAngle: /);
  rejectsWith(
    recipeFile('typo.json', { steps: [{ step: 'grey' }, { step: 'rescale', params: { targetHeight: 20 } }] }),
    /step 2 \("rescale"\): .*targetHeight/,
  );
  rejectsWith(recipeFile('wrong-type.json', { steps: [{ step: 'grey' }, { step: 'normalize', params: { low: 'one' } }] }), /\("normalize"\): low: /);
  rejectsWith(
    recipeFile('cross.json', { steps: [{ step: 'grey' }, { step: 'rescale', params: { minGlyphHeight: 30, targetGlyphHeight: 20 } }] }),
    /targetGlyphHeight must be >= minGlyphHeight/,
  );
  rejectsWith(
    recipeFile('no-grey.json', { steps: [{ step: 'deskew' }, { step: 'grey' }] }),
    /step 1 \("deskew"\) works on grey pixels: put a "grey" step before it/,
  );
  rejectsWith(recipeFile('no-steps.json', { name: 'x' }), /steps: /);
  rejectsWith(recipeFile('extra-key.json', { steps: [], colour: true }), /colour/);
  rejectsWith(recipeFile('broken.json', '{ "steps": ['), /not valid JSON/);
  rejectsWith(path.join(dir, 'missing.json'), /missing\.json: no such file \(expected "auto", "none" or a recipe JSON file\)/);
});

test('every registered step validates its own empty params (all parameters have defaults)', () => {
  for (const [name, step] of STEPS) assert.ok(step.params.safeParse({}).success, name);
});
