import { useMemo } from 'react';
import type * as Y from 'yjs';
import type { QuestionFull } from '../../shared/api.js';
import { askedKey, panelAsked, panelRaters } from '../../shared/doc.js';
import { Markdown } from '../lib/Markdown.js';
import { formatTimeOfDay } from '../lib/scoreFormat.js';
import { serverNow } from '../lib/serverClock.js';
import { setAsked, type AskedKind } from './scoring.js';
import { useYVersion } from './useYVersion.js';

/** The interviewer guide of a question, rendered from its Markdown. */
export function GuideView({ question }: { question: QuestionFull }) {
  return <Markdown source={question.guide} className="guide" headingOffset={1} testId="guide" />;
}

function askedLists(question: QuestionFull): { kind: AskedKind; title: string; items: readonly string[] }[] {
  return [
    { kind: 'followUp', title: 'Follow-ups', items: question.followUps },
    { kind: 'probing', title: 'Probing questions', items: question.probing },
  ];
}

interface AskedListsProps {
  doc: Y.Doc;
  question: QuestionFull;
  raterId: string | null;
  editable: boolean;
}

/**
 * Follow-up and probing questions with a shared tick box each: any interviewer ticking one marks
 * it asked for the whole panel, so two interviewers don't ask the same thing twice.
 */
export function AskedLists({ doc, question, raterId, editable }: AskedListsProps) {
  const asked = useMemo(() => panelAsked(doc), [doc]);
  const raters = useMemo(() => panelRaters(doc), [doc]);
  const version = useYVersion(asked);
  const ratersVersion = useYVersion(raters);

  const lists = askedLists(question);

  // Re-read on every change to the marks or the raters' names (the versions are the trigger).
  const marks = useMemo(() => {
    void version;
    void ratersVersion;
    const out = new Map<string, string>();
    for (const { kind, items } of askedLists(question)) {
      items.forEach((_, index) => {
        const mark = asked.get(askedKey(question.id, kind, index));
        if (!mark) return;
        const who = raters.get(mark.raterId)?.name ?? 'an interviewer';
        out.set(`${kind}/${index}`, `Asked · ticked by ${who} at ${formatTimeOfDay(mark.at)}`);
      });
    }
    return out;
  }, [asked, raters, question, version, ratersVersion]);

  const total = question.followUps.length + question.probing.length;
  return (
    <div className="asked">
      <p className="muted small">
        {marks.size} of {total} asked
      </p>
      {lists.map(({ kind, title, items }) => (
        <div key={kind} className="asked-group">
          <h4 className="panel-subhead">{title}</h4>
          <ul className="asked-list">
            {items.map((text, index) => {
              const mark = marks.get(`${kind}/${index}`);
              return (
                <li key={index} className={mark ? 'asked-item asked-item-done' : 'asked-item'}>
                  <label title={mark}>
                    <input
                      type="checkbox"
                      data-testid={`asked-${kind}`}
                      data-index={index}
                      checked={mark !== undefined}
                      disabled={!editable || !raterId}
                      onChange={(event) => {
                        if (raterId) setAsked(doc, raterId, question.id, kind, index, event.target.checked, serverNow());
                      }}
                    />
                    <span>{text}</span>
                  </label>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </div>
  );
}
