import { EditorView } from '@codemirror/view';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';

/**
 * The pad's look, written against CSS variables (styles.css) so it follows the system
 * light/dark switch live without reconfiguring the editor.
 */
const chrome = EditorView.theme({
  '&': {
    height: '100%',
    color: 'var(--pad-text)',
    backgroundColor: 'var(--pad-bg)',
    fontSize: '13.5px',
  },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': {
    fontFamily: 'var(--font-mono)',
    lineHeight: '1.55',
  },
  '.cm-content': { caretColor: 'var(--pad-caret)', padding: '10px 0' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--pad-caret)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'var(--pad-selection) !important',
  },
  '.cm-gutters': {
    backgroundColor: 'var(--pad-bg)',
    color: 'var(--pad-gutter)',
    border: 'none',
    paddingLeft: '4px',
  },
  '.cm-activeLine': { backgroundColor: 'var(--pad-active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--pad-active-line)', color: 'var(--pad-text)' },
  '.cm-placeholder': { color: 'var(--pad-comment)', fontStyle: 'italic' },
  '.cm-matchingBracket, .cm-nonmatchingBracket': { backgroundColor: 'var(--pad-bracket)', outline: 'none' },
  '.cm-tooltip': {
    backgroundColor: 'var(--surface)',
    color: 'var(--text)',
    border: '1px solid var(--border)',
    borderRadius: '6px',
  },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
    backgroundColor: 'var(--accent)',
    color: 'var(--accent-contrast)',
  },
  '.cm-panels': { backgroundColor: 'var(--surface-2)', color: 'var(--text)' },
  '.cm-searchMatch': { backgroundColor: 'var(--pad-search)' },
  // Remote carets (remoteCarets.ts): keep the name flag readable over code.
  '.cm-ySelectionInfo': { fontFamily: 'var(--font-ui)', fontWeight: '600', opacity: '1', padding: '1px 4px' },
});

const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.moduleKeyword, tags.operatorKeyword, tags.definitionKeyword], color: 'var(--syn-keyword)' },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: 'var(--syn-string)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--syn-number)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--syn-comment)', fontStyle: 'italic' },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: 'var(--syn-function)' },
  { tag: [tags.typeName, tags.className, tags.namespace], color: 'var(--syn-type)' },
  { tag: [tags.definition(tags.variableName)], color: 'var(--syn-definition)' },
  { tag: [tags.propertyName], color: 'var(--syn-property)' },
  { tag: [tags.invalid], color: 'var(--danger)' },
]);

export const padTheme = [chrome, syntaxHighlighting(highlight)];
