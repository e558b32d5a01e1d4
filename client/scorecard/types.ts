/**
 * The scorecard as GET /api/rooms/:id/scorecard.json sends it (interviewers only). Declared here
 * because the client only reads it; the server builds it with shared/rubric.ts.
 */
import type { Signal } from '../../shared/doc.js';

export interface ScorecardRaterQuestion {
  /** 0-100, null when this interviewer scored nothing on the question */
  score: number | null;
  /** 0-1, scored sub-criteria over all 16 */
  coverage: number;
  /** sub-criterion id -> 1..5; absent = not scored */
  scores: Record<string, number>;
  note: string;
}

export interface ScorecardQuestion {
  id: string;
  title: string;
  minutes: number;
  byRater: Record<string, ScorecardRaterQuestion>;
  mean: number | null;
  sd: number | null;
  range: number | null;
  asked: { followUps: boolean[]; probing: boolean[] };
}

export interface Scorecard {
  room: { id: string; title: string; createdAt: number };
  generatedAt: number | string;
  raters: { id: string; name: string }[];
  questions: ScorecardQuestion[];
  overall: {
    byRater: Record<string, { score: number | null; coverage: number }>;
    mean: number | null;
    sd: number | null;
    range: number | null;
  };
  agreement: { alpha: number | null; reason?: string; message?: string; coders?: number };
  signals: Signal[];
}
