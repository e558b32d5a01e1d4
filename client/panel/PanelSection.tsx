import { useId, useState, type ReactNode } from 'react';

interface PanelSectionProps {
  id: string;
  title: string;
  /** small count or state next to the title */
  badge?: ReactNode;
  /** controls on the right of the heading (kept outside the fold button) */
  actions?: ReactNode;
  testId?: string;
  children: ReactNode;
}

/** One foldable block of the panel. Folding is a view preference; it never unmounts state that matters. */
export function PanelSection({ id, title, badge, actions, testId, children }: PanelSectionProps) {
  const [open, setOpen] = useState(true);
  const bodyId = useId();
  return (
    <section className="panel-section" id={id} data-testid={testId} aria-label={title}>
      <div className="panel-section-head">
        <button
          type="button"
          className="panel-section-toggle"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => setOpen(!open)}
        >
          <span className={`chevron${open ? ' chevron-open' : ''}`} aria-hidden="true" />
          <h3>{title}</h3>
          {badge}
        </button>
        {actions && <div className="panel-section-actions">{actions}</div>}
      </div>
      <div id={bodyId} className="panel-section-body" hidden={!open}>
        {children}
      </div>
    </section>
  );
}
