import { CloseCode, FATAL_CLOSE_CODES, LIMITS } from '../../shared/protocol.js';

/** The four words the connection indicator shows (tests read them verbatim). */
export type ConnectionState = 'connected' | 'connecting' | 'reconnecting' | 'offline';

export interface ConnectionFacts {
  /** navigator.onLine: false is reliable, true only means "maybe". */
  browserOnline: boolean;
  /** The WebSocket is open. */
  socketOpen: boolean;
  /** The provider still means to connect (false after a fatal close or an explicit disconnect). */
  shouldConnect: boolean;
  /** The socket was open at least once in this session. */
  everConnected: boolean;
}

export function connectionState(facts: ConnectionFacts): ConnectionState {
  if (!facts.browserOnline || !facts.shouldConnect) return 'offline';
  if (facts.socketOpen) return 'connected';
  // Before the first success we are still "connecting"; after it, every retry is a reconnect.
  return facts.everConnected ? 'reconnecting' : 'connecting';
}

export interface FatalMessage {
  title: string;
  /** what to do next, in one sentence */
  action: string;
}

const FATAL_MESSAGES: Partial<Record<number, FatalMessage>> = {
  [CloseCode.Revoked]: {
    title: 'This link was revoked by the interviewer.',
    action: 'Ask the interviewer for a new link.',
  },
  [CloseCode.BadToken]: {
    title: 'This link is not valid.',
    action: 'Check that you opened the whole link, or ask the interviewer for a new one.',
  },
  [CloseCode.Forbidden]: {
    title: 'This link may not open this part of the interview.',
    action: 'Ask the interviewer for a link with the right role.',
  },
  [CloseCode.NotFound]: {
    title: 'This interview no longer exists.',
    action: 'Ask the interviewer for a current link.',
  },
  [CloseCode.TooLarge]: {
    title: 'A change was too large to send, so the connection was closed.',
    action: 'Reload the page; remove very large images or pasted text before trying again.',
  },
  [CloseCode.Malformed]: {
    title: 'The server could not read a message from this page.',
    action: 'Reload the page; if it happens again, update your browser.',
  },
  // ---- resource limits (issue 12) ----
  [CloseCode.TooManySockets]: {
    title: 'Too many connections from your network, or to this interview.',
    action: 'Close other tabs of this interview and reload the page.',
  },
  [CloseCode.DocTooLarge]: {
    title: 'This interview has reached its size limit, so your last change was not saved.',
    action: 'Reload the page; remove large drawings or pasted text to make room.',
  },
  [CloseCode.NameTooLong]: {
    title: 'Your display name is too long for this interview.',
    action: `Use a name of at most ${LIMITS.MAX_NAME_CHARS} characters, then reload the page.`,
  },
};

export function isFatalClose(code: number | undefined | null): boolean {
  return typeof code === 'number' && FATAL_CLOSE_CODES.has(code);
}

/** The sentence shown for a close code that ends the session. */
export function fatalMessage(code: number): FatalMessage {
  return (
    FATAL_MESSAGES[code] ?? {
      title: `The server ended this session (code ${code}).`,
      action: 'Reload the page to try again.',
    }
  );
}

/** HTTP answers that mean the link itself is dead, as the close code the socket would send. */
export function closeCodeForStatus(status: number): number | null {
  switch (status) {
    case 401:
      return CloseCode.BadToken;
    case 404:
      return CloseCode.NotFound;
    case 410:
      return CloseCode.Revoked;
    default:
      return null;
  }
}
