/**
 * The room's layout at a given window width: pure, so the breakpoints are unit-tested and the
 * reasons sit next to the numbers.
 *
 * - panes: canvas and pad side by side ('split') or one at a time behind tabs ('tabs'). Split
 *   needs the canvas's narrowest useful width (420 px, lib/split.ts), the divider (7 px) and the
 *   pad's 40 columns (320 px) next to the panel's 40 px rail: 787 px. Below ~1000 px that split
 *   leaves both panes cramped (an 800 px window gave a 433 px canvas in Excalidraw's phone UI and
 *   a run toolbar in three rows), so one pane at a time, each full width, is the better room.
 * - panel: a column beside the pad, or a drawer over the pad. As a column it takes 360 px from
 *   the board; Excalidraw keeps its full UI only from 730 px of canvas, so the column is only
 *   worth it from 730 + 7 + 320 + 360 = 1417 px. Below that the panel opens over the pad as a
 *   drawer and gives the space back when folded.
 */
import { PANEL_OPEN_BY_DEFAULT_MIN_WINDOW_PX } from '../panel/layout.js';

export const TABS_BELOW_PX = 1000;
export const PANEL_COLUMN_MIN_WINDOW_PX = PANEL_OPEN_BY_DEFAULT_MIN_WINDOW_PX;

export type PaneMode = 'split' | 'tabs';
export type PanelMode = 'column' | 'drawer';

export interface RoomLayout {
  panes: PaneMode;
  panel: PanelMode;
}

export function roomLayout(windowWidth: number): RoomLayout {
  const width = Number.isFinite(windowWidth) && windowWidth > 0 ? windowWidth : PANEL_COLUMN_MIN_WINDOW_PX;
  return {
    panes: width < TABS_BELOW_PX ? 'tabs' : 'split',
    panel: width < PANEL_COLUMN_MIN_WINDOW_PX ? 'drawer' : 'column',
  };
}

/** How long the sockets may be down before the reconnect banner says so: short blips stay quiet. */
export const RECONNECT_BANNER_AFTER_MS = 3_000;

/** "board, pad and panel notes": the banner's list of unsynced areas, in a stable order. */
export function listAreas(areas: readonly string[]): string {
  const unique = [...new Set(areas)];
  if (unique.length <= 1) return unique[0] ?? '';
  return `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
}
