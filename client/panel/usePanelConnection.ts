import { useEffect, useRef, useState } from 'react';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { openSyncProvider } from '../room/syncProvider.js';
import { syncServerUrl } from '../room/useBoardConnection.js';

/**
 * The panel socket publishes no awareness, so the server cannot learn the display name from
 * it; the `name` parameter is how panel updates get attributed in the server's log.
 */
function syncParams(name: string | null): Record<string, string> {
  return name ? { name } : {};
}

export interface PanelConnection {
  doc: Y.Doc;
  provider: WebsocketProvider;
}

/**
 * The panel Y.Doc (plan, scores, notes, signals) over its own WebSocket. Only the panel
 * chunk imports this, and RoomView only loads that chunk for interviewers and observers: a
 * candidate's page never opens this socket (the server would refuse it with 4403 anyway).
 */
export function usePanelConnection(roomId: string, token: string, name: string | null): { connection: PanelConnection | null; synced: boolean } {
  const [connection, setConnection] = useState<PanelConnection | null>(null);
  const [synced, setSynced] = useState(false);
  const nameRef = useRef(name);
  useEffect(() => {
    nameRef.current = name;
    // Only the log's author name: it applies from the next reconnect, never worth a reconnect.
    if (connection && name) connection.provider.params = syncParams(name);
  }, [connection, name]);

  useEffect(() => {
    const doc = new Y.Doc();
    const provider = openSyncProvider(syncServerUrl(roomId), 'panel', doc, { token, params: syncParams(nameRef.current) });
    const onSync = (isSynced: boolean) => setSynced(isSynced);
    provider.on('sync', onSync);
    setConnection({ doc, provider });
    return () => {
      provider.off('sync', onSync);
      provider.destroy();
      doc.destroy();
      setConnection(null);
      setSynced(false);
    };
  }, [roomId, token]);

  return { connection, synced };
}
