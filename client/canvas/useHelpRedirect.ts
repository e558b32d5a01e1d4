import type { ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import { useEffect, useRef } from 'react';

/**
 * Every way into Excalidraw's own help (the footer's help icon, the main menu's "Help", the
 * command palette) ends in `appState.openDialog = { name: 'help' }`, a dialog that lists its keys
 * and links out to excalidraw.com. 0.18 has no option to hide those entry points, so the dialog is
 * closed the moment it opens and attn's shortcuts (which list Excalidraw's keys too) open instead.
 * The change listener runs in Excalidraw's componentDidUpdate, before the browser paints, so its
 * dialog never shows. The `?` key never gets this far: useHelpShortcut takes it first.
 */
export function useHelpRedirect(api: ExcalidrawImperativeAPI | null, onHelp: (() => void) | undefined): void {
  // A ref, so a new callback identity from the parent does not resubscribe.
  const onHelpRef = useRef(onHelp);
  useEffect(() => {
    onHelpRef.current = onHelp;
  }, [onHelp]);
  const enabled = onHelp !== undefined;

  useEffect(() => {
    if (!api || !enabled) return;
    return api.onChange((_elements, appState) => {
      if (appState.openDialog?.name !== 'help') return;
      api.updateScene({ appState: { openDialog: null } });
      onHelpRef.current?.();
    });
  }, [api, enabled]);
}
