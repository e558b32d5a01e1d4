/**
 * A practice room's state for the asker or the practiser: the bank without guides, the question
 * on screen and its countdown, the server-recorded reveal, the guide (fetched only once the server
 * holds this link's reveal, or for the asker), the self-scores in the panel doc, and Swap roles.
 * Every scored change lands in this browser's practice history.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type * as Y from 'yjs';
import type { PracticeBankResponse, QuestionFull } from '../../shared/api.js';
import { canIn, type RoomKind } from '../../shared/capabilities.js';
import { boardSession, findReveal, panelScores, readPanelScores, readRoleSwaps } from '../../shared/doc.js';
import type { Role } from '../../shared/protocol.js';
import { ApiRequestError, fetchPracticeBank, fetchPracticeGuide, revealGuide, setCurrentQuestion, swapRoles } from '../lib/api.js';
import { loadRaterId } from '../panel/raterId.js';
import { usePanelConnection } from '../panel/usePanelConnection.js';
import { useRaterRegistration } from '../panel/useRaterRegistration.js';
import { useYVersion } from '../panel/useYVersion.js';
import { useCurrentQuestion } from '../question/useCurrentQuestion.js';
import { useTicker } from '../question/useTicker.js';
import { readCountdown, type Countdown } from './countdown.js';
import { entryFrom, saveEntry } from './history.js';

export interface PracticeSessionInput {
  roomId: string;
  token: string;
  kind: RoomKind;
  role: Role;
  linkId: string;
  name: string | null;
  roomTitle: string;
  boardDoc: Y.Doc;
}

const message = (error: unknown) => (error instanceof ApiRequestError ? error.message : 'Something went wrong. Try again.');

/** Reloads the page when the server stamps a new role swap, so this page rejoins under its new role. */
function useReloadOnSwap(boardDoc: Y.Doc): void {
  const seen = useRef(readRoleSwaps(boardDoc).length);
  useEffect(() => {
    const session = boardSession(boardDoc);
    const check = () => {
      if (readRoleSwaps(boardDoc).length > seen.current) window.location.reload();
    };
    session.observe(check);
    return () => session.unobserve(check);
  }, [boardDoc]);
}

export function usePracticeSession({ roomId, token, kind, role, linkId, name, roomTitle, boardDoc }: PracticeSessionInput) {
  const [bank, setBank] = useState<PracticeBankResponse['questions'] | null>(null);
  const [guide, setGuide] = useState<QuestionFull | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const current = useCurrentQuestion(boardDoc);
  const now = useTicker(current?.startedAt ?? null);
  const countdown: Countdown | null = current ? readCountdown(current.startedAt, current.minutes, now) : null;
  // The asker reads the whole bank anyway; a practiser needs their own recorded reveal.
  const needsReveal = !canIn(kind, role, 'questions.read');
  const canReveal = canIn(kind, role, 'practice.reveal');
  const sessionVersion = useYVersion(useMemo(() => boardSession(boardDoc), [boardDoc]));
  const reveal = useMemo(() => {
    void sessionVersion;
    return current ? findReveal(boardDoc, current.id, linkId) : null;
  }, [boardDoc, current, linkId, sessionVersion]);
  const revealed = current !== null && (!needsReveal || reveal !== null);
  useReloadOnSwap(boardDoc);

  const { connection, synced } = usePanelConnection(roomId, token, name);
  const panelDoc = connection?.doc ?? null;
  const raterId = useMemo(() => loadRaterId(), []);
  useRaterRegistration(panelDoc, raterId, name, synced);

  useEffect(() => {
    fetchPracticeBank(roomId, token).then(setBank, (e: unknown) => setError(message(e)));
  }, [roomId, token]);

  // The guide is asked for only once it may be had: a practiser's page never requests it early.
  const currentId = current?.id ?? null;
  useEffect(() => {
    setGuide(null);
    if (!revealed || currentId === null) return;
    let live = true;
    fetchPracticeGuide(roomId, token).then(
      (body) => live && body.question.id === currentId && setGuide(body.question),
      (e: unknown) => live && setError(message(e)),
    );
    return () => {
      live = false;
    };
  }, [roomId, token, revealed, currentId]);

  const act = useCallback(async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  }, []);

  const start = useCallback((questionId: string) => act(() => setCurrentQuestion(roomId, token, questionId)), [act, roomId, token]);

  // Time up: the practiser's guide opens by itself (the server checks the time, and records it).
  const timeUp = countdown?.up ?? false;
  useEffect(() => {
    if (timeUp && canReveal && !reveal) void act(() => revealGuide(roomId, token, 'time', name));
  }, [timeUp, canReveal, reveal, act, roomId, token, name]);

  // Self-scores → history, for whoever scores in this browser.
  const scores = useMemo(() => (panelDoc ? panelScores(panelDoc) : null), [panelDoc]);
  const scoresVersion = useYVersion(scores);
  useEffect(() => {
    if (!panelDoc || !current) return;
    const mine = readPanelScores(panelDoc)[raterId]?.[current.id];
    if (!mine || Object.keys(mine).length === 0) return;
    saveEntry(entryFrom({ id: roomId, title: roomTitle, token }, current, mine, Date.now()));
  }, [panelDoc, current, raterId, roomId, roomTitle, token, scoresVersion]);

  return {
    bank,
    current,
    countdown,
    reveal,
    revealed,
    canReveal,
    guide,
    error,
    busy,
    panelDoc,
    raterId,
    start,
    revealNow: () => act(() => revealGuide(roomId, token, 'button', name)),
    swap: () => act(() => swapRoles(roomId, token)),
  };
}
