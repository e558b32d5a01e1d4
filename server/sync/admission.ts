/**
 * Whether a client's update may enter a document: the sync server's gate, apart from the
 * document's lifecycle (LiveDoc) so its rules can be read and tested on their own.
 *
 * Three things are refused (issue 12): a write under a server-only type (the current question,
 * verdicts, signals, attachments), a map key that would reach Object.prototype, and structs or
 * deletions that wait on a clock the server does not have (pending state slips past the other
 * checks and would reach snapshots and joiners). `precheckUpdate` finds what it can from the
 * decoded update alone, so most hostile updates cost a decode; `applyClientUpdate` applies and
 * checks everything again on the applied transaction (the authoritative gate: the caller rolls
 * back on a refusal, which reloads the doc). A connection that has synced skips the precheck
 * (see LiveDoc.handleSync): its updates build on what the server holds, and a refusal after
 * applying costs its link a cooldown.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { CloseCode, type DocName } from '../../shared/protocol.js';
import { isHostileKey, serverOnlyTypes } from '../../shared/doc.js';

export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError';
}

export type Refusal = 'protected' | 'hostile-key' | 'pending';

export const REFUSAL_LOG: Record<Refusal, string> = {
  // Only the server writes these keys (the current question, candidate signals).
  protected: 'refused a client write to a server-only key',
  'hostile-key': 'refused a client write of a __proto__/constructor/prototype key',
  pending: 'refused a client update that depends on structs the server does not have',
};

export function refusalCode(refusal: Refusal): CloseCode {
  return refusal === 'protected' ? CloseCode.Forbidden : CloseCode.Malformed;
}

/** Whether `type` is one of `roots` or nested anywhere inside one. */
function underAny(type: Y.AbstractType<any> | null, roots: readonly Y.AbstractType<any>[]): boolean { // eslint-disable-line @typescript-eslint/no-explicit-any
  for (let t = type; t; t = (t._item?.parent as Y.AbstractType<any> | null | undefined) ?? null) { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (roots.includes(t)) return true;
  }
  return false;
}

export function hasPending(doc: Y.Doc): boolean {
  return doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
}

export function dropPending(doc: Y.Doc): void {
  doc.store.pendingStructs = null;
  doc.store.pendingDs = null;
}

/**
 * The first hostile map key among the structs this transaction added. Walks the new structs
 * rather than `tr.changed`, which leaves out types created in the same transaction (a nested
 * Y.Map and its keys arrive together).
 */
function hostileKeyIn(tr: Y.Transaction): string | null {
  for (const [client, after] of tr.afterState) {
    const before = tr.beforeState.get(client) ?? 0;
    if (after <= before) continue;
    const structs = tr.doc.store.clients.get(client);
    if (!structs) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const struct = structs[i]!;
      if (struct.id.clock >= after) break;
      if (struct instanceof Y.Item && struct.parentSub !== null && isHostileKey(struct.parentSub)) return struct.parentSub;
    }
  }
  return null;
}

/**
 * The checks that need no applying, so most hostile updates cost a decode, not a rollback (a
 * rollback reloads the doc from the store). A struct's parent is read from the update, or found
 * through the existing item its origin names (Yjs leaves the parent out when an origin implies
 * it); what cannot be resolved yet is left to `applyFromClient`, which checks again after.
 */
export function precheckUpdate(doc: Y.Doc, docName: DocName, payload: Uint8Array): Refusal | null {
  let structs, ds;
  try {
    ({ structs, ds } = Y.decodeUpdate(payload));
  } catch (err) {
    throw new MalformedMessageError(`bad update: ${String(err)}`);
  }
  const { from, to } = clockRanges(structs);
  // A client's structs are contiguous: one starting past what we hold waits on a missing clock.
  for (const [client, clock] of from) if (clock > Y.getState(doc.store, client)) return 'pending';
  // Every reference (origin, right origin, parent) and every deletion must land on something we
  // hold or that this update brings; otherwise Yjs would keep it pending.
  const known = (client: number) => Math.max(Y.getState(doc.store, client), to.get(client) ?? 0);
  const have = (id: Y.ID | null) => id === null || id.clock < known(id.client);
  for (const struct of structs) {
    if (struct instanceof Y.Item && !(have(struct.origin) && have(struct.rightOrigin) && have(struct.parent instanceof Y.ID ? struct.parent : null))) {
      return 'pending';
    }
  }
  for (const [client, deletes] of ds.clients) for (const d of deletes) if (d.clock + d.len > known(client)) return 'pending';
  const protectedTypes = protectedTypesOf(docName, doc);
  const protectedRoots = new Set(protectedTypes.map((t) => Y.findRootTypeKey(t)));
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    if (struct.parentSub !== null && isHostileKey(struct.parentSub)) return 'hostile-key';
    if (typeof struct.parent === 'string') {
      if (protectedRoots.has(struct.parent)) return 'protected';
      continue;
    }
    if (underAny(parentOf(doc, struct), protectedTypes)) return 'protected';
  }
  return null;
}

/** The type an undecoded struct will join, when the doc already holds what says so. */
function parentOf(doc: Y.Doc, struct: Y.Item): Y.AbstractType<any> | null { // eslint-disable-line @typescript-eslint/no-explicit-any
  const existing = (id: Y.ID | null): Y.Item | null => {
    if (id === null || id.clock >= Y.getState(doc.store, id.client)) return null;
    const found = Y.getItem(doc.store, id);
    return found instanceof Y.Item ? found : null;
  };
  if (struct.parent instanceof Y.ID) {
    const holder = existing(struct.parent);
    return holder?.content instanceof Y.ContentType ? holder.content.type : null;
  }
  const neighbour = existing(struct.origin) ?? existing(struct.rightOrigin);
  return (neighbour?.parent as Y.AbstractType<any> | null | undefined) ?? null; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * The struct decoder Yjs applies an update with, noting whether any client's block of structs
 * starts below the clock the doc holds for that client (a block is contiguous, so one that starts
 * exactly there brings only new structs). Yjs reads every block before it integrates any, so the
 * doc's state at read time is the state before the update.
 */
class BlockStartWatcher extends Y.UpdateDecoderV1 {
  overlaps = false;

  constructor(
    decoder: decoding.Decoder,
    private readonly doc: Y.Doc,
    private readonly onOverlap: () => void,
  ) {
    super(decoder);
  }

  override readClient(): number {
    const client = super.readClient();
    // Peek at the block's first clock, which Yjs reads next.
    const at = this.restDecoder.pos;
    const clock = decoding.readVarUint(this.restDecoder);
    this.restDecoder.pos = at;
    if (!this.overlaps && clock < Y.getState(this.doc.store, client)) {
      this.overlaps = true;
      this.onOverlap();
    }
    return client;
  }
}

export interface Admitted {
  refusal: Refusal | null;
  /** what to store and relay; empty when the update brought nothing new */
  captured: Uint8Array[];
  /**
   * `captured` is the client's own bytes (copied out of its frame): every struct in them was new
   * and was applied as sent, so the frame they came in can be relayed as it is.
   */
  asSent: boolean;
}

/**
 * serverOnlyTypes of a doc, looked up once per doc: they are the same objects for the doc's life
 * (getMap returns the type it made), and the lookup allocated two of them and an array for every
 * client update (1.3% of what the main thread allocated under the 1000×3 sync bench). The first
 * lookup also instantiates them, which the checks rely on (see serverOnlyTypes).
 */
const protectedTypesByDoc = new WeakMap<Y.Doc, readonly Y.AbstractType<any>[]>(); // eslint-disable-line @typescript-eslint/no-explicit-any
function protectedTypesOf(docName: DocName, doc: Y.Doc): readonly Y.AbstractType<any>[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  let types = protectedTypesByDoc.get(doc);
  if (!types) protectedTypesByDoc.set(doc, (types = serverOnlyTypes(docName, doc)));
  return types;
}

/**
 * Applies a client's update and says whether it must be refused: it touched a server-only type,
 * wrote a key that would reach Object.prototype, or left structs or deletions waiting on a
 * clock the server does not have. Pending state escapes the other checks (it is integrated
 * later, by whichever transaction completes it) and `encodeStateAsUpdate` includes it, so it
 * would reach joiners and snapshots and be applied unchecked on reload (issue 12).
 *
 * What is stored and relayed is, in the usual case, the update exactly as the client sent it:
 * Yjs re-encoding what it integrated (its 'update' event) cost 4% of the main thread under the
 * sync bench and a third of a 1 MiB update's handling. The client's bytes are only safe when
 * every struct in them was new: a struct at a clock the server already holds is skipped here,
 * but a peer that has not finished its own initial sync would take it, forged content and all.
 * So only an update that overlaps what the doc holds is re-encoded, as before (the 'update'
 * listener is attached the moment the overlap is read, before the transaction ends).
 */
export function applyClientUpdate(doc: Y.Doc, docName: DocName, origin: object, payload: Uint8Array): Admitted {
  // The stock client answers the greeting's sync step 1 with a step 2 of what the server lacks:
  // for a joiner with nothing of its own, two zero bytes (no structs, no deletions). Decoding it
  // still runs a whole transaction (when acknowledgements were step 1s too, and each was answered
  // so, that was 0.25 times per edit under the 1000×2 sync bench).
  if (isEmptyUpdate(payload)) return { refusal: null, captured: [], asSent: false };
  const captured: Uint8Array[] = [];
  const capture = (update: Uint8Array, updateOrigin: unknown) => {
    if (updateOrigin === origin) captured.push(update);
  };
  const protectedTypes = protectedTypesOf(docName, doc);
  let touchedProtected = false;
  let hostileKey: string | null = null;
  let changed = false;
  const inspect = (tr: Y.Transaction) => {
    if (tr.origin !== origin) return;
    // Walks up from every changed type: an item added to a map nested under a server-only one
    // changes only the nested map, and a type created in this transaction is absent from
    // tr.changed but its holder is not. So this check stands alone, with or without the precheck.
    if (!touchedProtected) for (const t of tr.changed.keys()) if (underAny(t, protectedTypes)) touchedProtected = true;
    hostileKey ??= hostileKeyIn(tr);
    // What Yjs asks before it emits 'update': did this transaction delete or add anything?
    changed ||= tr.deleteSet.clients.size > 0;
    if (!changed) for (const [client, clock] of tr.afterState) if ((tr.beforeState.get(client) ?? 0) !== clock) changed = true;
  };
  doc.on('afterTransaction', inspect);
  let watcher: BlockStartWatcher;
  try {
    const decoder = decoding.createDecoder(payload);
    watcher = new BlockStartWatcher(decoder, doc, () => doc.on('update', capture));
    Y.readUpdateV2(decoder, doc, origin, watcher);
  } catch (err) {
    throw new MalformedMessageError(`bad update: ${String(err)}`);
  } finally {
    doc.off('update', capture);
    doc.off('afterTransaction', inspect);
  }
  const refusal: Refusal | null = touchedProtected ? 'protected' : hostileKey !== null ? 'hostile-key' : hasPending(doc) ? 'pending' : null;
  if (watcher.overlaps) return { refusal, captured, asSent: false };
  return { refusal, captured: changed ? [payload.slice()] : [], asSent: changed };
}

/** A Yjs (v1) update that holds nothing: no struct groups, no delete set. */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}

/**
 * Each client's first and end clock in a decoded update: what Y.parseUpdateMeta returns, read off
 * the structs already decoded (both walk the same reader in the same order) instead of decoding
 * the update a second time (1.5% of the server's main thread under the sync bench).
 */
export function clockRanges(structs: ReadonlyArray<{ id: Y.ID; length: number }>): { from: Map<number, number>; to: Map<number, number> } {
  const from = new Map<number, number>();
  const to = new Map<number, number>();
  for (const struct of structs) {
    const { client, clock } = struct.id;
    if (!from.has(client)) from.set(client, clock);
    to.set(client, clock + struct.length);
  }
  return { from, to };
}
