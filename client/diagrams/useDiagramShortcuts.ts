import { useEffect, useRef } from 'react';

export type DiagramShortcut = 'insert' | 'library' | 'check' | 'math' | 'mermaid' | 'export';

/**
 * Alt+Shift+letter, matched by physical key (event.code) because Option+Shift types symbols on a
 * Mac. Excalidraw binds Alt+Shift+C and D, and Alt+H, R, S, V, Z whatever Shift does; Chrome
 * reserves Alt+Shift+T and I. These avoid all of them.
 */
export const DIAGRAM_SHORTCUTS: Record<DiagramShortcut, { code: string; key: string; label: string }> = {
  insert: { code: 'KeyN', key: 'N', label: 'Insert the current question’s diagram template' },
  library: { code: 'KeyL', key: 'L', label: 'Open the ML blocks library' },
  check: { code: 'KeyK', key: 'K', label: 'Check tensor shapes and estimate costs' },
  math: { code: 'KeyX', key: 'X', label: 'Math symbols in the selected labels (sqrt(d_k) → √(dₖ))' },
  mermaid: { code: 'KeyM', key: 'M', label: 'Import a Mermaid diagram' },
  export: { code: 'KeyE', key: 'E', label: 'Export the board' },
};

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLElement && target.isContentEditable) return true;
  return target.closest('input, textarea, select, .cm-editor') !== null;
}

/** Runs `run(action)` for a diagram shortcut; actions not in `enabled` are ignored. */
export function useDiagramShortcuts(enabled: readonly DiagramShortcut[], run: (action: DiagramShortcut) => void): void {
  const runRef = useRef(run);
  useEffect(() => {
    runRef.current = run;
  }, [run]);
  const key = enabled.join(',');
  useEffect(() => {
    const active = new Set(key.split(',') as DiagramShortcut[]);
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || !event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
      const action = (Object.keys(DIAGRAM_SHORTCUTS) as DiagramShortcut[]).find((a) => DIAGRAM_SHORTCUTS[a].code === event.code);
      if (!action || !active.has(action)) return;
      event.preventDefault();
      runRef.current(action);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [key]);
}
