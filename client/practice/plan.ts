/**
 * "Practice N questions": which questions of the bank a practice plan takes, and where a plan
 * stands. The plan itself is the panel doc's plan array, written through client/panel/plan.ts
 * like the interview panel's, so both peers of a practice room see the same plan.
 */
import { fnv1a, mulberry32 } from '../../questions/_lib/rng.js';

export const DEFAULT_PLAN_SIZE = 3;

export interface PlanCandidate {
  id: string;
  topic: string;
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * `n` distinct question ids (fewer if the bank is smaller), spread over topics: one question per
 * topic, topics in a shuffled order, before any topic gets a second. The order is the plan's order.
 * A pure function of the bank, `n` and `seed`.
 */
export function pickPracticePlan(bank: readonly PlanCandidate[], n: number, seed: string): string[] {
  // The seed is the room id: the same room gets the same plan.
  const random = mulberry32(fnv1a(seed));
  const byTopic = new Map<string, string[]>();
  for (const q of shuffled(bank, random)) {
    const list = byTopic.get(q.topic);
    if (list) list.push(q.id);
    else byTopic.set(q.topic, [q.id]);
  }
  const queues = [...byTopic.values()];
  const want = Math.max(0, Math.min(Math.floor(n), bank.length));
  const out: string[] = [];
  for (let round = 0; out.length < want; round++) {
    for (const queue of queues) {
      const id = queue[round];
      if (id !== undefined && out.length < want) out.push(id);
    }
  }
  return out;
}

export interface PlanProgress {
  /** 1-based position of the question on screen in the plan */
  position: number;
  total: number;
  /** the plan's next question, null on its last */
  nextId: string | null;
}

/** Where the question on screen stands in the plan; null when it is not one of the plan's. */
export function planProgress(plan: readonly string[], currentId: string | null): PlanProgress | null {
  const index = currentId === null ? -1 : plan.indexOf(currentId);
  if (index < 0) return null;
  return { position: index + 1, total: plan.length, nextId: plan[index + 1] ?? null };
}
