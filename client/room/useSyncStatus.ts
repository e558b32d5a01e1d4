import { useEffect, useMemo, useState } from 'react';
import type * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { editAreaOfKey, topLevelKeyOf } from '../../shared/doc.js';
import { SYNC_ACK } from '../../shared/protocol.js';
import { docStateVector, readServerStateVector, serverHasAll } from './syncAck.js';

/**
 * True while local edits have not yet been persisted by the server, and that is worth saying:
 * at once while disconnected, otherwise only once an edit waited longer than the server's
 * acknowledgement can normally take (SYNC_ACK.CLIENT_GRACE_MS), so typing never makes it flicker.
 *
 * A local edit (any doc update whose origin is not the provider, which is how remote updates
 * arrive) marks the doc dirty. The server acknowledges persistence by sending sync step 1 with
 * its state vector; when that covers our whole state vector we are clean again. Comparing full
 * state vectors, rather than counting acks, stays right across reconnects, where the provider
 * resends whatever the server lacks in its sync step 2.
 *
 * It also names what is waiting (the doc's areas a local transaction changed: "board", "pad",
 * "panel notes"…), for the reconnect banner. Every area clears together, since one ack covers
 * the whole state vector.
 */
export interface SyncStatus {
  unsynced: boolean;
  /** the areas with local edits the server has not acknowledged, in the order they were edited */
  areas: string[];
}

const IN_SYNC: SyncStatus = { unsynced: false, areas: [] };

export function useSyncStatus(doc: Y.Doc | null, provider: WebsocketProvider | null, enabled: boolean): SyncStatus {
  const [unsynced, setUnsynced] = useState(false);
  const [areas, setAreas] = useState<string[]>([]);

  useEffect(() => {
    setUnsynced(false);
    setAreas([]);
    if (!doc || !provider || !enabled) return;
    let dirty = false;
    let dirtyAreas: string[] = [];
    const onTransaction = (transaction: Y.Transaction) => {
      if (transaction.origin === provider || !transaction.local) return;
      let added = false;
      for (const type of transaction.changed.keys()) {
        const key = topLevelKeyOf(doc, type);
        const area = key === null ? null : editAreaOfKey(key);
        if (area !== null && !dirtyAreas.includes(area)) {
          dirtyAreas = [...dirtyAreas, area];
          added = true;
        }
      }
      if (added) setAreas(dirtyAreas);
    };
    let grace: ReturnType<typeof setTimeout> | null = null;
    const clearGrace = () => {
      if (grace) clearTimeout(grace);
      grace = null;
    };
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      if (origin === provider || dirty) return;
      dirty = true;
      if (!provider.wsconnected) setUnsynced(true);
      else grace = setTimeout(() => dirty && setUnsynced(true), SYNC_ACK.CLIENT_GRACE_MS);
    };
    const onMessage = (event: MessageEvent) => {
      if (!dirty || !(event.data instanceof ArrayBuffer)) return;
      const server = readServerStateVector(new Uint8Array(event.data));
      if (server && serverHasAll(docStateVector(doc), server)) {
        dirty = false;
        dirtyAreas = [];
        clearGrace();
        setUnsynced(false);
        setAreas([]);
      }
    };
    const onStatus = () => {
      if (dirty && !provider.wsconnected) setUnsynced(true);
    };
    // The provider replaces its WebSocket on every reconnect and announces each new one with a
    // 'status' event ('connecting' is emitted right after the socket is created).
    let socket: WebSocket | null = null;
    const attach = () => {
      if (provider.ws === socket) return;
      socket?.removeEventListener('message', onMessage);
      socket = provider.ws;
      socket?.addEventListener('message', onMessage);
    };
    attach();
    provider.on('status', attach);
    provider.on('status', onStatus);
    doc.on('update', onUpdate);
    doc.on('afterTransaction', onTransaction);
    return () => {
      doc.off('afterTransaction', onTransaction);
      clearGrace();
      provider.off('status', onStatus);
      provider.off('status', attach);
      doc.off('update', onUpdate);
      socket?.removeEventListener('message', onMessage);
    };
  }, [doc, provider, enabled]);

  return useMemo(() => (unsynced || areas.length > 0 ? { unsynced, areas } : IN_SYNC), [unsynced, areas]);
}
