import { Fragment } from 'react';
import { ROLE_LABEL } from '../lib/roles.js';
import { someone } from './markers.js';
import type { Participant } from './session.js';
import { formatOffset } from './time.js';

interface ReplayPeopleProps {
  participants: readonly Participant[];
  /** the recording's start: times show as offsets, like the clock */
  start: number;
  onSeek: (t: number) => void;
}

/**
 * Who took part, on screen rather than in a tooltip: each person's colour (their lane's), name,
 * role, and when they joined and left; a time seeks there.
 */
export function ReplayPeople({ participants, start, onSeek }: ReplayPeopleProps) {
  if (participants.length === 0) return null;
  const at = (t: number) => (
    <button type="button" className="replay-people-time mono" onClick={() => onSeek(t)} title="Go to this moment">
      {formatOffset(t - start)}
    </button>
  );
  return (
    <section className="replay-people" data-testid="replay-people" aria-label="Participants">
      <header className="pane-header">
        <span className="pane-title">People</span>
        <span className="pane-subtitle">{participants.length}</span>
      </header>
      <ul className="replay-people-list">
        {participants.map((p) => (
          <li key={p.key} className="replay-person" data-testid="replay-person">
            <span className="replay-swatch" style={{ background: p.color }} aria-hidden="true" />
            <span className="replay-person-name" data-testid="replay-person-name">
              {p.name || someone(p.role)}
            </span>
            <span className="chip replay-person-role">{p.role === 'server' ? 'attn' : ROLE_LABEL[p.role]}</span>
            <span className="replay-person-times small muted" data-testid="replay-person-times">
              {p.stints.length === 0
                ? 'no connection recorded'
                : p.stints.map((s, i) => (
                    <Fragment key={s.joined}>
                      {i > 0 && '; '}
                      joined {at(s.joined)}
                      {s.left !== null && <> · left {at(s.left)}</>}
                    </Fragment>
                  ))}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
