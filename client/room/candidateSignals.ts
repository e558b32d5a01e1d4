import { LARGE_PASTE_CHARS, type SignalBody } from '../../shared/api.js';

/**
 * What a candidate's paste is worth reporting: null for ordinary pastes. Characters are
 * counted as code points, so an emoji counts once, as a person would count it.
 */
export function pasteSignal(text: string): SignalBody | null {
  let chars = 0;
  for (const _ of text) chars++;
  return chars >= LARGE_PASTE_CHARS ? { kind: 'paste', chars } : null;
}

export type Visibility = 'hidden' | 'visible';

/**
 * The signal for a visibility change, given the last one sent: each change is reported once,
 * and "visible" only ever follows a reported "hidden" (a page that loads visible says nothing).
 */
export function visibilitySignal(state: DocumentVisibilityState, lastSent: Visibility | null): SignalBody | null {
  const kind: Visibility = state === 'hidden' ? 'hidden' : 'visible';
  if (kind === lastSent) return null;
  if (kind === 'visible' && lastSent === null) return null;
  return { kind };
}
