import { Dialog } from '../lib/Dialog.js';
import { modKeyLabel } from '../lib/keyboard.js';

interface ShortcutsDialogProps {
  open: boolean;
  onClose: () => void;
}

export function ShortcutsDialog({ open, onClose }: ShortcutsDialogProps) {
  const mod = modKeyLabel();
  const rows: [string, string[]][] = [
    ['Show this list', ['?']],
    ['Run the code pad', [mod, 'Enter']],
    ['Stop a running snippet', ['Esc']],
    ['Undo your own edits in the pad', [mod, 'Z']],
    ['Redo in the pad', [mod, 'Shift', 'Z']],
    ['Move the canvas | pad divider (when focused)', ['←', '→']],
    ['Score the focused rubric row (interviewers)', ['1', '–', '5']],
  ];
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-dialog">
      <table className="shortcuts">
        <tbody>
          {rows.map(([label, keys]) => (
            <tr key={label}>
              <td>{label}</td>
              <td>
                <span className="shortcut-keys">
                  {keys.map((key, index) => (key === '–' ? <span key={index}>–</span> : <kbd key={index}>{key}</kbd>))}
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
