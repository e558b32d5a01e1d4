import { describe, expect, it } from 'vitest';
import { ROLES } from '../../shared/protocol.js';
import { ROLE_PALETTES, initials, userColor, withAlpha } from '../../client/lib/colors.js';

describe('userColor', () => {
  it('is stable for a client and stays inside its role family', () => {
    for (const role of ROLES) {
      for (const clientId of [0, 1, 42, 2 ** 31, 4294967295]) {
        const a = userColor(role, clientId);
        expect(a).toEqual(userColor(role, clientId));
        expect(ROLE_PALETTES[role]).toContain(a.color);
      }
    }
  });

  it('spreads sequential client ids over the whole palette', () => {
    for (const role of ROLES) {
      const seen = new Set(Array.from({ length: 60 }, (_, id) => userColor(role, 1000 + id).color));
      expect(seen.size).toBe(ROLE_PALETTES[role].length);
    }
  });

  it('never shares a colour between role families', () => {
    const [a, b, c] = ROLES.map((role) => new Set(ROLE_PALETTES[role]));
    for (const colour of a!) {
      expect(b!.has(colour) || c!.has(colour)).toBe(false);
    }
    for (const colour of b!) expect(c!.has(colour)).toBe(false);
  });

  it('derives a translucent selection colour', () => {
    const { color, colorLight } = userColor('candidate', 7);
    expect(colorLight).toBe(`${color}33`);
    expect(withAlpha('#000000', 1)).toBe('#000000ff');
    expect(withAlpha('#000000', 0)).toBe('#00000000');
  });
});

describe('initials', () => {
  it('takes the first letters of the first and last words', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('  grace   brewster murray hopper ')).toBe('GH');
    expect(initials('ada')).toBe('A');
    expect(initials('émile zola')).toBe('ÉZ');
    expect(initials('   ')).toBe('?');
  });
});
