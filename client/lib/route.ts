import { ROOM_ID_PATTERN } from '../../shared/protocol.js';

export type Route =
  | { kind: 'landing' }
  | { kind: 'room'; roomId: string }
  | { kind: 'scorecard'; roomId: string }
  /** roomId null: `/replay/local`, a session file opened from disk */
  | { kind: 'replay'; roomId: string | null }
  /** this browser's practice history (localStorage) */
  | { kind: 'practiceHistory' }
  | { kind: 'notFound' };

/** `/replay/local`: replay a session file without a server ("local" is too short to be a room id). */
export const LOCAL_REPLAY_PATH = '/replay/local';
export const PRACTICE_HISTORY_PATH = '/practice/history';

/**
 * The whole router: the landing page, a room, its printable scorecard, its replay and a 404. A library
 * would cost more bytes than it saves, and navigation between screens is always a full page
 * load (a room link is a capability URL).
 */
export function parseRoute(pathname: string): Route {
  // Tolerate a trailing slash so a hand-typed `/r/<id>/` still opens the room.
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '' || path === '/') return { kind: 'landing' };
  const match = /^\/r\/([^/]+)(\/scorecard)?$/.exec(path);
  if (match?.[1] !== undefined) {
    let roomId: string;
    try {
      roomId = decodeURIComponent(match[1]);
    } catch {
      return { kind: 'notFound' };
    }
    if (ROOM_ID_PATTERN.test(roomId)) return { kind: match[2] ? 'scorecard' : 'room', roomId };
  }
  if (path === PRACTICE_HISTORY_PATH) return { kind: 'practiceHistory' };
  if (path === LOCAL_REPLAY_PATH) return { kind: 'replay', roomId: null };
  const replay = /^\/replay\/([^/]+)$/.exec(path);
  if (replay?.[1] !== undefined) {
    let roomId: string;
    try {
      roomId = decodeURIComponent(replay[1]);
    } catch {
      return { kind: 'notFound' };
    }
    if (ROOM_ID_PATTERN.test(roomId)) return { kind: 'replay', roomId };
  }
  return { kind: 'notFound' };
}
