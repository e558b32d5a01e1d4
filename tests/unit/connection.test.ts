import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { ConnSocket } from '../../server/sync/connection.js';
import { wireFrame } from '../../server/sync/frames.js';

// A real socket pair: the server side is what ConnSocket wraps in SyncServer.
let wss: WebSocketServer;
let url: string;

beforeAll(async () => {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => wss.close(() => resolve())));

async function pair(): Promise<{ socket: ConnSocket; client: WebSocket }> {
  const accepted = once(wss, 'connection') as Promise<[WebSocket, IncomingMessage]>;
  const client = new WebSocket(url);
  const [server, req] = await accepted;
  await once(client, 'open');
  // req.socket is the upgraded socket under `server`, as SyncServer hands it over.
  return { socket: new ConnSocket(server, req.socket), client };
}

describe('ConnSocket (the transport half of a sync connection)', () => {
  it('sends frames while open, closes once with the given code, then sends nothing', async () => {
    const { socket, client } = await pair();
    const got = once(client, 'message') as Promise<[Buffer]>;
    expect(socket.send(new Uint8Array([1, 2, 3]))).toBe(true);
    expect([...(await got)[0]]).toEqual([1, 2, 3]);
    const closed = once(client, 'close') as Promise<[number, Buffer]>;
    expect(socket.close(4403, 'forbidden')).toBe(true);
    expect(socket.close(4400, 'again')).toBe(false);
    expect(socket.send(new Uint8Array([4]))).toBe(false);
    const [code, reason] = await closed;
    expect(code).toBe(4403);
    expect(reason.toString()).toBe('forbidden');
  });

  it('pauses reading for a while, then resumes and delivers what the peer sent meanwhile', async () => {
    const { socket, client } = await pair();
    // Records whether the socket was still paused when the frame reached the server.
    const arrived = new Promise<{ byte: number; pausedThen: boolean }>((resolve) =>
      socket.ws.once('message', (data: Buffer) => resolve({ byte: data[0]!, pausedThen: socket.paused })),
    );
    socket.pauseFor(150);
    expect(socket.paused).toBe(true);
    client.send(new Uint8Array([9]));
    expect(await arrived).toEqual({ byte: 9, pausedThen: false });
    socket.close(1000, 'done');
  });

  it('writes frames built whole for the wire in order with ws\'s own, in all three length forms, until it closes', async () => {
    const { socket, client } = await pair();
    // 125/126 and 65535/65536 are where the 7-, 16- and 64-bit length forms meet.
    const sizes = [0, 1, 125, 126, 127, 65535, 65536, 70001];
    const payload = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
    const received: Buffer[] = [];
    const all = new Promise<void>((resolve, reject) => {
      client.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) reject(new Error(`message ${received.length} came as text`));
        received.push(data);
        if (received.length === sizes.length * 2) resolve();
      });
      // A malformed frame makes the client close the connection instead.
      client.once('close', (code: number) => reject(new Error(`the client closed (${code}) after ${received.length} messages`)));
    });
    for (const n of sizes) {
      expect(socket.sendWire(wireFrame(payload(n)))).toBe(true);
      expect(socket.send(new Uint8Array([n & 0xff]))).toBe(true);
    }
    await all;
    sizes.forEach((n, i) => {
      expect(received[2 * i]!.equals(Buffer.from(payload(n)))).toBe(true);
      expect([...received[2 * i + 1]!]).toEqual([n & 0xff]);
    });
    const closed = once(client, 'close');
    socket.close(1000, 'done');
    expect(socket.sendWire(wireFrame(payload(3)))).toBe(false);
    await closed;
  });
});
