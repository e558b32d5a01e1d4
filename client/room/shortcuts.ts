/**
 * The shortcuts dialog's content as data: sections of (label, keys) rows. The room builds its
 * list from the viewer's capabilities (roomShortcuts); the replay page has its own
 * (client/replay/replayShortcuts.ts). ShortcutsDialog only renders what it is given.
 */
import { can } from '../../shared/capabilities.js';
import type { Role } from '../../shared/protocol.js';
import { DIAGRAM_SHORTCUTS, type DiagramShortcut } from '../diagrams/useDiagramShortcuts.js';

/** Separates alternatives in a key list ("0 or Backspace"); rendered as plain text, not a key. */
export const OR = 'or';
/** A range of keys ("1 – 5"); plain text. */
export const TO = '–';
/** Ctrl, or ⌘ on Apple keyboards: replaced when the dialog renders (lib/keyboard.ts modKeyLabel). */
export const MOD = 'MOD';

/**
 * A key is a `<kbd>`; words between keys are plain text: OR, TO, and pointer gestures written in
 * lower case ("drag", "scroll") or after a key ("+ drag"). Key names all start upper case or
 * with a symbol.
 */
export function isKeyWord(key: string): boolean {
  return key === TO || key.startsWith('+ ') || /^[a-z]/.test(key);
}

export type ShortcutRow = readonly [label: string, keys: readonly string[]];

export interface ShortcutSection {
  /** null for the first, untitled section */
  title: string | null;
  testId: string;
  rows: readonly ShortcutRow[];
}

/** The section title over Excalidraw's own keys, wherever the canvas is listed. */
export const CANVAS_SECTION_TITLE = 'On the canvas (Excalidraw)';

/** Excalidraw's own keys (0.18), with the canvas focused. Drawing keys only for those who may draw. */
export const CANVAS_DRAW_SHORTCUTS: readonly ShortcutRow[] = [
  ['Select', ['V', OR, '1']],
  ['Rectangle, diamond, ellipse', ['R', 'D', 'O']],
  ['Arrow, line', ['A', 'L']],
  ['Free draw, text, eraser', ['P', 'T', 'E']],
  ['Duplicate the selection', [MOD, 'D']],
  ['Group, ungroup', [MOD, 'G', OR, 'Shift', 'G']],
  ['Delete the selection', ['Delete']],
  ['Undo, redo on the canvas', [MOD, 'Z', OR, 'Shift', 'Z']],
];
/** Zooming works on a view-only canvas too (the observer's, the replay's). */
export const CANVAS_ZOOM_SHORTCUTS: readonly ShortcutRow[] = [
  ['Zoom in, out', [MOD, '+', OR, '−']],
  ['Zoom to fit everything', ['Shift', '1']],
  ['Reset the zoom', [MOD, '0']],
];
const CANVAS_VIEW_SHORTCUTS: readonly ShortcutRow[] = [['Pan the canvas', ['Space', '+ drag', OR, 'H']], ...CANVAS_ZOOM_SHORTCUTS];

/** The Diagram menu's Alt+Shift keys for the given actions. */
export function diagramShortcutRows(actions: readonly DiagramShortcut[]): ShortcutRow[] {
  return actions.map((action) => [DIAGRAM_SHORTCUTS[action].label, ['Alt', 'Shift', DIAGRAM_SHORTCUTS[action].key]]);
}

/** The live room's keys for this role: attn's, then Excalidraw's. */
export function roomShortcuts(role: Role): ShortcutSection[] {
  const rows: ShortcutRow[] = [['Show this list', ['?']]];
  // Observers watch runs but cannot start or stop one.
  if (can(role, 'code.run')) {
    rows.push(['Run the code pad (pad or its toolbar focused)', [MOD, 'Enter']], ['Stop the running snippet and its worker', ['Esc']]);
  }
  rows.push(
    ['Undo your own edits in the pad', [MOD, 'Z']],
    ['Redo in the pad', [MOD, 'Shift', 'Z']],
    ['Move the canvas | pad divider (when focused)', ['←', '→']],
  );
  // The Diagram menu's actions; observers only check shapes and export.
  rows.push(...diagramShortcutRows(can(role, 'board.write') ? ['insert', 'library', 'check', 'math', 'mermaid', 'export'] : ['check', 'export']));
  // The panel's keys mean nothing to a candidate, and the candidate's screen never mentions it.
  if (can(role, 'panel.write')) {
    rows.push(
      ['Score the focused rubric row', ['1', TO, '5']],
      ['Clear the focused rubric row', ['0', OR, 'Backspace']],
      ['Move between rubric rows', ['↑', '↓']],
      ['Reorder the focused plan question', ['Alt', '↑', OR, '↓']],
      ['Resize the panel (edge focused)', ['←', '→']],
    );
  } else if (can(role, 'panel.read')) {
    rows.push(['Move between rubric rows', ['↑', '↓']]);
  }
  return [
    { title: null, testId: 'shortcuts-attn', rows },
    { title: CANVAS_SECTION_TITLE, testId: 'shortcuts-canvas', rows: [...(can(role, 'board.write') ? CANVAS_DRAW_SHORTCUTS : []), ...CANVAS_VIEW_SHORTCUTS] },
  ];
}
