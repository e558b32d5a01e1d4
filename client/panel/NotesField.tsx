import { useEffect, useMemo, useRef, useState } from 'react';
import type * as Y from 'yjs';
import { noteKey, panelNotes } from '../../shared/doc.js';
import { Markdown } from '../lib/Markdown.js';
import { readNote, writeNote } from './scoring.js';
import './notes.css';

/** Typing settles for this long before the note is written to the doc (and sent to the server). */
export const NOTE_WRITE_DELAY_MS = 400;

interface NotesFieldProps {
  doc: Y.Doc;
  raterId: string | null;
  questionId: string;
  editable: boolean;
  questionTitle: string;
}

interface Pending {
  raterId: string;
  questionId: string;
  text: string;
}

/**
 * Whether a note has `$…$` math worth a typeset preview. Plain notes stay a bare textarea: a
 * second copy of ordinary prose under it would only take room.
 */
export function hasMath(text: string): boolean {
  return /\$\$[\s\S]+?\$\$|\$[^$\s][^$]*\$/.test(text);
}

/**
 * One interviewer's private notes on one question. The textarea owns the text while it is being
 * typed; writes are debounced and flushed on blur, on switching question and on unmount, so no
 * keystroke is lost. Observers see the chosen interviewer's notes read-only, live.
 */
export function NotesField({ doc, raterId, questionId, editable, questionTitle }: NotesFieldProps) {
  const notes = useMemo(() => panelNotes(doc), [doc]);
  const [text, setText] = useState(() => (raterId ? readNote(doc, raterId, questionId) : ''));
  const pending = useRef<Pending | null>(null);
  const timer = useRef(0);
  const [saving, setSaving] = useState(false);

  const flush = () => {
    window.clearTimeout(timer.current);
    const p = pending.current;
    pending.current = null;
    setSaving(false);
    if (p) writeNote(doc, p.raterId, p.questionId, p.text);
  };
  const flushRef = useRef(flush);
  useEffect(() => {
    flushRef.current = flush;
  });

  // Switching question or rater: write what was typed for the old one, then show the new one.
  useEffect(() => {
    setText(raterId ? readNote(doc, raterId, questionId) : '');
    return () => flushRef.current();
  }, [doc, raterId, questionId]);

  // Changes from elsewhere (this interviewer in another tab; the watched interviewer, for an
  // observer) show up unless something typed here is still waiting to be written.
  useEffect(() => {
    if (!raterId) return;
    const key = noteKey(raterId, questionId);
    const onChange = (event: Y.YMapEvent<string>) => {
      if (!event.keysChanged.has(key) || pending.current) return;
      setText(readNote(doc, raterId, questionId));
    };
    notes.observe(onChange);
    return () => notes.unobserve(onChange);
  }, [doc, notes, raterId, questionId]);

  const onChange = (value: string) => {
    setText(value);
    if (!editable || !raterId) return;
    pending.current = { raterId, questionId, text: value };
    setSaving(true);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => flushRef.current(), NOTE_WRITE_DELAY_MS);
  };

  return (
    <div className="notes">
      <textarea
        className="notes-input"
        data-testid="notes"
        aria-label={`${editable ? 'Your notes' : 'Notes'} on “${questionTitle}”`}
        placeholder={editable ? 'Private notes on this question: evidence for your scores, what to probe next…' : 'No notes yet.'}
        value={text}
        readOnly={!editable}
        onChange={(event) => onChange(event.target.value)}
        onBlur={() => flushRef.current()}
      />
      {hasMath(text) && <Markdown source={text} className="notes-preview" testId="notes-preview" />}
      <span className="notes-status muted small" aria-live="polite">
        {saving ? 'Saving…' : editable ? 'Only interviewers and observers can see notes.' : ''}
      </span>
    </div>
  );
}
