import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { boardSession, readCurrentQuestion, type CurrentQuestion } from '../../shared/doc.js';

/** The question on screen, live from the board doc (the server writes it; everyone reads it). */
export function useCurrentQuestion(doc: Y.Doc | null): CurrentQuestion | null {
  const [current, setCurrent] = useState<CurrentQuestion | null>(() => (doc ? readCurrentQuestion(doc) : null));
  useEffect(() => {
    if (!doc) {
      setCurrent(null);
      return;
    }
    const session = boardSession(doc);
    const read = () => setCurrent(readCurrentQuestion(doc));
    read();
    session.observe(read);
    return () => session.unobserve(read);
  }, [doc]);
  return current;
}
