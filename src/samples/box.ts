// A box of scans as an archive delivers it: one folder of single-page files in name
// order (0001.png, 0002.jpg, ...), telegrams of one to three pages of every profile
// next to despatches, letters and reports, continuation pages marked (or not) the ways
// real ones are, now and then the blank back of a sheet; and `box.json`, the truth of
// which pages form which document and what each should yield. Everything is a pure
// function of the seed: each document draws from its own generator, so the same seed
// gives the same box, byte for byte, on one platform.

import type { About, DocumentKind, FieldValue } from './model.ts';
import { createRng, type Rng } from './random.ts';
import { ALL_LAYOUTS, LAYOUTS } from './layouts/index.ts';
import { planDocument, renderBlankBack, renderDocument, type PlannedDocument, type RenderedPage } from './document.ts';
import { drawDegradation, type Degradation } from './degrade.ts';
import type { PageMark } from './marks.ts';
import type { ExpectedLine } from './generate.ts';
import { GENERATOR_VERSION } from './generate.ts';
import { writeFiles } from './sets.ts';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { PageMarkStyle } from './continuation.ts';

export const DOCUMENT_KINDS: readonly DocumentKind[] = ['telegram', 'despatch', 'letter', 'report'];

/** The layout of each kind that is not a telegram (telegrams take every telegram layout in turn). */
const KIND_LAYOUT: Record<Exclude<DocumentKind, 'telegram'>, string> = { despatch: 'us-despatch', letter: 'letter', report: 'report' };

/** Share of documents followed by the blank back of their last sheet: about 1.5% of a box's pages. */
export const DEFAULT_BLANK_RATE = 0.03;

/** Default share of the box's pages by kind. */
export const DEFAULT_MIX: Readonly<Record<DocumentKind, number>> = { telegram: 0.6, despatch: 0.15, letter: 0.15, report: 0.1 };

/** How many pages a document of each kind has (weights for 1, 2, 3, 4 pages). */
const PAGE_WEIGHTS: Record<DocumentKind, number[]> = {
  telegram: [0.6, 0.28, 0.12, 0],
  despatch: [0.15, 0.35, 0.3, 0.2],
  letter: [0.4, 0.35, 0.15, 0.1],
  report: [0, 0.4, 0.35, 0.25],
};
/** Sentences that fill about one page, by kind (the composer's retries settle the exact count). */
const SENTENCES_PER_PAGE: Record<DocumentKind, number> = { telegram: 17, despatch: 9, letter: 20, report: 22 };

export interface BoxOptions {
  pages: number;
  seed: string;
  degradations: string[];
  /** Share of pages by kind; kinds left out get none. Normalised. */
  mix?: Partial<Record<DocumentKind, number>>;
  /** Share of documents followed by the blank back of their last sheet. */
  blankRate?: number;
  /** Telegram layouts to use (default: all five). */
  telegramProfiles?: string[];
}

export interface BoxDocument {
  id: string;
  kind: DocumentKind;
  profile: string;
  degradation: string;
  font: string;
  pages: string[];
  fields: Record<string, FieldValue>;
  about?: About;
  features: {
    pageMark: PageMarkStyle;
    catchwords: number;
    /** A "./." or "P.T.O." at the foot of a page where the text goes on. */
    footMarks: number;
    continuationHeading: boolean;
    /** Page breaks inside a sentence. */
    runOnBreaks: number;
    /** Count of untyped marks by type over the document's pages. */
    marks: Record<string, number>;
    blankBack: boolean;
  };
}

export interface BoxPage {
  pageId: string;
  file: string;
  document: string;
  /** 1-based; a blank back page counts after the document's last typed page. */
  pageInDocument: number;
  /** The blank back of the sheet before. */
  back?: true;
  width: number;
  height: number;
  groundTruth: string;
  degradation: Degradation;
  lines: ExpectedLine[];
  marks: PageMark[];
}

export interface BoxTruth {
  generator: { version: number; seed: string; pages: number; degradations: string[]; mix: Record<string, number>; blankRate: number };
  documents: BoxDocument[];
  pages: BoxPage[];
}

interface PlannedBoxDocument {
  id: string;
  kind: DocumentKind;
  profile: string;
  preset: string;
  plan: PlannedDocument;
  blankBack: boolean;
  rng: Rng;
}

/** The default mix, less the kinds that have no layout. */
function defaultMix(): Partial<Record<DocumentKind, number>> {
  return Object.fromEntries(
    Object.entries(DEFAULT_MIX).filter(([kind]) => kind === 'telegram' || ALL_LAYOUTS[KIND_LAYOUT[kind as Exclude<DocumentKind, 'telegram'>]]),
  );
}

function normaliseMix(mix: Partial<Record<DocumentKind, number>>): Record<DocumentKind, number> {
  const result = { telegram: 0, despatch: 0, letter: 0, report: 0 } as Record<DocumentKind, number>;
  let total = 0;
  for (const [kind, share] of Object.entries(mix) as [DocumentKind, number][]) {
    if (!DOCUMENT_KINDS.includes(kind))
      throw new CablescanError(ErrorCode.CONFIG_INVALID, `--mix: unknown kind "${kind}" (known: ${DOCUMENT_KINDS.join(', ')})`);
    if (!Number.isFinite(share) || share < 0) throw new CablescanError(ErrorCode.CONFIG_INVALID, `--mix: share of ${kind} must be a number >= 0, got ${share}`);
    result[kind] = share;
    total += share;
  }
  if (total <= 0) throw new CablescanError(ErrorCode.CONFIG_INVALID, '--mix: at least one kind needs a share above 0');
  for (const kind of DOCUMENT_KINDS) result[kind] /= total;
  return result;
}

/** Parses "telegram=60,despatch=15,letter=15,report=10". */
export function parseMix(text: string): Partial<Record<DocumentKind, number>> {
  const mix: Partial<Record<DocumentKind, number>> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([a-z]+)=([\d.]+)$/.exec(part);
    if (!match) throw new CablescanError(ErrorCode.CONFIG_INVALID, `--mix: expected kind=share, got "${part}"`);
    mix[match[1] as DocumentKind] = Number(match[2]);
  }
  return mix;
}

/**
 * Picks the value used least so far (ties at random), or repeats the last one, as archives
 * file in runs; no repeat before every value has had its turn, so a short box has them all.
 */
function pickBalanced<T>(rng: Rng, values: readonly T[], counts: Map<T, number>, last: T | undefined, repeat: number): T {
  const least = Math.min(...values.map((v) => counts.get(v) ?? 0));
  if (last !== undefined && least > 0 && rng.chance(repeat)) return last;
  return rng.pick(values.filter((v) => (counts.get(v) ?? 0) === least));
}

function weightedIndex(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let draw = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    draw -= weights[i];
    if (draw < 0) return i;
  }
  return weights.length - 1;
}

/** Decides every document of the box (kinds, profiles, lengths, degradations) and lays each out; no pixels yet. */
export function planBox(options: BoxOptions): PlannedBoxDocument[] {
  if (!Number.isInteger(options.pages) || options.pages < 1) {
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `--pages must be a positive integer, got ${options.pages}`);
  }
  if (options.degradations.length === 0) throw new CablescanError(ErrorCode.CONFIG_INVALID, '--degradation: give at least one preset');
  for (const preset of options.degradations) drawDegradation(preset, createRng(0));
  const telegramProfiles = options.telegramProfiles ?? Object.keys(LAYOUTS);
  for (const profile of telegramProfiles) {
    if (!LAYOUTS[profile])
      throw new CablescanError(ErrorCode.CONFIG_INVALID, `unknown telegram layout "${profile}" (known: ${Object.keys(LAYOUTS).join(', ')})`);
  }
  const mix = normaliseMix(options.mix ?? defaultMix());
  for (const kind of DOCUMENT_KINDS) {
    if (kind !== 'telegram' && mix[kind] > 0 && !ALL_LAYOUTS[KIND_LAYOUT[kind]])
      throw new CablescanError(ErrorCode.CONFIG_INVALID, `--mix: no sample layout for ${kind} yet`);
  }
  const blankRate = options.blankRate ?? DEFAULT_BLANK_RATE;
  const rng = createRng(`box:${options.seed}`);
  const documents: PlannedBoxDocument[] = [];
  const pagesByKind = new Map<DocumentKind, number>();
  const profileCounts = new Map<string, number>();
  const presetCounts = new Map<string, number>();
  let used = 0;
  let lastProfile: string | undefined;
  let lastPreset: string | undefined;
  while (used < options.pages) {
    const remaining = options.pages - used;
    const index = documents.length;
    const docRng = createRng(`box:${options.seed}:doc:${index}`);
    // The kind most behind its share of pages goes next, with chance in it so kinds interleave irregularly.
    const deficits = DOCUMENT_KINDS.map((k) => (mix[k] > 0 ? Math.max(0, mix[k] * (used + 2) - (pagesByKind.get(k) ?? 0)) + 0.15 * mix[k] : 0));
    let kind = DOCUMENT_KINDS[weightedIndex(rng, deficits)];
    let weights = PAGE_WEIGHTS[kind].map((w, i) => (i + 1 <= remaining ? w : 0));
    if (weights.every((w) => w === 0)) {
      // Too few pages left for this kind (a report needs two): a shorter kind ends the box.
      kind = mix.telegram > 0 ? 'telegram' : mix.letter > 0 ? 'letter' : kind;
      weights = PAGE_WEIGHTS[kind].map((w, i) => (i + 1 <= remaining ? w : 0));
      if (weights.every((w) => w === 0)) weights = [1];
    }
    const target = weightedIndex(rng, weights) + 1;
    const profile = kind === 'telegram' ? pickBalanced(rng, telegramProfiles, profileCounts, lastProfile, 0.35) : KIND_LAYOUT[kind];
    const layout = ALL_LAYOUTS[profile];
    if (!layout) throw new CablescanError(ErrorCode.INTERNAL, `no sample layout "${profile}" for kind ${kind}`);
    const preset = pickBalanced(rng, options.degradations, presetCounts, lastPreset, 0.3);
    const perPage = SENTENCES_PER_PAGE[kind];
    let plan: PlannedDocument | null = null;
    // When no try fills exactly `target` pages, a shorter document does.
    for (let pagesWanted = target; pagesWanted >= 1 && !plan; pagesWanted--) {
      const min = Math.max(2, Math.round((pagesWanted - 0.9) * perPage));
      const max = Math.max(min + 1, Math.round((pagesWanted - 0.3) * perPage));
      plan = planDocument(layout, docRng.fork(`plan-${pagesWanted}`), { sentences: { min, max }, pages: pagesWanted });
    }
    if (!plan || plan.composition.pages.length > remaining) {
      throw new CablescanError(ErrorCode.INTERNAL, `box ${options.seed}: could not lay out document ${index + 1} (${profile}, ${target} pages)`);
    }
    const pages = plan.composition.pages.length;
    const blankBack = remaining - pages >= 1 && rng.chance(blankRate);
    documents.push({ id: `doc-${String(index + 1).padStart(3, '0')}`, kind, profile, preset, plan, blankBack, rng: docRng });
    used += pages + (blankBack ? 1 : 0);
    pagesByKind.set(kind, (pagesByKind.get(kind) ?? 0) + pages + (blankBack ? 1 : 0));
    if (kind === 'telegram') {
      profileCounts.set(profile, (profileCounts.get(profile) ?? 0) + 1);
      lastProfile = profile;
    }
    presetCounts.set(preset, (presetCounts.get(preset) ?? 0) + 1);
    lastPreset = preset;
  }
  return documents;
}

function countMarks(pages: RenderedPage[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const page of pages) for (const mark of page.marks) counts[mark.type] = (counts[mark.type] ?? 0) + 1;
  return counts;
}

/** Generates the box into `dir`: page images, `NNNN.gt.txt` and `box.json`. Returns the truth. */
export async function generateBox(dir: string, options: BoxOptions, onPage?: (page: BoxPage, done: number, total: number) => void): Promise<BoxTruth> {
  const planned = planBox(options);
  const documents: BoxDocument[] = [];
  const pages: BoxPage[] = [];
  const total = planned.reduce((n, d) => n + d.plan.composition.pages.length + (d.blankBack ? 1 : 0), 0);
  const addPage = async (doc: PlannedBoxDocument, rendered: RenderedPage, pageInDocument: number, back: boolean): Promise<string> => {
    const pageId = String(pages.length + 1).padStart(4, '0');
    const file = `${pageId}.${rendered.format === 'jpeg' ? 'jpg' : 'png'}`;
    const groundTruth = `${pageId}.gt.txt`;
    const text = rendered.lines.map((l) => l.text).join('\n');
    await writeFiles(dir, [
      { name: file, data: rendered.image },
      { name: groundTruth, data: Buffer.from(text ? `${text}\n` : '') },
    ]);
    const page: BoxPage = {
      pageId,
      file,
      document: doc.id,
      pageInDocument,
      ...(back ? { back: true as const } : {}),
      width: rendered.width,
      height: rendered.height,
      groundTruth,
      degradation: rendered.degradation,
      lines: rendered.lines,
      marks: rendered.marks,
    };
    pages.push(page);
    onPage?.(page, pages.length, total);
    return pageId;
  };
  for (const doc of planned) {
    const degradation = drawDegradation(doc.preset, doc.rng.fork('degradation'));
    const rendered = await renderDocument(doc.plan, degradation, doc.rng.fork('render'));
    const ids: string[] = [];
    for (let i = 0; i < rendered.length; i++) ids.push(await addPage(doc, rendered[i], i + 1, false));
    if (doc.blankBack) {
      const back = await renderBlankBack(rendered[rendered.length - 1], degradation, doc.rng.fork('back'));
      ids.push(await addPage(doc, back, rendered.length + 1, true));
    }
    const { composition, style } = doc.plan;
    documents.push({
      id: doc.id,
      kind: doc.kind,
      profile: doc.profile,
      degradation: doc.preset,
      font: style.font,
      pages: ids,
      fields: doc.plan.fields,
      ...(Object.keys(doc.plan.about).length ? { about: doc.plan.about } : {}),
      features: {
        pageMark: composition.pages.length > 1 ? style.continuation.pageMark : 'none',
        catchwords: composition.breaks.filter((b) => b.catchword !== null).length,
        footMarks: composition.pages.filter((p) => p.lines.some((l) => l.role === 'footMark')).length,
        continuationHeading: composition.pages.slice(1).some((p) => p.lines.some((l) => l.role === 'continuationHeading')),
        runOnBreaks: composition.breaks.filter((b) => b.runsOn).length,
        marks: countMarks(rendered),
        blankBack: doc.blankBack,
      },
    });
  }
  const truth: BoxTruth = {
    generator: {
      version: GENERATOR_VERSION,
      seed: options.seed,
      pages: options.pages,
      degradations: options.degradations,
      mix: normaliseMix(options.mix ?? defaultMix()),
      blankRate: options.blankRate ?? DEFAULT_BLANK_RATE,
    },
    documents,
    pages,
  };
  await writeFiles(dir, [{ name: 'box.json', data: Buffer.from(JSON.stringify(truth, null, 2) + '\n') }]);
  return truth;
}
