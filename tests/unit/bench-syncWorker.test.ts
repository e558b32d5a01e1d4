import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { CountingWebSocket } from '../bench/syncWorker.js';

const servers: WebSocketServer[] = [];
const clients: CountingWebSocket[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A fresh ws server on loopback, and `connect()` to open a bench client to it (listeners go on `server` first). */
async function listening(): Promise<{ server: WebSocketServer; connect(): Promise<CountingWebSocket> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const connect = async () => {
    const client = new CountingWebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    clients.push(client);
    await new Promise((resolve, reject) => {
      client.once('open', resolve);
      client.once('error', reject);
    });
    return client;
  };
  return { server, connect };
}

describe('the sync bench load generator socket', () => {
  it('sends each frame masked with the key 0, so the payload is on the wire as sent', async () => {
    const { server, connect } = await listening();
    // A second 'data' listener sees the same chunks ws reads, before ws unmasks them (the
    // handshake is already read when 'connection' fires).
    const raw = new Promise<Buffer>((resolve) => server.once('connection', (_ws, req) => req.socket.once('data', (chunk: Buffer) => resolve(chunk))));
    const payload = Uint8Array.from([0, 2, 7, 1, 2, 3, 250, 251, 252, 253]);
    (await connect()).send(payload);
    const frame = await raw;
    // FIN + binary opcode; mask bit set (a client frame must carry a key) and the 7-bit length.
    expect(frame[0]).toBe(0x82);
    expect(frame[1]).toBe(0x80 | payload.length);
    expect([...frame.subarray(2, 6)]).toEqual([0, 0, 0, 0]);
    expect([...frame.subarray(6, 6 + payload.length)]).toEqual([...payload]);
  });

  it('is still a WebSocket the server reads the sent bytes from', async () => {
    const { server, connect } = await listening();
    const received = new Promise<Buffer>((resolve) => server.once('connection', (ws) => ws.once('message', (data) => resolve(data as Buffer))));
    (await connect()).send(Uint8Array.from([9, 8, 7]));
    expect([...(await received)]).toEqual([9, 8, 7]);
  });
});
