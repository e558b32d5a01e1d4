import { can } from '../../shared/capabilities.js';
import type { Role } from '../../shared/protocol.js';
import { Dialog } from '../lib/Dialog.js';
import { modKeyLabel } from '../lib/keyboard.js';
import { DIAGRAM_SHORTCUTS, type DiagramShortcut } from '../diagrams/useDiagramShortcuts.js';

interface ShortcutsDialogProps {
  open: boolean;
  onClose: () => void;
  role: Role;
}

/** Separates alternatives in a key list ("0 or Backspace"); rendered as plain text, not a key. */
const OR = 'or';
const TO = '–';

/**
 * Excalidraw's own keys (0.18), with the canvas focused; `?` there opens this list rather than
 * Excalidraw's help (useHelpShortcut). Drawing keys only for those who may draw.
 */
const CANVAS_DRAW_SHORTCUTS: [string, string[]][] = [
  ['Select', ['V', OR, '1']],
  ['Rectangle, diamond, ellipse', ['R', 'D', 'O']],
  ['Arrow, line', ['A', 'L']],
  ['Free draw, text, eraser', ['P', 'T', 'E']],
  ['Duplicate the selection', ['MOD', 'D']],
  ['Group, ungroup', ['MOD', 'G', OR, 'Shift', 'G']],
  ['Delete the selection', ['Delete']],
  ['Undo, redo on the canvas', ['MOD', 'Z', OR, 'Shift', 'Z']],
];
const CANVAS_VIEW_SHORTCUTS: [string, string[]][] = [
  ['Pan the canvas', ['Space', '+ drag', OR, 'H']],
  ['Zoom in, out', ['MOD', '+', OR, '−']],
  ['Zoom to fit everything', ['Shift', '1']],
  ['Reset the zoom', ['MOD', '0']],
];

export function ShortcutsDialog({ open, onClose, role }: ShortcutsDialogProps) {
  const mod = modKeyLabel();
  const rows: [string, string[]][] = [['Show this list', ['?']]];
  // Observers watch runs but cannot start or stop one.
  if (can(role, 'code.run')) {
    rows.push(['Run the code pad (pad or its toolbar focused)', [mod, 'Enter']], ['Stop the running snippet and its worker', ['Esc']]);
  }
  rows.push(
    ['Undo your own edits in the pad', [mod, 'Z']],
    ['Redo in the pad', [mod, 'Shift', 'Z']],
    ['Move the canvas | pad divider (when focused)', ['←', '→']],
  );
  // The Diagram menu's actions; observers only check shapes and export.
  const diagram: DiagramShortcut[] = can(role, 'board.write') ? ['insert', 'library', 'check', 'math', 'mermaid', 'export'] : ['check', 'export'];
  for (const action of diagram) rows.push([DIAGRAM_SHORTCUTS[action].label, ['Alt', 'Shift', DIAGRAM_SHORTCUTS[action].key]]);
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
  const canvasRows = [...(can(role, 'board.write') ? CANVAS_DRAW_SHORTCUTS : []), ...CANVAS_VIEW_SHORTCUTS].map(
    ([label, keys]): [string, string[]] => [label, keys.map((key) => (key === 'MOD' ? mod : key))],
  );
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-dialog">
      <ShortcutTable rows={rows} testId="shortcuts-attn" />
      <h3 className="shortcuts-heading">On the canvas (Excalidraw)</h3>
      <ShortcutTable rows={canvasRows} testId="shortcuts-canvas" />
    </Dialog>
  );
}

function ShortcutTable({ rows, testId }: { rows: [string, string[]][]; testId: string }) {
  return (
    <table className="shortcuts" data-testid={testId}>
      <tbody>
        {rows.map(([label, keys]) => (
          <tr key={label}>
            <td>{label}</td>
            <td>
              <span className="shortcut-keys">
                {keys.map((key, index) =>
                  key === TO || key === OR || key.startsWith('+ ') ? (
                    <span key={index} className="muted">
                      {key}
                    </span>
                  ) : (
                    <kbd key={index}>{key}</kbd>
                  ),
                )}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
