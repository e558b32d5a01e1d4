/**
 * Opens `/replay/<roomId>` in a new tab. Tokens live in per-tab sessionStorage, which a new tab
 * does not inherit, so the token goes in the fragment (the replay page moves it out of the
 * address bar at once). Built on click, so the token never sits in the DOM or the status bar,
 * which may be on a shared screen.
 */
export function ReplayButton({ roomId, token }: { roomId: string; token: string }) {
  const path = `/replay/${encodeURIComponent(roomId)}`;
  return (
    <a
      className="button button-small"
      href={path}
      target="_blank"
      rel="noopener"
      data-testid="open-replay"
      title="Replay the session so far in a new tab"
      onClick={(event) => {
        event.preventDefault();
        window.open(`${path}#token=${encodeURIComponent(token)}`, '_blank', 'noopener');
      }}
    >
      Replay ↗
    </a>
  );
}
