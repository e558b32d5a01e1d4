import { useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { DEFAULT_SPLIT_RATIO, clampSplitRatio, ratioAfterKey } from '../lib/split.js';

interface SplitPaneProps {
  start: ReactNode;
  end: ReactNode;
  /** the remembered share of the start pane, unclamped */
  ratio: number;
  onRatioChange: (ratio: number) => void;
  label: string;
}

/**
 * Two panes side by side with a draggable, keyboard-operable divider (WAI-ARIA window
 * splitter). The pointer is captured on the divider, so dragging across Excalidraw's surface
 * never leaks pointer events into the drawing.
 */
export function SplitPane({ start, end, ratio, onRatioChange, label }: SplitPaneProps) {
  const container = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [dragging, setDragging] = useState(false);

  useLayoutEffect(() => {
    const element = container.current;
    if (!element) return;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(entry.contentRect.width);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const shown = clampSplitRatio(ratio, width);

  const ratioAt = (clientX: number) => {
    const rect = container.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return shown;
    return clampSplitRatio((clientX - rect.left) / rect.width, rect.width);
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    setDragging(true);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (dragging) onRatioChange(ratioAt(event.clientX));
  };
  const endDrag = (event: PointerEvent<HTMLDivElement>) => {
    if (!dragging) return;
    event.currentTarget.releasePointerCapture(event.pointerId);
    setDragging(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const next = ratioAfterKey(shown, event.key, event.shiftKey);
    if (next === null) return;
    event.preventDefault();
    onRatioChange(clampSplitRatio(next, width));
  };

  const percent = Math.round(shown * 100);
  return (
    <div ref={container} className={`split${dragging ? ' split-dragging' : ''}`}>
      <div className="split-pane" style={{ flexBasis: `${shown * 100}%` }}>
        {start}
      </div>
      <div
        className="split-handle"
        data-testid="split-handle"
        role="separator"
        aria-orientation="vertical"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onKeyDown={onKeyDown}
        onDoubleClick={() => onRatioChange(DEFAULT_SPLIT_RATIO)}
      >
        <span className="split-grip" aria-hidden="true" />
      </div>
      <div className="split-pane split-pane-end">{end}</div>
    </div>
  );
}
