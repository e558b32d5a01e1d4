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
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-dialog">
      <table className="shortcuts">
        <tbody>
          {rows.map(([label, keys]) => (
            <tr key={label}>
              <td>{label}</td>
              <td>
                <span className="shortcut-keys">
                  {keys.map((key, index) =>
                    key === TO || key === OR ? (
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
      <p className="muted small">
        With the canvas focused, Excalidraw’s own shortcuts apply (press <kbd>?</kbd> there for its list).
      </p>
    </Dialog>
  );
}
