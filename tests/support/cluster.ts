/**
 * Test support for several attn instances serving the same rooms: a seeded editing workload, a
 * convergence check, and a TCP load balancer with no stickiness (each new connection goes to the
 * next backend that accepts it), which is what clients see behind a real one.
 */
import net from 'node:net';
import { expect } from 'vitest';
import * as Y from 'yjs';
import { boardCode, boardElements } from '../../shared/doc.js';
import type { Client } from './server.js';

export type Rng = () => number;

/**
 * One random edit on a client's board doc: typing into the code pad, or adding / changing /
 * deleting a canvas element (a tombstone, as the canvas binding does). Every edit sends exactly
 * one update, so a test can count what the store must hold.
 */
export function randomEdit(client: Client, rng: Rng, label: string): 'text' | 'element' {
  const doc = client.doc;
  const r = rng();
  if (r < 0.5) {
    const text = boardCode(doc);
    // Only between labels, so each label stays whole and a test can look every one of them up.
    const content = text.toString();
    const boundaries = [0];
    for (let i = content.indexOf(';'); i !== -1; i = content.indexOf(';', i + 1)) boundaries.push(i + 1);
    text.insert(boundaries[Math.floor(rng() * boundaries.length)]!, `${label};`);
    return 'text';
  }
  const elements = boardElements(doc);
  const id = `el-${Math.floor(rng() * 40)}`;
  const existing = elements.get(id);
  const version = (existing?.version ?? 0) + 1;
  const isDeleted = r >= 0.9 && existing !== undefined;
  elements.set(id, { id, type: 'rectangle', version, versionNonce: Math.floor(rng() * 1e9), index: `a${id.slice(3)}`, isDeleted, x: Math.floor(rng() * 500) });
  return 'element';
}

/** Counts the updates a client sends: one per local transaction that changed something. */
export function countLocalUpdates(client: Client): { readonly count: number } {
  const counter = { count: 0 };
  client.doc.on('update', (_update: Uint8Array, origin: unknown) => {
    if (origin !== client.provider) counter.count++;
  });
  return counter;
}

/** Every client holds the same state (same state vector, same content). */
export function expectConverged(clients: readonly Client[]): void {
  const [first, ...rest] = clients;
  const sv = Buffer.from(Y.encodeStateVector(first!.doc)).toString('base64');
  const text = boardCode(first!.doc).toString();
  const elements = JSON.stringify([...boardElements(first!.doc).entries()].sort(([a], [b]) => a.localeCompare(b)));
  for (const c of rest) {
    expect(Buffer.from(Y.encodeStateVector(c.doc)).toString('base64')).toBe(sv);
    expect(boardCode(c.doc).toString()).toBe(text);
    expect(JSON.stringify([...boardElements(c.doc).entries()].sort(([a], [b]) => a.localeCompare(b)))).toBe(elements);
  }
}

export interface LoadBalancer {
  url: string;
  port: number;
  /** connections handed to each backend so far, by backend port */
  readonly handed: Map<number, number>;
  /** backends that refused a connection, by port: never tried again */
  readonly down: Set<number>;
  close(): Promise<void>;
}

/**
 * Round-robin over `backendPorts`; a backend that refuses the connection (it died) is skipped,
 * the next one tried, and it stays out of the rotation, as a load balancer's health check would.
 * Staying out matters: a dead backend's port is free for the kernel to give to another test's
 * server, or to one of our own connects as its source port (a loopback connect to a free port in
 * the ephemeral range can meet itself), and a later try would then "connect" to it. Once in CI a
 * killed instance was counted a third hand-off, most likely that way.
 */
export async function startLoadBalancer(backendPorts: number[]): Promise<LoadBalancer> {
  let next = 0;
  const handed = new Map<number, number>();
  const down = new Set<number>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const tryBackend = (attempt: number) => {
      const live = backendPorts.filter((p) => !down.has(p));
      if (attempt >= backendPorts.length || live.length === 0) {
        client.destroy();
        return;
      }
      const port = live[next++ % live.length]!;
      const upstream = net.connect(port, '127.0.0.1');
      upstream.once('connect', () => {
        handed.set(port, (handed.get(port) ?? 0) + 1);
        sockets.add(upstream);
        upstream.on('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        client.on('close', () => upstream.destroy());
        upstream.on('error', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.once('error', (err: NodeJS.ErrnoException) => {
        upstream.destroy();
        if (err.code === 'ECONNREFUSED') down.add(port);
        tryBackend(attempt + 1);
      });
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    handed,
    down,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Random pauses between edits, so edits from different clients interleave on the wire. */
export const pause = (rng: Rng, maxMs: number) => new Promise((r) => setTimeout(r, Math.floor(rng() * maxMs)));
