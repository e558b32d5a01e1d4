import { describe, expect, it } from 'vitest';
import { FrameSlices, type FrameSlicesOptions } from '../../server/sync/frameSlices.js';

/**
 * A queue on a fake clock and a fake loop: each handled item takes `costMs` of the clock, and
 * deferred slices wait in `loop` until the test runs the next turn.
 */
function setup(opts: Partial<FrameSlicesOptions> & { costMs?: number } = {}) {
  let clock = 0;
  const loop: Array<() => void> = [];
  const handled: number[] = [];
  const sliceSizes: number[] = [];
  let drained = 0;
  const queue = new FrameSlices<number>(
    (n) => {
      handled.push(n);
      clock += opts.costMs ?? 1;
    },
    () => drained++,
    {
      budgetMs: opts.budgetMs ?? 5,
      drainAt: opts.drainAt ?? 1000,
      highWater: opts.highWater ?? 100,
      lowWater: opts.lowWater ?? 10,
      now: () => clock,
      defer: (fn) => loop.push(fn),
    },
  );
  /** Runs one turn of the fake loop (one slice); false if nothing was waiting. */
  const turn = (): boolean => {
    const fn = loop.shift();
    if (!fn) return false;
    const before = handled.length;
    fn();
    sliceSizes.push(handled.length - before);
    return true;
  };
  return { queue, loop, handled, sliceSizes, turn, drained: () => drained };
}

describe('FrameSlices (frames handled in order, a budget per turn of the loop)', () => {
  it('handles nothing at push time, then everything in arrival order in slices no longer than the budget', () => {
    const t = setup({ budgetMs: 5, costMs: 1 });
    for (let i = 0; i < 23; i++) t.queue.push(i);
    expect(t.handled).toEqual([]);
    // one slice waits, however many were pushed
    expect(t.loop).toHaveLength(1);
    while (t.turn());
    expect(t.handled).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(t.sliceSizes).toEqual([5, 5, 5, 5, 3]);
    expect(t.queue.length).toBe(0);
  });

  it('finishes the item that crosses the budget, and runs at least one per slice', () => {
    const t = setup({ budgetMs: 5, costMs: 12 });
    for (let i = 0; i < 3; i++) t.queue.push(i);
    while (t.turn());
    expect(t.sliceSizes).toEqual([1, 1, 1]);
  });

  it('takes items pushed while a slice runs in the same order, and never schedules two slices', () => {
    const t = setup({ budgetMs: 3, costMs: 1 });
    t.queue.push(0);
    t.queue.push(1);
    t.turn();
    t.queue.push(2);
    t.queue.push(3);
    expect(t.loop).toHaveLength(1);
    while (t.turn());
    expect(t.handled).toEqual([0, 1, 2, 3]);
  });

  it('says when it is over high water, and calls back once it has drained to low water', () => {
    const t = setup({ highWater: 4, lowWater: 2, budgetMs: 1, costMs: 1 });
    const answers = [0, 1, 2, 3, 4, 5].map((n) => t.queue.push(n));
    expect(answers).toEqual([true, true, true, true, false, false]);
    t.turn(); // 5 left
    t.turn(); // 4 left
    t.turn(); // 3 left
    expect(t.drained()).toBe(0);
    // still over high water until it drains: a push now is refused too
    expect(t.queue.push(6)).toBe(false);
    t.turn(); // 3 left
    expect(t.drained()).toBe(0);
    t.turn(); // 2 left: drained
    expect(t.drained()).toBe(1);
    expect(t.queue.push(7)).toBe(true);
    while (t.turn());
    expect(t.drained()).toBe(1);
    expect(t.handled).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('runs a backlog of drainAt or more to the end in one slice (the server is behind), a shorter one in slices', () => {
    const t = setup({ budgetMs: 5, costMs: 1, drainAt: 40, highWater: 1000 });
    for (let i = 0; i < 39; i++) t.queue.push(i);
    t.turn();
    expect(t.sliceSizes).toEqual([5]);
    // 34 left; 6 more make 40: the next slice takes all of them, then slices resume
    for (let i = 39; i < 45; i++) t.queue.push(i);
    t.turn();
    expect(t.sliceSizes).toEqual([5, 40]);
    expect(t.queue.length).toBe(0);
    for (let i = 45; i < 52; i++) t.queue.push(i);
    while (t.turn());
    expect(t.sliceSizes).toEqual([5, 40, 5, 2]);
    expect(t.handled).toEqual(Array.from({ length: 52 }, (_, i) => i));
  });

  it('flush handles everything now, whatever the budget', () => {
    const t = setup({ budgetMs: 1, costMs: 10 });
    for (let i = 0; i < 50; i++) t.queue.push(i);
    t.queue.flush();
    expect(t.handled).toHaveLength(50);
    expect(t.queue.length).toBe(0);
    // the slice scheduled by the first push finds nothing to do
    t.turn();
    expect(t.handled).toHaveLength(50);
  });

  it('keeps its order across a long backlog that never empties (the array is compacted as it goes)', () => {
    const t = setup({ budgetMs: 100, costMs: 1, highWater: 100_000, lowWater: 10, drainAt: 100_000 });
    let next = 0;
    for (; next < 5000; next++) t.queue.push(next);
    for (let r = 0; r < 40; r++) {
      t.turn();
      for (let i = 0; i < 50; i++) t.queue.push(next++);
    }
    while (t.turn());
    expect(t.handled).toEqual(Array.from({ length: next }, (_, i) => i));
  });

  it('refuses a budget or water marks that cannot work', () => {
    const handle = () => undefined;
    expect(() => new FrameSlices(handle, handle, { budgetMs: 0, drainAt: 10, highWater: 10, lowWater: 1 })).toThrow(/budget/);
    expect(() => new FrameSlices(handle, handle, { budgetMs: 5, drainAt: 10, highWater: 10, lowWater: 10 })).toThrow(/low water/);
    expect(() => new FrameSlices(handle, handle, { budgetMs: 5, drainAt: 0, highWater: 10, lowWater: 1 })).toThrow(/drain/);
  });
});
