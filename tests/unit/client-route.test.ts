import { describe, expect, it } from 'vitest';
import { parseRoute } from '../../client/lib/route.js';

describe('parseRoute', () => {
  it('maps / to the landing page', () => {
    expect(parseRoute('/')).toEqual({ kind: 'landing' });
    expect(parseRoute('')).toEqual({ kind: 'landing' });
  });

  it('maps /r/<roomId> to the room, with or without a trailing slash', () => {
    expect(parseRoute('/r/abcDEF12_-')).toEqual({ kind: 'room', roomId: 'abcDEF12_-' });
    expect(parseRoute('/r/abcDEF12/')).toEqual({ kind: 'room', roomId: 'abcDEF12' });
  });

  it('sends malformed room ids and unknown paths to the 404', () => {
    expect(parseRoute('/r/short')).toEqual({ kind: 'notFound' });
    expect(parseRoute('/r/has%20space12')).toEqual({ kind: 'notFound' });
    expect(parseRoute('/r/%E0%A4%A')).toEqual({ kind: 'notFound' });
    expect(parseRoute('/r/abcdefgh/extra')).toEqual({ kind: 'notFound' });
    expect(parseRoute('/replay')).toEqual({ kind: 'notFound' });
    expect(parseRoute('/replay/short')).toEqual({ kind: 'notFound' });
    expect(parseRoute('/replay/abcdefgh/extra')).toEqual({ kind: 'notFound' });
    expect(parseRoute('/nope')).toEqual({ kind: 'notFound' });
  });

  it('maps /replay/<roomId> to the replay page, and /replay/local to a replay from a file', () => {
    expect(parseRoute('/replay/abcDEF12_-')).toEqual({ kind: 'replay', roomId: 'abcDEF12_-' });
    expect(parseRoute('/replay/abcDEF12/')).toEqual({ kind: 'replay', roomId: 'abcDEF12' });
    expect(parseRoute('/replay/local')).toEqual({ kind: 'replay', roomId: null });
  });
});
