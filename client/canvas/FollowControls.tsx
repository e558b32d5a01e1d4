/**
 * The board's controls in the presence bar: "Follow <name>" on everyone else, and for roles with
 * board.summon, "Bring everyone here" on yourself. They only write awareness (`following`,
 * `summon`); the canvas (presence.ts) turns that into Excalidraw's follow mode or a jump to the
 * summoner's view, so the bar needs no handle on the lazily loaded canvas.
 */
import { useCallback, useSyncExternalStore } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { canIn, type RoomKind } from '../../shared/capabilities.js';
import type { AwarenessState } from '../../shared/doc.js';
import type { Role } from '../../shared/protocol.js';
import { nextSeq } from './signals.js';
import './follow.css';

function useLocalFollowing(awareness: Awareness): number | null {
  const subscribe = useCallback(
    (onChange: () => void) => {
      awareness.on('change', onChange);
      return () => awareness.off('change', onChange);
    },
    [awareness],
  );
  return useSyncExternalStore(subscribe, () => (awareness.getLocalState() as AwarenessState | null)?.following ?? null);
}

interface BoardPresenceActionProps {
  awareness: Awareness;
  /** the viewer's role */
  role: Role;
  /** the room's kind, for the capability column */
  kind?: RoomKind;
  clientId: number;
  name: string;
  isSelf: boolean;
}

export function BoardPresenceAction({ awareness, role, kind = 'interview', clientId, name, isSelf }: BoardPresenceActionProps) {
  const following = useLocalFollowing(awareness);
  if (isSelf) {
    if (!canIn(kind, role, 'board.summon')) return null;
    const summon = () => {
      const state = awareness.getLocalState() as AwarenessState | null;
      if (state) awareness.setLocalStateField('summon', { seq: nextSeq(state.summon) });
    };
    return (
      <button type="button" className="presence-action" data-testid="summon-everyone" onClick={summon} title="Move everyone's board to what you see">
        Bring everyone here
      </button>
    );
  }
  const active = following === clientId;
  return (
    <button
      type="button"
      className="presence-action"
      data-testid="follow-user"
      data-name={name}
      aria-pressed={active}
      onClick={() => awareness.setLocalStateField('following', active ? null : clientId)}
      title={active ? `Stop following ${name}` : `Follow ${name}'s view of the board`}
    >
      {active ? 'Following' : `Follow ${name}`}
    </button>
  );
}
