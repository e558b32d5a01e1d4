import { useEffect, useMemo, useRef } from 'react';
import type { Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import type { SignalBody } from '../../shared/api.js';
import { postSignal } from '../lib/api.js';
import { pasteSignal, visibilitySignal, type Visibility } from './candidateSignals.js';

/**
 * The candidate's side of the interviewers' signals: a large paste into the code pad and the
 * tab being hidden or shown again are reported to the server, which stamps and stores them in
 * the panel doc (which candidates cannot read). Reports are fire-and-forget: a refused one
 * (429 when they come too fast, or the server being away) is simply dropped, and nothing about
 * it is shown to the candidate.
 *
 * Returns the code pad extensions that watch pastes; a stable array, or undefined when off.
 */
export function useCandidateSignals(roomId: string, token: string, enabled: boolean): readonly Extension[] | undefined {
  const send = useRef<(body: SignalBody) => void>(() => undefined);
  useEffect(() => {
    send.current = (body) => {
      postSignal(roomId, token, body).catch(() => undefined);
    };
  }, [roomId, token]);

  useEffect(() => {
    if (!enabled) return;
    let lastSent: Visibility | null = null;
    // A reload or a navigation away hides the page too, but that is not leaving the interview
    // for another tab. beforeunload and pagehide both come before that last visibilitychange
    // (HTML's "unload a document" steps), so once either has fired the hiding is not reported.
    // A cancelled unload leaves the page visible; the next 'visible' re-arms the reporting.
    let unloading = false;
    const onPageHide = () => {
      unloading = true;
    };
    const onPageShow = () => {
      unloading = false; // back from the back/forward cache: the page is live again
    };
    const onVisibilityChange = () => {
      if (unloading) {
        if (document.visibilityState === 'visible') unloading = false;
        return;
      }
      const signal = visibilitySignal(document.visibilityState, lastSent);
      if (!signal) return;
      lastSent = signal.kind as Visibility;
      send.current(signal);
    };
    window.addEventListener('beforeunload', onPageHide);
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      window.removeEventListener('beforeunload', onPageHide);
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [enabled]);

  return useMemo(
    () =>
      enabled
        ? [
            EditorView.domEventHandlers({
              paste(event) {
                const signal = pasteSignal(event.clipboardData?.getData('text/plain') ?? '');
                if (signal) send.current(signal);
                return false; // CodeMirror still performs the paste
              },
            }),
          ]
        : undefined,
    [enabled],
  );
}
