/**
 * Reading and writing `board.runs`. Records are replaced whole (delete + insert at the same
 * index, in one transaction), never mutated, and the array is trimmed to MAX_RUNS by whoever
 * appends. Two clients can replace the same record at once (an interviewer stops a remote run
 * as the candidate's result arrives); both then sit in the array, and every reader resolves
 * them the same way: the most final status wins, then the later position.
 */
import type * as Y from 'yjs';
import { MAX_RUNS, boardRuns, type RunRecord, type RunStatus } from '../../shared/doc.js';
import { ROLES } from '../../shared/protocol.js';
import { isBackendChoice } from './backend.js';

export const TERMINAL_STATUSES: readonly RunStatus[] = ['ok', 'error', 'timeout', 'stopped', 'declined'];
const STATUSES: readonly RunStatus[] = ['requested', 'running', ...TERMINAL_STATUSES];

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

function finality(status: RunStatus): number {
  return status === 'requested' ? 0 : status === 'running' ? 1 : 2;
}

/** Appends a record and drops the oldest beyond MAX_RUNS, in one transaction. */
export function appendRun(doc: Y.Doc, record: RunRecord, maxRuns = MAX_RUNS): void {
  const runs = boardRuns(doc);
  doc.transact(() => {
    runs.push([record]);
    if (runs.length > maxRuns) runs.delete(0, runs.length - maxRuns);
  });
}

/**
 * Replaces the record with `next.id` (every copy of it, see above) by `next`, at the first
 * copy's index. `accept` sees the current record and may refuse (e.g. a late result for a run
 * someone already stopped). A record that was trimmed away meanwhile is appended again, so a
 * result is never lost. Returns whether it wrote.
 */
export function replaceRun(doc: Y.Doc, next: RunRecord, accept: (current: RunRecord) => boolean = () => true, maxRuns = MAX_RUNS): boolean {
  const runs = boardRuns(doc);
  let wrote = false;
  doc.transact(() => {
    const items = runs.toArray();
    const indices = items.flatMap((r, i) => (isRecordLike(r) && r.id === next.id ? [i] : []));
    const current = resolveCopies(indices.map((i) => items[i]!));
    if (current && !accept(current)) return;
    for (let k = indices.length - 1; k >= 0; k--) runs.delete(indices[k]!, 1);
    if (indices.length) runs.insert(indices[0]!, [next]);
    else {
      runs.push([next]);
      if (runs.length > maxRuns) runs.delete(0, runs.length - maxRuns);
    }
    wrote = true;
  });
  return wrote;
}

/** The record as every client sees it; null when absent. */
export function findRun(doc: Y.Doc, id: string): RunRecord | null {
  return resolveCopies(boardRuns(doc).toArray().filter((r) => isRecordLike(r) && r.id === id));
}

/** All runs, oldest first, one per id, malformed entries skipped. */
export function readRuns(doc: Y.Doc): RunRecord[] {
  const byId = new Map<string, RunRecord[]>();
  const order: string[] = [];
  for (const raw of boardRuns(doc).toArray()) {
    if (!isValidRecord(raw)) continue;
    const copies = byId.get(raw.id);
    if (copies) copies.push(raw);
    else {
      byId.set(raw.id, [raw]);
      order.push(raw.id);
    }
  }
  return order.map((id) => resolveCopies(byId.get(id)!)!);
}

function resolveCopies(copies: RunRecord[]): RunRecord | null {
  let best: RunRecord | null = null;
  for (const r of copies) if (!best || finality(r.status) >= finality(best.status)) best = r;
  return best;
}

function isRecordLike(value: unknown): value is RunRecord {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}

function isPerson(value: unknown): value is RunRecord['requestedBy'] {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.name === 'string' && typeof p.role === 'string' && (ROLES as readonly string[]).includes(p.role) && typeof p.clientId === 'number';
}

/**
 * Records come from other browsers: the fields the UI and the executors rely on are checked,
 * so a malformed one is skipped instead of breaking everyone's console.
 */
export function isValidRecord(value: unknown): value is RunRecord {
  if (!isRecordLike(value)) return false;
  const r = value as unknown as Record<string, unknown>;
  return (
    (r.kind === 'run' || r.kind === 'check') &&
    typeof r.status === 'string' &&
    STATUSES.includes(r.status as RunStatus) &&
    isPerson(r.requestedBy) &&
    (r.ranBy === undefined || isPerson(r.ranBy)) &&
    (r.target === undefined || typeof r.target === 'number') &&
    isBackendChoice(r.backendRequested) &&
    typeof r.createdAt === 'number' &&
    typeof r.timeoutMs === 'number' &&
    (r.console === undefined || Array.isArray(r.console)) &&
    (r.checks === undefined || Array.isArray(r.checks)) &&
    (r.error === undefined || (typeof r.error === 'object' && r.error !== null && typeof (r.error as { message?: unknown }).message === 'string'))
  );
}

/** A random id that works outside secure contexts too (crypto.randomUUID does not, on plain-http LAN hosts). */
export function newRunId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
