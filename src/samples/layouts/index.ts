// Registry of sample layouts. A new layout is one module implementing `Layout`
// (see ../model.ts) plus a line here.

import type { Layout } from '../model.ts';
import { CablescanError, ErrorCode } from '../../errors.ts';
import { sovietCipherLayout } from './soviet-cipher.ts';
import { sovietCodedLayout } from './soviet-coded.ts';
import { usStateLayout } from './us-state.ts';
import { dfatCableLayout } from './dfat-cable.ts';
import { genericLayout } from './generic.ts';

export const LAYOUTS: Readonly<Record<string, Layout>> = {
  [sovietCipherLayout.profile]: sovietCipherLayout,
  [sovietCodedLayout.profile]: sovietCodedLayout,
  [usStateLayout.profile]: usStateLayout,
  [dfatCableLayout.profile]: dfatCableLayout,
  [genericLayout.profile]: genericLayout,
};

export function layoutByProfile(profile: string): Layout {
  const layout = LAYOUTS[profile];
  if (!layout) {
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `unknown sample layout "${profile}" (known: ${Object.keys(LAYOUTS).join(', ')})`);
  }
  return layout;
}
