import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { panelPlan } from '../../shared/doc.js';
import { addPlanItem, dropIndex, moveItem, movePlanItem, normalizePlan, removePlanItem, reorderTarget, replacePlan } from '../../client/panel/plan.js';

function planDoc(ids: string[]): { doc: Y.Doc; plan: Y.Array<string> } {
  const doc = new Y.Doc();
  const plan = panelPlan(doc);
  plan.push(ids);
  return { doc, plan };
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('pure plan helpers', () => {
  it('normalizePlan keeps the first occurrence of each id', () => {
    expect(normalizePlan(['q1', 'q2', 'q1', 'q3', 'q2'])).toEqual(['q1', 'q2', 'q3']);
  });

  it('moveItem moves and clamps, without touching the input', () => {
    const list = ['a', 'b', 'c', 'd'];
    expect(moveItem(list, 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveItem(list, 3, 0)).toEqual(['d', 'a', 'b', 'c']);
    expect(moveItem(list, 1, 99)).toEqual(['a', 'c', 'd', 'b']);
    expect(moveItem(list, 9, 0)).toEqual(list);
    expect(list).toEqual(['a', 'b', 'c', 'd']);
  });

  it('reorderTarget maps Alt+arrows, Home and End, and refuses moves off the ends', () => {
    expect(reorderTarget(1, 'ArrowUp', 3)).toBe(0);
    expect(reorderTarget(0, 'ArrowUp', 3)).toBeNull();
    expect(reorderTarget(1, 'ArrowDown', 3)).toBe(2);
    expect(reorderTarget(2, 'ArrowDown', 3)).toBeNull();
    expect(reorderTarget(2, 'Home', 3)).toBe(0);
    expect(reorderTarget(0, 'End', 3)).toBe(2);
    expect(reorderTarget(0, 'x', 3)).toBeNull();
  });

  it('dropIndex accounts for the dragged item leaving its old place', () => {
    // a b c d: drag a (0) onto the lower half of c (2) -> b c a d
    expect(moveItem(['a', 'b', 'c', 'd'], 0, dropIndex(0, 2, true))).toEqual(['b', 'c', 'a', 'd']);
    // drag d (3) onto the upper half of b (1) -> a d b c
    expect(moveItem(['a', 'b', 'c', 'd'], 3, dropIndex(3, 1, false))).toEqual(['a', 'd', 'b', 'c']);
    // dropping onto itself changes nothing
    expect(dropIndex(2, 2, false)).toBe(2);
    expect(dropIndex(2, 2, true)).toBe(2);
  });
});

describe('plan edits on the Y.Array', () => {
  it('moves an item in one transaction', () => {
    const { doc, plan } = planDoc(['q1', 'q2', 'q3']);
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    movePlanItem(plan, 'q3', 0);
    expect(plan.toArray()).toEqual(['q3', 'q1', 'q2']);
    expect(transactions).toBe(1);
    movePlanItem(plan, 'q3', 99);
    expect(plan.toArray()).toEqual(['q1', 'q2', 'q3']);
  });

  it('adds once, removes every copy, and heals duplicates on the next edit', () => {
    const { plan } = planDoc(['q1', 'q2', 'q1']);
    addPlanItem(plan, 'q2');
    expect(plan.toArray()).toEqual(['q1', 'q2']);
    addPlanItem(plan, 'q4');
    expect(plan.toArray()).toEqual(['q1', 'q2', 'q4']);
    plan.push(['q4']);
    removePlanItem(plan, 'q4');
    expect(plan.toArray()).toEqual(['q1', 'q2']);
  });

  it('two interviewers moving the same question at once converge to one order', () => {
    const a = planDoc(['q1', 'q2', 'q3', 'q4']).doc;
    const b = new Y.Doc();
    sync(a, b);
    movePlanItem(panelPlan(a), 'q4', 0);
    movePlanItem(panelPlan(b), 'q4', 2);
    sync(a, b);
    const shownA = normalizePlan(panelPlan(a).toArray());
    const shownB = normalizePlan(panelPlan(b).toArray());
    expect(shownA).toEqual(shownB);
    expect([...shownA].sort()).toEqual(['q1', 'q2', 'q3', 'q4']);
    // The next edit on either side removes the duplicate for good.
    movePlanItem(panelPlan(a), 'q1', 0);
    sync(a, b);
    expect(panelPlan(b).toArray()).toHaveLength(4);
    expect(panelPlan(a).toArray()).toEqual(panelPlan(b).toArray());
  });

  it('a concurrent add and move both survive', () => {
    const a = planDoc(['q1', 'q2']).doc;
    const b = new Y.Doc();
    sync(a, b);
    movePlanItem(panelPlan(a), 'q2', 0);
    addPlanItem(panelPlan(b), 'q7');
    sync(a, b);
    expect(normalizePlan(panelPlan(a).toArray()).sort()).toEqual(['q1', 'q2', 'q7']);
    expect(panelPlan(a).toArray()).toEqual(panelPlan(b).toArray());
  });
});

describe('replacePlan', () => {
  it('makes the plan exactly the given ids, each once, in one transaction', () => {
    const { doc, plan } = planDoc(['q1', 'q2', 'q1']);
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    replacePlan(plan, ['q3', 'q4', 'q3', 'q5']);
    expect(plan.toArray()).toEqual(['q3', 'q4', 'q5']);
    expect(transactions).toBe(1);
    replacePlan(plan, []);
    expect(plan.toArray()).toEqual([]);
  });
});
