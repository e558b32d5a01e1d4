import type { CandidateListing } from '../../shared/listing.js';
import { listingLines } from '../../shared/listing.js';
import './listing.css';

/**
 * A spot-the-bug listing as everyone in the room sees it, with the line numbers the interviewer's
 * defect table refers to. It renders only the candidate's slice (language and code): the defects
 * never reach this page for a candidate (the server leaves them out of the board doc).
 */
export function ListingView({ listing }: { listing: CandidateListing }) {
  const lines = listingLines(listing.code);
  return (
    <figure className="listing" data-testid="listing" aria-label={`Code listing (${listing.language}), ${lines.length} lines`}>
      <figcaption className="listing-caption muted small">Find the defects · {listing.language}</figcaption>
      <pre className="listing-code">
        <code>
          {lines.map((text, i) => (
            <span key={i} className="listing-line" data-line={i + 1}>
              <span className="listing-number" aria-hidden="true">
                {i + 1}
              </span>
              {text}
              {'\n'}
            </span>
          ))}
        </code>
      </pre>
    </figure>
  );
}
