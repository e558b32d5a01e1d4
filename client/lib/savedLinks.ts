import type { NewLink } from '../../shared/api.js';
import { ROLES, type Role } from '../../shared/protocol.js';
import { StorageKey, readStored, removeStored, writeStored } from './storage.js';

/**
 * The server shows a link's token exactly once, when it is minted. The browser that minted
 * links (the interviewer's) keeps their URLs so the Links dialog can offer them again later.
 *
 * Each URL carries a room token, so by default they live in this tab's sessionStorage and die
 * with it. "Remember links on this device" copies them into localStorage for
 * REMEMBER_LINKS_MS; an expired entry is purged the next time anything reads them, so a
 * forgotten laptop does not hold working interview links for ever.
 */
export interface SavedLink {
  url: string;
  role: Role;
  /** Only on remembered (localStorage) entries: epoch ms after which the entry is dropped. */
  expiresAt?: number;
}
export type SavedLinks = Record<string, SavedLink>;

export const REMEMBER_LINKS_MS = 7 * 24 * 60 * 60 * 1000;

export function parseSavedLinks(raw: string | null): SavedLinks {
  // No prototype: link ids come from storage another script could have written.
  const links: SavedLinks = Object.create(null) as SavedLinks;
  if (!raw) return links;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return links;
    for (const [id, entry] of Object.entries(value as Record<string, unknown>)) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { url, role, expiresAt } = entry as Record<string, unknown>;
      if (typeof url === 'string' && typeof role === 'string' && (ROLES as readonly string[]).includes(role)) {
        links[id] = { url, role: role as Role, ...(typeof expiresAt === 'number' ? { expiresAt } : {}) };
      }
    }
    return links;
  } catch {
    return links;
  }
}

/**
 * The remembered links that have not expired, purging the rest from localStorage. Entries
 * without an expiry were written before links expired; they are purged too.
 */
function loadRemembered(roomId: string, now: number): SavedLinks {
  const key = StorageKey.links(roomId);
  const raw = readStored('local', key);
  if (raw === null) return Object.create(null) as SavedLinks;
  const all = parseSavedLinks(raw);
  const live = Object.create(null) as SavedLinks;
  for (const [id, link] of Object.entries(all)) if (link.expiresAt !== undefined && link.expiresAt > now) live[id] = link;
  const liveCount = Object.keys(live).length;
  if (liveCount === 0) removeStored('local', key);
  else if (liveCount !== Object.keys(all).length) writeStored('local', key, JSON.stringify(live));
  return live;
}

/** This tab's links for the room plus the remembered ones still in date. */
export function loadSavedLinks(roomId: string, now = Date.now()): SavedLinks {
  const merged = loadRemembered(roomId, now);
  for (const [id, link] of Object.entries(parseSavedLinks(readStored('session', StorageKey.links(roomId))))) merged[id] = link;
  return merged;
}

/** Whether this device remembers the room's links (some remembered entry is still in date). */
export function remembersLinks(roomId: string, now = Date.now()): boolean {
  return Object.keys(loadRemembered(roomId, now)).length > 0;
}

const withoutExpiry = ({ url, role }: SavedLink): SavedLink => ({ url, role });

/** Keeps freshly minted links in this tab, and on this device too while the room is remembered. */
export function saveLinks(roomId: string, links: readonly Pick<NewLink, 'id' | 'url' | 'role'>[], now = Date.now()): SavedLinks {
  const key = StorageKey.links(roomId);
  const session = parseSavedLinks(readStored('session', key));
  for (const link of links) session[link.id] = { url: link.url, role: link.role };
  writeStored('session', key, JSON.stringify(session));
  const remembered = loadRemembered(roomId, now);
  if (Object.keys(remembered).length > 0) {
    for (const link of links) remembered[link.id] = { url: link.url, role: link.role, expiresAt: now + REMEMBER_LINKS_MS };
    writeStored('local', key, JSON.stringify(remembered));
  }
  return loadSavedLinks(roomId, now);
}

/**
 * "Remember links on this device": on copies every link this tab knows into localStorage for
 * REMEMBER_LINKS_MS from now; off deletes them from localStorage (this tab keeps its copy).
 */
export function rememberLinks(roomId: string, remember: boolean, now = Date.now()): SavedLinks {
  const key = StorageKey.links(roomId);
  const all = loadSavedLinks(roomId, now);
  if (!remember) {
    removeStored('local', key);
    const session = Object.create(null) as SavedLinks;
    for (const [id, link] of Object.entries(all)) session[id] = withoutExpiry(link);
    writeStored('session', key, JSON.stringify(session));
    return loadSavedLinks(roomId, now);
  }
  const remembered = Object.create(null) as SavedLinks;
  for (const [id, link] of Object.entries(all)) remembered[id] = { ...withoutExpiry(link), expiresAt: now + REMEMBER_LINKS_MS };
  if (Object.keys(remembered).length > 0) writeStored('local', key, JSON.stringify(remembered));
  return loadSavedLinks(roomId, now);
}
