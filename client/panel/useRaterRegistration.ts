import { useEffect } from 'react';
import type * as Y from 'yjs';
import { panelRaters } from '../../shared/doc.js';
import { serverNow } from '../lib/serverClock.js';

/**
 * Puts this interviewer's rater id and display name into the panel doc, so every scorecard and
 * live total can name whose scores are whose; renames update the entry. Waits for the first
 * sync so an existing entry (and its joinedAt) is seen before anything is written.
 * Observers pass a null rater id and never write.
 */
export function useRaterRegistration(doc: Y.Doc | null, raterId: string | null, name: string | null, synced: boolean): void {
  useEffect(() => {
    if (!doc || !raterId || !name || !synced) return;
    const raters = panelRaters(doc);
    const existing = raters.get(raterId);
    if (existing?.name === name) return;
    raters.set(raterId, { name, joinedAt: existing?.joinedAt ?? serverNow() });
  }, [doc, raterId, name, synced]);
}
