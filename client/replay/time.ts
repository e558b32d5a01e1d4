/** Playhead times as people read and type them: "12:34", "1:02:03", "0:12.5". */

/** ms -> "mm:ss" (or "h:mm:ss" from an hour on). Negative values clamp to zero. */
export function formatOffset(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * "12:34", "1:02:03", "754" (seconds) or with a fraction ("0:12.5") -> ms; null when it is
 * not a time. Minutes and seconds after the first field must be below 60.
 */
export function parseOffset(text: string | null | undefined): number | null {
  const value = text?.trim();
  if (!value) return null;
  const m = /^(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d+)?)$/.exec(value);
  if (!m) return null;
  const fields = [m[1], m[2], m[3]].filter((x): x is string => x !== undefined).map(Number);
  const seconds = fields.pop()!;
  const minutes = fields.pop() ?? 0;
  const hours = fields.pop() ?? 0;
  const nested = [m[1], m[2]].filter((x) => x !== undefined).length;
  if (nested > 0 && seconds >= 60) return null;
  if (nested > 1 && minutes >= 60) return null;
  return Math.round(((hours * 60 + minutes) * 60 + seconds) * 1000);
}
