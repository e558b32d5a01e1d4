import { describe, expect, it } from 'vitest';
import { PANEL_COLUMN_MIN_WINDOW_PX, TABS_BELOW_PX, listAreas, roomLayout } from '../../client/room/layout.js';
import { RUN_ROW_FULL_MIN_PX, runToolbarPlacement } from '../../client/runner/runToolbarLayout.js';
import { SPLIT_LIMITS, EXCALIDRAW_FULL_UI_MIN_PX, clampSplitRatio, defaultSplitRatio } from '../../client/lib/split.js';

describe('roomLayout', () => {
  it('gives the three designed sizes their modes: tabs + drawer, split + drawer, split + column', () => {
    expect(roomLayout(800)).toEqual({ panes: 'tabs', panel: 'drawer' });
    expect(roomLayout(1280)).toEqual({ panes: 'split', panel: 'drawer' });
    expect(roomLayout(1920)).toEqual({ panes: 'split', panel: 'column' });
  });

  it('switches exactly at its breakpoints', () => {
    expect(roomLayout(TABS_BELOW_PX - 1).panes).toBe('tabs');
    expect(roomLayout(TABS_BELOW_PX).panes).toBe('split');
    expect(roomLayout(PANEL_COLUMN_MIN_WINDOW_PX - 1).panel).toBe('drawer');
    expect(roomLayout(PANEL_COLUMN_MIN_WINDOW_PX).panel).toBe('column');
    // the column is only worth it where the canvas still gets Excalidraw's full UI beside it
    expect(PANEL_COLUMN_MIN_WINDOW_PX).toBe(EXCALIDRAW_FULL_UI_MIN_PX + 7 + SPLIT_LIMITS.minEndPx + 360);
  });

  it('treats a width it cannot read as a wide window', () => {
    expect(roomLayout(Number.NaN)).toEqual({ panes: 'split', panel: 'column' });
    expect(roomLayout(0)).toEqual({ panes: 'split', panel: 'column' });
  });
});

describe('listAreas', () => {
  it('lists unique areas in order, joined the way a sentence reads', () => {
    expect(listAreas([])).toBe('');
    expect(listAreas(['pad'])).toBe('pad');
    expect(listAreas(['board', 'pad'])).toBe('board and pad');
    expect(listAreas(['board', 'pad', 'board', 'panel notes'])).toBe('board, pad and panel notes');
  });
});

describe('defaultSplitRatio', () => {
  it('keeps the canvas at Excalidraw’s full-UI width when the pad can still have its minimum', () => {
    // 1440 px with the panel open: 1080 px for canvas and pad; the plain 60 % gave 648 px.
    const ratio = defaultSplitRatio(1080);
    expect(ratio * 1080).toBeGreaterThanOrEqual(EXCALIDRAW_FULL_UI_MIN_PX);
    expect((1 - ratio) * 1080).toBeGreaterThanOrEqual(SPLIT_LIMITS.minEndPx);
    expect(clampSplitRatio(ratio, 1080)).toBeCloseTo(ratio);
  });

  it('never goes below 60 %, and gives the pad its minimum first when both cannot fit', () => {
    expect(defaultSplitRatio(1900)).toBe(0.6);
    const tight = defaultSplitRatio(900);
    expect((1 - tight) * 900).toBeCloseTo(SPLIT_LIMITS.minEndPx);
    expect(defaultSplitRatio(0)).toBe(0.6);
  });
});

describe('runToolbarPlacement', () => {
  it('keeps the pickers in the row only when everything fits, and starts compact before layout', () => {
    expect(runToolbarPlacement(0).pickersInRow).toBe(false);
    expect(runToolbarPlacement(RUN_ROW_FULL_MIN_PX - 1).pickersInRow).toBe(false);
    expect(runToolbarPlacement(RUN_ROW_FULL_MIN_PX).pickersInRow).toBe(true);
  });
});
