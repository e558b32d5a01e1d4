/**
 * client/replay/importFile.ts (issue 12, finding 8): an `.attnreplay` file is untrusted input.
 * Every field is validated, and a URL in the file never reaches the replay (so the browser never
 * fetches it).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSessionFile, HISTORY_FORMAT, HistoryFormatError, type SessionFile } from '../../shared/history.js';
import { readSessionFile } from '../../client/replay/importFile.js';

function session(): SessionFile {
  const doc = new Y.Doc();
  doc.getText('code').insert(0, 'x');
  return {
    meta: {
      format: HISTORY_FORMAT,
      room: { id: 'room12345678', title: 'Exported', createdAt: 1 },
      events: [{ ts: 5, kind: 'join', role: 'candidate', name: 'Cam' }],
      recording: { egressId: 'EG_1', startedAt: 1, stoppedAt: 9, url: 'https://attacker.example/pixel.mp4?who=interviewer' },
      exportedAt: 10,
    },
    docs: [{ doc: 'board', authors: [{ role: 'candidate', name: 'Cam' }], updates: [{ seq: 1, ts: 5, author: 0, bytes: Y.encodeStateAsUpdate(doc) }], snapshots: [] }],
  };
}

/** A file whose session header is `meta`, as any editor could write it. */
const withMeta = (meta: unknown) => encodeSessionFile({ ...session(), meta: meta as SessionFile['meta'] });

describe('readSessionFile', () => {
  it('reads a valid export and drops the video URL the file names', () => {
    const recording = readSessionFile(encodeSessionFile(session()));
    expect(recording.room).toEqual({ id: 'room12345678', title: 'Exported', createdAt: 1 });
    expect(recording.events).toHaveLength(1);
    expect(recording.board.updates).toHaveLength(1);
    expect(recording.recording).toBeNull();
    expect(JSON.stringify({ ...recording, board: null })).not.toContain('attacker.example');
  });

  it.each<[string, (meta: SessionFile['meta']) => unknown]>([
    ['a room id that is not a string', (m) => ({ ...m, room: { ...m.room, id: 42 } })],
    ['an event of an unknown role', (m) => ({ ...m, events: [{ ...m.events[0], role: 'admin' }] })],
    ['an event of an unknown kind', (m) => ({ ...m, events: [{ ...m.events[0], kind: 'script' }] })],
    ['a megabyte name', (m) => ({ ...m, events: [{ ...m.events[0], name: 'x'.repeat(1_000_000) }] })],
    ['a negative time', (m) => ({ ...m, events: [{ ...m.events[0], ts: -1 }] })],
    ['a title that is an object', (m) => ({ ...m, room: { ...m.room, title: { toString: 'x' } } })],
    ['no export time', (m) => ({ ...m, exportedAt: undefined })],
  ])('refuses %s with a HistoryFormatError', (_label, mutate) => {
    expect(() => readSessionFile(withMeta(mutate(session().meta)))).toThrow(HistoryFormatError);
  });

  it('refuses hostile author tables and out-of-order records', () => {
    const base = session();
    const badAuthor = { ...base, docs: [{ ...base.docs[0]!, authors: [{ role: '__proto__', name: 'x' }] }] } as unknown as SessionFile;
    expect(() => readSessionFile(encodeSessionFile(badAuthor))).toThrow(/board authors/);
    const update = base.docs[0]!.updates[0]!;
    const unordered: SessionFile = { ...base, docs: [{ ...base.docs[0]!, updates: [{ ...update, seq: 2 }, { ...update, seq: 1 }] }] };
    expect(() => readSessionFile(encodeSessionFile(unordered))).toThrow(/out of order/);
  });
});
