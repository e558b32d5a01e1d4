import { useMemo } from 'react';
import type * as Y from 'yjs';
import { panelRaters, panelScores, readPanelScores } from '../../shared/doc.js';
import { RUBRIC_SUB_CRITERION_IDS, overallScore, panelSummary, weightedScore } from '../../shared/rubric.js';
import { formatAlpha, formatCoverage, formatNumber, formatOverallCoverage, formatScore } from '../lib/scoreFormat.js';
import { raterList, totalsQuestionIds } from './raters.js';
import { useYVersion } from './useYVersion.js';

interface LiveScoresProps {
  doc: Y.Doc;
  planIds: readonly string[];
  /** whether the question bank has this id (scores for unknown ids are left out, as on the scorecard) */
  known: (id: string) => boolean;
  questionId: string | null;
  questionTitle: string | null;
  /** this interviewer; null for observers */
  myRaterId: string | null;
}

/**
 * The panel's numbers, live: this interviewer's weighted score with its coverage, everyone's
 * score by name, the panel mean and spread, and Krippendorff's alpha. All arithmetic is
 * shared/rubric.ts's, the same the server uses for the exported scorecard.
 */
export function LiveScores({ doc, planIds, known, questionId, questionTitle, myRaterId }: LiveScoresProps) {
  const scoresMap = useMemo(() => panelScores(doc), [doc]);
  const ratersMap = useMemo(() => panelRaters(doc), [doc]);
  const scoresVersion = useYVersion(scoresMap);
  const ratersVersion = useYVersion(ratersMap);

  const view = useMemo(() => {
    void scoresVersion;
    void ratersVersion;
    const panel = readPanelScores(doc);
    const raters = raterList(ratersMap.entries(), Object.keys(panel));
    const questionIds = totalsQuestionIds(planIds, panel, known);
    const summary = panelSummary(panel, questionIds);
    // The question on view may be outside the totals (unplanned and unscored): still show its row.
    const questionStats = questionId
      ? (summary.perQuestion[questionId] ?? panelSummary(panel, [questionId]).perQuestion[questionId])
      : undefined;
    const mine = myRaterId ? (panel[myRaterId] ?? {}) : null;
    return {
      raters,
      summary,
      questionStats,
      myQuestion: mine && questionId ? weightedScore(mine[questionId] ?? {}) : null,
      myOverall: mine ? overallScore(mine, questionIds) : null,
    };
  }, [doc, ratersMap, planIds, known, questionId, myRaterId, scoresVersion, ratersVersion]);

  const { raters, summary, questionStats, myQuestion, myOverall } = view;
  const overall = summary.overall;
  const agreement = summary.agreement;

  return (
    <div className="live-scores">
      {myOverall && (
        <div className="score-hero">
          <div className="score-hero-item">
            <span className="score-hero-label" title={questionTitle ?? undefined}>
              You · this question
            </span>
            <span className="score-hero-value" data-testid="my-question-score">
              {myQuestion ? formatScore(myQuestion.score) : '—'}
            </span>
            <span className="muted small" data-testid="my-question-coverage">
              {myQuestion
                ? formatCoverage(myQuestion.scored, myQuestion.total, myQuestion.weightCovered)
                : `0/${RUBRIC_SUB_CRITERION_IDS.length} · no question`}
            </span>
          </div>
          <div className="score-hero-item">
            <span className="score-hero-label">You · overall</span>
            <span className="score-hero-value" data-testid="my-overall-score">
              {formatScore(myOverall.score)}
            </span>
            <span className="muted small" data-testid="my-overall-coverage">
              {formatOverallCoverage(myOverall.questionsScored, myOverall.questionsTotal, myOverall.weightCovered)}
            </span>
          </div>
        </div>
      )}

      <table className="score-table">
        <thead>
          <tr>
            <th scope="col">Interviewer</th>
            <th scope="col" title={questionTitle ?? undefined}>
              This question
            </th>
            <th scope="col">Overall</th>
          </tr>
        </thead>
        <tbody>
          {raters.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                No interviewer has joined the panel yet.
              </td>
            </tr>
          )}
          {raters.map((rater) => {
            const q = questionStats?.byInterviewer[rater.id];
            const o = overall.byInterviewer[rater.id];
            return (
              <tr key={rater.id} data-testid="rater-score" data-rater-name={rater.name} data-self={rater.id === myRaterId ? 'true' : undefined}>
                <th scope="row">
                  <span className="rater-name">{rater.name}</span>
                  {rater.id === myRaterId && <span className="muted"> (you)</span>}
                </th>
                <td>{formatScore(q?.score)}</td>
                <td>{formatScore(o?.score)}</td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr data-testid="panel-mean">
            <th scope="row">Panel mean</th>
            <td>{formatScore(questionStats?.mean)}</td>
            <td>{formatScore(overall.mean)}</td>
          </tr>
          <tr data-testid="panel-spread">
            <th scope="row" title="Sample standard deviation of the interviewers' scores">
              Spread (sd)
            </th>
            <td>{formatNumber(questionStats?.sd, 1)}</td>
            <td>{formatNumber(overall.sd, 1)}</td>
          </tr>
          <tr data-testid="panel-range">
            <th scope="row" title="Highest minus lowest interviewer score">
              Range
            </th>
            <td>{formatNumber(questionStats?.range, 0)}</td>
            <td>{formatNumber(overall.range, 0)}</td>
          </tr>
        </tfoot>
      </table>

      <div className="alpha" data-testid="alpha" data-alpha={agreement.alpha ?? undefined}>
        <span className="alpha-label" title="Krippendorff's alpha (interval) over every item two or more interviewers scored">
          Agreement (Krippendorff’s α)
        </span>
        <strong className="alpha-value">{formatAlpha(agreement.alpha)}</strong>
        <span className="muted small alpha-detail">
          {agreement.alpha === null
            ? agreement.message
            : `${agreement.pairableUnits} item${agreement.pairableUnits === 1 ? '' : 's'} scored by ${agreement.coders} interviewers`}
        </span>
      </div>
    </div>
  );
}
