/**
 * The server's one acknowledgement sweep (server/sync/ackSweep.ts): when a writer is owed its
 * acknowledgement, checked on a clock of the test's own, then on Node's timers.
 */
import { describe, expect, it } from 'vitest';
import { AckSweep, type AckState } from '../../server/sync/ackSweep.js';

type TestConn = AckState & { name: string };

function setup(opts: { idleMs?: number; maxWaitMs?: number; tickMs?: number } = {}) {
  let clock = 0;
  const acked: string[] = [];
  const doc = { ack: (c: TestConn) => acked.push(c.name) };
  const sweep = new AckSweep<TestConn>({ idleMs: opts.idleMs ?? 1000, maxWaitMs: opts.maxWaitMs ?? 2000, tickMs: opts.tickMs ?? 100, now: () => clock });
  const conn = (name: string): TestConn => ({ name, ackPendingSince: null });
  const at = (ms: number) => {
    clock = ms;
  };
  return { sweep, doc, acked, conn, at };
}

describe('AckSweep', () => {
  it('acknowledges a writer once, after a quiet idleMs', () => {
    const { sweep, doc, acked, conn, at } = setup();
    const a = conn('a');
    at(0);
    sweep.stored(a, doc);
    at(500);
    sweep.stored(a, doc);
    sweep.sweep(1499);
    expect(acked).toEqual([]);
    sweep.sweep(1500);
    expect(acked).toEqual(['a']);
    expect(a.ackPendingSince).toBeNull();
    sweep.sweep(10_000);
    expect(acked).toEqual(['a']);
    expect(sweep.size).toBe(0);
  });

  it('acknowledges a writer that never pauses maxWaitMs after its first unacknowledged update, then starts over', () => {
    const { sweep, doc, acked, conn, at } = setup();
    const a = conn('a');
    for (let t = 0; t <= 1900; t += 200) {
      at(t);
      sweep.stored(a, doc);
      sweep.sweep(t);
    }
    expect(acked).toEqual([]);
    sweep.sweep(2000);
    expect(acked).toEqual(['a']);
    at(2100);
    sweep.stored(a, doc);
    expect(a.ackPendingSince).toBe(2100);
    // a quiet idleMs would be 3100, but the last acknowledgement went out at 2000
    expect(a.ackDue).toBe(4000);
  });

  it('acknowledges a connection at most once per maxWaitMs, however its updates are spaced', () => {
    const { sweep, doc, acked, conn, at } = setup();
    const a = conn('a');
    // stored in bursts a little over idleMs apart, as on a server that reads each socket late
    const burstAt = (t: number) => {
      at(t);
      sweep.stored(a, doc);
      sweep.stored(a, doc);
    };
    burstAt(0);
    sweep.sweep(1000);
    expect(acked).toEqual(['a']);
    expect(a.ackSentAt).toBe(1000);
    burstAt(1100);
    // a quiet idleMs after this burst is 2100, but the last acknowledgement was at 1000
    expect(a.ackDue).toBe(3000);
    sweep.sweep(2100);
    expect(acked).toEqual(['a']);
    // the next burst moves it to maxWaitMs after the first unacknowledged update (1100)
    burstAt(2200);
    expect(a.ackDue).toBe(3100);
    sweep.sweep(3099);
    expect(acked).toEqual(['a']);
    sweep.sweep(3100);
    expect(acked).toEqual(['a', 'a']);
    // a writer quiet for longer than maxWaitMs is acknowledged a quiet idleMs after its edit, as before
    at(10_000);
    sweep.stored(a, doc);
    expect(a.ackDue).toBe(11_000);
  });

  it('acknowledges only the writers that are due, and none that left', () => {
    const { sweep, doc, acked, conn, at } = setup();
    const [a, b, c] = [conn('a'), conn('b'), conn('c')];
    at(0);
    sweep.stored(a, doc);
    sweep.stored(c, doc);
    at(600);
    sweep.stored(b, doc);
    sweep.forget(c);
    sweep.sweep(1000);
    expect(acked).toEqual(['a']);
    expect(sweep.size).toBe(1);
    sweep.sweep(1600);
    expect(acked).toEqual(['a', 'b']);
    expect(c.ackPendingSince).toBeNull();
  });

  it('runs on one timer that stops when nobody is owed anything, and owes nothing once closed', async () => {
    const acked: string[] = [];
    const doc = { ack: (c: TestConn) => acked.push(c.name) };
    const sweep = new AckSweep<TestConn>({ idleMs: 30, maxWaitMs: 60, tickMs: 10 });
    const a: TestConn = { name: 'a', ackPendingSince: null };
    const b: TestConn = { name: 'b', ackPendingSince: null };
    sweep.stored(a, doc);
    sweep.stored(b, doc);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(acked.sort()).toEqual(['a', 'b']);
    expect(sweep.size).toBe(0);
    sweep.close();
    sweep.stored(a, doc);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(acked).toHaveLength(2);
    expect(sweep.size).toBe(0);
  });
});
