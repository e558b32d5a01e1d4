import type { RaterInfo } from '../../shared/doc.js';
import type { PanelScores } from '../../shared/rubric.js';

export interface RaterEntry {
  id: string;
  name: string;
  joinedAt: number;
}

/**
 * Everyone who rates: the registered raters, plus any id that has scores but no registration
 * (a rater whose entry was lost must not vanish from the totals). Ordered by arrival.
 */
export function raterList(registered: Iterable<[string, RaterInfo]>, scoredIds: Iterable<string>): RaterEntry[] {
  const out = new Map<string, RaterEntry>();
  for (const [id, info] of registered) {
    if (info && typeof info.name === 'string') out.set(id, { id, name: info.name, joinedAt: Number(info.joinedAt) || 0 });
  }
  for (const id of scoredIds) {
    if (!out.has(id)) out.set(id, { id, name: `Interviewer ${id.slice(0, 4)}`, joinedAt: Number.MAX_SAFE_INTEGER });
  }
  return [...out.values()].sort((a, b) => a.joinedAt - b.joinedAt || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/**
 * The questions the totals cover, as the exported scorecard counts them: the plan in order,
 * then any other question someone scored (sorted), so dropping a question from the plan never
 * silently drops its scores. `known` filters out ids the question bank doesn't have.
 */
export function totalsQuestionIds(planIds: readonly string[], panel: PanelScores, known: (id: string) => boolean = () => true): string[] {
  const plan = planIds.filter(known);
  const elsewhere = new Set<string>();
  for (const sheet of Object.values(panel)) {
    for (const id of Object.keys(sheet)) if (!plan.includes(id) && known(id)) elsewhere.add(id);
  }
  return [...plan, ...[...elsewhere].sort()];
}
