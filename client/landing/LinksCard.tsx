import type { CSSProperties } from 'react';
import type { CreateAnyRoomResponse } from '../../shared/api.js';
import { KIND_LINKS, type RoomKind } from '../../shared/capabilities.js';
import type { Role } from '../../shared/protocol.js';
import { ROLE_COLOR } from '../lib/colors.js';
import { CopyField } from '../lib/CopyField.js';
import { roleDescription, roleLabel } from '../lib/roles.js';
import { PlanPicker } from './PlanPicker.js';

interface LinksCardProps {
  result: CreateAnyRoomResponse;
  onReset: () => void;
}

/** Per kind: the card's eyebrow, and which link the big button opens. */
const KIND_CARD: Record<RoomKind, { eyebrow: string; open: Role; openLabel: string; testId: string }> = {
  interview: { eyebrow: 'Interview ready', open: 'interviewer', openLabel: 'Open as interviewer →', testId: 'open-interviewer' },
  pair: { eyebrow: 'Whiteboard ready', open: 'interviewer', openLabel: 'Open the whiteboard →', testId: 'open-pair' },
  practice: { eyebrow: 'Practice room ready', open: 'candidate', openLabel: 'Start practising →', testId: 'open-practice' },
};

/** The capability links of a fresh room (the kind's, KIND_LINKS), each with what it lets its holder do. */
export function LinksCard({ result, onReset }: LinksCardProps) {
  const { room, links } = result;
  const card = KIND_CARD[room.kind];
  const opener = links[card.open];
  return (
    <section className="card links-card" aria-labelledby="links-card-title" data-kind={room.kind}>
      <p className="eyebrow">{card.eyebrow}</p>
      <h1 id="links-card-title" className="links-card-title">
        {room.title || 'Untitled interview'}
      </h1>
      <p className="muted">
        Anyone with a link joins with its role. Send each one privately; you can revoke and reissue them from the room.
      </p>
      <ul className="link-list">
        {KIND_LINKS[room.kind].map((role) => {
          const link = links[role];
          if (!link) return null;
          return (
            <li key={role} className="link-row">
              <div className="link-row-head">
                <span className="role-badge" style={{ '--role-color': ROLE_COLOR[role] } as CSSProperties}>
                  {roleLabel(room.kind, role)}
                </span>
                <span className="link-row-text">{roleDescription(room.kind, role)}</span>
              </div>
              <CopyField value={link.url} label={`${roleLabel(room.kind, role)} link`} testId={`link-${role}`} copyTestId={`copy-${role}`} />
            </li>
          );
        })}
      </ul>
      {room.kind === 'interview' && links.interviewer && <PlanPicker roomId={room.id} token={links.interviewer.token} />}
      <div className="actions">
        {opener && (
          <a className="button button-primary button-large" href={opener.url} data-testid={card.testId}>
            {card.openLabel}
          </a>
        )}
        <button type="button" className="button button-ghost" onClick={onReset}>
          Create another
        </button>
      </div>
    </section>
  );
}
