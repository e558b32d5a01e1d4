/**
 * The practice history: this browser's past practice questions with their self-scores, kept in
 * localStorage (nothing of it goes to a server). Pure functions over a JSON list, so the page and
 * the tests share one reader that tolerates whatever an older version (or a person) left there.
 */
import { CRITERION_IDS, weightedScore, type CriterionId, type QuestionScores } from '../../shared/rubric.js';
import { readStored, StorageKey, writeStored } from '../lib/storage.js';

export interface PracticeEntry {
  roomId: string;
  roomTitle: string;
  questionId: string;
  questionTitle: string;
  /** ms since epoch: when the question was put on screen */
  startedAt: number;
  /** ms since epoch: the last self-score change */
  scoredAt: number;
  /** 0-100 weighted total, null when nothing is scored */
  score: number | null;
  /** 0-100 per rubric criterion, null where nothing in it is scored */
  perCriterion: Record<CriterionId, number | null>;
  /** the replay page of the room (/replay/<id>) */
  replayPath: string;
  /**
   * The practice link's token, so the replay opens months later. Practice rooms are the person's
   * own, and this is the same trade as "Remember links on this device"; it never enters the DOM
   * (the history page builds the URL on click, like the room's Replay button).
   */
  token: string;
}

/** A year of daily practice, several questions a day, stays far below localStorage's 5 MB. */
export const MAX_ENTRIES = 500;

const isNumberOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));

function isEntry(v: unknown): v is PracticeEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  const per = e.perCriterion as Record<string, unknown> | null | undefined;
  return (
    typeof e.roomId === 'string' &&
    typeof e.roomTitle === 'string' &&
    typeof e.questionId === 'string' &&
    typeof e.questionTitle === 'string' &&
    typeof e.startedAt === 'number' &&
    typeof e.scoredAt === 'number' &&
    isNumberOrNull(e.score) &&
    typeof per === 'object' &&
    per !== null &&
    CRITERION_IDS.every((id) => isNumberOrNull(per[id])) &&
    typeof e.replayPath === 'string' &&
    e.replayPath.startsWith('/replay/') &&
    typeof e.token === 'string'
  );
}

/** Entries in the stored text, oldest first; anything malformed is dropped, never thrown. */
export function parseHistory(raw: string | null): PracticeEntry[] {
  if (!raw) return [];
  try {
    const list: unknown = JSON.parse(raw);
    return Array.isArray(list) ? list.filter(isEntry) : [];
  } catch {
    return [];
  }
}

/** The entry for one question in one room, from its self-scores. */
export function entryFrom(
  room: { id: string; title: string; token: string },
  question: { id: string; title: string; startedAt: number },
  scores: QuestionScores,
  now: number,
): PracticeEntry {
  const result = weightedScore(scores);
  const perCriterion = Object.fromEntries(CRITERION_IDS.map((id) => [id, result.perCriterion[id].score])) as Record<CriterionId, number | null>;
  return {
    roomId: room.id,
    roomTitle: room.title,
    questionId: question.id,
    questionTitle: question.title,
    startedAt: question.startedAt,
    scoredAt: now,
    score: result.score,
    perCriterion,
    replayPath: `/replay/${encodeURIComponent(room.id)}`,
    token: room.token,
  };
}

/** One entry per (room, question, start): a rescore replaces it; the list keeps its newest MAX_ENTRIES. */
export function upsertEntry(list: readonly PracticeEntry[], entry: PracticeEntry): PracticeEntry[] {
  const same = (e: PracticeEntry) => e.roomId === entry.roomId && e.questionId === entry.questionId && e.startedAt === entry.startedAt;
  return [...list.filter((e) => !same(e)), entry].sort((a, b) => a.startedAt - b.startedAt).slice(-MAX_ENTRIES);
}

export function loadHistory(): PracticeEntry[] {
  return parseHistory(readStored('local', StorageKey.practiceHistory));
}

export function saveEntry(entry: PracticeEntry): void {
  writeStored('local', StorageKey.practiceHistory, JSON.stringify(upsertEntry(loadHistory(), entry)));
}
