/**
 * The "Check shapes" result: edges whose shapes do not fit (each with Zoom to), then a parameter
 * and FLOP estimate per block. A snapshot of the board when it ran; Re-check runs it again.
 */
import { Fragment, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { formatCount, formatFlops, formatRatio } from './format.js';
import type { ShapeReport } from './shapeReport.js';

interface ShapeCheckPanelProps {
  report: ShapeReport;
  onRecheck: () => void;
  onClose: () => void;
  onReveal: (ids: string[]) => void;
}

function summary(report: ShapeReport): string {
  const edges = `${report.checkedEdges} ${report.checkedEdges === 1 ? 'edge' : 'edges'} checked`;
  if (report.checkedEdges === 0) return 'No arrow joins two blocks with shapes like [B, T, d].';
  if (report.mismatches.length === 0) return `${edges}: all shapes fit.`;
  return `${edges}: ${report.mismatches.length} ${report.mismatches.length === 1 ? 'mismatch' : 'mismatches'}.`;
}

export function ShapeCheckPanel({ report, onRecheck, onClose, onReveal }: ShapeCheckPanelProps) {
  const onKeyDown = (event: ReactKeyboardEvent) => {
    if (event.key === 'Escape') onClose();
  };
  return (
    <aside className="shape-check" aria-label="Shape check" data-testid="shape-check-panel" onKeyDown={onKeyDown}>
      <header className="shape-check-header">
        <h2>Shape check</h2>
        <button type="button" className="button button-small" data-testid="shape-check-rerun" onClick={onRecheck}>
          Re-check
        </button>
        <button type="button" className="icon-button" aria-label="Close shape check" onClick={onClose}>
          ×
        </button>
      </header>
      <p className={report.mismatches.length ? 'shape-check-bad' : 'muted'} data-testid="shape-check-summary" role="status">
        {summary(report)}
      </p>
      {report.mismatches.length > 0 && (
        <ul className="shape-check-list">
          {report.mismatches.map((m) => (
            <li key={m.arrowId} data-testid="shape-mismatch">
              <div>
                <strong>{m.fromName}</strong> → <strong>{m.toName}</strong>
              </div>
              <div className="shape-check-shapes">
                gives <code>{m.from}</code>, expects <code>{m.to}</code>
              </div>
              <button type="button" className="shape-check-link" onClick={() => onReveal([m.arrowId, m.fromId, m.toId])}>
                Zoom to
              </button>
            </li>
          ))}
        </ul>
      )}
      {report.estimates.length > 0 && (
        <>
          <h3>Estimates (forward pass)</h3>
          <table className="shape-check-table">
            <thead>
              <tr>
                <th scope="col">Block</th>
                <th scope="col">Params</th>
                <th scope="col">FLOPs</th>
              </tr>
            </thead>
            <tbody>
              {report.estimates.map((e) => (
                <Fragment key={e.id}>
                  <tr data-testid="shape-estimate" data-block-name={e.name}>
                    <td>
                      <button type="button" className="shape-check-link" title="Zoom to this block" onClick={() => onReveal([e.id])}>
                        {e.name}
                      </button>
                    </td>
                    <td className="num">{formatCount(e.estimate.params)}</td>
                    <td className="num">{e.sequenceFlops !== null ? formatFlops(e.sequenceFlops) : `${formatFlops(e.estimate.flopsPerToken)}/token`}</td>
                  </tr>
                  <tr className="shape-check-detail">
                    <td colSpan={3}>
                      <span className="muted">
                        {e.estimate.formula}
                        {e.sequenceFlops !== null && ` · ${formatFlops(e.estimate.flopsPerToken)}/token`}
                      </span>
                      {e.windowSaving && (
                        <div data-testid="shape-window-saving">
                          attention {formatRatio(e.windowSaving.ratio)} cheaper than full O(T²·d) at T={formatCount(e.windowSaving.T)}, w=
                          {formatCount(e.windowSaving.w)}
                        </div>
                      )}
                    </td>
                  </tr>
                </Fragment>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                <td className="num" data-testid="shape-total-params">
                  {formatCount(report.total.params)}
                </td>
                <td className="num">{report.total.sequenceFlops > 0 ? formatFlops(report.total.sequenceFlops) : '—'}</td>
              </tr>
            </tfoot>
          </table>
        </>
      )}
      {report.incomplete.length > 0 && (
        <p className="muted small">
          No estimate for {report.incomplete.map((b) => `${b.name} (needs ${b.missing.join(', ')})`).join('; ')}. Write sizes in the label, e.g.{' '}
          <code>[B, T=1M, 768]</code>, <code>h=8</code>, <code>w=512</code>.
        </p>
      )}
      {report.estimates.length === 0 && report.incomplete.length === 0 && (
        <p className="muted small">No block to estimate: attention, feed-forward, LayerNorm, embedding and linear blocks with sizes in their labels get one.</p>
      )}
    </aside>
  );
}
