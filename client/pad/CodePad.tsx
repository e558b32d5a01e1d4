import { useEffect, useRef, type ReactNode } from 'react';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { basicSetup } from 'codemirror';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, placeholder } from '@codemirror/view';
import { javascript } from '@codemirror/lang-javascript';
import { yCollab } from 'y-codemirror.next';
import { boardCode } from '../../shared/doc.js';
import { padTheme } from './padTheme.js';
import { remoteCaretsExtension } from './remoteCarets.js';

/** Shown in an empty pad; a placeholder, not text in the doc, so nobody has to delete it. */
export const PAD_PLACEHOLDER = [
  '// TypeScript with tf (TensorFlow.js) in scope.',
  '// Ctrl/Cmd+Enter runs it. For example:',
  '//   const x = tf.randomNormal([4, 8]);',
  '//   x.matMul(x.transpose()).print();',
].join('\n');

interface CodePadProps {
  doc: Y.Doc;
  awareness: Awareness;
  readOnly: boolean;
  /** Controls in a row under the pad header (the runner's Run / Check / Stop). */
  toolbar?: ReactNode;
  /** A notice between the toolbar and the editor (e.g. "the interviewer is running your code"). */
  banner?: ReactNode;
  /** Under the editor (the runs console). */
  below?: ReactNode;
  /** Extra editor extensions (e.g. the runner's Ctrl/Cmd+Enter keymap). Keep the array stable. */
  extensions?: readonly Extension[];
}

/**
 * CodeMirror 6 bound to the board's shared code text. remoteCarets.ts draws the other users'
 * carets and selections from awareness `user.name` / `user.color` / `user.colorLight`.
 */
export function CodePad({ doc, awareness, readOnly, toolbar, banner, below, extensions }: CodePadProps) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const ytext = boardCode(doc);
    // Per-editor undo, scoped to this user's own typing: undo never reverts a peer's edit.
    const undoManager = new Y.UndoManager(ytext);
    const view = new EditorView({
      parent,
      state: EditorState.create({
        doc: ytext.toString(),
        extensions: [
          basicSetup,
          javascript({ typescript: true }),
          padTheme,
          placeholder(PAD_PLACEHOLDER),
          // Sync and undo from y-codemirror.next; no awareness there, so its caret widget (which
          // put names into the editable DOM) is never drawn: remoteCarets.ts draws them instead.
          yCollab(ytext, null, { undoManager }),
          remoteCaretsExtension(ytext, awareness),
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          EditorView.contentAttributes.of({ 'aria-label': readOnly ? 'Code pad (read-only)' : 'Code pad' }),
          ...(extensions ?? []),
        ],
      }),
    });
    return () => {
      view.destroy();
      undoManager.destroy();
    };
  }, [doc, awareness, readOnly, extensions]);

  return (
    <section className="pad" data-testid="pad" aria-label="Code pad">
      <header className="pane-header">
        <span className="pane-title">Code</span>
        <span className="pane-subtitle">TypeScript · tf in scope</span>
        {readOnly && <span className="chip">read-only</span>}
      </header>
      {toolbar && (
        <div className="pad-toolbar" role="toolbar" aria-label="Run the code">
          {toolbar}
        </div>
      )}
      {banner}
      <div ref={host} className="pad-editor" />
      {below}
    </section>
  );
}
