/**
 * The diagram kit around the canvas: the Diagram menu, the empty-board hint, the shape-check
 * panel, the Mermaid and Export dialogs, and their shortcuts. Canvas.tsx renders `overlay` beside
 * Excalidraw, outside its tree, so typing in a dialog never reaches Excalidraw's keyboard handler.
 * The menu sits in the canvas's bottom bar, beside Excalidraw's help button: Excalidraw's top bar
 * is full at the canvas widths the room's split gives (its own Library button gets clipped).
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type * as Y from 'yjs';
import type { ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import { can } from '../../shared/capabilities.js';
import type { Role } from '../../shared/protocol.js';
import { ApiRequestError, setTemplatesForAnyone } from '../lib/api.js';
import { useCurrentQuestion } from '../question/useCurrentQuestion.js';
import { DiagramMenu } from './DiagramMenu.js';
import { EmptyBoardHint } from './EmptyBoardHint.js';
import { insertTemplate, revealElements, type Inserted } from './insertTemplate.js';
import { listingTemplate } from './listingTemplate.js';
import { formatMathInSelection } from './mathLabels.js';
import { shapeReport, type ReportElement, type ShapeReport } from './shapeReport.js';
import { ShapeCheckPanel } from './ShapeCheckPanel.js';
import { useBoardTemplates } from './useBoardTemplates.js';
import { useDiagramShortcuts, type DiagramShortcut } from './useDiagramShortcuts.js';
import { useTemplatesForAnyone } from './useTemplatesForAnyone.js';

// Mermaid's parser is large: its dialog loads the first time someone opens it.
const MermaidDialog = lazy(() => import('./MermaidDialog.js'));
const ExportDialog = lazy(() => import('./ExportDialog.js'));

/**
 * A board is empty for a moment while a joining browser waits for the room's elements; the hint
 * shows only once it has stayed empty this long, so it does not flash on every join.
 */
const EMPTY_HINT_DELAY_MS = 800;

export interface DiagramKitOptions {
  /** false: no menu, overlay or shortcuts (a canvas embedded without a role) */
  enabled: boolean;
  api: ExcalidrawImperativeAPI | null;
  doc: Y.Doc;
  role: Role;
  readOnly: boolean;
  roomId: string;
  token: string;
  roomTitle: string;
  /** the scene has no visible element */
  empty: boolean;
  /** Excalidraw's sidebar (the library) is open over the canvas's right side: the kit steps aside */
  sidebarOpen: boolean;
  onError: (message: string) => void;
  /** After this user inserted a diagram: the canvas tells the room (a toast with Show for peers). */
  onInserted?: (what: 'template' | 'diagram', inserted: Inserted) => void;
}

export interface DiagramKit {
  overlay: ReactNode;
}

/** How long the toggle may show a value the board doc has not confirmed, after the server accepted it. */
const PENDING_TOGGLE_MAX_MS = 5000;

export function useDiagramKit({ enabled, api, doc, role, readOnly, roomId, token, roomTitle, empty, sidebarOpen, onError, onInserted }: DiagramKitOptions): DiagramKit {
  const current = useCurrentQuestion(doc);
  const forAnyone = useTemplatesForAnyone(doc);
  // The interviewer's toggle shows its new value at once (and stays disabled) until the board
  // doc, which only the server writes, says the same; a failed request puts it back.
  const [pendingForAnyone, setPendingForAnyone] = useState<boolean | null>(null);
  useEffect(() => {
    if (pendingForAnyone !== null && forAnyone === pendingForAnyone) setPendingForAnyone(null);
  }, [forAnyone, pendingForAnyone]);
  const [report, setReport] = useState<ShapeReport | null>(null);
  // Dialogs mount on first use and stay mounted, so they can animate closed and keep their state.
  const [opened, setOpened] = useState<{ mermaid: boolean; export: boolean }>({ mermaid: false, export: false });
  const [dialog, setDialog] = useState<'mermaid' | 'export' | null>(null);
  const [settledEmpty, setSettledEmpty] = useState(false);
  useEffect(() => {
    if (!empty) {
      setSettledEmpty(false);
      return;
    }
    const timer = setTimeout(() => setSettledEmpty(true), EMPTY_HINT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [empty]);

  const canInsert = !readOnly && (can(role, 'templates.manage') || forAnyone);
  // The bank's templates come from the server (built-in or QUESTIONS_DIR alike); read-only links never insert.
  const bankTemplates = useBoardTemplates(roomId, token, enabled && !readOnly, onError);
  const templates = bankTemplates.templates;
  // A spot-the-bug question's listing is offered as one more template (its screen view on the board).
  const listing = useMemo(() => listingTemplate(current), [current]);
  const offered = useMemo(() => (listing ? [listing, ...templates] : templates), [listing, templates]);
  const currentTemplate = useMemo(() => listing ?? templates.find((t) => t.id === current?.diagram) ?? null, [listing, templates, current?.diagram]);
  const templatesNote =
    bankTemplates.state === 'loading'
      ? 'Loading templates…'
      : bankTemplates.state === 'failed'
        ? 'The templates could not be loaded.'
        : offered.length === 0
          ? 'This question bank has no diagram templates.'
          : null;

  const insert = useCallback(
    (templateId: string) => {
      const template = offered.find((t) => t.id === templateId);
      if (!api || !template || !canInsert) return;
      insertTemplate(api, template).then(
        (inserted) => {
          // Whole templates are bigger than a canvas pane at 100%: show all of it to whoever inserted it.
          revealElements(api, inserted.ids);
          onInserted?.('template', inserted);
        },
        (error: unknown) => onError(`Could not insert the template: ${error instanceof Error ? error.message : String(error)}`),
      );
    },
    [api, canInsert, offered, onInserted, onError],
  );

  const check = useCallback(() => {
    if (!api) return;
    const next = shapeReport(api.getSceneElements() as unknown as readonly ReportElement[]);
    setReport(next);
    // Selecting is a local highlight: it changes nobody's elements and the next click clears it.
    if (next.mismatches.length > 0) revealElements(api, next.mismatches.map((m) => m.arrowId));
  }, [api]);

  const action = useCallback(
    (which: DiagramShortcut) => {
      if (!api) return;
      switch (which) {
        case 'insert':
          if (currentTemplate) insert(currentTemplate.id);
          break;
        case 'library':
          if (!readOnly) api.toggleSidebar({ name: 'default', tab: 'library', force: true });
          break;
        case 'check':
          check();
          break;
        case 'math':
          if (readOnly) return;
          if (formatMathInSelection(api) === 0) {
            api.setToast({ message: 'Select labels with math such as sqrt(d_k), T^2 or W_q * x first.', closable: true, duration: 4000 });
          }
          break;
        case 'mermaid':
        case 'export':
          if (which === 'mermaid' && readOnly) return;
          setOpened((o) => ({ ...o, [which]: true }));
          setDialog(which);
          break;
      }
    },
    [api, check, currentTemplate, insert, readOnly],
  );

  const shortcuts: DiagramShortcut[] = !enabled ? [] : readOnly ? ['check', 'export'] : ['insert', 'library', 'check', 'math', 'mermaid', 'export'];
  useDiagramShortcuts(shortcuts, action);

  const toggleForAnyone = useCallback(
    (allowed: boolean) => {
      setPendingForAnyone(allowed);
      setTemplatesForAnyone(roomId, token, allowed).then(
        // Normally the doc has caught up long before; this only keeps an offline page usable.
        () => window.setTimeout(() => setPendingForAnyone((p) => (p === allowed ? null : p)), PENDING_TOGGLE_MAX_MS),
        (error: unknown) => {
          setPendingForAnyone(null);
          const reason = error instanceof ApiRequestError ? error.message : 'something went wrong.';
          onError(`Could not change who may insert templates: ${reason}`);
        },
      );
    },
    [roomId, token, onError],
  );

  const menu = (
    <DiagramMenu
      templates={offered}
      templatesNote={templatesNote}
      currentTemplateId={currentTemplate?.id ?? null}
      canInsert={canInsert}
      insertBlockedReason={!readOnly && !canInsert ? 'The interviewer has not allowed candidates to insert templates.' : null}
      readOnly={readOnly}
      templatesForAnyone={can(role, 'templates.manage') ? { allowed: pendingForAnyone ?? forAnyone, saving: pendingForAnyone !== null, onChange: toggleForAnyone } : undefined}
      onInsert={insert}
      onAction={action}
    />
  );

  const closeDialog = useCallback(() => setDialog(null), []);
  const overlay = (
    <>
      {!sidebarOpen && <div className="diagram-menu-dock">{menu}</div>}
      {empty && settledEmpty && canInsert && currentTemplate && !sidebarOpen && <EmptyBoardHint template={currentTemplate} onInsert={() => insert(currentTemplate.id)} />}
      {report && api && !sidebarOpen && (
        <ShapeCheckPanel report={report} onRecheck={check} onClose={() => setReport(null)} onReveal={(ids) => revealElements(api, ids)} />
      )}
      {api && (
        <Suspense fallback={null}>
          {opened.mermaid && !readOnly && <MermaidDialog api={api} open={dialog === 'mermaid'} onClose={closeDialog} {...(onInserted ? { onInserted: (inserted: Inserted) => onInserted('diagram', inserted) } : {})} />}
          {opened.export && (
            <ExportDialog
              api={api}
              open={dialog === 'export'}
              roomId={roomId}
              token={token}
              role={role}
              roomTitle={roomTitle}
              onClose={closeDialog}
            />
          )}
        </Suspense>
      )}
    </>
  );

  return { overlay: enabled ? overlay : null };
}
