import { useCallback, useEffect, useMemo, useState } from 'react';
import type { QuestionFull } from '../../shared/api.js';
import { ApiRequestError, fetchQuestions } from '../lib/api.js';

export type QuestionBankState =
  | { phase: 'loading' }
  | { phase: 'failed'; message: string }
  | { phase: 'ready'; questions: QuestionFull[]; byId: ReadonlyMap<string, QuestionFull> };

/** The full question bank (guides included), fetched once per panel; `retry` after a failure. */
export function useQuestionBank(roomId: string, token: string): { bank: QuestionBankState; retry: () => void } {
  const [attempt, setAttempt] = useState(0);
  const [result, setResult] = useState<{ questions: QuestionFull[] } | { message: string } | null>(null);

  useEffect(() => {
    let cancelled = false;
    setResult(null);
    fetchQuestions(roomId, token).then(
      (questions) => {
        if (!cancelled) setResult({ questions });
      },
      (error: unknown) => {
        if (cancelled) return;
        const message = error instanceof ApiRequestError ? error.message : 'Something went wrong.';
        setResult({ message });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [roomId, token, attempt]);

  const bank = useMemo<QuestionBankState>(() => {
    if (result === null) return { phase: 'loading' };
    if ('message' in result) return { phase: 'failed', message: result.message };
    return { phase: 'ready', questions: result.questions, byId: new Map(result.questions.map((q) => [q.id, q])) };
  }, [result]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { bank, retry };
}
