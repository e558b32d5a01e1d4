/**
 * What a peer just did on the board, in words, with a way to go there: "Ada inserted a template
 * — Show", "Ines brought everyone to their view". One at a time; a newer one replaces it.
 * Excalidraw's own setToast has no action button, hence this.
 */
import { useEffect } from 'react';
import type { PeerEvent } from './signals.js';

/** Long enough to read a short sentence and reach the button; the user can close it sooner. */
export const BOARD_TOAST_MS = 8000;

export function peerEventText(event: PeerEvent): string {
  if (event.kind === 'summon') return `${event.name} brought everyone to their view`;
  return `${event.name} inserted ${event.what === 'template' ? 'a template' : 'a diagram'}`;
}

interface BoardToastProps {
  event: PeerEvent;
  onShow: (event: PeerEvent) => void;
  onClose: () => void;
}

export function BoardToast({ event, onShow, onClose }: BoardToastProps) {
  useEffect(() => {
    const timer = setTimeout(onClose, BOARD_TOAST_MS);
    return () => clearTimeout(timer);
  }, [event, onClose]);
  return (
    <div className="board-toast" role="status" data-testid="board-toast" data-kind={event.kind}>
      <span data-testid="board-toast-text">{peerEventText(event)}</span>
      {event.kind === 'inserted' && (
        <button type="button" className="board-toast-show" data-testid="board-toast-show" onClick={() => onShow(event)}>
          Show
        </button>
      )}
      <button type="button" className="board-toast-close" aria-label="Dismiss" onClick={onClose}>
        ×
      </button>
    </div>
  );
}
