// Which kind a document is, from the layout cues two profiles of different kinds found on it.
// A cue is evidence for a kind only where the other kind does not explain the same line: a
// despatch's `Sir:` is also a letter's salutation, so a letter reading that shows nothing but
// `Sir:` has no evidence of its own against a despatch reading that also shows its post heading,
// `Subject:` and `Respectfully yours,` (docs/decisions.md, issue 16 session 11).
import type { TextLine } from './lines.ts';
import type { Profile } from './profile-schema.ts';

/** The lines of `lines` each cue of `profile` matches, in the cue's zone (header, closing or anywhere). */
export function cueLines(lines: readonly TextLine[], profile: Profile): number[][] {
  return profile.cues.map((cue) => {
    const re = new RegExp(cue.regex, cue.matchCase ? 'u' : 'iu');
    const from = cue.zone === 'closing' ? Math.max(0, lines.length - Math.max(profile.closingLines, 1)) : 0;
    const to = cue.zone === 'header' ? Math.min(lines.length, profile.headerLines) : lines.length;
    const at: number[] = [];
    for (let i = from; i < to; i++) if (re.test(lines[i]!.text)) at.push(i);
    return at;
  });
}

/** How many of `a`'s cues are found on a line no cue of `b` matches: evidence for `a`'s layout that `b` does not share. */
export function ownCues(lines: readonly TextLine[], a: Profile, b: Profile): number {
  const explained = new Set(cueLines(lines, b).flat());
  return cueLines(lines, a).filter((at) => at.some((i) => !explained.has(i))).length;
}

/** Cues of its own a layout must show over a rival that shows none (post heading and Subject:, say). */
export const OWN_CUES_OVER_NONE = 2;

/**
 * Two readings of different kinds that are not telegrams: is `a` shown to be the kind, `b` not?
 * `b` shows no cue `a` does not explain, and `a` shows at least OWN_CUES_OVER_NONE of its own.
 */
export function kindShownOver(lines: readonly TextLine[], a: Profile, b: Profile): boolean {
  if (a.kind === b.kind || a.kind === 'telegram' || b.kind === 'telegram') return false;
  return ownCues(lines, b, a) === 0 && ownCues(lines, a, b) >= OWN_CUES_OVER_NONE;
}
