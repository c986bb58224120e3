// Document splitting: where does each telegram start? A line that matches a
// profile's heading starts a telegram, if the lines below it read as that
// profile's header. Everything up to the next heading (across page breaks)
// belongs to the telegram, so a page without a heading continues the one before.
import { extractWithProfile } from './extract.ts';
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
      if (m && m.score > best.score) best = { score: m.score, what: `heading "${s.label}"` };
    } else if (s.regex && new RegExp(s.regex, 'i').test(line.text) && best.score < 1) {
      best = { score: 1, what: `heading /${s.regex.slice(0, 40)}/` };
    }
  }
  return best;
}

/** Minimum share of a profile's required header fields found below a heading for it to count. */
const MIN_HEADER_SHARE = 0.75;

export function findStarts(lines: readonly TextLine[], profiles: readonly Profile[]): TelegramStart[] {
  const starts: TelegramStart[] = [];
  for (let i = 0; i < lines.length; i++) {
    let best: TelegramStart | null = null;
    for (const profile of profiles) {
      const h = headingScore(lines[i], profile);
      if (h.score === 0) continue;
      // A heading-like sentence in a body is not a telegram start unless a header follows it.
      const window = lines.slice(i, i + profile.headerLines);
      const extraction = extractWithProfile(window, profile, h.score);
      if (extraction.headerRequiredFound < MIN_HEADER_SHARE) continue;
      const score = h.score * extraction.headerRequiredFound;
      if (!best || score > best.score) best = { line: i, profile: profile.name, score, reason: `${h.what} (${profile.name}, label ${h.score.toFixed(2)})` };
    }
    if (!best) continue;
    const profile = profiles.find((p) => p.name === best!.profile)!;
    const previousStart = starts.length ? starts[starts.length - 1].line : -1;
    if (profile.startIncludesPrevious && i - 1 > previousStart && new RegExp(profile.startIncludesPrevious, 'i').test(lines[i - 1].text.trim())) {
      best = { ...best, line: i - 1 };
    }
    if (best.line > previousStart) starts.push(best);
  }
  return starts;
}
