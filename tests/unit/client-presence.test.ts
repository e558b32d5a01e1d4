import { describe, expect, it } from 'vitest';
import { presenceList, readAwarenessUser } from '../../client/room/presence.js';
import { normalizeName } from '../../client/lib/names.js';
import { parseSavedLinks } from '../../client/lib/savedLinks.js';
import { isHelpKey, modKeyLabel } from '../../client/lib/keyboard.js';
import { LIMITS } from '../../shared/protocol.js';

const user = (name: string, role: string, color = '#112233') => ({ user: { name, role, color, colorLight: `${color}33` } });

describe('readAwarenessUser', () => {
  it('accepts a well-formed user', () => {
    expect(readAwarenessUser(user('Ada', 'candidate'))).toEqual({
      name: 'Ada',
      role: 'candidate',
      color: '#112233',
      colorLight: '#11223333',
    });
  });

  it('rejects states without a usable name or role', () => {
    expect(readAwarenessUser(null)).toBeNull();
    expect(readAwarenessUser({})).toBeNull();
    expect(readAwarenessUser({ cursor: {} })).toBeNull();
    expect(readAwarenessUser(user('  ', 'candidate'))).toBeNull();
    expect(readAwarenessUser(user('Eve', 'admin'))).toBeNull();
  });

  it('neutralises colours that are not plain hex (they end up in style attributes)', () => {
    expect(readAwarenessUser(user('Eve', 'observer', 'red;background:url(x)'))?.color).toBe('#64748b');
  });

  it('caps names at the protocol limit', () => {
    expect(readAwarenessUser(user('x'.repeat(500), 'observer'))?.name).toHaveLength(LIMITS.MAX_NAME_CHARS);
  });
});

describe('presenceList', () => {
  it('puts you first, then interviewers, candidates and observers, then by name', () => {
    const states = new Map<number, unknown>([
      [5, user('Zed', 'observer')],
      [4, user('Bea', 'candidate')],
      [3, user('Cy', 'interviewer')],
      [2, user('Al', 'interviewer')],
      [1, user('Me', 'candidate')],
      [6, {}],
    ]);
    const list = presenceList(states, 1);
    expect(list.map((entry) => entry.user.name)).toEqual(['Me', 'Al', 'Cy', 'Bea', 'Zed']);
    expect(list.map((entry) => entry.isSelf)).toEqual([true, false, false, false, false]);
  });
});

describe('normalizeName', () => {
  it('collapses whitespace and enforces the limit', () => {
    expect(normalizeName('  Ada \n  Lovelace ')).toBe('Ada Lovelace');
    expect(normalizeName('y'.repeat(100))).toHaveLength(LIMITS.MAX_NAME_CHARS);
    expect(normalizeName('   ')).toBe('');
  });
});

describe('parseSavedLinks', () => {
  it('keeps well-formed entries and drops the rest', () => {
    const raw = JSON.stringify({
      a: { url: 'http://x/r/abcdefgh#token=t', role: 'candidate' },
      b: { url: 'http://x', role: 'admin' },
      c: 'http://legacy',
    });
    expect(parseSavedLinks(raw)).toEqual({ a: { url: 'http://x/r/abcdefgh#token=t', role: 'candidate' } });
    expect(parseSavedLinks('not json')).toEqual({});
    expect(parseSavedLinks('[]')).toEqual({});
    expect(parseSavedLinks(null)).toEqual({});
  });
});

describe('keyboard helpers', () => {
  it('recognises the help key only without command modifiers', () => {
    expect(isHelpKey({ key: '?', ctrlKey: false, metaKey: false, altKey: false })).toBe(true);
    expect(isHelpKey({ key: '?', ctrlKey: true, metaKey: false, altKey: false })).toBe(false);
    expect(isHelpKey({ key: '/', ctrlKey: false, metaKey: false, altKey: false })).toBe(false);
  });

  it('names the platform modifier', () => {
    expect(modKeyLabel('MacIntel')).toBe('⌘');
    expect(modKeyLabel('Linux x86_64')).toBe('Ctrl');
  });
});
