/**
 * Which of the run toolbar's controls sit in its one row and which go into its ⋯ menu, by the
 * row's width. Pure, so the thresholds are tested without a browser.
 *
 * Measured in Chromium at 13 px UI text: Run with its backend picker ~135 px, the interviewer's
 * target picker ~160 px, Check ~70, Stop ~64, "Insert starter code" ~130, the ⋯ button 30, and
 * 6 px gaps. Everything fits from ~600 px; below that the pickers and the starter button move
 * into the menu, leaving Run, Check, Stop and ⋯ (~260 px, fits a 320 px pad).
 */
export const RUN_ROW_FULL_MIN_PX = 600;

export interface RunToolbarPlacement {
  /** backend and target pickers, and Insert starter code, in the row (else in the menu) */
  pickersInRow: boolean;
}

export function runToolbarPlacement(rowWidth: number): RunToolbarPlacement {
  // 0 means "not laid out yet": start compact, so nothing ever wraps on the first frame.
  return { pickersInRow: rowWidth >= RUN_ROW_FULL_MIN_PX };
}
