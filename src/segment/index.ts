// Segment stage: pages of OCR lines -> telegrams with field drafts.
//
// 1. Pages are grouped by documentKey (in order); each group is one stream of lines.
// 2. Telegram starts are found from the profiles' headings (split.ts); the lines up to
//    the next start belong to one telegram, across page breaks.
// 3. Each telegram is read with every candidate profile (extract.ts) and the best fit wins;
//    a close runner-up is reported as `ambiguity`.
import { checkNumberOnPageMarks } from './page-mark-number.ts';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { PageResult } from '../types.ts';
import type { SegmentedTelegram } from './draft.ts';
import { type Extraction, extractWithProfile } from './extract.ts';
import { linesOfPages, type TextLine } from './lines.ts';
import type { Profile } from './profile-schema.ts';
import { findStarts, headingScore } from './split.ts';
import { kindShownOver, ownEvidence } from './kind-evidence.ts';
import { markSplitRows } from './row-neighbours.ts';

export type { FieldDraft, SegmentedTelegram } from './draft.ts';
export type { FieldSpec, Profile, ProfileInput } from './profile-schema.ts';
export { PARSER_NAMES, profileSchema } from './profile-schema.ts';
export { loadProfiles, readProfileFile, SHIPPED_PROFILES_DIR } from './profiles.ts';
export { findDate, findPlaceDateTime, findTime, normaliseDate, normaliseTime } from './datetime.ts';

/** A runner-up profile within this score of the winner makes the choice ambiguous. */
const AMBIGUITY_MARGIN = 0.08;
/** A best profile scoring below this fits too little to trust any field it reads; a telegram profile that weak means the document is read as `other` (docs/decisions.md). */
export const WEAK_PROFILE_BELOW = 0.45;

export interface SegmentOptions {
  profiles: Profile[];
  /** Use this profile for every telegram instead of detecting one per telegram. */
  forcedProfile?: string;
  /**
   * Whether a heading at the top of a later page starts a new telegram. True when the pages are
   * a whole sequence (`--documents file|folder`); false when the grouping stage has already
   * decided that these pages form one document, so only a heading inside a page splits it.
   */
  splitAtPageTops?: boolean;
  /** Rows per page that are grouping cues (catchwords, page marks), not text. */
  ignoredLines?: ReadonlyMap<string, ReadonlySet<number>>;
}

/** A start this close to the top of a later page is a page-top start: the grouping stage's to decide. */
const PAGE_TOP_START_LINES = 4;

function isPageTopStart(lines: readonly TextLine[], line: number, firstPage: string): boolean {
  const page = lines[line].page;
  if (page === firstPage) return false;
  let above = 0;
  for (let i = line - 1; i >= 0 && lines[i].page === page; i--) above++;
  return above < PAGE_TOP_START_LINES;
}

function groupByDocument(pages: readonly PageResult[]): PageResult[][] {
  const groups = new Map<string, PageResult[]>();
  for (const page of pages) {
    const key = page.documentKey || page.pageId;
    const list = groups.get(key) ?? [];
    list.push(page);
    groups.set(key, list);
  }
  return [...groups.values()];
}

/**
 * The profile that reads `lines` best. `strayLines`: lines above the heading kept with the
 * telegram (a file number, a stamp), so the heading is looked for under them.
 */
function chooseProfile(
  lines: readonly TextLine[],
  candidates: readonly Profile[],
  strayLines = 0,
): { best: Extraction; runnerUp?: Extraction; headingOf?: Extraction; unshown?: Extraction } {
  const headings = new Map<Extraction, number>();
  const top = lines.slice(Math.min(strayLines, Math.max(0, lines.length - 1)));
  const results = candidates.map((p) => {
    // The heading sits on the first line, or on the second after a line the profile says
    // belongs above it (`No. 12`); a place-date line further down is no heading of this telegram.
    const above = p.startIncludesPrevious && top.length > 1 && new RegExp(p.startIncludesPrevious, 'i').test(top[0].text.trim());
    const heading = Math.max(0, ...top.slice(0, above ? 2 : 1).map((l) => headingScore(l, p).score));
    const extraction = extractWithProfile(lines, p, heading);
    headings.set(extraction, heading);
    return extraction;
  });
  results.sort((a, b) => b.score - a.score);
  preferSpecificLayout(results, lines);
  const best = results[0];
  // The page carries another telegram layout's heading while the winner's own was not seen: the
  // heading and the header disagree about the layout (a heavy FRUS page whose sender line the OCR
  // broke reads best as a DFAT cable).
  const headingOf =
    best && best.profile.kind === 'telegram' && (headings.get(best) ?? 0) === 0
      ? results.find((r) => r !== best && r.profile.kind === 'telegram' && (headings.get(r) ?? 0) >= 0.9)
      : undefined;
  // The winner is a kind nothing of its own on the page shows (a letter's reading whose only cue is the
  // `Sir:` a despatch shares), while a reading of another kind shows something the winner cannot explain
  // (the despatch's post heading): which kind the document is, and so which fields it has, is in doubt,
  // however far apart the scores (issue 16 point 3).
  const unshown =
    best && best.profile.kind !== 'telegram' && best.profile.cues.length > 0
      ? results.find(
          (r) =>
            r !== best &&
            r.score > 0 &&
            r.profile.kind !== best.profile.kind &&
            r.profile.kind !== 'telegram' &&
            ownEvidence(lines, best, r) === 0 &&
            ownEvidence(lines, r, best) >= 1,
        )
      : undefined;
  return { best, runnerUp: results[1], headingOf, unshown };
}

/** How much larger a share of its own cues makes a close layout of another kind the better reading. */
const STRONGER_CUES = 0.4;
const cueShare = (e: Extraction): number => (e.profile.cues.length ? e.cues.length / e.profile.cues.length : 0);
const foundFields = (e: Extraction): number => Object.values(e.fields).filter((f) => f.found).length;

/**
 * `specific` read every field `fallback` read, to the same value, and more (the text itself excepted:
 * where it starts follows the header each layout knows).
 */
function readsMoreOfTheSame(specific: Extraction, fallback: Extraction): boolean {
  const read = Object.entries(fallback.fields).filter(([name, f]) => f.found && name !== 'body');
  const same = read.every(([name, f]) => specific.fields[name]?.found && specific.fields[name]!.value === f.value);
  return same && foundFields(specific) > foundFields(fallback);
}

/**
 * A specific layout of the winner's kind (the US despatch under the generic despatch) that scores
 * close to it and reads more fields goes first: the generic profile reads a subset of the same
 * fields the same way, so nothing it found is lost, and a required field the specific layout
 * missed (a number the OCR dropped) is reported missing instead of the rest going unread.
 * Telegram layouts are left to the score: there, a missing required field is evidence of another layout.
 */
function preferSpecificLayout(results: Extraction[], lines: readonly TextLine[]): void {
  const best = results[0];
  if (!best || best.profile.kind === 'telegram') return;
  const close = (r: Extraction): boolean => r !== best && best.score - r.score < AMBIGUITY_MARGIN && foundFields(r) > foundFields(best);
  const specific =
    results.find((r) => close(r) && r.profile.kind === best.profile.kind && r.profile.weight > best.profile.weight) ??
    // However far behind on score: a specific layout of the same kind, shown by its cues, that reads every
    // field the fallback read, the same, and more besides (the US despatch whose `Subject:` a stamp took,
    // under the generic despatch that never asks for one). The score says how complete each reading is
    // against its own profile, not which layout the page is; the missing field is reported missing. A
    // specific reading that fits weakly (below WEAK_PROFILE_BELOW) would hold every field: the fallback stays.
    results.find(
      (r) => r.score >= WEAK_PROFILE_BELOW && r.profile.kind === best.profile.kind && r.profile.weight > best.profile.weight && readsMoreOfTheSame(r, best),
    ) ??
    // Across kinds, the layout shown by far more of its own cues (a despatch's post heading,
    // Subject:, The Honorable and closing against a letter's lone `Sir:`) is what the document is.
    results.find((r) => close(r) && r.profile.kind !== 'telegram' && cueShare(r) >= cueShare(best) + STRONGER_CUES) ??
    // However far behind on score (a despatch whose place-and-date line a stamp took), a candidate layout
    // shown by cues of its own over a winner of another kind that shows none (a letter's lone `Sir:`).
    results.find((r) => r !== best && r.score > 0 && kindShownOver(lines, r, best));
  if (!specific) return;
  results.splice(results.indexOf(specific), 1);
  results.unshift(specific);
}

/** Short text above the first heading: too little to be a telegram of its own. */
function isStrayPrefix(lines: readonly TextLine[]): boolean {
  return lines.length <= 2 && lines.reduce((n, l) => n + l.text.length, 0) < 40;
}

export function segmentDocument(pages: PageResult[], options: SegmentOptions): SegmentedTelegram[] {
  let profiles = options.profiles;
  if (profiles.length === 0) throw new CablescanError(ErrorCode.PROFILE_INVALID, 'no telegram profiles loaded');
  if (options.forcedProfile) {
    const forced = profiles.find((p) => p.name === options.forcedProfile);
    if (!forced) {
      throw new CablescanError(ErrorCode.PROFILE_INVALID, `unknown profile "${options.forcedProfile}" (known: ${profiles.map((p) => p.name).join(', ')})`);
    }
    profiles = [forced];
  }

  const telegrams: SegmentedTelegram[] = [];
  for (const group of groupByDocument(pages)) {
    const lines = linesOfPages(group, options.ignoredLines);
    if (lines.length === 0) continue; // blank pages: no telegram to report
    // Only telegram headings split a document inside a page; other kinds are one document per grouping.
    const telegramProfiles = profiles.filter((p) => p.kind === 'telegram');
    let starts = telegramProfiles.length ? findStarts(lines, telegramProfiles) : [];
    if (options.splitAtPageTops === false) {
      starts = starts.filter((s) => !isPageTopStart(lines, s.line, group[0].pageId));
      // A document the grouping made that reads as a letter, a despatch or a report is one record:
      // its date line is no DFAT heading, its quoted cable no telegram of its own.
      if (starts.length > 0 && !options.forcedProfile && chooseProfile(lines, profiles).best.profile.kind !== 'telegram') starts = [];
    }
    const bounds: { line: number; reason: string; strayLines?: number }[] = starts.map((s) => ({ line: s.line, reason: s.reason }));
    // A few stray lines above the first heading (a stamp, a file mark) belong to that telegram.
    if (bounds.length > 0 && bounds[0].line > 0 && isStrayPrefix(lines.slice(0, bounds[0].line))) {
      bounds[0] = { line: 0, reason: `${bounds[0].reason}; ${bounds[0].line} stray line(s) above it kept`, strayLines: bounds[0].line };
    }
    if (bounds.length === 0 || bounds[0].line > 0) {
      bounds.unshift({
        line: 0,
        reason: bounds.length === 0 ? 'no telegram heading found: the whole document is one telegram' : 'text before the first telegram heading',
      });
    }
    for (let k = 0; k < bounds.length; k++) {
      const from = bounds[k].line;
      const to = k + 1 < bounds.length ? bounds[k + 1].line : lines.length;
      const own = lines.slice(from, to);
      const chosen = chooseProfile(own, profiles, bounds[k].strayLines);
      const { runnerUp, headingOf, unshown } = chosen;
      // No telegram layout fits well and nothing else does either: the document is not read as a
      // telegram at all (a journal page with a date is no telegram), but as what it is, `other`.
      const floor = profiles.find((p) => p.kind === 'other');
      const best =
        !options.forcedProfile && floor && chosen.best.profile.kind === 'telegram' && chosen.best.score < WEAK_PROFILE_BELOW
          ? extractWithProfile(own, floor, 0)
          : chosen.best;
      // Pages: those holding its lines, plus blank pages between them and the next telegram.
      const pageIds: string[] = [];
      const firstPage = group.findIndex((p) => p.pageId === own[0].page);
      const lastOwnPage = group.findIndex((p) => p.pageId === own[own.length - 1].page);
      const nextStartPage = to < lines.length ? group.findIndex((p) => p.pageId === lines[to].page) : group.length;
      const lastPage = Math.max(lastOwnPage, nextStartPage - 1);
      for (let i = firstPage; i <= lastPage && i < group.length; i++) {
        if (i === firstPage || i <= lastOwnPage || !lines.some((l) => l.page === group[i].pageId)) pageIds.push(group[i].pageId);
      }
      const index = telegrams.filter((t) => t.pages.join('\n') === pageIds.join('\n')).length;
      markSplitRows(best.fields, own);
      // A despatch's later pages may repeat its number in their page mark (`-2- #720`): a second reading of it.
      if (best.profile.kind !== 'telegram') checkNumberOnPageMarks(best.fields.number, group.slice(firstPage + 1, lastPage + 1));
      const telegram: SegmentedTelegram = {
        kind: best.profile.kind,
        profile: best.profile.name,
        profileScore: best.score,
        pages: pageIds,
        index,
        fields: best.fields,
        text: own.map((l) => l.text).join('\n'),
        split: { page: own[0].page, line: own[0].pageLine, reason: bounds[k].reason },
        bodyCoverage: Math.round(best.coverage * 1000) / 1000,
      };
      // A runner-up that misses required fields the winner found explains the telegram less well,
      // however close its score (a place-date line alone reads as a DFAT heading).
      // A fallback of the same kind (the generic despatch under the US one) reads a subset of the
      // winner's fields the same way: close, but no doubt about the kind.
      const sameKindFallback =
        runnerUp && runnerUp.profile.kind === best.profile.kind && best.profile.kind !== 'telegram' && runnerUp.profile.weight < best.profile.weight;
      // Nor is a layout of another kind that shows no cue of its own against the winner's own cues.
      const kindShown = runnerUp !== undefined && kindShownOver(own, best, runnerUp);
      if (runnerUp && !sameKindFallback && !kindShown && best.score - runnerUp.score < AMBIGUITY_MARGIN && runnerUp.requiredFound >= best.requiredFound) {
        // Where both layouts read the same value, which of them is right does not matter to that field.
        const agrees = Object.entries(best.fields)
          .filter(([name, f]) => name !== 'docType' && f.found && runnerUp.fields[name]?.found && runnerUp.fields[name]!.value === f.value)
          .map(([name]) => name);
        telegram.ambiguity = { runnerUp: runnerUp.profile.name, score: runnerUp.score, agrees };
      }
      const rival = !telegram.ambiguity && !options.forcedProfile ? (headingOf ?? (best === chosen.best ? unshown : undefined)) : undefined;
      if (rival) {
        const agrees = Object.entries(best.fields)
          .filter(([name, f]) => name !== 'docType' && f.found && rival.fields[name]?.found && rival.fields[name]!.value === f.value)
          .map(([name]) => name);
        telegram.ambiguity = { runnerUp: rival.profile.name, score: rival.score, agrees };
      }
      if (!options.forcedProfile && best.score < WEAK_PROFILE_BELOW && best.profile.fields.length > 0) telegram.weakProfile = true;
      if (best.cues.length) telegram.cues = best.cues;
      telegrams.push(telegram);
    }
  }
  return telegrams;
}
