import { useMemo, useState } from 'react';
import type { ChallengeForClient } from '../../shared/challenge.js';
import { Markdown } from '../lib/Markdown.js';
import { briefCases, signatureOf } from './challengeBrief.js';
import './runner.css';

/**
 * The challenge beside the pad, for everyone (issue 13: the candidate used to meet the statement,
 * tolerances and example cases only after pressing Check): what to return, the signature to
 * implement, the example cases with their expected outputs and tolerance, and how many hidden
 * cases the server also checks. Collapsible; it opens again for each new challenge. It shows only
 * what this page received, which for a candidate is the candidate-safe part (server-side rule).
 */
export function ChallengeBrief({ spec }: { spec: ChallengeForClient }) {
  const [foldedId, setFoldedId] = useState<string | null>(null);
  const open = foldedId !== spec.id;
  const { examples, hidden } = useMemo(() => briefCases(spec.cases, spec.starter), [spec]);
  const signature = useMemo(() => signatureOf(spec.starter), [spec]);
  return (
    <details
      className="challenge-brief"
      data-testid="challenge-brief"
      data-challenge-id={spec.id}
      open={open}
      onToggle={(event) => {
        const nowOpen = (event.currentTarget as HTMLDetailsElement).open;
        if (nowOpen !== open) setFoldedId(nowOpen ? null : spec.id);
      }}
    >
      <summary className="challenge-brief-summary">
        <span className="challenge-brief-label">Challenge</span> <strong data-testid="challenge-brief-title">{spec.title}</strong>
      </summary>
      <div className="challenge-brief-body">
        <Markdown source={spec.statement} testId="challenge-statement" className="challenge-brief-statement" />
        <pre className="challenge-brief-signature mono" data-testid="challenge-signature">
          {signature}
        </pre>
        {examples.map((c) => (
          <section key={c.name} className="challenge-brief-case" data-testid="challenge-example">
            <h4 className="challenge-brief-case-name">Example: {c.name}</h4>
            <dl className="challenge-brief-values mono small">
              {c.inputs.map((input) => (
                <div key={input.name}>
                  <dt>{input.name}</dt>
                  <dd>{input.value}</dd>
                </div>
              ))}
              <div>
                <dt>returns</dt>
                <dd data-testid="challenge-example-expected">{c.expected}</dd>
              </div>
              <div>
                <dt>passes when</dt>
                <dd data-testid="challenge-example-tolerance">{c.tolerance}, elementwise</dd>
              </div>
            </dl>
          </section>
        ))}
        {hidden > 0 && (
          <p className="muted small" data-testid="challenge-hidden-count">
            Check also runs {hidden} hidden case{hidden === 1 ? '' : 's'}, judged by the server.
          </p>
        )}
      </div>
    </details>
  );
}
