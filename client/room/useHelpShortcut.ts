import { useEffect } from 'react';
import { isHelpKey, isTypingOrCanvasTarget } from '../lib/keyboard.js';

/** `?` opens the shortcuts dialog, except while typing or while the canvas owns the keyboard. */
export function useHelpShortcut(open: () => void): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || !isHelpKey(event) || isTypingOrCanvasTarget(event.target)) return;
      event.preventDefault();
      open();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [open]);
}
