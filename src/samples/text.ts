// Small text helpers shared by layouts: typewriter line wrapping and date words.

import { MONTHS } from './vocabulary.ts';
import type { CalendarDate, TypedLine } from './model.ts';

/**
 * Greedy word wrap at `columns`, the way a typist breaks lines: never inside a
 * word (a word longer than the line is cut), first line indented by `firstIndent`.
 */
export function wrapParagraph(text: string, columns: number, firstIndent = 0): TypedLine[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const lines: TypedLine[] = [];
  let current = '';
  let indent = firstIndent;
  const flush = (): void => {
    lines.push({ text: current, align: 'left', indent });
    current = '';
    indent = 0;
  };
  for (const word of words) {
    let rest = word;
    while (indent + rest.length > columns) {
      if (current) flush();
      lines.push({ text: rest.slice(0, columns - indent), align: 'left', indent });
      rest = rest.slice(columns - indent);
      indent = 0;
    }
    const candidate = current ? `${current} ${rest}` : rest;
    if (indent + candidate.length > columns) {
      flush();
      current = rest;
    } else {
      current = candidate;
    }
  }
  if (current) flush();
  return lines;
}

export function monthName(month: number): string {
  return MONTHS[month - 1];
}

export function isoDate(date: CalendarDate): string {
  const mm = String(date.month).padStart(2, '0');
  const dd = String(date.day).padStart(2, '0');
  return `${date.year}-${mm}-${dd}`;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function ordinal(n: number): string {
  const mod100 = n % 100;
  if (mod100 >= 11 && mod100 <= 13) return `${n}th`;
  const suffix = ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** "HH:MM" from minutes after midnight (wrapping past 24 h). */
export function clock(minutes: number, separator = ':'): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}${separator}${String(m % 60).padStart(2, '0')}`;
}

/**
 * A time of day as typed in English-language cables: FRUS style "8 p. m.",
 * "10:20 a. m.", "noon"; Australian style "5.45 p.m.", "11 a.m.".
 */
export function twelveHour(minutes: number, style: 'frus' | 'dfat'): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  if (style === 'frus' && m === 720) return 'noon';
  const hour24 = Math.floor(m / 60);
  const minute = m % 60;
  const hour12 = hour24 % 12 === 0 ? 12 : hour24 % 12;
  const suffix = style === 'frus' ? (hour24 < 12 ? 'a. m.' : 'p. m.') : hour24 < 12 ? 'a.m.' : 'p.m.';
  const mm = String(minute).padStart(2, '0');
  if (minute === 0) return `${hour12} ${suffix}`;
  return style === 'frus' ? `${hour12}:${mm} ${suffix}` : `${hour12}.${mm} ${suffix}`;
}

/** "November 22, 1963" */
export function usDate(date: CalendarDate): string {
  return `${monthName(date.month)} ${date.day}, ${date.year}`;
}

/** "20 March 1947" */
export function dayMonthYear(date: CalendarDate): string {
  return `${date.day} ${monthName(date.month)} ${date.year}`;
}

/** One typed line with `left` at the margin and `right` ending at the last column (e.g. number and date). */
export function spread(left: string, right: string, columns: number): TypedLine {
  const gap = Math.max(2, columns - left.length - right.length);
  return { text: `${left}${' '.repeat(gap)}${right}`, align: 'left' };
}
