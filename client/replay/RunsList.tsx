import type { Verdict } from '../../shared/challenge.js';
import type { RunRecord } from '../../shared/doc.js';
import { runPassed } from './markers.js';

const DONE = new Set<RunRecord['status']>(['ok', 'error', 'timeout', 'stopped', 'declined']);

function outcome(run: RunRecord, verdict: Verdict | null): { text: string; tone: 'pass' | 'fail' | 'pending' } {
  if (!DONE.has(run.status)) return { text: run.status === 'requested' ? 'requested' : 'running…', tone: 'pending' };
  const pass = runPassed(run, verdict);
  if (run.kind === 'check' && run.status === 'ok') {
    // Only the server's verdict counts; the record's own `checks` came from the browser.
    if (!verdict) return { text: 'not verified by the server', tone: 'pending' };
    const passed = verdict.cases.filter((c) => c.pass).length;
    return { text: `${passed}/${verdict.cases.length} passed · verified by server`, tone: pass ? 'pass' : 'fail' };
  }
  return { text: run.status, tone: pass ? 'pass' : 'fail' };
}

/** The runs console as it stood at the playhead, newest first: who, backend, time, output. */
export function RunsList({ runs, verdicts }: { runs: readonly RunRecord[]; verdicts: ReadonlyMap<string, Verdict> }) {
  return (
    <section className="replay-runs" data-testid="replay-runs" aria-label="Runs at the playhead">
      <header className="pane-header">
        <span className="pane-title">Runs</span>
        <span className="pane-subtitle">{runs.length === 0 ? 'none yet' : `${runs.length} at this point`}</span>
      </header>
      {runs.length > 0 && (
        <ol className="replay-runs-list">
          {[...runs].reverse().map((run) => {
            const o = outcome(run, verdicts.get(run.id) ?? null);
            const by = run.ranBy ?? run.requestedBy;
            const firstLine = run.error?.message ?? run.value ?? run.console?.at(-1)?.text ?? '';
            return (
              <li key={run.id} className={`replay-run replay-run-${o.tone}`} data-testid="replay-run" data-status={run.status}>
                <span className="replay-run-dot" aria-hidden="true" />
                <span className="replay-run-head">
                  <strong>{run.kind === 'check' ? 'Check' : 'Run'}</strong> {o.text}
                  <span className="muted">
                    {' '}
                    · {by.name || by.role}
                    {run.backend ? ` · ${run.backend}` : ''}
                    {run.durationMs !== undefined ? ` · ${Math.round(run.durationMs)} ms` : ''}
                  </span>
                </span>
                {firstLine && <code className="replay-run-out">{firstLine.split('\n')[0]}</code>}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
