// Registry of sample layouts. A new layout is one module implementing `DocumentLayout`
// (see ../model.ts) plus a line here. `LAYOUTS` are the telegram layouts, the default of
// evaluation sets and of the field benchmark (their sets must not change); the layouts
// of the other kinds are in `DOCUMENT_LAYOUTS`.

import type { AnyLayout, Layout } from '../model.ts';
import { CablescanError, ErrorCode } from '../../errors.ts';
import { sovietCipherLayout } from './soviet-cipher.ts';
import { sovietCodedLayout } from './soviet-coded.ts';
import { usStateLayout } from './us-state.ts';
import { dfatCableLayout } from './dfat-cable.ts';
import { genericLayout } from './generic.ts';
import { letterLayout } from './letter.ts';
import { usDespatchLayout } from './us-despatch.ts';
import { reportLayout } from './report.ts';

export const LAYOUTS: Readonly<Record<string, Layout>> = {
  [sovietCipherLayout.profile]: sovietCipherLayout,
  [sovietCodedLayout.profile]: sovietCodedLayout,
  [usStateLayout.profile]: usStateLayout,
  [dfatCableLayout.profile]: dfatCableLayout,
  [genericLayout.profile]: genericLayout,
};

/** Layouts of documents that are not telegrams (despatch, letter, report). */
export const DOCUMENT_LAYOUTS: Readonly<Record<string, AnyLayout>> = {
  [usDespatchLayout.profile]: usDespatchLayout,
  [letterLayout.profile]: letterLayout,
  [reportLayout.profile]: reportLayout,
};

export const ALL_LAYOUTS: Readonly<Record<string, AnyLayout>> = { ...LAYOUTS, ...DOCUMENT_LAYOUTS };

export function layoutByProfile(profile: string): AnyLayout {
  const layout = ALL_LAYOUTS[profile];
  if (!layout) {
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `unknown sample layout "${profile}" (known: ${Object.keys(ALL_LAYOUTS).join(', ')})`);
  }
  return layout;
}

/** A telegram layout by name (the evaluation sets' legacy path needs a Telegram). */
export function telegramLayout(profile: string): Layout | undefined {
  return LAYOUTS[profile];
}
