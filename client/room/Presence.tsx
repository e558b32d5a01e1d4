import type { CSSProperties, ReactNode } from 'react';
import type { RoomKind } from '../../shared/capabilities.js';
import { initials } from '../lib/colors.js';
import { roleLabel } from '../lib/roles.js';
import type { PresenceEntry } from './presence.js';

/** This many people get a name next to their avatar; the rest collapse to avatars only. */
const NAMED_AVATARS = 4;

interface PresenceProps {
  entries: PresenceEntry[];
  /** the room's kind: a pair room's `interviewer` is a peer */
  kind: RoomKind;
  onEditSelf: () => void;
  /** A control beside each person (the board's Follow / Bring everyone here). */
  renderAction?: (entry: PresenceEntry) => ReactNode;
}

/**
 * Everyone in the room. The strip has a fixed height and a capped width (styles.css), so
 * people joining or leaving never shift the rest of the layout.
 */
export function Presence({ entries, kind, onEditSelf, renderAction }: PresenceProps) {
  return (
    <ul className="presence" data-testid="presence" aria-label="People in this room">
      {entries.map((entry, index) => {
        const { user, isSelf } = entry;
        const compact = index >= NAMED_AVATARS;
        const role = roleLabel(kind, user.role);
        const label = `${user.name}${isSelf ? ' (you)' : ''}, ${role}`;
        const body = (
          <>
            <span className="avatar" aria-hidden="true">
              {initials(user.name)}
            </span>
            <span className={compact ? 'visually-hidden' : 'presence-text'}>
              <span className="presence-name">
                {user.name}
                {isSelf && <span className="muted"> (you)</span>}
              </span>
              <span className={`role-badge role-badge-small role-${user.role}`}>{role}</span>
            </span>
          </>
        );
        return (
          <li
            key={entry.clientId}
            className={`presence-user${compact ? ' presence-compact' : ''}`}
            data-testid="presence-user"
            data-role={user.role}
            data-self={isSelf || undefined}
            style={{ '--user-color': user.color } as CSSProperties}
            title={label}
          >
            {isSelf ? (
              <button type="button" className="presence-self" onClick={onEditSelf} aria-label={`${label}. Change your name`}>
                {body}
              </button>
            ) : (
              body
            )}
            {renderAction?.(entry)}
          </li>
        );
      })}
    </ul>
  );
}
