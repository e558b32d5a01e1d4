import { useEffect, useState } from 'react';
import type * as Y from 'yjs';

/**
 * A counter that changes whenever `type` or anything nested in it changes (observeDeep).
 * Components derive what they show from the Y type in a useMemo keyed on this, so remote and
 * local edits re-render alike, and reads stay plain synchronous Yjs reads.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function useYVersion(type: Y.AbstractType<any> | null | undefined): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!type) return;
    const bump = () => setVersion((v) => v + 1);
    type.observeDeep(bump);
    bump(); // the type may have changed between render and this effect
    return () => type.unobserveDeep(bump);
  }, [type]);
  return version;
}
