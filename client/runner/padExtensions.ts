/**
 * What the runner adds to the code pad's editor: the error line highlight, the keys, and a
 * handle on the EditorView (CodePad owns the view; the runner only decorates it).
 */
import { Prec, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, keymap, type DecorationSet } from '@codemirror/view';

/** Highlights a 1-based line of the pad (clamped to the document), or clears it with null. */
export const setErrorLine = StateEffect.define<number | null>();

const errorLineDecoration = Decoration.line({ class: 'cm-run-error-line', attributes: { 'data-testid': 'pad-error-line' } });

/** The highlight lives until the next edit (anyone's) or the next run. */
const errorLineField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(decorations, tr) {
    for (const effect of tr.effects) {
      if (!effect.is(setErrorLine)) continue;
      if (effect.value === null) return Decoration.none;
      const line = tr.state.doc.line(Math.min(Math.max(1, effect.value), tr.state.doc.lines));
      return Decoration.set([errorLineDecoration.range(line.from)]);
    }
    return tr.docChanged ? Decoration.none : decorations;
  },
  provide: (field) => EditorView.decorations.from(field),
});

const errorLineTheme = EditorView.baseTheme({
  '.cm-run-error-line': {
    backgroundColor: 'color-mix(in srgb, var(--danger) 14%, transparent) !important',
    boxShadow: 'inset 3px 0 0 var(--danger)',
  },
});

export function highlightErrorLine(view: EditorView | null, line: number | null): void {
  if (!view) return;
  const effects: StateEffect<unknown>[] = [setErrorLine.of(line)];
  if (line !== null) {
    const at = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines)).from;
    effects.push(EditorView.scrollIntoView(at, { y: 'nearest' }));
  }
  view.dispatch({ effects });
}

export interface PadActions {
  /** Ctrl/Cmd+Enter */
  run: () => void;
  /** Esc; returns whether there was something to stop (otherwise Esc keeps its usual meaning) */
  stop: () => boolean;
}

/**
 * The runner's editor extensions. `actions` is read at key time, so the array stays stable
 * (CodePad rebuilds the editor when its extensions change).
 */
export function runnerPadExtensions(view: { current: EditorView | null }, actions: { current: PadActions | null }): Extension[] {
  return [
    errorLineField,
    errorLineTheme,
    ViewPlugin.define((v) => {
      view.current = v;
      return {
        destroy() {
          if (view.current === v) view.current = null;
        },
      };
    }),
    // Highest precedence: basicSetup binds Mod-Enter to "insert blank line".
    Prec.highest(
      keymap.of([
        {
          key: 'Mod-Enter',
          run: () => {
            if (!actions.current) return false;
            actions.current.run();
            return true;
          },
        },
        { key: 'Escape', run: () => actions.current?.stop() ?? false },
      ]),
    ),
  ];
}
