/**
 * Other people's carets and selections in the pad, drawn from awareness, in place of
 * y-codemirror.next's yRemoteSelections.
 *
 * Why our own: y-codemirror.next's caret widget puts the user's name in the editable line as
 * text nodes (name plus U+2060 joiners). When text was inserted right next to such a caret
 * through IME-style input (Chrome's `Input.insertText`, composition), CodeMirror read the line
 * back from the DOM, label included, and "Cory Candidate" became real code in the shared doc:
 * the candidate's next run failed with a SyntaxError. Here the widget holds no text node at
 * all: the name is an attribute shown by CSS (`content: attr(data-name)`), which DOM input and
 * CodeMirror's DOM reader cannot see as content, and the widget is contenteditable=false.
 *
 * The awareness field format (`cursor: { anchor, head }` as Yjs relative positions) is the same
 * as y-codemirror.next's, so other clients of the room need no change.
 */
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { RangeSetBuilder, type Extension } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, WidgetType, type DecorationSet, type ViewUpdate } from '@codemirror/view';

/** A caret label longer than this is cut: it floats over code and must not hide a line. */
export const MAX_CARET_NAME = 40;

/** Only plain `#rgb`/`#rrggbb` reaches a style attribute: awareness comes from other clients. */
export function safeColor(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value) ? value : fallback;
}

/** The name as the label shows it: one line, no control or invisible format characters, capped. */
export function caretLabel(value: unknown): string {
  if (typeof value !== 'string') return 'Anonymous';
  const clean = value.replace(/\s+/g, ' ').replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
  if (!clean) return 'Anonymous';
  return clean.length > MAX_CARET_NAME ? `${clean.slice(0, MAX_CARET_NAME - 1)}…` : clean;
}

export interface RemoteCaret {
  clientId: number;
  name: string;
  color: string;
  colorLight: string;
  anchor: number;
  head: number;
}

interface CursorField {
  anchor?: unknown;
  head?: unknown;
}

function absoluteIndex(json: unknown, ytext: Y.Text): number | null {
  if (!json || typeof json !== 'object') return null;
  try {
    const pos = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), ytext.doc!);
    return pos && pos.type === ytext ? pos.index : null;
  } catch {
    return null; // a malformed position from a peer: skip that caret, never break the editor
  }
}

/** Everyone else's caret in `ytext`, in absolute positions clamped to the doc length. */
export function remoteCarets(awareness: Awareness, ytext: Y.Text, length: number): RemoteCaret[] {
  const carets: RemoteCaret[] = [];
  awareness.getStates().forEach((state, clientId) => {
    if (clientId === awareness.clientID) return;
    const cursor = (state as { cursor?: CursorField | null }).cursor;
    if (!cursor) return;
    const anchor = absoluteIndex(cursor.anchor, ytext);
    const head = absoluteIndex(cursor.head, ytext);
    if (anchor === null || head === null) return;
    const user = (state as { user?: { name?: unknown; color?: unknown; colorLight?: unknown } }).user ?? {};
    const color = safeColor(user.color, '#30bced');
    carets.push({
      clientId,
      name: caretLabel(user.name),
      color,
      colorLight: safeColor(user.colorLight, '') || `${color}33`,
      anchor: Math.min(Math.max(anchor, 0), length),
      head: Math.min(Math.max(head, 0), length),
    });
  });
  return carets;
}

class CaretWidget extends WidgetType {
  constructor(
    readonly name: string,
    readonly color: string,
  ) {
    super();
  }

  override eq(other: CaretWidget): boolean {
    return other.name === this.name && other.color === this.color;
  }

  toDOM(): HTMLElement {
    // No text node anywhere inside: see the module comment.
    const caret = document.createElement('span');
    caret.className = 'cm-ySelectionCaret';
    caret.contentEditable = 'false';
    caret.setAttribute('aria-hidden', 'true');
    caret.style.borderColor = this.color;
    caret.style.backgroundColor = this.color;
    const dot = document.createElement('span');
    dot.className = 'cm-ySelectionCaretDot';
    const info = document.createElement('span');
    info.className = 'cm-ySelectionInfo';
    info.dataset.name = this.name;
    caret.append(dot, info);
    return caret;
  }

  override ignoreEvent(): boolean {
    return true;
  }
}

function buildDecorations(view: EditorView, awareness: Awareness, ytext: Y.Text): DecorationSet {
  const doc = view.state.doc;
  const ranges: { from: number; to: number; value: Decoration }[] = [];
  for (const caret of remoteCarets(awareness, ytext, doc.length)) {
    const from = Math.min(caret.anchor, caret.head);
    const to = Math.max(caret.anchor, caret.head);
    if (to > from) {
      const mark = Decoration.mark({ class: 'cm-ySelection', attributes: { style: `background-color: ${caret.colorLight}` } });
      // Marks may not cross lines with line decorations in between; split per line.
      for (let pos = from; pos < to; ) {
        const line = doc.lineAt(pos);
        const end = Math.min(line.to, to);
        if (end > pos) ranges.push({ from: pos, to: end, value: mark });
        pos = line.to + 1;
      }
    }
    ranges.push({
      from: caret.head,
      to: caret.head,
      // Draw the caret outside the remote selection, so the local cursor never lands inside it.
      value: Decoration.widget({ widget: new CaretWidget(caret.name, caret.color), side: caret.head > caret.anchor ? -1 : 1 }),
    });
  }
  ranges.sort((a, b) => a.from - b.from || a.value.startSide - b.value.startSide);
  const builder = new RangeSetBuilder<Decoration>();
  for (const r of ranges) builder.add(r.from, r.to, r.value);
  return builder.finish();
}

/** Publishes the local selection as the awareness `cursor` field, like y-codemirror.next does. */
function publishLocal(update: ViewUpdate, awareness: Awareness, ytext: Y.Text): void {
  const local = awareness.getLocalState() as { cursor?: { anchor: unknown; head: unknown } | null } | null;
  if (local === null) return;
  const hasFocus = update.view.hasFocus && update.view.dom.ownerDocument.hasFocus();
  if (!hasFocus) return;
  const sel = update.state.selection.main;
  const anchor = Y.createRelativePositionFromTypeIndex(ytext, sel.anchor);
  const head = Y.createRelativePositionFromTypeIndex(ytext, sel.head);
  const current = local.cursor;
  if (current && typeof current === 'object') {
    try {
      const same =
        Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.anchor), anchor) &&
        Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.head), head);
      if (same) return;
    } catch {
      // our own field was overwritten with something odd: republish
    }
  }
  awareness.setLocalStateField('cursor', { anchor, head });
}

export function remoteCaretsExtension(ytext: Y.Text, awareness: Awareness): Extension {
  const plugin = ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      private destroyed = false;
      private readonly onChange: (change: { added: number[]; updated: number[]; removed: number[] }) => void;

      constructor(readonly view: EditorView) {
        this.decorations = buildDecorations(view, awareness, ytext);
        this.onChange = ({ added, updated, removed }) => {
          if ([...added, ...updated, ...removed].some((id) => id !== awareness.clientID)) {
            // Awareness events can fire inside another dispatch (a local edit's update): defer.
            queueMicrotask(() => {
              if (!this.destroyed) this.view.dispatch({});
            });
          }
        };
        awareness.on('change', this.onChange);
      }

      update(update: ViewUpdate): void {
        publishLocal(update, awareness, ytext);
        this.decorations = buildDecorations(update.view, awareness, ytext);
      }

      destroy(): void {
        this.destroyed = true;
        awareness.off('change', this.onChange);
      }
    },
    { decorations: (v) => v.decorations },
  );
  return [plugin, caretTheme];
}

const caretTheme = EditorView.baseTheme({
  '.cm-ySelectionCaret': {
    position: 'relative',
    display: 'inline-block',
    width: '0',
    height: '1.2em',
    verticalAlign: 'text-bottom',
    borderLeft: '2px solid',
    marginLeft: '-1px',
    marginRight: '-1px',
    boxSizing: 'border-box',
    userSelect: 'none',
  },
  '.cm-ySelectionCaretDot': {
    position: 'absolute',
    top: '-.25em',
    left: '-.3em',
    width: '.45em',
    height: '.45em',
    borderRadius: '50%',
    backgroundColor: 'inherit',
  },
  '.cm-ySelectionInfo': {
    position: 'absolute',
    bottom: '100%',
    left: '-2px',
    fontSize: '.72em',
    lineHeight: 'normal',
    whiteSpace: 'nowrap',
    color: '#fff',
    backgroundColor: 'inherit',
    borderRadius: '3px',
    pointerEvents: 'none',
    userSelect: 'none',
    zIndex: '101',
  },
  // The name is CSS-generated content: not in the DOM tree, so no input can edit or read it.
  '.cm-ySelectionInfo::after': { content: 'attr(data-name)' },
});
