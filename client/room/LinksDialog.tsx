import { useCallback, useEffect, useState, type CSSProperties } from 'react';
import type { LinkInfo } from '../../shared/api.js';
import { KIND_ROLES, type RoomKind } from '../../shared/capabilities.js';
import type { Role } from '../../shared/protocol.js';
import { ApiRequestError, createLink, listLinks, revokeLink } from '../lib/api.js';
import { ROLE_COLOR } from '../lib/colors.js';
import { CopyField } from '../lib/CopyField.js';
import { Dialog } from '../lib/Dialog.js';
import { roleDescription, roleLabel } from '../lib/roles.js';
import { REMEMBER_LINKS_MS, loadSavedLinks, rememberLinks, remembersLinks, saveLinks, type SavedLinks } from '../lib/savedLinks.js';

interface LinksDialogProps {
  open: boolean;
  onClose: () => void;
  roomId: string;
  token: string;
  /** the room's kind: which roles it mints links for (the server refuses the others), and their names */
  kind: RoomKind;
  /** the link this interviewer is using, so revoking it can be called out */
  ownLinkId: string;
}

export function LinksDialog({ open, onClose, ...rest }: LinksDialogProps) {
  return (
    <Dialog open={open} title="Links" onClose={onClose} size="large" testId="links-dialog">
      <LinksManager {...rest} />
    </Dialog>
  );
}

type Load = { phase: 'loading' } | { phase: 'failed'; message: string } | { phase: 'ready'; links: LinkInfo[] };

const errorText = (error: unknown) =>
  error instanceof ApiRequestError ? error.message : 'Something went wrong. Try again.';

function LinksManager({ roomId, token, kind, ownLinkId }: Omit<LinksDialogProps, 'open' | 'onClose'>) {
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  const [saved, setSaved] = useState<SavedLinks>(() => loadSavedLinks(roomId));
  const [remember, setRemember] = useState(() => remembersLinks(roomId));
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [fresh, setFresh] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      setLoad({ phase: 'ready', links: await listLinks(roomId, token) });
    } catch (error) {
      setLoad({ phase: 'failed', message: errorText(error) });
    }
  }, [roomId, token]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const revoke = async (link: LinkInfo) => {
    setBusy(link.id);
    setActionError(null);
    try {
      const revoked = await revokeLink(roomId, token, link.id);
      setLoad((previous) =>
        previous.phase === 'ready'
          ? { phase: 'ready', links: previous.links.map((item) => (item.id === revoked.id ? revoked : item)) }
          : previous,
      );
      setConfirming(null);
    } catch (error) {
      setActionError(errorText(error));
    } finally {
      setBusy(null);
    }
  };

  const mint = async (role: Role) => {
    setBusy(`new-${role}`);
    setActionError(null);
    try {
      const link = await createLink(roomId, token, role);
      setSaved(saveLinks(roomId, [link]));
      setFresh(link.id);
      const { token: _secret, url: _url, ...info } = link;
      setLoad((previous) => (previous.phase === 'ready' ? { phase: 'ready', links: [...previous.links, info] } : previous));
    } catch (error) {
      setActionError(errorText(error));
    } finally {
      setBusy(null);
    }
  };

  if (load.phase === 'loading') {
    return (
      <p className="muted" role="status">
        <span className="spinner spinner-inline" aria-hidden="true" /> Loading links…
      </p>
    );
  }
  if (load.phase === 'failed') {
    return (
      <div className="stack" role="alert">
        <p>{load.message}</p>
        <div className="actions">
          <button type="button" className="button" onClick={() => void refresh()}>
            Try again
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="links-manager">
      {actionError && (
        <p className="form-error" role="alert">
          {actionError}
        </p>
      )}
      <label className="small" title="Links carry their room's access; by default this browser forgets them when the tab closes">
        <input
          type="checkbox"
          data-testid="remember-links"
          checked={remember}
          onChange={(event) => {
            setSaved(rememberLinks(roomId, event.target.checked));
            setRemember(event.target.checked);
          }}
        />{' '}
        Remember links on this device for {REMEMBER_LINKS_MS / (24 * 60 * 60 * 1000)} days
      </label>
      {KIND_ROLES[kind].map((role) => {
        // Active links first, newest first within each group.
        const links = load.links
          .filter((link) => link.role === role)
          .sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt - a.createdAt);
        return (
          <section key={role} className="links-role" data-role={role}>
            <header className="links-role-head">
              <span className="role-badge" style={{ '--role-color': ROLE_COLOR[role] } as CSSProperties}>
                {roleLabel(kind, role)}
              </span>
              <span className="muted small">{roleDescription(kind, role)}</span>
              <button
                type="button"
                className="button button-small"
                data-testid="new-link"
                data-role={role}
                disabled={busy !== null}
                onClick={() => void mint(role)}
              >
                {busy === `new-${role}` ? 'Creating…' : 'New link'}
              </button>
            </header>
            {links.length === 0 && <p className="muted small">No {roleLabel(kind, role).toLowerCase()} links.</p>}
            <ul className="links-rows">
              {links.map((link) => {
                const url = saved[link.id]?.url;
                const revoked = link.revokedAt !== null;
                const own = link.id === ownLinkId;
                return (
                  <li
                    key={link.id}
                    className={`links-item${revoked ? ' links-item-revoked' : ''}${fresh === link.id ? ' links-item-fresh' : ''}`}
                    data-testid="link-item"
                    data-role={role}
                    data-link-id={link.id}
                    data-revoked={revoked || undefined}
                  >
                    <div className="links-item-meta">
                      <span className={`chip ${revoked ? 'chip-muted' : 'chip-ok'}`}>{revoked ? 'revoked' : 'active'}</span>
                      <span className="muted small">
                        created {formatTime(link.createdAt)}
                        {revoked && link.revokedAt !== null && ` · revoked ${formatTime(link.revokedAt)}`}
                        {own && ' · your link'}
                      </span>
                      <span className="pane-header-spacer" />
                      {!revoked && confirming !== link.id && (
                        <button
                          type="button"
                          className="button button-small button-danger-ghost"
                          data-testid="revoke-link"
                          data-role={role}
                          data-link-id={link.id}
                          disabled={busy !== null}
                          onClick={() => setConfirming(link.id)}
                        >
                          Revoke
                        </button>
                      )}
                    </div>
                    {!revoked &&
                      (url ? (
                        <CopyField value={url} label={`${roleLabel(kind, role)} link`} testId="link-url" copyTestId="copy-link" />
                      ) : (
                        <p className="muted small">Created in another browser or tab; its address can’t be shown again here.</p>
                      ))}
                    {confirming === link.id && (
                      <div className="confirm" role="alertdialog" aria-label="Confirm revoking this link">
                        <p>
                          {own
                            ? 'This is the link you are using: revoking it disconnects you too.'
                            : `Anyone using this ${roleLabel(kind, role).toLowerCase()} link is disconnected at once and can't rejoin with it.`}
                        </p>
                        <div className="actions">
                          <button
                            type="button"
                            className="button button-danger button-small"
                            data-testid="confirm-revoke"
                            disabled={busy !== null}
                            onClick={() => void revoke(link)}
                          >
                            {busy === link.id ? 'Revoking…' : 'Revoke link'}
                          </button>
                          <button type="button" className="button button-small" onClick={() => setConfirming(null)}>
                            Cancel
                          </button>
                        </div>
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
function formatTime(ms: number): string {
  return timeFormat.format(new Date(ms));
}
