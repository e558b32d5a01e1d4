import { fatalMessage } from '../lib/connection.js';

/** Blocks the room when the server ended the session for good (revoked link, bad token, …). */
export function FatalError({ code }: { code: number }) {
  const { title, action } = fatalMessage(code);
  return (
    <div className="fatal-overlay" role="alertdialog" aria-modal="true" aria-labelledby="fatal-title" data-testid="fatal-error">
      <div className="card fatal-card">
        <h1 id="fatal-title">{title}</h1>
        <p className="muted">{action}</p>
        <div className="actions">
          <a className="button button-primary" href="/">
            Go to the start page
          </a>
        </div>
      </div>
    </div>
  );
}
