import { useEffect, useMemo, useState } from 'react';
import { roomLayout, type RoomLayout } from './layout.js';

/** The room's layout mode for the current window width, following resizes. */
export function useRoomLayout(): RoomLayout {
  const [width, setWidth] = useState(() => window.innerWidth);
  useEffect(() => {
    const onResize = () => setWidth(window.innerWidth);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  const { panes, panel } = roomLayout(width);
  // One object per mode pair, so children re-render only when a mode changes, not per pixel.
  return useMemo(() => ({ panes, panel }), [panes, panel]);
}
