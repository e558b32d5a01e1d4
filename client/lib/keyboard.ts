/**
 * True when a key press belongs to something the user is typing into (inputs, the code pad,
 * Excalidraw's text editor) or to the canvas, whose own shortcuts must keep working.
 */
export function isTypingOrCanvasTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], .cm-editor')) return true;
  if (target instanceof HTMLElement && target.isContentEditable) return true;
  return target.closest('.excalidraw') !== null;
}

/** True when a key press types into something: inputs, the code pad, Excalidraw's text editor. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], .cm-editor')) return true;
  return target instanceof HTMLElement && target.isContentEditable;
}

/** `?` without Ctrl/Cmd/Alt (Shift is how most layouts type it). */
export function isHelpKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): boolean {
  return event.key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey;
}

/** "Mod" is Cmd on Apple keyboards and Ctrl elsewhere. */
export function modKeyLabel(platform: string = typeof navigator === 'undefined' ? '' : navigator.platform): string {
  return /Mac|iPhone|iPad/i.test(platform) ? '⌘' : 'Ctrl';
}
