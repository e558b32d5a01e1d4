/**
 * Folding a doc's log into one snapshot, off the main thread: what both stores' maintenance
 * threads share (SQLite's in sqliteWriter.ts, Postgres's in postgresMaintenance.ts).
 *
 * The threads run from source text (`eval`, so they need no loader under tsx or from dist/), so
 * the shared part is source text too, spliced into each.
 */
import type { UpdateRow } from './rows.js';

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
 * `encodeFolded(Y, roomId, doc, snapshotBytes, updates)`: applies a snapshot (or null) and
 * updates to a fresh doc and encodes it; null when that leaves structs pending (a snapshot must
 * never hold them: they would be integrated unchecked on reload). `Y` is the thread's yjs module.
 */
export const ENCODE_FOLDED_SOURCE = `
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
`;
