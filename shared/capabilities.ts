/**
 * What each role may do: the one table. The server's route guard (requireCapability), the sync
 * server's document access (DOC_ACCESS in protocol.ts) and every role-dependent control in the
 * client are derived from it, so a right is granted or taken away here and nowhere else.
 *
 * Keyed by capability rather than by role: a row reads as "who may do this", which is both the
 * type of `can`'s narrowing and the 403 sentence ("Only interviewer links may do this."). A room's
 * kind (interview, pair, practice) picks one column set: CAPABILITIES is the interview kind's, and
 * KIND_CAPABILITIES below holds every kind's, all in this one file.
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
  /** Server-admin text (which environment variables turn a feature on): the person running the interview. */
  'setup.hints': ['interviewer'],

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

  // Room kinds (issue 14). Rows that only mean something in pair or practice rooms.
  /** The bank's titles, prompts and timings, with no guide (what a candidate may see of a question). */
  'bank.browse': ['interviewer', 'observer'],
  /** One question's guide (expected answer, follow-ups); in practice rooms only after the reader's reveal. */
  'guide.read': ['interviewer', 'observer'],
  /** Records "Reveal guide" for the current question (practice rooms). */
  'practice.reveal': [],
  /** Swaps the interviewer and candidate links of a practice room. */
  'practice.swap': [],
  /** Turns a pair room into an interview. */
  'room.convert': [],
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

export function capabilitiesOf(role: Role, kind: RoomKind = 'interview'): Capability[] {
  return CAPABILITY_NAMES.filter((capability) => canIn(kind, role, capability));
}

// ---- room kinds (issue 14) ----------------------------------------------------------------------

export const ROOM_KINDS = ['interview', 'pair', 'practice'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

/**
 * The links a new room of each kind gets, in the order the landing page shows them. A pair room's
 * one `interviewer` link is the peer link (everyone holding it is a peer: the pair table below
 * gives it no panel), so converting the room to an interview keeps that link and its board.
 * A practice room's `candidate` link is the person practising; its `interviewer` link is for a
 * peer who asks the questions.
 */
export const KIND_LINKS: Record<RoomKind, readonly Role[]> = {
  interview: ['interviewer', 'candidate', 'observer'],
  pair: ['interviewer', 'observer'],
  practice: ['candidate', 'interviewer'],
};

/** The roles a link may be minted for later (Links dialog), per kind. */
export const KIND_ROLES: Record<RoomKind, readonly Role[]> = {
  interview: ['interviewer', 'candidate', 'observer'],
  pair: ['interviewer', 'observer'],
  practice: ['candidate', 'interviewer', 'observer'],
};

type Table = Record<Capability, readonly Role[]>;

const PEER = ['interviewer'] as const;
const EVERYONE_IN_PAIR = ['interviewer', 'observer'] as const;
const NOBODY = [] as const;

/**
 * Pair whiteboarding: one peer link (role `interviewer`) and read-only links. No panel doc at all
 * (the sync server refuses the socket), no question bank, no scoring, no signals, no remote runs.
 */
const PAIR: Table = {
  'board.read': EVERYONE_IN_PAIR,
  'board.write': PEER,
  'panel.read': NOBODY,
  'panel.write': NOBODY,
  'room.read': EVERYONE_IN_PAIR,
  'links.manage': PEER,
  'questions.read': NOBODY,
  'plan.edit': NOBODY,
  'question.set': NOBODY,
  'session.read': EVERYONE_IN_PAIR,
  'templates.manage': PEER,
  'signals.send': NOBODY,
  'scorecard.read': NOBODY,
  'history.read': EVERYONE_IN_PAIR,
  'challenges.read': EVERYONE_IN_PAIR,
  'challenge.reference.read': NOBODY,
  'challenge.expected.read': NOBODY,
  'challenge.verify': PEER,
  'code.run': PEER,
  'runs.remote.request': NOBODY,
  'runs.remote.host': NOBODY,
  'files.upload': PEER,
  'files.read': EVERYONE_IN_PAIR,
  'attachments.manage': NOBODY,
  'av.join': EVERYONE_IN_PAIR,
  'av.publish': PEER,
  'recording.control': PEER,
  'bank.browse': NOBODY,
  'guide.read': NOBODY,
  'practice.reveal': NOBODY,
  'practice.swap': NOBODY,
  'setup.hints': PEER,
  'board.summon': PEER,
  'room.convert': PEER,
};

const ASKER_AND_PRACTISER = ['interviewer', 'candidate'] as const;
const ALL = ['interviewer', 'candidate', 'observer'] as const;

/**
 * Practice: the `candidate` link is the person practising, alone or with a peer on the
 * `interviewer` link. The practiser runs the session (picks questions, sets the current one) and
 * self-scores in the panel doc, which holds scores and notes but never guide text; the guide is a
 * REST read (`guide.read`) that the server answers for the practiser only after their recorded
 * reveal of that question. The full bank (`questions.read`) stays with the asker.
 */
const PRACTICE: Table = {
  'board.read': ALL,
  'board.write': ASKER_AND_PRACTISER,
  'panel.read': ALL,
  'panel.write': ASKER_AND_PRACTISER,
  'room.read': ALL,
  'links.manage': ASKER_AND_PRACTISER,
  'questions.read': ['interviewer'],
  'plan.edit': ASKER_AND_PRACTISER,
  'question.set': ASKER_AND_PRACTISER,
  'session.read': ALL,
  'templates.manage': ASKER_AND_PRACTISER,
  'signals.send': NOBODY,
  'scorecard.read': ASKER_AND_PRACTISER,
  'history.read': ALL,
  'challenges.read': ALL,
  'challenge.reference.read': ['interviewer'],
  'challenge.expected.read': ['interviewer'],
  'challenge.verify': ASKER_AND_PRACTISER,
  'code.run': ASKER_AND_PRACTISER,
  'runs.remote.request': ['interviewer'],
  'runs.remote.host': ['candidate'],
  'files.upload': ASKER_AND_PRACTISER,
  'files.read': ALL,
  'attachments.manage': ASKER_AND_PRACTISER,
  'av.join': ALL,
  'av.publish': ASKER_AND_PRACTISER,
  'recording.control': ASKER_AND_PRACTISER,
  'bank.browse': ALL,
  'guide.read': ASKER_AND_PRACTISER,
  'practice.reveal': ['candidate'],
  'practice.swap': ASKER_AND_PRACTISER,
  'setup.hints': ASKER_AND_PRACTISER,
  // The asker leads the board, as an interviewer does; the practiser is pulled along, never the
  // other way (receiving canvases check this column: client/canvas/signals.ts).
  'board.summon': ['interviewer'],
  'room.convert': NOBODY,
};

/** Every kind's table; `interview` is CAPABILITIES itself. */
export const KIND_CAPABILITIES: Record<RoomKind, Table> = { interview: CAPABILITIES, pair: PAIR, practice: PRACTICE };

/** `can` for a room of any kind (no type narrowing: the roles differ per kind). */
export function canIn(kind: RoomKind, role: Role, capability: Capability): boolean {
  return KIND_CAPABILITIES[kind][capability].includes(role);
}

/** The roles holding `capability` in a room of `kind`, in the table's order. */
export function rolesWithIn(kind: RoomKind, capability: Capability): readonly Role[] {
  return KIND_CAPABILITIES[kind][capability];
}
