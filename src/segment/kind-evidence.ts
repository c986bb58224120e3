// Which kind a document is, from the layout evidence two readings of different kinds found on it.
// Evidence counts for a kind only where the other kind does not explain the same line: a
// despatch's `Sir:` is also a letter's salutation, so a letter reading that shows nothing but
// `Sir:` has no evidence of its own against a despatch reading that also shows its post heading,
// `Subject:` and `Respectfully yours,` (docs/decisions.md, issue 16 session 11). A field read under
// its printed label is evidence too when the rival kind has no such field at all: a despatch's
// `No. 76` is nothing a letter reads (session 13).
import type { Extraction } from './extract.ts';
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

/**
 * Evidence for `a`'s layout that `b` does not share: its cues on lines no cue of `b` matches, and
 * the fields `a` read under a cleanly read label that `b`'s profile has no field for (a despatch's
 * `No.` against a letter), each on a line no counted cue already stands on (`Subject:` is a cue
 * and a label: one piece of evidence).
 */
export function ownEvidence(lines: readonly TextLine[], a: Extraction, b: Extraction): number {
  const explained = new Set(cueLines(lines, b.profile).flat());
  const own = cueLines(lines, a.profile).filter((at) => at.some((i) => !explained.has(i)));
  const counted = new Set(own.flat());
  const rivalFields = new Set(b.profile.fields.map((f) => f.name));
  const fields = Object.entries(a.labelled).filter(([name, at]) => !rivalFields.has(name) && at.every((i) => !counted.has(i) && !explained.has(i)));
  return own.length + fields.length;
}

/** Evidence of its own a layout must show over a rival that shows none (post heading and Subject:, say). */
export const OWN_CUES_OVER_NONE = 2;

/**
 * Two readings of different kinds that are not telegrams: is `a` shown to be the kind, `b` not?
 * `b` shows no evidence `a` does not explain, and `a` shows at least OWN_CUES_OVER_NONE of its own.
 */
export function kindShownOver(lines: readonly TextLine[], a: Extraction, b: Extraction): boolean {
  if (a.profile.kind === b.profile.kind || a.profile.kind === 'telegram' || b.profile.kind === 'telegram') return false;
  return ownEvidence(lines, b, a) === 0 && ownEvidence(lines, a, b) >= OWN_CUES_OVER_NONE;
}
