import { useEffect, useRef, useState } from 'react';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { FATAL_CLOSE_CODES } from '../../shared/protocol.js';
import { syncServerUrl } from '../room/useBoardConnection.js';

/**
 * The panel socket publishes no awareness, so the server cannot learn the display name from
 * it; the `name` parameter is how panel updates get attributed in the server's log.
 */
function syncParams(token: string, name: string | null): Record<string, string> {
  return name ? { token, name } : { token };
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
    if (connection && name) connection.provider.params = syncParams(token, name);
  }, [connection, name, token]);

  useEffect(() => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(syncServerUrl(roomId), 'panel', doc, {
      params: syncParams(token, nameRef.current),
      // Same contract as the board: a fatal close code means retrying cannot succeed.
      shouldReconnect: (event) => !FATAL_CLOSE_CODES.has(event.code),
    });
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
