import type { Role } from '../../shared/protocol.js';

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
