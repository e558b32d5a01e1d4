import { useCallback, useState } from 'react';
import { normalizeName } from '../lib/names.js';
import { StorageKey, readStored, writeStored } from '../lib/storage.js';

/** The display name, remembered across rooms in this browser; null until the user gives one. */
export function useDisplayName(): [string | null, (name: string) => void] {
  const [name, setNameState] = useState<string | null>(() => {
    const stored = normalizeName(readStored('local', StorageKey.displayName) ?? '');
    return stored || null;
  });
  const setName = useCallback((raw: string) => {
    const next = normalizeName(raw);
    if (!next) return;
    writeStored('local', StorageKey.displayName, next);
    setNameState(next);
  }, []);
  return [name, setName];
}
