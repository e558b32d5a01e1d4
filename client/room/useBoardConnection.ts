import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import type { WebsocketProvider } from 'y-websocket';
import { SYNC_PATH_PREFIX } from '../../shared/protocol.js';
import { openSyncProvider } from './syncProvider.js';

export interface BoardConnection {
  doc: Y.Doc;
  awareness: Awareness;
  provider: WebsocketProvider;
}

/** `ws(s)://<host>/sync/<roomId>`; the provider appends `/board` (the token rides in a subprotocol). */
export function syncServerUrl(roomId: string, location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${SYNC_PATH_PREFIX}${encodeURIComponent(roomId)}`;
}

/**
 * One board Y.Doc, its Awareness and the WebSocket provider for a room, alive while the room
 * page is mounted. Created in an effect (not during render) so React StrictMode's double mount
 * builds and tears down a whole connection rather than leaking a socket.
 */
export function useBoardConnection(roomId: string, token: string): BoardConnection | null {
  const [connection, setConnection] = useState<BoardConnection | null>(null);

  useEffect(() => {
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    const provider = openSyncProvider(syncServerUrl(roomId), 'board', doc, { token, awareness });
    // Tell the others we left right away instead of letting our cursor linger for the 30 s
    // awareness timeout. A page restored from the back/forward cache reloads to rejoin cleanly.
    const onPageHide = () => awareness.setLocalState(null);
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) window.location.reload();
    };
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);
    setConnection({ doc, awareness, provider });
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
      awareness.setLocalState(null);
      provider.destroy();
      awareness.destroy();
      doc.destroy();
      setConnection(null);
    };
  }, [roomId, token]);

  return connection;
}
