import { describe, expect, it } from 'vitest';
import { pickPracticePlan, planProgress, type PlanCandidate } from '../../client/practice/plan.js';

const bank: PlanCandidate[] = [
  { id: 'a1', topic: 'attention' },
  { id: 'a2', topic: 'attention' },
  { id: 'a3', topic: 'attention' },
  { id: 'o1', topic: 'optimisation' },
  { id: 'o2', topic: 'optimisation' },
  { id: 's1', topic: 'systems' },
];
const topicOf = (id: string) => bank.find((q) => q.id === id)!.topic;

describe('pickPracticePlan', () => {
  it('takes one question per topic before any topic gets a second', () => {
    for (const seed of ['room-a', 'room-b', 'room-c', 'xyz']) {
      const three = pickPracticePlan(bank, 3, seed);
      expect(new Set(three.map(topicOf)).size, seed).toBe(3);
      const five = pickPracticePlan(bank, 5, seed);
      expect(new Set(five).size).toBe(5);
      // the first round (three topics) comes first, then the second round (two topics left with a second question)
      expect(new Set(five.slice(0, 3).map(topicOf)).size).toBe(3);
      expect(five.slice(3).map(topicOf).sort()).toEqual(['attention', 'optimisation']);
    }
  });

  it('is the same plan for the same room, and varies between rooms', () => {
    expect(pickPracticePlan(bank, 3, 'room-a')).toEqual(pickPracticePlan(bank, 3, 'room-a'));
    const plans = new Set(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8'].map((seed) => pickPracticePlan(bank, 3, seed).join(',')));
    expect(plans.size).toBeGreaterThan(1);
  });

  it('never asks for more than the bank holds, nor less than nothing', () => {
    expect(pickPracticePlan(bank, 99, 'r').sort()).toEqual(bank.map((q) => q.id).sort());
    expect(pickPracticePlan(bank, 0, 'r')).toEqual([]);
    expect(pickPracticePlan(bank, -2, 'r')).toEqual([]);
    expect(pickPracticePlan([], 3, 'r')).toEqual([]);
  });
});

describe('planProgress', () => {
  it('says where the question on screen stands, and what comes next', () => {
    expect(planProgress(['q1', 'q2', 'q3'], 'q1')).toEqual({ position: 1, total: 3, nextId: 'q2' });
    expect(planProgress(['q1', 'q2', 'q3'], 'q3')).toEqual({ position: 3, total: 3, nextId: null });
    expect(planProgress(['q1', 'q2', 'q3'], 'other')).toBeNull();
    expect(planProgress(['q1'], null)).toBeNull();
  });
});
