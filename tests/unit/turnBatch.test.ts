import { describe, expect, it } from 'vitest';
import { TurnBatch } from '../../server/store/turnBatch.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('TurnBatch', () => {
  it('hands over everything pushed in one event-loop turn together, at its end, and the next turn apart', async () => {
    const handed: number[][] = [];
    const batch = new TurnBatch<number>((items) => handed.push(items));
    batch.push(1);
    batch.push(2);
    await Promise.resolve();
    batch.push(3); // a microtask later: still the same turn
    expect(handed).toEqual([]);
    await nextTurn();
    expect(handed).toEqual([[1, 2, 3]]);
    batch.push(4);
    await nextTurn();
    expect(handed).toEqual([[1, 2, 3], [4]]);
  });

  it('flush hands over at once; the scheduled run then finds nothing, and an empty flush hands over nothing', async () => {
    const handed: string[][] = [];
    const batch = new TurnBatch<string>((items) => handed.push(items));
    batch.flush();
    batch.push('a');
    batch.flush();
    expect(handed).toEqual([['a']]);
    await nextTurn();
    expect(handed).toEqual([['a']]);
    batch.push('b');
    await nextTurn();
    expect(handed).toEqual([['a'], ['b']]);
  });

  it('with limits, hands a batch over from push once it holds maxItems or its first item waited maxWaitMs', async () => {
    let clock = 0;
    const handed: number[][] = [];
    const batch = new TurnBatch<number>((items) => handed.push(items), { maxItems: 3, maxWaitMs: 2, now: () => clock });
    batch.push(1);
    batch.push(2);
    expect(handed).toEqual([]);
    batch.push(3);
    expect(handed).toEqual([[1, 2, 3]]);
    batch.push(4);
    clock = 1.9;
    batch.push(5);
    expect(handed).toEqual([[1, 2, 3]]);
    clock = 2;
    batch.push(6);
    expect(handed).toEqual([[1, 2, 3], [4, 5, 6]]);
    // what is left goes at the turn's end as usual
    batch.push(7);
    await nextTurn();
    expect(handed).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('with earlyPerTurn, the first tasks of a turn hand over as each ends; later ones wait for the turn, and the count starts again next turn', async () => {
    const handed: number[][] = [];
    const batch = new TurnBatch<number>((items) => handed.push(items), { maxItems: 100, maxWaitMs: 1000, earlyPerTurn: 2 });
    /** one task (a socket read, say): pushes, then lets its microtasks run */
    const task = async (...items: number[]) => {
      for (const item of items) batch.push(item);
      await Promise.resolve();
    };
    await task(1, 2);
    expect(handed).toEqual([[1, 2]]);
    await task(3);
    expect(handed).toEqual([[1, 2], [3]]);
    // the third task of the turn: its items wait for the turn's end
    await task(4);
    await task(5);
    expect(handed).toEqual([[1, 2], [3]]);
    await nextTurn();
    expect(handed).toEqual([[1, 2], [3], [4, 5]]);
    // a new turn: early again
    await task(6);
    expect(handed).toEqual([[1, 2], [3], [4, 5], [6]]);
    // the turn's scheduled run finds nothing left and hands over nothing
    await nextTurn();
    expect(handed).toHaveLength(4);
  });
});
