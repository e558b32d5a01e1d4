/**
 * The server's clock, as far as this page can tell. Question timers count from a server
 * timestamp (`startedAt`), so a laptop whose clock is a few minutes off would otherwise show
 * a timer that is a few minutes off, or stuck at 00:00.
 *
 * Every API response carries an HTTP `Date` header. It only has whole seconds, so one sample
 * pins the server's clock to within half a second plus half the round trip; the sample with the
 * shortest round trip wins. Offsets inside that uncertainty are treated as zero: a synced clock
 * should not be "corrected" by noise.
 */

const DATE_RESOLUTION_MS = 1_000;

interface Estimate {
  offsetMs: number;
  roundTripMs: number;
}

let best: Estimate | null = null;

/**
 * The offset (server minus local, ms) one response implies, or null when the header is missing
 * or unreadable. Zero when the difference is within the measurement's own uncertainty.
 */
export function offsetFromDateHeader(dateHeader: string | null, sentAt: number, receivedAt: number): number | null {
  if (!dateHeader) return null;
  const serverSecond = Date.parse(dateHeader);
  if (!Number.isFinite(serverSecond) || receivedAt < sentAt) return null;
  // The server stamped some instant in [serverSecond, serverSecond + 1 s); assume the middle of
  // that second, and assume it happened halfway through our round trip.
  const offset = serverSecond + DATE_RESOLUTION_MS / 2 - (sentAt + receivedAt) / 2;
  const uncertainty = DATE_RESOLUTION_MS / 2 + (receivedAt - sentAt) / 2;
  return Math.abs(offset) <= uncertainty ? 0 : Math.round(offset);
}

/** Feeds one response's Date header into the estimate (called by the API client). */
export function noteServerDate(dateHeader: string | null, sentAt: number, receivedAt: number): void {
  const offsetMs = offsetFromDateHeader(dateHeader, sentAt, receivedAt);
  if (offsetMs === null) return;
  const roundTripMs = receivedAt - sentAt;
  if (!best || roundTripMs < best.roundTripMs) best = { offsetMs, roundTripMs };
}

/** Now, on the server's clock (ms since epoch). */
export function serverNow(): number {
  return Date.now() + (best?.offsetMs ?? 0);
}
