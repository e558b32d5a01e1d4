import type { Role } from '../../shared/protocol.js';
import type { RoomKind } from '../../shared/capabilities.js';

export const ROLE_LABEL: Record<Role, string> = {
  interviewer: 'Interviewer',
  candidate: 'Candidate',
  observer: 'Observer',
};

/** One line per role, shown next to each link so whoever shares it knows what it grants. */
export const ROLE_DESCRIPTION: Record<Role, string> = {
  interviewer: 'Draws, codes, scores privately and manages links. Keep it to your interview panel.',
  candidate: 'Draws and codes on the shared board. Never sees your notes, scores or answers.',
  observer: 'Watches the board and the panel live, read-only. For shadowing and calibration.',
};

/**
 * What a link is called in a room of each kind: a pair room's `interviewer` link is the peer link
 * (its table gives it no panel), a practice room's `candidate` link is the person practising.
 */
const KIND_ROLE_TEXT: Record<Exclude<RoomKind, 'interview'>, Partial<Record<Role, { label: string; description: string }>>> = {
  pair: {
    interviewer: { label: 'Peer', description: 'Draws, codes and runs on the shared board. Everyone on this link is a peer.' },
    observer: { label: 'Read-only', description: 'Watches the board live, changes nothing.' },
  },
  practice: {
    // Not "You": the label also names other people (presence, "joining as …", the replay).
    candidate: { label: 'Practiser', description: 'Your practice link: pick questions, answer against the clock, reveal the guide, score yourself.' },
    interviewer: { label: 'Peer who asks', description: 'For a friend who asks the questions and sees the guide; swap roles any time.' },
    observer: { label: 'Observer', description: 'Watches the board and the self-scores, read-only; never sees the guide.' },
  },
};

export function roleLabel(kind: RoomKind, role: Role): string {
  return kind === 'interview' ? ROLE_LABEL[role] : (KIND_ROLE_TEXT[kind][role]?.label ?? ROLE_LABEL[role]);
}

export function roleDescription(kind: RoomKind, role: Role): string {
  return kind === 'interview' ? ROLE_DESCRIPTION[role] : (KIND_ROLE_TEXT[kind][role]?.description ?? ROLE_DESCRIPTION[role]);
}
