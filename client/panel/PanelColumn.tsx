import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type * as Y from 'yjs';
import { can } from '../../shared/capabilities.js';
import type { QuestionFull } from '../../shared/api.js';
import { panelPlan, panelRaters, panelSignals, type CurrentQuestion } from '../../shared/doc.js';
import { ApiRequestError, setCurrentQuestion } from '../lib/api.js';
import { fatalMessage, type ConnectionState } from '../lib/connection.js';
import { useCurrentQuestion } from '../question/useCurrentQuestion.js';
import type { PanelMode } from '../room/layout.js';
import { useConnectionState } from '../room/useConnectionState.js';
import { useSyncStatus, type SyncStatus } from '../room/useSyncStatus.js';
import { ExportActions } from './ExportActions.js';
import { LiveScores } from './LiveScores.js';
import { NotesField } from './NotesField.js';
import { PanelSection } from './PanelSection.js';
import { PlanList } from './PlanSection.js';
import { AskedLists, GuideView } from './QuestionDetails.js';
import { ListingReview } from './ListingReview.js';
import { ReferenceView } from './ReferenceView.js';
import { RubricGrid } from './RubricGrid.js';
import { SignalsList } from './SignalsList.js';
import { PanelAttachments } from './PanelAttachments.js';
import { PANEL_KEY_STEP_PX } from './layout.js';
import { normalizePlan } from './plan.js';
import { loadRaterId } from './raterId.js';
import { raterList } from './raters.js';
import { usePanelConnection } from './usePanelConnection.js';
import { usePanelLayout } from './usePanelLayout.js';
import { useQuestionBank, type QuestionBankState } from './useQuestionBank.js';
import { useRaterRegistration } from './useRaterRegistration.js';
import { useYVersion } from './useYVersion.js';
import './panel.css';

export interface PanelColumnProps {
  roomId: string;
  token: string;
  role: 'interviewer' | 'observer';
  /** the display name; null until the name dialog is answered */
  name: string | null;
  boardDoc: Y.Doc;
  roomTitle: string;
  /** a column beside the pad, or a drawer over it (narrow windows: room/layout.ts) */
  mode?: PanelMode;
  /** this person's unsynced panel edits, for the room's "unsynced changes" state and reconnect banner */
  onSyncStatus?: (status: SyncStatus) => void;
}

/**
 * The interviewers' column, right of the pad: plan, guide, rubric, notes, live totals, signals
 * and export. RoomView lazy-loads this module for interviewers and observers only, so none of
 * it (not even its code) reaches a candidate. Observers get the same view, read-only.
 */
export default function PanelColumn({ roomId, token, role, name, boardDoc, roomTitle, mode = 'column', onSyncStatus }: PanelColumnProps) {
  const { width, setWidth, collapsed, setCollapsed } = usePanelLayout();
  const { connection, synced } = usePanelConnection(roomId, token, name);
  const { state, fatalCode } = useConnectionState(connection?.provider ?? null);
  const { bank, retry } = useQuestionBank(roomId, token);
  const current = useCurrentQuestion(boardDoc);
  const editable = can(role, 'panel.write');
  const myRaterId = useMemo(() => (editable ? loadRaterId() : null), [editable]);
  const doc = connection?.doc ?? null;
  useRaterRegistration(doc, myRaterId, name, synced);
  // Offline edits to scores or notes are unsynced work just like the board's; the room shows both.
  const sync = useSyncStatus(doc, connection?.provider ?? null, editable);
  useEffect(() => onSyncStatus?.(sync), [sync, onSyncStatus]);

  // The first sync decides when there is something to show; later disconnects keep the content.
  const [loadedDoc, setLoadedDoc] = useState<Y.Doc | null>(null);
  if (synced && doc && loadedDoc !== doc) setLoadedDoc(doc);

  const signals = useMemo(() => (doc ? panelSignals(doc) : null), [doc]);
  const signalsVersion = useYVersion(signals);
  const signalCount = useMemo(() => {
    void signalsVersion;
    return signals?.length ?? 0;
  }, [signals, signalsVersion]);

  if (collapsed) {
    return (
      <aside className="panel panel-collapsed" data-testid="panel" data-collapsed="true" aria-label="Interviewer panel (folded)">
        <button type="button" className="panel-rail" data-testid="panel-toggle" aria-expanded="false" onClick={() => setCollapsed(false)}>
          <span className="panel-rail-icon" aria-hidden="true">
            «
          </span>
          <span className="panel-rail-label">Panel</span>
          {signalCount > 0 && (
            <span className="badge badge-warning" title={`${signalCount} candidate signal${signalCount === 1 ? '' : 's'}`}>
              {signalCount}
            </span>
          )}
        </button>
      </aside>
    );
  }

  const drawer = mode === 'drawer';
  return (
    <>
      {/* As a drawer it opens over the pad; the rail's 40 px stay reserved so nothing under it moves. */}
      {drawer && <div className="panel-rail-spacer" aria-hidden="true" />}
      <aside
        className={`panel${drawer ? ' panel-drawer' : ''}`}
        data-testid="panel"
        data-role={role}
        data-mode={mode}
        style={{ width }}
        aria-label="Interviewer panel"
      >
        <PanelResizeHandle width={width} onWidth={setWidth} />
        <header className="panel-header">
          <h2 className="panel-heading">Panel</h2>
          {!editable && <span className="chip">read-only</span>}
          <PanelConnectionNote state={state} fatal={fatalCode !== null} loaded={loadedDoc !== null} />
          <span className="pane-header-spacer" />
          <button
            type="button"
            className="icon-button"
            data-testid="panel-toggle"
            aria-expanded="true"
            aria-label="Fold the panel"
            title="Fold the panel"
            onClick={() => setCollapsed(true)}
          >
            »
          </button>
        </header>
        {fatalCode !== null ? (
          <div className="pane-message" role="alert">
            <strong>{fatalMessage(fatalCode).title}</strong>
            <span className="muted">{fatalMessage(fatalCode).action}</span>
          </div>
        ) : loadedDoc && doc === loadedDoc ? (
          <PanelBody
            doc={loadedDoc}
            roomId={roomId}
            token={token}
            roomTitle={roomTitle}
            editable={editable}
            myRaterId={myRaterId}
            bank={bank}
            onRetryBank={retry}
            current={current}
            signalCount={signalCount}
          />
        ) : (
          <div className="pane-message" role="status">
            <span className="spinner" aria-hidden="true" />
            <span className="muted">Loading the panel…</span>
          </div>
        )}
      </aside>
    </>
  );
}

function PanelConnectionNote({ state, fatal, loaded }: { state: ConnectionState; fatal: boolean; loaded: boolean }) {
  if (fatal || state === 'connected') return null;
  const text = state === 'offline' ? 'offline: changes sync when back' : loaded ? 'reconnecting…' : 'connecting…';
  return (
    <span className={`panel-connection panel-connection-${state}`} data-testid="panel-connection" role="status">
      {text}
    </span>
  );
}

/** The column's left edge: drag, or focus and use ←/→, to resize. */
function PanelResizeHandle({ width, onWidth }: { width: number; onWidth: (width: number) => void }) {
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);
  const [dragging, setDragging] = useState(false);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { startX: event.clientX, startWidth: width };
    setDragging(true);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (drag.current) onWidth(drag.current.startWidth + (drag.current.startX - event.clientX));
  };
  const end = (event: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    event.currentTarget.releasePointerCapture(event.pointerId);
    drag.current = null;
    setDragging(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = PANEL_KEY_STEP_PX * (event.shiftKey ? 4 : 1);
    if (event.key === 'ArrowLeft') onWidth(width + step);
    else if (event.key === 'ArrowRight') onWidth(width - step);
    else return;
    event.preventDefault();
  };

  return (
    <div
      className={`panel-resize${dragging ? ' panel-resize-dragging' : ''}`}
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the panel"
      aria-valuenow={width}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={end}
      onPointerCancel={end}
      onKeyDown={onKeyDown}
    />
  );
}

interface PanelBodyProps {
  doc: Y.Doc;
  roomId: string;
  token: string;
  roomTitle: string;
  editable: boolean;
  myRaterId: string | null;
  bank: QuestionBankState;
  onRetryBank: () => void;
  current: CurrentQuestion | null;
  signalCount: number;
}

const SECTIONS = [
  { id: 'panel-plan', label: 'Plan' },
  { id: 'panel-question', label: 'Question' },
  { id: 'panel-score', label: 'Score' },
  { id: 'panel-notes', label: 'Notes' },
  { id: 'panel-totals', label: 'Totals' },
  { id: 'panel-signals', label: 'Signals' },
  { id: 'panel-images', label: 'Images' },
] as const;

function PanelBody({ doc, roomId, token, roomTitle, editable, myRaterId, bank, onRetryBank, current, signalCount }: PanelBodyProps) {
  const plan = useMemo(() => panelPlan(doc), [doc]);
  const planVersion = useYVersion(plan);
  const planIds = useMemo(() => {
    void planVersion;
    return normalizePlan(plan.toArray());
  }, [plan, planVersion]);

  const signals = useMemo(() => panelSignals(doc), [doc]);
  const signalList = useMemo(() => {
    void signalCount;
    return signals.toArray();
  }, [signals, signalCount]);

  // The question on view follows the one on screen; picking another from the plan shows its
  // guide and rubric without changing what the candidate sees (e.g. to finish scoring it).
  const currentId = current?.id ?? null;
  const [viewId, setViewId] = useState<string | null>(currentId);
  const [seenCurrentId, setSeenCurrentId] = useState(currentId);
  if (currentId !== seenCurrentId) {
    setSeenCurrentId(currentId);
    if (currentId) setViewId(currentId);
  }
  const question: QuestionFull | undefined = viewId && bank.phase === 'ready' ? bank.byId.get(viewId) : undefined;
  const questionTitle = question?.title ?? (viewId === currentId ? current?.title : undefined) ?? viewId;

  // Observers pick whose rubric and notes they watch.
  const ratersMap = useMemo(() => panelRaters(doc), [doc]);
  const ratersVersion = useYVersion(ratersMap);
  const raters = useMemo(() => {
    void ratersVersion;
    return raterList(ratersMap.entries(), []);
  }, [ratersMap, ratersVersion]);
  const [watchedId, setWatchedId] = useState<string | null>(null);
  const shownRaterId = myRaterId ?? (raters.some((r) => r.id === watchedId) ? watchedId : (raters[0]?.id ?? null));

  const [pendingId, setPendingId] = useState<string | null | undefined>(undefined);
  const [actionError, setActionError] = useState<string | null>(null);
  const putOnScreen = async (id: string | null) => {
    setPendingId(id);
    setActionError(null);
    try {
      await setCurrentQuestion(roomId, token, id);
      if (id) setViewId(id);
    } catch (error) {
      const reason = error instanceof ApiRequestError ? error.message : 'something went wrong.';
      setActionError(`${id ? 'Could not put the question on screen' : 'Could not clear the question'}: ${reason}`);
    } finally {
      setPendingId(undefined);
    }
  };

  const [guideExpanded, setGuideExpanded] = useState(false);
  // Until the bank has loaded every id counts; afterwards, as on the scorecard, only known ones.
  const known = useMemo(() => (bank.phase === 'ready' ? (id: string) => bank.byId.has(id) : () => true), [bank]);
  const body = useRef<HTMLDivElement>(null);

  return (
    <div className="panel-body" ref={body}>
      <nav className="panel-nav" aria-label="Panel sections">
        {SECTIONS.map((section) => (
          <button
            key={section.id}
            type="button"
            className="panel-nav-link"
            onClick={() => body.current?.querySelector(`#${section.id}`)?.scrollIntoView({ block: 'start', behavior: 'smooth' })}
          >
            {section.label}
            {section.id === 'panel-signals' && signalCount > 0 && <span className="badge badge-warning">{signalCount}</span>}
          </button>
        ))}
      </nav>

      {actionError && (
        <div className="inline-error" role="alert">
          <span>{actionError}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setActionError(null)}>
            ×
          </button>
        </div>
      )}

      <PanelSection id="panel-plan" title="Plan" testId="plan" badge={<span className="badge">{planIds.length}</span>}>
        <PlanList
          plan={plan}
          planIds={planIds}
          bank={bank}
          onRetryBank={onRetryBank}
          currentId={currentId}
          viewId={viewId}
          onView={setViewId}
          editable={editable}
          pendingId={pendingId}
          onSetCurrent={(id) => void putOnScreen(id)}
        />
      </PanelSection>

      <PanelSection id="panel-question" title="Question" testId="panel-question">
        {!viewId ? (
          <p className="panel-empty">
            {editable ? 'No question on screen. Pick one from the plan and press “Set current”.' : 'No question on screen yet.'}
          </p>
        ) : (
          <div className="question-detail" data-question-id={viewId}>
            <div className="question-detail-head">
              <h4 className="question-detail-title">{questionTitle}</h4>
              {question && (
                <p className="plan-meta">
                  {question.topic} · {question.difficulty} · {question.minutes} min
                </p>
              )}
              <div className="question-detail-status">
                {viewId === currentId ? (
                  <>
                    <span className="chip chip-now">On screen</span>
                    {editable && (
                      <button
                        type="button"
                        className="button button-small button-ghost"
                        data-testid="clear-current"
                        disabled={pendingId !== undefined}
                        onClick={() => void putOnScreen(null)}
                      >
                        {pendingId === null && <span className="spinner spinner-inline" aria-hidden="true" />} Take off screen
                      </button>
                    )}
                  </>
                ) : (
                  <>
                    <span className="chip">Not on screen</span>
                    {editable && question && (
                      <button
                        type="button"
                        className="button button-small"
                        disabled={pendingId !== undefined}
                        onClick={() => void putOnScreen(viewId)}
                      >
                        {pendingId === viewId && <span className="spinner spinner-inline" aria-hidden="true" />} Set current
                      </button>
                    )}
                    {currentId && (
                      <button type="button" className="button button-small button-ghost" onClick={() => setViewId(currentId)}>
                        Back to the current one
                      </button>
                    )}
                  </>
                )}
              </div>
            </div>
            {question ? (
              <>
                <div className={`guide-box${guideExpanded ? ' guide-box-expanded' : ''}`}>
                  <GuideView question={question} />
                </div>
                <button type="button" className="button button-small button-ghost guide-toggle" onClick={() => setGuideExpanded(!guideExpanded)}>
                  {guideExpanded ? 'Show less of the guide' : 'Show the whole guide'}
                </button>
                <AskedLists doc={doc} question={question} raterId={myRaterId} editable={editable} />
                {question.listing && (
                  <ListingReview
                    roomId={roomId}
                    token={token}
                    question={{ ...question, listing: question.listing }}
                    onScreen={question.id === currentId}
                    canPut={editable}
                  />
                )}
                {question.challenge && <ReferenceView key={question.challenge} roomId={roomId} token={token} challengeId={question.challenge} />}
              </>
            ) : bank.phase === 'loading' ? (
              <p className="panel-empty" role="status">
                <span className="spinner spinner-inline" aria-hidden="true" /> Loading the guide…
              </p>
            ) : (
              <p className="panel-empty">This question is not in the question bank, so there is no guide for it.</p>
            )}
          </div>
        )}
      </PanelSection>

      <PanelSection
        id="panel-score"
        title="Score"
        testId="panel-score"
        actions={
          !editable && raters.length > 0 ? (
            <select
              className="select select-small"
              aria-label="Whose scores to show"
              data-testid="watch-rater"
              value={shownRaterId ?? ''}
              onChange={(event) => setWatchedId(event.target.value)}
            >
              {raters.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          ) : undefined
        }
      >
        {viewId ? (
          <>
            <p className="muted small rubric-help">
              {editable ? (
                <>
                  Focus a row and press <kbd>1</kbd>–<kbd>5</kbd> to score, <kbd>0</kbd> to clear, <kbd>↑</kbd>
                  <kbd>↓</kbd> to move. <span className="rubric-hint-mark">●</span> suggested for this question.
                </>
              ) : shownRaterId ? (
                'Read-only: the scores of the interviewer picked above.'
              ) : (
                'No interviewer has scored yet.'
              )}
            </p>
            <RubricGrid doc={doc} questionId={viewId} raterId={shownRaterId} editable={editable} hints={question?.rubricHints ?? []} />
          </>
        ) : (
          <p className="panel-empty">Scores are per question: put a question on screen first.</p>
        )}
      </PanelSection>

      <PanelSection id="panel-notes" title="Notes" testId="panel-notes">
        {viewId ? (
          <NotesField doc={doc} raterId={shownRaterId} questionId={viewId} editable={editable} questionTitle={questionTitle ?? viewId} />
        ) : (
          <p className="panel-empty">Notes are per question: put a question on screen first.</p>
        )}
      </PanelSection>

      <PanelSection id="panel-totals" title="Live scores" testId="live-scores">
        <LiveScores doc={doc} planIds={planIds} known={known} questionId={viewId} questionTitle={questionTitle ?? null} myRaterId={myRaterId} />
      </PanelSection>

      <PanelSection
        id="panel-signals"
        title="Candidate signals"
        testId="signals"
        badge={
          <span className={`badge${signalCount > 0 ? ' badge-warning' : ''}`} data-testid="signals-count">
            {signalCount}
          </span>
        }
      >
        <SignalsList signals={signalList} />
      </PanelSection>

      <PanelSection id="panel-images" title="Board images" testId="panel-images">
        <PanelAttachments doc={doc} roomId={roomId} token={token} editable={editable} />
      </PanelSection>

      {editable && (
        <PanelSection id="panel-export" title="Export" testId="panel-export">
          <ExportActions roomId={roomId} token={token} roomTitle={roomTitle} />
        </PanelSection>
      )}
    </div>
  );
}
