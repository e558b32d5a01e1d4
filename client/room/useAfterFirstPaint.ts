import { useEffect, useState } from 'react';

const BACKGROUND_TAB_FALLBACK_MS = 500;

/**
 * False until the browser has painted what this render committed, then true for good.
 *
 * Why: the room renders the pad and the (lazy) canvas together, and React starts fetching
 * Excalidraw's chunk the moment the canvas is rendered. On a fast link that ~2 MB of JavaScript
 * arrives before the next frame and compiling and running it holds the main thread for hundreds
 * of milliseconds, so the pad, already in the DOM, is neither painted nor typeable until
 * Excalidraw has loaded. Gating the canvas on this puts one painted, editable frame of pad first;
 * the canvas starts loading a frame later.
 */
export function useAfterFirstPaint(): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    if (painted) return;
    // rAF runs just before the next paint; a task queued from it runs after that paint. A tab
    // opened in the background gets no frames at all: the fallback timer lets it go on loading.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setPainted(true), 0);
    });
    const fallback = setTimeout(() => setPainted(true), BACKGROUND_TAB_FALLBACK_MS);
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(fallback);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [painted]);
  return painted;
}
