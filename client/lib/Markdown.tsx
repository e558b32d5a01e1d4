import { createContext, lazy, Suspense, useContext } from 'react';
import './markdown.css';

// KaTeX, react-markdown and the unified stack (~135 kB gzip of JS and CSS, plus KaTeX's fonts)
// are chunks of their own, requested only once a page lets rich text load: see RichTextGate.
const MarkdownBody = lazy(() => import('./markdown.js'));

/**
 * Whether <Markdown> may fetch its renderer yet. A page whose first job is something else (the
 * room: the candidate must be able to type in the pad with ≤ 300 kB gzip of JS loaded) provides
 * `false` until that is done; everywhere else rich text loads at once.
 */
export const RichTextGate = createContext(true);

interface MarkdownProps {
  source: string;
  className?: string;
  /** Added to every heading level, so a guide's `###` fits under the panel's own headings. */
  headingOffset?: number;
  testId?: string;
}

/**
 * Markdown with math (client/lib/markdown.ts says what is allowed and why it is safe). Until the
 * renderer has arrived the source is shown as plain, pre-wrapped text: readable at once, and
 * text only, so the fallback is as safe as the renderer.
 */
export function Markdown({ source, className, headingOffset = 0, testId }: MarkdownProps) {
  const allowed = useContext(RichTextGate);
  const plain = <div className="md-plain">{source}</div>;
  return (
    <div className={className ? `md ${className}` : 'md'} data-testid={testId}>
      {allowed ? (
        <Suspense fallback={plain}>
          <MarkdownBody source={source} headingOffset={headingOffset} />
        </Suspense>
      ) : (
        plain
      )}
    </div>
  );
}
