import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { boardSession, readTemplatesForAnyone } from '../../shared/doc.js';

/** Whether candidates may insert templates, live from the board doc (only the server writes it). */
export function useTemplatesForAnyone(doc: Y.Doc): boolean {
  const [allowed, setAllowed] = useState(() => readTemplatesForAnyone(doc));
  useEffect(() => {
    const session = boardSession(doc);
    const read = () => setAllowed(readTemplatesForAnyone(doc));
    read();
    session.observe(read);
    return () => session.unobserve(read);
  }, [doc]);
  return allowed;
}
