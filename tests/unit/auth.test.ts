import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TOKEN_PATTERN, hashToken, newId, newToken, tokenMatches } from '../../server/auth.js';
import { scrubSecrets } from '../../server/log.js';

describe('tokens', () => {
  it('are 256 random bits, base64url, and distinct', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const t = newToken();
      expect(t).toMatch(TOKEN_PATTERN);
      expect(Buffer.from(t, 'base64url')).toHaveLength(32);
      seen.add(t);
    }
    expect(seen.size).toBe(500);
  });

  it('are stored as their SHA-256 hex digest', () => {
    const t = newToken();
    expect(hashToken(t)).toBe(createHash('sha256').update(t).digest('hex'));
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).not.toContain(t);
    expect(tokenMatches(t, hashToken(t))).toBe(true);
    expect(tokenMatches(newToken(), hashToken(t))).toBe(false);
    expect(tokenMatches(t, 'abc')).toBe(false);
  });

  it('ids are short and from an unambiguous alphabet', () => {
    const id = newId(12);
    expect(id).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{12}$/);
  });
});

describe('scrubSecrets', () => {
  it('redacts token parameters and bearer values', () => {
    const t = newToken();
    const line = `GET /sync/room/board?token=${t}&name=x Authorization: Bearer ${t} #token=${t}`;
    const out = scrubSecrets(line);
    expect(out).not.toContain(t);
    expect(out).toContain('?token=[redacted]&name=x');
    expect(out).toContain('Bearer [redacted]');
  });
});
