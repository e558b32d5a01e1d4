import { useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { useElementWidth } from '../lib/useElementWidth.js';
import { DEFAULT_SPLIT_RATIO, clampSplitRatio, defaultSplitRatio, ratioAfterKey } from '../lib/split.js';

export interface PaneTab {
  /** used in data-testid="pane-tab-<id>" */
  id: string;
  label: string;
}

interface SplitPaneProps {
  start: ReactNode;
  end: ReactNode;
  /**
   * 'tabs' shows one pane at a time, full width, behind two tabs (narrow windows: see
   * room/layout.ts). Both panes stay mounted, so the canvas and the pad keep their state and
   * their sync; the hidden one is display:none. Default 'split'.
   */
  mode?: 'split' | 'tabs';
  tabs?: { start: PaneTab; end: PaneTab };
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
export function SplitPane({ start, end, ratio, onRatioChange, label, mode = 'split', tabs }: SplitPaneProps) {
  const [container, width] = useElementWidth<HTMLDivElement>();
  const [dragging, setDragging] = useState(false);
  const [activeTab, setActiveTab] = useState<'start' | 'end'>('start');
  const tabbed = mode === 'tabs';

  // Never moved (or reset by a double-click): the default, which keeps Excalidraw's full UI when it can.
  const shown = clampSplitRatio(ratio === DEFAULT_SPLIT_RATIO ? defaultSplitRatio(width) : ratio, width);

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
  const tabButton = (which: 'start' | 'end', tab: PaneTab | undefined) => (
    <button
      type="button"
      role="tab"
      className="pane-tab"
      id={`pane-tab-${tab?.id ?? which}`}
      data-testid={`pane-tab-${tab?.id ?? which}`}
      aria-selected={activeTab === which}
      aria-controls={`pane-${which}`}
      onClick={() => setActiveTab(which)}
    >
      {tab?.label ?? which}
    </button>
  );
  // One element tree for both modes (the tab bar and the handle are slots that come and go), so
  // crossing the breakpoint never remounts the canvas or the pad.
  return (
    <div ref={container} className={`split${dragging ? ' split-dragging' : ''}${tabbed ? ' split-tabs' : ''}`} data-mode={mode}>
      {tabbed && (
        <div className="pane-tabs" role="tablist" aria-label={label}>
          {tabButton('start', tabs?.start)}
          {tabButton('end', tabs?.end)}
        </div>
      )}
      <div
        className="split-pane"
        id="pane-start"
        style={tabbed ? undefined : { flexBasis: `${shown * 100}%` }}
        hidden={tabbed && activeTab !== 'start'}
        role={tabbed ? 'tabpanel' : undefined}
      >
        {start}
      </div>
      {!tabbed && (
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
      )}
      <div className="split-pane split-pane-end" id="pane-end" hidden={tabbed && activeTab !== 'end'} role={tabbed ? 'tabpanel' : undefined}>
        {end}
      </div>
    </div>
  );
}
