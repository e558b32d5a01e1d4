import { useEffect } from 'react';
import { isHelpKey, isTypingTarget } from '../lib/keyboard.js';

/**
 * `?` opens attn's shortcuts dialog anywhere in the room except while typing, the canvas
 * included. Excalidraw 0.18 binds `?` to its own help dialog (with links out to excalidraw.com)
 * in the keydown handler on its container, and has no option to turn that off; a capture-phase
 * listener on the window runs before any element's handler, so stopping the event there means
 * Excalidraw never sees it. Its other keys still reach it. The dialog lists Excalidraw's keys.
 */
export function useHelpShortcut(open: () => void): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || !isHelpKey(event) || isTypingTarget(event.target)) return;
      event.preventDefault();
      event.stopPropagation();
      open();
    };
    window.addEventListener('keydown', onKeyDown, { capture: true });
    return () => window.removeEventListener('keydown', onKeyDown, { capture: true });
  }, [open]);
}
