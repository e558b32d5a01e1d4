/**
 * The room's whiteboard: Excalidraw bound to the board doc. Thin glue; the logic lives in
 * binding.ts (doc <-> scene, files) and presence.ts (cursors, laser, follow mode).
 * Loaded with React.lazy: Excalidraw is most of the client's weight.
 */
import './assetPath.js'; // must run before Excalidraw is evaluated; see the module
import '@excalidraw/excalidraw/index.css';
import './canvas.css';
import { Excalidraw, reconcileElements } from '@excalidraw/excalidraw';
import type { RemoteExcalidrawElement } from '@excalidraw/excalidraw/data/reconcile';
import type { AppState, ExcalidrawImperativeAPI, ExcalidrawProps, UIOptions } from '@excalidraw/excalidraw/types';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { Role } from '../../shared/protocol.js';
import { mlLibraryItems } from '../diagrams/mlLibrary.js';
import { useDiagramKit } from '../diagrams/useDiagramKit.js';
import { CanvasBinding, elementsFromDoc } from './binding.js';
import { BoardToast } from './BoardToast.js';
import type { ReconcileFn } from './excalidrawApi.js';
import { createHttpFileStore } from './fileStore.js';
import { viewShowing } from './presence.js';
import type { PeerEvent } from './signals.js';
import type { Inserted } from '../diagrams/insertTemplate.js';

export interface CanvasProps {
  /** the board doc */
  doc: Y.Doc;
  /** from y-protocols/awareness, shared with the code pad */
  awareness: Awareness;
  readOnly: boolean;
  roomId: string;
  /** room token for the file REST calls */
  token: string;
  theme: 'light' | 'dark';
  onError?: (message: string) => void;
  /** Excalidraw's imperative API once it exists (templates, tests); optional. */
  onReady?: (api: ExcalidrawImperativeAPI) => void;
  /** The viewer's role: turns on the diagram kit (templates, ML blocks, shape check, Mermaid, export). */
  role?: Role;
  /** for export file names */
  roomTitle?: string;
}

/** The scene lives in the room, not in files: no open/save of .excalidraw; image export stays. */
const UI_OPTIONS: Partial<UIOptions> = {
  canvasActions: {
    loadScene: false,
    saveToActiveFile: false,
    export: false,
    saveAsImage: true,
  },
};

const reconcile: ReconcileFn = (local, remote, appState) =>
  reconcileElements(local, remote as readonly RemoteExcalidrawElement[], appState);

export default function Canvas({ doc, awareness, readOnly, roomId, token, theme, onError, onReady, role, roomTitle }: CanvasProps) {
  const [api, setApi] = useState<ExcalidrawImperativeAPI | null>(null);
  const [empty, setEmpty] = useState(true);
  const [sidebarOpen, setSidebarOpen] = useState(false);
  // Excalidraw hands out its API before it has initialised its scene, and initialising replaces
  // the scene with initialData: a binding started earlier would see its first load wiped. Its
  // first onChange comes only once loading is over, so that is when the binding starts.
  const [loaded, setLoaded] = useState(false);
  const bindingRef = useRef<CanvasBinding | null>(null);
  const [peerEvent, setPeerEvent] = useState<PeerEvent | null>(null);
  // Fit the board into view once, when its content first shows (see onChange), unless the user
  // has already started working on the canvas.
  const fittedRef = useRef(false);
  // Kept in a ref so a new callback identity from the parent does not rebuild the binding.
  const onErrorRef = useRef(onError);
  useEffect(() => {
    onErrorRef.current = onError;
  }, [onError]);

  useEffect(() => {
    if (api) onReady?.(api);
  }, [api, onReady]);

  useEffect(() => {
    if (!api || !loaded) return;
    const binding = new CanvasBinding({
      doc,
      api,
      reconcile,
      awareness,
      readOnly,
      fileStore: createHttpFileStore({ roomId, token }),
      onError: (message) => {
        if (onErrorRef.current) onErrorRef.current(message);
        else api.setToast({ message, closable: true });
      },
      onPeerEvent: setPeerEvent,
    });
    bindingRef.current = binding;
    return () => {
      binding.destroy();
      if (bindingRef.current === binding) bindingRef.current = null;
    };
  }, [api, loaded, doc, awareness, readOnly, roomId, token]);

  const containerRef = useRef<HTMLDivElement | null>(null);
  const onChange = useCallback<NonNullable<ExcalidrawProps['onChange']>>((elements, appState, files) => {
    // The visible element count, as an attribute: cheap (no React render), and what the
    // browser tests and the replay check read to see the scene rather than the doc.
    const container = containerRef.current;
    const count = elements.reduce((n, e) => (e.isDeleted ? n : n + 1), 0);
    if (container) container.dataset.elementCount = String(count);
    // Same value, no render: React bails out, so the frequent onChange stays cheap.
    setEmpty(count === 0);
    setSidebarOpen(appState.openSidebar !== null);
    const binding = bindingRef.current;
    if (binding) binding.onChange(elements, appState, files);
    else setLoaded(true);
    // Joining a room with content: the elements usually arrive after the first paint (initialData
    // is whatever the doc held then, often nothing), so initialData's scrollToContent saw an
    // empty board and the joiner faced a blank area. Fit once when content first shows.
    if (!fittedRef.current && count > 0 && apiRef.current) {
      fittedRef.current = true;
      const target = apiRef.current;
      requestAnimationFrame(() => target.scrollToContent(undefined, { fitToContent: true, animate: false }));
    }
  }, []);
  const apiRef = useRef<ExcalidrawImperativeAPI | null>(null);
  useEffect(() => {
    apiRef.current = api;
  }, [api]);
  // The user's first press on the canvas ends the chance of an automatic fit: never move a view
  // someone is already working in.
  const onPointerDownCapture = useCallback(() => {
    fittedRef.current = true;
  }, []);

  const announceInsert = useCallback((what: 'template' | 'diagram', inserted: Inserted) => {
    bindingRef.current?.presence?.announceInsert(what, inserted.bounds);
  }, []);
  const showPeerEvent = useCallback(
    (event: PeerEvent) => {
      if (!api || event.kind !== 'inserted') return;
      const view = viewShowing(event.bounds, api.getAppState());
      // Leaving a follow first: otherwise the followed user's next move would pull the view back.
      api.updateScene({ appState: { userToFollow: null } });
      api.updateScene({ appState: { ...view, zoom: view.zoom as AppState['zoom'] } });
      setPeerEvent(null);
    },
    [api],
  );
  const closePeerEvent = useCallback(() => setPeerEvent(null), []);

  // The first paint already shows the board (and scrolls to it); the binding then takes over.
  // The ML blocks library ships with the bundle; Excalidraw keeps it (and additions) in memory.
  const initialData = useMemo(
    () => () => ({ elements: elementsFromDoc(doc), scrollToContent: true, libraryItems: mlLibraryItems() }),
    [doc],
  );

  const reportError = useCallback(
    (message: string) => {
      if (onErrorRef.current) onErrorRef.current(message);
      else api?.setToast({ message, closable: true });
    },
    [api],
  );
  const kit = useDiagramKit({
    enabled: role !== undefined,
    api,
    doc,
    role: role ?? 'observer',
    readOnly,
    roomId,
    token,
    roomTitle: roomTitle ?? '',
    empty,
    sidebarOpen,
    onError: reportError,
    onInserted: announceInsert,
  });


  const onPointerUpdate = useCallback<NonNullable<ExcalidrawProps['onPointerUpdate']>>((payload) => {
    bindingRef.current?.onPointerUpdate(payload);
  }, []);

  return (
    <div
      ref={containerRef}
      data-testid="canvas"
      data-element-count="0"
      style={{ position: 'relative', width: '100%', height: '100%' }}
      onPointerDownCapture={onPointerDownCapture}
    >
      <Excalidraw
        excalidrawAPI={setApi}
        initialData={initialData}
        onChange={onChange}
        onPointerUpdate={onPointerUpdate}
        isCollaborating
        viewModeEnabled={readOnly}
        theme={theme}
        UIOptions={UI_OPTIONS}
      />
      {kit.overlay}
      {peerEvent && <BoardToast event={peerEvent} onShow={showPeerEvent} onClose={closePeerEvent} />}
    </div>
  );
}
