import type { CSSProperties } from 'react';
import type { CreateRoomResponse } from '../../shared/api.js';
import { ROLES } from '../../shared/protocol.js';
import { ROLE_COLOR } from '../lib/colors.js';
import { CopyField } from '../lib/CopyField.js';
import { ROLE_DESCRIPTION, ROLE_LABEL } from '../lib/roles.js';
import { PlanPicker } from './PlanPicker.js';

interface LinksCardProps {
  result: CreateRoomResponse;
  onReset: () => void;
}

/** The three capability links of a fresh room, each with what it lets its holder do. */
export function LinksCard({ result, onReset }: LinksCardProps) {
  const { room, links } = result;
  return (
    <section className="card links-card" aria-labelledby="links-card-title">
      <p className="eyebrow">Interview ready</p>
      <h1 id="links-card-title" className="links-card-title">
        {room.title || 'Untitled interview'}
      </h1>
      <p className="muted">
        Anyone with a link joins with its role. Send each one privately; you can revoke and reissue them from the room.
      </p>
      <ul className="link-list">
        {ROLES.map((role) => (
          <li key={role} className="link-row">
            <div className="link-row-head">
              <span className="role-badge" style={{ '--role-color': ROLE_COLOR[role] } as CSSProperties}>
                {ROLE_LABEL[role]}
              </span>
              <span className="link-row-text">{ROLE_DESCRIPTION[role]}</span>
            </div>
            <CopyField
              value={links[role].url}
              label={`${ROLE_LABEL[role]} link`}
              testId={`link-${role}`}
              copyTestId={`copy-${role}`}
            />
          </li>
        ))}
      </ul>
      <PlanPicker roomId={room.id} token={links.interviewer.token} />
      <div className="actions">
        <a className="button button-primary button-large" href={links.interviewer.url} data-testid="open-interviewer">
          Open as interviewer →
        </a>
        <button type="button" className="button button-ghost" onClick={onReset}>
          Create another
        </button>
      </div>
    </section>
  );
}
