import { Fragment } from 'react';
import { Dialog } from '../lib/Dialog.js';
import { modKeyLabel } from '../lib/keyboard.js';
import { isKeyWord, MOD, type ShortcutRow, type ShortcutSection } from './shortcuts.js';
import './shortcuts.css';

interface ShortcutsDialogProps {
  open: boolean;
  onClose: () => void;
  /** what to list: the room's (shortcuts.ts roomShortcuts) or the replay's (replay/replayShortcuts.ts) */
  sections: readonly ShortcutSection[];
  testId?: string;
}

/**
 * attn's keyboard shortcuts, in place of Excalidraw's help (useHelpShortcut, useHelpRedirect):
 * renders the sections it is given; which keys exist where is the caller's data.
 */
export function ShortcutsDialog({ open, onClose, sections, testId = 'shortcuts-dialog' }: ShortcutsDialogProps) {
  const mod = modKeyLabel();
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={onClose} testId={testId}>
      {sections.map((section) => (
        // Heading and table stay direct children of the dialog body, which spaces them.
        <Fragment key={section.testId}>
          {section.title && <h3 className="shortcuts-heading">{section.title}</h3>}
          <ShortcutTable rows={section.rows} mod={mod} testId={section.testId} />
        </Fragment>
      ))}
    </Dialog>
  );
}

function ShortcutTable({ rows, mod, testId }: { rows: readonly ShortcutRow[]; mod: string; testId: string }) {
  return (
    <table className="shortcuts" data-testid={testId}>
      <tbody>
        {rows.map(([label, keys]) => (
          <tr key={label}>
            <td>{label}</td>
            <td>
              <span className="shortcut-keys">
                {keys.map((key, index) =>
                  isKeyWord(key) ? (
                    <span key={index} className="muted">
                      {key}
                    </span>
                  ) : (
                    <kbd key={index}>{key === MOD ? mod : key}</kbd>
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
