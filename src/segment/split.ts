// Document splitting: where does each telegram start? A line that matches a
// profile's heading starts a telegram, if the lines below it read as that
// profile's header. Everything up to the next heading (across page breaks)
// belongs to the telegram, so a page without a heading continues the one before.
import { extractWithProfile, headerRequiredShare } from './extract.ts';
import type { TextLine } from './lines.ts';
import type { Profile } from './profile-schema.ts';
import { matchLabels } from './text.ts';

export interface TelegramStart {
  line: number;
  profile: string;
  score: number;
  reason: string;
}

/** How well line `i` reads as a heading of `profile` (0 = not at all). */
export function headingScore(line: TextLine, profile: Profile): { score: number; what: string } {
  let best = { score: 0, what: '' };
  for (const s of profile.start) {
    if (s.label) {
      const m = matchLabels(line.text, [s.label], s.position);
      // A heading is capitalised; a wrapped body line that begins with the word
      // ("telegram and of my letter of ...") is not one.
      if (m && /[a-z]/.test(line.text.charAt(m.start))) continue;
      if (m && m.score > best.score) best = { score: m.score, what: `heading "${s.label}"` };
    } else if (s.regex && new RegExp(s.regex, 'i').test(line.text) && best.score < 1) {
      best = { score: 1, what: `heading /${s.regex.slice(0, 40)}/` };
    }
  }
  return best;
}

/** Minimum share of a profile's required header fields found below a heading for it to count. */
const MIN_HEADER_SHARE = 0.75;
/**
 * A heading this few lines below the previous start belongs to the same header
 * (DFAT's "CABLEGRAM TO CANBERRA" above "Cablegram 59 MOSCOW, ..."): a telegram needs a body.
 */
const SAME_HEADER_LINES = 2;
/** Lines at the top of a page searched for a header whose heading the OCR lost. */
const PAGE_TOP_LINES = 3;

/**
 * The top of a page that reads as a complete telegram header (every required header field
 * of a profile that has at least three, heading or not) starts a telegram: an archive's
 * pages are single telegrams far more often than continuations that happen to open with
 * a number, a date and a place, and a heading garbled by the OCR must not glue a telegram
 * to the one before it.
 */
function headerWithoutHeading(lines: readonly TextLine[], i: number, profiles: readonly Profile[]): TelegramStart | null {
  let best: TelegramStart | null = null;
  for (const profile of profiles) {
    const headerRequired = profile.fields.filter((f) => f.required && f.zone !== 'closing' && f.parser !== 'body' && !f.fallback);
    if (new Set(headerRequired.map((f) => f.name)).size < 3) continue;
    // The header must lie above the next heading, or it is that telegram's header.
    let end = Math.min(lines.length, i + profile.headerLines);
    for (let j = i + 1; j < end; j++) {
      if (profiles.some((p) => headingScore(lines[j], p).score > 0)) end = j;
    }
    if (headerRequiredShare(lines.slice(i, end), profile) < 1) continue;
    const score = 0.5 * profile.weight;
    if (!best || score > best.score)
      best = { line: i, profile: profile.name, score, reason: `page opens with a complete ${profile.name} header (no heading read)` };
  }
  return best;
}

/**
 * A heading below the previous start with no body between them is part of the same header:
 * DFAT's page title `CABLEGRAM TO CANBERRA` above `Cablegram 59 MOSCOW, ...`, or a generic
 * `CABLE / Nr. 7628 / To: ...` above a place-date line that reads as a DFAT heading.
 */
function sameHeader(lines: readonly TextLine[], previous: TelegramStart, line: number, profiles: readonly Profile[]): boolean {
  // A heading on a later page starts its own telegram, however little the page before held.
  if (lines[line].page !== lines[previous.line].page) return false;
  if (line - previous.line <= SAME_HEADER_LINES) return true;
  const profile = profiles.find((p) => p.name === previous.profile);
  if (!profile) return false;
  const body = extractWithProfile(lines.slice(previous.line, line), profile, 1).fields.body;
  return !body?.found;
}

/** How far right of the page's text margin a signature sits: typed signatures are set off to the right. */
const SIGNATURE_INDENT_SHARE = 0.4;

/**
 * The telegram running from `from` visibly ends on the page before line `to`: its signature,
 * set off to the right, is in the closing lines of that page. The next page then starts
 * something else even without a readable heading (a scan the OCR could not read must not
 * hand its scraps to the telegram before it, nor take that telegram's signature).
 */
function endsWithSignature(lines: readonly TextLine[], from: number, to: number, profile: Profile): boolean {
  if (!profile.fields.some((f) => f.name === 'signature')) return false;
  const extraction = extractWithProfile(lines.slice(from, to), profile, 0);
  const signature = extraction.fields.signature;
  if (!signature?.found || !signature.bbox || signature.page !== lines[to - 1].page) return false;
  const words = lines.filter((l) => l.page === signature.page).flatMap((l) => l.words);
  const left = Math.min(...words.map((w) => w.bbox[0]));
  const right = Math.max(...words.map((w) => w.bbox[2]));
  return right > left && signature.bbox[0] - left > SIGNATURE_INDENT_SHARE * (right - left);
}

export function findStarts(lines: readonly TextLine[], profiles: readonly Profile[]): TelegramStart[] {
  const starts: TelegramStart[] = [];
  for (let i = 0; i < lines.length; i++) {
    let best: TelegramStart | null = null;
    for (const profile of profiles) {
      const h = headingScore(lines[i], profile);
      if (h.score === 0) continue;
      // A heading-like sentence in a body is not a telegram start unless a header follows it.
      const window = lines.slice(i, i + profile.headerLines);
      const headerFound = headerRequiredShare(window, profile);
      if (headerFound < MIN_HEADER_SHARE) continue;
      const score = h.score * headerFound;
      if (!best || score > best.score) best = { line: i, profile: profile.name, score, reason: `${h.what} (${profile.name}, label ${h.score.toFixed(2)})` };
    }
    const previousStart = starts.length ? starts[starts.length - 1].line : -1;
    if (!best && i > 0 && lines[i].page !== lines[i - 1].page && (previousStart < 0 || lines[previousStart].page !== lines[i].page)) {
      // First line of a page with no start on it yet: look for a header whose heading is lost.
      for (let k = i; k < i + PAGE_TOP_LINES && k < lines.length && lines[k].page === lines[i].page && !best; k++) {
        if (k > i && profiles.some((p) => headingScore(lines[k], p).score > 0)) break; // the heading loop will see it
        best = headerWithoutHeading(lines, k, profiles);
        if (best && k > i) best = { ...best, line: i };
      }
    }
    if (!best && previousStart >= 0 && lines[i].page !== lines[i - 1].page) {
      const before = profiles.find((p) => p.name === starts[starts.length - 1].profile)!;
      if (endsWithSignature(lines, previousStart, i, before)) {
        best = {
          line: i,
          profile: before.name,
          score: 0,
          reason: `no heading read on this page, but the ${before.name} telegram before it ends with its signature on the page before`,
        };
      }
    }
    if (!best) continue;
    if (previousStart >= 0 && best.line > previousStart && sameHeader(lines, starts[starts.length - 1], best.line, profiles)) continue;
    const profile = profiles.find((p) => p.name === best!.profile)!;
    if (profile.startIncludesPrevious && i - 1 > previousStart && new RegExp(profile.startIncludesPrevious, 'i').test(lines[i - 1].text.trim())) {
      best = { ...best, line: i - 1 };
    }
    if (best.line > previousStart) starts.push(best);
  }
  return starts;
}

/** Rows from the top of a page within which a heading still opens the page (stamps, file marks above it). */
const OPENING_LINES = 4;

/**
 * How the top of one page opens a telegram (or another document a profile describes), if it
 * does: a heading with its header below it, or a complete header whose heading was lost.
 * Evidence for the grouping decision; `lines` are that page's lines alone.
 */
export function pageOpening(lines: readonly TextLine[], profiles: readonly Profile[]): TelegramStart | null {
  const top = lines.slice(0, OPENING_LINES + 8);
  const start = findStarts(top, profiles).find((s) => s.line < OPENING_LINES);
  if (start) return start;
  for (let k = 0; k < PAGE_TOP_LINES && k < lines.length; k++) {
    const found = headerWithoutHeading(lines, k, profiles);
    if (found) return found;
  }
  return null;
}
