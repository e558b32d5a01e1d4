/** Default share of the width given to the canvas; the board is the star. */
export const DEFAULT_SPLIT_RATIO = 0.6;
/** One arrow-key press moves the divider this much; Shift+arrow moves it five times as far. */
export const SPLIT_KEY_STEP = 0.02;

export interface SplitLimits {
  /** Narrowest useful canvas. */
  minStartPx: number;
  /** Narrowest useful code pad: about 40 columns. */
  minEndPx: number;
}

// Excalidraw switches to its compact (phone) toolbar below 730 px of editor width; the default
// split keeps it above that at 1280 px, and narrower canvases stay usable in the compact UI.
export const SPLIT_LIMITS: SplitLimits = { minStartPx: 420, minEndPx: 320 };

/**
 * Keeps both panes usable. When the container is too narrow for both minimums, the split
 * falls back to proportional minimums instead of letting one pane vanish.
 */
export function clampSplitRatio(ratio: number, containerPx: number, limits: SplitLimits = SPLIT_LIMITS): number {
  const safe = Number.isFinite(ratio) ? ratio : DEFAULT_SPLIT_RATIO;
  if (!(containerPx > 0)) return Math.min(0.8, Math.max(0.2, safe));
  const total = limits.minStartPx + limits.minEndPx;
  if (containerPx < total) return limits.minStartPx / total;
  const min = limits.minStartPx / containerPx;
  const max = 1 - limits.minEndPx / containerPx;
  return Math.min(max, Math.max(min, safe));
}

/** Parses a remembered ratio; anything odd falls back to the default. */
export function parseStoredRatio(raw: string | null): number {
  if (raw === null) return DEFAULT_SPLIT_RATIO;
  const value = Number(raw);
  return Number.isFinite(value) && value > 0 && value < 1 ? value : DEFAULT_SPLIT_RATIO;
}

/** Keyboard movement of the divider; null for keys the divider ignores. */
export function ratioAfterKey(ratio: number, key: string, shiftKey: boolean): number | null {
  const step = SPLIT_KEY_STEP * (shiftKey ? 5 : 1);
  switch (key) {
    case 'ArrowLeft':
      return ratio - step;
    case 'ArrowRight':
      return ratio + step;
    case 'Home':
      return 0;
    case 'End':
      return 1;
    default:
      return null;
  }
}

/** Excalidraw 0.18 switches to its compact (phone) UI below this canvas width. */
export const EXCALIDRAW_FULL_UI_MIN_PX = 730;

/**
 * The default split for a container: 60 % for the canvas, raised so the canvas keeps
 * Excalidraw's full UI (730 px plus half the 7 px divider) whenever the pad can still have its
 * 320 px. At 1440 px with the panel open the plain 60 % gave a 648 px canvas in the compact UI.
 */
export function defaultSplitRatio(containerPx: number, limits: SplitLimits = SPLIT_LIMITS): number {
  if (!(containerPx > 0)) return DEFAULT_SPLIT_RATIO;
  const fullUi = (EXCALIDRAW_FULL_UI_MIN_PX + 4) / containerPx;
  const padRoom = 1 - limits.minEndPx / containerPx;
  return Math.max(DEFAULT_SPLIT_RATIO, Math.min(fullUi, padRoom));
}
