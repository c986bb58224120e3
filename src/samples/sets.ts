// The sample sets: the small committed set in `samples/` (the README's first
// command and the clean-sample oracle) and larger evaluation sets for benchmarks.

import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRng } from './random.ts';
import { generateSample, type GeneratedSample, type SampleSpec } from './generate.ts';
import { SEED_TELEGRAM } from './layouts/soviet-cipher.ts';
import { layoutByProfile } from './layouts/index.ts';
import { drawDegradation } from './degrade.ts';
import { TYPEWRITER_FONTS } from './fonts.ts';
import { CablescanError, ErrorCode } from '../errors.ts';

/** The committed set. Changing a spec here changes the committed files: regenerate and commit them. */
export const COMMITTED_SAMPLES: readonly SampleSpec[] = [
  { name: 'seed-21340', profile: 'soviet-cipher', seed: 'seed-21340', font: 'courier-prime', degradation: 'clean', telegram: SEED_TELEGRAM },
  { name: 'cipher-01-clean', profile: 'soviet-cipher', seed: 'cablescan-sample-1', font: 'special-elite', degradation: 'clean' },
  { name: 'cipher-02-clean', profile: 'soviet-cipher', seed: 'cablescan-sample-2', font: 'courier-prime', degradation: 'clean' },
  { name: 'cipher-03-clean', profile: 'soviet-cipher', seed: 'cablescan-sample-3', font: 'special-elite', degradation: 'clean', sentences: { min: 3, max: 5 } },
  { name: 'cipher-04-skew-noise', profile: 'soviet-cipher', seed: 'cablescan-sample-4', font: 'courier-prime', degradation: 'skew-noise' },
  { name: 'cipher-05-jpeg-blur', profile: 'soviet-cipher', seed: 'cablescan-sample-5', font: 'special-elite', degradation: 'jpeg-blur' },
  { name: 'cipher-06-paper-faint', profile: 'soviet-cipher', seed: 'cablescan-sample-6', font: 'courier-prime', degradation: 'paper-faint' },
  {
    name: 'cipher-07-two-pages',
    profile: 'soviet-cipher',
    seed: 'cablescan-sample-7',
    font: 'special-elite',
    degradation: 'clean',
    sentences: { min: 24, max: 26 },
  },
];

export interface EvaluationOptions {
  count: number;
  seed: string;
  profiles: string[];
  degradations: string[];
}

/**
 * Specs of an evaluation set: degradations and layouts cycle so each gets an
 * even share; font and body length come from the seed. About one in ten
 * telegrams is long enough to run onto a second page.
 */
export function evaluationSpecs(options: EvaluationOptions): SampleSpec[] {
  if (!Number.isInteger(options.count) || options.count < 1) {
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `--count must be a positive integer, got ${options.count}`);
  }
  for (const profile of options.profiles) layoutByProfile(profile);
  for (const preset of options.degradations) drawDegradation(preset, createRng(0));
  const specs: SampleSpec[] = [];
  for (let i = 0; i < options.count; i++) {
    const degradation = options.degradations[i % options.degradations.length];
    const profile = options.profiles[Math.floor(i / options.degradations.length) % options.profiles.length];
    const rng = createRng(`${options.seed}:${i}`);
    const long = rng.chance(0.1);
    specs.push({
      name: `${String(i + 1).padStart(4, '0')}-${profile}-${degradation}`,
      profile,
      seed: `${options.seed}:${i}`,
      font: rng.pick(TYPEWRITER_FONTS).id,
      degradation,
      sentences: long ? { min: 22, max: 28 } : { min: 3, max: 12 },
    });
  }
  return specs;
}

/** Writes files into `dir`, each through a temporary name so no half-written file is left. */
export async function writeFiles(dir: string, files: GeneratedSample['files']): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const file of files) {
    const target = path.join(dir, file.name);
    const temporary = `${target}.tmp-${process.pid}`;
    try {
      await writeFile(temporary, file.data);
      await rename(temporary, target);
    } catch (err) {
      throw new CablescanError(ErrorCode.OUTPUT_WRITE, `cannot write sample file ${target}: ${(err as Error).message}`, { cause: err, file: target });
    }
  }
}

export interface SetEntry {
  name: string;
  file: string;
  expected: string;
  profile: string;
  degradation: string;
  font: string;
  pages: number;
}

/** Generates and writes every spec, then an `index.json` listing them; returns the entries. */
export async function generateSet(dir: string, specs: readonly SampleSpec[], onSample?: (entry: SetEntry) => void): Promise<SetEntry[]> {
  const entries: SetEntry[] = [];
  for (const spec of specs) {
    const sample = await generateSample(spec);
    await writeFiles(dir, sample.files);
    const entry: SetEntry = {
      name: spec.name,
      file: sample.expected.file,
      expected: `${spec.name}.expected.json`,
      profile: sample.expected.profile,
      degradation: spec.degradation,
      font: spec.font,
      pages: sample.expected.pages.length,
    };
    entries.push(entry);
    onSample?.(entry);
  }
  await writeFiles(dir, [{ name: 'index.json', data: Buffer.from(JSON.stringify({ samples: entries }, null, 2) + '\n') }]);
  return entries;
}
