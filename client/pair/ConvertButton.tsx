/**
 * "Make it an interview" in a pair room: the server turns the room into an interview (same room,
 * same board) and mints a candidate link. The page then reloads so this link, now an interviewer
 * link with a panel, rejoins with the interview's view.
 */
import { useState } from 'react';
import type { ConvertRoomResponse } from '../../shared/api.js';
import { ApiRequestError, convertRoom } from '../lib/api.js';
import { CopyField } from '../lib/CopyField.js';
import { Dialog } from '../lib/Dialog.js';
import { saveLinks } from '../lib/savedLinks.js';

type State = { phase: 'idle' } | { phase: 'confirm' } | { phase: 'busy' } | { phase: 'done'; result: ConvertRoomResponse } | { phase: 'failed'; message: string };

export function ConvertButton({ roomId, token }: { roomId: string; token: string }) {
  const [state, setState] = useState<State>({ phase: 'idle' });
  const convert = async () => {
    setState({ phase: 'busy' });
    try {
      const result = await convertRoom(roomId, token);
      saveLinks(roomId, [result.candidate]);
      setState({ phase: 'done', result });
    } catch (error) {
      setState({ phase: 'failed', message: error instanceof ApiRequestError ? error.message : 'Something went wrong. Try again.' });
    }
  };
  const open = state.phase !== 'idle';
  return (
    <>
      <button type="button" className="button button-small" data-testid="convert-room" onClick={() => setState({ phase: 'confirm' })}>
        Make it an interview
      </button>
      <Dialog
        open={open}
        title="Turn this room into an interview"
        testId="convert-dialog"
        onClose={() => (state.phase === 'done' ? window.location.reload() : setState({ phase: 'idle' }))}
      >
        {state.phase === 'done' ? (
          <>
            <p>Done: the board stays. Everyone on this link is now an interviewer, with the panel. Send the candidate this link:</p>
            <CopyField value={state.result.candidate.url} label="Candidate link" testId="convert-candidate-link" />
            <div className="actions">
              <button type="button" className="button button-primary" data-testid="convert-reload" onClick={() => window.location.reload()}>
                Open the interview
              </button>
            </div>
          </>
        ) : (
          <>
            <p>
              The room keeps its board, pad and replay. This link becomes the interviewer link (scoring panel, plan, guides), and a
              candidate link is made for you to send. This cannot be undone.
            </p>
            {state.phase === 'failed' && (
              <p className="form-error" role="alert">
                {state.message}
              </p>
            )}
            <div className="actions">
              <button type="button" className="button button-primary" data-testid="convert-confirm" disabled={state.phase === 'busy'} onClick={() => void convert()}>
                Make it an interview
              </button>
            </div>
          </>
        )}
      </Dialog>
    </>
  );
}
