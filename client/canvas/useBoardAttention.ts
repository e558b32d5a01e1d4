/**
 * Keeping people's eyes on the work: fit the board into view once when a joiner's content first
 * shows, and the toast for what peers did (an insert with Show, a summon). Canvas.tsx wires it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppState, ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import type { Inserted } from '../diagrams/insertTemplate.js';
import type { CanvasBinding } from './binding.js';
import { viewShowing } from './presence.js';
import type { PeerEvent } from './signals.js';

export interface BoardAttention {
  /** call from Excalidraw's onChange with the visible element count */
  onContent: (count: number) => void;
  /** on the canvas container: the user's first press cancels the automatic fit */
  onPointerDownCapture: () => void;
  /** the binding's onPeerEvent */
  onPeerEvent: (event: PeerEvent) => void;
  /** the diagram kit's onInserted: tells the room */
  announceInsert: (what: 'template' | 'diagram', inserted: Inserted) => void;
  peerEvent: PeerEvent | null;
  showPeerEvent: (event: PeerEvent) => void;
  closePeerEvent: () => void;
}

export function useBoardAttention(api: ExcalidrawImperativeAPI | null, bindingRef: { readonly current: CanvasBinding | null }): BoardAttention {
  const [peerEvent, setPeerEvent] = useState<PeerEvent | null>(null);
  const apiRef = useRef(api);
  useEffect(() => {
    apiRef.current = api;
  }, [api]);

  // Joining a room with content: the elements usually arrive after the first paint (initialData
  // is whatever the doc held then, often nothing), so initialData's scrollToContent saw an empty
  // board and the joiner faced a blank area. Fit once, when content first shows.
  const fittedRef = useRef(false);
  const onContent = useCallback((count: number) => {
    const target = apiRef.current;
    if (fittedRef.current || count === 0 || !target) return;
    fittedRef.current = true;
    requestAnimationFrame(() => target.scrollToContent(undefined, { fitToContent: true, animate: false }));
  }, []);
  // Never move a view someone is already working in.
  const onPointerDownCapture = useCallback(() => {
    fittedRef.current = true;
  }, []);

  const announceInsert = useCallback(
    (what: 'template' | 'diagram', inserted: Inserted) => bindingRef.current?.presence?.announceInsert(what, inserted.bounds),
    [bindingRef],
  );
  const showPeerEvent = useCallback(
    (event: PeerEvent) => {
      if (!api || event.kind !== 'inserted') return;
      const view = viewShowing(event.bounds, api.getAppState());
      // Leave any follow first: otherwise the followed user's next move would pull the view back.
      api.updateScene({ appState: { userToFollow: null } });
      api.updateScene({ appState: { ...view, zoom: view.zoom as AppState['zoom'] } });
      setPeerEvent(null);
    },
    [api],
  );
  const closePeerEvent = useCallback(() => setPeerEvent(null), []);

  return { onContent, onPointerDownCapture, onPeerEvent: setPeerEvent, announceInsert, peerEvent, showPeerEvent, closePeerEvent };
}
