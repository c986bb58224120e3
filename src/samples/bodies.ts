// Assembles invented telegram bodies from the sentence templates.

import type { Rng } from './random.ts';
import { OPENING_TEMPLATES, SENTENCE_TEMPLATES } from './sentences.ts';
import { CABLE_TEMPLATES, PROSE_TEMPLATES, type BodyStyle } from './body-styles.ts';
import { COMMODITIES, COUNTRIES, FOREIGN_NAMES, MILITARY_UNITS, MONTHS, ORGANISATIONS, ORIGIN_PLACES, WEEKDAYS } from './vocabulary.ts';
import { clock, ordinal } from './text.ts';

function fillSlot(slot: string, rng: Rng): string {
  switch (slot) {
    case 'city':
      return rng.pick(ORIGIN_PLACES);
    case 'country':
      return rng.pick(COUNTRIES);
    case 'foreign':
      return rng.pick(FOREIGN_NAMES);
    case 'org':
      return rng.pick(ORGANISATIONS);
    case 'commodity':
      return rng.pick(COMMODITIES);
    case 'unit':
      return rng.pick(MILITARY_UNITS);
    case 'month':
      return rng.pick(MONTHS);
    case 'weekday':
      return rng.pick(WEEKDAYS);
    case 'day':
      return ordinal(rng.int(1, 28));
    case 'n':
      return String(rng.int(2, 40));
    case 'big':
      return String(rng.int(2, 95) * 100 + rng.pick([0, 0, 50]));
    case 'percent':
      return String(rng.int(5, 60));
    case 'time':
      return clock(rng.int(6 * 12, 23 * 12) * 5);
    default:
      throw new Error(`unknown sentence slot {${slot}}`);
  }
}

export function fillTemplate(template: string, rng: Rng): string {
  const filled = template.replace(/\{(\w+)\}/g, (_, slot: string) => fillSlot(slot, rng));
  return filled.charAt(0).toUpperCase() + filled.slice(1);
}

/** Sentences from `templates`, not repeating one inside a telegram (gives up after a few tries). */
function sentencePicker(rng: Rng, templates: readonly string[], finish: (s: string) => string = (s) => s): () => string {
  const used = new Set<number>();
  return () => {
    let index = rng.int(0, templates.length - 1);
    for (let tries = 0; used.has(index) && tries < 8; tries++) index = rng.int(0, templates.length - 1);
    used.add(index);
    return finish(fillTemplate(templates[index]!, rng));
  };
}

/** `count` sentences in paragraphs of one to three, as a numbered list when `numbered`. */
function paragraphsOf(rng: Rng, count: number, sentence: () => string, numbered: boolean): string[] {
  const paragraphs: string[] = [];
  let remaining = count;
  let item = 1;
  while (remaining > 0) {
    const size = Math.min(remaining, rng.int(1, 3));
    const parts: string[] = [];
    for (let i = 0; i < size; i++) parts.push(sentence());
    remaining -= size;
    paragraphs.push(numbered ? `${item++}. ${parts.join(' ')}` : parts.join(' '));
  }
  return paragraphs;
}

/**
 * Paragraphs of an invented body with `sentenceCount` sentences in all: an
 * opening paragraph, plain paragraphs, and sometimes a numbered list as in the seed.
 */
export function inventBody(rng: Rng, sentenceCount: number): string[] {
  const sentence = sentencePicker(rng, SENTENCE_TEMPLATES);
  const opening: string[] = [];
  let remaining = Math.max(1, sentenceCount);
  if (remaining > 2 && rng.chance(0.5)) {
    opening.push(fillTemplate(rng.pick(OPENING_TEMPLATES), rng));
    remaining--;
  }
  const numbered = remaining >= 4 && rng.chance(0.4);
  return [...opening, ...paragraphsOf(rng, remaining, sentence, numbered)];
}

/**
 * A body in one of the voices of body-styles.ts. "report" is `inventBody`; the others
 * draw their sentences from their own templates (no opening sentence, sometimes numbered).
 */
export function inventStyledBody(rng: Rng, sentenceCount: number, style: BodyStyle): string[] {
  if (style === 'report') return inventBody(rng, sentenceCount);
  const sentence = sentencePicker(rng, style === 'cable' ? CABLE_TEMPLATES : PROSE_TEMPLATES, style === 'cable' ? (s) => s.toUpperCase() : undefined);
  const numbered = sentenceCount >= 4 && rng.chance(0.4);
  return paragraphsOf(rng, Math.max(1, sentenceCount), sentence, numbered);
}

/** The voice of an English-language cable's body, drawn from its own fork so other draws do not shift. */
export function pickBodyStyle(rng: Rng): BodyStyle {
  return rng.fork('body-style').pick(['report', 'cable', 'prose'] as const);
}
