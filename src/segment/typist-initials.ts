// The reference a typist puts on a despatch or a letter: the initials of the one who wrote it, then
// the typist's (`FPH/CKH` on the corpus's 1939 despatch, drafted by Frederick P. Hibbard, who signed
// the 1940 one; `Ref. JB/ms` on a letter signed J. B. Pemberton). The writer is often the signer, not
// always (the 1939 despatch is signed by the Minister), so a reference only adds evidence: never holds
// a name. Those capitals are typed in the body's type, away from the pen scrawl over the typed name.
// An initial read weakly under the scrawl (`Howard J.@34 Whitlock`) and spelled by the reference is
// evidenced by it; the name's other words are still judged by their own confidence.
import type { FieldDraft } from './draft.ts';
import type { TextLine } from './lines.ts';

/** `FPH:ems`, `HJW : dg`, `Ref. JB/ms`: two to four capitals, a colon or a slash, the typist's two or three small letters. */
const REFERENCE = /(?:^|\bRef\.?\s*)([A-Z]{2,4})\s*[:/]\s*[a-z1]{2,3}\b/u;

/** Note: the signer's initials are spelled by the typist's reference on the document. */
export const INITIALS_IN_REFERENCE = 'initials_in_reference';

/** The initials of the typist's references on `lines` (short lines only: a reference stands alone). */
export function referenceInitials(lines: readonly TextLine[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const text = line.text.trim();
    if (text.length > 24) continue;
    const m = REFERENCE.exec(text);
    if (m) out.push(m[1]!);
  }
  return out;
}

/**
 * Notes the signature when a reference spells the first letters of its words, all of them, or at least
 * its first two and up to a word that is an initial (a letter's `JB` for `J. B. Pemberton`).
 */
export function checkSignerInitials(signature: FieldDraft | undefined, lines: readonly TextLine[]): void {
  if (!signature?.found || typeof signature.value !== 'string') return;
  const words = signature.value.split(/\s+/).filter(Boolean);
  const initials = words.map((w) => w[0]!.toUpperCase()).join('');
  if (words.length < 2 || !words.some((w) => /^\p{Lu}\.$/u.test(w))) return;
  const spelled = referenceInitials(lines).some((ref) => {
    if (ref === initials) return true;
    // A prefix of the name's initials that reaches its last initial word (`JB` for `J. B. Pemberton`).
    const lastInitial = words.map((w) => /^\p{Lu}\.$/u.test(w)).lastIndexOf(true);
    return ref.length >= 2 && ref.length > lastInitial && initials.startsWith(ref);
  });
  if (spelled) signature.notes.push(INITIALS_IN_REFERENCE);
}
