import { useCallback, useState } from 'react';
import { useHelpShortcut } from '../room/useHelpShortcut.js';

/**
 * Whether the replay's shortcuts dialog is open. `?` opens it (taken before Excalidraw, which
 * would open its own help), and so does `show` (the toolbar button; the canvas's help entry
 * points through Canvas's onHelp).
 */
export function useReplayShortcuts(): { open: boolean; show: () => void; close: () => void } {
  const [open, setOpen] = useState(false);
  const show = useCallback(() => setOpen(true), []);
  const close = useCallback(() => setOpen(false), []);
  useHelpShortcut(show);
  return { open, show, close };
}
