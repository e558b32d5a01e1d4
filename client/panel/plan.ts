/**
 * The interview plan is a Y.Array of question ids that several interviewers edit at once. A
 * reorder is a delete plus an insert in one transaction; two interviewers moving the same
 * question at the same moment can therefore leave it in the array twice. Readers show each id
 * once (its first occurrence), and every local edit removes the extra copies it finds, so the
 * doc heals on the next edit and everyone sees the same order meanwhile.
 */
import type * as Y from 'yjs';

/** The plan as shown: each question once, first occurrence wins. */
export function normalizePlan(raw: readonly string[]): string[] {
  return [...new Set(raw)];
}

/** `list` with the item at `from` moved to index `to` (clamped); a copy. */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list];
  if (from < 0 || from >= next.length) return next;
  const [item] = next.splice(from, 1);
  next.splice(Math.max(0, Math.min(to, next.length)), 0, item as T);
  return next;
}

/** Where a keyboard reorder (Alt+↑/↓, Alt+Home/End) sends the item at `index`; null for other keys. */
export function reorderTarget(index: number, key: string, length: number): number | null {
  switch (key) {
    case 'ArrowUp':
      return index > 0 ? index - 1 : null;
    case 'ArrowDown':
      return index < length - 1 ? index + 1 : null;
    case 'Home':
      return index > 0 ? 0 : null;
    case 'End':
      return index < length - 1 ? length - 1 : null;
    default:
      return null;
  }
}

/**
 * Drag and drop: the index an item dragged from `from` ends up at when dropped before (or
 * after) the item at `over`, in the list without the dragged item put back.
 */
export function dropIndex(from: number, over: number, after: boolean): number {
  const target = after ? over + 1 : over;
  return target > from ? target - 1 : target;
}

function removeAll(plan: Y.Array<string>, id: string): void {
  const raw = plan.toArray();
  for (let i = raw.length - 1; i >= 0; i--) if (raw[i] === id) plan.delete(i, 1);
}

function removeDuplicates(plan: Y.Array<string>): void {
  const seen = new Set<string>();
  const raw = plan.toArray();
  const extra: number[] = [];
  raw.forEach((id, i) => (seen.has(id) ? extra.push(i) : seen.add(id)));
  for (let k = extra.length - 1; k >= 0; k--) plan.delete(extra[k]!, 1);
}

function transact(plan: Y.Array<string>, edit: () => void): void {
  if (plan.doc) plan.doc.transact(edit);
  else edit();
}

/** Moves question `id` to position `to` of the shown plan (one transaction: delete + insert). */
export function movePlanItem(plan: Y.Array<string>, id: string, to: number): void {
  transact(plan, () => {
    removeDuplicates(plan);
    const from = plan.toArray().indexOf(id);
    if (from < 0) return;
    const target = Math.max(0, Math.min(to, plan.length - 1));
    if (target === from) return;
    plan.delete(from, 1);
    plan.insert(target, [id]);
  });
}

/** Appends a question unless it is already planned. */
export function addPlanItem(plan: Y.Array<string>, id: string): void {
  transact(plan, () => {
    removeDuplicates(plan);
    if (!plan.toArray().includes(id)) plan.push([id]);
  });
}

export function removePlanItem(plan: Y.Array<string>, id: string): void {
  transact(plan, () => removeAll(plan, id));
}

/** Makes the plan exactly `ids` (each once), in one transaction: a practice room's "Practice N questions". */
export function replacePlan(plan: Y.Array<string>, ids: readonly string[]): void {
  transact(plan, () => {
    if (plan.length > 0) plan.delete(0, plan.length);
    plan.push(normalizePlan(ids));
  });
}
