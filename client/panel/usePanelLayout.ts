import { useCallback, useEffect, useState } from 'react';
import { StorageKey, readStored, writeStored } from '../lib/storage.js';
import { clampPanelWidth, initiallyCollapsed, parseStoredWidth } from './layout.js';

/**
 * The panel's width and folded state, remembered per browser; the width follows window
 * resizes. Folded by default on windows too narrow for it and a full-size canvas.
 */
export function usePanelLayout() {
  const [storedWidth, setStoredWidth] = useState(() => parseStoredWidth(readStored('local', StorageKey.panelWidth)));
  const [collapsed, setCollapsedState] = useState(() =>
    initiallyCollapsed(readStored('local', StorageKey.panelCollapsed), window.innerWidth),
  );
  const [windowWidth, setWindowWidth] = useState(() => window.innerWidth);

  useEffect(() => {
    const onResize = () => setWindowWidth(window.innerWidth);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);

  useEffect(() => {
    writeStored('local', StorageKey.panelWidth, String(Math.round(storedWidth)));
  }, [storedWidth]);

  const setCollapsed = useCallback((next: boolean) => {
    writeStored('local', StorageKey.panelCollapsed, next ? '1' : '0');
    setCollapsedState(next);
  }, []);

  const setWidth = useCallback((next: number) => setStoredWidth(clampPanelWidth(next, window.innerWidth)), []);

  return { width: clampPanelWidth(storedWidth, windowWidth), setWidth, collapsed, setCollapsed };
}
