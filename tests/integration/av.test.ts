/**
 * Audio/video over REST: LiveKit tokens per role (verified with livekit-server-sdk's own
 * TokenVerifier), the "off" answers, and the recording routes' gating. No LiveKit server runs
 * here: minting needs none, and Egress is a fake (or an address where nothing listens).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from 'livekit-server-sdk';
import type { AvStatusResponse, AvTokenResponse, CreateRoomResponse } from '../../shared/api.js';
import { startAttn, type AttnServer } from '../../server/app.js';
import type { EgressPort } from '../../server/av/livekit.js';
import type { LiveKitConfig } from '../../server/config.js';
import { decodeHistoryPage, type RecordingInfo } from '../../shared/history.js';
import { freePort } from '../support/browser.js';
import { createRoom, startTestServer, testConfig, type TestServer } from '../support/server.js';

const KEY = 'devkey';
const SECRET = 'secret';
const LK: LiveKitConfig = { url: 'ws://127.0.0.1:7880', apiUrl: 'http://127.0.0.1:7880', apiKey: KEY, apiSecret: SECRET, egress: false };

const RECORDINGS_URL = 'https://cdn.example.com/rec';

type Caller = 'interviewer' | 'candidate' | 'observer';

const caller = (server: { url: string }, room: CreateRoomResponse) => (token: string | undefined, urlPath: string, method = 'GET', body?: unknown) => {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${server.url}/api/rooms/${room.room.id}${urlPath}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
};

describe('with LiveKit configured', () => {
  let server: TestServer;
  let room: CreateRoomResponse;
  let other: CreateRoomResponse;
  let call: ReturnType<typeof caller>;

  beforeAll(async () => {
    server = await startTestServer({ livekit: LK });
    room = await createRoom(server.url, 'AV');
    other = await createRoom(server.url, 'Other');
    call = caller(server, room);
  });
  afterAll(async () => {
    await server.close();
  });

  const expected = (role: Caller, roomId: string) => ({
    room: roomId,
    roomJoin: true,
    canPublish: role !== 'observer',
    canSubscribe: true,
    canPublishData: role !== 'observer',
    roomAdmin: role === 'interviewer',
    roomRecord: role === 'interviewer',
  });

  it.each(['interviewer', 'candidate', 'observer'] as const)('mints a %s token with exactly that role’s grants', async (role) => {
    const before = Math.floor(Date.now() / 1000);
    const res = await call(room.links[role].token, '/av-token', 'POST', { name: '  Ada Lovelace ' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as AvTokenResponse;
    expect(body.url).toBe('ws://127.0.0.1:7880');
    expect(body.identity).toMatch(new RegExp(`^${role}-${room.links[role].id}-[A-Za-z0-9_-]{6}$`));

    const claims = await new TokenVerifier(KEY, SECRET).verify(body.token);
    expect(claims.video).toEqual(expected(role, room.room.id));
    expect(claims.name).toBe('Ada Lovelace');
    expect(claims.sub).toBe(body.identity);
    const ttl = (claims.exp as number) - before;
    expect(ttl).toBeGreaterThan(9 * 60);
    expect(ttl).toBeLessThanOrEqual(10 * 60 + 1);
    // signed with our secret, not any other
    await expect(new TokenVerifier(KEY, 'another-secret').verify(body.token)).rejects.toThrow();
  });

  it('gives every tab its own identity', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await call(room.links.candidate.token, '/av-token', 'POST', { name: 'Cam' });
      ids.add(((await res.json()) as AvTokenResponse).identity);
    }
    expect(ids.size).toBe(5);
  });

  it('answers a long display name with "name too long", not an auth error (issue 12)', async () => {
    const res = await call(room.links.candidate.token, '/av-token', 'POST', { name: 'N'.repeat(61) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'bad_request', message: 'name: name too long: at most 60 characters' });
  });

  it('refuses a missing token, another room’s token and a revoked link', async () => {
    expect((await call(undefined, '/av-token', 'POST', { name: 'x' })).status).toBe(401);
    const foreign = await call(other.links.interviewer.token, '/av-token', 'POST', { name: 'x' });
    expect(foreign.status).toBe(401);
    expect(await foreign.json()).toMatchObject({ error: 'unauthorized' });
    const extra = (await (await call(room.links.interviewer.token, '/links', 'POST', { role: 'candidate' })).json()) as { id: string; token: string };
    expect((await call(extra.token, '/av-token', 'POST', { name: 'x' })).status).toBe(200);
    await call(room.links.interviewer.token, `/links/${extra.id}/revoke`, 'POST');
    expect((await call(extra.token, '/av-token', 'POST', { name: 'x' })).status).toBe(410);
  });

  it.each([[{}], [{ name: '' }], [{ name: '   ' }], [{ name: 'x'.repeat(61) }], [{ name: 'ok', role: 'interviewer' }], [{ name: 42 }]])(
    'answers 400 with a sentence for the body %j',
    async (body) => {
      const res = await call(room.links.candidate.token, '/av-token', 'POST', body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: string; message: string };
      expect(json.error).toBe('bad_request');
      expect(json.message.length).toBeGreaterThan(5);
    },
  );

  it('says A/V is on and recording is off', async () => {
    const res = await call(room.links.observer.token, '/av');
    expect(await res.json()).toEqual({ enabled: true, egress: false, recording: null } satisfies AvStatusResponse);
  });

  it('recording is interviewer-only, and off without LIVEKIT_EGRESS', async () => {
    for (const role of ['candidate', 'observer'] as const) {
      for (const action of ['start', 'stop']) {
        const res = await call(room.links[role].token, `/recording/${action}`, 'POST');
        expect(res.status).toBe(403);
      }
    }
    const res = await call(room.links.interviewer.token, '/recording/start', 'POST');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'egress_disabled', message: expect.stringContaining('LIVEKIT_EGRESS=1') });
  });
});

describe('without LiveKit', () => {
  let server: TestServer;
  let room: CreateRoomResponse;
  let call: ReturnType<typeof caller>;

  beforeAll(async () => {
    server = await startTestServer();
    expect(server.config.livekit).toBeNull();
    room = await createRoom(server.url, 'No AV');
    call = caller(server, room);
  });
  afterAll(async () => {
    await server.close();
  });

  it('GET /av says it is off', async () => {
    const res = await call(room.links.candidate.token, '/av');
    expect(await res.json()).toEqual({ enabled: false, egress: false, recording: null });
  });

  it.each([
    ['interviewer', '/av-token'],
    ['candidate', '/av-token'],
    ['observer', '/av-token'],
    ['interviewer', '/recording/start'],
    ['interviewer', '/recording/stop'],
  ] as const)('%s POST %s answers 503 av_disabled', async (role, route) => {
    const res = await call(room.links[role].token, route, 'POST', { name: 'Ines' });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('av_disabled');
    expect(body.message).toMatch(/LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET/);
  });
});

describe('recording with Egress', () => {
  let server: AttnServer;
  let room: CreateRoomResponse;
  let call: ReturnType<typeof caller>;
  const calls: string[] = [];
  let failNext = false;
  const fake: EgressPort = {
    async startRoomComposite(roomName) {
      if (failNext) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      calls.push(`start ${roomName}`);
      return { egressId: `EG_${calls.length}` };
    },
    async stop(egressId) {
      calls.push(`stop ${egressId}`);
      return { file: `attn/${room.room.id}/2026-01-01T000000.mp4` };
    },
  };

  beforeAll(async () => {
    server = await startAttn(testConfig({ livekit: { ...LK, egress: true }, recordingsUrl: RECORDINGS_URL }), { logSink: () => undefined, egress: fake });
    room = await createRoom(server.url, 'Recorded');
    call = caller(server, room);
  });
  afterAll(async () => {
    await server.close();
  });

  it('starts, refuses a second start, stops, and keeps egress id and server-clock times with the room', async () => {
    const token = room.links.interviewer.token;
    expect((await (await call(token, '/av')).json()) as AvStatusResponse).toEqual({ enabled: true, egress: true, recording: null });
    expect((await call(room.links.candidate.token, '/recording/start', 'POST')).status).toBe(403);
    expect(calls).toEqual([]);

    const before = Date.now();
    const started = await call(token, '/recording/start', 'POST');
    expect(started.status).toBe(201);
    const { recording } = (await started.json()) as { recording: { egressId: string; startedAt: number; stoppedAt: null } };
    expect(recording.egressId).toBe('EG_1');
    expect(recording.startedAt).toBeGreaterThanOrEqual(before);
    expect(recording.startedAt).toBeLessThanOrEqual(Date.now());
    expect(calls).toEqual([`start ${room.room.id}`]);

    // everyone can see that the call is being recorded
    expect(((await (await call(room.links.candidate.token, '/av')).json()) as AvStatusResponse).recording).toEqual({ ...recording, stoppedAt: null });
    expect((await call(token, '/recording/start', 'POST')).status).toBe(409);

    const stopped = await call(token, '/recording/stop', 'POST');
    expect(stopped.status).toBe(200);
    expect(calls).toEqual([`start ${room.room.id}`, 'stop EG_1']);
    expect(await server.store.listRecordings(room.room.id)).toEqual([
      { roomId: room.room.id, egressId: 'EG_1', startedAt: recording.startedAt, stoppedAt: expect.any(Number), file: `attn/${room.room.id}/2026-01-01T000000.mp4` },
    ]);
    expect((await call(token, '/recording/stop', 'POST')).status).toBe(409);
  });

  it("puts the stopped recording's file, under ATTN_RECORDINGS_URL, in the history header for interviewers and observers", async () => {
    const history = async (r: CreateRoomResponse, token: string): Promise<RecordingInfo | null> => {
      const res = await caller(server, r)(token, '/history?doc=board');
      expect(res.status).toBe(200);
      return decodeHistoryPage(new Uint8Array(await res.arrayBuffer())).meta.recording;
    };
    const [stored] = await server.store.listRecordings(room.room.id);
    expect(stored?.file).toBeTruthy();
    const expected = {
      egressId: 'EG_1',
      startedAt: stored!.startedAt,
      stoppedAt: stored!.stoppedAt,
      url: `${RECORDINGS_URL}/attn/${room.room.id}/2026-01-01T000000.mp4`,
    };
    expect(await history(room, room.links.interviewer.token)).toEqual(expected);
    expect(await history(room, room.links.observer.token)).toEqual(expected);
    expect((await call(room.links.candidate.token, '/history?doc=board')).status).toBe(403);

    // a recording with no file yet (still running, or Egress named none) plays nothing
    const bare = await createRoom(server.url, 'No file');
    await server.store.addRecording({ roomId: bare.room.id, egressId: 'EG_bare', startedAt: 1, stoppedAt: 2, file: null });
    expect(await history(bare, bare.links.interviewer.token)).toBeNull();
    // a location that is already a URL is used as it is, and the latest playable recording wins
    await server.store.addRecording({ roomId: bare.room.id, egressId: 'EG_s3', startedAt: 3, stoppedAt: 4, file: 'https://bucket.s3.amazonaws.com/x/y.mp4' });
    await server.store.addRecording({ roomId: bare.room.id, egressId: 'EG_running', startedAt: 5, stoppedAt: null, file: null });
    expect(await history(bare, bare.links.interviewer.token)).toEqual({ egressId: 'EG_s3', startedAt: 3, stoppedAt: 4, url: 'https://bucket.s3.amazonaws.com/x/y.mp4' });
  });

  it('answers 502 with a sentence when Egress cannot be reached', async () => {
    failNext = true;
    const res = await call(room.links.interviewer.token, '/recording/start', 'POST');
    failNext = false;
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('livekit_unreachable');
    expect(body.message).toMatch(/^Could not start the recording: LiveKit Egress at http:\/\/127\.0\.0\.1:7880 did not answer \(.*ECONNREFUSED.*\)\.$/);
  });

  it('the real Egress client fails the same way against a closed port', async () => {
    const port = await freePort();
    const real = await startAttn(testConfig({ livekit: { ...LK, url: `ws://127.0.0.1:${port}`, apiUrl: `http://127.0.0.1:${port}`, egress: true } }), {
      logSink: () => undefined,
    });
    try {
      const r2 = await createRoom(real.url, 'Closed');
      const res = await caller(real, r2)(r2.links.interviewer.token, '/recording/start', 'POST');
      expect(res.status).toBe(502);
      expect(((await res.json()) as { message: string }).message).toMatch(/^Could not start the recording: LiveKit Egress at http:\/\/127\.0\.0\.1:\d+ did not answer/);
      expect(await real.store.listRecordings(r2.room.id)).toEqual([]);
    } finally {
      await real.close();
    }
  });
});
