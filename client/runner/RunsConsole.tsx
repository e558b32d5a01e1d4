import { memo, useState } from 'react';
import type { Tolerance, Verdict } from '../../shared/challenge.js';
import type { RunRecord } from '../../shared/doc.js';
import { runOutcome } from '../../shared/runOutcome.js';
import { userColor } from '../lib/colors.js';
import type { RoomKind } from '../../shared/capabilities.js';
import { roleLabel } from '../lib/roles.js';
import { checkView, type CheckView } from './checkView.js';
import { isTerminal } from './runRecords.js';
import './runner.css';

interface RunsConsoleProps {
  kind: RoomKind;
  runs: RunRecord[];
  /** the server's verdicts (board `verdicts`), by run id: the only source of a check's pass */
  verdicts: ReadonlyMap<string, Verdict>;
  /** awareness client ids in the room now (null until awareness has settled): a run whose browser left can no longer finish */
  present: ReadonlySet<number> | null;
  onShowLine: (line: number) => void;
}

/** Everyone's runs, newest first: who ran it where, on what, for how long, and what came out. */
export const RunsConsole = memo(function RunsConsole({ kind, runs, verdicts, present, onShowLine }: RunsConsoleProps) {
  const [collapsed, setCollapsed] = useState(false);
  const newestFirst = [...runs].reverse();
  return (
    <section className={`runs${collapsed ? ' runs-collapsed' : ''}`} data-testid="runs" aria-label="Runs">
      <header className="runs-header">
        <button type="button" className="runs-toggle" aria-expanded={!collapsed} onClick={() => setCollapsed((c) => !c)}>
          <span aria-hidden="true">{collapsed ? '▸' : '▾'}</span> Runs
        </button>
        <span className="badge">{runs.length}</span>
      </header>
      {!collapsed && (
        <div className="runs-list" aria-live="polite">
          {newestFirst.length === 0 ? (
            <p className="runs-empty muted small">Runs show here for everyone: output, returned value, errors and checks.</p>
          ) : (
            newestFirst.map((run) => <RunRecordView key={run.id} kind={kind} run={run} check={checkView(run, verdicts.get(run.id))} verdict={verdicts.get(run.id)} present={present} onShowLine={onShowLine} />)
          )}
        </div>
      )}
    </section>
  );
});

function RunRecordView({ kind, run, check, verdict, present, onShowLine }: { kind: RoomKind; run: RunRecord; check: CheckView; verdict: Verdict | undefined; present: ReadonlySet<number> | null; onShowLine: (line: number) => void }) {
  const executor = run.ranBy ?? (run.target === undefined ? run.requestedBy : null);
  const executorId = run.target ?? run.requestedBy.clientId;
  // A run whose browser left can never report; say so instead of spinning forever.
  const orphaned = present !== null && !isTerminal(run.status) && !present.has(executorId);
  const remote = run.target !== undefined;
  const who = executor ?? run.requestedBy;
  return (
    <article
      className={`run-record run-record-${run.status}`}
      data-testid="run-record"
      data-run-id={run.id}
      data-status={run.status}
      data-kind={run.kind}
      data-backend={run.backend ?? ''}
      data-verified={check.state === 'none' ? '' : String(check.state === 'verified')}
    >
      <header className="run-head">
        <StatusChip run={run} verdict={verdict} orphaned={orphaned} />
        <span className="run-who" title={roleLabel(kind, who.role)}>
          <span className="run-dot" style={{ background: userColor(who.role, who.clientId).color }} aria-hidden="true" />
          {who.name}
        </span>
        {run.kind === 'check' && <span className="chip">check</span>}
        {run.backend && (
          <span className="run-backend mono" data-testid="run-backend">
            {run.backend}
            {run.adapter && (
              <>
                {' · '}
                <span data-testid="run-adapter">{run.adapter}</span>
              </>
            )}
          </span>
        )}
        {run.durationMs !== undefined && isTerminal(run.status) && run.status !== 'declined' && <span className="run-time mono">{formatMs(run.durationMs)}</span>}
        <span className="run-clock muted">{clockTime(run.createdAt)}</span>
      </header>
      {remote && (
        <p className="run-note muted small">
          Requested by {run.requestedBy.name} to run on {run.ranBy ? `${run.ranBy.name}'s` : "the candidate's"} machine
          {run.status === 'requested' ? ': waiting for it to start…' : ''}
          {run.backendRequested !== 'auto' ? ` (asked for ${run.backendRequested})` : ''}
        </p>
      )}
      {orphaned && <p className="run-note small warning-text">{who.name} left before this run finished.</p>}
      {run.fallbackReason && (
        <p className={`run-note small ${run.backendRequested === 'auto' ? 'muted' : 'warning-text'}`} data-testid="run-fallback">
          {run.backendRequested === 'auto' ? 'auto chose ' : `asked for ${run.backendRequested}, ran on `}
          {run.backend ?? '?'}: {run.fallbackReason}
        </p>
      )}
      {run.console && run.console.length > 0 && (
        <pre className="run-console" data-testid="run-console">
          {run.console.map((line, i) => (
            <div key={i} className={`run-line run-line-${line.level}`}>
              {String(line.text)}
            </div>
          ))}
        </pre>
      )}
      {run.value !== undefined && (
        <div className="run-value-block">
          <span className="run-label muted small">returned</span>
          <pre className="run-value" data-testid="run-value">
            {String(run.value)}
          </pre>
        </div>
      )}
      {run.error && (
        <div className={`run-error${run.status === 'stopped' || run.status === 'declined' ? ' run-error-soft' : ''}`} data-testid="run-error" data-line={run.error.line ?? ''}>
          <span className="run-error-message">{String(run.error.message)}</span>
          {typeof run.error.line === 'number' && (
            <button type="button" className="button button-small button-ghost run-error-line" onClick={() => onShowLine(run.error!.line!)}>
              line {run.error.line}
              {typeof run.error.column === 'number' ? `:${run.error.column}` : ''}
            </button>
          )}
        </div>
      )}
      {check.state === 'verified' && <VerifiedChecks view={check} />}
      {check.state === 'unverified' && <UnverifiedChecks view={check} />}
      {run.truncated && <p className="run-note muted small">Output was cut at the size limit.</p>}
    </article>
  );
}

/** The badge: word and colour from the run's outcome (a failed check is red "failed", not a green "ok"). */
function StatusChip({ run, verdict, orphaned }: { run: RunRecord; verdict: Verdict | undefined; orphaned: boolean }) {
  const live = run.status === 'running' || run.status === 'requested';
  const outcome = runOutcome(run, verdict, { orphaned });
  return (
    <span className={`run-status run-tone-${outcome.tone}`} data-testid="run-status" data-tone={outcome.tone} title={outcome.detail}>
      {live && !orphaned && <span className="spinner spinner-inline" aria-hidden="true" />}
      {outcome.word}
    </span>
  );
}

function VerifiedChecks({ view }: { view: Extract<CheckView, { state: 'verified' }> }) {
  return (
    <div className="run-checks">
      <p className={`run-checks-summary small ${view.pass ? 'ok-text' : 'warning-text'}`} data-testid="check-summary">
        <span className="chip" data-testid="check-verified" title={`Judged by the attn server against its own expected outputs; outputs sent by ${view.by.name}`}>
          verified by server
        </span>{' '}
        {view.passed}/{view.total} cases passed
        {view.properties.length > 0 && `, ${view.properties.filter((p) => p.pass).length}/${view.properties.length} properties held`}
      </p>
      <table className="run-checks-table">
        <thead>
          <tr>
            <th scope="col">case</th>
            <th scope="col">result</th>
            <th scope="col">max abs error</th>
            <th scope="col">tolerance</th>
            <th scope="col">time</th>
          </tr>
        </thead>
        <tbody>
          {view.cases.map((c, i) => (
            <tr key={i} data-testid="check-case" data-pass={String(c.pass)} data-example={String(c.example)} className={c.pass ? 'check-pass' : 'check-fail'}>
              <td className="mono">
                {String(c.name)}
                {!c.example && <span className="muted small"> (hidden)</span>}
              </td>
              <td>
                {c.pass ? '✓ pass' : '✗ fail'}
                {c.message && <div className="run-check-message small">{String(c.message)}</div>}
                {c.fields?.some((f) => !f.pass) && (
                  <div className="run-check-message small" data-testid="check-fields">
                    {c.fields.map((f) => `${f.field} ${f.pass ? '✓' : '✗'}`).join(' · ')}
                  </div>
                )}
              </td>
              <td className="mono" data-testid="check-max-error">
                {formatError(c.maxAbsError)}
              </td>
              <td className="mono">{formatTolerance(c.tolerance)}</td>
              <td className="mono">{c.ms === null ? '—' : formatMs(c.ms)}</td>
            </tr>
          ))}
          {view.properties.map((p) => (
            <tr key={`property-${p.name}`} data-testid="check-property" data-pass={String(p.pass)} className={p.pass ? 'check-pass' : 'check-fail'}>
              <td className="mono" title={p.description}>
                property: {p.name}
              </td>
              <td colSpan={4}>
                {p.pass ? '✓ holds' : '✗ broken'} <span className="muted small">({p.calls} calls)</span>
                {p.message && <div className="run-check-message small">{p.message}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A check result the server never judged (a failed request, an old record, or a forged one): no pass, no fail. */
function UnverifiedChecks({ view }: { view: Extract<CheckView, { state: 'unverified' }> }) {
  return (
    <div className="run-checks">
      <p className="run-checks-summary small warning-text" data-testid="check-unverified">
        {view.reason}
      </p>
      <table className="run-checks-table">
        <tbody>
          {view.cases.map((c, i) => (
            <tr key={i} data-testid="check-case-unverified">
              <td className="mono">{c.name}</td>
              <td>
                unverified
                {c.message && <div className="run-check-message small">{c.message}</div>}
              </td>
              <td className="mono">{c.ms === null ? '—' : formatMs(c.ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function formatError(error: number | null): string {
  if (error === null) return 'n/a';
  if (!Number.isFinite(error)) return '∞';
  if (error === 0) return '0';
  return error.toExponential(2);
}

export function formatTolerance(tol: Tolerance | undefined): string {
  if (!tol) return '—';
  const parts = [`abs ${tol.abs.toExponential(0)}`];
  if (tol.rel) parts.push(`rel ${tol.rel.toExponential(0)}`);
  return parts.join(' + ');
}

function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
