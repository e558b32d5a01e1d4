import type { ReactNode } from 'react';
import { canIn, type RoomKind } from '../../shared/capabilities.js';
import type { Role } from '../../shared/protocol.js';
import type { ConnectionState } from '../lib/connection.js';
import { ConnectionIndicator } from './ConnectionIndicator.js';
import { Presence } from './Presence.js';
import type { PresenceEntry } from './presence.js';

interface TopBarProps {
  title: string;
  role: Role;
  /** the room's kind: which capability column applies */
  kind: RoomKind;
  presence: PresenceEntry[];
  connection: ConnectionState;
  unsynced: boolean;
  onEditName: () => void;
  onOpenLinks: () => void;
  onOpenShortcuts: () => void;
  /** Slot for the current question and timer (question-bank issue). */
  center?: ReactNode;
  /** A control beside each person in the presence strip (the board's follow controls). */
  presenceAction?: (entry: PresenceEntry) => ReactNode;
  /** Slot for Replay and A/V controls. */
  actions?: ReactNode;
}

/**
 * Brand, title, the question slot, then who is here, the connection, and the actions. The
 * actions and the connection never shrink; the title and the presence strip give way first
 * (room.css), so at 800 px every control is still on screen.
 */
export function TopBar(props: TopBarProps) {
  const { title, role, presence, connection, unsynced } = props;
  return (
    <header className="topbar room-topbar">
      <a className="brand" href="/" title="attn home">
        attn
      </a>
      <span className="topbar-divider" aria-hidden="true" />
      <h1 className="room-title" title={title} data-testid="room-title">
        {title}
      </h1>
      <div className="topbar-center">{props.center}</div>
      <Presence entries={presence} kind={props.kind} onEditSelf={props.onEditName} {...(props.presenceAction ? { renderAction: props.presenceAction } : {})} />
      <ConnectionIndicator state={connection} unsynced={unsynced} />
      <div className="topbar-actions">
        {props.actions}
        {canIn(props.kind, role, 'links.manage') && (
          <button type="button" className="button button-small" data-testid="open-links" onClick={props.onOpenLinks}>
            Links
          </button>
        )}
        <button
          type="button"
          className="icon-button"
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
          data-testid="open-shortcuts"
          onClick={props.onOpenShortcuts}
        >
          ?
        </button>
      </div>
    </header>
  );
}
