import { describe, expect, it } from 'vitest';
import { compareByIndex, shouldReplace } from '../../client/canvas/versioning.js';
import { bytesToDataUrl, dataUrlToBytes } from '../../client/canvas/dataUrl.js';
import {
  FileStoreError,
  FileTooLargeError,
  createHttpFileStore,
} from '../../client/canvas/fileStore.js';
import { viewForBounds, visibleSceneBounds } from '../../client/canvas/presence.js';
import { LIMITS } from '../../shared/protocol.js';
import { fakeFetch, indexBetween } from './canvas-fakes.js';

describe('shouldReplace', () => {
  it('takes anything over nothing', () => {
    expect(shouldReplace(undefined, { version: 1, versionNonce: 5 })).toBe(true);
  });

  it('lets a higher version win and never a lower one, whatever the nonces', () => {
    expect(shouldReplace({ version: 3, versionNonce: 1 }, { version: 4, versionNonce: 999 })).toBe(true);
    expect(shouldReplace({ version: 4, versionNonce: 999 }, { version: 3, versionNonce: 1 })).toBe(false);
  });

  it('breaks ties like Excalidraw: the lower versionNonce wins, from either side', () => {
    const low = { version: 7, versionNonce: 10 };
    const high = { version: 7, versionNonce: 20 };
    expect(shouldReplace(high, low)).toBe(true);
    expect(shouldReplace(low, high)).toBe(false);
  });

  it('does not treat an identical stamp as a replacement', () => {
    expect(shouldReplace({ version: 2, versionNonce: 2 }, { version: 2, versionNonce: 2 })).toBe(false);
  });
});

describe('compareByIndex', () => {
  it('orders by fractional index as plain strings, then by id', () => {
    const items = [
      { id: 'b', index: 'a1' },
      { id: 'z', index: 'a0V' },
      { id: 'a', index: 'a1' },
      { id: 'c', index: 'Zz' },
    ];
    expect([...items].sort(compareByIndex).map((item) => item.id)).toEqual(['c', 'z', 'a', 'b']);
  });
});

describe('indexBetween (test helper)', () => {
  it('always lands strictly between its bounds', () => {
    let lo = 'a0';
    const hi = 'a1';
    for (let i = 0; i < 50; i++) {
      const mid = indexBetween(lo, hi);
      expect(mid > lo && mid < hi).toBe(true);
      expect(mid.endsWith('0')).toBe(false);
      lo = mid;
    }
    expect(indexBetween('a0', 'a00V')).toMatch(/^a00/);
    expect(indexBetween('a1', null) > 'a1').toBe(true);
  });
});

describe('data URLs', () => {
  it('round-trips bytes through a base64 data URL', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
    const url = bytesToDataUrl(bytes, 'image/png');
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const decoded = dataUrlToBytes(url);
    expect(decoded.mimeType).toBe('image/png');
    expect(decoded.bytes).toEqual(bytes);
  });

  it('decodes a percent-encoded SVG data URL', () => {
    const decoded = dataUrlToBytes('data:image/svg+xml,%3Csvg%3E%3C%2Fsvg%3E');
    expect(decoded.mimeType).toBe('image/svg+xml');
    expect(new TextDecoder().decode(decoded.bytes)).toBe('<svg></svg>');
  });

  it('rejects what is not a data URL', () => {
    expect(() => dataUrlToBytes('https://example.com/a.png')).toThrow(/data: URL/);
  });
});

describe('createHttpFileStore', () => {
  const bytes = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);

  it('PUTs raw bytes with the bearer token and content type', async () => {
    const server = fakeFetch(() => ({ status: 201 }));
    const store = createHttpFileStore({ roomId: 'room_1234', token: 'tok', fetch: server.fetch });
    await store.put('file-1', 'image/png', bytes);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('PUT');
    expect(request?.url).toBe('/api/rooms/room_1234/files/file-1');
    expect(request?.headers.authorization).toBe('Bearer tok');
    expect(request?.headers['content-type']).toBe('image/png');
    expect(request?.body).toEqual(bytes);
  });

  it("surfaces the server's 413 message as FileTooLargeError", async () => {
    const server = fakeFetch(() => ({
      status: 413,
      body: JSON.stringify({ error: 'file_too_large', message: 'Images may be at most 4 MB.' }),
      headers: { 'Content-Type': 'application/json' },
    }));
    const store = createHttpFileStore({ roomId: 'room_1234', token: 'tok', fetch: server.fetch });
    const failure = store.put('file-1', 'image/png', bytes);
    await expect(failure).rejects.toBeInstanceOf(FileTooLargeError);
    await expect(failure).rejects.toThrow('Images may be at most 4 MB.');
  });

  it('refuses oversize bytes without a request', async () => {
    const server = fakeFetch(() => ({ status: 201 }));
    const store = createHttpFileStore({ roomId: 'room_1234', token: 'tok', fetch: server.fetch });
    await expect(store.put('big', 'image/png', new Uint8Array(LIMITS.MAX_FILE_BYTES + 1))).rejects.toBeInstanceOf(
      FileTooLargeError,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('turns other failures into FileStoreError with a sentence', async () => {
    const server = fakeFetch(() => ({ status: 500, body: JSON.stringify({ error: 'x', message: 'disk full' }) }));
    const store = createHttpFileStore({ roomId: 'room_1234', token: 'tok', fetch: server.fetch });
    const failure = store.put('file-1', 'image/png', bytes);
    await expect(failure).rejects.toBeInstanceOf(FileStoreError);
    await expect(failure).rejects.toThrow('Could not upload the image: disk full');
    const offline = createHttpFileStore({
      roomId: 'room_1234',
      token: 'tok',
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    await expect(offline.put('file-1', 'image/png', bytes)).rejects.toThrow('Failed to fetch');
  });

  it('GETs bytes with the bearer token', async () => {
    const server = fakeFetch(() => ({ status: 200, body: bytes, headers: { 'Content-Type': 'image/png' } }));
    const store = createHttpFileStore({ roomId: 'room_1234', token: 'tok', fetch: server.fetch, baseUrl: 'http://h' });
    const result = await store.get('file-1');
    expect(server.requests[0]?.method).toBe('GET');
    expect(server.requests[0]?.url).toBe('http://h/api/rooms/room_1234/files/file-1');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer tok');
    expect(result.bytes).toEqual(bytes);
    expect(result.mimeType).toBe('image/png');

    const missing = createHttpFileStore({
      roomId: 'room_1234',
      token: 'tok',
      fetch: fakeFetch(() => ({ status: 404 })).fetch,
    });
    await expect(missing.get('nope')).rejects.toThrow(/Could not load an image: 404/);
  });

  it('types what it GETs from the bytes, never from the header (issue 12: an SVG or HTML upload stays inert)', async () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    for (const header of ['image/svg+xml', 'image/png', 'text/html']) {
      const server = fakeFetch(() => ({ status: 200, body: svg, headers: { 'Content-Type': header } }));
      const result = await createHttpFileStore({ roomId: 'room_1234', token: 'tok', fetch: server.fetch }).get('file-1');
      expect(result.mimeType).toBeNull();
    }
    const gif = new Uint8Array([...new TextEncoder().encode('GIF89a'), 1, 0, 1, 0]);
    const server = fakeFetch(() => ({ status: 200, body: gif, headers: { 'Content-Type': 'application/octet-stream' } }));
    expect((await createHttpFileStore({ roomId: 'room_1234', token: 'tok', fetch: server.fetch }).get('file-1')).mimeType).toBe('image/gif');
  });
});

describe('viewport math', () => {
  it('computes the scene bounds a canvas shows', () => {
    expect(visibleSceneBounds({ scrollX: -100, scrollY: 50, zoom: { value: 2 }, width: 800, height: 600 })).toEqual({
      minX: 100,
      minY: -50,
      maxX: 500,
      maxY: 250,
    });
  });

  it('fits bounds into another canvas, centred, and round-trips on the same size', () => {
    const bounds = { minX: 100, minY: -50, maxX: 500, maxY: 250 };
    const view = viewForBounds(bounds, { width: 800, height: 600 });
    expect(view.zoom.value).toBeCloseTo(2);
    expect(visibleSceneBounds({ ...view, width: 800, height: 600 })).toEqual(bounds);

    // A taller screen sees the same width and more above and below, centred on the same point.
    const tall = viewForBounds(bounds, { width: 400, height: 900 });
    const seen = visibleSceneBounds({ ...tall, width: 400, height: 900 });
    expect(seen.minX).toBeCloseTo(100);
    expect(seen.maxX).toBeCloseTo(500);
    expect((seen.minY + seen.maxY) / 2).toBeCloseTo(100);
    expect(seen.maxY - seen.minY).toBeGreaterThan(300);
  });

  it("clamps to Excalidraw's zoom range", () => {
    expect(viewForBounds({ minX: 0, minY: 0, maxX: 1, maxY: 1 }, { width: 1000, height: 1000 }).zoom.value).toBe(30);
    expect(viewForBounds({ minX: 0, minY: 0, maxX: 1e6, maxY: 1e6 }, { width: 100, height: 100 }).zoom.value).toBe(0.1);
  });
});
