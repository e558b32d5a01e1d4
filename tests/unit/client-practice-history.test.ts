/** client/practice/history.ts and countdown.ts: the practice history's reader, upsert and bound; the countdown. */
import { describe, expect, it } from 'vitest';
import { CRITERION_IDS, RUBRIC } from '../../shared/rubric.js';
import { readCountdown } from '../../client/practice/countdown.js';
import { entryFrom, MAX_ENTRIES, parseHistory, upsertEntry } from '../../client/practice/history.js';

const room = { id: 'room12345', title: 'Morning drill', token: 't'.repeat(43) };
const question = (startedAt: number) => ({ id: 'self-attention', title: 'Self-attention', startedAt });

describe('practice history', () => {
  it('scores an entry per criterion with the rubric weights, null where nothing is scored', () => {
    const depth = RUBRIC[0]!;
    const scores = Object.fromEntries(depth.subCriteria.map((s) => [s.id, 5]));
    const entry = entryFrom(room, question(10), scores, 20);
    expect(entry.perCriterion[depth.id]).toBe(100);
    for (const id of CRITERION_IDS.filter((c) => c !== depth.id)) expect(entry.perCriterion[id]).toBeNull();
    expect(entry.score).toBe(100);
    expect(entry.replayPath).toBe('/replay/room12345');
    expect(parseHistory(JSON.stringify([entry]))).toEqual([entry]);
  });

  it('replaces a rescored question, keeps other starts, and keeps only the newest MAX_ENTRIES', () => {
    const first = entryFrom(room, question(10), { 'math-understanding': 2 }, 20);
    const rescored = entryFrom(room, question(10), { 'math-understanding': 4 }, 30);
    const again = entryFrom(room, question(50), { 'math-understanding': 3 }, 60);
    expect(upsertEntry(upsertEntry([first], again), rescored)).toEqual([rescored, again]);
    let list = [first];
    for (let i = 0; i < MAX_ENTRIES + 5; i++) list = upsertEntry(list, entryFrom(room, question(100 + i), {}, 0));
    expect(list).toHaveLength(MAX_ENTRIES);
    expect(list[0]!.startedAt).toBe(105);
  });

  it('drops malformed stored entries instead of throwing', () => {
    const good = entryFrom(room, question(1), {}, 2);
    expect(parseHistory('not json')).toEqual([]);
    expect(parseHistory(JSON.stringify({ a: 1 }))).toEqual([]);
    expect(parseHistory(JSON.stringify([good, { ...good, replayPath: 'https://evil.example/' }, { ...good, score: 'x' }, null]))).toEqual([good]);
  });
});

describe('practice countdown', () => {
  it('counts down to zero, then says time is up', () => {
    expect(readCountdown(0, 5, 1_000)).toEqual({ remainingMs: 299_000, up: false, label: '04:59 left' });
    expect(readCountdown(0, 5, 300_000)).toEqual({ remainingMs: 0, up: true, label: 'Time is up' });
    expect(readCountdown(0, 5, 900_000).up).toBe(true);
  });
});
