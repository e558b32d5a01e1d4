import type { Verdict } from '../../shared/challenge.js';
import type { RunRecord } from '../../shared/doc.js';
import type { RoomKind } from '../../shared/capabilities.js';
import { runOutcome } from '../../shared/runOutcome.js';
import { roleWord } from './markers.js';

/** The same word and colour as the live console's badge (shared/runOutcome.ts). */
function outcome(run: RunRecord, verdict: Verdict | null): { text: string; tone: 'pass' | 'fail' | 'pending' | 'muted' } {
  const o = runOutcome(run, verdict);
  if (o.detail) return { text: `${o.word} · ${o.detail} · verified by server`, tone: o.tone };
  if (o.word === 'unverified') return { text: 'not verified by the server', tone: o.tone };
  return { text: o.word, tone: o.tone };
}

/** The runs console as it stood at the playhead, newest first: who, backend, time, output. */
export function RunsList({ runs, verdicts, kind }: { runs: readonly RunRecord[]; verdicts: ReadonlyMap<string, Verdict>; kind: RoomKind }) {
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
              <li key={run.id} className={`replay-run replay-run-${o.tone}`} data-testid="replay-run" data-status={run.status} data-tone={o.tone}>
                <span className="replay-run-dot" aria-hidden="true" />
                <span className="replay-run-head">
                  <strong>{run.kind === 'check' ? 'Check' : 'Run'}</strong> {o.text}
                  <span className="muted">
                    {' '}
                    · {by.name || roleWord(kind, by.role)}
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
