/**
 * How the built client goes over the wire (server/http/assets.ts), against a real server on a
 * client directory laid out as `vite build` lays it out: hashed files under assets/, each text
 * file with the .br and .gz twins vite-plugin-compression2 writes beside it.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HASHED_ASSET_CACHE_CONTROL, isHashedAsset } from '../../server/http/assets.js';
import { RUNNER_WORKER_CSP } from '../../server/http/static.js';
import { startTestServer, tempDir, type TestServer } from '../support/server.js';

const INDEX_CHUNK = 'assets/index-DccAp2C2.js';
const RUNNER = 'assets/attn-runner-Bx9_k2Lm.js';
const STYLES = 'assets/index-CxGm7bMx.css';
const FONT = 'assets/Virgil-Cd1ZqY8h.woff2';

// Repetitive enough that both encodings shrink it a lot, as they do real bundles.
const chunkSource = Array.from({ length: 400 }, (_, i) => `export const value${i} = "attn ${i % 7}";`).join('\n');

let server: TestServer;
let clientDir: string;

function writeAsset(rel: string, body: Buffer | string, compress: boolean): void {
  const file = path.join(clientDir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, body);
  if (compress) {
    fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(body));
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body));
  }
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw GET: fetch() would negotiate and decode on its own, hiding exactly what is under test. */
function get(urlPath: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${server.url}${urlPath}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

beforeAll(async () => {
  clientDir = tempDir('attn-client-');
  writeAsset('index.html', '<!doctype html><div id="root"></div><script type="module" src="/assets/index-DccAp2C2.js"></script>', true);
  writeAsset(INDEX_CHUNK, chunkSource, true);
  writeAsset(RUNNER, `self.onmessage = () => {};\n${chunkSource}`, true);
  writeAsset(STYLES, `.room { display: grid; }\n`.repeat(200), true);
  // Fonts are compressed already; the build writes no twins for them.
  writeAsset(FONT, Buffer.from([0x77, 0x4f, 0x46, 0x32, 1, 2, 3, 4]), false);
  server = await startTestServer({ clientDir });
});
afterAll(() => server.close());

describe('precompressed assets', () => {
  it('sends the brotli file to a browser that accepts br, with Content-Encoding and Vary', async () => {
    const res = await get(`/${INDEX_CHUNK}`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toMatch(/Accept-Encoding/i);
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(chunkSource.length / 5);
    expect(zlib.brotliDecompressSync(res.body).toString()).toBe(chunkSource);
  });

  it('sends gzip to a client without brotli, and to one that refuses it with q=0', async () => {
    for (const accept of ['gzip, deflate', 'br;q=0, gzip']) {
      const res = await get(`/${INDEX_CHUNK}`, { 'accept-encoding': accept });
      expect(res.headers['content-encoding'], accept).toBe('gzip');
      expect(res.headers.vary).toMatch(/Accept-Encoding/i);
      expect(zlib.gunzipSync(res.body).toString()).toBe(chunkSource);
    }
  });

  it('sends the plain file when no encoding is accepted, still marked Vary for caches', async () => {
    for (const headers of [{}, { 'accept-encoding': 'identity' }] as Record<string, string>[]) {
      const res = await get(`/${INDEX_CHUNK}`, headers);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers.vary).toMatch(/Accept-Encoding/i);
      expect(res.body.toString()).toBe(chunkSource);
    }
  });

  it('serves a file with no compressed twin as it is', async () => {
    const res = await get(`/${FONT}`, { 'accept-encoding': 'gzip, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['content-type']).toBe('font/woff2');
    expect(res.headers['cache-control']).toBe(HASHED_ASSET_CACHE_CONTROL);
  });

  it('keeps the runner worker sandbox CSP on its compressed variants', async () => {
    for (const accept of ['br', 'gzip', 'identity']) {
      const res = await get(`/${RUNNER}`, { 'accept-encoding': accept });
      expect(res.status).toBe(200);
      expect(res.headers['content-security-policy'], accept).toBe(RUNNER_WORKER_CSP);
    }
    const other = await get(`/${INDEX_CHUNK}`, { 'accept-encoding': 'br' });
    expect(other.headers['content-security-policy']).not.toBe(RUNNER_WORKER_CSP);
  });
});

describe('caching', () => {
  it('caches content-hashed assets for a year, immutable, whatever the encoding', async () => {
    for (const [rel, accept] of [
      [INDEX_CHUNK, 'br'],
      [INDEX_CHUNK, 'gzip'],
      [INDEX_CHUNK, 'identity'],
      [STYLES, 'br'],
    ] as const) {
      const res = await get(`/${rel}`, { 'accept-encoding': accept });
      expect(res.headers['cache-control'], `${rel} ${accept}`).toBe('public, max-age=31536000, immutable');
    }
  });

  it('makes browsers revalidate HTML, on every path that serves it', async () => {
    for (const urlPath of ['/', '/r/abc123', '/index.html']) {
      const res = await get(urlPath, { 'accept-encoding': 'gzip, br', accept: 'text/html' });
      expect(res.status, urlPath).toBe(200);
      expect(res.headers['cache-control'], urlPath).toBe('no-cache');
    }
  });

  it('answers a revalidation with 304 and no body when the variant is unchanged', async () => {
    const first = await get(`/${INDEX_CHUNK}`, { 'accept-encoding': 'br' });
    const etag = first.headers.etag;
    expect(etag).toBeTruthy();
    // Each encoding is its own file, so its own validator: a cache may not mix them up.
    const gz = await get(`/${INDEX_CHUNK}`, { 'accept-encoding': 'gzip' });
    expect(gz.headers.etag).not.toBe(etag);
    const again = await get(`/${INDEX_CHUNK}`, { 'accept-encoding': 'br', 'if-none-match': etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('recognises Vite file names as content-hashed, and nothing else', () => {
    expect(isHashedAsset('/srv/dist/client/assets/useSplitRatio-CSP64cX0.js')).toBe(true);
    expect(isHashedAsset('/srv/dist/client/assets/chunk-K2UTITRG-CvTq15p3.js.map')).toBe(true);
    expect(isHashedAsset('/srv/dist/client/assets/attn-runner-Bx9_k2Lm.js')).toBe(true);
    expect(isHashedAsset('/srv/dist/client/index.html')).toBe(false);
    expect(isHashedAsset('/srv/dist/client/assets/logo.svg')).toBe(false);
    expect(isHashedAsset('/srv/dist/client/other/index-DccAp2C2.js')).toBe(false);
  });
});
