// What becomes of a person's field decisions when records are regrouped (split,
// merged). The rebuilt records are new records (their ids follow their pages),
// so each decision is looked for in the record that now holds its page: it
// follows the field there when the field is read from the same page and box
// (the person judged that ink), and otherwise the new field waits for a person
// again, with the reason. A pure function of the fields; the store applies it.
import type { BBox } from '../types.ts';
import type { ReviewStatus, StoredField } from './types.ts';

export const GROUPING_CHANGED = 'grouping_changed';

export interface CarrySource {
  id: string;
  /** Page ids, in order. */
  pages: readonly string[];
  fields: readonly StoredField[];
}

export interface CarryPlan {
  carry: Array<{ from: StoredField; to: StoredField; status: ReviewStatus; value: string | number | null }>;
  hold: Array<{ from: StoredField; to: StoredField }>;
  dropped: StoredField[];
}

const sameBox = (a: BBox | null, b: BBox | null): boolean => (a === null || b === null ? a === b : a.every((v, i) => v === b[i]));

export function planCarryOver(retired: readonly CarrySource[], rebuilt: readonly CarrySource[]): CarryPlan {
  const plan: CarryPlan = { carry: [], hold: [], dropped: [] };
  const decided = new Set<number>();
  const held = new Map<number, { from: StoredField; to: StoredField }>();
  for (const old of retired) {
    for (const field of old.fields) {
      if (field.reviewStatus === null) continue;
      // A field with no box (a person said it is absent) belongs where the record began.
      const page = field.page ?? old.pages[0];
      const holders = rebuilt.filter((r) => page !== undefined && r.pages.includes(page));
      const candidates = holders.flatMap((r) => r.fields.filter((f) => f.name === field.name));
      if (candidates.length === 0) {
        plan.dropped.push(field);
        continue;
      }
      const same = candidates.find((f) => f.page === field.page && sameBox(f.bbox, field.bbox));
      if (same) {
        if (same.reviewStatus !== null || decided.has(same.id)) continue;
        decided.add(same.id);
        held.delete(same.id);
        const status: ReviewStatus = field.reviewStatus === 'absent' ? 'absent' : field.value === same.machineValue ? 'confirmed' : 'corrected';
        plan.carry.push({ from: field, to: same, status, value: field.reviewStatus === 'absent' ? null : field.value });
        continue;
      }
      const target = candidates[0]!;
      if (target.reviewStatus !== null || decided.has(target.id) || held.has(target.id)) continue;
      held.set(target.id, { from: field, to: target });
    }
  }
  plan.hold = [...held.values()];
  return plan;
}
