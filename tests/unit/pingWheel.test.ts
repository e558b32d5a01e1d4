import { describe, expect, it } from 'vitest';
import { PingWheel } from '../../server/sync/pingWheel.js';

/** Runs one full round of the wheel and counts how often each item was due, and the largest tick. */
function round<T>(wheel: PingWheel<T>, slots: number): { visits: Map<T, number>; largest: number; rounds: number } {
  const visits = new Map<T, number>();
  let largest = 0;
  let rounds = 0;
  for (let i = 0; i < slots; i++) {
    const { due, round } = wheel.tick();
    if (round) rounds++;
    largest = Math.max(largest, due.length);
    for (const item of due) visits.set(item, (visits.get(item) ?? 0) + 1);
  }
  return { visits, largest, rounds };
}

describe('PingWheel (each socket pinged once per interval, a slice per tick)', () => {
  it('visits every item exactly once per round, in slices no bigger than their fair share', () => {
    const wheel = new PingWheel<number>(120);
    // a burst of joins, as 3,000 clients connecting within a second
    for (let i = 0; i < 3000; i++) wheel.add(i);
    for (let r = 0; r < 3; r++) {
      const { visits, largest, rounds } = round(wheel, 120);
      expect(visits.size).toBe(3000);
      expect([...visits.values()].every((n) => n === 1)).toBe(true);
      expect(largest).toBe(25);
      expect(rounds).toBe(1);
    }
  });

  it('stops visiting an item once removed, and fills the emptied slot first', () => {
    const wheel = new PingWheel<string>(4);
    for (const id of ['a', 'b', 'c', 'd', 'e']) wheel.add(id);
    wheel.remove('c');
    wheel.remove('c');
    expect(wheel.size).toBe(4);
    const first = round(wheel, 4).visits;
    expect([...first.keys()].sort()).toEqual(['a', 'b', 'd', 'e']);
    wheel.add('f');
    const second = round(wheel, 4);
    expect([...second.visits.keys()].sort()).toEqual(['a', 'b', 'd', 'e', 'f']);
    // five items in four slots: never more than two at once
    expect(second.largest).toBe(2);
  });

  it('adds an item once however often it is added, and may drop items while walking a tick', () => {
    const wheel = new PingWheel<string>(2);
    wheel.add('x');
    wheel.add('x');
    wheel.add('y');
    expect(wheel.size).toBe(2);
    const { due } = wheel.tick();
    for (const item of due) wheel.remove(item);
    expect(wheel.size).toBe(1);
    expect(round(wheel, 2).visits.size).toBe(1);
  });

  it('cuts an interval into ticks of about the asked length, and refuses a wheel with no slot', () => {
    expect(PingWheel.slotsFor(30_000, 250)).toBe(120);
    expect(PingWheel.slotsFor(1000, 250)).toBe(4);
    expect(PingWheel.slotsFor(100, 250)).toBe(1);
    expect(() => new PingWheel(0)).toThrow(/at least one slot/);
    expect(() => new PingWheel(2.5)).toThrow(/at least one slot/);
  });
});
