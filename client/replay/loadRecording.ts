/** Fetches a room's whole recording page by page (board and panel side by side), with progress. */
import type { DocName } from '../../shared/protocol.js';
import { appendPage, decodeHistoryPage, emptyDocHistory, type DocHistory, type HistoryPageMeta } from '../../shared/history.js';
import { fetchHistoryBytes } from '../lib/api.js';
import type { Recording } from './session.js';

export interface LoadProgress {
  /** updates received so far, over both documents */
  received: number;
  /** updates in the logs when loading started */
  total: number;
}

async function loadDoc(
  roomId: string,
  token: string,
  doc: DocName,
  onPage: (meta: HistoryPageMeta, received: number) => void,
): Promise<{ history: DocHistory; first: HistoryPageMeta }> {
  const history = emptyDocHistory(doc);
  let first: HistoryPageMeta | null = null;
  for (let after = 0; ; ) {
    const page = decodeHistoryPage(await fetchHistoryBytes(roomId, token, doc, after));
    first ??= page.meta;
    appendPage(history, page);
    onPage(page.meta, page.updates.length);
    if (page.meta.nextAfter === null || page.meta.nextAfter <= after) break;
    after = page.meta.nextAfter;
  }
  return { history, first: first! };
}

/** Throws ApiRequestError (403 for a candidate) or HistoryFormatError. */
export async function loadRecording(
  roomId: string,
  token: string,
  withPanel: boolean,
  onProgress: (progress: LoadProgress) => void,
): Promise<Recording> {
  const totals = new Map<DocName, number>();
  let received = 0;
  const onPage = (doc: DocName) => (meta: HistoryPageMeta, count: number) => {
    if (!totals.has(doc)) totals.set(doc, meta.log.updates);
    received += count;
    onProgress({ received, total: [...totals.values()].reduce((a, b) => a + b, 0) });
  };
  const [board, panel] = await Promise.all([
    loadDoc(roomId, token, 'board', onPage('board')),
    withPanel ? loadDoc(roomId, token, 'panel', onPage('panel')) : Promise.resolve(null),
  ]);
  return {
    room: board.first.room,
    events: board.first.events,
    recording: board.first.recording,
    board: board.history,
    panel: panel?.history ?? null,
  };
}
