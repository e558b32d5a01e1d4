import { useCallback, useEffect, useState } from 'react';
import { can } from '../../shared/capabilities.js';
import type { WhoAmIResponse } from '../../shared/api.js';
import { ApiRequestError, whoAmI } from '../lib/api.js';
import { loadSavedLinks } from '../lib/savedLinks.js';
import { StatusScreen } from '../lib/StatusScreen.js';
import { claimRoomToken, parseTokenFragment } from '../lib/token.js';
import { RoomView } from './RoomView.js';

type Join =
  | { phase: 'checking' }
  | { phase: 'failed'; status: number; message: string }
  | { phase: 'ready'; who: WhoAmIResponse };

/** What a refused link means, in words for the person holding it. */
function joinFailure(status: number, serverMessage: string): { title: string; message: string } {
  switch (status) {
    case 401:
      return { title: 'This link is not valid.', message: 'Check that you opened the whole link, or ask the interviewer for a new one.' };
    case 404:
      return { title: 'This interview does not exist.', message: 'The link may be mistyped, or the interview was deleted.' };
    case 410:
      return { title: 'This link was revoked by the interviewer.', message: 'Ask the interviewer for a new link.' };
    case 0:
      return { title: 'Could not reach attn.', message: 'Check your connection, then try again.' };
    default:
      return { title: 'The interview could not be opened.', message: serverMessage };
  }
}

/** `/r/<roomId>`: takes the token from the fragment, asks the server who we are, then joins. */
export default function RoomPage({ roomId }: { roomId: string }) {
  const [token] = useState(() => claimRoomToken(roomId));
  const [join, setJoin] = useState<Join>({ phase: 'checking' });

  const check = useCallback(async () => {
    if (!token) return;
    setJoin({ phase: 'checking' });
    try {
      setJoin({ phase: 'ready', who: await whoAmI(roomId, token) });
    } catch (error) {
      const status = error instanceof ApiRequestError ? error.status : -1;
      const message = error instanceof Error ? error.message : 'Unknown error.';
      setJoin({ phase: 'failed', status, message });
    }
  }, [roomId, token]);

  useEffect(() => {
    void check();
  }, [check]);

  // Pasting another link to this same room only changes the fragment, which doesn't reload
  // the page; start over with the new token so the role always matches the link.
  useEffect(() => {
    const onHashChange = () => {
      if (parseTokenFragment(window.location.hash) === null) return;
      claimRoomToken(roomId);
      window.location.reload();
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [roomId]);

  if (!token) return <MissingToken roomId={roomId} />;
  if (join.phase === 'checking') return <StatusScreen tone="loading" title="Opening the interview…" />;
  if (join.phase === 'failed') {
    const { title, message } = joinFailure(join.status, join.message);
    const retryable = join.status === 0 || join.status >= 500 || join.status === -1;
    return (
      <StatusScreen
        tone="error"
        testId="join-error"
        title={title}
        message={message}
        actions={
          <>
            {retryable && (
              <button type="button" className="button button-primary" onClick={() => void check()}>
                Try again
              </button>
            )}
            <a className="button" href="/">
              Go to the start page
            </a>
          </>
        }
      />
    );
  }
  return <RoomView roomId={roomId} token={token} who={join.who} />;
}

/**
 * A room URL without a token: typically a second tab, since tokens are kept per tab. If this
 * browser created the room, offer its interviewer link rather than a dead end.
 */
function MissingToken({ roomId }: { roomId: string }) {
  const interviewerUrl = Object.values(loadSavedLinks(roomId)).find((link) => can(link.role, 'links.manage'))?.url;
  return (
    <StatusScreen
      tone="error"
      testId="join-error"
      title="This address is missing its access token."
      message="Open the full link you were given (it ends in #token=…); links are kept per browser tab."
      actions={
        <>
          {interviewerUrl && (
            <a className="button button-primary" href={interviewerUrl}>
              Open as interviewer
            </a>
          )}
          <a className="button" href="/">
            Go to the start page
          </a>
        </>
      }
    />
  );
}
