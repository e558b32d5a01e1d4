import { LIMITS } from '../../shared/protocol.js';

/** One line, no runs of spaces, within the server's limit: what others will see. */
export function normalizeName(raw: string): string {
  return raw.replace(/\s+/g, ' ').trim().slice(0, LIMITS.MAX_NAME_CHARS);
}
