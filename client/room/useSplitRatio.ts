import { useEffect, useState } from 'react';
import { parseStoredRatio } from '../lib/split.js';
import { StorageKey, readStored, writeStored } from '../lib/storage.js';

/** The canvas|pad split, remembered per browser. Clamping to the pane minimums is the view's job. */
export function useSplitRatio(): [number, (ratio: number) => void] {
  const [ratio, setRatio] = useState(() => parseStoredRatio(readStored('local', StorageKey.splitRatio)));
  useEffect(() => {
    // Written after the drag frame renders; a 5-byte localStorage write per frame is negligible.
    writeStored('local', StorageKey.splitRatio, ratio.toFixed(4));
  }, [ratio]);
  return [ratio, setRatio];
}
