/**
 * server/http/files.ts against the attacks of issue 12 (finding 4, and the upload halves of 6 and
 * 8): an SVG with script, HTML posing as a PNG, a different file under a taken id, and uploads past
 * a room's budget. Real server, real SQLite, plain fetch as an attacker's script would use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateRoomResponse } from '../../shared/api.js';
import { createRoom, startTestServer, type TestServer } from '../support/server.js';

const PNG = new Uint8Array(fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/gradient-64.png')));
const SVG = new TextEncoder().encode(
  '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)"><script>fetch("/api/rooms")</script></svg>',
);
const HTML = new TextEncoder().encode('<!doctype html><script>parent.postMessage(localStorage.token, "*")</script>');

let server: TestServer;
let room: CreateRoomResponse;

const put = (id: string, type: string, bytes: Uint8Array, r = room) =>
  fetch(`${server.url}/api/rooms/${r.room.id}/files/${id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${r.links.candidate.token}`, 'content-type': type },
    body: new Blob([new Uint8Array(bytes)]),
  });
const get = (id: string, r = room) =>
  fetch(`${server.url}/api/rooms/${r.room.id}/files/${id}`, { headers: { authorization: `Bearer ${r.links.interviewer.token}` } });

beforeAll(async () => {
  // A budget of two fixture PNGs and a bit, so the third distinct upload is refused.
  server = await startTestServer({ maxUploadBytesPerRoom: PNG.length * 2 + 10 });
  room = await createRoom(server.url, 'Files');
});
afterAll(() => server.close());

describe('uploads are checked by their bytes', () => {
  it('refuses an SVG carrying script outright', async () => {
    const res = await put('svgattack0001', 'image/svg+xml', SVG);
    expect(res.status).toBe(415);
    expect((await res.json()).message).toMatch(/Raster images only/);
    expect((await get('svgattack0001')).status).toBe(404);
  });

  it('refuses an HTML page uploaded as image/png (magic bytes)', async () => {
    const res = await put('htmlaspng0001', 'image/png', HTML);
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ error: 'type_mismatch', message: "The file's contents are not a image/png image." });
    expect((await get('htmlaspng0001')).status).toBe(404);
  });

  it('refuses a PNG declared as a JPEG: the type must be what the bytes are', async () => {
    expect((await put('pngasjpeg0001', 'image/jpeg', PNG)).status).toBe(415);
  });
});

describe('serving', () => {
  it('serves a real PNG inline, sandboxed and never sniffed', async () => {
    expect((await put('goodpng000001', 'image/png', PNG)).status).toBe(201);
    const res = await get('goodpng000001');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe('inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
  });

  it('serves a stored SVG (or HTML) as an opaque, sandboxed download', async () => {
    // Files stored before uploads were checked are still in old databases: the serve-time check covers them.
    for (const [id, mimeType, bytes] of [
      ['legacysvg0001', 'image/svg+xml', SVG],
      ['legacyhtml001', 'image/png', HTML],
    ] as const) {
      await server.store.putFile({ roomId: room.room.id, id, mimeType, size: bytes.length, sha256: id, createdAt: Date.now(), bytes });
      const res = await get(id);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${id}"`);
      expect(res.headers.get('content-security-policy')).toMatch(/sandbox/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('file ids are tied to content', () => {
  it('accepts the same bytes again and refuses different bytes under a taken id with 409', async () => {
    expect((await put('samebytes0001', 'image/gif', gif(1))).status).toBe(201);
    expect((await put('samebytes0001', 'image/gif', gif(1))).status).toBe(200);
    const swapped = await put('samebytes0001', 'image/gif', gif(2));
    expect(swapped.status).toBe(409);
    expect((await swapped.json()).error).toBe('file_id_taken');
    expect(new Uint8Array(await (await get('samebytes0001')).arrayBuffer())).toEqual(gif(1));
  });
});

describe('upload budget per room', () => {
  it('refuses uploads past ATTN_MAX_UPLOAD_BYTES_PER_ROOM with 413 and a sentence; other rooms are untouched', async () => {
    const full = await createRoom(server.url, 'Budget');
    const variant = (n: number) => new Uint8Array([...PNG, n]);
    expect((await put('budgetfile001', 'image/png', variant(1), full)).status).toBe(201);
    expect((await put('budgetfile002', 'image/png', variant(2), full)).status).toBe(201);
    const over = await put('budgetfile003', 'image/png', variant(3), full);
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: 'room_upload_budget', message: expect.stringMatching(/This room has used its .* of image uploads/) });
    expect((await get('budgetfile003', full)).status).toBe(404);
    // Repeating a stored file costs nothing, and a fresh room has its own budget.
    expect((await put('budgetfile001', 'image/png', variant(1), full)).status).toBe(200);
    const fresh = await createRoom(server.url, 'Fresh');
    expect((await put('budgetfile003', 'image/png', variant(3), fresh)).status).toBe(201);
  });

  it('holds when the uploads race each other', async () => {
    const raced = await createRoom(server.url, 'Race');
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => put(`racefile0000${n}`, 'image/png', new Uint8Array([...PNG, n]), raced)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 413, 413, 413]);
  });
});

/** A distinct tiny GIF per n (the bytes only need the signature). */
function gif(n: number): Uint8Array {
  return new Uint8Array([...new TextEncoder().encode('GIF89a'), 1, 0, 1, 0, n]);
}
