import type { ReactNode } from 'react';

interface StatusScreenProps {
  title: string;
  message?: ReactNode;
  tone?: 'info' | 'error' | 'loading';
  actions?: ReactNode;
  testId?: string;
}

/** A whole-page message (loading, errors, 404) in the same frame as the landing page. */
export function StatusScreen({ title, message, tone = 'info', actions, testId }: StatusScreenProps) {
  return (
    <main className="status-screen" data-testid={testId}>
      <a className="brand" href="/">
        attn
      </a>
      <section className={`card status-card status-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
        {tone === 'loading' && <span className="spinner" aria-hidden="true" />}
        <h1>{title}</h1>
        {message && <p className="muted">{message}</p>}
        {actions && <div className="actions">{actions}</div>}
      </section>
    </main>
  );
}
