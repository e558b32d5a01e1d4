import { StorageKey, readStored, writeStored } from '../lib/storage.js';

/**
 * A rater is one interviewer's browser: scores and notes are keyed by this id, so they survive
 * reloads and name changes, and two interviewers never write the same key. It is part of a
 * `/`-separated Y.Doc key (shared/doc.ts), hence the strict alphabet.
 */
const RATER_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

export function isRaterId(value: unknown): value is string {
  return typeof value === 'string' && RATER_ID_PATTERN.test(value);
}

/** 128 random bits as hex. getRandomValues, unlike randomUUID, also works on plain-http LAN hosts. */
export function newRaterId(fill: (bytes: Uint8Array<ArrayBuffer>) => void = (bytes) => crypto.getRandomValues(bytes)): string {
  const bytes = new Uint8Array(16);
  fill(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** This browser's rater id, created and remembered on first use. */
export function loadRaterId(): string {
  const stored = readStored('local', StorageKey.raterId);
  if (isRaterId(stored)) return stored;
  const id = newRaterId();
  writeStored('local', StorageKey.raterId, id);
  return id;
}
