import type { BoardTemplate } from './insertTemplate.js';

interface EmptyBoardHintProps {
  template: BoardTemplate;
  onInsert: () => void;
}

/** An empty board offers the current question's template: one quiet line, gone with the first element. */
export function EmptyBoardHint({ template, onInsert }: EmptyBoardHintProps) {
  return (
    <div className="empty-board-hint" data-testid="empty-board-hint">
      <span className="muted">Empty board.</span>
      <button type="button" className="button button-small" data-testid="empty-board-insert" onClick={onInsert}>
        Insert template: {template.title}
      </button>
    </div>
  );
}
