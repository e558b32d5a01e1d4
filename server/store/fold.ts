/**
 * Folding a doc's log into one snapshot, off the main thread: what both stores' maintenance
 * threads share (SQLite's in sqliteWriter.ts, Postgres's in postgresMaintenance.ts).
 *
 * The threads run from source text (`eval`, so they need no loader under tsx or from dist/), so
 * the shared part is source text too, spliced into each.
 */
import type { DocName } from '../../shared/protocol.js';
import type { LoadedDoc } from './port.js';
import { toUpdate, type UpdateRow } from './rows.js';

/** What a maintenance thread reads for loadDoc: rows as the main connection's statements give them. */
export interface LoadedRows {
  snapshot: { seq: number; ts: number; bytes: Uint8Array } | null;
  tail: UpdateRow[];
  /**
   * Set when the maintenance thread folded a long tail into `snapshot` (see FOLD_TAIL_ROWS): the
   * number of log rows it holds.
   */
  folded?: number;
}

/** The port's LoadedDoc from what a maintenance thread read. */
export function toLoadedDoc(roomId: string, doc: DocName, { snapshot, tail }: LoadedRows): LoadedDoc {
  return { snapshot: snapshot && { roomId, doc, seq: snapshot.seq, ts: snapshot.ts, bytes: snapshot.bytes }, tail: tail.map(toUpdate) };
}

/**
 * A load whose log tail has at least this many rows gets the doc from the maintenance thread as
 * one update (its snapshot and tail applied there and encoded) instead of the rows. Rows cost the
 * main thread twice, and every room waited for both: its end of the structured clone of the row
 * objects as the message arrived (150–370 ms for both ends, 50,000 rows of typing, SQLite) or the
 * driver's parse of them (Postgres), and applying each update (170–290 ms), against 3–40 ms to
 * apply the 151 kB they fold into. A tail under the server's snapshot interval
 * (ATTN_SNAPSHOT_EVERY_UPDATES, 500) is the usual case and costs a few ms either way.
 */
export const FOLD_TAIL_ROWS = 256;

/**
 * Source text of what both threads fold with. `Y` is the thread's yjs module.
 * - `foldEnd(from, n, last, minRows)`: of the log after a snapshot at `from`, with `n` rows up to
 *   `last`, the seq a fold ends at (`from` when it is empty), or -1 when it has a gap or fewer
 *   than `minRows` rows.
 * - `encodeFolded(Y, roomId, doc, snapshotBytes, updates)`: a snapshot (or null) and updates
 *   applied to a fresh doc and encoded; null when that leaves structs pending (a snapshot must
 *   never hold them: they would be integrated unchecked on reload).
 * - `buildFolded(Y, roomId, doc, read, seq)`: the snapshot as of `seq` from a read of the latest
 *   snapshot at or before it and the log's bytes up to it (`read.updates`, null when `foldEnd`
 *   refused; `read.last`, where they end); throws on a gap or pending structs.
 */
export const ENCODE_FOLDED_SOURCE = `
function foldEnd(from, n, last, minRows) {
  if (n < minRows || (n > 0 && last - from !== n)) return -1;
  return n > 0 ? last : from;
}
function encodeFolded(Y, roomId, doc, snapshotBytes, updates) {
  // Named, so Yjs does not draw a random UUID for it (~0.17 ms a doc: see serverDoc in liveDoc.ts).
  const d = new Y.Doc({ guid: roomId + '/' + doc });
  Y.transact(d, () => {
    if (snapshotBytes) Y.applyUpdate(d, snapshotBytes);
    for (const u of updates) Y.applyUpdate(d, u);
  });
  const pending = d.store.pendingStructs !== null || d.store.pendingDs !== null;
  const bytes = pending ? null : Y.encodeStateAsUpdate(d);
  d.destroy();
  return bytes;
}
function buildFolded(Y, roomId, doc, read, seq) {
  if (read.updates === null || read.last !== seq) throw new Error('the log has a gap below seq ' + seq);
  const bytes = encodeFolded(Y, roomId, doc, read.snapshot && read.snapshot.bytes, read.updates);
  if (bytes === null) throw new Error('the log leaves structs pending');
  return bytes;
}
`;
