/**
 * What each role may do: the one table. The server's route guard (requireCapability), the sync
 * server's document access (DOC_ACCESS in protocol.ts) and every role-dependent control in the
 * client are derived from it, so a right is granted or taken away here and nowhere else.
 *
 * Keyed by capability rather than by role: a row reads as "who may do this", which is both the
 * type of `can`'s narrowing and the 403 sentence ("Only interviewer links may do this."). Room
 * kinds, when they come, are a second table of the same shape chosen per room.
 *
 * The client mirrors the table only to decide what to show; the server enforces it.
 */
import type { Role } from './protocol.js';

export const CAPABILITIES = {
  // The two Y.Docs (WebSocket). The panel holds scores, notes, the plan and signals.
  'board.read': ['interviewer', 'candidate', 'observer'],
  'board.write': ['interviewer', 'candidate'],
  'panel.read': ['interviewer', 'observer'],
  'panel.write': ['interviewer'],

  // The room and its links.
  'room.read': ['interviewer', 'candidate', 'observer'],
  'links.manage': ['interviewer'],

  // Running the interview. The full question bank carries expected answers and follow-ups.
  'questions.read': ['interviewer', 'observer'],
  'plan.edit': ['interviewer'],
  'question.set': ['interviewer'],
  'session.read': ['interviewer', 'candidate', 'observer'],
  /** Toggles "templates for anyone", and inserts diagram templates whatever that toggle says. */
  'templates.manage': ['interviewer'],
  /**
   * "Bring everyone to my view": every other canvas in the room jumps to this user's viewport.
   * Awareness is relayed as is, so receivers check the sender's role against this row too.
   */
  'board.summon': ['interviewer'],
  'signals.send': ['candidate'],
  'scorecard.read': ['interviewer'],
  /** The recorded log of both docs (replay), which includes the panel. */
  'history.read': ['interviewer', 'observer'],

  // Coding challenges and the snippet runner.
  'challenges.read': ['interviewer', 'candidate', 'observer'],
  'challenge.reference.read': ['interviewer', 'observer'],
  /** Every case's expected output; the others get the example cases' only (hidden cases are the server's). */
  'challenge.expected.read': ['interviewer', 'observer'],
  /** Sends a check's outputs for the server to judge (the verdict is the server's, never the browser's). */
  'challenge.verify': ['interviewer', 'candidate'],
  'code.run': ['interviewer', 'candidate'],
  /** Asks a candidate's browser to run the pad (on the candidate's GPU). */
  'runs.remote.request': ['interviewer'],
  /** Runs the pad on request, after the owner allowed it. */
  'runs.remote.host': ['candidate'],

  // Board images and the panel's attachments.
  'files.upload': ['interviewer', 'candidate'],
  'files.read': ['interviewer', 'candidate', 'observer'],
  'attachments.manage': ['interviewer'],

  // Audio and video (LiveKit).
  'av.join': ['interviewer', 'candidate', 'observer'],
  'av.publish': ['interviewer', 'candidate'],
  'recording.control': ['interviewer'],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof CAPABILITIES;

/** The roles holding `C`, as a type: `can` narrows a role to it. */
export type RolesWith<C extends Capability> = (typeof CAPABILITIES)[C][number];

export const CAPABILITY_NAMES = Object.keys(CAPABILITIES) as Capability[];

export function can<C extends Capability>(role: Role, capability: C): role is RolesWith<C> {
  return (CAPABILITIES[capability] as readonly Role[]).includes(role);
}

/** In the table's order (interviewer, candidate, observer), so messages read the same every time. */
export function rolesWith(capability: Capability): readonly Role[] {
  return CAPABILITIES[capability];
}

export function capabilitiesOf(role: Role): Capability[] {
  return CAPABILITY_NAMES.filter((capability) => can(role, capability));
}
