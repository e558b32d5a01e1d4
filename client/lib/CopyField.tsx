import { useEffect, useRef, useState } from 'react';
import { copyText } from './clipboard.js';

interface CopyFieldProps {
  value: string;
  label: string;
  testId?: string;
  copyTestId?: string;
}

const COPIED_FEEDBACK_MS = 1800;

/** A read-only URL with a Copy button; if copying is refused, the text is selected instead. */
export function CopyField({ value, label, testId, copyTestId }: CopyFieldProps) {
  const input = useRef<HTMLInputElement>(null);
  const [feedback, setFeedback] = useState<'idle' | 'copied' | 'manual'>('idle');

  useEffect(() => {
    if (feedback !== 'copied') return;
    const timer = window.setTimeout(() => setFeedback('idle'), COPIED_FEEDBACK_MS);
    return () => window.clearTimeout(timer);
  }, [feedback]);

  const copy = async () => {
    const copied = await copyText(value);
    if (!copied) {
      input.current?.focus();
      input.current?.select();
    }
    setFeedback(copied ? 'copied' : 'manual');
  };

  return (
    <div className="copy-field">
      <input
        ref={input}
        className="copy-field-input mono"
        readOnly
        value={value}
        aria-label={label}
        data-testid={testId}
        spellCheck={false}
        onFocus={(event) => event.currentTarget.select()}
      />
      <button type="button" className="button" data-testid={copyTestId} onClick={copy} aria-live="polite">
        {feedback === 'copied' ? 'Copied' : 'Copy'}
      </button>
      {feedback === 'manual' && (
        <p className="copy-field-hint" role="status">
          Copying was blocked by the browser; the link is selected, press Ctrl+C (⌘C) to copy it.
        </p>
      )}
    </div>
  );
}
