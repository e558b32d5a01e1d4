import { useEffect, useState } from 'react';
import type { ConnectionState } from '../lib/connection.js';
import { RECONNECT_BANNER_AFTER_MS, listAreas } from './layout.js';

interface ReconnectBannerProps {
  state: ConnectionState;
  /** the areas with this person's edits not yet saved by the server (board, pad, panel notes…) */
  areas: readonly string[];
}

/**
 * Says plainly that the room is not live once the sockets have been down for a few seconds
 * (short blips stay quiet: the dot in the top bar covers them), and what of this person's work
 * is only on this page until they return.
 */
export function ReconnectBanner({ state, areas }: ReconnectBannerProps) {
  const down = useDownFor(state === 'reconnecting' || state === 'offline', RECONNECT_BANNER_AFTER_MS);
  if (!down) return null;
  const what = listAreas(areas);
  return (
    <div className={`banner banner-reconnect banner-reconnect-${state}`} role="alert" data-testid="reconnect-banner">
      <strong>{state === 'offline' ? 'You are offline.' : 'Connection lost: reconnecting…'}</strong>{' '}
      {what ? (
        <span data-testid="unsynced-areas" data-areas={areas.join(',')}>
          Not saved yet: your changes to the {what}. Keep this tab open; they are sent when the connection returns.
        </span>
      ) : (
        <span>Nothing of yours is waiting to be saved. Others&apos; changes appear when the connection returns.</span>
      )}
    </div>
  );
}

/** True once `active` has held for `ms` without a break; false again as soon as it stops. */
function useDownFor(active: boolean, ms: number): boolean {
  const [elapsed, setElapsed] = useState(false);
  useEffect(() => {
    setElapsed(false);
    if (!active) return;
    const timer = setTimeout(() => setElapsed(true), ms);
    return () => clearTimeout(timer);
  }, [active, ms]);
  return active && elapsed;
}
