import { useState, type FormEvent } from 'react';
import type { RoomKind } from '../../shared/capabilities.js';
import { LIMITS, type Role } from '../../shared/protocol.js';
import { Dialog } from '../lib/Dialog.js';
import { roleLabel } from '../lib/roles.js';
import { normalizeName } from '../lib/names.js';

interface NameDialogProps {
  open: boolean;
  role: Role;
  /** the room's kind, which names the role (a pair room's peer) */
  kind: RoomKind;
  initialName: string | null;
  onSubmit: (name: string) => void;
  onClose: () => void;
}

/** Asks for the name others see next to your cursor. Required on the first visit. */
export function NameDialog({ open, role, kind, initialName, onSubmit, onClose }: NameDialogProps) {
  return (
    <Dialog
      open={open}
      title={initialName ? 'Change your name' : 'What should others call you?'}
      onClose={onClose}
      dismissable={initialName !== null}
      testId="name-dialog"
    >
      <NameForm role={role} kind={kind} initialName={initialName} onSubmit={onSubmit} />
    </Dialog>
  );
}

function NameForm({ role, kind, initialName, onSubmit }: Pick<NameDialogProps, 'role' | 'kind' | 'initialName' | 'onSubmit'>) {
  const [value, setValue] = useState(initialName ?? '');
  const name = normalizeName(value);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name) onSubmit(name);
  };
  return (
    <form className="stack" onSubmit={submit}>
      <p className="muted">
        You are joining as <strong>{roleLabel(kind, role).toLowerCase()}</strong>. Your name appears next to your cursor
        and in the list of people.
      </p>
      <input
        className="input"
        data-testid="name-input"
        aria-label="Your name"
        placeholder="Your name"
        value={value}
        maxLength={LIMITS.MAX_NAME_CHARS}
        autoFocus
        autoComplete="name"
        onChange={(event) => setValue(event.target.value)}
      />
      <div className="actions actions-end">
        <button type="submit" className="button button-primary" data-testid="name-submit" disabled={!name}>
          {initialName ? 'Save' : 'Join'}
        </button>
      </div>
    </form>
  );
}
