import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { presenceList, type PresenceEntry } from './presence.js';

/** Everyone in the room with a name, re-read whenever an awareness state really changes. */
export function usePresence(awareness: Awareness | null): PresenceEntry[] {
  const [entries, setEntries] = useState<PresenceEntry[]>([]);
  useEffect(() => {
    if (!awareness) {
      setEntries([]);
      return;
    }
    // 'change' (not 'update') skips the 15 s keep-alive renewals that change nothing.
    const read = () => setEntries(presenceList(awareness.getStates(), awareness.clientID));
    read();
    awareness.on('change', read);
    return () => awareness.off('change', read);
  }, [awareness]);
  return entries;
}
