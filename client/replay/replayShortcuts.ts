/**
 * The replay page's keys, as data for the shared ShortcutsDialog: the ones ReplayView's key
 * handler and its controls really bind, then what a view-only Excalidraw canvas still does.
 */
import { CANVAS_SECTION_TITLE, CANVAS_ZOOM_SHORTCUTS, diagramShortcutRows, OR, type ShortcutSection } from '../room/shortcuts.js';

export const REPLAY_SHORTCUTS: readonly ShortcutSection[] = [
  {
    title: null,
    testId: 'shortcuts-replay',
    rows: [
      ['Show this list', ['?']],
      ['Play, pause', ['Space']],
      ['Previous, next marker', ['←', '→']],
      ['Previous, next single event (each edit)', ['Shift', '←', OR, '→']],
      ['Jump to the start, the end', ['Home', 'End']],
      ['Move the canvas | pad divider (when focused)', ['←', '→']],
      // The replay canvas is view-only: its Diagram menu checks shapes and exports this instant.
      ...diagramShortcutRows(['check', 'export']),
    ],
  },
  {
    title: CANVAS_SECTION_TITLE,
    testId: 'shortcuts-canvas',
    // Space belongs to play/pause here, so panning is by pointer only.
    rows: [['Pan the canvas', ['drag', OR, 'scroll']], ...CANVAS_ZOOM_SHORTCUTS],
  },
];
