import { useMemo } from 'react';
import type * as Y from 'yjs';
import { panelAttachments } from '../../shared/doc.js';
import { AttachmentFigure } from '../scorecard/ScorecardAttachments.js';
import { useYVersion } from './useYVersion.js';

/**
 * The board images attached to the scorecard, live from the panel doc (the server writes the
 * list; removing one through the route updates every interviewer's panel by itself).
 */
export function PanelAttachments({ doc, roomId, token, editable }: { doc: Y.Doc; roomId: string; token: string; editable: boolean }) {
  const list = useMemo(() => panelAttachments(doc), [doc]);
  const version = useYVersion(list);
  const attachments = useMemo(() => {
    void version;
    return list.toArray();
  }, [list, version]);
  if (attachments.length === 0) {
    return <p className="panel-empty">None yet. Diagram → Export… → Attach PNG puts the board (or a selection) on the scorecard.</p>;
  }
  return (
    <div className="sc-attachments panel-attachments" data-testid="panel-attachments">
      {attachments.map((a, i) => (
        <AttachmentFigure key={`${a.fileId}-${a.at}-${i}`} roomId={roomId} token={token} attachment={a} removable={editable} onRemoved={() => undefined} />
      ))}
    </div>
  );
}
