import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
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
 */
export function useSyncStatus(doc: Y.Doc | null, provider: WebsocketProvider | null, enabled: boolean): boolean {
  const [unsynced, setUnsynced] = useState(false);

  useEffect(() => {
    setUnsynced(false);
    if (!doc || !provider || !enabled) return;
    let dirty = false;
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
        clearGrace();
        setUnsynced(false);
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
    return () => {
      clearGrace();
      provider.off('status', onStatus);
      provider.off('status', attach);
      doc.off('update', onUpdate);
      socket?.removeEventListener('message', onMessage);
    };
  }, [doc, provider, enabled]);

  return unsynced;
}
