/**
 * The bank's diagram templates over REST, for the board's Diagram menu. The client bundles none:
 * whether the bank is the built-in one or a QUESTIONS_DIR, this route is its one source, so a
 * custom bank's diagrams insert exactly like the built-in ones.
 *
 * Guarded by `board.write`: templates are board content, and everyone who may insert one (an
 * interviewer always, a candidate once allowed: the toggle can flip at any moment, so a candidate
 * holds the list from the start) may write the board. Read-only links never insert, so never ask.
 */
import { Router } from 'express';
import type { DiagramTemplatesResponse, DiagramTemplateView } from '../../shared/api.js';
import type { Store } from '../store/port.js';
import { requireCapability } from './auth.js';

export interface DiagramsDeps {
  store: Store;
  /** server/questions/bank.ts templateViews: computed once, the bank never changes while running */
  templates: readonly DiagramTemplateView[];
}

export function diagramsRouter({ store, templates }: DiagramsDeps): Router {
  const r = Router({ mergeParams: true });
  const body: DiagramTemplatesResponse = { templates: [...templates] };

  r.get('/diagrams', requireCapability(store, 'board.write'), (_req, res) => {
    res.json(body);
  });

  return r;
}
