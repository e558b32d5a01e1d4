import type { NewLink } from '../../shared/api.js';
import { ROLES, type Role } from '../../shared/protocol.js';
import { StorageKey, readStored, writeStored } from './storage.js';

/**
 * The server shows a link's token exactly once, when it is minted. The browser that minted
 * links (the interviewer's) keeps their URLs so the Links dialog can offer them again later.
 */
export interface SavedLink {
  url: string;
  role: Role;
}
export type SavedLinks = Record<string, SavedLink>;

export function parseSavedLinks(raw: string | null): SavedLinks {
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    const links: SavedLinks = {};
    for (const [id, entry] of Object.entries(value as Record<string, unknown>)) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { url, role } = entry as Record<string, unknown>;
      if (typeof url === 'string' && typeof role === 'string' && (ROLES as readonly string[]).includes(role)) {
        links[id] = { url, role: role as Role };
      }
    }
    return links;
  } catch {
    return {};
  }
}

export function loadSavedLinks(roomId: string): SavedLinks {
  return parseSavedLinks(readStored('local', StorageKey.links(roomId)));
}

export function saveLinks(roomId: string, links: readonly Pick<NewLink, 'id' | 'url' | 'role'>[]): SavedLinks {
  const merged = loadSavedLinks(roomId);
  for (const link of links) merged[link.id] = { url: link.url, role: link.role };
  writeStored('local', StorageKey.links(roomId), JSON.stringify(merged));
  return merged;
}
