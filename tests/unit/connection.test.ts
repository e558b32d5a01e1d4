import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { ConnSocket } from '../../server/sync/connection.js';

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
  const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
  const client = new WebSocket(url);
  const [server] = await accepted;
  await once(client, 'open');
  return { socket: new ConnSocket(server), client };
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
});
