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
import type { ExcalidrawImperativeAPI, ExcalidrawProps, UIOptions } from '@excalidraw/excalidraw/types';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { Role } from '../../shared/protocol.js';
import type { RoomKind } from '../../shared/capabilities.js';
import { mlLibraryItems } from '../diagrams/mlLibrary.js';
import { useDiagramKit } from '../diagrams/useDiagramKit.js';
import { CanvasBinding, elementsFromDoc } from './binding.js';
import { BoardToast } from './BoardToast.js';
import type { ReconcileFn } from './excalidrawApi.js';
import { createHttpFileStore } from './fileStore.js';
import { useBoardAttention } from './useBoardAttention.js';
import { useHelpRedirect } from './useHelpRedirect.js';

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
  /** the room's kind: whose "Bring everyone here" this canvas follows (an interview when absent) */
  kind?: RoomKind;
  /** for export file names */
  roomTitle?: string;
  /** Opens attn's shortcuts in place of Excalidraw's help dialog (useHelpRedirect); without it Excalidraw's shows. */
  onHelp?: () => void;
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

export default function Canvas({ doc, awareness, readOnly, roomId, token, theme, onError, onReady, role, kind, roomTitle, onHelp }: CanvasProps) {
  const [api, setApi] = useState<ExcalidrawImperativeAPI | null>(null);
  const [empty, setEmpty] = useState(true);
  const [sidebarOpen, setSidebarOpen] = useState(false);
  // Excalidraw hands out its API before it has initialised its scene, and initialising replaces
  // the scene with initialData: a binding started earlier would see its first load wiped. Its
  // first onChange comes only once loading is over, so that is when the binding starts.
  const [loaded, setLoaded] = useState(false);
  const bindingRef = useRef<CanvasBinding | null>(null);
  const attention = useBoardAttention(api, bindingRef);
  const { onContent, onPeerEvent } = attention;
  useHelpRedirect(api, onHelp);
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
      onPeerEvent,
      ...(kind ? { kind } : {}),
    });
    bindingRef.current = binding;
    return () => {
      binding.destroy();
      if (bindingRef.current === binding) bindingRef.current = null;
    };
  }, [api, loaded, doc, awareness, readOnly, roomId, token, onPeerEvent, kind]);

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
    onContent(count);
  }, [onContent]);

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
    onInserted: attention.announceInsert,
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
      onPointerDownCapture={attention.onPointerDownCapture}
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
      {attention.peerEvent && <BoardToast event={attention.peerEvent} onShow={attention.showPeerEvent} onClose={attention.closePeerEvent} />}
    </div>
  );
}
