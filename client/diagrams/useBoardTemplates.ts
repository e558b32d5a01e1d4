import { useEffect, useRef, useState } from 'react';
import type { ExcalidrawElementSkeleton } from '@excalidraw/excalidraw/data/transform';
import { ApiRequestError, fetchDiagramTemplates } from '../lib/api.js';
import type { BoardTemplate } from './insertTemplate.js';

export interface BoardTemplates {
  /** off: not wanted (a read-only link), so never asked for */
  state: 'off' | 'loading' | 'ready' | 'failed';
  templates: readonly BoardTemplate[];
}

const NONE: readonly BoardTemplate[] = [];

/**
 * The bank's diagram templates, from the server: the client bundles none, so a QUESTIONS_DIR
 * bank's diagrams are listed and inserted exactly like the built-in ones. Fetched once per room
 * and link, and only when `wanted` (someone who may write the board: the route's own guard).
 * The bank is fixed while the server runs, so there is nothing to refresh.
 */
export function useBoardTemplates(roomId: string, token: string, wanted: boolean, onError: (message: string) => void): BoardTemplates {
  const [result, setResult] = useState<BoardTemplates>({ state: wanted ? 'loading' : 'off', templates: NONE });
  // The room's error sink may change identity on every render; that must not refetch.
  const reportError = useRef(onError);
  reportError.current = onError;
  useEffect(() => {
    if (!wanted) {
      setResult({ state: 'off', templates: NONE });
      return;
    }
    let live = true;
    setResult({ state: 'loading', templates: NONE });
    fetchDiagramTemplates(roomId, token).then(
      (views) => {
        if (!live) return;
        // The server checked every element at start-up (server/questions/bank.ts), so they are skeletons.
        const templates = views.map((v) => ({ id: v.id, title: v.title, elements: v.elements as unknown as readonly ExcalidrawElementSkeleton[] }));
        setResult({ state: 'ready', templates });
      },
      (error: unknown) => {
        if (!live) return;
        setResult({ state: 'failed', templates: NONE });
        reportError.current(`Could not load the diagram templates: ${error instanceof ApiRequestError ? error.message : 'something went wrong.'}`);
      },
    );
    return () => {
      live = false;
    };
  }, [roomId, token, wanted]);
  return result;
}
