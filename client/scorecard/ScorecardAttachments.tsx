import { useEffect, useState } from 'react';
import type { Attachment } from '../../shared/doc.js';
import { fetchAttachmentImage, removeAttachment } from '../diagrams/attachmentsApi.js';
import { formatTimeOfDay } from '../lib/scoreFormat.js';

type Image = { kind: 'loading' } | { kind: 'ready'; url: string; inline: boolean } | { kind: 'failed'; message: string };

/**
 * The board images interviewers attached, as thumbnails with captions. The files API needs the
 * bearer token, which an <img src> cannot send, so each image is fetched and shown from a blob URL.
 */
export function ScorecardAttachments({
  roomId,
  token,
  attachments,
  onRemoved,
}: {
  roomId: string;
  token: string;
  attachments: Attachment[];
  /** after a removal, so the page reloads the scorecard */
  onRemoved: () => void;
}) {
  return (
    <section className="sc-section" aria-labelledby="sc-attachments">
      <h2 id="sc-attachments">Board images</h2>
      {attachments.length === 0 ? (
        <p className="muted">None attached. Interviewers can attach the board from Diagram → Export… in the room.</p>
      ) : (
        <div className="sc-attachments" data-testid="sc-attachments">
          {attachments.map((a, i) => (
            <AttachmentFigure key={`${a.fileId}-${a.at}-${i}`} roomId={roomId} token={token} attachment={a} onRemoved={onRemoved} />
          ))}
        </div>
      )}
    </section>
  );
}

/** One attached board image (fetched with the token), its caption, and Remove for interviewers. */
export function AttachmentFigure({
  roomId,
  token,
  attachment,
  onRemoved,
  removable = true,
}: {
  roomId: string;
  token: string;
  attachment: Attachment;
  onRemoved: () => void;
  /** false for observers: the route refuses them, so the button is not offered */
  removable?: boolean;
}) {
  const [image, setImage] = useState<Image>({ kind: 'loading' });
  const [removing, setRemoving] = useState(false);
  const [removeError, setRemoveError] = useState<string | null>(null);

  const remove = async () => {
    setRemoving(true);
    setRemoveError(null);
    try {
      await removeAttachment(roomId, token, attachment.fileId);
      onRemoved();
    } catch (error) {
      setRemoveError(`Could not remove it: ${error instanceof Error ? error.message : 'unknown error'}`);
      setRemoving(false);
    }
  };

  useEffect(() => {
    let url: string | null = null;
    let cancelled = false;
    fetchAttachmentImage(roomId, token, attachment.fileId).then(
      (blob) => {
        if (cancelled) return;
        url = URL.createObjectURL(blob);
        // fetchAttachmentImage types the blob from its bytes: only a verified raster is an image.
        setImage({ kind: 'ready', url, inline: blob.type.startsWith('image/') });
      },
      (error: unknown) => {
        if (!cancelled) setImage({ kind: 'failed', message: error instanceof Error ? error.message : 'Could not load the image.' });
      },
    );
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [roomId, token, attachment.fileId]);

  const caption = attachment.caption || 'Board image';
  return (
    <figure className="sc-attachment" data-testid="sc-attachment" data-file-id={attachment.fileId}>
      <div className="sc-attachment-frame">
        {image.kind === 'ready' &&
          (image.inline ? (
            <a href={image.url} target="_blank" rel="noopener" title="Open full size">
              <img src={image.url} alt={caption} data-testid="sc-attachment-img" />
            </a>
          ) : (
            // Not a raster we show: offered as a download, never opened as a page of our origin.
            <a href={image.url} download={attachment.fileId} className="muted small">
              Not an image; download the file
            </a>
          ))}
        {image.kind === 'loading' && <span className="spinner" aria-label="Loading the image" />}
        {image.kind === 'failed' && (
          <p className="muted small" role="alert">
            {image.message}
          </p>
        )}
      </div>
      <figcaption>
        <strong>{caption}</strong>
        <span className="muted small">
          {' '}
          · {attachment.by} · {formatTimeOfDay(attachment.at)}
        </span>
        {removable && (
          <button
            type="button"
            className="button button-small button-danger-ghost no-print sc-attachment-remove"
            data-testid="sc-attachment-remove"
            disabled={removing}
            onClick={() => void remove()}
          >
            Remove
          </button>
        )}
      </figcaption>
      {removeError && (
        <p className="inline-error no-print" role="alert">
          {removeError}
        </p>
      )}
    </figure>
  );
}
