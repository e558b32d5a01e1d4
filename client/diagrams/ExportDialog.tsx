/**
 * Export the board or the selection as PNG or SVG, and (interviewers) attach a PNG of it to the
 * scorecard. The preview is the real export, so Download hands over exactly what is shown.
 */
import type { ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import { useEffect, useId, useMemo, useState } from 'react';
import { can } from '../../shared/capabilities.js';
import type { Role } from '../../shared/protocol.js';
import { FileStoreError } from '../canvas/fileStore.js';
import { Dialog } from '../lib/Dialog.js';
import { saveBlob } from '../lib/download.js';
import { AttachmentError, attachPng } from './attachmentsApi.js';
import {
  EXPORT_SCALES,
  exportFilename,
  NothingToExportError,
  pngSize,
  renderExport,
  selectedCount,
  type ExportFormat,
  type ExportOptions,
  type ExportScale,
} from './exportImage.js';

export interface ExportDialogProps {
  api: ExcalidrawImperativeAPI;
  open: boolean;
  roomId: string;
  /** room token for REST calls */
  token: string;
  role: Role;
  roomTitle: string;
  onClose: () => void;
}

/** Re-rendering on every click of a toggle is fine; this only skips a burst of them. */
const PREVIEW_DEBOUNCE_MS = 150;

export default function ExportDialog(props: ExportDialogProps) {
  return (
    <Dialog open={props.open} title="Export image" onClose={props.onClose} size="large" testId="export-dialog">
      {props.open && <ExportForm {...props} />}
    </Dialog>
  );
}

type Rendered = { key: string; blob: Blob; url: string; size: { width: number; height: number } | null };

function failureMessage(error: unknown): string {
  if (error instanceof NothingToExportError) return error.message;
  if (error instanceof Error && /too big|CANVAS_POSSIBLY_TOO_BIG/i.test(`${error.name} ${error.message}`)) {
    return 'The image would be too large for the browser: choose a smaller scale or export the selection.';
  }
  return `Could not render the image: ${error instanceof Error ? error.message : 'unknown error'}. Try again.`;
}

function ExportForm({ api, roomId, token, role, roomTitle, onClose }: ExportDialogProps) {
  // A snapshot at open: the dialog is modal, so the selection cannot change under it.
  const [initial] = useState(() => {
    const appState = api.getAppState();
    return {
      selected: selectedCount(api.getSceneElements(), appState.selectedElementIds),
      background: appState.exportBackground,
      dark: appState.theme === 'dark',
    };
  });
  const [options, setOptions] = useState<ExportOptions>({
    format: 'png',
    background: initial.background,
    dark: initial.dark,
    scale: 2,
    onlySelected: initial.selected > 0,
  });
  const set = <K extends keyof ExportOptions>(key: K, value: ExportOptions[K]) => setOptions((o) => ({ ...o, [key]: value }));
  const key = JSON.stringify(options);

  const [rendered, setRendered] = useState<Rendered | null>(null);
  const [renderError, setRenderError] = useState<string | null>(null);
  const rendering = rendered?.key !== key && renderError === null;

  useEffect(() => {
    let cancelled = false;
    setRenderError(null);
    const timer = window.setTimeout(() => {
      renderExport(api, options).then(
        async (blob) => {
          const size = options.format === 'png' ? pngSize(new Uint8Array(await blob.slice(0, 24).arrayBuffer())) : null;
          if (cancelled) return;
          setRendered({ key: JSON.stringify(options), blob, url: URL.createObjectURL(blob), size });
        },
        (error: unknown) => {
          if (!cancelled) setRenderError(failureMessage(error));
        },
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
    // `key` stands for `options`: re-setting an option to the value it has must not re-render.
  }, [api, key]);

  useEffect(() => {
    const url = rendered?.url;
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [rendered?.url]);

  const filename = useMemo(() => exportFilename(roomTitle, options.format, new Date(), options.onlySelected), [roomTitle, options.format, options.onlySelected]);
  const ready = rendered && rendered.key === key ? rendered : null;

  const download = () => {
    if (!ready) return;
    // Named at click time so the minute in the name is the minute of the download.
    saveBlob(ready.blob, exportFilename(roomTitle, options.format, new Date(), options.onlySelected));
  };

  const radioName = useId();
  return (
    <div className="stack export-image">
      <div className="export-grid">
        <div className="export-options">
          <fieldset className="export-fieldset">
            <legend className="field-label">What</legend>
            <label className="export-choice">
              <input
                type="radio"
                name={`${radioName}-scope`}
                data-testid="export-scope-board"
                checked={!options.onlySelected}
                onChange={() => set('onlySelected', false)}
              />
              Whole board
            </label>
            <label className="export-choice">
              <input
                type="radio"
                name={`${radioName}-scope`}
                data-testid="export-scope-selection"
                checked={options.onlySelected}
                disabled={initial.selected === 0}
                onChange={() => set('onlySelected', true)}
              />
              Selection{initial.selected > 0 ? ` (${initial.selected})` : ' (nothing selected)'}
            </label>
          </fieldset>
          <fieldset className="export-fieldset">
            <legend className="field-label">Format</legend>
            {(['png', 'svg'] as const satisfies readonly ExportFormat[]).map((format) => (
              <label key={format} className="export-choice">
                <input
                  type="radio"
                  name={`${radioName}-format`}
                  data-testid={`export-format-${format}`}
                  checked={options.format === format}
                  onChange={() => set('format', format)}
                />
                {format.toUpperCase()}
              </label>
            ))}
          </fieldset>
          <fieldset className="export-fieldset">
            <legend className="field-label">Scale</legend>
            {EXPORT_SCALES.map((scale: ExportScale) => (
              <label key={scale} className="export-choice">
                <input
                  type="radio"
                  name={`${radioName}-scale`}
                  data-testid={`export-scale-${scale}`}
                  checked={options.scale === scale}
                  onChange={() => set('scale', scale)}
                />
                {scale}×
              </label>
            ))}
          </fieldset>
          <fieldset className="export-fieldset">
            <legend className="field-label">Look</legend>
            <label className="export-choice">
              <input type="checkbox" data-testid="export-background" checked={options.background} onChange={(e) => set('background', e.target.checked)} />
              Background
            </label>
            <label className="export-choice">
              <input type="checkbox" data-testid="export-dark" checked={options.dark} onChange={(e) => set('dark', e.target.checked)} />
              Dark mode
            </label>
          </fieldset>
        </div>
        <div
          className={`export-preview${options.background ? '' : ' export-preview-transparent'}${options.dark ? ' export-preview-dark' : ''}`}
          data-testid="export-preview"
          aria-busy={rendering}
        >
          {ready && <img src={ready.url} alt="Preview of the exported image" />}
          {!ready && rendering && (
            <p className="muted">
              <span className="spinner spinner-inline" aria-hidden="true" /> Rendering…
            </p>
          )}
        </div>
      </div>
      {renderError && (
        <p className="form-error" role="alert" data-testid="export-error">
          {renderError}
        </p>
      )}
      <div className="actions actions-end">
        <span className="muted small export-filename" title={filename}>
          {filename}
          {ready?.size && ` · ${ready.size.width} × ${ready.size.height} px`}
        </span>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
        <button type="button" className="button button-primary" data-testid="export-download" disabled={!ready} onClick={download}>
          Download {options.format.toUpperCase()}
        </button>
      </div>
      {can(role, 'attachments.manage') && <AttachSection api={api} options={options} roomId={roomId} token={token} disabled={renderError !== null} />}
    </div>
  );
}

type AttachState = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; caption: string } | { kind: 'failed'; message: string };

/** Interviewers only: the same picture, always as PNG, onto the scorecard (which candidates never see). */
function AttachSection({ api, options, roomId, token, disabled }: { api: ExcalidrawImperativeAPI; options: ExportOptions; roomId: string; token: string; disabled: boolean }) {
  const [caption, setCaption] = useState('');
  const [state, setState] = useState<AttachState>({ kind: 'idle' });
  const captionId = useId();

  const attach = async () => {
    setState({ kind: 'busy' });
    try {
      // Always with a background: a transparent image vanishes on a printed (or dark) scorecard.
      const png = await renderExport(api, { ...options, format: 'png', background: true });
      const attachment = await attachPng(roomId, token, png, caption.trim());
      setState({ kind: 'done', caption: attachment.caption });
      setCaption('');
    } catch (error) {
      const message =
        error instanceof AttachmentError || error instanceof FileStoreError
          ? error.message
          : error instanceof NothingToExportError
            ? error.message
            : `Could not attach the image: ${error instanceof Error ? error.message : 'unknown error'}. Try again.`;
      setState({ kind: 'failed', message });
    }
  };

  const scorecardPath = `/r/${encodeURIComponent(roomId)}/scorecard`;
  return (
    <section className="export-attach" aria-labelledby={captionId}>
      <h3 id={captionId}>Attach to the scorecard</h3>
      <p className="muted small">Interviewers only: this export goes with the scorecard as a PNG with its background. Candidates never see it.</p>
      <div className="export-attach-row">
        <input
          className="input"
          data-testid="export-caption"
          placeholder="Caption (optional), e.g. “Candidate’s final architecture”"
          maxLength={200}
          value={caption}
          onChange={(e) => setCaption(e.target.value)}
          aria-label="Caption"
        />
        <button
          type="button"
          className="button"
          data-testid="export-attach"
          disabled={disabled || state.kind === 'busy'}
          onClick={() => void attach()}
        >
          {state.kind === 'busy' && <span className="spinner spinner-inline" aria-hidden="true" />} Attach PNG
        </button>
      </div>
      {state.kind === 'done' && (
        <p className="ok-text small" role="status" data-testid="export-attached">
          Attached{state.caption ? ` “${state.caption}”` : ''} to the scorecard.{' '}
          <a
            href={scorecardPath}
            onClick={(event) => {
              // The token goes in the fragment of a new tab (sessionStorage is per tab); built on
              // click so it never sits in the DOM.
              event.preventDefault();
              window.open(`${scorecardPath}#token=${encodeURIComponent(token)}`, '_blank', 'noopener');
            }}
          >
            Open the scorecard ↗
          </a>
        </p>
      )}
      {state.kind === 'failed' && (
        <p className="form-error" role="alert" data-testid="export-attach-error">
          {state.message}
        </p>
      )}
    </section>
  );
}
