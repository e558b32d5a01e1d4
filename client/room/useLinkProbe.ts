import { useEffect } from 'react';
import { ApiRequestError, whoAmI } from '../lib/api.js';
import { closeCodeForStatus, type ConnectionState } from '../lib/connection.js';

/** Give a normal reconnect this long before asking the server why it isn't working. */
const PROBE_AFTER_MS = 4_000;
const PROBE_INTERVAL_MS = 10_000;

/**
 * A safety net for the socket's close codes: a refused WebSocket upgrade reaches the page as
 * a bare 1006, indistinguishable from a network blip. While reconnects keep failing, ask the
 * REST API whether the link is still good, and end the session if it is not.
 */
export function useLinkProbe(
  roomId: string,
  token: string,
  state: ConnectionState,
  ended: boolean,
  endSession: (code: number) => void,
): void {
  const failing = !ended && (state === 'connecting' || state === 'reconnecting');
  useEffect(() => {
    if (!failing) return;
    let cancelled = false;
    const probe = async () => {
      try {
        await whoAmI(roomId, token);
      } catch (error) {
        const code = error instanceof ApiRequestError ? closeCodeForStatus(error.status) : null;
        if (!cancelled && code !== null) endSession(code);
      }
    };
    const first = window.setTimeout(probe, PROBE_AFTER_MS);
    const repeat = window.setInterval(probe, PROBE_INTERVAL_MS);
    return () => {
      cancelled = true;
      window.clearTimeout(first);
      window.clearInterval(repeat);
    };
  }, [failing, roomId, token, endSession]);
}
