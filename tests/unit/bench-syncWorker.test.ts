import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { CountingWebSocket } from '../bench/syncWorker.js';

/** The first frame a client sent, as bytes off the server's socket (the handshake already read). */
async function firstClientFrame(payload: Uint8Array): Promise<Buffer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const raw = new Promise<Buffer>((resolve) => {
    server.once('connection', (_ws, req) => {
      // A second 'data' listener sees the same chunks ws reads, before ws unmasks them.
      req.socket.once('data', (chunk: Buffer) => resolve(chunk));
    });
  });
  const { port } = server.address() as AddressInfo;
  const client = new CountingWebSocket(`ws://127.0.0.1:${port}`);
  clients.push(client);
  await new Promise((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  client.send(payload);
  return raw;
}

const servers: WebSocketServer[] = [];
const clients: CountingWebSocket[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('the sync bench load generator socket', () => {
  it('sends each frame masked with the key 0, so the payload is on the wire as sent', async () => {
    const payload = Uint8Array.from([0, 2, 7, 1, 2, 3, 250, 251, 252, 253]);
    const frame = await firstClientFrame(payload);
    // FIN + binary opcode; mask bit set (a client frame must carry a key) and the 7-bit length.
    expect(frame[0]).toBe(0x82);
    expect(frame[1]).toBe(0x80 | payload.length);
    expect([...frame.subarray(2, 6)]).toEqual([0, 0, 0, 0]);
    expect([...frame.subarray(6, 6 + payload.length)]).toEqual([...payload]);
  });

  it('is still a WebSocket the server reads the sent bytes from', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const received = new Promise<Buffer>((resolve) => server.once('connection', (ws) => ws.once('message', (data) => resolve(data as Buffer))));
    const client = new CountingWebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    clients.push(client);
    await new Promise((resolve) => client.once('open', resolve));
    client.send(Uint8Array.from([9, 8, 7]));
    expect([...(await received)]).toEqual([9, 8, 7]);
  });
});
