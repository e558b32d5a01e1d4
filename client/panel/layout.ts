/** The panel column's width: wide enough for the rubric grid, never crowding the board. */
export const PANEL_DEFAULT_WIDTH_PX = 360;
export const PANEL_MIN_WIDTH_PX = 320;
export const PANEL_MAX_WIDTH_PX = 640;
/** The canvas and the pad together keep at least this much of the window. */
export const BOARD_MIN_WIDTH_PX = 760;
export const PANEL_KEY_STEP_PX = 16;

export function clampPanelWidth(width: number, windowWidth: number): number {
  const safe = Number.isFinite(width) ? width : PANEL_DEFAULT_WIDTH_PX;
  const room = Number.isFinite(windowWidth) && windowWidth > 0 ? windowWidth - BOARD_MIN_WIDTH_PX : PANEL_MAX_WIDTH_PX;
  const max = Math.max(PANEL_MIN_WIDTH_PX, Math.min(PANEL_MAX_WIDTH_PX, room));
  return Math.round(Math.min(max, Math.max(PANEL_MIN_WIDTH_PX, safe)));
}

export function parseStoredWidth(raw: string | null): number {
  const value = Number(raw);
  return raw !== null && Number.isFinite(value) && value > 0 ? value : PANEL_DEFAULT_WIDTH_PX;
}

/**
 * Excalidraw drops to its compact (phone) UI below 730 px of canvas, losing the collaborator
 * list and follow mode; with the pad's 320 px minimum and the divider, a window narrower than
 * this cannot show the canvas in full next to an open panel. There the panel starts folded
 * (the board is the star); once someone opens or folds it, their choice is remembered.
 */
export const PANEL_OPEN_BY_DEFAULT_MIN_WINDOW_PX = 730 + 7 + 320 + PANEL_DEFAULT_WIDTH_PX;

export function initiallyCollapsed(stored: string | null, windowWidth: number): boolean {
  if (stored === '1') return true;
  if (stored === '0') return false;
  return windowWidth < PANEL_OPEN_BY_DEFAULT_MIN_WINDOW_PX;
}
