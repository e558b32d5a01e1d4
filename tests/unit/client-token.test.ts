import { describe, expect, it } from 'vitest';
import { parseTokenFragment } from '../../client/lib/token.js';

const TOKEN = 'q3J8x_2-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'; // 43 base64url chars, like the server's

describe('parseTokenFragment', () => {
  it('reads the token from #token=…', () => {
    expect(parseTokenFragment(`#token=${TOKEN}`)).toBe(TOKEN);
    expect(parseTokenFragment(`token=${TOKEN}`)).toBe(TOKEN);
  });

  it('ignores other fragment parameters', () => {
    expect(parseTokenFragment(`#view=pad&token=${TOKEN}&x=1`)).toBe(TOKEN);
  });

  it('returns null when there is no usable token', () => {
    expect(parseTokenFragment('')).toBeNull();
    expect(parseTokenFragment('#')).toBeNull();
    expect(parseTokenFragment('#token=')).toBeNull();
    expect(parseTokenFragment('#other=1')).toBeNull();
    // a mangled copy-paste (spaces, punctuation, truncated) is not sent to the server
    expect(parseTokenFragment('#token=abc')).toBeNull();
    expect(parseTokenFragment(`#token=${TOKEN.slice(0, 20)}<>`)).toBeNull();
  });
});
