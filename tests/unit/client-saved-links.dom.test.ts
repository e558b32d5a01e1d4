/**
 * The interviewer's minted link URLs carry room tokens. They used to sit in localStorage for
 * ever; now they live in this tab's sessionStorage unless the interviewer asks this device to
 * remember them, and then only for REMEMBER_LINKS_MS. jsdom's real Web Storage, no fakes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REMEMBER_LINKS_MS, loadSavedLinks, rememberLinks, remembersLinks, saveLinks } from '../../client/lib/savedLinks.js';
import { StorageKey } from '../../client/lib/storage.js';
import type { Role } from '../../shared/protocol.js';

const ROOM = 'roomAAAAAAAA';
const T0 = Date.UTC(2026, 0, 1);
const link = (id: string, role: Role = 'candidate') => ({ id, role, url: `http://attn.test/r/${ROOM}#token=${id.padEnd(43, 'x')}` });
const everyStoredValue = (storage: Storage) => Array.from({ length: storage.length }, (_, i) => storage.getItem(storage.key(i)!) ?? '').join('\n');

afterEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

describe('saved links', () => {
  it('keeps freshly minted links in this tab only: nothing with a token reaches localStorage', () => {
    const saved = saveLinks(ROOM, [link('cand1'), link('intv1', 'interviewer')], T0);
    expect(Object.keys(saved).sort()).toEqual(['cand1', 'intv1']);
    expect(loadSavedLinks(ROOM, T0).cand1!.url).toBe(link('cand1').url);
    expect(localStorage.length).toBe(0);
    expect(everyStoredValue(localStorage)).not.toContain('#token=');
    expect(sessionStorage.getItem(StorageKey.links(ROOM))).toContain('#token=');
    expect(remembersLinks(ROOM, T0)).toBe(false);
  });

  it('remembers links on this device when asked, until they expire, then purges them on read', () => {
    saveLinks(ROOM, [link('cand1')], T0);
    rememberLinks(ROOM, true, T0);
    expect(remembersLinks(ROOM, T0)).toBe(true);

    // A new tab of the same browser: only the remembered copy is there.
    sessionStorage.clear();
    expect(loadSavedLinks(ROOM, T0 + REMEMBER_LINKS_MS - 1).cand1?.url).toBe(link('cand1').url);

    // A link minted while remembering is remembered too.
    saveLinks(ROOM, [link('cand2')], T0 + 1000);
    sessionStorage.clear();
    expect(Object.keys(loadSavedLinks(ROOM, T0 + 2000)).sort()).toEqual(['cand1', 'cand2']);

    // Past the first entry's expiry it is gone, from the answer and from the disk.
    const later = T0 + REMEMBER_LINKS_MS + 1;
    expect(Object.keys(loadSavedLinks(ROOM, later))).toEqual(['cand2']);
    expect(localStorage.getItem(StorageKey.links(ROOM))).not.toContain('cand1');

    // Past every expiry the key itself is removed.
    expect(loadSavedLinks(ROOM, T0 + 1000 + REMEMBER_LINKS_MS + 1)).toEqual({});
    expect(localStorage.getItem(StorageKey.links(ROOM))).toBeNull();
  });

  it('forgets the device copy when "remember" is switched off, keeping this tab’s', () => {
    saveLinks(ROOM, [link('cand1')], T0);
    rememberLinks(ROOM, true, T0);
    sessionStorage.clear();
    const kept = rememberLinks(ROOM, false, T0 + 1);
    expect(kept.cand1?.url).toBe(link('cand1').url);
    expect(localStorage.length).toBe(0);
    expect(remembersLinks(ROOM, T0 + 1)).toBe(false);
    expect(loadSavedLinks(ROOM, T0 + 1).cand1?.expiresAt).toBeUndefined();
  });

  it('purges links an older version left in localStorage with no expiry', () => {
    localStorage.setItem(StorageKey.links(ROOM), JSON.stringify({ old1: { url: link('old1').url, role: 'candidate' } }));
    expect(loadSavedLinks(ROOM, T0)).toEqual({});
    expect(localStorage.getItem(StorageKey.links(ROOM))).toBeNull();
  });

  it('ignores hostile ids and shapes from storage', () => {
    localStorage.setItem(StorageKey.links(ROOM), `{"__proto__":{"url":"x","role":"candidate","expiresAt":${T0 + 10}}}`);
    sessionStorage.setItem(StorageKey.links(ROOM), '{"a":{"url":1,"role":"candidate"},"b":{"url":"u","role":"admin"}}');
    const links = loadSavedLinks(ROOM, T0);
    // "__proto__" is just an id here: kept as an entry, never merged into Object.prototype.
    expect(Object.keys(links)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).url).toBeUndefined();
  });
});
