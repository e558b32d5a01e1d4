/**
 * Revoking a link removes everyone who joined the LiveKit call with it. No LiveKit server runs
 * here, so the call is a real HTTP server on port 0 that speaks the two Twirp methods of
 * livekit.RoomService we use (ListParticipants, RemoveParticipant) to the real
 * livekit-server-sdk RoomServiceClient, checks its admin token, and admits participants the way
 * LiveKit does: by verifying the JWT our /av-token route minted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TokenVerifier } from 'livekit-server-sdk';
import type { AvTokenResponse, CreateRoomResponse } from '../../shared/api.js';
import type { LiveKitConfig } from '../../server/config.js';
import { createRoom, startTestServer, type TestServer } from '../support/server.js';

const KEY = 'devkey';
const SECRET = 'secret-for-the-fake-livekit-0123456789';

/** The bits of a LiveKit server this feature touches: rooms of participants, and the RoomService API. */
class FakeLiveKit {
  readonly rooms = new Map<string, Set<string>>();
  readonly calls: Array<{ method: string; body: Record<string, unknown> }> = [];
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private readonly verifier = new TokenVerifier(KEY, SECRET);
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** What LiveKit does when a client connects with an access token: verify it, seat its identity. */
  async join(jwt: string): Promise<string> {
    const claims = await this.verifier.verify(jwt);
    const room = claims.video!.room!;
    let people = this.rooms.get(room);
    if (!people) this.rooms.set(room, (people = new Set()));
    people.add(claims.sub!);
    return claims.sub!;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const method = /^\/twirp\/livekit\.RoomService\/(\w+)$/.exec(req.url ?? '')?.[1];
    const fail = (status: number, code: string, msg: string) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code, msg }));
    };
    if (!method) return fail(404, 'bad_route', `no handler for ${req.url}`);
    // The SDK signs each call with a short-lived admin token for that room.
    try {
      const claims = await this.verifier.verify((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (!claims.video?.roomAdmin || claims.video.room !== body.room) return fail(403, 'permission_denied', 'not an admin of this room');
    } catch {
      return fail(401, 'unauthenticated', 'bad api token');
    }
    this.calls.push({ method, body });
    const people = this.rooms.get(String(body.room));
    if (!people) return fail(404, 'not_found', 'requested room does not exist');
    if (method === 'ListParticipants') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ participants: [...people].map((identity) => ({ identity, sid: `PA_${identity}` })) }));
      return;
    }
    if (method === 'RemoveParticipant') {
      if (!people.delete(String(body.identity))) return fail(404, 'not_found', 'participant not found');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    fail(404, 'bad_route', `no method ${method}`);
  }
}

const livekitAt = (apiUrl: string): LiveKitConfig => ({ url: apiUrl.replace(/^http/, 'ws'), apiUrl, apiKey: KEY, apiSecret: SECRET, egress: false });

async function post<T>(server: TestServer, roomId: string, path: string, token: string, body: unknown = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}/api/rooms/${roomId}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

type Revoked = { id: string; revokedAt: number; removedFromCall: number | null };

describe('revoking a link with LiveKit configured', () => {
  const livekit = new FakeLiveKit();
  let server: TestServer;
  let room: CreateRoomResponse;

  beforeAll(async () => {
    await livekit.start();
  });
  afterAll(async () => {
    await livekit.close();
  });
  beforeEach(async () => {
    livekit.rooms.clear();
    livekit.calls.length = 0;
    server = await startTestServer({ livekit: livekitAt(livekit.url) });
    room = await createRoom(server.url, 'AV revoke');
  });
  afterEach(async () => {
    await server.close();
  });

  const joinCall = async (role: 'interviewer' | 'candidate' | 'observer', name: string) => {
    const minted = await post<AvTokenResponse>(server, room.room.id, '/av-token', room.links[role].token, { name });
    expect(minted.status).toBe(200);
    return livekit.join(minted.body.token);
  };

  it('removes every participant who joined with that link, in every tab, and nobody else', async () => {
    const candTab1 = await joinCall('candidate', 'Cam');
    const candTab2 = await joinCall('candidate', 'Cam');
    const interviewer = await joinCall('interviewer', 'Ines');
    const observer = await joinCall('observer', 'Olu');
    expect(livekit.rooms.get(room.room.id)).toEqual(new Set([candTab1, candTab2, interviewer, observer]));

    const revoked = await post<Revoked>(server, room.room.id, `/links/${room.links.candidate.id}/revoke`, room.links.interviewer.token);
    expect(revoked.status).toBe(200);
    expect(revoked.body.removedFromCall).toBe(2);

    const removed = livekit.calls.filter((c) => c.method === 'RemoveParticipant').map((c) => c.body);
    expect(removed).toEqual(
      expect.arrayContaining([
        { room: room.room.id, identity: candTab1 },
        { room: room.room.id, identity: candTab2 },
      ]),
    );
    expect(removed).toHaveLength(2);
    expect(livekit.rooms.get(room.room.id)).toEqual(new Set([interviewer, observer]));

    // And the revoked link cannot mint its way back into the call.
    expect((await post(server, room.room.id, '/av-token', room.links.candidate.token, { name: 'Cam' })).status).toBe(410);
  });

  it('revokes fine when no call has started in the room (LiveKit answers not_found)', async () => {
    const revoked = await post<Revoked>(server, room.room.id, `/links/${room.links.observer.id}/revoke`, room.links.interviewer.token);
    expect(revoked.status).toBe(200);
    expect(revoked.body.removedFromCall).toBe(0);
    expect(livekit.calls.map((c) => c.method)).toEqual(['ListParticipants']);
  });
});

describe('revoking a link while LiveKit is unreachable', () => {
  it('still revokes, logs why without the token, and reports removedFromCall: null', async () => {
    const dead = http.createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => dead.close(() => resolve()));

    const server = await startTestServer({ livekit: livekitAt(deadUrl), logLevel: 'warn' });
    try {
      const room = await createRoom(server.url, 'AV down');
      const revoked = await post<Revoked>(server, room.room.id, `/links/${room.links.candidate.id}/revoke`, room.links.interviewer.token);
      expect(revoked.status).toBe(200);
      expect(revoked.body.removedFromCall).toBeNull();
      expect(revoked.body.revokedAt).toEqual(expect.any(Number));
      expect(server.logs.join('\n')).toContain('could not remove a revoked link from the LiveKit call');
      expect(server.logs.join('\n')).not.toContain(room.links.candidate.token);
    } finally {
      await server.close();
    }
  });
});
