import { useCallback, useEffect, useState } from 'react';
import type { WebsocketProvider } from 'y-websocket';
import { connectionState, isFatalClose, type ConnectionState } from '../lib/connection.js';

export interface ConnectionStatus {
  state: ConnectionState;
  /** The close code that ended the session for good, if one did. */
  fatalCode: number | null;
  /** Lets other checks (the link probe) end the session with an equivalent code. */
  endSession: (code: number) => void;
}

/**
 * Derives the indicator's word from the provider and the browser. Every provider event just
 * re-reads the provider's own flags, so we can't drift from what it will actually do next.
 */
export function useConnectionState(provider: WebsocketProvider | null): ConnectionStatus {
  const [browserOnline, setBrowserOnline] = useState(() => navigator.onLine);
  const [fatalCode, setFatalCode] = useState<number | null>(null);
  const [snapshot, setSnapshot] = useState({ socketOpen: false, shouldConnect: true, everConnected: false });

  useEffect(() => {
    const update = () => setBrowserOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);

  useEffect(() => {
    if (!provider) return;
    setFatalCode(null);
    let everConnected = false;
    const read = () => {
      everConnected ||= provider.wsconnected;
      setSnapshot({ socketOpen: provider.wsconnected, shouldConnect: provider.shouldConnect, everConnected });
    };
    const onClose = (event: CloseEvent | null) => {
      if (event && isFatalClose(event.code)) {
        setFatalCode(event.code);
        // Outside the provider's own close handler: disconnecting from inside it re-enters it.
        queueMicrotask(() => {
          provider.disconnect();
          read();
        });
      }
      read();
    };
    read();
    provider.on('status', read);
    provider.on('connection-close', onClose);
    provider.on('connection-error', read);
    return () => {
      provider.off('status', read);
      provider.off('connection-close', onClose);
      provider.off('connection-error', read);
    };
  }, [provider]);

  // Back online: retry now instead of waiting out the provider's backoff.
  useEffect(() => {
    if (provider && browserOnline && fatalCode === null && provider.shouldConnect && !provider.wsconnected) {
      provider.connect();
    }
  }, [provider, browserOnline, fatalCode]);

  const endSession = useCallback(
    (code: number) => {
      setFatalCode(code);
      provider?.disconnect();
      if (provider) setSnapshot((previous) => ({ ...previous, socketOpen: false, shouldConnect: false }));
    },
    [provider],
  );

  return { state: connectionState({ browserOnline, ...snapshot }), fatalCode, endSession };
}
