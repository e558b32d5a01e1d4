import { useEffect, useId, useRef, type ReactNode } from 'react';

interface DialogProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** false keeps the dialog up until the content closes it (e.g. a required name) */
  dismissable?: boolean;
  testId?: string;
  size?: 'small' | 'large';
}

/**
 * A modal on the native <dialog>: the browser gives us the focus trap, Esc, the top layer and
 * inertness of the page behind it, all of which are easy to get subtly wrong by hand.
 */
export function Dialog({ open, title, onClose, children, dismissable = true, testId, size = 'small' }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        // Esc: we decide, so React state and the element never disagree about `open`.
        event.preventDefault();
        if (dismissable) onClose();
      }}
      onClick={(event) => {
        // The inner wrapper fills the dialog, so only a backdrop click targets the dialog itself.
        if (dismissable && event.target === ref.current) onClose();
      }}
    >
      {open && (
        <div className="dialog-body">
          <header className="dialog-header">
            <h2 id={titleId}>{title}</h2>
            {dismissable && (
              <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
                ×
              </button>
            )}
          </header>
          {children}
        </div>
      )}
    </dialog>
  );
}
