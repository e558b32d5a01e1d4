/**
 * A practice room's plan of N questions: the panel doc's plan array (client/panel/plan.ts writes
 * it, as in an interview), where the question on screen stands in it, and whether the person has
 * finished that question (the asker at any time; the practiser once they have scored themselves).
 */
import { useCallback, useMemo } from 'react';
import type * as Y from 'yjs';
import { panelPlan, panelScores, readPanelScores } from '../../shared/doc.js';
import { normalizePlan, replacePlan } from '../panel/plan.js';
import { useYVersion } from '../panel/useYVersion.js';
import { pickPracticePlan, planProgress, type PlanCandidate } from './plan.js';

export interface PracticePlanInput {
  panelDoc: Y.Doc | null;
  roomId: string;
  bank: readonly PlanCandidate[] | null;
  currentId: string | null;
  raterId: string;
  /** the asker moves on without scoring; the practiser scores first */
  asking: boolean;
  start: (questionId: string) => Promise<void>;
}

export function usePracticePlan({ panelDoc, roomId, bank, currentId, raterId, asking, start }: PracticePlanInput) {
  const planType = useMemo(() => (panelDoc ? panelPlan(panelDoc) : null), [panelDoc]);
  const scoresType = useMemo(() => (panelDoc ? panelScores(panelDoc) : null), [panelDoc]);
  const planVersion = useYVersion(planType);
  const scoresVersion = useYVersion(scoresType);
  const plan = useMemo(() => {
    void planVersion;
    return planType ? normalizePlan(planType.toArray()) : [];
  }, [planType, planVersion]);
  const scored = useMemo(() => {
    void scoresVersion;
    if (!panelDoc || currentId === null) return false;
    return Object.keys(readPanelScores(panelDoc)[raterId]?.[currentId] ?? {}).length > 0;
  }, [panelDoc, currentId, raterId, scoresVersion]);

  const begin = useCallback(
    async (n: number) => {
      if (!planType || !bank) return;
      const ids = pickPracticePlan(bank, n, roomId);
      replacePlan(planType, ids);
      if (ids[0]) await start(ids[0]);
    },
    [planType, bank, roomId, start],
  );

  return { plan, progress: planProgress(plan, currentId), finished: asking || scored, ready: planType !== null && bank !== null, begin };
}
