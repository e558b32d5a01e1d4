/** Test support: a real attn server on an ephemeral port, real sockets, stock y-websocket clients. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { CreateRoomResponse } from '../../shared/api.js';
import type { DocName } from '../../shared/protocol.js';
import { openSyncProvider } from '../../client/room/syncProvider.js';
import { startAttn, type AttnServer } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { lazySchema } from './postgres.js';

export function tempDir(prefix = 'attn-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ PORT: '0', HOST: '127.0.0.1', ATTN_LOG_LEVEL: 'silent' }),
    dataDir: tempDir(),
    // ATTN_TEST_STORE=postgres runs the same tests on Postgres, each server in a schema of its own
    // (left behind for inspection: they are named attn_test_*). The default stays SQLite.
    ...(process.env.ATTN_TEST_STORE === 'postgres' ? { databaseUrl: lazySchema().url } : {}),
    ...overrides,
  };
}

export interface TestServer extends AttnServer {
  config: Config;
  logs: string[];
}

export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const config = testConfig(overrides);
  const logs: string[] = [];
  const server = await startAttn(config, { logSink: (line) => logs.push(line) });
  return Object.assign(server, { config, logs });
}

export async function createRoom(baseUrl: string, title?: string): Promise<CreateRoomResponse> {
  const res = await fetch(`${baseUrl}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(title === undefined ? {} : { title }),
  });
  if (res.status !== 201) throw new Error(`create room: ${res.status} ${await res.text()}`);
  return (await res.json()) as CreateRoomResponse;
}

export interface Client {
  doc: Y.Doc;
  provider: WebsocketProvider;
  destroy(): void;
}

/** A stock y-websocket client, exactly as a third party would connect. */
/**
 * A stock y-websocket client (the token in `?token=`), or with `attn`, one opened as our client
 * opens it (openSyncProvider: the token as a subprotocol, which also earns it acknowledgements;
 * `connect: false` is for the stock client only).
 */
export function connect(baseUrl: string, roomId: string, doc: DocName, token: string, opts: { name?: string; connect?: boolean; attn?: boolean } = {}): Client {
  const ydoc = new Y.Doc();
  const wsBase = baseUrl.replace(/^http/, 'ws');
  const params: Record<string, string> = opts.name ? { name: opts.name } : {};
  const WebSocketPolyfill = WebSocket as unknown as typeof globalThis.WebSocket;
  const provider = opts.attn
    ? openSyncProvider(`${wsBase}/sync/${roomId}`, doc, ydoc, { token, params, WebSocketPolyfill })
    : new WebsocketProvider(`${wsBase}/sync/${roomId}`, doc, ydoc, {
        WebSocketPolyfill,
        params: { ...params, token },
        disableBc: true,
        connect: opts.connect ?? true,
      });
  return {
    doc: ydoc,
    provider,
    destroy() {
      provider.destroy();
      ydoc.destroy();
    },
  };
}

/** Retries an assertion until it passes or the time runs out (no fixed sleeps in tests). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

export function waitSynced(client: Client, timeoutMs = 5000): Promise<void> {
  if (client.provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('provider did not sync')), timeoutMs);
    client.provider.once('sync', (synced: boolean) => {
      if (synced) {
        clearTimeout(t);
        resolve();
      }
    });
  });
}

/** Resolves with the close code the server sent (via the provider's `connection-close`). */
export function nextClose(client: Client, timeoutMs = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no close event')), timeoutMs);
    client.provider.once('connection-close', (event: CloseEvent | null) => {
      clearTimeout(t);
      resolve(event?.code ?? -1);
    });
  });
}

/** A raw socket, for sending frames no well-behaved client would (or, with `opts`, behaving as no client would). */
export function rawSocket(baseUrl: string, roomId: string, doc: string, token: string, opts?: WebSocket.ClientOptions): Promise<WebSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/sync/${roomId}/${doc}?token=${encodeURIComponent(token)}`, opts);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

export function closeCodeOf(ws: WebSocket, timeoutMs = 5000): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('socket not closed')), timeoutMs);
    ws.once('close', (code, reason) => {
      clearTimeout(t);
      resolve({ code, reason: reason.toString() });
    });
  });
}
