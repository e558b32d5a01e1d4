import { StorageKey, readStored, removeStored, writeStored } from './storage.js';

/** Tokens are base64url; anything else is a mangled copy-paste, not a token worth sending. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/** The token from a `#token=...` fragment (other fragment parameters are ignored), or null. */
export function parseTokenFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token')?.trim();
  return token && TOKEN_PATTERN.test(token) ? token : null;
}

/**
 * Moves the token out of the address bar into this tab's sessionStorage and returns the token
 * to use. The fragment is never sent to a server, but it is shown, bookmarked, screenshotted
 * and synced into browser history; sessionStorage keeps it for reloads of this tab only.
 * Idempotent, so React StrictMode calling it twice is harmless.
 */
export function claimRoomToken(roomId: string): string | null {
  const key = StorageKey.token(roomId);
  const fromFragment = parseTokenFragment(window.location.hash);
  if (fromFragment) {
    writeStored('session', key, fromFragment);
    const { pathname, search } = window.location;
    window.history.replaceState(window.history.state, '', pathname + search);
    return fromFragment;
  }
  return readStored('session', key);
}

export function forgetRoomToken(roomId: string): void {
  removeStored('session', StorageKey.token(roomId));
}
