/**
 * The canvas's "Diagram" menu. The list opens in a portal on the body, above or below the button
 * (whichever has room), so no canvas overlay or stacking context can cover it. Key events stop at
 * the menu: were it ever placed inside Excalidraw's tree, its container would read them as
 * drawing shortcuts.
 */
import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import type { BoardTemplate } from './insertTemplate.js';
import { DIAGRAM_SHORTCUTS, type DiagramShortcut } from './useDiagramShortcuts.js';

export interface DiagramMenuProps {
  templates: readonly BoardTemplate[];
  /** a line in place of the bank's templates while they load, or when they could not be loaded */
  templatesNote?: string | null;
  /** the current question's template, offered first */
  currentTemplateId: string | null;
  /** whether this user may insert templates now */
  canInsert: boolean;
  /** why a user who could be allowed is not (a candidate before the interviewer allows it) */
  insertBlockedReason: string | null;
  /** read-only users get no insert, library or Mermaid actions */
  readOnly: boolean;
  /** interviewer only: the candidates' permission and its toggle */
  templatesForAnyone?: { allowed: boolean; saving: boolean; onChange: (allowed: boolean) => void };
  onInsert: (templateId: string) => void;
  onAction: (action: Exclude<DiagramShortcut, 'insert'>) => void;
}

function Shortcut({ action }: { action: DiagramShortcut }) {
  return (
    <kbd className="diagram-menu-kbd" aria-hidden="true">
      Alt+Shift+{DIAGRAM_SHORTCUTS[action].key}
    </kbd>
  );
}

export function DiagramMenu(props: DiagramMenuProps) {
  const { templates, currentTemplateId, canInsert, insertBlockedReason, readOnly, templatesForAnyone } = props;
  const [open, setOpen] = useState(false);
  const [position, setPosition] = useState<CSSProperties>({});
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const popoverRef = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    if (!open || !buttonRef.current) return;
    const place = () => {
      const box = buttonRef.current!.getBoundingClientRect();
      const right = Math.max(8, window.innerWidth - box.right);
      const gap = 6;
      // Open towards the larger space, and never taller than it.
      const above = box.top > window.innerHeight - box.bottom;
      const room = (above ? box.top : window.innerHeight - box.bottom) - gap - 8;
      setPosition(
        above
          ? { bottom: window.innerHeight - box.top + gap, right, maxHeight: room }
          : { top: box.bottom + gap, right, maxHeight: room },
      );
    };
    place();
    window.addEventListener('resize', place);
    return () => window.removeEventListener('resize', place);
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!rootRef.current?.contains(target) && !popoverRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    return () => document.removeEventListener('pointerdown', onPointerDown, true);
  }, [open]);

  useEffect(() => {
    if (open) popoverRef.current?.querySelector<HTMLElement>('[role="menuitem"]:not(:disabled)')?.focus();
  }, [open]);

  const onKeyDown = (event: ReactKeyboardEvent) => {
    // Excalidraw's container would otherwise read these as tool shortcuts.
    event.stopPropagation();
    if (event.key === 'Escape') {
      setOpen(false);
      buttonRef.current?.focus();
    } else if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      const items = [...(popoverRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not(:disabled), [role="menuitemcheckbox"]') ?? [])];
      const at = items.indexOf(document.activeElement as HTMLElement);
      items[(at + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
    }
  };

  const run = (fn: () => void) => () => {
    setOpen(false);
    fn();
  };

  const ordered = [...templates].sort((a, b) => Number(b.id === currentTemplateId) - Number(a.id === currentTemplateId));

  return (
    <div className="diagram-menu" ref={rootRef} onKeyDown={onKeyDown}>
      <button
        ref={buttonRef}
        type="button"
        className="diagram-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="diagram-menu-button"
        onClick={() => setOpen((v) => !v)}
      >
        Diagram <span aria-hidden="true">▾</span>
      </button>
      {open &&
        createPortal(
          <div ref={popoverRef} className="diagram-menu-popover" style={position} role="menu" aria-label="Diagram" data-testid="diagram-menu">
            {!readOnly && (
              <div className="diagram-menu-section" role="group" aria-label="Insert template">
                <div className="diagram-menu-heading">Insert template</div>
                {ordered.map((t) => (
                  <button
                    key={t.id}
                    type="button"
                    role="menuitem"
                    className="diagram-menu-item"
                    disabled={!canInsert}
                    data-testid={`diagram-insert-${t.id}`}
                    onClick={run(() => props.onInsert(t.id))}
                  >
                    <span>
                      {t.title}
                      {t.id === currentTemplateId && (
                        <span className="diagram-menu-current">
                          <span className="diagram-menu-badge">current question</span>
                          <Shortcut action="insert" />
                        </span>
                      )}
                    </span>
                  </button>
                ))}
                {props.templatesNote && (
                  <p className="diagram-menu-note" data-testid="diagram-templates-note">
                    {props.templatesNote}
                  </p>
                )}
                {insertBlockedReason && (
                  <p className="diagram-menu-note" data-testid="diagram-insert-blocked">
                    {insertBlockedReason}
                  </p>
                )}
                {templatesForAnyone && (
                  <label className="diagram-menu-toggle">
                    <input
                      type="checkbox"
                      role="menuitemcheckbox"
                      checked={templatesForAnyone.allowed}
                      disabled={templatesForAnyone.saving}
                      data-testid="diagram-allow-candidates"
                      onChange={(event) => templatesForAnyone.onChange(event.target.checked)}
                    />
                    Candidates may insert templates
                  </label>
                )}
              </div>
            )}
            <div className="diagram-menu-section" role="group" aria-label="Tools">
              {!readOnly && (
                <button type="button" role="menuitem" className="diagram-menu-item" data-testid="diagram-library" onClick={run(() => props.onAction('library'))}>
                  <span>ML blocks library</span>
                  <Shortcut action="library" />
                </button>
              )}
              <button type="button" role="menuitem" className="diagram-menu-item" data-testid="diagram-check-shapes" onClick={run(() => props.onAction('check'))}>
                <span>Check shapes</span>
                <Shortcut action="check" />
              </button>
              {!readOnly && (
                <button type="button" role="menuitem" className="diagram-menu-item" data-testid="diagram-math" onClick={run(() => props.onAction('math'))}>
                  <span>Math symbols in selection</span>
                  <Shortcut action="math" />
                </button>
              )}
              {!readOnly && (
                <button type="button" role="menuitem" className="diagram-menu-item" data-testid="diagram-mermaid" onClick={run(() => props.onAction('mermaid'))}>
                  <span>Mermaid…</span>
                  <Shortcut action="mermaid" />
                </button>
              )}
              <button type="button" role="menuitem" className="diagram-menu-item" data-testid="diagram-export" onClick={run(() => props.onAction('export'))}>
                <span>Export…</span>
                <Shortcut action="export" />
              </button>
            </div>
          </div>,
          document.body,
        )}
    </div>
  );
}
