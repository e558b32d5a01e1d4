import type { ConnectionState } from '../lib/connection.js';

const EXPLANATION: Record<ConnectionState, string> = {
  connected: 'Live: your changes are shared as you make them.',
  connecting: 'Connecting to the interview…',
  reconnecting: 'Connection lost; retrying. Keep working: your changes are sent when it is back.',
  offline: 'Offline: changes stay on this page until the connection returns.',
};

interface ConnectionIndicatorProps {
  state: ConnectionState;
  unsynced: boolean;
}

export function ConnectionIndicator({ state, unsynced }: ConnectionIndicatorProps) {
  return (
    <div className={`connection connection-${state}`} title={EXPLANATION[state]} role="status">
      {/* A fixed slot: the warning appears without pushing the rest of the bar around. */}
      <span className="unsynced-slot">
        {unsynced && (
          <span className="unsynced" data-testid="unsynced">
            unsynced changes
          </span>
        )}
      </span>
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-text" data-testid="connection-state">
        {state}
      </span>
    </div>
  );
}
