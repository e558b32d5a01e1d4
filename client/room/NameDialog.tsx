import { useState, type FormEvent } from 'react';
import { LIMITS, type Role } from '../../shared/protocol.js';
import { Dialog } from '../lib/Dialog.js';
import { ROLE_LABEL } from '../lib/roles.js';
import { normalizeName } from '../lib/names.js';

interface NameDialogProps {
  open: boolean;
  role: Role;
  initialName: string | null;
  onSubmit: (name: string) => void;
  onClose: () => void;
}

/** Asks for the name others see next to your cursor. Required on the first visit. */
export function NameDialog({ open, role, initialName, onSubmit, onClose }: NameDialogProps) {
  return (
    <Dialog
      open={open}
      title={initialName ? 'Change your name' : 'What should others call you?'}
      onClose={onClose}
      dismissable={initialName !== null}
      testId="name-dialog"
    >
      <NameForm role={role} initialName={initialName} onSubmit={onSubmit} />
    </Dialog>
  );
}

function NameForm({ role, initialName, onSubmit }: Pick<NameDialogProps, 'role' | 'initialName' | 'onSubmit'>) {
  const [value, setValue] = useState(initialName ?? '');
  const name = normalizeName(value);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name) onSubmit(name);
  };
  return (
    <form className="stack" onSubmit={submit}>
      <p className="muted">
        You are joining as <strong>{ROLE_LABEL[role].toLowerCase()}</strong>. Your name appears next to your cursor
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
