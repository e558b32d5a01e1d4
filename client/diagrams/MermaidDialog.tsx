/**
 * Mermaid -> editable Excalidraw elements. Type or paste a definition, watch the preview, Insert
 * (or Ctrl/Cmd+Enter) puts the shapes in the middle of the view for everyone. Mermaid itself is
 * fetched the first time this dialog opens (see mermaidConvert.ts).
 */
import type { ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { Dialog } from '../lib/Dialog.js';
import { convertMermaid, insertDiagram, loadMermaid, previewSvg, ReadOnlyBoardError, type ConvertedDiagram } from './mermaidConvert.js';
import type { Inserted } from './insertTemplate.js';
import { describeMermaidError, STARTER_MERMAID, type MermaidProblem } from './mermaidInsert.js';

export interface MermaidDialogProps {
  api: ExcalidrawImperativeAPI;
  open: boolean;
  onClose: () => void;
  /** after an insert: the canvas tells the room (a toast with Show for the others) */
  onInserted?: (inserted: Inserted) => void;
}

/** Long enough to skip the keystrokes of a word, short enough to feel live. */
const PREVIEW_DEBOUNCE_MS = 350;

type Phase =
  | { kind: 'loading' }
  | { kind: 'load-failed'; message: string }
  | { kind: 'parsing' }
  | { kind: 'ready'; diagram: ConvertedDiagram }
  | { kind: 'invalid'; problem: MermaidProblem }
  | { kind: 'empty' };

// What the user typed survives closing the dialog (a tab's lifetime), so a typo fix is not lost.
let lastDefinition = STARTER_MERMAID;

export default function MermaidDialog({ api, open, onClose, onInserted }: MermaidDialogProps) {
  return (
    <Dialog open={open} title="Mermaid to diagram" onClose={onClose} size="large" testId="mermaid-dialog">
      {open && <MermaidForm api={api} onClose={onClose} {...(onInserted ? { onInserted } : {})} />}
    </Dialog>
  );
}

function MermaidForm({ api, onClose, onInserted }: { api: ExcalidrawImperativeAPI; onClose: () => void; onInserted?: (inserted: Inserted) => void }) {
  // Observers' boards are in view mode; the menu hides this entry for them, and this is the backstop.
  const [readOnly] = useState(() => api.getAppState().viewModeEnabled);
  const [text, setText] = useState(lastDefinition);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [loaded, setLoaded] = useState(false);
  const [inserting, setInserting] = useState(false);
  const [insertError, setInsertError] = useState<string | null>(null);
  const previewRef = useRef<HTMLDivElement>(null);
  const errorId = useId();
  // Each conversion gets a number; a slower, older one never overwrites a newer result.
  const runRef = useRef(0);

  const startLoad = useCallback(() => {
    setPhase({ kind: 'loading' });
    loadMermaid().then(
      () => setLoaded(true),
      (error: unknown) =>
        setPhase({
          kind: 'load-failed',
          message: `Mermaid could not be loaded (${error instanceof Error ? error.message : 'network error'}). Check your connection, then try again.`,
        }),
    );
  }, []);

  useEffect(() => {
    if (!readOnly) startLoad();
  }, [readOnly, startLoad]);

  useEffect(() => {
    lastDefinition = text;
  }, [text]);

  const convert = useCallback(async (definition: string): Promise<ConvertedDiagram | null> => {
    const run = ++runRef.current;
    if (!definition.trim()) {
      setPhase({ kind: 'empty' });
      return null;
    }
    setPhase({ kind: 'parsing' });
    try {
      const diagram = await convertMermaid(definition);
      if (run === runRef.current) setPhase({ kind: 'ready', diagram });
      return diagram;
    } catch (error) {
      if (run === runRef.current) setPhase({ kind: 'invalid', problem: describeMermaidError(error) });
      return null;
    }
  }, []);

  // Live preview: convert shortly after typing stops.
  useEffect(() => {
    if (!loaded || readOnly) return;
    const timer = window.setTimeout(() => void convert(text), PREVIEW_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text, loaded, readOnly, convert]);

  const theme = api.getAppState().theme;
  const readyDiagram = phase.kind === 'ready' ? phase.diagram : null;
  useEffect(() => {
    const box = previewRef.current;
    if (!box) return;
    if (!readyDiagram) return;
    let cancelled = false;
    previewSvg(readyDiagram, theme).then(
      (svg) => {
        if (!cancelled) box.replaceChildren(svg);
      },
      () => {
        // A preview that fails to draw is not worth an error: Insert still works.
        if (!cancelled) box.replaceChildren();
      },
    );
    return () => {
      cancelled = true;
    };
  }, [readyDiagram, theme]);

  const insert = async () => {
    if (readOnly || inserting || !loaded) return;
    setInsertError(null);
    setInserting(true);
    try {
      // Use the previewed result when it is for this exact text; otherwise convert now.
      const diagram = readyDiagram?.source === text ? readyDiagram : await convert(text);
      if (!diagram) return;
      const inserted = await insertDiagram(api, diagram);
      onInserted?.(inserted);
      onClose();
    } catch (error) {
      setInsertError(
        error instanceof ReadOnlyBoardError
          ? error.message
          : `Could not add the diagram to the board: ${error instanceof Error ? error.message : 'unknown error'}.`,
      );
    } finally {
      setInserting(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void insert();
    }
  };

  if (readOnly) {
    return (
      <div className="stack" data-testid="mermaid-readonly">
        <p className="form-error" role="alert">
          This link can view the board but not change it, so it cannot insert diagrams. Export still works.
        </p>
        <div className="actions actions-end">
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    );
  }

  const busy = phase.kind === 'loading' || phase.kind === 'parsing';
  const problem = phase.kind === 'invalid' ? phase.problem : null;
  return (
    <div className="stack mermaid" onKeyDown={onKeyDown}>
      <p className="muted small">
        Flowcharts become editable shapes and arrows (sequence, class, state and ER diagrams too); other diagram types come in as
        a picture. The diagram lands in the middle of your view, for everyone.
      </p>
      <div className="mermaid-grid">
        <label className="field">
          <span className="field-label">Mermaid</span>
          <textarea
            className="input mermaid-input mono"
            data-testid="mermaid-input"
            value={text}
            spellCheck={false}
            autoFocus
            aria-invalid={problem !== null}
            aria-describedby={problem ? errorId : undefined}
            onChange={(event) => setText(event.target.value)}
          />
        </label>
        <div className="field">
          <span className="field-label">Preview</span>
          <div className="mermaid-preview" data-testid="mermaid-preview" aria-busy={busy}>
            <div ref={previewRef} className="mermaid-preview-svg" hidden={phase.kind !== 'ready'} />
            {phase.kind === 'loading' && (
              <p className="mermaid-preview-note" data-testid="mermaid-status">
                <span className="spinner spinner-inline" aria-hidden="true" /> Loading Mermaid…
              </p>
            )}
            {phase.kind === 'parsing' && (
              <p className="mermaid-preview-note" data-testid="mermaid-status">
                <span className="spinner spinner-inline" aria-hidden="true" /> Laying out…
              </p>
            )}
            {phase.kind === 'empty' && <p className="mermaid-preview-note muted">Type a diagram, e.g. “flowchart LR” then “a --&gt; b”.</p>}
            {problem && <p className="mermaid-preview-note muted">Fix the error to see the preview.</p>}
          </div>
        </div>
      </div>
      {phase.kind === 'load-failed' && (
        <div className="form-error" role="alert" data-testid="mermaid-error">
          {phase.message}{' '}
          <button type="button" className="button button-small" onClick={startLoad}>
            Try again
          </button>
        </div>
      )}
      {problem && (
        <div className="form-error mermaid-error" role="alert" id={errorId} data-testid="mermaid-error" data-line={problem.line ?? ''}>
          <strong>{problem.summary}</strong>
          {problem.detail && problem.detail !== problem.summary && (
            <details>
              <summary>Mermaid’s message</summary>
              <pre className="mono">{problem.detail}</pre>
            </details>
          )}
        </div>
      )}
      {phase.kind === 'ready' && phase.diagram.pictureOnly && (
        <p className="warning-text small">Mermaid cannot turn this diagram type into shapes; it will be inserted as a picture.</p>
      )}
      {insertError && (
        <p className="form-error" role="alert">
          {insertError}
        </p>
      )}
      <div className="actions actions-end">
        <span className="muted small mermaid-hint">Ctrl/⌘ + Enter inserts</span>
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button button-primary"
          data-testid="mermaid-insert"
          disabled={!loaded || inserting || phase.kind === 'invalid' || phase.kind === 'empty'}
          onClick={() => void insert()}
        >
          {inserting && <span className="spinner spinner-inline" aria-hidden="true" />} Insert
        </button>
      </div>
    </div>
  );
}
