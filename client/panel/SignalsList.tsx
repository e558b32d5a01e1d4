import type { Signal } from '../../shared/doc.js';
import { formatTimeOfDay, signalLabel } from '../lib/scoreFormat.js';

/** The candidate's signals, newest first. They are facts to ask about, not verdicts. */
export function SignalsList({ signals }: { signals: readonly Signal[] }) {
  if (signals.length === 0) {
    return (
      <p className="panel-empty" data-testid="signals-empty">
        Nothing yet. Large pastes into the code pad and the candidate leaving the tab show up here.
      </p>
    );
  }
  return (
    <ol className="signals-list" reversed>
      {[...signals].reverse().map((signal, index) => (
        <li key={`${signal.at}-${index}`} className={`signal signal-${signal.kind}`} data-testid="signal" data-kind={signal.kind}>
          <time className="signal-time mono" dateTime={Number.isFinite(signal.at) ? new Date(signal.at).toISOString() : undefined}>
            {formatTimeOfDay(signal.at)}
          </time>
          <span className="signal-text">
            {signalLabel(signal)}
            {signal.name && <span className="muted"> · {signal.name}</span>}
          </span>
        </li>
      ))}
    </ol>
  );
}
